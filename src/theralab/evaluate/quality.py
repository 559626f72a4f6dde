"""Session quality: one 0–1 estimate per session, learned from real outcome labels.

A linear scorer over features computed from the transcript only, so it runs on any session:

* mean sentence embeddings (all-MiniLM-L6-v2, the MI coder's encoder) of the counselor's
  turns, of the client's turns, and of the client's last three turns;
* the trained MI coder's code mix (behaviours and MISC codes per counselor sentence, R:Q,
  % complex reflections, % open questions, client talk types);
* EPITOME empathy levels of each counselor turn (the trained empathy coder, with the client
  turn before it as the seeker post);
* form: turn counts, counselor talk share, turn lengths, share of counselor turns asking.

Trained by `scripts/train_quality.py` with a within-corpus pairwise objective: AnnoMI
transcripts rated high-quality MI should outrank low-quality ones, and ESConv conversations
the seeker rated higher (empathy, relevance, fall in emotion intensity) should outrank lower
rated ones. Corpus differences cancel out of within-corpus pairs, so the scorer learns what
separates better from worse sessions, not which corpus a session is from. The raw score is
mapped to 0–1 by a logistic fit on AnnoMI's cross-validated scores (balanced classes): 0.5 is
where high- and low-quality MI are equally likely. Validation figures (development grouped CV
and frozen splits) are in the card `evaluate/data/quality.json` and `docs/quality.md`.

Unscored (None, with the label `session_quality_unscored` saying why) when the session has
fewer than `MIN_COUNSELOR_TURNS` counselor or `MIN_CLIENT_TURNS` client turns, or fewer than
`MIN_COUNSELOR_WORDS` words per counselor turn on average; when its feature vector is farther
from the training sessions than the card's threshold (the 99th percentile of the training
sessions' own nearest-neighbour distances); or when the semantic extra, the trained coders or
the weights are missing, or `$THERALAB_SEMANTIC` is "0".

The weights are derived from AnnoMI, ESConv (CC BY-NC 4.0) and, through the coders, EPITOME
and MI-Welivita: non-commercial research use only (see `evaluate/data/README.md`).
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from theralab.dialogue.codes import Behaviour, MiscCode, TalkType
from theralab.dialogue.records import Annotations, Session, Speaker
from theralab.evaluate.base import Metric, SessionScores, register_evaluator
from theralab.text.perspective import word_count

if TYPE_CHECKING:
    import numpy as np

QUALITY_FILE = "quality"  # quality.npz (weights) + quality.json (card)
MIN_COUNSELOR_TURNS = 3
MIN_CLIENT_TURNS = 2
MIN_COUNSELOR_WORDS = 4.0  # mean words per counselor turn; no training session has fewer
CLOSING_TURNS = 3
K_DEFAULT = 5  # nearest training sessions the applicability check averages over
Z_CLIP = 5.0  # standardised features are clipped to ±Z_CLIP: one rare code cannot dominate
EMBED_BLOCKS = ("counselor_embedding", "client_embedding", "client_closing_embedding")
UNSCORED_LABEL = "session_quality_unscored"

CODE_FEATURES = (
    *(f"behaviour_{b.value}" for b in Behaviour),
    *(f"code_{c.value}" for c in MiscCode),
    "r_q_log",
    "pct_complex_reflections",
    "pct_open_questions",
    "pct_mi_adherent",
    *(f"talk_{t.value}" for t in TalkType),
)
EMPATHY_FEATURES = (
    "emotional_reactions_mean",
    "interpretations_mean",
    "explorations_mean",
    "emotional_reactions_any",
    "interpretations_any",
    "explorations_any",
)
FORM_FEATURES = (
    "counselor_turns_log",
    "client_turns_log",
    "counselor_talk_share",
    "counselor_words_per_turn_log",
    "client_words_per_turn_log",
    "counselor_question_turns",
)
BLOCK_SIZES = {
    "counselor_embedding": 384,
    "client_embedding": 384,
    "client_closing_embedding": 384,
    "codes": len(CODE_FEATURES),
    "empathy": len(EMPATHY_FEATURES),
    "form": len(FORM_FEATURES),
}


def weights_path() -> Path:
    """Where the shipped weights live (`quality.npz` + `quality.json`)."""
    return Path(str(resources.files("theralab.evaluate") / "data" / QUALITY_FILE))


@lru_cache(maxsize=4)
def _read_card(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def card(path: Path | None = None) -> dict[str, Any]:
    """The model card: training data, licence, DEV and FROZEN figures (empty without one).
    A copy: the file is read once per process, and a caller's edits stay its own."""
    file = (path or weights_path()).with_suffix(".json")
    return copy.deepcopy(_read_card(str(file))) if file.is_file() else {}


def coder_heads_digest() -> str:
    """What the code-mix and empathy features depend on besides the vectors: the shipped MI
    heads with their fine-tuned encoder layers, the empathy heads, and the revision of the
    rules the MI coder's codes pass through (`theralab.coding.rules.RULES_REVISION`: autonomy,
    confrontation and warnings stand over a head's code). The card records it; weights
    trained on other coders' features are refused."""
    import hashlib

    from theralab.coding.empathy import heads_path as empathy_heads
    from theralab.coding.mi_coder import coder_adapter
    from theralab.coding.mi_coder import heads_path as mi_heads
    from theralab.coding.rules import RULES_REVISION

    h = hashlib.sha256()
    for file in (mi_heads().with_suffix(".npz"), coder_adapter(), empathy_heads()):
        if file is not None:
            h.update(file.with_suffix(".npz").read_bytes())
    if RULES_REVISION > 1:  # 1 adds nothing: the shipped card, made on these rules, holds
        h.update(f"rules:{RULES_REVISION}".encode())
    return h.hexdigest()[:16]


def why_unavailable(path: Path | None = None) -> str | None:
    """None when the estimator can run here, else why not (one sentence)."""
    from theralab.coding.empathy import empathy_coder_available
    from theralab.coding.mi_coder import mi_coder_available
    from theralab.safety.semantic import semantic_available, semantic_enabled

    file = path or weights_path()
    if not semantic_enabled():
        return "the learned tier is switched off ($THERALAB_SEMANTIC=0)"
    if not semantic_available():
        return "needs the semantic extra (pip install -e '.[semantic]')"
    if not (mi_coder_available() and empathy_coder_available()):
        return "needs the trained MI and empathy coders' heads"
    if not (file.with_suffix(".npz").is_file() and file.with_suffix(".json").is_file()):
        return f"no quality weights at {file}.npz/.json (scripts/train_quality.py writes them)"
    return None


# --- turns and features ----------------------------------------------------------------------


def session_turns(session: Session) -> list[tuple[str, str]]:
    """(speaker, text) per turn, "counselor" / "client"; the crisis protocol's turns (not the
    counselor's words) are left out, as in the MITI evaluator."""
    out = []
    for turn in session.turns:
        if turn.speaker is Speaker.COUNSELOR and _crisis_protocol(turn.annotations):
            continue
        out.append(("counselor" if turn.speaker is Speaker.COUNSELOR else "client", turn.text))
    return out


def _crisis_protocol(annotations: Annotations) -> bool:
    """Whether the crisis protocol spoke the turn (version-1 records read as the typed
    guard record too)."""
    return annotations.guard is not None and annotations.guard.crisis


def merge_turns(turns: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive messages of one speaker joined into one turn (chat corpora split turns)."""
    out: list[tuple[str, str]] = []
    for speaker, text in turns:
        text = text.strip()
        if not text:
            continue
        if out and out[-1][0] == speaker:
            out[-1] = (speaker, f"{out[-1][1]} {text}")
        else:
            out.append((speaker, text))
    return out


def turn_counts(turns: Sequence[tuple[str, str]]) -> tuple[int, int]:
    """(counselor turns, client turns)."""
    counts = Counter(speaker for speaker, _ in turns)
    return counts["counselor"], counts["client"]


class Featurizer:
    """Feature blocks of one session (numpy arrays), with the shipped trained coders."""

    def __init__(self, coder: Any = None, empathy: Any = None, cache: Any = None) -> None:
        from theralab.coding.empathy import EmpathyCoder
        from theralab.coding.mi_coder import MICoder
        from theralab.coding.vectors import EmbeddingCache

        self.coder = coder or MICoder()
        self.empathy = empathy or EmpathyCoder()
        self.cache = cache or EmbeddingCache()

    def blocks(self, turns: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
        """{block: vector} for merged turns (`merge_turns`), in `BLOCK_SIZES` order."""
        import numpy as np

        from theralab.evaluate.miti import miti_scores

        counselor = [(i, t) for i, (s, t) in enumerate(turns) if s == "counselor"]
        client = [(i, t) for i, (s, t) in enumerate(turns) if s == "client"]
        texts = [t for _, t in counselor] + [t for _, t in client]
        vectors = self.cache.encode(texts)
        n_co = len(counselor)

        def mean(rows: np.ndarray) -> np.ndarray:
            return rows.mean(axis=0) if len(rows) else np.zeros(384, dtype=np.float32)

        contexts = [list(turns[max(0, i - 2) : i]) for i, _ in counselor]
        coded = self.coder.code_counselor_sentences([t for _, t in counselor], contexts)
        units = [c for turn in coded for c in turn]
        talk = self.coder.code_client_batch(
            [t for _, t in client], [list(turns[max(0, i - 2) : i]) for i, _ in client]
        )
        co_words = [word_count(t) for _, t in counselor]
        cl_words = [word_count(t) for _, t in client]
        scores = miti_scores(units, sum(co_words), sum(cl_words))
        n_units = max(1, len(units))
        behaviours = Counter(c.behaviour for c in units)
        codes = Counter(c.code for c in units)
        talks = Counter(c.talk_type for c in talk)
        rq = scores["r_q"]
        code_row = [
            *(behaviours[b] / n_units for b in Behaviour),
            *(codes[c] / n_units for c in MiscCode),
            float(np.log1p(min(rq, 10.0))) if rq is not None else 0.0,
            (scores["pct_complex_reflections"] or 0.0) / 100,
            (scores["pct_open_questions"] or 0.0) / 100,
            (scores["pct_mi_adherent"] if scores["pct_mi_adherent"] is not None else 100.0) / 100,
            *(talks[t] / max(1, len(talk)) for t in TalkType),
        ]
        seekers = [_last_client(turns, i) for i, _ in counselor]
        levels = self.empathy.score_batch(
            list(zip(seekers, [t for _, t in counselor], strict=True))
        )
        lv = np.array(
            [[s.emotional_reactions, s.interpretations, s.explorations] for s in levels],
            dtype=np.float32,
        ).reshape(-1, 3)
        empathy_row = [*(lv.mean(axis=0) / 2 if n_co else [0.0] * 3)]
        empathy_row += [*((lv >= 1).mean(axis=0) if n_co else [0.0] * 3)]
        form_row = [
            float(np.log1p(n_co)),
            float(np.log1p(len(client))),
            sum(co_words) / max(1, sum(co_words) + sum(cl_words)),
            float(np.log1p(sum(co_words) / max(1, n_co))),
            float(np.log1p(sum(cl_words) / max(1, len(client)))),
            sum("?" in t for _, t in counselor) / max(1, n_co),
        ]
        return {
            "counselor_embedding": mean(vectors[:n_co]),
            "client_embedding": mean(vectors[n_co:]),
            "client_closing_embedding": mean(vectors[n_co:][-CLOSING_TURNS:]),
            "codes": np.asarray(code_row, dtype=np.float32),
            "empathy": np.asarray(empathy_row, dtype=np.float32),
            "form": np.asarray(form_row, dtype=np.float32),
        }


def _last_client(turns: Sequence[tuple[str, str]], index: int) -> str:
    return next((t for s, t in reversed(turns[:index]) if s == "client"), "")


# --- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityScore:
    """A session's estimate (None: unscored, with the reason) and its distance from training."""

    value: float | None
    reason: str | None = None
    raw: float | None = None
    distance: float | None = None


@dataclass
class QualityModel:
    """The linear scorer, its 0–1 map and the applicability check, as stored in the .npz.

    x is the concatenation of the blocks the card lists; z = (x - mean) / scale, clipped to
    ±`Z_CLIP`; raw = w·z;
    value = sigmoid(a·raw + c). Applicability: a session's point is its whitened principal
    component scores, p = (z - pca_mean) @ components.T / pca_scale, and its distance from
    that subspace, |z - reconstruction| / residual_scale; the mean distance from the point to
    its `k` nearest training sessions' points is compared with `threshold`."""

    blocks: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    w: np.ndarray
    a: float
    c: float
    components: np.ndarray
    pca_mean: np.ndarray
    pca_scale: np.ndarray
    residual_scale: float
    train_points: np.ndarray
    k: int
    threshold: float

    @classmethod
    def load(cls, path: Path | None = None) -> QualityModel:
        import numpy as np

        from theralab.text.encoder import (
            CODER_PRECISION,
            VectorsMismatch,
            require_vectors,
            vectors_id,
        )

        file = path or weights_path()
        meta = card(file)
        require_vectors(
            meta["features"].get("vectors"),
            vectors_id(CODER_PRECISION),
            file.with_suffix(".json"),
            "scripts/train_quality.py",
        )
        recorded, installed = meta["features"].get("coder_heads"), coder_heads_digest()
        if recorded != installed:
            raise VectorsMismatch(
                f"{file.with_suffix('.json')}: trained on the features of other coder heads "
                f"({recorded or 'unrecorded'}, installed {installed}); retrain: "
                "scripts/train_quality.py"
            )
        with np.load(file.with_suffix(".npz")) as data:
            arrays = {k: data[k].astype(np.float64) for k in data.files}
        return cls(
            blocks=tuple(meta["features"]["blocks"]),
            mean=arrays["mean"],
            scale=arrays["scale"],
            w=arrays["w"],
            a=float(meta["calibration"]["a"]),
            c=float(meta["calibration"]["c"]),
            components=arrays["components"],
            pca_mean=arrays["pca_mean"],
            pca_scale=arrays["pca_scale"],
            residual_scale=float(meta["applicability"]["residual_scale"]),
            train_points=arrays["train_points"],
            k=int(meta["applicability"]["k"]),
            threshold=float(meta["applicability"]["threshold"]),
        )

    def vector(self, blocks: dict[str, np.ndarray]) -> np.ndarray:
        import numpy as np

        return np.concatenate([np.asarray(blocks[b], dtype=np.float64) for b in self.blocks])

    def standardise(self, x: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.clip((x - self.mean) / self.scale, -Z_CLIP, Z_CLIP)

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Raw scores of rows x (before the 0–1 map)."""
        return self.standardise(x) @ self.w

    def to_unit(self, raw: np.ndarray | float) -> np.ndarray:
        import numpy as np

        return 1 / (1 + np.exp(-(self.a * np.asarray(raw, dtype=np.float64) + self.c)))

    def project(self, x: np.ndarray) -> np.ndarray:
        import numpy as np

        z = self.standardise(x) - self.pca_mean
        scores = z @ self.components.T
        residual = np.linalg.norm(z - scores @ self.components, axis=1) / self.residual_scale
        return np.hstack([scores / self.pca_scale, residual[:, None]])

    def distance(self, x: np.ndarray) -> np.ndarray:
        """Mean distance of each row's projection to its `k` nearest training sessions."""
        import numpy as np

        p = self.project(np.atleast_2d(np.asarray(x, dtype=np.float64)))
        d = np.sqrt(((p[:, None, :] - self.train_points[None, :, :]) ** 2).sum(-1))
        return np.sort(d, axis=1)[:, : self.k].mean(axis=1)

    def score(self, blocks: dict[str, np.ndarray]) -> QualityScore:
        x = self.vector(blocks)[None, :]
        raw = float(self.raw(x)[0])
        dist = float(self.distance(x)[0])
        if dist > self.threshold:
            return QualityScore(
                None,
                f"out of range: the session is farther from the training sessions "
                f"(distance {dist:.2f}) than 99% of them are from each other "
                f"({self.threshold:.2f})",
                raw,
                dist,
            )
        return QualityScore(float(self.to_unit(raw)), None, raw, dist)


# --- the evaluator -----------------------------------------------------------------------------


def _description() -> str:
    figures = card().get("figures", {})
    parts = []
    for split in ("dev", "frozen"):
        f = figures.get(split, {})
        auc, rho = f.get("annomi_auc"), f.get("esconv_rating_spearman")
        if auc is not None and rho is not None:
            parts.append(f"{split.upper()}: AnnoMI high vs low AUC {auc:.2f}, ESConv ρ {rho:.2f}")
    shown = "; ".join(parts) or "no weights shipped"
    return (
        "Estimated session quality (0–1, higher better) learned from AnnoMI expert quality "
        f"labels and ESConv seeker ratings ({shown}; docs/quality.md). "
        "Non-commercial research use (ESConv CC BY-NC 4.0)."
    )


METRICS = (Metric(key="session_quality", label="session quality", description=_description()),)


class QualityEvaluator:
    """Scores each session with the learned quality estimator, or leaves it unscored (None)
    with the reason in the label `session_quality_unscored`."""

    name = "quality"
    version = "1"
    metrics = METRICS

    def __init__(self, weights: Path | None = None) -> None:
        self.weights = weights or weights_path()

    @cached_property
    def unavailable(self) -> str | None:
        return why_unavailable(self.weights)

    @cached_property
    def model(self) -> QualityModel:
        return QualityModel.load(self.weights)

    @cached_property
    def featurizer(self) -> Featurizer:
        return Featurizer()

    def score(self, session: Session) -> QualityScore:
        turns = merge_turns(session_turns(session))
        n_counselor, n_client = turn_counts(turns)
        if n_counselor < MIN_COUNSELOR_TURNS or n_client < MIN_CLIENT_TURNS:
            return QualityScore(
                None,
                f"too short: {n_counselor} counselor and {n_client} client turns "
                f"(needs {MIN_COUNSELOR_TURNS} and {MIN_CLIENT_TURNS})",
            )
        words = sum(word_count(t) for s, t in turns if s == "counselor") / n_counselor
        if words < MIN_COUNSELOR_WORDS:
            return QualityScore(
                None,
                f"too little counselor text: {words:.1f} words per turn on average "
                f"(no training session has fewer than {MIN_COUNSELOR_WORDS:g})",
            )
        if self.unavailable:
            return QualityScore(None, self.unavailable)
        return self.model.score(self.featurizer.blocks(turns))

    def evaluate(self, session: Session) -> SessionScores:
        result = self.score(session)
        values = {"session_quality": None if result.value is None else round(result.value, 4)}
        labels = {UNSCORED_LABEL: result.reason} if result.reason else {}
        return SessionScores(values=values, labels=labels)


# Not among the defaults: ~30–350 ms a session, and its weights are for non-commercial
# research only (ESConv, CC BY-NC 4.0). Ask for it: --evaluators miti,outcome,…,quality.
register_evaluator("quality", default=False)(QualityEvaluator)
