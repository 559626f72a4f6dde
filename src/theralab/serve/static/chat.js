// The chat page: start a conversation, stream replies, show crisis resources when given.
//
// What the person and the counselor said is kept only in this browser tab (sessionStorage),
// so a reload of the tab shows it again even when the server stores no text; it is forgotten
// when the conversation ends, when the person signs out, and when the tab is closed.
"use strict";

const REGIONS = {
  "en-US": "United States", "en-GB": "United Kingdom", "en-CA": "Canada", "en-AU": "Australia",
  "en-IE": "Ireland", "en-NZ": "New Zealand", "en-IN": "India",
};
const MODALITY_NAMES = {
  cbt: "Cognitive behavioural (CBT)", mi: "Motivational interviewing", person_centred: "Person-centred",
  act: "Acceptance & commitment (ACT)", pfa: "Psychological first aid",
};
const RISK_ORDER = ["none", "low", "moderate", "high", "imminent"];
const NOT_KEPT = "(not shown: this server keeps no conversation text, and this browser tab did not keep it either)";
const TAB = { current: "theralab.chat.current", draft: "theralab.chat.draft", turns: (id) => `theralab.chat.turns.${id}` };

const $ = (id) => document.getElementById(id);
const state = { options: null, current: null, busy: false };
// Every locale's emergency number and crisis lines, sent with the page: shown when sending
// fails even if the server cannot be reached.
const CRISIS_LINES = JSON.parse($("crisis-lines").textContent);

function modalityName(m) { return MODALITY_NAMES[m] || titleCase(m); }

function linesFor(locale) { return CRISIS_LINES[locale] || CRISIS_LINES.en; }

function currentLocale() {
  if (state.current) return state.current.locale;
  return $("locale").value || guessLocale() || "en";
}

function guessLocale() {
  const lang = (navigator.language || "").toLowerCase();
  return Object.keys(CRISIS_LINES).find((l) => l.toLowerCase() === lang);
}

// --- what this tab keeps ----------------------------------------------------------------------

function tabGet(key) {
  try { return JSON.parse(sessionStorage.getItem(key) || "null"); } catch (_) { return null; }
}

function tabSet(key, value) {
  try { sessionStorage.setItem(key, JSON.stringify(value)); } catch (_) { /* storage may be off or full */ }
}

function tabDrop(key) {
  try { sessionStorage.removeItem(key); } catch (_) { /* storage may be off */ }
}

function keepTurn(id, seq, speaker, text) {
  const turns = tabGet(TAB.turns(id)) || {};
  turns[seq] = { speaker, text };
  tabSet(TAB.turns(id), turns);
}

function forgetConversation(id) {
  tabDrop(TAB.turns(id));
  if (tabGet(TAB.current) === id) tabDrop(TAB.current);
}

// --- the page ---------------------------------------------------------------------------------

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
  updateCounter();
}

function fillModels() {
  const chosen = state.options.modalities.find((m) => m.name === $("modality").value);
  $("model").replaceChildren(...chosen.models.map((m) =>
    el("option", { value: m, text: m === "scripted" ? "Scripted (offline)" : m })));
}

function addMessage(speaker, text, extra = {}) {
  $("empty")?.remove();
  const bubble = el("div", { class: "bubble", dir: "auto", text: text ?? "" });
  if (text === null) { bubble.textContent = NOT_KEPT; bubble.classList.add("muted"); }
  const meta = el("div", { class: "meta" });
  const node = el("div", { class: `msg msg-${speaker}${extra.crisis ? " msg-crisis" : ""}` },
    el("div", { class: "who", text: speaker === "client" ? "You" : "Counselor (AI)" }), bubble, meta);
  $("messages").append(node);
  node.scrollIntoView({ block: "end" });
  return { node, bubble, meta };
}

// A line from the page itself (never labelled as the counselor's words).
function addSystemLine(text) {
  const line = el("div", { class: "msg-system", text });
  $("messages").append(line);
  line.scrollIntoView({ block: "end" });
  return line;
}

function markMeta(meta, info) {
  meta.replaceChildren();
  if (info.protocol === "crisis") meta.append(el("span", { class: "tag tag-risk", text: "Crisis support" }));
  else if (info.guardrail === "check_in") meta.append(el("span", { class: "tag", text: "Safety check-in" }));
  else if (info.guardrail === "blocked") meta.append(el("span", { class: "tag", text: "Reply replaced by guardrail" }));
}

// lines: {emergency, resources} (a reply's `done` event, or the locale's lines from the page)
function showResources(lines) {
  if (!lines || !lines.resources || !lines.resources.length) return;
  $("emergency").textContent = lines.emergency ? `If you are in immediate danger, call ${lines.emergency} now.` : "";
  $("resource-list").replaceChildren(...lines.resources.map((r) => el("li", { text: r })));
  $("resources").hidden = false;
  $("messages").scrollTop = $("messages").scrollHeight;
}

// A failure the person must see: in plain words, with the crisis lines beside it.
function showSendError(message, { signIn = false, resources = true } = {}) {
  $("send-error-text").textContent = message;
  $("sign-in-again").hidden = !signIn;
  $("send-error").hidden = false;
  if (resources) showResources(linesFor(currentLocale()));
}

function hideSendError() { $("send-error").hidden = true; }

// The composer stays readable when it is off, so a message that could not be sent can
// still be read and copied.
function setComposer(enabled) {
  const input = $("input");
  input.readOnly = !enabled;
  input.disabled = !enabled && !input.value;
  $("send").disabled = !enabled;
  if (enabled) input.focus();
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
  $("chat-layout").classList.add("has-conversation");
  showSidebar(false);
}

function showSidebar(show) {
  $("chat-layout").classList.toggle("show-sidebar", show);
  $("show-list").setAttribute("aria-expanded", String(show));
}

function resetView() {
  $("messages").replaceChildren();
  $("resources").hidden = true;
  hideSendError();
}

function markEnded(message) {
  if (state.current) {
    state.current = { ...state.current, status: "ended" };
    setHeader(state.current);
    forgetConversation(state.current.id);
  }
  setComposer(false);
  addSystemLine(message);
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
    tabSet(TAB.current, created.conversation.id);
    keepTurn(created.conversation.id, 0, "counselor", greeting);
    state.busy = false;
    setComposer(true);
    loadList();
  } catch (err) {
    handleFailure(err, "the conversation was not started");
  } finally {
    state.busy = false;
    $("start").disabled = false;
  }
}

// Show a failed request for what it is: a notice from the page, with the crisis lines.
function handleFailure(err, what) {
  const message = plainError(err, what);
  if (err instanceof ApiError && err.status === 401) {
    setComposer(false);
    showSendError(`${message} Open the sign-in link again to continue.`, { signIn: true });
  } else if (err instanceof ApiError && err.code === "conversation_ended") {
    markEnded("This conversation has ended. Start a new conversation to keep talking.");
    showSendError(message);
  } else {
    showSendError(message);
  }
}

function codePoints(text) { return [...text].length; }

function tooLong(text) {
  const max = state.options ? state.options.max_message_chars : Infinity;
  const n = codePoints(text);
  return n > max ? `Your message is ${n.toLocaleString()} characters; the limit is ${max.toLocaleString()}. Please shorten it or send it in parts — nothing was cut off.` : null;
}

async function send(event) {
  event.preventDefault();
  const text = $("input").value;
  if (!text.trim() || !state.current || state.busy) return;
  const over = tooLong(text);
  if (over) { showSendError(over, { resources: false }); return; }
  state.busy = true;
  setComposer(false);
  hideSendError();
  const conversation = state.current;
  const mine = addMessage("client", text);
  const reply = addMessage("counselor", "");
  reply.bubble.classList.add("typing");
  // one announcement for the whole reply, not one per streamed piece
  $("messages").setAttribute("aria-busy", "true");
  let done = null;
  try {
    await streamPost(`/v1/conversations/${conversation.id}/messages`, { text }, async (name, data) => {
      if (name === "delta") {
        reply.bubble.textContent += data.text;
        reply.node.scrollIntoView({ block: "end" });
        await pause(22);
      } else if (name === "done") {
        done = data;
      }
    });
    if (!done) throw new ApiError(0, null);  // the reply was cut off on the way
    reply.node.dataset.risk = done.risk.level;
    if (done.crisis) reply.node.classList.add("msg-crisis");
    markMeta(reply.meta, done);
    showResources(done);
    keepTurn(conversation.id, done.seq - 1, "client", text);
    keepTurn(conversation.id, done.seq, "counselor", reply.bubble.textContent);
    $("input").value = "";  // only now: the message was answered
    tabDrop(TAB.draft);
    updateCounter();
  } catch (err) {
    mine.node.remove();
    reply.node.remove();
    handleFailure(err, "your message was not sent (it is still in the box below)");
  } finally {
    reply.bubble.classList.remove("typing");
    $("messages").removeAttribute("aria-busy");
    state.busy = false;
    const open = state.current && state.current.status === "active" && $("sign-in-again").hidden;
    setComposer(Boolean(open));
    loadList();
  }
}

async function endConversation() {
  if (!state.current) return;
  try {
    const out = await api(`/v1/conversations/${state.current.id}/end`, { method: "POST" });
    forgetConversation(state.current.id);
    state.current = out.conversation;
    setHeader(out.conversation);
    setComposer(false);
    addSystemLine(out.memory_saved
      ? "Conversation ended. A short summary (themes only) will be recalled next time."
      : "Conversation ended.");
    loadList();
  } catch (err) { handleFailure(err, "the conversation was not ended"); }
}

function atLeastModerate(level) { return RISK_ORDER.indexOf(level) >= RISK_ORDER.indexOf("moderate"); }

async function openConversation(id) {
  try {
    const detail = await api(`/v1/conversations/${id}`);
    const conversation = detail.conversation;
    state.current = conversation;
    resetView();
    setHeader(conversation);
    $("disclosure").hidden = true;
    const kept = tabGet(TAB.turns(id)) || {};
    let missing = 0;
    for (const m of detail.messages) {
      const text = m.text ?? (kept[m.seq] ? kept[m.seq].text : null);
      if (text === null) missing += 1;
      const box = addMessage(m.speaker, text, { crisis: m.protocol === "crisis" });
      markMeta(box.meta, m);
    }
    if (missing) {
      $("messages").prepend(el("div", { class: "msg-system", text: "This server does not store what is said in conversations, so messages this browser tab did not keep cannot be shown." }));
    }
    // a conversation that reached a crisis shows its resources straight away
    if (conversation.crisis_turns > 0 || atLeastModerate(conversation.risk_peak)) showResources(linesFor(conversation.locale));
    if (conversation.status === "active") tabSet(TAB.current, id);
    else {
      addSystemLine("This conversation has ended.");
      forgetConversation(id);  // what the tab kept goes when the conversation ends
    }
    setComposer(conversation.status === "active");
    loadList();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      forgetConversation(id);  // another sign-in's conversation, or gone
      return;
    }
    handleFailure(err, "the conversation could not be opened");
  }
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
  const n = codePoints($("input").value);
  const max = state.options ? state.options.max_message_chars : 0;
  const counter = $("counter");
  counter.classList.toggle("over", max > 0 && n > max);
  if (max > 0 && n > max) counter.textContent = `${n} / ${max} — too long`;
  else counter.textContent = max && n > max * 0.8 ? `${n} / ${max}` : "";
}

function onInput() {
  updateCounter();
  tabSet(TAB.draft, $("input").value);
}

// The page's options; when the server is busy or unreachable, say so and try again.
async function loadOptions() {
  for (;;) {
    try {
      fillOptions(await api("/v1/options"));
      hideSendError();
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        showSendError(`${plainError(err, "this page could not load")} Open the sign-in link again to continue.`, { signIn: true, resources: false });
        return false;
      }
      const wait = (err.retryAfter || 5);
      const lines = linesFor(guessLocale() || "en");
      showSendError(`${plainError(err, "this page could not load yet")} Trying again in ${wait} s. If you are in danger, call ${lines.emergency} now.`, { resources: false });
      await pause(wait * 1000);
    }
  }
}

async function init() {
  $("modality").addEventListener("change", fillModels);
  $("new-conversation").addEventListener("submit", startConversation);
  $("composer").addEventListener("submit", send);
  $("end").addEventListener("click", endConversation);
  $("input").addEventListener("input", onInput);
  $("show-list").addEventListener("click", () => showSidebar(!$("chat-layout").classList.contains("show-sidebar")));
  submitOnEnter($("input"), $("composer"));
  const draft = tabGet(TAB.draft);
  if (typeof draft === "string") $("input").value = draft;
  if (!(await loadOptions())) return;
  loadList();
  const reopen = tabGet(TAB.current);  // the conversation this tab was in before a reload
  if (typeof reopen === "string") await openConversation(reopen);
}

init();
