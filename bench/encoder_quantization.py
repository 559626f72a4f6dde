"""Which int8 recipe for the screener's encoder: dynamic (one activation scale per call, so a
text's vector depends on its batch: encoded one text per call) against static quantization
(activation ranges calibrated offline, so every row of a batch is computed alone).

For each candidate, in one run (the machine is shared: compare ratios within the run):

1. batch invariance: max |Δ| between a text encoded alone and inside batches of 8/32/64 texts
   of mixed lengths (padding included, in the order given and sorted by length); for the
   pooled row, max |Δ| against the one-per-call vectors of the 2-thread session;
2. fidelity: cosine to fp32 per text (mean, min, 1st percentile);
3. speed: texts/s batched (8, 32, 64) and one text per call, on short messages (≤ 30 words)
   and on ~40-word posts (median of `--repeat` rounds, every candidate timed in each round);
4. screener decisions: the shipped heads on the candidate's vectors against the vectors they
   run on today (dynamic, one per call), on the development messages: levels changed.

Texts are the development split of the screener corpus (`data/screener`, never the frozen
split); the static candidates are calibrated on a fixed sample of it (the first 512 windows by
text hash, one text per call so no padding enters a range), and evaluated on the rest.
Candidate files are built into `.cache/encoder_quant/` (kept).

Static candidates (QDQ, uint8 activations, per-channel 7-bit int8 weights): only the MatMuls
with a weight are quantized (QDQ ignores MatMulConstBOnly and quantizes MatMul outputs unless
told: `nodes_to_quantize` and OpTypesToExcludeOutputQuantization do it; without them cosine
was 0.925). `minmax`: ORT's MinMax calibrator (its Percentile and Entropy calibrators stack
every call's tensors and fail on one-text calls of different lengths); `r_RULE`: ranges
computed here and passed as TensorQuantOverrides — `minmax`, `meanext` (the mean over texts
of each text's extremes), `pP` (percentiles; clipping the rare large activations costs most:
p99.99 0.813), `ffn:` (the rule on the GELU outputs only); `minmax_fp_ffn_out`: the six
MatMuls after GELU left in float.

Measured 2026-12-05: static `r_meanext` is batch-invariant
(7e-8), cosine 0.988 vs dynamic's 0.991, and 1.5-2× faster batched; but the screener retrained
on its vectors lost DEV recall at its operating point (high+imminent reaching moderate 0.901
vs 0.915, the same tree), so it is not shipped. Shipped instead: dynamic int8, one text per
call, calls side by side on a 1-thread session (the pooled row): the same vectors bit for bit.

    .venv/bin/python bench/encoder_quantization.py [--variants r_meanext,r_minmax,...]
        [--repeat 5] [--no-speed] [--no-screener]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from theralab.safety.corpus import load_corpus, split_frozen
from theralab.safety.semantic import windows
from theralab.text import encoder as enc
from theralab.text.encoder import DIM, MAX_TOKENS, Precision, model_source

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / ".cache" / "encoder_quant"
CALIBRATION_TEXTS = 512


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def development_windows() -> list[str]:
    dev, _ = split_frozen(load_corpus())
    return sorted({w for m in dev for w in windows(m.text) if w.strip()}, key=_hash)


# --- sessions ------------------------------------------------------------------------------


def tokenizer() -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_source() / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.no_padding()
    return tok


def session(path: Path, threads: int | None = None) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or max(1, min(os.cpu_count() or 1, 4))
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def feeds(encodings: Sequence[Any]) -> dict[str, np.ndarray]:
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for r, e in enumerate(encodings):
        ids[r, : len(e.ids)] = e.ids
        mask[r, : len(e.ids)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


def encode(sess: Any, tok: Any, texts: Sequence[str], batch: int, sort: bool = True) -> np.ndarray:
    """Rows in the order given; batches of `batch` (sorted by length first, as the Encoder
    does, unless `sort` is False: then the texts are batched as given, padding and all)."""
    encodings = tok.encode_batch(list(texts))
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    order = list(range(len(texts)))
    if sort:
        order.sort(key=lambda i: len(encodings[i].ids))
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        out[rows] = sess.run(None, feeds([encodings[i] for i in rows]))[0]
    return out


def encode_pooled(sess: Any, tok: Any, texts: Sequence[str], workers: int = 2) -> np.ndarray:
    """One text per call, `workers` calls at once (the shipped int8 path: `Encoder._run`)."""
    from concurrent.futures import ThreadPoolExecutor

    encodings = tok.encode_batch(list(texts))
    out = np.zeros((len(texts), DIM), dtype=np.float32)

    def one(i: int) -> None:
        out[i] = sess.run(None, feeds([encodings[i]]))[0][0]

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(len(texts))))
    return out


# --- candidates ----------------------------------------------------------------------------


class Reader:
    """Calibration inputs: one text per call (no padding in the ranges)."""

    def __init__(self, texts: Sequence[str]) -> None:
        tok = tokenizer()
        self.items = [feeds([e]) for e in tok.encode_batch(list(texts))]
        self.i = 0

    def get_next(self) -> dict[str, np.ndarray] | None:
        if self.i >= len(self.items):
            return None
        self.i += 1
        return self.items[self.i - 1]

    def rewind(self) -> None:
        self.i = 0


def build_dynamic(target: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    OUT.mkdir(parents=True, exist_ok=True)
    if not target.is_file():
        quantize_dynamic(
            enc.build(Precision.FP32),
            target,
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
            op_types_to_quantize=["MatMul"],
        )
    return target


def build_static(target: Path, calibration: Sequence[str], **options: Any) -> Path:
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    if target.is_file():
        return target
    method = {
        "minmax": CalibrationMethod.MinMax,
        "percentile": CalibrationMethod.Percentile,
        "entropy": CalibrationMethod.Entropy,
    }[options.pop("method", "minmax")]
    # QDQ ignores MatMulConstBOnly (QOperator reads it) and quantizes MatMul outputs too:
    # name the MatMuls with a weight, and keep their outputs float
    extra = {
        "MatMulConstBOnly": True,
        "OpTypesToExcludeOutputQuantization": ["MatMul"],
        **options.pop("extra", {}),
    }
    exclude = set(options.pop("exclude", None) or ())
    weighted = [n for n in weight_matmuls(enc.build(Precision.FP32)) if n not in exclude]
    logging.getLogger().disabled = True
    try:
        quantize_static(
            str(enc.build(Precision.FP32)),
            str(target),
            Reader(calibration),
            quant_format=options.pop("format", QuantFormat.QDQ),
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            reduce_range=options.pop("reduce_range", True),
            activation_type=options.pop("activation_type", QuantType.QUInt8),
            weight_type=QuantType.QInt8,
            calibrate_method=method,
            nodes_to_quantize=weighted,
            extra_options=extra,
        )
    finally:
        logging.getLogger().disabled = False
    return target


def weight_matmuls(model_path: Path) -> list[str]:
    """The MatMul nodes with a constant B (the weights), in graph order."""
    import onnx

    model = onnx.load(str(model_path), load_external_data=False)
    constants = {i.name for i in model.graph.initializer}
    return [n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in constants]


def activation_inputs(model_path: Path) -> list[str]:
    """The activation input of every MatMul with a constant B, in graph order (one per
    distinct tensor): the tensors static quantization needs a range for."""
    import onnx

    model = onnx.load(str(model_path), load_external_data=False)
    constants = {i.name for i in model.graph.initializer}
    out: list[str] = []
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in constants and node.input[0] not in out:
            out.append(node.input[0])
    return out


def activation_values(texts: Sequence[str]) -> dict[str, list[np.ndarray]]:
    """Every calibration text's values of each activation input (fp32 model, one per call)."""
    import onnx

    source = enc.build(Precision.FP32)
    names = activation_inputs(source)
    augmented = OUT / "fp32.augmented.onnx"
    if not augmented.is_file():
        model = onnx.load(str(source))
        have = {o.name for o in model.graph.output}
        for name in names:
            if name not in have:
                model.graph.output.append(onnx.helper.make_empty_tensor_value_info(name))
        onnx.save(model, str(augmented))
    sess = session(augmented)
    tok = tokenizer()
    values: dict[str, list[np.ndarray]] = {n: [] for n in names}
    for e in tok.encode_batch(list(texts)):
        outs = sess.run(names, feeds([e]))
        for n, v in zip(names, outs, strict=True):
            values[n].append(v.reshape(-1))
    return values


def ranges(values: dict[str, list[np.ndarray]], rule: str) -> dict[str, tuple[float, float]]:
    """(rmin, rmax) per tensor: `minmax`; `pP` (the P-th percentile of the low and high tail
    over all values); `meanext` (the mean over texts of each text's min and max); a
    `ffn:` prefix applies the rule to the inputs of the MatMuls after GELU only (minmax for
    the rest)."""
    out = {}
    for name, parts in values.items():
        this = rule
        if rule.startswith("ffn:"):
            this = rule[4:] if "intermediate_act_fn" in name else "minmax"
        if this == "minmax":
            lo, hi = min(float(v.min()) for v in parts), max(float(v.max()) for v in parts)
        elif this == "meanext":
            lo = float(np.mean([v.min() for v in parts]))
            hi = float(np.mean([v.max() for v in parts]))
        else:
            q = float(this[1:]) / 100
            flat = np.concatenate(parts)
            lo, hi = (float(x) for x in np.quantile(flat, [1 - q, q]))
        out[name] = (min(lo, 0.0), max(hi, 0.0))
    return out


_VALUES: dict[str, list[np.ndarray]] = {}


def build_ranged(target: Path, calibration: Sequence[str], rule: str) -> Path:
    """Static QDQ int8 with activation ranges computed here by `rule` (see `ranges`)."""
    if target.is_file():
        return target
    if not _VALUES:
        _VALUES.update(activation_values(calibration))
    table = ranges(_VALUES, rule)
    (target.with_suffix(".ranges.json")).write_text(json.dumps(table, indent=1), "utf-8")
    overrides = {
        n: [{"rmin": np.float32(lo), "rmax": np.float32(hi)}] for n, (lo, hi) in table.items()
    }
    return build_static(target, calibration[:2], extra={"TensorQuantOverrides": overrides})


def last_layers(n: int) -> list[str]:
    """The const-B MatMul nodes of the top `n` layers."""
    layers = range(6 - n, 6)
    parts = (
        "attention/self/query",
        "attention/self/key",
        "attention/self/value",
        "attention/output/dense",
        "intermediate/dense",
        "output/dense",
    )
    return [f"/model/encoder/layer.{i}/{p}/MatMul" for i in layers for p in parts]


def ffn_out() -> list[str]:
    """The MatMuls right after GELU (their input has the widest, most skewed range)."""
    return [f"/model/encoder/layer.{i}/output/dense/MatMul" for i in range(6)]


def candidates(calibration: Sequence[str]) -> dict[str, Callable[[], Path]]:
    from onnxruntime.quantization import QuantFormat, QuantType

    OUT.mkdir(parents=True, exist_ok=True)
    c = calibration
    return {
        # ORT's own MinMax calibrator (its Percentile and Entropy ones stack every call's
        # tensors, so they need one input shape: one text per call does not fit them; the
        # r_pP rules below are percentiles computed here)
        "minmax": lambda: build_static(OUT / "static.minmax.onnx", c),
        "minmax_s8s8": lambda: build_static(
            OUT / "static.minmax.s8.onnx",
            c,
            activation_type=QuantType.QInt8,
            extra={"ActivationSymmetric": True},
        ),
        "minmax_qop": lambda: build_static(
            OUT / "static.minmax.qop.onnx", c, format=QuantFormat.QOperator
        ),
        "minmax_fp_ffn_out": lambda: build_static(
            OUT / "static.minmax.fpffnout.onnx", c, exclude=ffn_out()
        ),
        "minmax_fp_last": lambda: build_static(
            OUT / "static.minmax.fplast.onnx", c, exclude=last_layers(1)
        ),
        **{
            f"r_{rule}": (
                lambda rule=rule: build_ranged(
                    OUT / f"static.r.{rule.replace(':', '_')}.onnx", c, rule
                )
            )
            for rule in (
                "minmax",
                "meanext",
                "p99.9",
                "p99.99",
                "p99.999",
                "ffn:meanext",
                "ffn:p99.99",
                "ffn:p99.999",
            )
        },
    }


# --- measurements --------------------------------------------------------------------------


def invariance(sess: Any, tok: Any, texts: Sequence[str]) -> float:
    """Max |Δ| of a text alone vs in batches of 8/32/64 (mixed lengths, as given and sorted)."""
    alone = encode(sess, tok, texts, 1)
    worst = 0.0
    for batch in (8, 32, 64):
        for sort in (False, True):
            worst = max(worst, float(np.abs(encode(sess, tok, texts, batch, sort) - alone).max()))
    return worst


def fidelity(vectors: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    cos = (vectors * reference).sum(axis=1)
    return {
        "cos_mean": round(float(cos.mean()), 4),
        "cos_min": round(float(cos.min()), 4),
        "cos_p1": round(float(np.quantile(cos, 0.01)), 4),
    }


def speed(
    sessions: dict[str, Any], tok: Any, sets: dict[str, Sequence[str]], repeat: int
) -> dict[str, dict[str, float]]:
    """Texts/s per candidate, set and batch size: the median of `repeat` rounds, each round
    timing every candidate in turn (the machine is shared: load moves all rows alike)."""
    runs: dict[tuple[str, str], list[float]] = {}
    plan = [
        (name, label, b)
        for name in sessions
        for label in sets
        for b in ((1,) if name.startswith("dynamic") else (1, 8, 32, 64))
    ]

    def run(name: str, texts: Sequence[str], b: int) -> None:
        if name.startswith("dynamic (2 calls at once"):
            encode_pooled(sessions[name], tok, texts)
        else:
            encode(sessions[name], tok, texts, b)

    for name, label, b in plan:
        run(name, sets[label][:16], b)  # warm up
    for _ in range(repeat):
        for name, label, b in plan:
            t0 = time.perf_counter()
            run(name, sets[label], b)
            runs.setdefault((name, f"{label}_b{b}_per_s"), []).append(
                len(sets[label]) / (time.perf_counter() - t0)
            )
    out: dict[str, dict[str, float]] = {}
    for (name, key), values in runs.items():
        out.setdefault(name, {})[key] = round(statistics.median(values))
    return out


def screener_levels(texts: Sequence[str], vectors: np.ndarray) -> tuple[list[int], list[int]]:
    """(learned tier alone, patterns + learned) level ranks with the shipped heads, the
    encoder replaced by a lookup of `vectors` (rows for `texts`' windows)."""
    import theralab.safety.semantic as semantic
    from theralab.safety import default_screener
    from theralab.safety.semantic import SemanticTier

    table = dict(zip(window_list(texts), vectors, strict=True))

    class Lookup:
        def encode_array(self, pieces: Sequence[str]) -> np.ndarray:
            return np.stack([table[p] for p in pieces])

    original = semantic.screener_encoder
    semantic.screener_encoder = Lookup  # type: ignore[assignment]
    try:
        learned = [a.level.rank for a in SemanticTier().assess_batch(texts)]
        both = [a.level.rank for a in default_screener().assess_batch(texts)]
    finally:
        semantic.screener_encoder = original
    return learned, both


def window_list(texts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(w for t in texts for w in windows(t)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", default="r_meanext,r_minmax")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--n", type=int, default=300, help="texts per speed set")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--no-screener", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}", file=sys.stderr)

    pool = development_windows()
    calibration, held = pool[:CALIBRATION_TEXTS], pool[CALIBRATION_TEXTS:]
    short = [t for t in held if len(t.split()) <= 30][: args.n]
    posts = [t for t in held if 30 < len(t.split()) <= 60][: args.n]
    mixed = held[:64]  # mixed lengths, in hash order
    fid_texts = held[:2000]
    tok = tokenizer()

    fp32 = session(enc.build(Precision.FP32))
    reference = encode(fp32, tok, fid_texts, 1)
    dynamic = session(build_dynamic(OUT / "dynamic.onnx"))
    dyn_vectors = encode(dynamic, tok, fid_texts, 1)
    single = session(OUT / "dynamic.onnx", threads=1)
    pooled = encode_pooled(single, tok, fid_texts)
    rows: dict[str, dict[str, Any]] = {
        "fp32": {"invariance_max_abs": invariance(fp32, tok, mixed)},
        "dynamic (one per call)": {
            "invariance_max_abs": invariance(dynamic, tok, mixed),
            **fidelity(dyn_vectors, reference),
        },
        # the shipped int8 path: 1 thread a call, 2 calls at once; its vectors against the
        # one-per-call ones of the 2-thread session (what the heads were trained on)
        "dynamic (2 calls at once, 1 thread each)": {
            "invariance_max_abs": float(np.abs(pooled - dyn_vectors).max()),
            **fidelity(pooled, reference),
        },
    }
    sessions = {
        "fp32": fp32,
        "dynamic (one per call)": dynamic,
        "dynamic (2 calls at once, 1 thread each)": single,
    }
    vectors_of = {"dynamic (one per call)": dyn_vectors}
    for name in args.variants.split(","):
        t0 = time.perf_counter()
        path = candidates(calibration)[name]()
        built = time.perf_counter() - t0
        sess = session(path)
        sessions[name] = sess
        vectors_of[name] = encode(sess, tok, fid_texts, 32)
        rows[name] = {
            "invariance_max_abs": invariance(sess, tok, mixed),
            **fidelity(vectors_of[name], reference),
            "build_s": round(built, 1),
            "file": path.name,
            "sha1": hashlib.sha1(path.read_bytes()).hexdigest()[:12],
        }
        print(f"  {name}: {rows[name]}", file=sys.stderr)

    if not args.no_speed:
        for name, figures in speed(
            sessions, tok, {"short": short, "post40": posts}, args.repeat
        ).items():
            rows[name].update(figures)

    if not args.no_screener:
        dev, _ = split_frozen(load_corpus())
        texts = [m.text for m in dev]
        pieces = window_list(texts)
        base = encode(dynamic, tok, pieces, 1)
        learned0, both0 = screener_levels(texts, base)
        for name, sess in sessions.items():
            if name == "fp32" or name.startswith("dynamic"):
                continue
            learned, both = screener_levels(texts, encode(sess, tok, pieces, 32))
            d_learned = np.array(learned) - np.array(learned0)
            d_both = np.array(both) - np.array(both0)
            rows[name]["screener_messages"] = len(texts)
            rows[name]["levels_changed_learned"] = int((d_learned != 0).sum())
            rows[name]["levels_changed_screener"] = int((d_both != 0).sum())
            rows[name]["screener_up_down"] = [int((d_both > 0).sum()), int((d_both < 0).sum())]

    print(
        f"\n{len(calibration)} calibration windows; fidelity on {len(fid_texts)} held-out dev "
        f"windows; speed on {len(short)} short (≤ 30 words, mean "
        f"{statistics.mean(len(t.split()) for t in short):.0f}) and {len(posts)} posts (mean "
        f"{statistics.mean(len(t.split()) for t in posts):.0f} words)"
    )
    keys = sorted({k for r in rows.values() for k in r if k not in ("file", "sha1")}, key=order)
    print("| " + " | ".join(["candidate", *keys]) + " |")
    print("|" + "---|" * (len(keys) + 1))
    for name, r in rows.items():
        print("| " + " | ".join([name, *(fmt(r.get(k, "")) for k in keys)]) + " |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def order(key: str) -> tuple[int, str]:
    first = ("invariance", "cos_", "short", "post40", "screener", "levels", "build")
    return next((i for i, p in enumerate(first) if key.startswith(p)), 99), key


def fmt(value: object) -> str:
    if isinstance(value, float) and value and abs(value) < 1e-3:
        return f"{value:.1e}"
    return str(value)


if __name__ == "__main__":
    main()
