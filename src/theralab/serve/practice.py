"""Practice mode: a trainee plays the counselor against a simulated client.

Each trainee utterance is coded with MI behaviour codes (through `code_trainee_turn`, the one
adapter to the coder: the same coder `theralab evaluate` codes with), a running MITI summary
(`theralab.evaluate.miti.miti_scores`, as in a run's report) is kept against the fair / good
thresholds,
and at the end the trainee gets a scorecard and the client's cognitive model revealed — what
they could have inferred, marked with what the client actually disclosed — to compare with
what they inferred (as in Patient-Ψ-Trainer).
"""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio

from theralab.agents import Agent, Utterance
from theralab.clients.llm import LLMClient
from theralab.clients.scripted import ScriptedClient
from theralab.coding.mi_coder import Context, CounselorCode, counselor_units, default_mi_coder
from theralab.coding.rules import SAFETY_ASK
from theralab.dialogue.codes import (
    MI_NON_ADHERENT,
    REFLECTIONS,
    MiscCode,
    behaviour_of,
    code_family,
)
from theralab.dialogue.records import ClientState, Speaker
from theralab.evaluate.miti import METRICS, miti_scores
from theralab.profiles import ClientProfile, get_profile
from theralab.safety.risk import RiskLevel
from theralab.safety.screener import ConversationScreener
from theralab.serve.auth import Principal
from theralab.serve.chat import LiveService
from theralab.serve.errors import APIError
from theralab.serve.models import PracticeSession
from theralab.serve.redact import RedactingAgent
from theralab.serve.schemas import (
    CodedSentenceOut,
    Inference,
    MetricOut,
    PracticeCreate,
    PracticeCreated,
    ProfileCard,
    Scorecard,
    UtteranceOut,
)
from theralab.serve.store import TurnRecord
from theralab.text.perspective import word_count

# --- the coder adapter ----------------------------------------------------------------------


def code_trainee_turn(text: str, context: Context = ()) -> list[tuple[str, CounselorCode]]:
    """Each sentence of one trainee utterance with its code, the utterance read after
    `context` (the session so far, as (speaker, text) pairs).

    The single place practice mode calls a coder: `default_mi_coder()`, the coder the MITI
    evaluator uses (the trained one when it can run), coding the turn as it codes a
    counselor turn of a run, so the scorecard and `theralab evaluate` agree."""
    codes = default_mi_coder().code_counselor_sentences([text], [context])[0]
    return list(zip(counselor_units(text), codes, strict=True))


def code_trainee_utterance(text: str, client_context: str = "") -> list[tuple[str, MiscCode]]:
    """(sentence, code) pairs for one trainee utterance answering `client_context`."""
    context = [("client", client_context)] if client_context else []
    return [(sentence, c.code) for sentence, c in code_trainee_turn(text, context)]


# --- labels and groups ----------------------------------------------------------------------

CODE_LABELS: dict[MiscCode, str] = {
    MiscCode.OPEN_QUESTION: "Open question",
    MiscCode.CLOSED_QUESTION: "Closed question",
    MiscCode.SIMPLE_REFLECTION: "Simple reflection",
    MiscCode.COMPLEX_REFLECTION: "Complex reflection",
    MiscCode.AFFIRM: "Affirm",
    MiscCode.SEEK_COLLABORATION: "Seek collaboration",
    MiscCode.EMPHASIZE_AUTONOMY: "Emphasize autonomy",
    MiscCode.GIVE_INFORMATION: "Give information",
    MiscCode.ADVISE_WITH_PERMISSION: "Advise with permission",
    MiscCode.ADVISE_WITHOUT_PERMISSION: "Advise without permission",
    MiscCode.CONFRONT: "Confront",
    MiscCode.PERSUADE: "Persuade",
    MiscCode.DIRECT: "Direct",
    MiscCode.RAISE_CONCERN: "Raise concern",
    MiscCode.WARN: "Warn",
    MiscCode.STRUCTURE: "Structure",
    MiscCode.SUPPORT: "Support",
    MiscCode.SELF_DISCLOSE: "Self-disclosure",
    MiscCode.OTHER: "Other",
}


def code_group(code: MiscCode) -> str:
    """The colour group of a code in the UI."""
    return code_family(code).value


# --- the running MITI summary ---------------------------------------------------------------

MITI_KEYS = (
    "r_q",
    "pct_complex_reflections",
    "pct_open_questions",
    "pct_mi_adherent",
    "pct_counselor_talk",
)
_METRICS = {m.key: m for m in METRICS if m.key in MITI_KEYS}


DIGITS = {"r_q": 2}  # shown to 2 decimals; the percentages to 1


def miti_summary(
    coded: Iterable[CounselorCode] | Counter[MiscCode], trainee_words: int, client_words: int
) -> list[MetricOut]:
    """The five MITI summary scores so far (`miti_scores`, as `theralab evaluate` computes
    them), each with its band against fair / good. `coded`: the trainee's coded sentences,
    or a count of codes (each its own stance)."""
    units = coded.elements() if isinstance(coded, Counter) else coded
    values = miti_scores(
        (u if isinstance(u, CounselorCode) else _unit(u) for u in units),
        trainee_words,
        client_words,
    )
    out = []
    for key in MITI_KEYS:
        m = _METRICS[key]
        value = values[key]
        out.append(
            MetricOut(
                key=key,
                label=m.label,
                value=None if value is None else round(value, DIGITS.get(key, 1)),
                band=m.band(value),  # type: ignore[arg-type]
                fair=m.fair,
                good=m.good,
                higher_is_better=m.higher_is_better,
                unit=m.unit,
                description=m.description,
            )
        )
    return out


def _unit(code: MiscCode) -> CounselorCode:
    return CounselorCode(code, behaviour_of(code), 1.0)


# --- feedback -------------------------------------------------------------------------------

COACH_RISK = (
    "The client has disclosed thoughts of suicide or self-harm. Ask directly about their "
    "safety (thoughts, plan, intent, means), stay with them, and share crisis resources."
)
COACH_LOW = (
    "The client hinted at hopelessness. Consider asking gently and directly whether they "
    "have thoughts of not wanting to be alive."
)

_ADVICE = {
    "r_q": (
        "You reflected at least as often as you asked (R:Q {v}).",
        "Reflect before your next question: aim for at least one reflection per question "
        "(R:Q {v}; fair ≥ 1, good ≥ 2).",
    ),
    "pct_complex_reflections": (
        "{v}% of your reflections were complex: you added meaning the client implied.",
        "Go beyond repeating the client's words: add the feeling or meaning underneath "
        "({v}% complex; fair ≥ 40%).",
    ),
    "pct_open_questions": (
        "{v}% of your questions were open, inviting the client to elaborate.",
        "Turn closed questions into open ones, starting with what or how ({v}% open; fair ≥ 50%).",
    ),
    "pct_mi_adherent": (
        "You stayed MI-adherent ({v}%): no advice without permission, confronting or directing.",
        "Ask permission before advice, and avoid confronting, directing or warning "
        "({v}% MI-adherent; fair ≥ 90%).",
    ),
    "pct_counselor_talk": (
        "You let the client do most of the talking ({v}% your words).",
        "Let the client talk more: you spoke {v}% of the words (fair < 60%, good < 50%).",
    ),
}


def feedback(metrics: list[MetricOut], counts: Counter[MiscCode]) -> tuple[list[str], list[str]]:
    strengths: list[str] = []
    work_on: list[str] = []
    for m in metrics:
        if m.value is None:
            continue
        shown = f"{m.value:g}"
        good_line, work_line = _ADVICE[m.key]
        if m.band in ("good", "fair"):
            strengths.append(good_line.format(v=shown))
        else:
            work_on.append(work_line.format(v=shown))
    if counts[MiscCode.AFFIRM]:
        strengths.append(
            f"You affirmed the client's strengths or efforts {counts[MiscCode.AFFIRM]}×."
        )
    if not any(counts[c] for c in REFLECTIONS):
        work_on.append("Try reflective listening: say back what you heard, as a statement.")
    if counts[MiscCode.EMPHASIZE_AUTONOMY]:
        strengths.append("You emphasised the client's autonomy.")
    return strengths, work_on


# --- profiles and the reveal ----------------------------------------------------------------


def profile_card(p: ClientProfile) -> ProfileCard:
    return ProfileCard(
        id=p.id,
        name=p.name,
        age=p.demographics.age,
        gender=p.demographics.gender,
        occupation=p.demographics.occupation,
        presenting_problem=p.presenting_problem.replace("_", " "),
        summary=p.summary,
        style=p.style.value,
        attitude=p.attitude.value,
        stage=p.stage.value,
        risk=p.risk.level is not RiskLevel.NONE,
    )


def reveal(p: ClientProfile, disclosed: list[str] | None) -> dict[str, Any]:
    """The client's cognitive model; each item marked `surfaced` when the client said it in
    the session (None when that is unknown, as with a model-backed client)."""
    said = set(disclosed) if disclosed is not None else None

    def surfaced(key: str) -> bool | None:
        return None if said is None else key in said

    return {
        "name": p.name,
        "history": p.history,
        "core_beliefs": [
            {"category": cat, "text": text, "surfaced": surfaced(f"belief:{cat}:{i}")}
            for cat in p.core_beliefs.categories()
            for i, text in enumerate(getattr(p.core_beliefs, cat))
        ],
        "intermediate_beliefs": [
            {"text": t, "surfaced": surfaced(f"intermediate:{i}")}
            for i, t in enumerate(p.intermediate_beliefs)
        ],
        "coping_strategies": [
            {"text": t, "surfaced": surfaced(f"coping:{i}")}
            for i, t in enumerate(p.coping_strategies)
        ],
        "situations": [
            {
                "situation": s.situation,
                "surfaced": surfaced(f"situation:{si}"),
                "automatic_thoughts": [
                    {"text": t, "surfaced": surfaced(f"thought:{si}:{ti}")}
                    for ti, t in enumerate(s.automatic_thoughts)
                ],
                "emotions": [e.value for e in s.emotions],
                "behaviours": [
                    {"text": b, "surfaced": surfaced(f"behaviour:{si}:{bi}")}
                    for bi, b in enumerate(s.behaviours)
                ],
                "balanced_thought": s.balanced_thought,
                "balanced_reached": surfaced(f"balanced:{si}"),
            }
            for si, s in enumerate(p.situations)
        ],
        "motivation": {"target_behaviour": p.motivation.target_behaviour},
        "attitude": p.attitude.value,
        "style": p.style.value,
        "stage": p.stage.value,
        "receptivity": p.receptivity,
        "risk": p.risk.level.value,
    }


def _set_compare(yours: list[str], actual: list[str]) -> dict[str, list[str]]:
    return {
        "yours": yours,
        "actual": actual,
        "matched": [x for x in actual if x in yours],
        "missed": [x for x in actual if x not in yours],
        "extra": [x for x in yours if x not in actual],
    }


def compare(p: ClientProfile, inferred: Inference) -> dict[str, Any]:
    """The trainee's inference beside the profile: category and emotion sets are matched,
    free text is shown side by side (judging it is the trainee's and supervisor's work)."""
    return {
        "core_belief_categories": _set_compare(
            list(inferred.core_belief_categories), p.core_beliefs.categories()
        ),
        "emotions": _set_compare(
            [e.value for e in inferred.emotions], [e.value for e in p.emotions]
        ),
        "automatic_thought": {
            "yours": inferred.automatic_thought,
            "actual": [t for s in p.situations for t in s.automatic_thoughts],
        },
        "core_belief": {"yours": inferred.core_belief, "actual": p.core_beliefs.all()},
        "intermediate_belief": {
            "yours": inferred.intermediate_belief,
            "actual": list(p.intermediate_beliefs),
        },
    }


# --- the service ----------------------------------------------------------------------------


@dataclass
class LivePractice:
    record: PracticeSession
    profile: ClientProfile
    client: Agent
    scripted: ScriptedClient | None
    screener: ConversationScreener
    start_state: ClientState | None
    history: list[Utterance] = field(default_factory=list)
    coded: list[CounselorCode] = field(default_factory=list)  # every trainee sentence
    counts: Counter[MiscCode] = field(default_factory=Counter)
    trainee_words: int = 0
    client_words: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)
    risk_peak: RiskLevel = RiskLevel.NONE
    risk_at: int | None = None
    asked_safety: bool = False
    client_ended: bool = False
    disengaged: bool = False
    utterances: int = 0
    next_seq: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class PracticeService(LiveService[LivePractice]):
    """Practice sessions, held in memory as chat's conversations are (`LiveService`): at most
    `live_conversations`, the least recently used evicted past it."""

    def client_engines(self) -> list[str]:
        return ["scripted", "llm"] if self.settings.client_model else ["scripted"]

    async def create(self, principal: Principal, body: PracticeCreate) -> PracticeCreated:
        try:
            profile = get_profile(body.profile_id)
        except KeyError:
            raise APIError(
                404, "not_found", "no such client profile; see GET /v1/profiles"
            ) from None
        if body.style is not None:
            profile = profile.model_copy(update={"style": body.style})
        seed = body.seed if body.seed is not None else secrets.randbelow(2**31)
        scripted: ScriptedClient | None = None
        client: Agent
        if body.client == "llm":
            if not self.settings.client_model:
                raise APIError(
                    422, "model_required", "this server has no client model; use client=scripted"
                )
            client = LLMClient(
                profile, self.models.model(self.settings.client_model, "client"), seed
            )
            if self.settings.redact_pii:
                client = RedactingAgent(client)
            engine = self.settings.client_model
        else:
            scripted = ScriptedClient(profile, seed)
            client, engine = scripted, "scripted"
        record = PracticeSession(
            id="prac_" + secrets.token_hex(12),
            key_id=principal.key_id,
            profile_id=profile.id,
            client_engine=engine,
            style=profile.style.value,
            status="active",
            seed=seed,
            store_text=self.settings.store_text,
            utterances=0,
        )
        await anyio.to_thread.run_sync(self.store.add_practice, record)
        self.live.keep(
            record.id,
            LivePractice(
                record=record,
                profile=profile,
                client=client,
                scripted=scripted,
                screener=self.screener.conversation(),
                start_state=scripted.state.snapshot() if scripted else None,
            ),
        )
        card = profile_card(profile)
        return PracticeCreated(
            id=record.id,
            profile=card,
            client=engine,
            style=profile.style.value,
            instructions=(
                f"You are the counselor. {card.name} ({card.age}, {card.occupation}) has come "
                f"to talk about {card.presenting_problem}. Open the session when you are ready. "
                "Each thing you say is coded with MI behaviour codes; at the end you get a "
                "scorecard and see the client's cognitive model."
            ),
        )

    async def _live(self, principal: Principal, practice_id: str) -> LivePractice:
        live = self.live.get(practice_id)
        if live is not None and live.record.key_id == principal.key_id:
            self.live.touch(practice_id)
            return live
        record = await anyio.to_thread.run_sync(self.store.practice, principal.key_id, practice_id)
        if record is None:
            raise APIError(404, "not_found", "no such practice session for this key")
        if record.status == "ended":
            raise APIError(409, "practice_ended", "this practice session has ended")
        raise APIError(
            409,
            "practice_state_lost",
            "the server no longer holds this practice session (it restarted, or set it aside "
            "while many others ran); start a new one",
        )

    async def utterance(self, principal: Principal, practice_id: str, text: str) -> UtteranceOut:
        self.check_length(text, "utterance")
        live = await self._live(principal, practice_id)
        async with live.lock:
            if live.client_ended:
                raise APIError(
                    409,
                    "client_ended",
                    "the client has ended the session; end it for your scorecard",
                )
            context = [(u.speaker.value, u.text) for u in live.history]
            coded = await anyio.to_thread.run_sync(code_trainee_turn, text, context)
            live.history.append(Utterance(Speaker.COUNSELOR, text))
            try:
                reply = await live.client.respond(tuple(live.history))
            except Exception as exc:
                live.history.pop()
                raise APIError(
                    502, "client_model_error", f"the simulated client failed: {type(exc).__name__}"
                ) from None
            for sentence, unit in coded:
                code = unit.code
                live.coded.append(unit)
                live.counts[code] += 1
                bucket = "non_adherent" if code in MI_NON_ADHERENT else code.value
                examples = live.examples.setdefault(bucket, [])
                if len(examples) < 3:
                    examples.append(sentence)
            live.trainee_words += word_count(text)
            if live.risk_at is not None and SAFETY_ASK.search(text):
                live.asked_safety = True
            client_text = reply.text.strip()
            live.history.append(Utterance(Speaker.CLIENT, client_text))
            live.client_words += word_count(client_text)
            live.screener.heard(text)  # the trainee's turn: a safety question makes a yes risk
            risk = await live.screener.screen_async(client_text)
            coach = None
            if risk.level.rank > live.risk_peak.rank:
                if risk.level.at_least(RiskLevel.MODERATE):
                    coach = COACH_RISK
                    if live.risk_at is None:
                        live.risk_at = live.utterances + 1
                elif risk.level is RiskLevel.LOW:
                    coach = COACH_LOW
                live.risk_peak = risk.level
            if reply.ends_session:
                live.client_ended = True
                live.disengaged = reply.annotations.action == "disengage"
            live.utterances += 1
            seq = live.next_seq
            live.next_seq += 2
            await anyio.to_thread.run_sync(
                self.store.record_practice,
                live.record,
                seq,
                [
                    TurnRecord("trainee", text, codes=[c.code.value for _, c in coded]),
                    TurnRecord("client", client_text),
                ],
            )
        return UtteranceOut(
            seq=seq,
            codes=[
                CodedSentenceOut(
                    text=s,
                    code=c.code.value,
                    label=CODE_LABELS[c.code],
                    group=code_group(c.code),  # type: ignore[arg-type]
                )
                for s, c in coded
            ],
            client_reply=client_text,
            client_ended=live.client_ended,
            client_risk=live.risk_peak.value if live.risk_peak is not RiskLevel.NONE else None,
            coach=coach,
            miti=miti_summary(live.coded, live.trainee_words, live.client_words),
            utterances=live.utterances,
        )

    async def end(
        self, principal: Principal, practice_id: str, inferred: Inference | None
    ) -> Scorecard:
        live = await self._live(principal, practice_id)
        async with live.lock:
            self.live.pop(practice_id, None)
            metrics = miti_summary(live.coded, live.trainee_words, live.client_words)
            strengths, work_on = feedback(metrics, live.counts)
            outcome = None
            if live.scripted is not None and live.start_state is not None:
                end_state = live.scripted.state.snapshot()
                outcome = {
                    "trust": [live.start_state.trust, end_state.trust],
                    "distress": [live.start_state.distress, end_state.distress],
                    "readiness": [live.start_state.readiness, end_state.readiness],
                    "resistance": [live.start_state.resistance, end_state.resistance],
                    "stage": [live.start_state.stage, end_state.stage],
                    "ended_by_client": live.client_ended,
                    "disengaged": live.disengaged,
                }
            profile_risk = live.profile.risk.level
            risk = None
            if profile_risk is not RiskLevel.NONE or live.risk_peak is not RiskLevel.NONE:
                risk = {
                    "profile_risk": profile_risk.value,
                    "disclosed": live.risk_at is not None,
                    "peak": live.risk_peak.value,
                    "at_utterance": live.risk_at,
                    "asked_about_safety": live.asked_safety,
                }
            disclosed = live.scripted.state.disclosed if live.scripted is not None else None
            card = Scorecard(
                id=practice_id,
                profile=profile_card(live.profile),
                utterances=live.utterances,
                miti=metrics,
                counts={c.value: n for c, n in live.counts.items() if n},
                strengths=strengths,
                to_work_on=work_on,
                examples=live.examples,
                client_outcome=outcome,
                risk=risk,
                cognitive_model=reveal(live.profile, disclosed),
                comparison=compare(live.profile, inferred) if inferred is not None else None,
            )
            kept = card.model_dump(mode="json", exclude={"cognitive_model", "profile"})
            if not live.record.store_text:  # the trainee's own words stay out of the store
                kept["examples"] = {}
                if kept.get("comparison"):
                    for key in ("automatic_thought", "core_belief", "intermediate_belief"):
                        kept["comparison"][key]["yours"] = None
            await anyio.to_thread.run_sync(partial(self.store.end_practice, live.record, kept))
        return card
