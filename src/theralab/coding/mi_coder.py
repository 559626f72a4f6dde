"""Motivational-interviewing coders with one interface: counselor utterances → MISC code,
AnnoMI behaviour and confidence; client utterances → talk type and confidence.

* `MICoder`: counselor heads trained on AnnoMI, ESConv and MI-Welivita (labels mapped onto
  AnnoMI's behaviours, every corpus the same weight; `theralab.coding.corpora`), client talk
  head on AnnoMI. Linear heads over all-MiniLM-L6-v2 embeddings of the utterance and of the
  previous utterance, plus cues of form (question mark, interrogative / auxiliary opening,
  reflection stems...) and hashed n-grams. Needs the `semantic` extra; heads ship in
  `theralab/coding/data/`.
* `RuleMICoder`: the transparent `RuleCoder` behind the same interface (no numpy, no torch).

`Coder` is that interface, the only coder protocol: the MITI evaluator, practice mode's
scorecard, `theralab annotate mi` and the held-out figures all code through it.
`default_mi_coder()` picks the trained coder when it can run and `$THERALAB_SEMANTIC` is not
"0" (`theralab.text.encoder.semantic_enabled`), else the rule coder.

MI-adherence: AnnoMI's labels, and so the trained heads, do not tell MI-adherent from
non-adherent behaviours apart, so each counselor sentence also carries the rule coder's
reading of it (`CounselorCode.stance`), which the MITI summary counts adherence from.

How the fine MISC code is read (kept honest to what AnnoMI annotates):

* The behaviour head decides question / reflection / therapist_input / other.
* AnnoMI's subtypes come from their own heads: question open / closed → open / closed
  question; reflection simple / complex → simple / complex reflection; therapist input
  information → give information, advice → advise (with permission when permission was
  asked in this or the previous counselor utterance, else without), options → advise with
  permission (a menu of options is MI's way of advising), negotiation → seek collaboration.
* Behaviour "other" has its own subtype head (trained on ESConv and MI-Welivita): affirm,
  support, self-disclosure or other. They are never reflections, so R:Q is not inflated by
  them.
* Codes no corpus trains (emphasize autonomy, structure, confront, warn, persuade, raise
  concern, direct; seek collaboration for a permission question) come from the rule coder's
  reading of the same text, and only when they fit the trained behaviour (`RULE_REFINES`;
  for "other", only where the subtype head says plain other). Heads without an "other"
  subtype head (older files) take affirm / support from the rules as before.
* A few rule codes decide a one-sentence unit whatever the trained behaviour (`_decisive`):
  confront and warn (labelling, blaming, "you're in denial", "if you keep … you'll lose …"),
  advice asked as a question ("Why don't you just stop?") and emphasize autonomy read as a
  reflection. A double-sided reflection ("on the one hand … on the other") is complex.
* Confidence is the model's probability of the code: P(behaviour) × P(subtype | behaviour),
  or P(behaviour) where the rule coder refined it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from theralab.coding.rules import DOUBLE_SIDED, PERMISSION, RuleCoder
from theralab.coding.trained import TrainedHeads, heads_adapter, shipped_heads
from theralab.dialogue.codes import Behaviour, MiscCode, TalkType, behaviour_of
from theralab.text.encoder import CODER_PRECISION, encoder_runnable, semantic_enabled
from theralab.text.perspective import split_sentences

if TYPE_CHECKING:
    from theralab.coding.vectors import EmbeddingCache, Features

Context = Sequence[tuple[str, str]]
"""Earlier utterances, oldest first, as (speaker, text); speaker "counselor" or "client"."""

MI_HEADS = "mi_heads"
COUNSELOR = "counselor"
CLIENT = "client"
_SPEAKERS = {"counselor": COUNSELOR, "therapist": COUNSELOR, "client": CLIENT}

# Rule codes accepted as a finer reading of each trained behaviour.
RULE_REFINES: dict[Behaviour, frozenset[MiscCode]] = {
    Behaviour.QUESTION: frozenset({MiscCode.SEEK_COLLABORATION, MiscCode.PERSUADE}),
    Behaviour.REFLECTION: frozenset(),
    Behaviour.THERAPIST_INPUT: frozenset(
        {
            MiscCode.STRUCTURE,
            MiscCode.CONFRONT,
            MiscCode.WARN,
            MiscCode.PERSUADE,
            MiscCode.RAISE_CONCERN,
            MiscCode.DIRECT,
            MiscCode.EMPHASIZE_AUTONOMY,
        }
    ),
    Behaviour.OTHER: frozenset(
        {
            MiscCode.AFFIRM,
            MiscCode.SUPPORT,
            MiscCode.EMPHASIZE_AUTONOMY,
            MiscCode.SEEK_COLLABORATION,
            MiscCode.STRUCTURE,
        }
    ),
}
# With an "other" subtype head (trained on corpora that code affirm, support and
# self-disclosure), affirm / support come from it, not from the rules.
_OTHER_REFINES = frozenset(
    {MiscCode.EMPHASIZE_AUTONOMY, MiscCode.SEEK_COLLABORATION, MiscCode.STRUCTURE}
)
# The head has no class for emphasising autonomy (none of its corpora codes it), so it reads a
# plain autonomy statement ("You're the one who decides") as the nearest class it has, affirm
# or support: the rules' autonomy reading stands over those too.
_OVER_AFFIRM_SUPPORT = frozenset({MiscCode.EMPHASIZE_AUTONOMY})
_SUBTYPE_CODES: dict[str, MiscCode] = {
    "open": MiscCode.OPEN_QUESTION,
    "closed": MiscCode.CLOSED_QUESTION,
    "simple": MiscCode.SIMPLE_REFLECTION,
    "complex": MiscCode.COMPLEX_REFLECTION,
    "information": MiscCode.GIVE_INFORMATION,
    "advice": MiscCode.ADVISE_WITHOUT_PERMISSION,
    "options": MiscCode.ADVISE_WITH_PERMISSION,
    "negotiation": MiscCode.SEEK_COLLABORATION,
    "affirm": MiscCode.AFFIRM,
    "support": MiscCode.SUPPORT,
    "self_disclosure": MiscCode.SELF_DISCLOSE,
    "other": MiscCode.OTHER,
}
_SUBTYPE_HEAD = {
    Behaviour.QUESTION: "question",
    Behaviour.REFLECTION: "reflection",
    Behaviour.THERAPIST_INPUT: "therapist_input",
    Behaviour.OTHER: "other",
}


@dataclass(frozen=True)
class CounselorCode:
    """One counselor unit: fine MISC code, AnnoMI behaviour, and the coder's confidence.

    `stance` (set per sentence by `code_counselor_sentences`) is the rule coder's code of the
    sentence, read in its turn: what MI-adherence is counted from. None: the code itself."""

    code: MiscCode
    behaviour: Behaviour
    confidence: float
    stance: MiscCode | None = None


@dataclass(frozen=True)
class ClientCode:
    talk_type: TalkType
    confidence: float


@runtime_checkable
class Coder(Protocol):
    """The coder interface: what the MITI evaluator, practice mode, `theralab annotate mi`
    and the held-out figures need from a coder. `RuleMICoder` (the rule coder) and `MICoder`
    (the trained one) implement it."""

    name: str

    def code_counselor_batch(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> list[CounselorCode]: ...

    def code_client_batch(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> list[ClientCode]: ...

    def code_counselor_sentences(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> list[list[CounselorCode]]:
        """Each sentence of each counselor turn (`counselor_units`), with its `stance`."""
        ...


MICoderLike = Coder  # the name it had; one protocol


def counselor_units(text: str) -> list[str]:
    """The sentences of a counselor turn, each one MITI utterance (as the rule coder splits)."""
    return split_sentences(text) or [text]


def heads_path() -> Path:
    """Where the shipped MI heads live (`mi_heads.npz` + `mi_heads.json`)."""
    return shipped_heads(MI_HEADS)


def _contexts(
    texts: Sequence[str], contexts: Sequence[Context] | None
) -> list[list[tuple[str, str]]]:
    if contexts is None:
        return [[] for _ in texts]
    if len(contexts) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(contexts)} contexts")
    out = []
    for ctx in contexts:
        turns = []
        for speaker, text in ctx:
            role = _SPEAKERS.get(str(speaker).lower())
            if role is None:
                raise ValueError(f"unknown speaker {speaker!r} in context (counselor or client)")
            turns.append((role, text))
        out.append(turns)
    return out


def _last(ctx: Sequence[tuple[str, str]], speaker: str) -> str:
    return next((text for who, text in reversed(ctx) if who == speaker), "")


def main_behaviour(codes: Sequence[MiscCode]) -> tuple[MiscCode, Behaviour]:
    """AnnoMI-style main behaviour of a multi-sentence utterance (reflection > question >
    therapist input > other) and the first code that shows it."""
    for behaviour in (Behaviour.REFLECTION, Behaviour.QUESTION, Behaviour.THERAPIST_INPUT):
        for code in codes:
            if behaviour_of(code) is behaviour:
                return code, behaviour
    for code in codes:  # an MI-relevant "other" (affirm, support...) beats plain other
        if code is not MiscCode.OTHER:
            return code, Behaviour.OTHER
    return MiscCode.OTHER, Behaviour.OTHER


# Rule codes that decide a one-sentence unit whatever the trained behaviour says. AnnoMI has no
# confront or warn, so its heads read "You're in denial" or "If you keep drinking you'll lose
# your job" as a reflection (second person, about the client) and "Why don't you just stop?"
# as an open question; MISC codes them confront, warn and advise, never reflections or
# questions. The rule coder reads those only from its anchored cues (the counselor's own
# voice, not a reflection of what the client fears), so the override is narrow.
_DECISIVE = frozenset({MiscCode.CONFRONT, MiscCode.WARN})


def _decisive(text: str, rule_codes: Sequence[MiscCode], behaviour: Behaviour) -> MiscCode | None:
    """The rule code that overrides the trained coding of one sentence, if any: confront and
    warn always; advice asked as a question ("Why don't you …?") over a trained question;
    emphasize autonomy ("It's up to you what you decide") over a trained reflection."""
    if len(rule_codes) != 1:
        return None
    (rule,) = rule_codes
    if rule in _DECISIVE:
        return rule
    if (
        rule in (MiscCode.ADVISE_WITHOUT_PERMISSION, MiscCode.ADVISE_WITH_PERMISSION)
        and behaviour is Behaviour.QUESTION
        and text.rstrip().endswith("?")
    ):
        return rule
    if rule is MiscCode.EMPHASIZE_AUTONOMY and behaviour is Behaviour.REFLECTION:
        return rule
    return None


class RuleMICoder:
    """The rule coder behind the trained coder's interface.

    It has no probabilities; its confidence is the precision the rule coder reaches for
    that behaviour / talk type on AnnoMI's held-out transcripts (`bench/coder_annomi.py`).
    """

    name = "rules-v1"
    # Precision per predicted label on the AnnoMI held-out split (bench/coder_annomi.py).
    PRECISION: ClassVar[dict[str, float]] = {
        "question": 0.81,
        "reflection": 0.49,
        "therapist_input": 0.67,
        "other": 0.63,
        "change": 0.62,
        "neutral": 0.70,
        "sustain": 0.29,
    }

    def __init__(self, coder: RuleCoder | None = None) -> None:
        self.rules = coder or RuleCoder()

    def code_counselor_batch(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> list[CounselorCode]:
        out = []
        for text, ctx in zip(texts, _contexts(texts, contexts), strict=True):
            codes = self.rules.code_counselor(text, _last(ctx, CLIENT)).codes
            code, behaviour = main_behaviour(codes)
            out.append(CounselorCode(code, behaviour, self.PRECISION[behaviour.value]))
        return out

    def code_client_batch(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> list[ClientCode]:
        _contexts(texts, contexts)  # validate
        out = []
        for text in texts:
            talk = self.rules.code_client(text)
            out.append(ClientCode(talk, self.PRECISION[talk.value]))
        return out

    def code_counselor_sentences(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> list[list[CounselorCode]]:
        """Each sentence of each counselor turn, exactly as `RuleCoder.code_counselor`."""
        out = []
        for text, ctx in zip(texts, _contexts(texts, contexts), strict=True):
            coded = self.rules.code_counselor(text, _last(ctx, CLIENT))
            out.append(
                [
                    CounselorCode(c, behaviour_of(c), self.PRECISION[behaviour_of(c).value], c)
                    for c in coded.codes
                ]
            )
        return out


class MICoder(TrainedHeads):
    """The trained MI coder (linear heads over MiniLM embeddings and surface features)."""

    DEFAULT_NAME = "annomi-minilm"

    def __init__(self, heads: Path | None = None) -> None:
        super().__init__(heads or heads_path())
        self.rules = RuleCoder()

    def features(
        self, texts: Sequence[str], contexts: Sequence[Context] | None, client: bool = False
    ) -> Features:
        """The feature rows the heads read (`theralab.coding.vectors.mi_features`). With
        fine-tuned encoder layers, every text is encoded by its speaker's encoder, whichever
        head reads it: a counselor's through the layers, a client's (`client`) through the
        published encoder (`client_encoder` in the metadata; the screener's too), so each
        text of a transcript is encoded once."""
        from theralab.coding.vectors import mi_features

        ctxs = _contexts(texts, contexts)
        previous = [ctx[-1] if ctx else None for ctx in ctxs]
        own = self._published_cache if client and "client_encoder" in self.meta else self._cache
        by_speaker = None  # heads trained before: the previous utterance through `own` too
        if self.meta.get("previous_by_speaker"):
            by_speaker = {s: self._speaker_cache(s).encode for s in ("counselor", "client")}
        return mi_features(texts, previous, own.encode, by_speaker)

    def _speaker_cache(self, speaker: str) -> EmbeddingCache:
        """The vectors a text said by `speaker` is read through when the counselor heads code
        a turn: the coder's own (fine-tuned) encoder, except a client's words with heads
        trained by speaker (`previous_by_speaker`), which the published encoder reads."""
        if speaker != "counselor" and self.meta.get("previous_by_speaker"):
            return self._published_cache
        return self._cache

    def code_counselor_batch(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> list[CounselorCode]:
        if not texts:
            return []
        ctxs = _contexts(texts, contexts)
        x = self.features(texts, ctxs)
        behaviour_head = self.heads["behaviour"]
        p_behaviour = behaviour_head.proba(x)
        subtypes = {
            name: self.heads[name].proba(x) for name in _SUBTYPE_HEAD.values() if name in self.heads
        }
        out = []
        for i, (text, ctx) in enumerate(zip(texts, ctxs, strict=True)):
            j = int(p_behaviour[i].argmax())
            behaviour = Behaviour(behaviour_head.labels[j])
            confidence = float(p_behaviour[i, j])
            code = MiscCode.OTHER
            head_name = _SUBTYPE_HEAD.get(behaviour)
            if head_name in subtypes:
                probs = subtypes[head_name][i]
                k = int(probs.argmax())
                code = _SUBTYPE_CODES[self.heads[head_name].labels[k]]
                confidence *= float(probs[k])
            rule_codes = self.rules.code_counselor(text, _last(ctx, CLIENT)).codes
            accepted = RULE_REFINES[behaviour]
            if behaviour is Behaviour.OTHER and head_name in subtypes:
                accepted = _OTHER_REFINES if code is MiscCode.OTHER else frozenset()
                if code in (MiscCode.AFFIRM, MiscCode.SUPPORT):
                    accepted = _OVER_AFFIRM_SUPPORT
            refined = next((c for c in rule_codes if c in accepted), None)
            decisive = _decisive(text, rule_codes, behaviour)
            if decisive is not None:
                code, behaviour = decisive, behaviour_of(decisive)
                confidence = RuleMICoder.PRECISION[behaviour.value]
                if code is MiscCode.ADVISE_WITHOUT_PERMISSION and PERMISSION.search(
                    _last(ctx, COUNSELOR)
                ):
                    code = MiscCode.ADVISE_WITH_PERMISSION
            elif (
                code is MiscCode.SIMPLE_REFLECTION
                and MiscCode.COMPLEX_REFLECTION in rule_codes
                and DOUBLE_SIDED.search(text)
            ):
                code = MiscCode.COMPLEX_REFLECTION  # both sides of the ambivalence: complex
            elif code is MiscCode.ADVISE_WITHOUT_PERMISSION and (
                MiscCode.ADVISE_WITH_PERMISSION in rule_codes
                or PERMISSION.search(text)
                or PERMISSION.search(_last(ctx, COUNSELOR))
            ):
                code = MiscCode.ADVISE_WITH_PERMISSION
            elif refined is not None and code not in (
                MiscCode.ADVISE_WITH_PERMISSION,
                MiscCode.GIVE_INFORMATION,
            ):
                code, confidence = refined, float(p_behaviour[i, j])
            out.append(CounselorCode(code, behaviour, round(confidence, 4)))
        return out

    def code_client_batch(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> list[ClientCode]:
        if not texts:
            return []
        head = self.heads["talk_type"]
        probs = head.proba(self.features(texts, contexts, client=True))
        return [
            ClientCode(TalkType(head.labels[int(p.argmax())]), round(float(p.max()), 4))
            for p in probs
        ]

    def prime_sentences(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> None:
        """Encode, in one call, every text `code_counselor_sentences(texts, contexts)` reads,
        so that coding many sessions one by one afterwards finds them cached: the encoder
        sorts the whole lot by length, so its batches pad far less than one session's."""
        inputs = sentence_inputs(texts, contexts)
        for speaker in dict.fromkeys(speaker for speaker, _ in inputs):
            wanted = dict.fromkeys(t for s, t in inputs if s == speaker and t)
            self._speaker_cache(speaker).encode(list(wanted))

    def code_counselor_sentences(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> list[list[CounselorCode]]:
        """Each sentence of each counselor turn, all turns in one batch. A sentence is coded
        with the turn's context (the conversation before the turn), as MITI codes each
        utterance of a turn in response to what the client said. Its `stance` is the rule
        coder's code of it, read in the whole turn (advice after permission asked earlier in
        the turn is advice with permission)."""
        ctxs = _contexts(texts, contexts)
        units: list[str] = []
        unit_ctx: list[list[tuple[str, str]]] = []
        stances: list[MiscCode] = []
        sizes: list[int] = []
        for text, ctx in zip(texts, ctxs, strict=True):
            sentences = counselor_units(text)
            units += sentences
            unit_ctx += [ctx] * len(sentences)
            stances += self.rules.code_counselor(text, _last(ctx, CLIENT)).codes
            sizes.append(len(sentences))
        coded = [
            replace(c, stance=stance)
            for c, stance in zip(self.code_counselor_batch(units, unit_ctx), stances, strict=True)
        ]
        out, start = [], 0
        for n in sizes:
            out.append(coded[start : start + n])
            start += n
        return out


def sentence_inputs(
    texts: Sequence[str], contexts: Sequence[Context] | None = None
) -> list[tuple[str, str]]:
    """(speaker, text) for every text `code_counselor_sentences(texts, contexts)` encodes:
    every sentence of every turn (the counselor's) and the utterance before the turn (the
    features' previous utterance, with its speaker, whose encoder reads it)."""
    out: list[tuple[str, str]] = []
    for text, ctx in zip(texts, _contexts(texts, contexts), strict=True):
        out += [("counselor", unit) for unit in counselor_units(text)]
        if ctx:
            out.append(ctx[-1])
    return out


def prime_coder(
    coder: Coder, texts: Sequence[str], contexts: Sequence[Context] | None = None
) -> None:
    """Encode now, in one batch, every text a later `code_counselor_sentences(texts,
    contexts)` on `coder` will need (nothing for a coder without an encoder)."""
    if isinstance(coder, MICoder):
        coder.prime_sentences(texts, contexts)


def mi_coder_available(heads: Path | None = None) -> bool:
    """Whether the trained coder can run here: semantic extra installed and heads present."""
    path = heads or heads_path()
    if not (path.with_suffix(".npz").is_file() and path.with_suffix(".json").is_file()):
        return False
    adapter = _adapter_named(path)
    return adapter is not False and encoder_runnable(CODER_PRECISION, adapter)


def coder_adapter(heads: Path | None = None) -> Path | None:
    """The fine-tuned encoder layers the MI heads at `heads` (default: the shipped ones)
    read vectors through, when named and present."""
    adapter = _adapter_named(heads or heads_path())
    return adapter if isinstance(adapter, Path) else None


def _adapter_named(path: Path) -> Path | bool | None:
    """The fine-tuned encoder layers the heads at `path` name (None: the published
    encoder), or False when the named file is missing or the metadata unreadable."""
    import json

    try:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        return heads_adapter(path, meta) if isinstance(meta, dict) else None
    except (OSError, ValueError):  # FileNotFoundError: the named layers are missing
        return False


_INSTANCES: dict[str, Coder] = {}


def default_mi_coder() -> Coder:
    """The trained coder when it can run and `$THERALAB_SEMANTIC` is not "0", else the rule
    coder behind the same interface. One instance of each per process (the trained one
    keeps its embedding cache). The MITI evaluator and practice mode both code with it."""
    trained = semantic_enabled() and mi_coder_available()
    key = "trained" if trained else "rules"
    if key not in _INSTANCES:
        _INSTANCES[key] = MICoder() if trained else RuleMICoder()
    return _INSTANCES[key]
