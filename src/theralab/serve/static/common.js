// Shared helpers for the TheraLab UI. Text from the server is only ever set with textContent,
// never parsed as HTML, so what people write is shown exactly as written.
"use strict";

const CSRF = document.querySelector('meta[name="csrf-token"]').content;

class ApiError extends Error {
  // status 0: the server could not be reached (no answer at all).
  constructor(status, body, retryAfter = null) {
    const info = (body && body.error) || {};
    super(info.message || (status ? `request failed (${status})` : "could not reach the server"));
    this.status = status;
    this.code = info.code || (status ? "error" : "network");
    this.retryAfter = retryAfter;
  }
}

function retryAfterOf(response) {
  const seconds = parseInt(response.headers.get("Retry-After") || "", 10);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

// fetch, with "could not reach the server" as an ApiError (status 0) like any other failure.
async function reach(path, init) {
  try {
    return await fetch(path, init);
  } catch (_) {
    throw new ApiError(0, null);
  }
}

async function failure(response) {
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  return new ApiError(response.status, body, retryAfterOf(response));
}

// A failed request in words for the person using the page (never the developer's message).
// `what` names what failed, e.g. "your message was not sent".
function plainError(err, what = "that did not work") {
  const status = err instanceof ApiError ? err.status : 0;
  const code = err instanceof ApiError ? err.code : "network";
  const first = what.charAt(0).toUpperCase() + what.slice(1);
  if (status === 0) return `We couldn't reach the server, so ${what}. Please try again in a moment.`;
  if (status === 401) return `Your sign-in has ended (a sign-in lasts 24 hours, and signing out in another tab ends it), so ${what}.`;
  if (status === 403) return `This page is out of date, so ${what}. Please reload the page.`;
  if (status === 429) {
    const wait = err.retryAfter ? ` Please wait ${err.retryAfter} second${err.retryAfter === 1 ? "" : "s"} and try again.` : " Please wait a moment and try again.";
    return `Too many requests were sent from this sign-in in a short time, so ${what}.${wait}`;
  }
  if (code === "conversation_ended") return `This conversation has ended (in another tab, or after a long pause), so ${what}. Start a new conversation to keep talking.`;
  if (code === "conversation_state_lost") return `The server can no longer continue this conversation, so ${what}. Please start a new conversation.`;
  if (code === "conversation_busy") return `Another message in this conversation was being answered at the same moment, so ${what}. Please send it again.`;
  if (code === "conversation_full") return `This conversation is as long as it can get, so ${what}. Please end it and start a new one.`;
  if (status === 413) return `That is longer than this server accepts, so ${what}. Please shorten it or send it in parts.`;
  if (status >= 500) return `Something went wrong on the server, so ${what}. Please try again in a moment.`;
  return `${first}: ${err.message}`;
}

// Forget what this tab kept of conversations (the chat keeps them in sessionStorage).
function forgetTab() {
  try {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith("theralab.")) sessionStorage.removeItem(key);
  } catch (_) { /* storage may be off */ }
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
  const response = await reach(path, init);
  if (!response.ok) throw await failure(response);
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  return body;
}

// POST a JSON body and read a server-sent-event stream: onEvent(name, data) per event.
async function streamPost(path, body, onEvent) {
  const response = await reach(path, {
    method: "POST",
    headers: { "X-CSRF-Token": CSRF, "Content-Type": "application/json", Accept: "text/event-stream" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    let chunk;
    try { chunk = await reader.read(); } catch (_) { throw new ApiError(0, null); }
    const { value, done } = chunk;
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

// The sign-out link: forget this tab's conversations too (the server also clears them).
document.getElementById("sign-out")?.addEventListener("click", forgetTab);

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
