"""CBT-Bench's 19 fine-grained core beliefs: what the offline zero-shot baseline can be
measured on here.

No labelled fine-grained data is available locally (CBT-Bench's CBT-FC items and the
Patient-Psi-CM data are not in ../shared; the one public Patient-Psi example profile there has
two beliefs). So the fine-grained baseline is measured at *category level* on TheraLab's
built-in profile library: each predicted fine belief counts as its category (helpless /
unlovable / worthless) against the library's category labels, next to the three-category
baseline on the same items. Fine-level accuracy stays unmeasured: bind a model
(`theralab bench core-beliefs-fine ITEMS --model-role classifier=SPEC`) on labelled items.

    .venv/bin/python bench/cbt_core_beliefs_fine.py
"""

from __future__ import annotations

import sys
from collections import Counter

from theralab.cbtbench.baseline import (
    CoreBeliefBaseline,
    FineCoreBeliefBaseline,
    categories_of,
    embed,
    embeddings_available,
)
from theralab.cbtbench.labels import CORE_BELIEF_TASK, FINE_CORE_BELIEFS
from theralab.cbtbench.library import library_examples
from theralab.cbtbench.metrics import Metrics, score


def line(name: str, m: Metrics) -> str:
    def f(v: float | None) -> str:
        return "  —  " if v is None else f"{v:.3f}"

    return (
        f"  {name:<46} macro-F1 {f(m.macro_f1)}  exact match {f(m.exact_match)}  "
        f"'{m.none.label}' F1 {f(m.none.f1)}"
    )


def main() -> None:
    if not embeddings_available():
        sys.exit("needs the semantic extra: pip install -e '.[semantic]'")
    print("reproduce: .venv/bin/python bench/cbt_core_beliefs_fine.py")
    examples = library_examples()
    positives = sum(1 for e in examples if e.gold)
    print(
        f"Built-in profile library: {positives} core beliefs labelled by category + "
        f"{len(examples) - positives} balanced thoughts (negatives); no fine-grained labels"
    )
    vectors = embed([e.text for e in examples])
    gold = [set(e.gold) for e in examples]
    fine = FineCoreBeliefBaseline()
    fine_pred = fine.predict_vectors(vectors)
    m_fine = score(gold, [set(categories_of(p)) for p in fine_pred], CORE_BELIEF_TASK)
    coarse = CoreBeliefBaseline()
    m_coarse = score(gold, [set(p) for p in coarse.predict_vectors(vectors)], CORE_BELIEF_TASK)
    print(line("fine-grained zero-shot, mapped to categories", m_fine))
    print(line("three-category zero-shot (its calibration set)", m_coarse))
    print(
        "  per category F1, fine → category: "
        + ", ".join(f"{s.label} {s.f1 or 0.0:.3f}" for s in m_fine.per_label)
    )
    used = Counter(b for p in fine_pred for b in p)
    print(
        f"  fine beliefs predicted at least once: {len(used)} of {len(FINE_CORE_BELIEFS)}; "
        "most frequent: " + ", ".join(f"{b!r} ×{n}" for b, n in used.most_common(5))
    )
    print(
        "  both use the three-category calibration (threshold "
        f"{fine.threshold:.2f}, margin {fine.margin}); the library is that calibration set, "
        "so the three-category line is in-sample. Fine-level accuracy: unmeasured (no labels)."
    )


if __name__ == "__main__":
    main()
