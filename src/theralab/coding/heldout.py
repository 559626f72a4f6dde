"""Scoring coders on the held-out (frozen) parts of the corpora (see `corpora` for the splits).

Used by the training code (figures recorded beside the heads) and by the benchmarks, so both
report the same numbers the same way: macro-F1 over every class, per-class F1, accuracy.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from theralab.coding.corpora import (
    BEHAVIOURS,
    INPUT_TYPES,
    MECHANISMS,
    QUESTION_TYPES,
    REFLECTION_TYPES,
    TALK_TYPES,
    CodedUnit,
    EmpathyPair,
    MITranscript,
)
from theralab.coding.empathy import EmpathyCoder
from theralab.coding.mi_coder import Coder, MICoder
from theralab.coding.scores import accuracy, macro_f1, per_class_f1, precision

CONTEXT_SIZE = 2


def group_resamples(groups: Sequence[str], n: int, seed: int = 0) -> Iterator[list[int]]:
    """`n` bootstrap resamples of item indices, whole groups (conversations) at a time; the
    same `seed` gives the same resamples, so two coders scored on the same items can be
    compared resample by resample."""
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    keys = sorted(by_group)
    rng = random.Random(seed)
    for _ in range(n):
        yield [i for k in rng.choices(keys, k=len(keys)) for i in by_group[k]]


@dataclass
class Scored:
    """Gold and predicted labels of one task, with its label set."""

    labels: tuple[str, ...]
    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # conversation of each item

    def macro_f1_interval(self, n: int = 1000, seed: int = 0) -> tuple[float, float]:
        """95% bootstrap interval of macro-F1, resampling whole conversations (groups)."""
        stats = []
        for idx in group_resamples(self.groups or [str(i) for i in range(len(self.gold))], n, seed):
            gold = [self.gold[i] for i in idx]
            pred = [self.pred[i] for i in idx]
            stats.append(macro_f1(gold, pred, self.labels))
        stats.sort()
        return stats[int(0.025 * n)], stats[int(0.975 * n) - 1]

    def summary(self) -> dict[str, Any]:
        return {
            "n": len(self.gold),
            "macro_f1": round(macro_f1(self.gold, self.pred, self.labels), 4),
            "accuracy": round(accuracy(self.gold, self.pred), 4),
            "per_class_f1": {
                k: round(v, 4) for k, v in per_class_f1(self.gold, self.pred, self.labels).items()
            },
        }

    def confusion(self) -> dict[str, dict[str, int]]:
        """{gold label: {predicted label: count}}: every label, and any other label coded."""
        coded = [*self.labels, *sorted({p for p in self.pred} - set(self.labels))]
        out = {g: dict.fromkeys(coded, 0) for g in self.labels}
        for g, p in zip(self.gold, self.pred, strict=True):
            out[g][p] += 1
        return out

    def detail(self) -> dict[str, Any]:
        """`summary()` plus per-class precision and recall and the confusion matrix."""
        return {
            **self.summary(),
            "precision": {k: round(precision(self.gold, self.pred, k), 4) for k in self.labels},
            "recall": {k: round(precision(self.pred, self.gold, k), 4) for k in self.labels},
            "confusion": self.confusion(),
        }


def r_q(labels: Sequence[str]) -> float | None:
    """Reflections per question among behaviour labels (None without questions)."""
    questions = sum(x == "question" for x in labels)
    return round(sum(x == "reflection" for x in labels) / questions, 4) if questions else None


@dataclass
class BehaviourScored(Scored):
    """Therapist behaviour of counselor units of one corpus, with R:Q of gold and coder."""

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "r_q_gold": r_q(self.gold), "r_q_coded": r_q(self.pred)}


def units_heldout(coder: Coder, units: Sequence[CodedUnit]) -> BehaviourScored:
    """Code counselor units of any corpus (with the utterance before each as context) and
    compare the behaviour with the mapped gold label."""
    coded = coder.code_counselor_batch(
        [u.text for u in units], [[u.previous] if u.previous else [] for u in units]
    )
    return behaviour_scored(units, [c.behaviour.value for c in coded])


def behaviour_scored(units: Sequence[CodedUnit], pred: Sequence[str]) -> BehaviourScored:
    """Scored over the behaviours the corpus's gold uses (EPITOME's mapping has only
    question and other, so its macro-F1 is over those two)."""
    gold = [u.gold("behaviour", BEHAVIOURS) for u in units]
    labels = tuple(b for b in BEHAVIOURS if b in gold)
    return BehaviourScored(labels, gold, list(pred), [u.group for u in units])


@dataclass
class MIHeldout:
    therapist: Scored
    client: Scored
    subtypes: dict[str, Scored] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "therapist_behaviour": self.therapist.summary(),
            "client_talk_type": self.client.summary(),
            "subtypes_given_gold_behaviour": {k: v.summary() for k, v in self.subtypes.items()},
        }


def _units(
    transcripts: Sequence[MITranscript], speaker: str
) -> tuple[list[str], list[list[tuple[str, str]]], list[Any]]:
    texts: list[str] = []
    contexts: list[list[tuple[str, str]]] = []
    utterances: list[Any] = []
    for t in transcripts:
        for i, u in enumerate(t.utterances):
            if u.speaker == speaker:
                texts.append(u.text)
                contexts.append(
                    [(v.speaker, v.text) for v in t.utterances[max(0, i - CONTEXT_SIZE) : i]]
                )
                utterances.append(u)
    return texts, contexts, utterances


def mi_heldout(coder: Coder, transcripts: Sequence[MITranscript]) -> MIHeldout:
    """Code every utterance of the transcripts (with the two before it as context) and
    compare with the majority expert label."""
    texts, contexts, utts = _units(transcripts, "counselor")
    coded = coder.code_counselor_batch(texts, contexts)
    therapist = Scored(
        BEHAVIOURS,
        [u.label("behaviour", BEHAVIOURS) for u in utts],
        [c.behaviour.value for c in coded],
        [u.transcript_id for u in utts],
    )
    ctexts, ccontexts, cutts = _units(transcripts, "client")
    client = Scored(
        TALK_TYPES,
        [u.label("talk_type", TALK_TYPES) for u in cutts],
        [c.talk_type.value for c in coder.code_client_batch(ctexts, ccontexts)],
        [u.transcript_id for u in cutts],
    )
    result = MIHeldout(therapist, client)
    if isinstance(coder, MICoder):
        x = coder.features(texts, contexts)
        for name, labels in (
            ("question", QUESTION_TYPES),
            ("reflection", REFLECTION_TYPES),
            ("therapist_input", INPUT_TYPES),
        ):
            head = coder.heads[name]
            probs = head.proba(x)
            scored = Scored(labels)
            for i, u in enumerate(utts):
                gold = u.label(name, labels)
                if gold:
                    scored.gold.append(gold)
                    scored.pred.append(head.labels[int(probs[i].argmax())])
                    scored.groups.append(u.transcript_id)
            result.subtypes[name] = scored
    return result


@dataclass
class EmpathyHeldout:
    mechanisms: dict[str, Scored]

    def summary(self) -> dict[str, Any]:
        return {m: s.summary() for m, s in self.mechanisms.items()}


def empathy_heldout(coder: EmpathyCoder, pairs: Sequence[EmpathyPair]) -> EmpathyHeldout:
    scores = coder.score_batch([(p.seeker, p.response) for p in pairs])
    out = {}
    for m in MECHANISMS:
        out[m] = Scored(
            ("0", "1", "2"),
            [str(p.label(m)) for p in pairs],
            [str(getattr(s, m)) for s in scores],
            [p.seeker_id for p in pairs],
        )
    return EmpathyHeldout(out)
