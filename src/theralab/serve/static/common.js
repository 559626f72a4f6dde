// Shared helpers for the TheraLab UI. Text from the server is only ever set with textContent,
// never parsed as HTML, so what people write is shown exactly as written.
"use strict";

const CSRF = document.querySelector('meta[name="csrf-token"]').content;

class ApiError extends Error {
  constructor(status, body) {
    const info = (body && body.error) || {};
    super(info.message || `request failed (${status})`);
    this.status = status;
    this.code = info.code || "error";
  }
}

async function api(path, options = {}) {
  const init = {
    method: options.method || "GET",
    headers: { "X-CSRF-Token": CSRF, Accept: "application/json" },
    credentials: "same-origin",
  };
  if (options.body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(path, init);
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

// POST a JSON body and read a server-sent-event stream: onEvent(name, data) per event.
async function streamPost(path, body, onEvent) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "X-CSRF-Token": CSRF, "Content-Type": "application/json", Accept: "text/event-stream" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    let err = null;
    try { err = await response.json(); } catch (_) { err = null; }
    throw new ApiError(response.status, err);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) await onEvent(name, JSON.parse(data.join("\n")));
    }
  }
}

// el("div", {class: "x", text: "hi"}, child, …): builds elements without innerHTML.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function pause(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

function titleCase(s) { return s.replace(/_/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()); }

// Enter sends, Shift+Enter makes a new line.
function submitOnEnter(textarea, form) {
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
}
