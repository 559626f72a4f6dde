// The chat page: start a conversation, stream replies, show crisis resources when given.
"use strict";

const REGIONS = {
  "en-US": "United States", "en-GB": "United Kingdom", "en-CA": "Canada", "en-AU": "Australia",
  "en-IE": "Ireland", "en-NZ": "New Zealand", "en-IN": "India",
};
const MODALITY_NAMES = {
  cbt: "Cognitive behavioural (CBT)", mi: "Motivational interviewing", person_centred: "Person-centred",
  act: "Acceptance & commitment (ACT)", pfa: "Psychological first aid",
};

const $ = (id) => document.getElementById(id);
const state = { options: null, current: null, busy: false };

function modalityName(m) { return MODALITY_NAMES[m] || titleCase(m); }

function fillOptions(options) {
  state.options = options;
  const modality = $("modality");
  modality.replaceChildren(...options.modalities.map((m) =>
    el("option", { value: m.name, title: m.description, text: modalityName(m.name) })));
  modality.value = options.modalities.some((m) => m.name === "person_centred") ? "person_centred" : options.modalities[0].name;
  const locale = $("locale");
  locale.replaceChildren(
    ...options.locales.map((l) => el("option", { value: l, text: REGIONS[l] || l })),
    el("option", { value: "en", text: "Somewhere else" }));
  const guess = navigator.language && options.locales.find((l) => l.toLowerCase() === navigator.language.toLowerCase());
  locale.value = guess || "en-US";
  fillModels();
  $("input").maxLength = options.max_message_chars;
}

function fillModels() {
  const chosen = state.options.modalities.find((m) => m.name === $("modality").value);
  $("model").replaceChildren(...chosen.models.map((m) =>
    el("option", { value: m, text: m === "scripted" ? "Scripted (offline)" : m })));
}

function addMessage(speaker, text, extra = {}) {
  $("empty")?.remove();
  const bubble = el("div", { class: "bubble", text: text ?? "" });
  if (text === null) { bubble.textContent = "(text not stored)"; bubble.classList.add("muted"); }
  const meta = el("div", { class: "meta" });
  const node = el("div", { class: `msg msg-${speaker}${extra.crisis ? " msg-crisis" : ""}` },
    el("div", { class: "who", text: speaker === "client" ? "You" : "Counselor (AI)" }), bubble, meta);
  $("messages").append(node);
  node.scrollIntoView({ block: "end" });
  return { node, bubble, meta };
}

function markMeta(meta, info) {
  meta.replaceChildren();
  if (info.protocol === "crisis") meta.append(el("span", { class: "tag tag-risk", text: "Crisis support" }));
  else if (info.guardrail === "check_in") meta.append(el("span", { class: "tag", text: "Safety check-in" }));
  else if (info.guardrail === "blocked") meta.append(el("span", { class: "tag", text: "Reply replaced by guardrail" }));
}

function showResources(done) {
  if (!done.resources || !done.resources.length) return;
  $("emergency").textContent = done.emergency ? `If you are in immediate danger, call ${done.emergency} now.` : "";
  $("resource-list").replaceChildren(...done.resources.map((r) => el("li", { text: r })));
  $("resources").hidden = false;
  $("messages").scrollTop = $("messages").scrollHeight;
}

function setComposer(enabled) {
  $("input").disabled = !enabled;
  $("send").disabled = !enabled;
  if (enabled) $("input").focus();
}

function setHeader(conversation) {
  $("chat-title").textContent = modalityName(conversation.modality);
  const region = REGIONS[conversation.locale] || conversation.locale;
  const engine = conversation.model === "scripted" ? "scripted" : conversation.model;
  const status = conversation.status === "ended" ? " · ended" : "";
  $("chat-sub").textContent = `${engine} counselor · resources for ${region}${status}`;
  $("export").hidden = false;
  $("export").href = `/v1/conversations/${conversation.id}/export`;
  $("export").setAttribute("download", `${conversation.id}.json`);
  $("end").hidden = conversation.status === "ended";
}

function resetView() {
  $("messages").replaceChildren();
  $("resources").hidden = true;
}

async function startConversation(event) {
  event.preventDefault();
  if (state.busy) return;
  state.busy = true;
  $("start").disabled = true;
  try {
    const body = { modality: $("modality").value, model: $("model").value, locale: $("locale").value };
    const userId = $("user-id").value.trim();
    if (userId) body.user_id = userId;
    const created = await api("/v1/conversations", { method: "POST", body });
    state.current = created.conversation;
    resetView();
    setHeader(created.conversation);
    $("disclosure-text").textContent = created.ai_disclosure;
    $("disclosure").hidden = false;
    let greeting = created.greeting;
    if (greeting.startsWith(created.ai_disclosure)) greeting = greeting.slice(created.ai_disclosure.length).trim();
    addMessage("counselor", greeting);
    setComposer(true);
    loadList();
  } catch (err) {
    alertError(err);
  } finally {
    state.busy = false;
    $("start").disabled = false;
  }
}

function alertError(err) {
  const box = addMessage("counselor", err.message);
  box.node.classList.add("msg-error");
  box.meta.append(el("span", { class: "tag tag-risk", text: `Error ${err.status || ""}`.trim() }));
}

async function send(event) {
  event.preventDefault();
  const text = $("input").value;
  if (!text.trim() || !state.current || state.busy) return;
  state.busy = true;
  setComposer(false);
  $("input").value = "";
  updateCounter();
  addMessage("client", text);
  const reply = addMessage("counselor", "");
  reply.bubble.classList.add("typing");
  try {
    await streamPost(`/v1/conversations/${state.current.id}/messages`, { text }, async (name, data) => {
      if (name === "delta") {
        reply.bubble.textContent += data.text;
        reply.node.scrollIntoView({ block: "end" });
        await pause(22);
      } else if (name === "done") {
        reply.bubble.classList.remove("typing");
        reply.node.dataset.risk = data.risk.level;
        if (data.crisis) reply.node.classList.add("msg-crisis");
        markMeta(reply.meta, data);
        showResources(data);
      }
    });
  } catch (err) {
    reply.node.remove();
    alertError(err);
  } finally {
    reply.bubble.classList.remove("typing");
    state.busy = false;
    setComposer(state.current && state.current.status !== "ended");
    loadList();
  }
}

async function endConversation() {
  if (!state.current) return;
  try {
    const out = await api(`/v1/conversations/${state.current.id}/end`, { method: "POST" });
    state.current = out.conversation;
    setHeader(out.conversation);
    setComposer(false);
    $("messages").append(el("div", { class: "empty-state small", text: out.memory_saved
      ? "Conversation ended. A short summary (themes only) will be recalled next time."
      : "Conversation ended." }));
    loadList();
  } catch (err) { alertError(err); }
}

async function openConversation(id) {
  try {
    const detail = await api(`/v1/conversations/${id}`);
    state.current = detail.conversation;
    resetView();
    setHeader(detail.conversation);
    $("disclosure").hidden = true;
    for (const m of detail.messages) {
      const box = addMessage(m.speaker, m.text, { crisis: m.protocol === "crisis" });
      markMeta(box.meta, m);
    }
    setComposer(detail.conversation.status === "active");
  } catch (err) { alertError(err); }
}

async function loadList() {
  try {
    const list = await api("/v1/conversations?limit=25");
    $("conversations").replaceChildren(...list.items.map((c) => {
      const when = new Date(c.created_at).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
      const meta = el("span", { class: "conv-meta muted" }, when, ` · ${c.client_messages} msg`);
      if (c.status === "ended") meta.append(el("span", { class: "tag tag-ended", text: "ended" }));
      if (c.crisis_turns > 0) meta.append(el("span", { class: "tag tag-risk", text: "crisis" }));
      const active = state.current && state.current.id === c.id ? " active" : "";
      return el("li", {}, el("button", { class: `conv-item${active}`, type: "button", onclick: () => openConversation(c.id) },
        el("span", { class: "conv-title", text: modalityName(c.modality) }), meta));
    }));
    if (!list.items.length) $("conversations").append(el("li", { class: "muted small", text: "None yet." }));
  } catch (err) { /* the list is a convenience */ }
}

function updateCounter() {
  const n = $("input").value.length;
  const max = state.options ? state.options.max_message_chars : 0;
  $("counter").textContent = n > max * 0.8 ? `${n} / ${max}` : "";
}

async function init() {
  fillOptions(await api("/v1/options"));
  $("modality").addEventListener("change", fillModels);
  $("new-conversation").addEventListener("submit", startConversation);
  $("composer").addEventListener("submit", send);
  $("end").addEventListener("click", endConversation);
  $("input").addEventListener("input", updateCounter);
  submitOnEnter($("input"), $("composer"));
  loadList();
}

init();
