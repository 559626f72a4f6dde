"""CBT-Bench-style classification tasks: cognitive distortions and core beliefs.

- `labels`: the two label sets and the mapping from the distortion data's names to ours;
- `io`: benchmark JSONL in, predictions out;
- `metrics`: per-label P/R/F1, macro-F1, exact match, the no-label line;
- `baseline`: offline embedding baselines (the `semantic` extra, imported lazily);
- `llm`: any bound model, one structured call per item, unusable answers unscored;
- `dataset` / `library`: the data the baselines are trained, calibrated and measured on.

CLI: `theralab bench distortions|core-beliefs`; figures: `bench/cbt_bench.py`.
"""
