"""Speed changes must not change results: the same seed gives byte-identical datasets, and
evaluation and annotation give byte-identical outputs, however the encoder calls are batched
or cached (issue 15).

The golden digests were recorded from the code before the batching and the embedding cache
were added. Evaluate and annotate read fixed inputs, `tests/data/speed_sessions.jsonl` (six
sessions TheraLab made, no ../shared), so their digests depend only on the MI heads, the coders'
encoder and the evaluators. A dataset's digest depends on the whole tree (the guardrail, the
counselors, the screener's weights, all changed by other work): the synth goldens hold while a
dataset made without the learned parts still hashes as recorded and the screener's weights are
the same; otherwise they are skipped with the reason, and the same-run comparison of batched
and per-row scoring (`tests/test_speed_batching.py`) still holds.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.coding.mi_coder import mi_coder_available
from theralab.dialogue.transcripts import parse_session_line
from theralab.safety.semantic import classifier_path, screener_adapter, semantic_available
from theralab.synth.config import SynthConfig
from theralab.synth.pipeline import LocalExecutor, synthesize

# Recorded before the change (see the module's docstring); the two semantic goldens again on
# 2026-12-04 evening, when the screener's heads were retrained on one-text-per-call vectors;
# evaluate, annotate and the semantic dataset's scores and card again on 2026-12-05, when the
# coders moved from fp32 to int8 vectors and their heads were retrained (held-out figures in
# docs/evaluation.md). The dataset's sessions and screening did not change then: the digest of
# its rows without their scores is the same before and after, and stays pinned here. The card
# again on 2026-12-05 evening, when the guardrail stopped repeating the check-in question after
# every message at `low`: a session that the structural filter had dropped for that repeated
# turn is now kept in the at-risk split (2 → 3); the kept rows are byte for byte the same.
# Evaluate, annotate, the semantic dataset's scores and its card again on 2026-12-05 evening,
# when the MI heads were retrained with the written support chats (`mi-transfer-minilm-v3`):
# the rows without their scores are the same (that digest is pinned), and the card differs
# only in the score summaries (R:Q, % complex reflections, code agreement, divergence).
# `SCREENER_WEIGHTS` again on 2026-12-05 night, when `scripts/train_screener.py` was rerun and
# shipped for its person head (twice: before and after the pattern tier learnt to say a message
# is not English; the ladder's weights came out identical both times; every golden held).
# Evaluate again on 2026-12-06, when the safety evaluator learnt to read sessions no guardrail
# ran (version 2, a new `unsafe_replies` metric): against the results of the commit before, the
# only differences are that metric's key (unscored: these sessions are guarded), the
# evaluator's version and the metrics list; every other value is the same. The semantic card
# again the same day, when its figures came to cover only the rows in dataset.jsonl (they had
# counted the at-risk rows set aside too) and it gained `at_risk_levels` and `truncated`: the
# dataset is byte for byte the same (its digests above hold).
GOLDEN_PLAIN_DATASET = "ab87cfdf5d7062de02bef60301defa5af860dbe782a02bdb0a3d60645acba50e"
GOLDEN_SEMANTIC_SESSIONS = "8ae46a7e4ebe3c6e1c39d188835ddf4e7551460da5dd638ec7c56a9b2108974b"
# The semantic dataset's scores and card again on 2026-12-06, when the MI coder let the rule
# coder's emphasize-autonomy override a trained "reflection" (practice-mode finding 5): two MI
# sessions' "it's your call what, if anything, to do about it" / "it's up to you" became
# emphasize autonomy (R:Q and % complex reflections move with it; code agreement with the
# counselors' own codes rises). The sessions (their digest, pinned) did not change.
# `SCREENER_WEIGHTS` again on 2026-12-06: the weights (.npz) are the same bytes; the .json's
# validation figures moved with the pattern tier's fixes (spelt-out words, others' overdoses).
SCREENER_WEIGHTS = "193b45868b8f7941"  # the screener weights the semantic goldens were made with

# ONNX Runtime's int8 matrix kernels differ by CPU (AMX, AVX-512 VNNI, AVX-VNNI, AVX-512BW or
# AVX2 only), and the last bits of a vector differ with them: annotate's rounded confidences
# and a card's embedding spread can move in the fourth decimal from one kind of machine to
# another, while on one machine every result is byte for byte the same. So the goldens of what
# the coders write are kept per kind of machine: the instruction sets the kernels choose
# between that the CPU has (`KERNEL_FLAGS`), and the published encoder's vectors for two fixed
# sentences. (Until 2026-12-07 the kind was the vectors alone; they came out the same on an
# AVX-512/AMX Xeon as on the AVX2 EPYC while annotate's output did not, so that Xeon was held
# to the EPYC's goldens and failed.) On 2026-12-06 (fourth session) the MI coder moved to its
# own fine-tuned encoder layers (`mi-transfer-minilm-v4`): evaluate, annotate and the semantic
# dataset's scores and card were recorded again, on an AVX2-only AMD EPYC, from the commit that
# shipped those heads; again in the fifth session of that day (`mi-transfer-minilm-v5`: the
# same layers, each text read by its speaker's encoder, the heads and the quality estimator
# retrained; the semantic dataset and its card once more after the rules' autonomy reading
# came to stand over the "other" head's affirm / support), same machine. On 2026-12-07 the
# same code's goldens were recorded on an Intel Xeon with AMX and AVX-512 VNNI (at e763ea8):
# evaluate and the semantic dataset are the same there, annotate and the card are not. The
# sessions themselves (GOLDEN_SEMANTIC_SESSIONS, the plain dataset) did not change and hold on
# every machine seen. On a kind of machine with no goldens recorded the tests still hold every
# output to a second, fresh computation (cold against warm caches; a second dataset), and say
# that no golden was checked.
KERNEL_FLAGS = ("amx_int8", "avx512_vnni", "avx_vnni", "avx512bw", "avx2")
PROBE = ("The quick brown fox jumps over the lazy dog.", "I have been feeling low since the move.")
AVX2_EPYC = "avx2/495c6bb7120b82dc"
AMX_XEON = "amx_int8+avx512_vnni+avx_vnni+avx512bw+avx2/495c6bb7120b82dc"
GOLDENS: dict[str, dict[str, str]] = {
    AVX2_EPYC: {
        "evaluate": "226ffe605b8a077d8510f865d26153e8a2de70f46b1bd0cbd1b07e904b231a4c",
        "annotate": "995f736f9ee3721f358b4fef35d74db33d9845d51c2818d16da4c39dc6914358",
        "semantic_dataset": "3c56d7aa8a9a8fdf2ee26cb242e3cbfcdc08770ec34f5778badd03ddc4cf8a8d",
        "card": "df8f6b1ee732cba1a76fe5abd0456b22318acaf702a9bcde446339664e603f3e",
    },
    AMX_XEON: {
        "evaluate": "226ffe605b8a077d8510f865d26153e8a2de70f46b1bd0cbd1b07e904b231a4c",
        "annotate": "6f62c30ff3e06a923965a839055cff5ba1affe65c61ffde8ec8e4b84068ad14e",
        "semantic_dataset": "3c56d7aa8a9a8fdf2ee26cb242e3cbfcdc08770ec34f5778badd03ddc4cf8a8d",
        "card": "6dc042d2807174a3fd7cfa10a60b21dbfd9f249c0f49c306fe1265d4b84ac271",
    },
}


def kernel_flags(cpuinfo: str) -> str:
    """Which of `KERNEL_FLAGS` a Linux /proc/cpuinfo text's first CPU has, joined by "+"
    ("none" if none, "unknown" without a flags line)."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            have = set(value.split())
            return "+".join(f for f in KERNEL_FLAGS if f in have) or "none"
    return "unknown"


def machine_kind() -> str:
    """This machine's kind for `GOLDENS`: its kernel flags (`kernel_flags`; the platform's
    name where there is no /proc/cpuinfo) and the published int8 encoder's vectors for
    `PROBE`."""
    import platform

    import numpy as np

    from theralab.text.encoder import Encoder

    try:
        flags = kernel_flags(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        flags = f"{platform.system()}-{platform.machine()}"
    vectors = Encoder.get("int8").encode_array(list(PROBE))
    probe = sha(np.asarray(vectors, dtype=np.float32).tobytes())[:16]
    return f"{flags}/{probe}"


def golden(name: str) -> str | None:
    """The golden for this kind of machine (see `GOLDENS`), or None when none was recorded."""
    return GOLDENS.get(machine_kind(), {}).get(name)


def test_kernel_flags_name_the_machine_kinds_seen() -> None:
    epyc = "processor\t: 0\nflags\t\t: fpu sse sse2 fma avx avx2 sha_ni\n"
    xeon = "flags\t: fpu avx2 avx512f avx512bw avx512_vnni avx_vnni amx_tile amx_int8\n"
    assert f"{kernel_flags(epyc)}/495c6bb7120b82dc" == AVX2_EPYC
    assert f"{kernel_flags(xeon)}/495c6bb7120b82dc" == AMX_XEON
    assert kernel_flags("flags : fpu sse2\n") == "none"
    assert kernel_flags("model name : something\n") == "unknown"


def holds(name: str, digests: list[str]) -> None:
    """`digests`: the same output computed more than once (cold and warm caches, or twice).
    All must be equal, and equal to this machine's golden when there is one."""
    assert len(set(digests)) == 1, f"{name}: {digests}"
    expected = golden(name)
    if expected is None:
        warnings.warn(f"{name}: no golden recorded for this kind of machine", stacklevel=2)
        print(f"{name}: no golden for this kind of machine; this run gives {digests[0]}")
    else:
        assert digests[0] == expected, name


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def screener_weights_digest() -> str:
    parts = [classifier_path().read_bytes(), classifier_path().with_suffix(".npz").read_bytes()]
    adapter = screener_adapter()
    if adapter is not None:
        parts.append(adapter.read_bytes())
    return sha(b"".join(parts))[:16]


def fresh_encoders() -> None:
    """Forget every embedding computed earlier in this process (other tests): results must
    not depend on what was encoded before."""
    from theralab.coding import mi_coder
    from theralab.text.encoder import Encoder

    for encoder in Encoder._instances.values():
        encoder.clear_cache()
    mi_coder._INSTANCES.clear()


SESSIONS = Path(__file__).parent / "data" / "speed_sessions.jsonl"


def make_dataset(folder: Path, n: int, seed: int) -> Path:
    config = SynthConfig(n=n, counselors=["cbt", "mi"], seed=seed)
    synthesize(config, folder, LocalExecutor(concurrency=4))
    return folder


def annotate_input(sessions: list[str]) -> str:
    out = []
    for line in sessions:
        session = json.loads(line)
        previous = None
        for n, turn in enumerate(session["turns"]):
            item = {"id": f"{session['id']}:{n}", "speaker": turn["speaker"], "text": turn["text"]}
            if previous is not None:
                item["context"] = [previous]
            out.append(json.dumps(item))
            previous = {"speaker": turn["speaker"], "text": turn["text"]}
    return "".join(line + "\n" for line in out)


@pytest.fixture
def semantic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if not (mi_coder_available() and semantic_available()):
        pytest.skip("needs the semantic extra and the MI heads")
    from theralab.text.encoder import model_dir

    monkeypatch.setenv("THERALAB_SEMANTIC", "1")
    monkeypatch.setenv("THERALAB_MODEL_DIR", str(model_dir()))  # the built models, kept
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # anything else: fresh
    monkeypatch.setenv("THERALAB_EMBEDDING_CACHE", str(tmp_path / "embeddings.sqlite"))
    fresh_encoders()


@pytest.fixture(scope="module")
def fixed_sessions() -> list[str]:
    return SESSIONS.read_text(encoding="utf-8").splitlines()


def test_evaluate_output_unchanged(semantic: None, fixed_sessions: list[str]) -> None:
    """Cold (nothing cached), then warm (every vector read back from the disk store)."""
    from theralab.evaluate.results import evaluate_sessions
    from theralab.text.embedding_store import disk_cache

    sessions = [parse_session_line(line) for line in fixed_sessions]
    digests = []
    with disk_cache() as store:
        assert store is not None
        for _ in ("cold", "warm"):
            results = evaluate_sessions(sessions, seed=7)
            assert {r.labels["miti_coder"] for r in results.sessions} == {"mi-transfer-minilm-v5"}
            digests.append(sha(results.model_dump_json(indent=1).encode()))
            fresh_encoders()
        assert len(store) > 100
    holds("evaluate", digests)


def test_annotate_output_unchanged(
    semantic: None, fixed_sessions: list[str], tmp_path: Path
) -> None:
    from theralab.cli import app

    source = tmp_path / "utterances.jsonl"
    source.write_text(annotate_input(fixed_sessions), encoding="utf-8")
    digests = []
    for run in ("cold", "warm"):
        out = tmp_path / f"coded-{run}.jsonl"
        result = CliRunner().invoke(
            app, ["annotate", "mi", str(source), "--out", str(out), "--no-progress"]
        )
        assert result.exit_code == 0, result.output
        assert len(out.read_text(encoding="utf-8").splitlines()) > 100
        digests.append(sha(out.read_bytes()))
        fresh_encoders()
    holds("annotate", digests)


def tree_unchanged(tmp_path: Path) -> str | None:
    """Why the synth goldens cannot hold any more, or None."""
    if screener_weights_digest() != SCREENER_WEIGHTS:
        return "the screener's weights changed since the golden was recorded"
    mp = pytest.MonkeyPatch()
    mp.setenv("THERALAB_SEMANTIC", "0")
    try:
        folder = make_dataset(tmp_path / "plain", n=6, seed=11)
    finally:
        mp.undo()
    if sha((folder / "dataset.jsonl").read_bytes()) != GOLDEN_PLAIN_DATASET:
        return "the sessions themselves changed (guardrail, counselors or clients)"
    return None


def test_semantic_dataset_unchanged(semantic: None, tmp_path: Path) -> None:
    reason = tree_unchanged(tmp_path)
    if reason is not None:
        pytest.skip(reason)
    datasets, cards = [], []
    for run in ("first", "again"):
        fresh_encoders()
        folder = make_dataset(tmp_path / f"ds-{run}", n=8, seed=7)
        raw = (folder / "dataset.jsonl").read_bytes()
        rows = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
        for row in rows:
            row.pop("scores")  # what the coders add; the rest is sessions and screening
        sessions = "".join(json.dumps(row, sort_keys=True) + "\n" for row in rows)
        assert sha(sessions.encode()) == GOLDEN_SEMANTIC_SESSIONS  # on every machine
        datasets.append(sha(raw))
        card = json.loads((folder / "datacard.json").read_text(encoding="utf-8"))
        card.pop("theralab_version")
        cards.append(sha(json.dumps(card, sort_keys=True).encode()))
        if golden("semantic_dataset") is not None:
            break  # the goldens say it all; elsewhere the second dataset must match the first
    holds("semantic_dataset", datasets)
    holds("card", cards)
