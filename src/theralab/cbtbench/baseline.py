"""Offline baselines on the shipped all-MiniLM-L6-v2 embeddings (the `semantic` extra).

- `DistortionBaseline`: a small linear head trained by `scripts/train_distortions.py` on the
  Shreevastava & Foltz data; its held-out figures ship inside the head and are reported next
  to its predictions.
- `CoreBeliefBaseline`: zero-shot. Each category (helpless, unlovable, worthless) has a few
  original prototype statements; a text gets every category whose best cosine similarity to
  one of its statements clears a threshold calibrated by `scripts/calibrate_core_beliefs.py`
  on the core beliefs of TheraLab's built-in profile library.

numpy and torch are not needed to import this module; embedding needs the extra, and a
missing extra raises `MissingDependency` with a one-line install hint.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import yaml

from theralab.cbtbench.labels import (
    CORE_BELIEF_FINE_TASK,
    CORE_BELIEF_TASK,
    DISTORTION_TASK,
    FINE_CORE_BELIEFS_BY_CATEGORY,
    FINE_TO_CATEGORY,
    Task,
)
from theralab.model.errors import MissingDependency

HEAD_FILE = "distortions_head.json"
PROTOTYPES_FILE = "core_belief_prototypes.yaml"
FINE_PROTOTYPES_FILE = "core_belief_fine_prototypes.yaml"
CORE_FILE = "core_beliefs_calibration.json"
INSTALL_HINT = "the offline baselines need the semantic extra: pip install -e '.[semantic]'"
BATCH = 32

Vectors = Sequence[Sequence[float]]
Progress = Callable[[int], None]


def data_path(name: str) -> Path:
    return Path(str(resources.files("theralab.cbtbench") / "data" / name))


def embeddings_available() -> bool:
    from theralab.safety.semantic import semantic_available

    return semantic_available()


def embed(texts: Sequence[str], on_batch: Progress | None = None) -> list[list[float]]:
    """Normalised sentence embeddings, in batches (`on_batch(n)` after each)."""
    if not embeddings_available():
        raise MissingDependency(INSTALL_HINT)
    from theralab.text.encoder import Encoder

    out: list[list[float]] = []
    for start in range(0, len(texts), BATCH):
        chunk = texts[start : start + BATCH]
        out.extend(Encoder.get().encode_array(chunk).tolist())
        if on_batch is not None:
            on_batch(len(chunk))
    return out


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z > -50 else 0.0


def predict_head(head: Mapping[str, Any], vectors: Vectors, max_labels: int) -> list[list[str]]:
    """Label sets from a trained head (modes `ovr`, `dominant`, `gated`), most likely first."""
    labels: list[str] = list(head.get("labels", DISTORTION_TASK.labels))
    mode = head["mode"]
    out: list[list[str]] = []
    for vec in vectors:
        if mode == "dominant":
            scores = [_dot(w, vec) + b for w, b in zip(head["W"], head["b"], strict=True)]
            best = max(range(len(scores)), key=scores.__getitem__)
            out.append([] if best == 0 else [head["classes"][best]])
            continue
        probs = [_sigmoid(_dot(w, vec) + b) for w, b in zip(head["W"], head["b"], strict=True)]
        order = sorted(range(len(probs)), key=lambda j: -probs[j])
        chosen = [j for j in order if probs[j] >= head["thresholds"][j]]
        if mode == "gated":
            if _sigmoid(_dot(head["gate_W"], vec) + head["gate_b"]) < head["gate_threshold"]:
                chosen = []
            elif order[0] not in chosen:
                chosen = [order[0], *chosen]
        elif mode != "ovr":
            raise ValueError(f"unknown head mode {mode!r}")
        out.append([labels[j] for j in chosen[:max_labels]])
    return out


@cache
def load_json(path: Path) -> dict[str, Any]:
    """A shipped head or card, read once per process."""
    return json.loads(path.read_text(encoding="utf-8"))


class ShippedHead:
    """A classifier whose weights are a JSON file shipped in `cbtbench/data` (or given)."""

    default_head: ClassVar[str]

    def __init__(self, head: Path | None = None) -> None:
        self.head_path = head or data_path(self.default_head)

    @property
    def head(self) -> dict[str, Any]:
        return load_json(self.head_path)


class DistortionBaseline(ShippedHead):
    """The trained distortion head over sentence embeddings."""

    name = "offline embedding baseline (all-MiniLM-L6-v2 + linear head)"
    task: Task = DISTORTION_TASK
    default_head = HEAD_FILE

    @property
    def validation(self) -> dict[str, Any]:
        """The head's held-out figures, as recorded when it was trained."""
        return dict(self.head.get("heldout", {}))

    def describe(self) -> str:
        v = self.validation
        return (
            f"{self.name}: held-out macro-F1 {v.get('macro_f1', float('nan')):.3f}, exact match "
            f"{v.get('exact_match', float('nan')):.3f} on {v.get('rows', '?')} held-out patient "
            "questions of the Shreevastava & Foltz (2021) data (scripts/train_distortions.py)"
        )

    def predict_vectors(self, vectors: Vectors) -> list[list[str]]:
        return predict_head(self.head, vectors, self.task.max_labels)

    def predict(self, texts: Sequence[str], on_batch: Progress | None = None) -> list[list[str]]:
        return self.predict_vectors(embed(texts, on_batch))


def load_prototypes(path: Path | None = None) -> dict[str, list[str]]:
    raw = yaml.safe_load((path or data_path(PROTOTYPES_FILE)).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or set(raw) != set(CORE_BELIEF_TASK.labels):
        raise ValueError(f"prototypes need exactly: {', '.join(CORE_BELIEF_TASK.labels)}")
    return {k: [str(s) for s in raw[k]] for k in CORE_BELIEF_TASK.labels}


def decide_core(
    similarities: Mapping[str, float], threshold: float, margin: float | None = None
) -> list[str]:
    """Categories whose similarity clears `threshold` (and, with a margin, is within `margin`
    of the best one), most similar first."""
    best = max(similarities.values(), default=0.0)
    return [
        c
        for c, s in sorted(similarities.items(), key=lambda kv: -kv[1])
        if s >= threshold and (margin is None or best - s <= margin)
    ]


class CoreBeliefBaseline:
    """Zero-shot core-belief categories by similarity to prototype statements."""

    name = "offline zero-shot baseline (all-MiniLM-L6-v2 + prototype statements)"
    task: Task = CORE_BELIEF_TASK
    default_prototypes = staticmethod(load_prototypes)

    def __init__(
        self,
        prototypes: Mapping[str, Sequence[str]] | None = None,
        threshold: float | None = None,
        margin: float | None = None,
        calibration: Path | None = None,
    ) -> None:
        self.prototypes = dict(prototypes) if prototypes is not None else self.default_prototypes()
        path = calibration or data_path(CORE_FILE)
        self.calibration: dict[str, Any] = load_json(path) if path.is_file() else {}
        self.threshold = (
            threshold if threshold is not None else float(self.calibration.get("threshold", 0.5))
        )
        self.margin = margin if margin is not None else self.calibration.get("margin")
        self._vectors: dict[str, list[list[float]]] | None = None

    @property
    def validation(self) -> dict[str, Any]:
        return dict(self.calibration.get("figures", {}))

    def describe(self) -> str:
        v = self.validation.get("in_sample", {})
        return (
            f"{self.name}: threshold {self.threshold:.2f} calibrated on the built-in profile "
            f"library's core beliefs, where it scores macro-F1 "
            f"{v.get('macro_f1', float('nan')):.3f} (the calibration set itself, so optimistic; "
            "scripts/calibrate_core_beliefs.py)"
        )

    def prototype_vectors(self) -> dict[str, list[list[float]]]:
        if self._vectors is None:
            flat = [(c, s) for c, items in self.prototypes.items() for s in items]
            vecs = embed([s for _, s in flat])
            grouped: dict[str, list[list[float]]] = {c: [] for c in self.prototypes}
            for (c, _), v in zip(flat, vecs, strict=True):
                grouped[c].append(v)
            self._vectors = grouped
        return self._vectors

    def similarities(self, vectors: Vectors) -> list[dict[str, float]]:
        protos = self.prototype_vectors()
        return [{c: max(_dot(p, vec) for p in ps) for c, ps in protos.items()} for vec in vectors]

    def predict_vectors(self, vectors: Vectors) -> list[list[str]]:
        return [decide_core(s, self.threshold, self.margin) for s in self.similarities(vectors)]

    def predict(self, texts: Sequence[str], on_batch: Progress | None = None) -> list[list[str]]:
        return self.predict_vectors(embed(texts, on_batch))


def load_fine_prototypes(path: Path | None = None) -> dict[str, list[str]]:
    """The 19 fine-grained beliefs' statements, checked against the label set."""
    raw = yaml.safe_load((path or data_path(FINE_PROTOTYPES_FILE)).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or set(raw) != set(FINE_CORE_BELIEFS_BY_CATEGORY):
        raise ValueError(
            f"fine prototypes need the categories: {', '.join(CORE_BELIEF_TASK.labels)}"
        )
    out: dict[str, list[str]] = {}
    for category, beliefs in raw.items():
        if not isinstance(beliefs, dict) or set(beliefs) != set(
            FINE_CORE_BELIEFS_BY_CATEGORY[category]
        ):
            raise ValueError(f"fine prototypes under {category!r} need exactly its beliefs")
        out.update(
            {b: [str(x) for x in beliefs[b]] for b in FINE_CORE_BELIEFS_BY_CATEGORY[category]}
        )
    return {b: out[b] for b in CORE_BELIEF_FINE_TASK.labels}


class FineCoreBeliefBaseline(CoreBeliefBaseline):
    """Zero-shot fine-grained core beliefs (CBT-Bench's 19) by similarity to prototype
    statements. No labelled fine-grained data was available: its threshold and margin are the
    three-category baseline's calibration, and it is only measured at category level (a fine
    belief counts as its category) — see `bench/cbt_core_beliefs_fine.py`."""

    name = "offline zero-shot baseline (all-MiniLM-L6-v2 + fine-grained prototype statements)"
    task: Task = CORE_BELIEF_FINE_TASK
    default_prototypes = staticmethod(load_fine_prototypes)

    @property
    def validation(self) -> dict[str, Any]:
        return {"note": "no labelled fine-grained data: fine-level accuracy unmeasured"}

    def describe(self) -> str:
        return (
            f"{self.name}: threshold {self.threshold:.2f} and margin {self.margin} borrowed from "
            "the three-category calibration; no labelled fine-grained data was available, so "
            "fine-level accuracy is unmeasured (category-level figures: "
            "bench/cbt_core_beliefs_fine.py)"
        )

    def predict_vectors(self, vectors: Vectors) -> list[list[str]]:
        found = super().predict_vectors(vectors)
        return [labels[: self.task.max_labels] for labels in found]


def categories_of(fine: Sequence[str]) -> list[str]:
    """Fine-grained beliefs → their categories, in order, without repeats."""
    return list(dict.fromkeys(FINE_TO_CATEGORY[b] for b in fine))


Baseline = DistortionBaseline | CoreBeliefBaseline


def baseline_for(task: Task) -> Any:
    """The default offline classifier of a task (the span-trained one for distortions)."""
    if task is DISTORTION_TASK:
        from theralab.cbtbench.spans import SpanDistortionClassifier

        return SpanDistortionClassifier()
    if task is CORE_BELIEF_FINE_TASK:
        return FineCoreBeliefBaseline()
    return CoreBeliefBaseline()
