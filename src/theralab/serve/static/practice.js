// Practice mode: pick a client, counsel them, see live MI codes, MITI gauges and a scorecard.
"use strict";

const $ = (id) => document.getElementById(id);
const EMOTIONS = ["anxious", "sad", "angry", "ashamed", "disappointed", "jealous", "guilty", "hurt", "suspicious"];
const GROUP_ORDER = ["question", "reflection", "adherent", "non_adherent", "input", "other"];
const CODE_GROUPS = {
  open_question: "question", closed_question: "question", simple_reflection: "reflection",
  complex_reflection: "reflection", affirm: "adherent", seek_collaboration: "adherent",
  emphasize_autonomy: "adherent", advise_with_permission: "adherent", support: "adherent",
  advise_without_permission: "non_adherent", confront: "non_adherent", persuade: "non_adherent",
  direct: "non_adherent", warn: "non_adherent", give_information: "input", raise_concern: "input",
  structure: "input", other: "other",
};
// The scale each gauge is drawn on.
const SCALE = { r_q: 3, pct_complex_reflections: 100, pct_open_questions: 100, pct_mi_adherent: 100, pct_counselor_talk: 100 };
const state = { profiles: [], practice: null, counts: {}, labels: {}, busy: false };
const SAVED = "theralab.practice";  // the session this browser is in, to resume after a reload
const params = new URLSearchParams(window.location.search);
// A trainer's view says which clients may disclose risk (/practice?show_risk=1); hidden by default.
const SHOW_RISK = ["1", "true", "yes"].includes((params.get("show_risk") || "").toLowerCase());

function remember(id) { try { if (id) localStorage.setItem(SAVED, id); else localStorage.removeItem(SAVED); } catch (_) { /* storage off */ } }
function remembered() { try { return localStorage.getItem(SAVED); } catch (_) { return null; } }

function problem(err, what) {
  return typeof plainError === "function" ? plainError(err, what) : `${what}: ${err.message}`;
}

function setupError(text) {
  $("setup-error").textContent = text || "";
  $("setup-error").hidden = !text;
}

// The coaching note stands until the trainee addresses it (the server says when: coach_open).
function setCoach(text) {
  $("coach").textContent = text || "";
  $("coach").hidden = !text;
}

function flagNotes(flags) {
  return (flags || []).map((f) => el("div", { class: "notice notice-coach small", role: f.kind === "trainee_crisis" ? "alert" : null, text: f.message }));
}

function seedValue() {
  const raw = $("seed").value.trim();
  if (!raw) return null;
  if (!/^[0-9]{1,10}$/.test(raw) || Number(raw) >= 2 ** 31) throw new Error("The seed is a whole number from 0 to 2147483647.");
  return Number(raw);
}

function codeLabel(code) { return state.labels[code] || titleCase(code); }

function shorten(text, n) { return text.length > n ? `${text.slice(0, n - 1).trimEnd()}…` : text; }

function chip(group, text) { return el("span", { class: `chip chip-${group}`, text }); }

function profileCard(p, onclick) {
  const tags = el("div", { class: "profile-tags" },
    el("span", { class: "tag", text: p.presenting_problem }),
    el("span", { class: "tag", text: `${p.style} style` }),
    el("span", { class: "tag", text: p.stage }));
  if (p.risk) tags.append(el("span", { class: "tag tag-risk", text: "may disclose risk" }));
  return el("button", { class: "profile", type: "button", onclick },
    el("span", { class: "profile-name", text: p.name }),
    el("span", { class: "profile-who", text: `${p.age} · ${p.gender} · ${p.occupation}` }),
    el("span", { class: "profile-summary", text: p.summary }),
    tags);
}

function renderProfiles() {
  const query = $("filter").value.trim().toLowerCase();
  const shown = state.profiles.filter((p) => !query ||
    [p.name, p.occupation, p.presenting_problem, p.summary].join(" ").toLowerCase().includes(query));
  $("profiles").replaceChildren(...shown.map((p) => profileCard(p, () => start(p))));
}

function gauge(metric) {
  const max = SCALE[metric.key] || 100;
  const pos = (v) => `${Math.max(0, Math.min(100, (100 * v) / max))}%`;
  const track = el("div", { class: "track" });
  if (metric.fair !== null && metric.good !== null) {
    const lowFirst = metric.higher_is_better !== false;
    const [a, b] = [Math.min(metric.fair, metric.good), Math.max(metric.fair, metric.good)];
    const zones = lowFirst ? ["below", "fair", "good"] : ["good", "fair", "below"];
    const edges = [0, a, b, max];
    zones.forEach((zone, i) => {
      const z = el("div", { class: `zone zone-${zone}` });
      z.style.left = pos(edges[i]);
      z.style.width = `calc(${pos(edges[i + 1])} - ${pos(edges[i])})`;
      track.append(z);
    });
    for (const [label, v] of [["fair", metric.fair], ["good", metric.good]]) {
      const tick = el("div", { class: `tick tick-${label}`, title: `${label}: ${v}` });
      tick.style.left = pos(v);
      track.append(tick);
    }
  }
  if (metric.value !== null) {
    const marker = el("div", { class: `marker marker-${metric.band || "fair"}`, title: String(metric.value) });
    marker.style.left = pos(metric.value);
    track.append(marker);
  }
  const shown = metric.value === null ? "—" : `${metric.value}${metric.unit === "%" ? "%" : ""}`;
  const band = metric.band ? el("span", { class: `band band-${metric.band}`, text: metric.band }) :
    el("span", { class: "band band-none", text: "not yet" });
  const unit = metric.unit === "%" ? "%" : "";
  const op = metric.higher_is_better === false ? "<" : "≥";
  const caption = metric.fair === null ? "" : `fair ${op} ${metric.fair}${unit} · good ${op} ${metric.good}${unit}`;
  return el("div", { class: "gauge", "data-metric": metric.key, title: metric.description || metric.label },
    el("div", { class: "gauge-head" }, el("span", { text: metric.label }),
      el("span", {}, el("span", { class: "gauge-value", text: shown }), band)),
    track,
    el("div", { class: "gauge-caption", text: caption }));
}

function renderMiti(metrics, n) {
  $("miti").replaceChildren(...metrics.map(gauge));
  $("miti-n").textContent = n ? `· ${n} utterance${n === 1 ? "" : "s"}` : "";
}

function renderTally() {
  const entries = Object.entries(state.counts).sort((a, b) =>
    GROUP_ORDER.indexOf(CODE_GROUPS[a[0]]) - GROUP_ORDER.indexOf(CODE_GROUPS[b[0]]) || b[1] - a[1]);
  if (!entries.length) {
    $("tally").replaceChildren(el("div", { class: "tally-empty", text: "Codes appear as you speak." }));
    return;
  }
  $("tally").replaceChildren(...entries.map(([code, n]) =>
    el("div", { class: "tally-row" }, chip(CODE_GROUPS[code] || "other", codeLabel(code)), el("b", { text: String(n) }))));
}

function addTurn(speaker, text) {
  const who = speaker === "trainee" ? "You (counselor)" : state.practice.profile.name;
  const bubble = el("div", { class: "bubble", text });
  const node = el("div", { class: `msg ${speaker === "trainee" ? "msg-client" : "msg-counselor"}` },
    el("div", { class: "who", text: who }), bubble);
  $("p-messages").append(node);
  node.scrollIntoView({ block: "end" });
  return { node, bubble };
}

function clientCard(p, engine) {
  const initial = p.name.slice(0, 1).toUpperCase();
  const kv = el("dl", { class: "kv" });
  for (const [k, v] of [["Age", p.age], ["Gender", p.gender], ["Work", p.occupation],
    ["Problem", p.presenting_problem], ["Attitude", p.attitude], ["Style", p.style], ["Client", engine]]) {
    kv.append(el("dt", { text: k }), el("dd", { text: String(v) }));
  }
  return [
    el("div", { class: "client-head" }, el("div", { class: "avatar", text: initial }),
      el("div", {}, el("div", { class: "profile-name", text: p.name }), el("div", { class: "muted small", text: "Intake" }))),
    el("p", { class: "small", text: p.summary }),
    kv,
  ];
}

function enterSession(practice, intro) {
  state.practice = practice;
  state.counts = {};
  remember(practice.id);
  $("setup").hidden = true;
  $("scorecard").hidden = true;
  $("session").hidden = false;
  $("client-card").classList.add("client-card");
  $("client-card").replaceChildren(...clientCard(practice.profile, practice.client));
  $("practice-title").textContent = `Session with ${practice.profile.name}`;
  $("practice-sub").textContent = `${practice.profile.presenting_problem} · ${practice.client} client · ${practice.style} style · seed ${practice.seed}`;
  $("p-messages").replaceChildren(el("div", { class: "notice notice-inline", text: intro }));
  renderMiti(emptyMetrics(), 0);
  renderTally();
  setCoach(null);
}

async function start(profile) {
  if (state.busy) return;
  state.busy = true;
  setupError(null);
  try {
    const body = { profile_id: profile.id, client: $("client-engine").value };
    if ($("style").value) body.style = $("style").value;
    const seed = seedValue();
    if (seed !== null) body.seed = seed;
    const created = await api("/v1/practice", { method: "POST", body });
    enterSession(created, created.instructions);
    $("p-input").focus();
  } catch (err) {
    setupError(err instanceof ApiError ? problem(err, "the session did not start") : err.message);
  } finally {
    state.busy = false;
  }
}

function codeChips(codes, several) {
  return el("div", { class: "codes" }, ...codes.map((c) =>
    el("div", { class: "coded", title: c.text || c.label },
      several && c.text ? el("span", { class: "sentence", text: shorten(c.text, 70) }) : null,
      chip(c.group, c.label))));
}

// Resume a session after a reload (or open one by ?session=ID): active ones continue where
// they were, on any worker; ended ones show their stored scorecard.
async function resume(id) {
  const detail = await api(`/v1/practice/${encodeURIComponent(id)}${SHOW_RISK ? "?show_risk=true" : ""}`);
  if (detail.status === "ended") {
    remember(null);
    if (detail.scorecard) renderScorecard(detail.scorecard);
    return detail.scorecard !== null;
  }
  enterSession(detail, "Session resumed where you left it.");
  for (const turn of detail.transcript || []) {
    const node = addTurn(turn.speaker, turn.text);
    if (turn.speaker === "trainee") {
      node.node.append(codeChips(turn.codes, false));
      for (const c of turn.codes) {
        state.counts[c.code] = (state.counts[c.code] || 0) + 1;
        state.labels[c.code] = c.label;
      }
    }
  }
  renderTally();
  if (detail.miti) renderMiti(detail.miti, detail.utterances);
  setCoach(detail.coach_open);
  if (detail.client_ended) clientEnded();
  return true;
}

function clientEnded() {
  $("p-messages").append(el("div", { class: "empty-state small", text: "The client has ended the session. End it to see your scorecard." }));
  $("p-input").disabled = true;
}

function emptyMetrics() {
  return [
    { key: "r_q", label: "R:Q", value: null, band: null, fair: 1, good: 2, higher_is_better: true, unit: "" },
    { key: "pct_complex_reflections", label: "% complex reflections", value: null, band: null, fair: 40, good: 50, higher_is_better: true, unit: "%" },
    { key: "pct_open_questions", label: "% open questions", value: null, band: null, fair: 50, good: 70, higher_is_better: true, unit: "%" },
    { key: "pct_mi_adherent", label: "% MI-adherent", value: null, band: null, fair: 90, good: 98, higher_is_better: true, unit: "%" },
    { key: "pct_counselor_talk", label: "% counselor talk", value: null, band: null, fair: 60, good: 50, higher_is_better: false, unit: "%" },
  ];
}

async function speak(event) {
  event.preventDefault();
  const text = $("p-input").value;
  if (!text.trim() || state.busy || !state.practice) return;
  state.busy = true;
  $("p-send").disabled = true;
  $("p-input").value = "";
  const mine = addTurn("trainee", text);
  try {
    const out = await api(`/v1/practice/${state.practice.id}/utterances`, { method: "POST", body: { text } });
    mine.node.append(codeChips(out.codes, out.codes.length > 1), ...flagNotes(out.flags));
    for (const c of out.codes) {
      state.counts[c.code] = (state.counts[c.code] || 0) + 1;
      state.labels[c.code] = c.label;
    }
    renderTally();
    renderMiti(out.miti, out.utterances);
    if (out.client_reply) {
      await pause(250);
      addTurn("client", out.client_reply);
    }
    setCoach(out.coach_open !== undefined ? out.coach_open : out.coach);
    if (out.client_ended) clientEnded();
  } catch (err) {
    mine.node.append(el("div", { class: "meta" }, el("span", { class: "tag tag-risk", text: problem(err, "this was not sent") })));
    if ($("p-input").value === "") $("p-input").value = text;  // keep what the trainee wrote
  } finally {
    state.busy = false;
    $("p-send").disabled = false;
    if (!$("p-input").disabled) $("p-input").focus();
  }
}

function inference() {
  const cats = [...document.querySelectorAll('input[name="cat"]:checked')].map((i) => i.value);
  const emotions = [...document.querySelectorAll('input[name="emo"]:checked')].map((i) => i.value);
  const thought = $("inf-thought").value.trim();
  const belief = $("inf-belief").value.trim();
  if (!cats.length && !emotions.length && !thought && !belief) return null;
  return { core_belief_categories: cats, emotions, automatic_thought: thought || null, core_belief: belief || null };
}

async function endSession() {
  if (!state.practice || state.busy) return;
  state.busy = true;
  try {
    const inferred = inference();
    const card = await api(`/v1/practice/${state.practice.id}/end`, { method: "POST", body: inferred ? { inferred } : {} });
    remember(null);
    renderScorecard(card);
  } catch (err) {
    window.alert(problem(err, "the session was not ended"));
  } finally {
    state.busy = false;
  }
}

function said(flag) {
  if (flag === null || flag === undefined) return null;
  return el("span", { class: flag ? "said" : "unsaid", text: flag ? "said in session" : "not reached" });
}

function item(text, flag) { return el("p", {}, text, said(flag)); }

function modelReveal(m) {
  const boxes = [
    el("div", { class: "model-box" }, el("h4", { text: "Relevant history" }), el("p", { text: m.history })),
    el("div", { class: "model-box" }, el("h4", { text: "Core beliefs" }),
      ...m.core_beliefs.map((b) => el("p", {}, el("span", { class: "tag", text: b.category }), " ", b.text, said(b.surfaced)))),
    el("div", { class: "model-box" }, el("h4", { text: "Intermediate beliefs" }),
      ...m.intermediate_beliefs.map((b) => item(b.text, b.surfaced))),
    el("div", { class: "model-box" }, el("h4", { text: "Coping strategies" }),
      ...m.coping_strategies.map((b) => item(b.text, b.surfaced))),
  ];
  m.situations.forEach((s, i) => {
    boxes.push(el("div", { class: "model-box" }, el("h4", { text: `Situation ${i + 1}` }),
      el("div", { class: "chain" },
        el("div", { class: "step" }, el("b", { text: "Situation" }), s.situation, said(s.surfaced)),
        el("div", { class: "step" }, el("b", { text: "Automatic thoughts" }), ...s.automatic_thoughts.map((t) => item(t.text, t.surfaced))),
        el("div", { class: "step" }, el("b", { text: "Emotions" }), s.emotions.join(", ")),
        el("div", { class: "step" }, el("b", { text: "Behaviour" }), ...s.behaviours.map((t) => item(t.text, t.surfaced))),
        el("div", { class: "step" }, el("b", { text: "A balanced thought they could reach" }), s.balanced_thought, said(s.balanced_reached)))));
  });
  boxes.push(el("p", { class: "small muted" },
    `Attitude ${m.attitude} · style ${m.style} · stage ${m.stage} · receptivity ${m.receptivity}/5 · change target: ${m.motivation.target_behaviour}`));
  return boxes;
}

function comparison(c) {
  const rows = [];
  const setRow = (label, s) => rows.push(el("tr", {}, el("td", { class: "row-label", text: label }),
    el("td", {}, ...(s.yours.length ? s.yours.map((x) => el("div", { class: s.actual.includes(x) ? "hit" : "miss", text: x })) : [el("span", { class: "muted", text: "—" })])),
    el("td", {}, ...s.actual.map((x) => el("div", { class: s.yours.includes(x) ? "hit" : "", text: x })))));
  const textRow = (label, s) => rows.push(el("tr", {}, el("td", { class: "row-label", text: label }),
    el("td", { text: s.yours || "—" }), el("td", {}, ...s.actual.map((x) => el("div", { text: x })))));
  setRow("Core belief category", c.core_belief_categories);
  setRow("Emotions", c.emotions);
  textRow("Automatic thought", c.automatic_thought);
  textRow("Core belief", c.core_belief);
  return el("table", { class: "compare" },
    el("thead", {}, el("tr", {}, el("th", { text: "" }), el("th", { text: "You inferred" }), el("th", { text: "The client's model" }))),
    el("tbody", {}, ...rows));
}

function outcome(o) {
  const fmt = (pair, digits = 2) => `${Number(pair[0]).toFixed(digits)} → ${Number(pair[1]).toFixed(digits)}`;
  return el("div", { class: "outcome" },
    el("div", {}, el("div", { class: "k", text: "Trust" }), el("div", { class: "v", text: fmt(o.trust) })),
    el("div", {}, el("div", { class: "k", text: "Distress (0–10)" }), el("div", { class: "v", text: fmt(o.distress, 1) })),
    el("div", {}, el("div", { class: "k", text: "Readiness" }), el("div", { class: "v", text: fmt(o.readiness) })),
    el("div", {}, el("div", { class: "k", text: "Resistance" }), el("div", { class: "v", text: fmt(o.resistance) })),
    el("div", {}, el("div", { class: "k", text: "Stage" }), el("div", { class: "v", text: `${o.stage[0]} → ${o.stage[1]}` })),
    el("div", {}, el("div", { class: "k", text: "Ended by" }), el("div", { class: "v", text: o.disengaged ? "client walked out" : o.ended_by_client ? "client" : "you" })));
}

function renderScorecard(card) {
  $("session").hidden = true;
  const root = $("scorecard");
  const left = [
    el("section", { class: "card" }, el("h2", { text: "MITI summary" }), el("div", { class: "gauges" }, ...card.miti.map(gauge))),
    el("section", { class: "card" }, el("h2", { text: "What went well" }),
      card.strengths.length ? el("ul", { class: "feedback feedback-good" }, ...card.strengths.map((s) => el("li", { text: s })))
        : el("p", { class: "muted", text: "Nothing scored yet — try a longer session." }),
      el("h2", { text: "To work on", class: "h2-gap" }),
      card.to_work_on.length ? el("ul", { class: "feedback feedback-work" }, ...card.to_work_on.map((s) => el("li", { text: s })))
        : el("p", { class: "muted", text: "Nothing below the fair threshold." })),
  ];
  const examples = Object.entries(card.examples || {}).filter(([k]) => ["complex_reflection", "open_question", "affirm", "non_adherent"].includes(k));
  if (examples.length) {
    left.push(el("section", { class: "card" }, el("h2", { text: "From your session" }),
      ...examples.map(([k, list]) => el("div", {}, chip(k === "non_adherent" ? "non_adherent" : CODE_GROUPS[k], k === "non_adherent" ? "MI non-adherent" : codeLabel(k)),
        el("ul", { class: "feedback" }, ...list.map((s) => el("li", { text: s })))))));
  }
  if (card.client_outcome) left.push(el("section", { class: "card" }, el("h2", { text: "How the client moved" }), outcome(card.client_outcome)));
  if (card.flags && card.flags.length) {
    left.unshift(el("section", { class: "card", role: "alert" }, el("h2", { text: "Flagged for your trainer" }),
      el("ul", { class: "feedback feedback-work" }, ...card.flags.map((f) => el("li", { text: `Utterance ${f.utterance}: ${f.message}` })))));
  }
  if (card.risk) {
    const r = card.risk;
    const lines = [];
    if (r.disclosed) {
      lines.push(el("p", { text: `The client disclosed risk (${r.peak}) at utterance ${r.at_utterance}.` }));
      lines.push(el("p", { class: r.asked_about_safety ? "hit" : "miss",
        text: r.asked_about_safety ? "You asked directly about their safety afterwards." : "You did not ask directly about their safety afterwards: ask about thoughts, plan and intent, and share crisis resources." }));
      if (r.resources_without_asking) lines.push(el("p", { class: "miss", text: "You gave a crisis line without asking: resources go with asking, not instead of it." }));
      if (r.safety_questions_not_in_rq) lines.push(el("p", { class: "small muted", text: `${r.safety_questions_not_in_rq} safety question${r.safety_questions_not_in_rq === 1 ? "" : "s"} after the risk cue ${r.safety_questions_not_in_rq === 1 ? "is" : "are"} not counted in R:Q.` }));
    } else {
      lines.push(el("p", { text: "This client carries a risk they did not disclose in this session — disclosure follows trust." }));
    }
    left.push(el("section", { class: "card" }, el("h2", { text: "Risk" }), ...lines));
  }
  const right = [el("section", { class: "card" }, el("h2", { text: `${card.profile.name}'s cognitive model` }), ...modelReveal(card.cognitive_model))];
  if (card.comparison) right.unshift(el("section", { class: "card" }, el("h2", { text: "Your formulation vs the model" }), comparison(card.comparison)));
  root.replaceChildren(
    el("div", { class: "score-head" },
      el("div", {}, el("h1", { text: `Scorecard — session with ${card.profile.name}` }),
        el("p", { class: "muted", text: `${card.utterances} utterance${card.utterances === 1 ? "" : "s"} · `
          + `${card.miti.filter((m) => m.band === "good" || m.band === "fair").length} of ${card.miti.length} MITI scores at fair or better`
          + ` · session ${card.id}${card.seed !== null && card.seed !== undefined ? ` · seed ${card.seed}` : ""}`
          + (card.status === "expired" ? " · ended after a long pause" : "") })),
      el("div", { class: "chat-actions" },
        el("button", { class: "btn", type: "button", onclick: () => window.print(), text: "Print" }),
        el("button", { class: "btn btn-primary", type: "button", onclick: practiseAgain, text: "Practise again" }))),
    el("div", { class: "score-grid" }, el("div", {}, ...left), el("div", {}, ...right)));
  root.hidden = false;
  root.scrollTop = 0;
}

function practiseAgain() {
  remember(null);
  const keep = SHOW_RISK ? "?show_risk=1" : "";
  window.location.assign(`/practice${keep}`);
}

async function init() {
  $("emotion-checks").replaceChildren(...EMOTIONS.map((e) =>
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "emo", value: e }), titleCase(e))));
  $("filter").addEventListener("input", renderProfiles);
  $("p-composer").addEventListener("submit", speak);
  $("end-practice").addEventListener("click", endSession);
  submitOnEnter($("p-input"), $("p-composer"));
  try {
    const [options, profiles] = await Promise.all([api("/v1/options"), api(`/v1/profiles${SHOW_RISK ? "?show_risk=true" : ""}`)]);
    $("client-engine").replaceChildren(...options.client_engines.map((c) =>
      el("option", { value: c, text: c === "scripted" ? "Scripted" : "LLM" })));
    state.profiles = profiles;
    renderProfiles();
  } catch (err) {
    setupError(problem(err, "the clients could not be loaded"));
  }
  const wanted = params.get("session") || remembered();
  if (wanted && /^prac_[0-9a-f]{24}$/.test(wanted)) {
    try {
      await resume(wanted);
    } catch (err) {
      remember(null);
      setupError(problem(err, "the earlier session could not be resumed"));
    }
  }
}

init();
