"""The data card written with every dataset: what is in it, how it was made and filtered.

Everything is accumulated in one pass over the rows with bounded memory: counts and sums for
the distributions and scores, and a fixed-size seeded sample of dialogues for the diversity
statistics (distinct-n and, when the embedding model is installed, embedding spread).

The distributions, turn counts, truncation count, scores and diversity describe the rows in
`dataset.jsonl` only; rows routed to `at_risk.jsonl` are counted apart (how many, and their
risk levels), never mixed into the dataset's figures.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from theralab.dialogue.records import Session, Speaker
from theralab.prompts import version
from theralab.synth.config import SynthConfig
from theralab.version import __version__

if TYPE_CHECKING:
    import numpy as np

SAMPLE = 500
SPREAD_DIALOGUES = 200  # the sample's first dialogues, embedded for the embedding spread
_WORD = re.compile(r"[a-z0-9']+")

LICENCE_NOTE = (
    "Client profiles are composed from TheraLab's own original profile library (Apache-2.0). "
    "Dialogues written by a model are subject to that model's licence and terms of use; "
    "scripted dialogues are TheraLab output. Synthetic counseling data is for research and "
    "training: it is not clinical advice and not a record of real people."
)


class CardBuilder:
    def __init__(
        self,
        config: SynthConfig,
        embedded: Callable[[], Mapping[str, np.ndarray]] | None = None,
    ) -> None:
        self.config = config
        self.embedded = embedded  # the spread texts embedded already (`synth.warm`)
        self.seen = 0
        self.missing = 0
        self.reference_rows = 0
        self.drops: Counter[str] = Counter()
        self.kept = 0  # rows in dataset.jsonl
        self.at_risk = 0  # rows in at_risk.jsonl
        self.at_risk_levels: Counter[str] = Counter()
        self.truncated = 0  # kept rows whose session stopped at max_turns
        self.dist: dict[str, Counter[str]] = {
            k: Counter()
            for k in ("counselor", "problem", "style", "attitude", "stage", "core_belief", "risk")
        }
        self.turns: list[int] = []
        self.sums: dict[str, tuple[float, float, int]] = {}
        self.rng = random.Random(config.seed)
        self.sample: list[list[str]] = []

    def drop(self, reason: str) -> None:
        self.drops[reason] += 1

    def keep(self, row: dict[str, Any]) -> None:
        """A row that passed every gate: into the dataset's figures, or (at risk) counted
        apart with its risk level."""
        screen = row["screen"]
        if screen["at_risk"]:
            self.at_risk += 1
            self.at_risk_levels[screen["level"]] += 1
            return
        self.kept += 1
        if row["session"].get("stop_reason") == "max_turns":
            self.truncated += 1
        p = row.get("profile")
        self.dist["counselor"][row["counselor"]] += 1
        if p is not None:  # rewritten dialogues (expand, from-notes) have no profile
            self.dist["problem"][p["presenting_problem"]] += 1
            self.dist["style"][p["style"]] += 1
            self.dist["attitude"][p["attitude"]] += 1
            self.dist["stage"][p["stage"]] += 1
            for cat in ("helpless", "unlovable", "worthless"):
                if p["core_beliefs"].get(cat):
                    self.dist["core_belief"][cat] += 1
        self.dist["risk"][screen["level"]] += 1
        turns = row["session"]["turns"]
        self.turns.append(len(turns))
        for k, v in (row.get("scores") or {}).items():
            if v is None or k.startswith("n_"):
                continue
            s, ss, n = self.sums.get(k, (0.0, 0.0, 0))
            self.sums[k] = (s + v, ss + v * v, n + 1)
        counselor_text = counselor_side(turns)
        # reservoir sample: every kept row equally likely, memory fixed
        if len(self.sample) < SAMPLE:
            self.sample.append(counselor_text)
        else:
            j = self.rng.randrange(self.kept)
            if j < SAMPLE:
                self.sample[j] = counselor_text

    def finish(self) -> dict[str, Any]:
        cfg = self.config
        turns = sorted(self.turns)
        scores = {
            k: {
                "mean": round(s / n, 4),
                "sd": round(math.sqrt(max(0.0, ss / n - (s / n) ** 2)), 4),
                "n": n,
            }
            for k, (s, ss, n) in sorted(self.sums.items())
        }
        return {
            "theralab_version": __version__,
            "recipe": cfg.recipe,
            "config_hash": cfg.digest(),
            "requested": cfg.n,
            "rows_seen": self.seen,
            "rows_missing": self.missing,
            "kept": self.kept,
            "at_risk_split": self.at_risk,
            "at_risk_levels": dict(sorted(self.at_risk_levels.items())),
            "dropped": dict(self.drops.most_common()),
            "filters": list(cfg.filters),
            "quotas": list(cfg.quotas),
            "dedup": {
                "method": "MinHash (64 permutations, 16 bands) over 5-word shingles",
                "threshold": cfg.dedup_threshold,
                "reference": cfg.reference,
                "reference_rows": self.reference_rows,
            },
            "distributions": {k: dict(sorted(v.items())) for k, v in self.dist.items()},
            "turns": {
                "mean": round(sum(turns) / len(turns), 2) if turns else None,
                "min": turns[0] if turns else None,
                "median": turns[len(turns) // 2] if turns else None,
                "max": turns[-1] if turns else None,
            },
            # kept rows whose session hit --max-turns before it closed (no summary/homework)
            "truncated": {"max_turns": cfg.max_turns, "rows": self.truncated},
            "scores": scores,
            "diversity": diversity(self.sample, self.embedded() if self.embedded else None),
            "models": dict(cfg.model_roles) or {"all roles": "scripted engine"},
            "prompts": {
                name: f"v{version(name)}"
                for name in (
                    "counselor",
                    "client",
                    "cbt_planner",
                    "judge_item",
                    "synth_expand",
                    "synth_notes",
                )
            },
            "profiles": cfg.profiles,
            "counselors": list(cfg.counselors),
            "source": cfg.source,
            "seed": cfg.seed,
            "licence": LICENCE_NOTE,
        }

    def markdown(self, d: dict[str, Any]) -> str:
        lines = [
            f"# Data card — {d['recipe']} dataset {d['config_hash']}",
            "",
            f"Made by TheraLab {d['theralab_version']} with seed {d['seed']}. "
            f"Counselors: {', '.join(d['counselors'])}. Profiles: {d['profiles']}. "
            f"Models: {', '.join(f'{k}={v}' for k, v in d['models'].items())}.",
            "",
            "## Counts",
            "",
            "| | rows |",
            "|---|---|",
            f"| requested | {d['requested']} |",
            f"| kept (dataset.jsonl) | {d['kept']} |",
            f"| at-risk split (at_risk.jsonl), set aside | {d['at_risk_split']} |",
            f"| not made yet | {d['rows_missing']} |",
            *[f"| dropped: {k} | {v} |" for k, v in d["dropped"].items()],
            "",
            "Rows whose conversation raised any risk are routed to `at_risk.jsonl` and never "
            "mixed into the dataset; the figures below are over the "
            f"{d['kept']} rows of dataset.jsonl only"
            + (
                f" (the {d['at_risk_split']} at-risk rows set aside, by highest risk level: "
                + ", ".join(f"{k} {v}" for k, v in d["at_risk_levels"].items())
                + ")."
                if d["at_risk_split"]
                else "."
            ),
            "",
            "## Distributions (kept rows, dataset.jsonl)",
            "",
        ]
        for name, counts in d["distributions"].items():
            total = sum(counts.values()) or 1
            shown = ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in counts.items())
            lines.append(f"- **{name}**: {shown}")
        t = d["turns"]
        lines += [
            "",
            f"Turns per dialogue: mean {t['mean']}, min {t['min']}, median {t['median']}, "
            f"max {t['max']}.",
            "",
            _truncation_line(d),
            "",
            "## Quality scores (kept rows, dataset.jsonl)",
            "",
            "| score | mean | sd | n |",
            "|---|---|---|---|",
            *[f"| {k} | {v['mean']} | {v['sd']} | {v['n']} |" for k, v in d["scores"].items()],
            "",
            "## Diversity",
            "",
            *[f"- {k}: {v}" for k, v in d["diversity"].items()],
            "",
            "## Filters and de-duplication",
            "",
            f"- quotas: {', '.join(d['quotas']) or 'none'}",
            f"- filters: {', '.join(d['filters']) or 'none'}",
            f"- near-duplicates: {d['dedup']['method']}, Jaccard ≥ {d['dedup']['threshold']}"
            + (
                f", also against {d['dedup']['reference']} ({d['dedup']['reference_rows']} rows)"
                if d["dedup"]["reference"]
                else ""
            ),
            f"- prompt versions: {', '.join(f'{k} {v}' for k, v in d['prompts'].items())}",
            "",
            "## Licence",
            "",
            d["licence"],
            "",
        ]
        return "\n".join(lines)


def _truncation_line(d: dict[str, Any]) -> str:
    cut, kept = d["truncated"], d["kept"]
    return (
        f"Stopped at --max-turns {cut['max_turns']} (truncated before the session closed): "
        f"{cut['rows']} of {kept} kept rows."
        + (" Raise --max-turns to let sessions close." if kept and cut["rows"] * 2 > kept else "")
    )


def distinct_n(texts: list[list[str]], n: int) -> float | None:
    grams: list[tuple[str, ...]] = []
    for turns in texts:
        for turn in turns:
            words = _WORD.findall(turn.lower())
            grams += [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return round(len(set(grams)) / len(grams), 4) if grams else None


def diversity(
    sample: list[list[str]], vectors: Mapping[str, np.ndarray] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "sample_dialogues": len(sample),
        "distinct_1": distinct_n(sample, 1),
        "distinct_2": distinct_n(sample, 2),
        "distinct_3": distinct_n(sample, 3),
    }
    out["embedding_spread"] = _embedding_spread(sample, vectors or {})
    return out


def counselor_side(turns: Sequence[Mapping[str, Any]]) -> list[str]:
    """The counselor's turns of a row's dialogue (what the diversity figures read)."""
    return [t["text"] for t in turns if t["speaker"] == "counselor"]


def spread_text(counselor_turns: Sequence[str]) -> str:
    """What the embedding spread embeds of one dialogue: its counselor side."""
    return " ".join(counselor_turns)[:2000]


def session_spread_text(session: Session) -> str:
    """`spread_text(counselor_side(turns))` of the row `session` becomes, read from the session
    itself (its turns' texts are the row's, JSON keeps them as they are)."""
    return spread_text([t.text for t in session.turns if t.speaker is Speaker.COUNSELOR])


def spread_enabled() -> bool:
    from theralab.safety.semantic import semantic_available, semantic_enabled

    return semantic_enabled() and semantic_available()


def _embedding_spread(sample: list[list[str]], vectors: Mapping[str, np.ndarray]) -> float | str:
    """Mean cosine distance between dialogue embeddings (counselor side) in the sample;
    `vectors`: texts embedded already (by the same model, one text a call: the same vectors)."""
    import numpy as np

    from theralab.text.encoder import CODER_PRECISION, Encoder

    if not spread_enabled() or len(sample) < 2:
        return "not computed (needs the semantic extra)"

    texts = [spread_text(t) for t in sample[:SPREAD_DIALOGUES]]
    missing = [t for t in dict.fromkeys(texts) if t not in vectors]
    found = dict(zip(missing, Encoder.get(CODER_PRECISION).encode_array(missing), strict=True))
    v = np.stack([vectors[t] if t in vectors else found[t] for t in texts])
    sims = v @ v.T  # unit vectors: cosine similarity
    n = len(v)
    return round(float((n * n - sims.sum()) / (n * (n - 1))), 4)
