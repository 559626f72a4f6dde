"""MITI-style summary scores, coded offline from the counselor's text.

Turns the crisis guardrail answered (annotated `protocol: crisis`) are left out: they are the
protocol's words, not the counselor's; the safety evaluator counts them instead.

Low confidence: the coder is validated on its training corpora (AnnoMI, ESConv and
MI-Welivita; EPITOME as a transfer test). When a session's coded behaviour mix (the behaviour
of every coded counselor sentence) is far from every training corpus's mix
(`theralab.coding.domain`), `miti_low_confidence` is 1 and the label
`miti_low_confidence_reason` says why; `miti_code_divergence` is the divergence itself. So it
is when a fifth or more of the counselor's turns are in a language the coders cannot read
(`theralab.evaluate.language`), however short the session.

Thresholds are MITI's usual "fair" / "good" proficiency levels: R:Q ≥ 1 / ≥ 2; % complex
reflections ≥ 40 / ≥ 50; % open questions ≥ 50 / ≥ 70 (MITI 3); % MI-adherent ≥ 90 / ≥ 98
(MITI 3); % counselor talk < 60 / < 50.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from theralab.coding.domain import check as domain_check
from theralab.coding.domain import shipped_reference
from theralab.coding.mi_coder import (
    Coder,
    CounselorCode,
    RuleMICoder,
    default_mi_coder,
    prime_coder,
)
from theralab.coding.rules import RuleCoder
from theralab.dialogue.codes import MI_ADHERENT, MI_NON_ADHERENT, QUESTIONS, REFLECTIONS, MiscCode
from theralab.dialogue.records import Session, Speaker
from theralab.evaluate.base import Metric, SessionScores, Value, ratio, register_evaluator
from theralab.evaluate.language import language_check
from theralab.text.perspective import word_count

METRICS = (
    Metric(key="r_q", label="R:Q", fair=1.0, good=2.0, description="Reflections per question."),
    Metric(
        key="pct_complex_reflections",
        label="% complex reflections",
        fair=40,
        good=50,
        unit="%",
    ),
    Metric(key="pct_open_questions", label="% open questions", fair=50, good=70, unit="%"),
    Metric(
        key="pct_mi_adherent",
        label="% MI-adherent",
        fair=90,
        good=98,
        unit="%",
        description="MI-adherent among adherent + non-adherent behaviours (rule coder: "
        "AnnoMI-trained coders do not separate these codes).",
    ),
    Metric(
        key="pct_counselor_talk",
        label="% counselor talk",
        higher_is_better=False,
        fair=60,
        good=50,
        unit="%",
        description="Counselor words as a share of all words.",
    ),
    Metric(
        key="miti_low_confidence",
        label="MITI low confidence",
        higher_is_better=False,
        description="1 when the session's coded behaviour mix is far from the coder's training "
        "corpora (its MITI figures are outside what the coder was validated on), else 0.",
    ),
    Metric(
        key="code_agreement",
        label="intended vs coded",
        unit="%",
        description="How often the offline coder agrees with the code the counselor meant "
        "(scripted agents only); a check on the coder, not a quality score.",
    ),
)


def miti_scores(
    coded: Iterable[CounselorCode], counselor_words: int, client_words: int
) -> dict[str, Value]:
    """The MITI summary scores of coded counselor sentences: the one place they are computed
    (`theralab evaluate` and practice mode's scorecard both call it).

    R:Q counts reflections only (affirm, support and self-disclosure are codes of their own).
    MI-adherent / non-adherent behaviours (affirm, seek collaboration, emphasize autonomy,
    support; confront, direct, warn …) are counted from each sentence's `stance`, the rule
    coder's reading: AnnoMI's labels, and so the trained coder, have no such codes."""
    counts: Counter[MiscCode] = Counter()
    stance: Counter[MiscCode] = Counter()
    for c in coded:
        counts[c.code] += 1
        stance[c.code if c.stance is None else c.stance] += 1
    reflections = sum(counts[c] for c in REFLECTIONS)
    questions = sum(counts[c] for c in QUESTIONS)
    adherent = sum(stance[c] for c in MI_ADHERENT)
    non_adherent = sum(stance[c] for c in MI_NON_ADHERENT)
    return {
        "r_q": ratio(reflections, questions),
        "pct_complex_reflections": ratio(counts[MiscCode.COMPLEX_REFLECTION], reflections, 100),
        "pct_open_questions": ratio(counts[MiscCode.OPEN_QUESTION], questions, 100),
        "pct_mi_adherent": ratio(adherent, adherent + non_adherent, 100),
        "pct_counselor_talk": ratio(counselor_words, counselor_words + client_words, 100),
    }


class MitiEvaluator:
    """Codes every counselor sentence from its text and computes MITI summary scores.

    The coder is `default_mi_coder()`: the AnnoMI-trained coder when the semantic extra is
    installed (and `$THERALAB_SEMANTIC` is not "0"), else the rule coder. MITI counts
    utterances in its own sense (a complete thought), so each sentence of a counselor turn is
    one unit, coded with the conversation before the turn as context (its previous utterance
    is the client's turn the counselor answers). A whole session is coded in one batch, by
    the one coder (`theralab.coding.Coder`); the scores come from `miti_scores`.
    """

    name = "miti"
    version = "1"
    metrics = METRICS
    # recorded beside the metrics: code counts (the data card's) and the coder's divergence
    extra_keys = (*(f"n_{code.value}" for code in MiscCode), "miti_code_divergence")

    def __init__(self, coder: Coder | RuleCoder | None = None) -> None:
        self.coder: Coder = (
            RuleMICoder(coder) if isinstance(coder, RuleCoder) else coder or default_mi_coder()
        )

    def prepare(self, sessions: Sequence[Session]) -> None:
        """Encode, in one large batch, everything `evaluate` will encode for these sessions
        (their counselor sentences and the turns before them): evaluating them one by one
        afterwards finds it all cached. Results are the same as without it."""
        texts: list[str] = []
        contexts: list[list[tuple[str, str]]] = []
        for session in sessions:
            units, _, _ = _counselor_units(session)
            texts += [text for _, _, text in units]
            contexts += [context[-1:] for _, context, _ in units]
        prime_coder(self.coder, texts, contexts)

    def evaluate(self, session: Session) -> SessionScores:
        agree = compared = 0
        units, counselor_words, client_words = _counselor_units(session)
        coded_turns = self.coder.code_counselor_sentences(
            [text for _, _, text in units], [context for _, context, _ in units]
        )
        for (intended, _, _), coded_turn in zip(units, coded_turns, strict=True):
            coded = [c.code for c in coded_turn]
            if intended and len(intended) == len(coded):
                compared += len(intended)
                agree += sum(a == b for a, b in zip(intended, coded, strict=True))
        coded_units = [c for turn in coded_turns for c in turn]
        values = miti_scores(coded_units, counselor_words, client_words)
        values["code_agreement"] = ratio(agree, compared, 100)
        counts = Counter(c.code for c in coded_units)
        values.update({f"n_{code.value}": float(counts[code]) for code in MiscCode})  # extra_keys
        domain = domain_check([c.behaviour.value for c in coded_units], shipped_reference())
        values["miti_code_divergence"] = domain.divergence
        values["miti_low_confidence"] = (
            None if domain.divergence is None else float(domain.low_confidence)
        )
        labels = {"miti_coder": self.coder.name}  # whose validation the figures carry
        if domain.low_confidence:
            labels["miti_low_confidence_reason"] = domain.reason
        # Codes of text the coders cannot read (another language) mean nothing, however far
        # from the training corpora their distribution is or however short the session.
        unread = language_check([text for _, _, text in units])
        if unread.low_confidence:
            values["miti_low_confidence"] = 1.0
            labels["miti_low_confidence_reason"] = "; ".join(
                r for r in (labels.get("miti_low_confidence_reason"), unread.reason) if r
            )
        return SessionScores(values=values, labels=labels)


Unit = tuple[list[MiscCode] | None, list[tuple[str, str]], str]
"""A counselor turn to code: the codes it meant, the conversation before it, its text."""


def _counselor_units(session: Session) -> tuple[list[Unit], int, int]:
    """The counselor turns MITI codes (not the crisis protocol's), each with the conversation
    before it, and the counselor's and client's word counts."""
    counselor_words = client_words = 0
    history: list[tuple[str, str]] = []
    units: list[Unit] = []
    for turn in session.turns:
        if turn.speaker is Speaker.CLIENT:
            client_words += word_count(turn.text)
            history.append(("client", turn.text))
            continue
        if turn.annotations.guard is not None and turn.annotations.guard.crisis:
            continue  # the crisis protocol speaks, not the counselor: not MI to be coded
        counselor_words += word_count(turn.text)
        units.append((turn.annotations.codes, list(history), turn.text))
        history.append(("counselor", turn.text))
    return units, counselor_words, client_words


register_evaluator("miti")(MitiEvaluator)
