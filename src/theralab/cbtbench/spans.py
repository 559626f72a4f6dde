"""The span-trained distortion classifier (the default offline classifier of `theralab bench
distortions`), trained by `scripts/train_distortions_spans.py`.

Two linear models over all-MiniLM-L6-v2 embeddings, combined:

- a *text* model over the whole text's embedding and the mean of its sentences' embeddings
  (ten one-vs-rest heads and a distorted-or-not gate), trained on the patients' questions;
- a *sentence* model over single sentences (their embedding, and optionally their hashed
  word and character n-grams, `theralab.text.ngrams`), trained on the sentences of the
  annotated distorted spans (with the question's labels) and on the sentences of questions
  without a distortion (negatives) — so it also reads short single thoughts.

A text's probability for a label is `alpha · text + (1 − alpha) · max over its sentences`
(the same for the gate); a single sentence is its own only sentence. The gate decides
distorted or not; an open gate gives the most likely label and every other label that clears
its threshold, at most `max_labels`. The head file holds only numbers (weights, thresholds,
figures): no text of the training data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from theralab.cbtbench.baseline import Progress, ShippedHead, data_path, embed, load_json
from theralab.cbtbench.labels import DISTORTION_TASK, Task
from theralab.text.ngrams import hashed_ngrams
from theralab.text.perspective import split_sentences

SPANS_HEAD_FILE = "distortions_spans_head.json"
SPANS_CARD_FILE = "distortions_spans_card.json"
MAX_SENTENCES = 40  # a very long text: its first 40 sentences (the text model sees it all)


def sentences_of(text: str) -> list[str]:
    """The sentences the sentence model reads (at least the text itself)."""
    found = [s for s in split_sentences(text) if any(c.isalpha() for c in s)]
    return found[:MAX_SENTENCES] or [text.strip()]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def _linear(
    weights: Sequence[Sequence[float]], bias: Sequence[float], x: Sequence[float]
) -> list[float]:
    return [
        _sigmoid(sum(w * v for w, v in zip(row, x, strict=True)) + b)
        for row, b in zip(weights, bias, strict=True)
    ]


def text_features(
    whole: Sequence[float], sentence_vectors: Sequence[Sequence[float]]
) -> list[float]:
    """[whole-text embedding, mean of the sentence embeddings]."""
    n = len(sentence_vectors)
    mean = [sum(col) / n for col in zip(*sentence_vectors, strict=True)]
    return [*whole, *mean]


def combine(
    head: Mapping[str, Any],
    whole: Sequence[float],
    sentence_vectors: Sequence[Sequence[float]],
    sentence_texts: Sequence[str] | None = None,
) -> tuple[list[float], float]:
    """(per-label probabilities, gate probability) of one text. A head whose sentence model
    also reads hashed word and character n-grams (`ngram_buckets`) needs the sentences'
    texts."""
    alpha = float(head["alpha"])
    feats = text_features(whole, sentence_vectors)
    text_p = _linear(head["text"]["W"], head["text"]["b"], feats)
    text_g = _linear([head["text"]["gate_W"]], [head["text"]["gate_b"]], feats)[0]
    sent = head["sentence"]
    buckets = int(sent.get("ngram_buckets", 0))
    grams = (
        [hashed_ngrams(t, buckets) for t in sentence_texts]
        if buckets and sentence_texts is not None
        else None
    )
    if buckets and grams is None:
        raise ValueError("this head reads the sentences' words too: pass sentence_texts")
    dim = len(sentence_vectors[0])

    def sentence_probs(weights: Sequence[Sequence[float]], bias: Sequence[float], k: int) -> list:
        out = []
        for row, b in zip(weights, bias, strict=True):
            z = sum(w * v for w, v in zip(row[:dim], sentence_vectors[k], strict=True)) + b
            if grams is not None:
                z += sum(row[dim + g] * v for g, v in grams[k].items())
            out.append(_sigmoid(z))
        return out

    sent_p = [sentence_probs(sent["W"], sent["b"], k) for k in range(len(sentence_vectors))]
    sent_g = [
        sentence_probs([sent["gate_W"]], [sent["gate_b"]], k)[0]
        for k in range(len(sentence_vectors))
    ]
    labels_p = [
        alpha * text_p[j] + (1 - alpha) * max(p[j] for p in sent_p) for j in range(len(text_p))
    ]
    return labels_p, alpha * text_g + (1 - alpha) * max(sent_g)


def decide(
    head: Mapping[str, Any], probs: Sequence[float], gate: float, max_labels: int
) -> list[int]:
    """Label indices, most likely first: none when the gate stays shut."""
    if gate < float(head["gate_threshold"]):
        return []
    order = sorted(range(len(probs)), key=lambda j: -probs[j])
    thresholds = head["thresholds"]
    chosen = [order[0], *(j for j in order[1:] if probs[j] >= thresholds[j])]
    return chosen[: min(max_labels, int(head.get("max_labels", max_labels)))]


class SpanDistortionClassifier(ShippedHead):
    """The span-trained distortion classifier over sentence embeddings."""

    name = "offline span-trained classifier (all-MiniLM-L6-v2; text + sentence heads)"
    task: Task = DISTORTION_TASK
    default_head = SPANS_HEAD_FILE

    def __init__(self, head: Path | None = None, card: Path | None = None) -> None:
        super().__init__(head)
        self.card_path = card or data_path(SPANS_CARD_FILE)

    @property
    def card(self) -> dict[str, Any]:
        return load_json(self.card_path) if self.card_path.is_file() else {}

    @property
    def validation(self) -> dict[str, Any]:
        """The recorded figures: DEV (grouped cross-validation) and FROZEN (held out)."""
        return dict(self.card.get("figures", {}))

    def describe(self) -> str:
        figures = self.validation
        dev = figures.get("dev", {}).get("macro_f1", float("nan"))
        frozen = figures.get("frozen", {})
        return (
            f"{self.name}: macro-F1 DEV {dev:.3f} (grouped CV), FROZEN "
            f"{frozen.get('macro_f1', float('nan')):.3f} on {frozen.get('rows', '?')} held-out "
            "patient questions of the Shreevastava & Foltz (2021) data "
            "(scripts/train_distortions_spans.py)"
        )

    def predict_vectors(
        self,
        wholes: Sequence[Sequence[float]],
        sentences: Sequence[Sequence[Sequence[float]]],
        sentence_texts: Sequence[Sequence[str]] | None = None,
    ) -> list[list[str]]:
        head = self.head
        labels = list(head["labels"])
        texts = sentence_texts or [None] * len(wholes)
        out = []
        for whole, sents, words in zip(wholes, sentences, texts, strict=True):
            probs, gate = combine(head, whole, sents, words)
            out.append([labels[j] for j in decide(head, probs, gate, self.task.max_labels)])
        return out

    def predict(self, texts: Sequence[str], on_batch: Progress | None = None) -> list[list[str]]:
        per_text = [sentences_of(t) for t in texts]
        flat = [s for group in per_text for s in group]
        vectors = embed(flat)
        wholes = embed(list(texts), on_batch)
        sentences: list[list[list[float]]] = []
        start = 0
        for group in per_text:
            sentences.append(vectors[start : start + len(group)])
            start += len(group)
        return self.predict_vectors(wholes, sentences, per_text)
