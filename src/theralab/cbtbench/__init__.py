"""CBT-Bench-style tasks: cognitive distortions, core beliefs (three categories and the 19
fine-grained ones) and multiple-choice knowledge exams.

- `labels`: the two label sets and the mapping from the distortion data's names to ours;
- `io`: benchmark JSONL in, predictions out;
- `metrics`: per-label P/R/F1, macro-F1, exact match, the no-label line;
- `baseline`: offline embedding baselines (the `semantic` extra, imported lazily);
- `spans`: the span-trained distortion classifier (the default offline one);
- `mcq`: multiple-choice knowledge exams answered by a bound model, scored per topic;
- `llm`: any bound model, one structured call per item, unusable answers unscored;
- `dataset` / `library`: the data the baselines are trained, calibrated and measured on.

CLI: `theralab bench distortions|core-beliefs|core-beliefs-fine|mcq`; figures:
`bench/cbt_distortions.py`, `bench/cbt_core_beliefs_fine.py`, `bench/cbt_bench.py`; docs:
docs/cbtbench.md.
"""
