"""The research corpora the trained coders learn from, and their fixed held-out splits.

AnnoMI (expert-annotated MI transcripts) and EPITOME (Reddit empathy annotations) are read
from the shared data folder beside the checkout (or `$THERALAB_SHARED_DATA`). Nothing of
them is copied into the project: the benchmarks and the training code read them in place.

Splits are by *conversation*, never by utterance, and deterministic. AnnoMI: within each MI
quality stratum (high / low), transcripts are ordered by a hash of their id and the first
fifth is held out. EPITOME: a (seeker, response) pair is held out when a hash of the seeker
post's id falls in the first fifth of the hash range, so every response to one seeker post is
on the same side. Model selection uses grouped
cross-validation on the rest; the held-out part is only ever scored.

Repeated annotations are kept honest: AnnoMI has a few transcripts coded by all ten
annotators, and EPITOME a few pairs coded twice. Each utterance stays one record with all of
its annotations; training weighs every annotation by 1/(number of annotations), evaluation
scores against the majority label (ties: the first in the label order below).
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from theralab.checkout import SHARED_DATA_ENV, checkout_data, shared_data_dir
from theralab.errors import InputError
from theralab.yamlfiles import IdRecord, parse_yaml_folder

HELDOUT_FRACTION = 0.2

BEHAVIOURS = ("question", "reflection", "therapist_input", "other")
TALK_TYPES = ("change", "neutral", "sustain")
QUESTION_TYPES = ("open", "closed")
REFLECTION_TYPES = ("simple", "complex")
INPUT_TYPES = ("information", "advice", "negotiation", "options")
MECHANISMS = ("emotional_reactions", "interpretations", "explorations")
_EPITOME_FILES = {
    "emotional_reactions": "emotional-reactions-reddit_dev.csv",
    "interpretations": "interpretations-reddit_dev.csv",
    "explorations": "explorations-reddit_dev.csv",
}


def _require(path: Path, what: str) -> Path:
    if not path.is_file():
        raise InputError(
            f"{what} not found at {path}; point --data (or ${SHARED_DATA_ENV}) at the folder "
            "that holds annomi/ and epitome/",
            source=str(path),
        )
    return path


def _unit_hash(group: str, salt: str) -> float:
    """A stable number in [0, 1) for a group id (no randomness, no Python hash seed)."""
    digest = hashlib.sha256(f"{salt}:{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def held_out(group: str, salt: str, fraction: float = HELDOUT_FRACTION) -> bool:
    """Whether a group id falls in the held-out part of the hash range."""
    return _unit_hash(group, salt) < fraction


def majority(labels: Sequence[str], order: Sequence[str]) -> str:
    """The most frequent label; ties go to the label that comes first in `order`."""
    counts = Counter(labels)
    best = max(counts.values())
    return next(label for label in order if counts.get(label) == best)


# --- AnnoMI ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MIAnnotation:
    """One annotator's codes for one utterance ("" where AnnoMI says n/a)."""

    behaviour: str = ""
    talk_type: str = ""
    question: str = ""
    reflection: str = ""
    therapist_input: str = ""


@dataclass
class MIUtterance:
    transcript_id: str
    index: int
    speaker: str  # "counselor" or "client"
    text: str
    mi_quality: str
    annotations: list[MIAnnotation] = field(default_factory=list)

    def label(self, attribute: str, order: Sequence[str]) -> str:
        """Majority label of one attribute over the annotators who gave one ("" if none)."""
        given = [getattr(a, attribute) for a in self.annotations if getattr(a, attribute)]
        return majority(given, order) if given else ""

    def weighted(self, attribute: str) -> list[tuple[str, float]]:
        """(label, weight) per annotation that has one; weights sum to 1 per utterance."""
        given = [getattr(a, attribute) for a in self.annotations if getattr(a, attribute)]
        return [(g, 1 / len(given)) for g in given]


@dataclass
class MITranscript:
    id: str
    mi_quality: str
    utterances: list[MIUtterance]


def _na(value: str) -> str:
    return "" if value in ("n/a", "", "nan") else value


def read_annomi(path: Path | None = None) -> list[MITranscript]:
    """AnnoMI transcripts in order, one record per utterance with all its annotations."""
    csv_path = _require(path or shared_data_dir() / "annomi" / "annomi_dev.csv", "AnnoMI")
    by_key: dict[tuple[str, int], MIUtterance] = {}
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["transcript_id"], int(row["utterance_id"]))
            utt = by_key.get(key)
            if utt is None:
                speaker = "counselor" if row["interlocutor"] == "therapist" else "client"
                utt = MIUtterance(key[0], key[1], speaker, row["utterance_text"], row["mi_quality"])
                by_key[key] = utt
            utt.annotations.append(
                MIAnnotation(
                    behaviour=_na(row["main_therapist_behaviour"]),
                    talk_type=_na(row["client_talk_type"]),
                    question=_na(row["question_subtype"]),
                    reflection=_na(row["reflection_subtype"]),
                    therapist_input=_na(row["therapist_input_subtype"]),
                )
            )
    grouped: dict[str, list[MIUtterance]] = {}
    for key in sorted(by_key, key=lambda k: (int(k[0]), k[1])):
        grouped.setdefault(key[0], []).append(by_key[key])
    return [MITranscript(tid, utts[0].mi_quality, utts) for tid, utts in grouped.items()]


def split_annomi(
    transcripts: Iterable[MITranscript],
) -> tuple[list[MITranscript], list[MITranscript]]:
    """(development, held-out) transcripts: per MI-quality stratum, the first fifth of the
    transcripts in hash order is held out."""
    items = list(transcripts)
    chosen: set[str] = set()
    for quality in sorted({t.mi_quality for t in items}):
        stratum = sorted(
            (t for t in items if t.mi_quality == quality), key=lambda t: _unit_hash(t.id, "annomi")
        )
        chosen.update(t.id for t in stratum[: round(len(stratum) * HELDOUT_FRACTION)])
    return [t for t in items if t.id not in chosen], [t for t in items if t.id in chosen]


# --- EPITOME -----------------------------------------------------------------------------


@dataclass
class EmpathyPair:
    seeker_id: str
    response_id: str
    seeker: str
    response: str
    levels: dict[str, list[str]] = field(default_factory=dict)

    def label(self, mechanism: str) -> int:
        """Majority level (ties: the lower level)."""
        return int(majority(self.levels[mechanism], ("0", "1", "2")))

    def weighted(self, mechanism: str) -> list[tuple[int, float]]:
        given = self.levels[mechanism]
        return [(int(g), 1 / len(given)) for g in given]

    @property
    def heldout(self) -> bool:
        return held_out(self.seeker_id, "epitome")


def read_epitome(folder: Path | None = None) -> list[EmpathyPair]:
    """(seeker post, response) pairs with the levels of all three mechanisms."""
    base = folder or shared_data_dir() / "epitome"
    pairs: dict[tuple[str, str], EmpathyPair] = {}
    for mechanism, name in _EPITOME_FILES.items():
        with _require(base / name, "EPITOME").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                key = (row["sp_id"], row["rp_id"])
                pair = pairs.get(key)
                if pair is None:
                    pair = EmpathyPair(key[0], key[1], row["seeker_post"], row["response_post"])
                    pairs[key] = pair
                pair.levels.setdefault(mechanism, []).append(row["level"].strip())
    return [p for p in pairs.values() if all(m in p.levels for m in MECHANISMS)]


def split_epitome(pairs: Iterable[EmpathyPair]) -> tuple[list[EmpathyPair], list[EmpathyPair]]:
    """(development, held-out) pairs, split by seeker post."""
    dev: list[EmpathyPair] = []
    test: list[EmpathyPair] = []
    for p in pairs:
        (test if p.heldout else dev).append(p)
    return dev, test


# --- Counselor behaviour from other corpora: the label mapping ----------------------------
#
# Every corpus's counselor labels are mapped onto the heads of the MI coder: the coarse
# AnnoMI behaviour (question / reflection / therapist_input / other) and, where the corpus
# says it, a subtype (open / closed question, simple / complex reflection, information /
# advice input, and for "other": affirm / support / self_disclosure / other). A subtype the
# corpus does not distinguish is left out (that head does not learn from the unit), never
# guessed. docs/evaluation.md has the same table.

OTHER_TYPES = ("affirm", "support", "self_disclosure", "other")

Mapped = tuple[str, dict[str, list[tuple[str, float]]]]
"""(behaviour, {subtype head: [(label, weight)]}) for one source label."""

ESCONV_MAP: dict[str, Mapped] = {
    "Question": ("question", {}),
    "Restatement or Paraphrasing": ("reflection", {}),
    "Reflection of feelings": ("reflection", {}),
    "Providing Suggestions": ("therapist_input", {"therapist_input": [("advice", 1.0)]}),
    "Information": ("therapist_input", {"therapist_input": [("information", 1.0)]}),
    # ESConv merges MITI's affirm and support (reassurance): half a vote to each.
    "Affirmation and Reassurance": ("other", {"other": [("affirm", 0.5), ("support", 0.5)]}),
    "Self-disclosure": ("other", {"other": [("self_disclosure", 1.0)]}),
    "Others": ("other", {"other": [("other", 1.0)]}),
}
"""ESConv supporter strategies (Liu et al. 2021) → MI coder labels."""

WELIVITA_MAP: dict[str, Mapped] = {
    "Closed Question": ("question", {"question": [("closed", 1.0)]}),
    "Open Question": ("question", {"question": [("open", 1.0)]}),
    "Simple Reflection": ("reflection", {"reflection": [("simple", 1.0)]}),
    "Complex Reflection": ("reflection", {"reflection": [("complex", 1.0)]}),
    "Give Information": ("therapist_input", {"therapist_input": [("information", 1.0)]}),
    "Advise with Permission": ("therapist_input", {"therapist_input": [("advice", 1.0)]}),
    "Advise without Permission": ("therapist_input", {"therapist_input": [("advice", 1.0)]}),
    "Direct": ("therapist_input", {}),
    "Warn": ("therapist_input", {}),
    "Confront": ("therapist_input", {}),
    "Affirm": ("other", {"other": [("affirm", 1.0)]}),
    "Support": ("other", {"other": [("support", 1.0)]}),
    "Self-Disclose": ("other", {"other": [("self_disclosure", 1.0)]}),
    "Emphasize Autonomy": ("other", {"other": [("other", 1.0)]}),
    "Other": ("other", {"other": [("other", 1.0)]}),
}
"""MI-Welivita gold sentences (Welivita & Pu 2023, MITI-based 15 codes) → MI coder labels.
Direct / warn / confront are MISC therapist input without an AnnoMI input subtype; emphasize
autonomy has no subtype of its own (the rule coder refines it at run time)."""

EPITOME_RULE = (
    "explorations >= 1 and interpretations = 0 → question; emotional reactions >= 1, "
    "explorations = 0 and interpretations = 0 → other / support; everything else left out "
    "(interpretations mix reflections with shared experience, so no single code fits)"
)


def epitome_mapped(pair: EmpathyPair) -> Mapped | None:
    """The coder labels of one EPITOME response (majority levels), or None (left out)."""
    er, ip, ex = (pair.label(m) for m in MECHANISMS)
    if ip == 0 and ex >= 1:
        return ("question", {})
    if ip == 0 and ex == 0 and er >= 1:
        return ("other", {"other": [("support", 1.0)]})
    return None


# --- support chats written for TheraLab (data/coder_chats/) ---------------------------

ChatCode = Literal[
    "question_open",
    "question_closed",
    "reflection_simple",
    "reflection_complex",
    "affirm",
    "support",
    "self_disclosure",
    "advice",
    "information",
    "other",
]

CHATS_MAP: dict[str, Mapped] = {
    "question_open": ("question", {"question": [("open", 1.0)]}),
    "question_closed": ("question", {"question": [("closed", 1.0)]}),
    "reflection_simple": ("reflection", {"reflection": [("simple", 1.0)]}),
    "reflection_complex": ("reflection", {"reflection": [("complex", 1.0)]}),
    "affirm": ("other", {"other": [("affirm", 1.0)]}),
    "support": ("other", {"other": [("support", 1.0)]}),
    "self_disclosure": ("other", {"other": [("self_disclosure", 1.0)]}),
    "advice": ("therapist_input", {"therapist_input": [("advice", 1.0)]}),
    "information": ("therapist_input", {"therapist_input": [("information", 1.0)]}),
    "other": ("other", {"other": [("other", 1.0)]}),
}
"""The written chats' ten segment codes → MI coder labels (data/coder_chats/README.md)."""


class ChatTurn(BaseModel):
    """One turn: a seeker's message, or a supporter's turn as [code, text] segments."""

    model_config = ConfigDict(extra="forbid")

    seeker: str | None = None
    supporter: list[tuple[ChatCode, str]] | None = None

    @model_validator(mode="after")
    def _one_side(self) -> ChatTurn:
        if (self.seeker is None) == (self.supporter is None):
            raise ValueError("a turn is either `seeker: text` or `supporter: [[code, text], ...]`")
        if self.seeker is not None and not self.seeker.strip():
            raise ValueError("empty seeker message")
        if self.supporter is not None and (
            not self.supporter or any(not text.strip() for _, text in self.supporter)
        ):
            raise ValueError("a supporter turn needs at least one non-empty [code, text]")
        return self


def _alternate(opener_side: list[bool], what: str, opener: str, other: str) -> None:
    """Turns start with `opener` and alternate (`opener_side[i]`: turn i is the opener's)."""
    if not opener_side or not opener_side[0]:
        raise ValueError(f"a {what} starts with a {opener} turn")
    if any(a == b for a, b in pairwise(opener_side)):
        raise ValueError(f"{opener} and {other} turns must alternate")


class SupportChat(IdRecord):
    """One written support conversation; seeker and supporter turns alternate."""

    style: str
    topic: str
    turns: list[ChatTurn]

    @model_validator(mode="after")
    def _alternating(self) -> SupportChat:
        _alternate(
            [t.seeker is not None for t in self.turns], "conversation", "seeker", "supporter"
        )
        return self


def chats_dir() -> Path:
    """`data/coder_chats/` of a source checkout."""
    return checkout_data("coder_chats")


def read_chats(folder: Path | None = None) -> list[SupportChat]:
    """Every written conversation of `folder` (files sorted by name); ids must be unique."""
    return parse_yaml_folder(folder or chats_dir(), SupportChat, "conversation")


def chat_units(chats: Iterable[SupportChat]) -> list[CodedUnit]:
    """One unit per supporter segment (a segment is one MITI utterance, as the coder codes
    a turn sentence by sentence), its context the seeker's message before the turn."""
    out = []
    for chat in chats:
        last_seeker: str | None = None
        for turn in chat.turns:
            if turn.seeker is not None:
                last_seeker = turn.seeker
                continue
            previous = ("client", last_seeker) if last_seeker else None
            for code, text in turn.supporter or []:
                out.append(_unit("chats", chat.id, text, previous, code, CHATS_MAP[code]))
    return out


# --- MI sessions with client talk labels, written for TheraLab (data/client_talk/) -----

TalkType = Literal["change", "neutral", "sustain"]


class TalkTurn(BaseModel):
    """One turn: the counselor's words, or the client's as [talk type, text]."""

    model_config = ConfigDict(extra="forbid")

    counselor: str | None = None
    client: tuple[TalkType, str] | None = None

    @model_validator(mode="after")
    def _one_side(self) -> TalkTurn:
        if (self.counselor is None) == (self.client is None):
            raise ValueError("a turn is either `counselor: text` or `client: [talk type, text]`")
        text = self.counselor if self.client is None else self.client[1]
        if not (text or "").strip():
            raise ValueError("empty turn")
        return self


class TalkSession(IdRecord):
    """One written MI session about one target behaviour; counselor and client alternate."""

    style: str
    topic: str
    target: str
    turns: list[TalkTurn]

    @model_validator(mode="after")
    def _alternating(self) -> TalkSession:
        _alternate([t.counselor is not None for t in self.turns], "session", "counselor", "client")
        return self


def talk_dir() -> Path:
    """`data/client_talk/` of a source checkout."""
    return chats_dir().with_name("client_talk")


def read_talk_sessions(folder: Path | None = None) -> list[TalkSession]:
    """Every written MI session of `folder` (files sorted by name); ids must be unique."""
    return parse_yaml_folder(folder or talk_dir(), TalkSession, "session")


def talk_transcripts(sessions: Iterable[TalkSession]) -> list[MITranscript]:
    """The written sessions as transcripts: each client turn one utterance with one
    annotation (its talk type), counselor turns unannotated, quality unknown ("")."""
    out = []
    for session in sessions:
        utterances = []
        for i, turn in enumerate(session.turns):
            if turn.client is not None:
                talk, text = turn.client
                notes = [MIAnnotation(talk_type=talk)]
                utterances.append(MIUtterance(session.id, i, "client", text, "", notes))
            else:
                utterances.append(MIUtterance(session.id, i, "counselor", turn.counselor or "", ""))
        out.append(MITranscript(session.id, "", utterances))
    return out


CORPORA = ("annomi", "esconv", "welivita", "epitome", "chats")


@dataclass
class CodedUnit:
    """One counselor unit of any corpus, with its mapped labels.

    `labels[head]` holds (label, weight) votes summing to 1 (several annotators, or a source
    label split between two codes); a head missing from `labels` does not learn from it."""

    corpus: str
    group: str  # transcript / conversation / seeker post / sentence: never split across folds
    text: str
    previous: tuple[str, str] | None  # (speaker, text) of the utterance before, if any
    source_label: str
    labels: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def gold(self, head: str, order: Sequence[str]) -> str:
        votes = self.labels.get(head)
        if not votes:
            return ""
        totals: Counter[str] = Counter()
        for label, w in votes:
            totals[label] += w
        best = max(totals.values())
        return next(label for label in order if totals.get(label) == best)


def _unit(
    corpus: str,
    group: str,
    text: str,
    previous: tuple[str, str] | None,
    source: str,
    mapped: Mapped,
) -> CodedUnit:
    behaviour, subtypes = mapped
    labels = {"behaviour": [(behaviour, 1.0)], **{k: list(v) for k, v in subtypes.items()}}
    return CodedUnit(corpus, group, text, previous, source, labels)


def annomi_units(transcripts: Iterable[MITranscript]) -> list[CodedUnit]:
    """AnnoMI counselor utterances with all annotators' votes (each weighing 1/annotators)."""
    out = []
    for t in transcripts:
        for i, u in enumerate(t.utterances):
            if u.speaker != "counselor":
                continue
            prev = t.utterances[i - 1] if i else None
            labels = {
                head: u.weighted(head)
                for head in ("behaviour", "question", "reflection", "therapist_input")
                if u.weighted(head)
            }
            out.append(
                CodedUnit(
                    "annomi",
                    t.id,
                    u.text,
                    (prev.speaker, prev.text) if prev else None,
                    u.label("behaviour", BEHAVIOURS),
                    labels,
                )
            )
    return out


def read_esconv(path: Path) -> list[CodedUnit]:
    """Supporter turns of one ESConv file (`train.jsonl`, `valid.jsonl`...), each with the
    utterance before it. A conversation's id is its file name and line number."""
    import json

    out = []
    with _require(path, "ESConv").open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            dialog = json.loads(line)["dialog"]
            group = f"{path.stem}:{lineno}"
            for i, turn in enumerate(dialog):
                strategy = turn.get("strategy")
                if turn["speaker"] != "sys" or strategy not in ESCONV_MAP:
                    continue
                prev = dialog[i - 1] if i else None
                previous = (
                    ("counselor" if prev["speaker"] == "sys" else "client", prev["text"])
                    if prev
                    else None
                )
                out.append(
                    _unit("esconv", group, turn["text"], previous, strategy, ESCONV_MAP[strategy])
                )
    return out


def esconv_seeker_turns(path: Path) -> list[list[str]]:
    """Each chat's help-seeker messages of one ESConv file, in order (blank ones left out):
    the client side the screener benches read."""
    import json

    chats = []
    with _require(path, "ESConv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                dialog = json.loads(line)["dialog"]
                chats.append(
                    [
                        t["text"]
                        for t in dialog
                        if t["speaker"] in ("seeker", "usr") and t["text"].strip()
                    ]
                )
    return chats


def read_welivita(path: Path) -> list[CodedUnit]:
    """MI-Welivita's gold-labelled sentences (no context). Identical sentences share a group."""
    out = []
    with _require(path, "MI-Welivita").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = row["Ground truth"].strip()
            if label in WELIVITA_MAP:
                text = row["Text"]
                group = hashlib.sha256(text.strip().lower().encode()).hexdigest()[:16]
                out.append(_unit("welivita", group, text, None, label, WELIVITA_MAP[label]))
    return out


def epitome_units(pairs: Iterable[EmpathyPair]) -> list[CodedUnit]:
    """EPITOME responses that map onto one code (`EPITOME_RULE`), the seeker post as context."""
    out = []
    for p in pairs:
        mapped = epitome_mapped(p)
        if mapped is not None:
            source = "/".join(str(p.label(m)) for m in MECHANISMS)
            out.append(
                _unit("epitome", p.seeker_id, p.response, ("client", p.seeker), source, mapped)
            )
    return out


def split_units(units: Iterable[CodedUnit], corpus: str) -> tuple[list[CodedUnit], list[CodedUnit]]:
    """(development, frozen) units of a corpus read from one file: a group is frozen when
    a hash of its id falls in the first fifth of the range."""
    dev: list[CodedUnit] = []
    frozen: list[CodedUnit] = []
    for u in units:
        (frozen if held_out(u.group, corpus) else dev).append(u)
    return dev, frozen


def counselor_corpora(
    base: Path | None = None, corpora: Sequence[str] = CORPORA
) -> dict[str, tuple[list[CodedUnit], list[CodedUnit]]]:
    """{corpus: (development units, frozen units)} with the fixed splits:

    * AnnoMI: `split_annomi` (by transcript, per MI-quality stratum);
    * ESConv: `train.jsonl` is development, `valid.jsonl` frozen (by conversation, as
      released);
    * MI-Welivita: by a hash of the sentence (`split_units`);
    * EPITOME: `split_epitome` (by seeker post), the same split as the empathy heads;
    * the written chats (`data/coder_chats/`, in the checkout, not under `base`): by a hash
      of the conversation id (`split_units`); left out when the folder is absent.
    """
    root = base or shared_data_dir()
    out: dict[str, tuple[list[CodedUnit], list[CodedUnit]]] = {}
    if "annomi" in corpora:
        dev_t, test_t = split_annomi(read_annomi(root / "annomi" / "annomi_dev.csv"))
        out["annomi"] = (annomi_units(dev_t), annomi_units(test_t))
    if "esconv" in corpora:
        out["esconv"] = (
            read_esconv(root / "esconv" / "train.jsonl"),
            read_esconv(root / "esconv" / "valid.jsonl"),
        )
    if "welivita" in corpora:
        out["welivita"] = split_units(
            read_welivita(root / "mi_welivita" / "mi_gold_test_output.csv"), "welivita"
        )
    if "epitome" in corpora:
        dev_p, test_p = split_epitome(read_epitome(root / "epitome"))
        out["epitome"] = (epitome_units(dev_p), epitome_units(test_p))
    if "chats" in corpora and chats_dir().is_dir():
        out["chats"] = split_units(chat_units(read_chats()), "chats")
    return out
