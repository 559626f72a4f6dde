"""Practice mode: a trainee plays the counselor against a simulated client.

Each trainee utterance is coded with MI behaviour codes (through `code_trainee_turn`, the one
adapter to the coder: the same coder `theralab evaluate` codes with), a running MITI summary
(`theralab.evaluate.miti.miti_scores`, as in a run's report) is kept against the fair / good
thresholds,
and at the end the trainee gets a scorecard and the client's cognitive model revealed — what
they could have inferred, marked with what the client actually disclosed — to compare with
what they inferred (as in Patient-Ψ-Trainer).

A session's state (`PracticeState`: the transcript, every coded sentence, the screener's
memory, the client's latent state, the flags for the trainer) is saved with every utterance,
encrypted with the server's state keys as a conversation's is (`serve.state`, `keyring`), so
any worker continues any session, a restart loses nothing and `/end` scores what was saved.
It lives in the session's own row (`practice_sessions.scorecard` holds `{"state": token}`
while the session is active and the scorecard once it ended; `utterances` is the version a
write must match, so two workers cannot both write utterance N). A scripted client is rebuilt
by replaying the saved transcript to it (it is deterministic given its profile and seed).
"""

from __future__ import annotations

import asyncio
import copy
import re
import secrets
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal

import anyio
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from theralab.agents import Agent, Utterance
from theralab.clients.llm import LLMClient
from theralab.clients.scripted import ScriptedClient
from theralab.coding.mi_coder import Context, CounselorCode, counselor_units, default_mi_coder
from theralab.coding.rules import PLAN_MEANS_ASK, SAFE_ONLY, SAFETY_ASK
from theralab.dialogue.codes import (
    MI_NON_ADHERENT,
    REFLECTIONS,
    Behaviour,
    MiscCode,
    behaviour_of,
    code_family,
)
from theralab.dialogue.records import ClientState, Speaker
from theralab.evaluate.miti import METRICS, miti_scores
from theralab.profiles import ClientProfile, get_profile
from theralab.profiles.model import Style
from theralab.safety.answers import affirms, safety_question
from theralab.safety.patterns import assess_text
from theralab.safety.reply_check import check_reply
from theralab.safety.risk import RiskLevel, max_level
from theralab.safety.screener import ConversationScreener, Screener
from theralab.serve.auth import Principal
from theralab.serve.chat import LiveService
from theralab.serve.engines import ModelPool
from theralab.serve.errors import APIError
from theralab.serve.keyring import StateKeys, StateUnreadable
from theralab.serve.models import PracticeSession, aware
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
from theralab.serve.settings import ServeSettings
from theralab.serve.state import ScreenerState
from theralab.serve.store import Store, TurnRecord
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
COACH_YES = (
    "The client said yes to your safety question. Stay with it before you move on: ask about a "
    "plan, intent, means and timing, and what would help keep them safe."
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


def feedback(
    metrics: list[MetricOut],
    counts: Counter[MiscCode],
    safety: SafetyReview | None = None,
) -> tuple[list[str], list[str]]:
    """What went well and what to work on. A missed risk cue, a reply that could harm and a
    crisis line given instead of asking come first under "to work on": they outrank any
    score (`safety`)."""
    strengths: list[str] = []
    work_on: list[str] = []
    for m in metrics:
        if m.value is None:
            continue
        shown = f"{m.value:g}"
        good_line, work_line = _ADVICE[m.key]
        if m.key == "pct_counselor_talk" and m.band == "fair":
            good_line = "You kept your share of the talk moderate ({v}% your words; good < 50%)."
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
    confronting = sum(counts[c] for c in (MiscCode.CONFRONT, MiscCode.WARN))
    if confronting:
        work_on.append(
            f"You confronted, labelled or warned the client {confronting}×: this raises "
            "resistance. Reflect their own reasons instead, and ask before giving information."
        )
    if safety is not None:
        first, praise = safety.lines()
        work_on[:0] = first
        strengths[:0] = praise
    return strengths, work_on


# --- profiles and the reveal ----------------------------------------------------------------


class PracticeProfileCard(ProfileCard):
    """A client as practice mode shows it before the session: with the risk hidden (the
    default), `risk` is null and the id does not name it either (`public_id`)."""

    risk: bool | None = Field(  # type: ignore[assignment]
        default=None,
        description="Whether this client may disclose suicide or self-harm risk; null when "
        "hidden from trainees (the default; a trainer asks for it with show_risk=true).",
    )


RISK_ID_PART = "-risk-"


def public_id(profile_id: str) -> str:
    """The id a trainee sees: the profile's id without the part that says it carries risk."""
    return profile_id.replace(RISK_ID_PART, "-")


def resolve_profile_id(given: str) -> str:
    """A profile id as the API takes it: the profile's own id, or the id shown with risk
    hidden (`public_id`). KeyError when neither names a profile."""
    from theralab.profiles import builtin_profiles

    for p in builtin_profiles():
        if given in (p.id, public_id(p.id)):
            return p.id
    raise KeyError(given)


def intake_card(p: ClientProfile, show_risk: bool) -> PracticeProfileCard:
    """What the trainee sees before and during the session."""
    card = profile_card(p)
    if show_risk:
        return PracticeProfileCard(**card.model_dump())
    return PracticeProfileCard(**(card.model_dump() | {"id": public_id(p.id), "risk": None}))


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


# --- safety in the trainee's own words -------------------------------------------------------

# Crisis resources named by a trainee: a line, a number, a service. Giving them is right after
# a disclosure; giving them *instead of* asking about safety is what a trainer corrects.
_RESOURCES = re.compile(
    r"\b(?:hotline|helpline|crisis (?:line|team|service|text)|lifeline|samaritans|988|999|911|"
    r"111|112|116 ?123|text (?:home|shout)|shout\b|emergency (?:services|room|department)|a&e|"
    r"\ber\b|call (?:them|this number|the number|someone|an ambulance))",
    re.IGNORECASE,
)
# First person and second person: a trainee's sentence about themselves has the one and not
# the other ("I want to kill myself too"); "I'm worried you might hurt yourself" has both.
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself|mine)\b", re.IGNORECASE)
# "you" as a subject or object, not "your" ("When I was your age I thought about ending it").
_SECOND_PERSON = re.compile(r"\b(?:you|you're|you've|you'd|you'll|yourself|u)\b", re.IGNORECASE)
# Empathy and concern frames: the trainee speaks of the client's pain in their own voice ("I
# can't imagine how hard it is to want to die", "I'm worried about the cutting").
_EMPATHY_FRAME = re.compile(
    r"^(?:(?:and|but|so|honestly|well)[, ]+)?i(?:'m| am)? (?:can(?:'t|not)? (?:only )?(?:imagine|"
    r"see|hear|understand)|hear|understand|imagine|wonder|appreciate|realise|realize|notice|"
    r"(?:really |so |very )?(?:sorry|glad|worried|concerned|scared|afraid|here|not going))\b",
    re.IGNORECASE,
)
# Words of one's own risk the pattern tier may not read in a trainee's phrasing ("I get
# suicidal sometimes myself"): in a first-person clause, at least low.
_OWN_CUE = re.compile(r"\b(?:suicidal|self-harm(?:ing)?|overdos(?:e|ed|ing))\b", re.IGNORECASE)
# What the pattern tier names that is not the speaker's own risk.
_NOT_OWN_RISK = frozenset({"stressor", "history"})
_CLAUSES = re.compile(r"[,;:—–]|\s-\s|\b(?:but|and|so)\b", re.IGNORECASE)
# Words that push a client towards harm, in the trainee's own voice. A reflection of the
# client's belief ("You feel everyone would be better off without you") is not one: only
# sentences that start with the push itself, or say it outright, count.
_PUSH_TO_HARM = re.compile(
    r"^(?:(?:well|then|so|honestly|fine|ok(?:ay)?)[, ]+)*(?:(?:just |then )?(?:do it|go (?:ahead|"
    r"for it)(?: and (?:do it|end it))?)\b|(?:maybe |then )?(?:you should|you might as well|why "
    r"not) (?:just )?(?:do it|end it|kill yourself|hurt yourself|take them all|jump)\b|(?:nobody|"
    r"no one|no-one) would (?:miss|care about) you|(?:they|everyone|we)(?:'d| would) be better off "
    r"without you|you(?:'d| would) be better off dead)",
    re.IGNORECASE,
)
# What a trainee's reply must never do (the output check's rules: method or lethality, means,
# collusion, concealing harm, promising secrecy, stigmatising language). The rules about what
# a reply *misses* are left to the scorecard's risk review.
HARMFUL_REASONS = frozenset(
    {
        "method_or_lethality",
        "means_or_location_detail",
        "collusion_with_delusion",
        "enabling_mania",
        "feeding_compulsion",
        "eating_disorder_tactics",
        "concealing_harm",
        "promising_secrecy",
        "stigmatising_language",
        "encouraging_death",
        "minimising_risk",
    }
)

FlagKind = Literal["trainee_crisis", "harmful_reply", "resources_only"]

FLAG_TEXT: dict[str, str] = {
    "trainee_crisis": (
        "This sounded as if it might be about you. If you are having thoughts of ending your "
        "life or of self-harm, please talk to someone now: your trainer, a person you trust, "
        "or a crisis line (findahelpline.com lists them by country; in an emergency call your "
        "local emergency number). This has been flagged for your trainer."
    ),
    "harmful_reply": (
        "This could harm a client in distress (it gives or invites harm, promises secrecy "
        "about risk, or stigmatises). It has been flagged for your trainer."
    ),
    "resources_only": (
        "You shared a crisis line without asking about the client's safety: ask directly about "
        "thoughts of suicide, a plan and intent, and stay with them."
    ),
}


class TraineeFlag(BaseModel):
    """Something in the trainee's own words a trainer must see (content-free: which kind,
    at which utterance, and the reasons' names)."""

    kind: FlagKind
    utterance: int
    reasons: list[str] = Field(default_factory=list)
    message: str


def first_person_clauses(text: str) -> list[str]:
    """The clauses of a trainee's utterance that speak of themselves and not of the client:
    statements in the first person without a second person (questions are never about them)."""
    out = []
    for sentence in counselor_units(text):
        if sentence.rstrip().endswith("?"):
            continue
        for clause in _CLAUSES.split(sentence):
            clause = clause.strip()
            if (
                _FIRST_PERSON.search(clause)
                and not _SECOND_PERSON.search(clause)
                and not _EMPATHY_FRAME.search(clause)
            ):
                out.append(clause)
    return out


def own_risk(text: str) -> RiskLevel:
    """The risk a trainee states of themselves: the pattern tier's reading of their
    first-person clauses (`first_person_clauses`), counting only cues of their own risk."""
    levels = []
    for clause in first_person_clauses(text):
        found = assess_text(clause)
        if found.level is not RiskLevel.NONE and set(found.signals) - _NOT_OWN_RISK:
            levels.append(found.level)
        elif _OWN_CUE.search(clause):
            levels.append(RiskLevel.LOW)
    return max_level(levels) if levels else RiskLevel.NONE


# What staying with a yes looks like: the plan, means, timing or intent asked about, a safety plan
# or crisis help offered ("Can we work out together what would keep you safe tonight?").
_FOLLOW_UP = re.compile(
    r"\b(?:safety plan|keep (?:you )?safe|safe (?:tonight|right now|at the moment)|tonight|right "
    r"now|988|crisis|helpline|hotline|samaritans|emergency|hospital|doctor|gp|someone (?:with "
    r"you|you trust|to be with you)|the means|pills|tablets|a gun|a weapon|rope|(?:thought|"
    r"thinking) (?:about|of) (?:how|when|where))\b",
    re.IGNORECASE,
)


def _questions(text: str) -> list[str]:
    return [s for s in counselor_units(text) if s.rstrip().endswith("?")]


def asks_about_safety(text: str) -> bool:
    """Whether the trainee asked directly about safety: the one cue (`rules.SAFETY_ASK`) beyond
    a bare question whether they are safe (`rules.SAFE_ONLY`: it names no thought, plan or means,
    and invites a reflexive yes), or a question about a plan, its timing or the means."""
    direct = SAFETY_ASK.search(SAFE_ONLY.sub(" ", text))
    return bool(direct) or any(PLAN_MEANS_ASK.search(q) for q in _questions(text))


def is_safety_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") and (
        bool(SAFETY_ASK.search(sentence)) or bool(PLAN_MEANS_ASK.search(sentence))
    )


def follows_up(text: str) -> bool:
    """Whether a trainee's turn stays with a yes to the safety question (`_FOLLOW_UP`)."""
    return asks_about_safety(text) or bool(_FOLLOW_UP.search(text))


@dataclass(frozen=True)
class SafetyReview:
    """How the trainee met risk, for the top of the feedback."""

    disclosed_at: int | None
    peak: RiskLevel
    asked: bool
    resources_only: bool
    flags: tuple[TraineeFlag, ...]
    moved_on_at: int | None = None  # the trainee's utterance that moved on after a yes

    def lines(self) -> tuple[list[str], list[str]]:
        """(first items under "to work on", first items under "what went well")."""
        work: list[str] = []
        good: list[str] = []
        harmful = [f for f in self.flags if f.kind == "harmful_reply"]
        if harmful:
            at = ", ".join(str(f.utterance) for f in harmful)
            work.append(
                f"A reply of yours could harm a client in distress (utterance {at}): go through "
                "it with your trainer."
            )
        if self.disclosed_at is not None and not self.asked:
            work.append(
                f"The client disclosed risk ({self.peak.value}) at utterance {self.disclosed_at} "
                "and you did not ask directly about their safety. Ask about thoughts of suicide, "
                "a plan, intent and means, stay with them, and share crisis resources."
                + (" Giving a crisis line alone is not asking." if self.resources_only else "")
            )
        elif self.disclosed_at is None and self.peak is RiskLevel.LOW and not self.asked:
            work.append(
                "The client hinted at hopelessness and you did not ask whether they have "
                "thoughts of not wanting to be alive: ask gently and directly."
            )
        if self.moved_on_at is not None:
            work.append(
                f"The client said yes to your safety question and you moved on at utterance "
                f"{self.moved_on_at}. Stay with a yes: ask about a plan, intent, means and "
                "timing, and what would help keep them safe, before going back to other topics."
            )
        if self.disclosed_at is not None and self.asked:
            good.append(
                "You asked directly about the client's safety after they disclosed risk"
                + (", and stayed with their answer." if self.moved_on_at is None else ".")
            )
        return work, good


# --- the saved state ------------------------------------------------------------------------

PRACTICE_STATE_VERSION = 1


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PracticeTurnState(_Record):
    speaker: Literal["trainee", "client"]
    text: str
    codes: list[MiscCode] = Field(default_factory=list)


class CodedUnit(_Record):
    """One coded trainee sentence (`CounselorCode`), and whether it was a safety question
    asked after the client showed risk (those do not count against R:Q)."""

    code: MiscCode
    behaviour: Behaviour
    confidence: float
    stance: MiscCode | None = None
    safety_question: bool = False
    # a sentence of an utterance flagged as a reply that could harm: it earns no credit (not in
    # the MITI summary, the code counts or the examples)
    harmful: bool = False

    def counselor_code(self) -> CounselorCode:
        return CounselorCode(self.code, self.behaviour, self.confidence, self.stance)


class PracticeState(_Record):
    version: int = PRACTICE_STATE_VERSION
    history: list[PracticeTurnState] = Field(default_factory=list)
    coded: list[CodedUnit] = Field(default_factory=list)
    trainee_words: int = 0
    client_words: int = 0
    examples: dict[str, list[str]] = Field(default_factory=dict)
    risk_peak: RiskLevel = RiskLevel.NONE
    risk_at: int | None = None
    asked_safety: bool = Field(
        default=False, description="Asked directly about safety after the client disclosed."
    )
    asked_after_hint: bool = Field(
        default=False, description="Asked directly about safety after any sign of risk."
    )
    resources_only: bool = False
    yes_at: int | None = Field(
        default=None, description="The utterance whose safety question the client said yes to."
    )
    followed_up: bool = False
    moved_on_at: int | None = None
    flags: list[TraineeFlag] = Field(default_factory=list)
    client_ended: bool = False
    disengaged: bool = False
    utterances: int = 0
    next_seq: int = 0
    screener: ScreenerState = Field(default_factory=ScreenerState)
    client_start: ClientState | None = None
    client_now: ClientState | None = None
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def utterance_history(self) -> list[Utterance]:
        return [
            Utterance(Speaker.COUNSELOR if t.speaker == "trainee" else Speaker.CLIENT, t.text)
            for t in self.history
        ]

    def context(self) -> list[tuple[str, str]]:
        """The session so far as the coder reads it (the trainee is the counselor)."""
        return [("counselor" if t.speaker == "trainee" else "client", t.text) for t in self.history]

    def counts(self) -> Counter[MiscCode]:
        return Counter(u.code for u in self.coded if not u.harmful)

    def scored_units(self) -> list[CounselorCode]:
        """The coded sentences the MITI summary counts: all but safety questions asked after
        the client showed risk (asking is what the trainee should do, not a question to
        balance with reflections) and the sentences of a reply flagged as harmful (a harmful
        "reflection" is not a reflection to credit)."""
        return [u.counselor_code() for u in self.coded if not u.safety_question and not u.harmful]

    def review(self) -> SafetyReview:
        return SafetyReview(
            disclosed_at=self.risk_at,
            peak=self.risk_peak,
            asked=self.asked_safety if self.risk_at is not None else self.asked_after_hint,
            resources_only=self.resources_only,
            flags=tuple(self.flags),
            moved_on_at=self.moved_on_at,
        )

    def coach_open(self) -> str | None:
        """The coaching note that stands until the trainee addresses it (asks about safety;
        after a yes, stays with it)."""
        if self.yes_at is not None and not self.followed_up:
            return COACH_YES
        if self.risk_at is not None:
            return None if self.asked_safety else COACH_RISK
        if self.risk_peak is RiskLevel.LOW and not self.asked_after_hint:
            return COACH_LOW
        return None


def _screener_state(conversation: ConversationScreener) -> ScreenerState:
    return ScreenerState(
        **{name: copy.copy(getattr(conversation, name)) for name in ScreenerState.model_fields}
    )


def _restore_screener(conversation: ConversationScreener, saved: ScreenerState) -> None:
    for name in ScreenerState.model_fields:
        setattr(conversation, name, copy.copy(getattr(saved, name)))


# --- API bodies of practice mode ------------------------------------------------------------


class PracticeCreatedOut(PracticeCreated):
    profile: PracticeProfileCard  # type: ignore[assignment]
    seed: int = Field(description="Give it again to replay the same scripted client.")


class PracticeUtteranceOut(UtteranceOut):
    coach_open: str | None = Field(
        default=None,
        description="The coaching note that stands until the trainee addresses it (asks "
        "directly about safety); null once addressed.",
    )
    flags: list[TraineeFlag] = Field(
        default_factory=list, description="What in this utterance was flagged for the trainer."
    )


class PracticeScorecard(Scorecard):
    flags: list[TraineeFlag] = Field(
        default_factory=list,
        description="What in the trainee's own words was flagged for the trainer (a crisis of "
        "their own, a reply that could harm, a crisis line instead of asking).",
    )
    seed: int | None = None
    status: Literal["ended", "expired"] = "ended"


class PracticeTurnOut(BaseModel):
    speaker: Literal["trainee", "client"]
    text: str
    codes: list[CodedSentenceOut] = Field(default_factory=list)


class PracticeDetail(BaseModel):
    """A practice session: while active, its transcript so far and running MITI (to resume
    it); once ended, its scorecard (what was stored: the trainee's examples and free-text
    inference only with text storage on)."""

    id: str
    status: Literal["active", "ended"]
    profile: PracticeProfileCard
    client: str
    style: str
    seed: int
    utterances: int
    created_at: datetime
    ended_at: datetime | None
    transcript: list[PracticeTurnOut] | None = None
    miti: list[MetricOut] | None = None
    coach_open: str | None = None
    client_ended: bool = False
    scorecard: PracticeScorecard | None = None


class PracticeSummary(BaseModel):
    id: str
    status: Literal["active", "ended"]
    profile_id: str
    client: str
    seed: int
    utterances: int
    flagged: bool
    created_at: datetime
    ended_at: datetime | None


class PracticeList(BaseModel):
    items: list[PracticeSummary]
    total: int
    limit: int
    offset: int


# --- the service ----------------------------------------------------------------------------


@dataclass
class LivePractice:
    """A session as this worker holds it: the client and screener rebuilt from `state`, and
    `version` (the row's `utterances`) the saved state this copy matches."""

    record: PracticeSession
    profile: ClientProfile
    client: Agent
    scripted: ScriptedClient | None
    screener: ConversationScreener
    state: PracticeState
    version: int


class StalePractice(Exception):
    """Another worker wrote this session's utterance first."""


class PracticeService(LiveService[LivePractice]):
    """Practice sessions: saved with every utterance (encrypted, in the session's row), held
    in memory between requests as chat's conversations are (`LiveService`, at most
    `live_conversations`), and rebuilt from the saved state on any worker that does not hold
    the newest copy."""

    def __init__(
        self,
        settings: ServeSettings,
        store: Store,
        screener: Screener,
        models: ModelPool,
        keys: StateKeys,
    ) -> None:
        super().__init__(settings, store, screener, models, keys)
        self.conflict_retries = 4
        self.rebuilt = 0  # sessions rebuilt from saved state (tests watch it)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def client_engines(self) -> list[str]:
        return ["scripted", "llm"] if self.settings.client_model else ["scripted"]

    def _lock(self, practice_id: str) -> asyncio.Lock:
        lock = self._locks.get(practice_id)
        if lock is None:
            lock = self._locks[practice_id] = asyncio.Lock()
        return lock

    # --- building ---------------------------------------------------------------------------

    def _profile(self, profile_id: str, style: str | None) -> ClientProfile:
        try:
            profile = get_profile(resolve_profile_id(profile_id))
        except KeyError:
            raise APIError(
                404, "not_found", "no such client profile; see GET /v1/profiles"
            ) from None
        if style is not None and style != profile.style.value:
            profile = profile.model_copy(update={"style": Style(style)})
        return profile

    def _client(
        self, profile: ClientProfile, engine: str, seed: int
    ) -> tuple[Agent, ScriptedClient | None]:
        if engine == "scripted":
            scripted = ScriptedClient(profile, seed)
            return scripted, scripted
        if not self.settings.client_model or engine != self.settings.client_model:
            raise APIError(
                409,
                "practice_state_lost",
                "this session's client model is not enabled on this server any more",
            )
        client: Agent = LLMClient(profile, self.models.model(engine, "client"), seed)
        if self.settings.redact_pii:
            client = RedactingAgent(client)
        return client, None

    def _encrypt(self, state: PracticeState) -> str:
        return self.keys.encrypt(state.model_dump_json().encode()).decode("ascii")

    def _decrypt(self, token: str) -> PracticeState:
        try:
            raw = self.keys.decrypt(token.encode("ascii"))
        except StateUnreadable:
            raise APIError(
                409,
                "practice_state_lost",
                "this server cannot read the session's saved state (its state keys changed); "
                "start a new one",
            ) from None
        return PracticeState.model_validate_json(raw)

    async def create(self, principal: Principal, body: PracticeCreate) -> PracticeCreatedOut:
        profile = self._profile(body.profile_id, body.style.value if body.style else None)
        seed = body.seed if body.seed is not None else secrets.randbelow(2**31)
        if body.client == "llm":
            if not self.settings.client_model:
                raise APIError(
                    422, "model_required", "this server has no client model; use client=scripted"
                )
            engine = self.settings.client_model
        else:
            engine = "scripted"
        client, scripted = self._client(profile, engine, seed)
        screener = self.screener.conversation()
        start = scripted.state.snapshot() if scripted is not None else None
        state = PracticeState(
            screener=_screener_state(screener), client_start=start, client_now=start
        )
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
            scorecard=_saved_json(await anyio.to_thread.run_sync(self._encrypt, state), state),
        )
        await anyio.to_thread.run_sync(self.store.add_practice, record)
        self.live.keep(
            record.id,
            LivePractice(record, profile, client, scripted, screener, state, version=0),
        )
        card = intake_card(profile, show_risk=False)
        return PracticeCreatedOut(
            id=record.id,
            profile=card,
            client=engine,
            style=profile.style.value,
            seed=seed,
            instructions=(
                f"You are the counselor. {card.name} ({card.age}, {card.occupation}) has come "
                f"to talk about {card.presenting_problem}. Open the session when you are ready. "
                "Each thing you say is coded with MI behaviour codes; at the end you get a "
                "scorecard and see the client's cognitive model."
            ),
        )

    async def _rebuild(self, record: PracticeSession, state: PracticeState) -> LivePractice:
        """The session from its saved state: the client replayed (scripted) or rebuilt with
        its turn count (model-backed), the screener's memory put back."""
        profile = self._profile(record.profile_id, record.style)
        client, scripted = self._client(profile, record.client_engine, record.seed)
        history = state.utterance_history()
        if scripted is not None:
            for i, turn in enumerate(history):
                if turn.speaker is Speaker.COUNSELOR:
                    scripted.reply(history[: i + 1])
        else:
            inner: Any = client
            for _ in range(4):
                if hasattr(inner, "turn"):
                    inner.turn = state.utterances
                    break
                inner = getattr(inner, "inner", None)
        screener = self.screener.conversation()
        _restore_screener(screener, state.screener)
        self.rebuilt += 1
        return LivePractice(
            record, profile, client, scripted, screener, state, version=record.utterances
        )

    async def _record(self, principal: Principal, practice_id: str) -> PracticeSession:
        record = await anyio.to_thread.run_sync(self.store.practice, principal.key_id, practice_id)
        if record is None:
            raise APIError(404, "not_found", "no such practice session for this key")
        return record

    def _saved(self, record: PracticeSession) -> PracticeState | None:
        token = (record.scorecard or {}).get("state") if record.status == "active" else None
        return self._decrypt(token) if isinstance(token, str) else None

    async def _live(self, principal: Principal, practice_id: str) -> LivePractice:
        """The session at its newest saved state: this worker's copy when it is that one,
        else rebuilt from the database (another worker wrote since, or a restart)."""
        record = await self._record(principal, practice_id)
        if record.status == "ended":
            raise APIError(
                409,
                "practice_ended",
                "this practice session has ended; its scorecard is at GET /v1/practice/{id}",
            )
        live = self.live.get(practice_id)
        if live is not None and live.version == record.utterances:
            live.record = record
            self.live.touch(practice_id)
            return live
        state = await anyio.to_thread.run_sync(self._saved, record)
        if state is None:
            raise APIError(
                409,
                "practice_state_lost",
                "this practice session was started before sessions were saved; start a new one",
            )
        if self._expired(state):
            await self._finish(record, state, None, expired=True)
            raise APIError(
                409,
                "practice_ended",
                f"this practice session ended after {self.settings.state_retention_hours:g} "
                "hours without an utterance; its scorecard is at GET /v1/practice/{id}",
            )
        live = await self._rebuild(record, state)
        self.live.keep(practice_id, live)
        return live

    def _expired(self, state: PracticeState) -> bool:
        limit = timedelta(hours=self.settings.state_retention_hours)
        updated = aware(state.updated_at) or datetime.now(UTC)
        return datetime.now(UTC) - updated > limit

    # --- an utterance -----------------------------------------------------------------------

    async def utterance(
        self, principal: Principal, practice_id: str, text: str
    ) -> PracticeUtteranceOut:
        """Code the trainee's utterance, let the client answer, save both. When another
        worker saved an utterance of this session meanwhile, this one is computed again on
        the newer state (a few times), then 409 `practice_busy`."""
        self.check_length(text, "utterance")
        for attempt in range(self.conflict_retries + 1):
            try:
                return await self._utterance(principal, practice_id, text)
            except StalePractice:
                self.live.pop(practice_id, None)
                await anyio.sleep(0.01 * (attempt + 1) * (1 + secrets.randbelow(4)))
        raise APIError(
            409,
            "practice_busy",
            "other utterances of this session were being answered at the same time; send "
            "yours again",
        )

    async def _utterance(
        self, principal: Principal, practice_id: str, text: str
    ) -> PracticeUtteranceOut:
        async with self._lock(practice_id):
            live = await self._live(principal, practice_id)
            state = live.state.model_copy(deep=True)  # the live copy changes only once saved
            if state.client_ended:
                raise APIError(
                    409,
                    "client_ended",
                    "the client has ended the session; end it for your scorecard",
                )
            coded = await anyio.to_thread.run_sync(code_trainee_turn, text, state.context())
            history = [*state.utterance_history(), Utterance(Speaker.COUNSELOR, text)]
            try:
                reply = await live.client.respond(tuple(history))
            except Exception as exc:
                self.live.pop(practice_id, None)  # a client that failed is not continued
                raise APIError(
                    502, "client_model_error", f"the simulated client failed: {type(exc).__name__}"
                ) from None
            number = state.utterances + 1
            showed_risk = state.risk_peak is not RiskLevel.NONE
            asked = asks_about_safety(text)
            flags = await self._flags(live, state, text, number, asked)
            harmful = any(f.kind == "harmful_reply" for f in flags)
            for sentence, unit in coded:
                code = unit.code
                state.coded.append(
                    CodedUnit(
                        code=code,
                        behaviour=unit.behaviour,
                        confidence=unit.confidence,
                        stance=unit.stance,
                        safety_question=showed_risk and is_safety_question(sentence),
                        harmful=harmful,
                    )
                )
                if harmful:
                    continue  # never shown as an example of its code
                bucket = "non_adherent" if code in MI_NON_ADHERENT else code.value
                examples = state.examples.setdefault(bucket, [])
                if len(examples) < 3:
                    examples.append(sentence)
            state.trainee_words += word_count(text)
            if showed_risk and asked:
                state.asked_after_hint = True
            if state.risk_at is not None and asked:
                state.asked_safety = True
            if state.yes_at is not None and not state.followed_up:
                if follows_up(text):
                    state.followed_up = True
                elif state.moved_on_at is None:
                    state.moved_on_at = number
            state.flags += flags
            client_text = reply.text.strip()
            state.history += [
                PracticeTurnState(speaker="trainee", text=text, codes=[c.code for _, c in coded]),
                PracticeTurnState(speaker="client", text=client_text),
            ]
            state.client_words += word_count(client_text)
            live.screener.heard(text)  # the trainee's turn: a safety question makes a yes risk
            if state.yes_at is None and safety_question(text) is not None and affirms(client_text):
                state.yes_at, state.followed_up = number, False
            risk = await live.screener.screen_async(client_text)
            coach = None
            if risk.level.rank > state.risk_peak.rank:
                if risk.level.at_least(RiskLevel.MODERATE):
                    coach = COACH_RISK
                    if state.risk_at is None:
                        state.risk_at = number
                elif risk.level is RiskLevel.LOW:
                    coach = COACH_LOW
                state.risk_peak = risk.level
            if reply.ends_session:
                state.client_ended = True
                state.disengaged = reply.annotations.action == "disengage"
            state.utterances = number
            seq = state.next_seq
            state.next_seq += 2
            state.screener = _screener_state(live.screener)
            if live.scripted is not None:
                state.client_now = live.scripted.state.snapshot()
            state.updated_at = datetime.now(UTC)
            turns = [
                TurnRecord("trainee", text, codes=[c.code.value for _, c in coded]),
                TurnRecord("client", client_text),
            ]
            try:
                await anyio.to_thread.run_sync(
                    self._write, live.record, live.version, seq, turns, state
                )
            except BaseException:
                self.live.pop(practice_id, None)  # not saved: never continue from this copy
                raise
            live.state, live.version = state, live.version + 1
            if flags:
                await anyio.to_thread.run_sync(self._audit_flags, live.record, flags)
        return PracticeUtteranceOut(
            seq=seq,
            codes=[_coded_out(s, c.code) for s, c in coded],
            client_reply=client_text,
            client_ended=state.client_ended,
            client_risk=state.risk_peak.value if state.risk_peak is not RiskLevel.NONE else None,
            coach=coach,
            coach_open=state.coach_open(),
            flags=flags,
            miti=miti_summary(state.scored_units(), state.trainee_words, state.client_words),
            utterances=state.utterances,
        )

    async def _flags(
        self, live: LivePractice, state: PracticeState, text: str, number: int, asked: bool
    ) -> list[TraineeFlag]:
        """What in this utterance a trainer must see: the trainee's own crisis (a first-person
        statement of their own risk, `own_risk`), a reply that could
        harm (the output check's harm rules, or a push towards harm), a crisis line given
        instead of asking after a disclosure."""
        flags: list[TraineeFlag] = []
        own = own_risk(text)
        if own is not RiskLevel.NONE:
            flags.append(
                TraineeFlag(
                    kind="trainee_crisis",
                    utterance=number,
                    reasons=[own.value],
                    message=FLAG_TEXT["trainee_crisis"],
                )
            )
        client_texts = [t.text for t in state.history if t.speaker == "client"]
        verdict = await anyio.to_thread.run_sync(
            partial(check_reply, text, None, client_texts, learned=False)
        )
        harmful = sorted(set(verdict.reasons) & HARMFUL_REASONS)
        if any(_PUSH_TO_HARM.search(s.strip()) for s in counselor_units(text)):
            harmful.append("pushes_towards_harm")
        if harmful:
            flags.append(
                TraineeFlag(
                    kind="harmful_reply",
                    utterance=number,
                    reasons=harmful,
                    message=FLAG_TEXT["harmful_reply"],
                )
            )
        if (
            state.risk_at is not None
            and not asked
            and not state.asked_safety
            and not state.resources_only
            and _RESOURCES.search(text)
        ):
            state.resources_only = True
            flags.append(
                TraineeFlag(
                    kind="resources_only", utterance=number, message=FLAG_TEXT["resources_only"]
                )
            )
        return flags

    def _write(
        self,
        record: PracticeSession,
        version: int,
        first_seq: int,
        turns: list[TurnRecord],
        state: PracticeState,
    ) -> None:
        """The utterance's turns and the new state in one transaction, only if nobody saved
        an utterance of this session since `version` was read (else `StalePractice`)."""
        token = self._encrypt(state)
        saved = _saved_json(token, state)
        if not self.store.record_practice(record, version, first_seq, turns, saved):
            raise StalePractice(record.id)

    def _audit_flags(self, record: PracticeSession, flags: list[TraineeFlag]) -> None:
        for flag in flags:
            self.store.audit(
                "practice.flagged",
                record.key_id,
                record.id,
                kind=flag.kind,
                utterance=flag.utterance,
                reasons=flag.reasons,
            )

    # --- the end and the scorecard ----------------------------------------------------------

    async def end(
        self, principal: Principal, practice_id: str, inferred: Inference | None
    ) -> PracticeScorecard:
        async with self._lock(practice_id):
            live = await self._live(principal, practice_id)
            self.live.pop(practice_id, None)
            return await self._finish(live.record, live.state, inferred)

    def scorecard(
        self,
        record: PracticeSession,
        state: PracticeState,
        inferred: Inference | None,
        *,
        expired: bool = False,
    ) -> PracticeScorecard:
        """The scorecard of a session, from its saved state alone."""
        profile = self._profile(record.profile_id, record.style)
        units = state.scored_units()
        metrics = miti_summary(units, state.trainee_words, state.client_words)
        counts = state.counts()
        strengths, work_on = feedback(metrics, counts, state.review())
        outcome = None
        if state.client_start is not None and state.client_now is not None:
            a, b = state.client_start, state.client_now
            outcome = {
                "trust": [a.trust, b.trust],
                "distress": [a.distress, b.distress],
                "readiness": [a.readiness, b.readiness],
                "resistance": [a.resistance, b.resistance],
                "stage": [a.stage, b.stage],
                "ended_by_client": state.client_ended,
                "disengaged": state.disengaged,
            }
        profile_risk = profile.risk.level
        risk = None
        if profile_risk is not RiskLevel.NONE or state.risk_peak is not RiskLevel.NONE:
            risk = {
                "profile_risk": profile_risk.value,
                "disclosed": state.risk_at is not None,
                "peak": state.risk_peak.value,
                "at_utterance": state.risk_at,
                "asked_about_safety": state.asked_safety,
                "resources_without_asking": state.resources_only and not state.asked_safety,
                "safety_questions_not_in_rq": sum(u.safety_question for u in state.coded),
            }
        disclosed = state.client_now.disclosed if state.client_now is not None else None
        return PracticeScorecard(
            id=record.id,
            profile=profile_card(profile),
            utterances=state.utterances,
            miti=metrics,
            counts={c.value: n for c, n in counts.items() if n},
            strengths=strengths,
            to_work_on=work_on,
            examples=state.examples,
            client_outcome=outcome,
            risk=risk,
            cognitive_model=reveal(profile, disclosed),
            comparison=compare(profile, inferred) if inferred is not None else None,
            flags=state.flags,
            seed=record.seed,
            status="expired" if expired else "ended",
        )

    async def _finish(
        self,
        record: PracticeSession,
        state: PracticeState,
        inferred: Inference | None,
        *,
        expired: bool = False,
    ) -> PracticeScorecard:
        card = self.scorecard(record, state, inferred, expired=expired)
        kept = card.model_dump(mode="json", exclude={"cognitive_model", "profile"})
        kept["disclosed"] = (
            list(state.client_now.disclosed) if state.client_now is not None else None
        )
        if not record.store_text:  # the trainee's own words stay out of the store
            kept["examples"] = {}
            if kept.get("comparison"):
                for key in ("automatic_thought", "core_belief", "intermediate_belief"):
                    kept["comparison"][key]["yours"] = None
        # the encrypted state is replaced by the scorecard: nothing of the session's text stays
        await anyio.to_thread.run_sync(partial(self.store.end_practice, record, kept))
        return card

    # --- reading sessions back --------------------------------------------------------------

    def _stored_scorecard(self, record: PracticeSession) -> PracticeScorecard | None:
        kept = record.scorecard
        if record.status != "ended" or not kept or "state" in kept:
            return None
        profile = self._profile(record.profile_id, record.style)
        disclosed = kept.get("disclosed")
        return PracticeScorecard.model_validate(
            kept
            | {
                "profile": profile_card(profile).model_dump(),
                "cognitive_model": reveal(profile, disclosed),
            }
        )

    async def detail(
        self, principal: Principal, practice_id: str, show_risk: bool = False
    ) -> PracticeDetail:
        """A session: while active, what resuming it needs; once ended, its scorecard."""
        record = await self._record(principal, practice_id)
        live: LivePractice | None = None
        if record.status != "ended":
            try:
                async with self._lock(practice_id):
                    live = await self._live(principal, practice_id)
                record = live.record
            except APIError as err:
                if err.code != "practice_ended":
                    raise
                record = await self._record(principal, practice_id)  # it expired just now
        profile = self._profile(record.profile_id, record.style)
        ended = record.status == "ended"
        out = PracticeDetail(
            id=record.id,
            status="ended" if ended else "active",
            profile=intake_card(profile, show_risk or ended),
            client=record.client_engine,
            style=record.style,
            seed=record.seed,
            utterances=record.utterances,
            created_at=aware(record.created_at) or datetime.now(UTC),
            ended_at=aware(record.ended_at),
        )
        if ended or live is None:
            out.scorecard = self._stored_scorecard(record)
            return out
        state = live.state
        out.transcript = [
            PracticeTurnOut(
                speaker=t.speaker,
                text=t.text,
                codes=[_coded_out("", c) for c in t.codes],
            )
            for t in state.history
        ]
        out.miti = miti_summary(state.scored_units(), state.trainee_words, state.client_words)
        out.coach_open = state.coach_open()
        out.client_ended = state.client_ended
        return out

    async def list(
        self, principal: Principal, status: str | None, limit: int, offset: int
    ) -> PracticeList:
        def read() -> tuple[list[PracticeSession], int]:
            where = [PracticeSession.key_id == principal.key_id]
            if status is not None:
                where.append(PracticeSession.status == status)
            with self.store.sessions() as s:
                total = s.scalar(select(func.count()).select_from(PracticeSession).where(*where))
                rows = s.scalars(
                    select(PracticeSession)
                    .where(*where)
                    .order_by(PracticeSession.created_at.desc(), PracticeSession.id)
                    .limit(limit)
                    .offset(offset)
                )
                return list(rows), int(total or 0)

        rows, total = await anyio.to_thread.run_sync(read)
        return PracticeList(
            items=[
                PracticeSummary(
                    id=r.id,
                    status="ended" if r.status == "ended" else "active",
                    profile_id=r.profile_id if r.status == "ended" else public_id(r.profile_id),
                    client=r.client_engine,
                    seed=r.seed,
                    utterances=r.utterances,
                    flagged=bool((r.scorecard or {}).get("flags")),
                    created_at=aware(r.created_at) or datetime.now(UTC),
                    ended_at=aware(r.ended_at),
                )
                for r in rows
            ],
            total=total,
            limit=limit,
            offset=offset,
        )


def _saved_json(token: str, state: PracticeState) -> dict[str, Any]:
    """What an active session's row keeps: its encrypted state, and the kinds of what was
    flagged so far (content-free, so a trainer's list shows it without decrypting)."""
    return {"state": token, "flags": [f.kind for f in state.flags]}


def _coded_out(sentence: str, code: MiscCode) -> CodedSentenceOut:
    return CodedSentenceOut(
        text=sentence,
        code=code.value,
        label=CODE_LABELS[code],
        group=code_group(code),  # type: ignore[arg-type]
    )
