"""Issue 15's speed table in one run, every row beside its baseline measured in the same run.

Rows (each a real `theralab` command in a process of its own, as a user runs it, with the
semantic tier and the trained coders on — their defaults):

* `run` (the main job: 64 sessions, evaluation, report): wall time and peak RSS, beside the
  same command with `THERALAB_SEMANTIC=0`;
* `synth cactus --n N` (scripted, guarded, scored): rows/s and the command's peak RSS;
* the same synth command beside one other CPU-bound process (a busy shared machine: the
  issue's figures in brackets), against the quiet run of this bench;
* `evaluate` on ESConv's 195 validation chats converted to transcripts: sessions/s;
* `annotate mi` on AnnoMI's utterances (each with its previous utterance as context):
  utterances/s;
* `screen` on short client messages (ESConv seeker turns, ≤ 30 words): messages/s, and one
  message's p50 / p99 latency (the guardrail's call, in this process);
* `make run` on a fresh clone of this repository's HEAD (committed work only), with
  `../shared` beside it: install included, with pip's cache off and an empty encoder cache
  (`XDG_CACHE_HOME`), so packages come from the package index and the encoders are built
  again, as on a new machine; beside the same clone's second `make run` (nothing reinstalled:
  the main job alone). Packages come from whatever index pip is configured with: a local
  mirror makes the install far faster than a download over the internet would be.

Baselines, measured in this run on the same texts:

* the raw encoder (`theralab.text.encoder.Encoder`, cache cleared, one `encode_array` call
  over the deduplicated texts) — the physical limit of an embedding path: the MI coder's
  (`CODER_PRECISION` with its fine-tuned layers, for evaluate and annotate), the screener's
  (for screen). The ratio
  printed is the command's texts/s over the encoder's on the texts that command encodes
  (≤ 1; 1 means all the time is spent encoding), and in brackets the same in CPU time (the
  encoder's CPU seconds over the command's), which the machine's load moves less;
* for synth: the same command with `THERALAB_SEMANTIC=0` (pattern screener, rule coder, no
  embedding spread) — what the embedding parts cost on top;
* for evaluate and annotate, run twice on a fresh on-disk embedding store
  (`theralab.text.embedding_store`): the cold run against the raw encoder, the warm run (the
  same texts again) against the cold one, with both outputs compared byte for byte.

Each command's wall time and CPU time (user + system of its process) are printed: on a busy
machine the wall time mostly measures the other jobs; CPU time is what the command costs.

Texts come from ../shared/data (research data: read, never copied into the project). The
machine is shared: absolute figures vary with its load (printed first); the ratios less.

    .venv/bin/python bench/speed.py [--n 60]
        [--only run,synth,busy,evaluate,annotate,screen,fresh]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THERALAB = [sys.executable, "-c", "from theralab.cli import main; main()"]
GOALS = {
    "run": "≤ 20 s",
    "synth": "≥ 5 rows/s, ≤ 600 MB",
    "evaluate": "≥ 10 sessions/s",
    "annotate": "≥ 300 utterances/s",
    "screen": "≥ 400 msg/s",
    "latency": "p50 ≤ 5 ms, p99 ≤ 10 ms",
    "fresh": "≤ 6 min",
}
SHORT_WORDS = 30


@dataclass
class Timed:
    seconds: float  # wall clock
    cpu: float  # user + system seconds of the command's process (less sensitive to load)
    peak_rss_mb: float

    def __str__(self) -> str:
        return f"{self.seconds:.1f} s wall, {self.cpu:.1f} s CPU"


def run_cli(args: Sequence[str], env: dict[str, str] | None = None) -> Timed:
    """Run `theralab ARGS` in a fresh process; wall time and that process's peak RSS."""
    full_env = {**os.environ, **(env or {})}
    # Output to files, not pipes: `wait4` reaps the process before anything is read, and a
    # command that wrote more than a pipe holds would block on it forever.
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [*THERALAB, *args], cwd=ROOT, env=full_env, stdout=stdout, stderr=stderr
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        stdout.seek(0)
        stderr.seek(0)
        out = stdout.read().decode(errors="replace")
        err = stderr.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"theralab {' '.join(args)} failed:\n{out[-2000:]}\n{err[-2000:]}")
    return Timed(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


# --- inputs from ../shared/data ------------------------------------------------------------


def esconv_transcripts(data: Path, out: Path) -> int:
    """ESConv's validation chats as TheraLab transcripts (supporter → counselor)."""
    lines = []
    with (data / "esconv" / "valid.jsonl").open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh):
            chat = json.loads(raw)
            turns = [
                {"speaker": "counselor" if t["speaker"] == "sys" else "client", "text": t["text"]}
                for t in chat["dialog"]
                if t["text"].strip()
            ]
            lines.append(
                json.dumps(
                    {
                        "id": f"esconv-valid-{n:04d}",
                        "counselor": {"name": "esconv-supporter", "engine": "human"},
                        "client": {"name": "esconv-seeker", "engine": "human"},
                        "turns": turns,
                    }
                )
            )
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def annomi_lines(out: Path) -> tuple[int, list[str]]:
    """AnnoMI's utterances as `annotate mi` input, each with the utterance before it as
    context; also returns the texts the coder encodes (utterances and contexts)."""
    from theralab.coding.corpora import read_annomi

    lines, texts = [], []
    for transcript in read_annomi():
        previous: dict[str, str] | None = None
        for u in transcript.utterances:
            if not u.text.strip():
                continue
            item = {"id": f"{u.transcript_id}-{u.index}", "speaker": u.speaker, "text": u.text}
            if previous is not None:
                item["context"] = [previous]
                texts.append(previous["text"])
            texts.append(u.text)
            lines.append(json.dumps(item))
            previous = {"speaker": u.speaker, "text": u.text}
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines), texts


def short_messages(data: Path, n: int) -> list[str]:
    """Seeker turns of ESConv's training chats of at most SHORT_WORDS words, in file order."""
    from theralab.coding.corpora import esconv_seeker_turns

    found = [
        text.strip()
        for chat in esconv_seeker_turns(data / "esconv" / "train.jsonl")
        for text in chat
        if len(text.split()) <= SHORT_WORDS
    ]
    return found[:n]


def counselor_units_of(transcripts: Path) -> list[str]:
    """The texts the MI coder encodes to evaluate these transcripts: every counselor
    sentence and the turn before it."""
    from theralab.coding.mi_coder import counselor_units

    texts: list[str] = []
    with transcripts.open(encoding="utf-8") as fh:
        for raw in fh:
            turns = json.loads(raw)["turns"]
            for i, t in enumerate(turns):
                if t["speaker"] == "counselor":
                    texts += counselor_units(t["text"])
                    if i:
                        texts.append(turns[i - 1]["text"])
    return texts


# --- baselines --------------------------------------------------------------------------


@dataclass
class Raw:
    rate: float  # texts per second, wall clock
    cpu: float  # CPU seconds for all of them (every thread of this process)


def raw_encoder(texts: Sequence[str], encoder_of: str) -> Raw:
    """The bare encoder on `texts` (deduplicated, cache cleared, model already loaded):
    "coders" (the MI coder's: `CODER_PRECISION` with its fine-tuned layers) or "screener"
    (with its fine-tuned layers, if shipped)."""
    from theralab.coding.mi_coder import coder_adapter
    from theralab.safety.semantic import screener_encoder
    from theralab.text.encoder import CODER_PRECISION, Encoder

    unique = list(dict.fromkeys(texts))
    if encoder_of == "screener":
        encoder = screener_encoder()
    else:
        encoder = Encoder.get(CODER_PRECISION, coder_adapter())
    encoder.encode_array(["warm up the session"])
    encoder.clear_cache()
    t0, c0 = time.perf_counter(), time.process_time()
    encoder.encode_array(unique)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    encoder.clear_cache()
    return Raw(len(unique) / seconds, cpu)


def one_message_latency(texts: Sequence[str]) -> tuple[float, float]:
    """p50 / p99 (ms) of the default screener on one message at a time (the guardrail's
    call), encoder cache cleared, model loaded."""
    from theralab.safety import default_screener
    from theralab.safety.semantic import screener_encoder

    screener = default_screener()
    screener.assess("warm up the screener")
    screener_encoder().clear_cache()
    times = []
    for text in texts:
        t0 = time.perf_counter()
        screener.assess(text)
        times.append((time.perf_counter() - t0) * 1000)
    ordered = sorted(times)
    return statistics.median(times), ordered[int(0.99 * (len(ordered) - 1))]


# --- the table --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="synth rows")
    parser.add_argument("--messages", type=int, default=3100, help="screen: messages")
    parser.add_argument("--latency-messages", type=int, default=300)
    parser.add_argument("--only", default="run,synth,busy,evaluate,annotate,screen,fresh")
    parser.add_argument("--data", type=Path, default=None, help="../shared/data")
    args = parser.parse_args(argv)
    os.environ["THERALAB_SEMANTIC"] = "1"
    from theralab.coding.corpora import shared_data_dir
    from theralab.safety.semantic import semantic_available

    data = args.data or shared_data_dir()
    if not (data / "esconv" / "valid.jsonl").is_file():
        print(f"needs ../shared/data (ESConv, AnnoMI); not found at {data}", file=sys.stderr)
        return 2
    if not semantic_available():
        print("needs the semantic extra (the defaults measured here)", file=sys.stderr)
        return 2
    only = set(args.only.split(","))
    load = os.getloadavg()
    print(
        f"load: {load[0]:.2f} {load[1]:.2f} (1, 5 min) on {os.cpu_count()} cores — a shared "
        "machine: compare ratios, not absolute figures"
    )
    print("| path | measured | baseline (same run) | ratio | goal |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="theralab-speed-") as tmp:
        work = Path(tmp)
        # a fresh embedding store: the first evaluate / annotate run is cold, the second warm
        os.environ["THERALAB_EMBEDDING_CACHE"] = str(work / "embeddings.sqlite")
        if "run" in only:
            run_row(work)
        if "fresh" in only:
            fresh_row(work, data)
        quiet = synth_row(args.n, work) if "synth" in only else None
        if "busy" in only:
            busy_row(args.n, work, quiet)
        if "evaluate" in only:
            transcripts = work / "esconv.jsonl"
            n = esconv_transcripts(data, transcripts)
            args_ = ["evaluate", str(transcripts), "--no-report"]
            cold = run_cli([*args_, "--out", str(work / "ev1")])
            warm = run_cli([*args_, "--out", str(work / "ev2")])
            same = (work / "ev1" / "results.json").read_bytes() == (
                work / "ev2" / "results.json"
            ).read_bytes()
            texts = counselor_units_of(transcripts)
            encoder_row(
                f"evaluate, {n} ESConv chats",
                n,
                "sessions",
                cold,
                warm,
                same,
                texts,
                "coders",
                GOALS["evaluate"],
            )
        if "annotate" in only:
            lines = work / "annomi.jsonl"
            n, texts = annomi_lines(lines)
            args_ = ["annotate", "mi", str(lines), "--no-progress"]
            cold = run_cli([*args_, "--out", str(work / "an1.jsonl")])
            warm = run_cli([*args_, "--out", str(work / "an2.jsonl")])
            same = (work / "an1.jsonl").read_bytes() == (work / "an2.jsonl").read_bytes()
            encoder_row(
                f"annotate mi, {n} AnnoMI utterances",
                n,
                "utterances",
                cold,
                warm,
                same,
                texts,
                "coders",
                GOALS["annotate"],
            )
        if "screen" in only:
            messages = short_messages(data, args.messages)
            path = work / "messages.jsonl"
            path.write_text(
                "".join(
                    json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(messages)
                ),
                encoding="utf-8",
            )
            timed = run_cli(["screen", str(path), "--out", str(work / "sc.jsonl"), "--no-progress"])
            limit = raw_encoder(messages, "screener")
            rate = len(messages) / timed.seconds
            print(
                f"| screen, {len(messages)} short client messages | {rate:.0f} msg/s ({timed}), "
                f"peak RSS {timed.peak_rss_mb:.0f} MB "
                f"| raw screener's encoder {limit.rate:.0f} msg/s ({limit.cpu:.1f} s CPU) | "
                f"{rate / limit.rate:.2f} (CPU {limit.cpu / timed.cpu:.2f}) | "
                f"{GOALS['screen']} |"
            )
            p50, p99 = one_message_latency(messages[: args.latency_messages])
            alone = 1000 / raw_encoder_alone(messages[: args.latency_messages])
            print(
                f"| one message (guardrail call) | p50 {p50:.1f} ms, p99 {p99:.1f} ms | raw "
                f"int8 encoder {alone:.1f} ms per message alone | {alone / p50:.2f} | "
                f"{GOALS['latency']} |"
            )
    print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


def run_make(args: Sequence[str], cwd: Path, env: dict[str, str]) -> Timed:
    """`make ARGS` in `cwd`: wall time and the CPU time of make and everything it ran."""
    import resource

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    cpu0, t0 = children_cpu(), time.perf_counter()
    done = subprocess.run(["make", *args], cwd=cwd, env=env, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        raise SystemExit(f"make {' '.join(args)} in {cwd} failed:\n{tail}")
    return Timed(seconds, cpu, 0.0)


def fresh_row(work: Path, data: Path) -> None:
    """`make run` on a fresh clone (install included, no pip cache, no encoder cache), then
    its second `make run` (nothing reinstalled)."""
    clone = work / "fresh" / "theralab"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    (clone.parent / "shared").symlink_to(data.parent)  # `../shared` beside the clone
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"VIRTUAL_ENV", "THERALAB_MODEL_DIR", "THERALAB_EMBEDDING_CACHE"}
    }
    env |= {
        "PIP_NO_CACHE_DIR": "1",
        "XDG_CACHE_HOME": str(work / "fresh" / "cache"),
        "PYTHON": str(Path(sys.base_prefix) / "bin" / "python3"),
    }
    first = run_make(["run"], clone, env)
    second = run_make(["run"], clone, env)
    print(
        f"| make run on a fresh clone (install + run; HEAD, `../shared` beside it) | "
        f"{first.seconds:.0f} s ({first}) | its second make run {second.seconds:.1f} s "
        f"({second}), so set-up {first.seconds - second.seconds:.0f} s | "
        f"{second.seconds / first.seconds:.2f} (CPU {second.cpu / first.cpu:.2f}) | "
        f"{GOALS['fresh']} |"
    )


def run_row(work: Path) -> None:
    """The main job with its defaults against the same command without the learned parts."""
    full = run_cli(["run", "--out", str(work / "runs1")])
    plain = run_cli(["run", "--out", str(work / "runs0")], env={"THERALAB_SEMANTIC": "0"})
    print(
        f"| theralab run (defaults: 64 sessions, report) | {full.seconds:.1f} s ({full}), peak "
        f"RSS {full.peak_rss_mb:.0f} MB | {plain.seconds:.1f} s without the learned parts "
        f"({plain}) | {plain.seconds / full.seconds:.2f} (CPU {plain.cpu / full.cpu:.2f}) | "
        f"{GOALS['run']} |"
    )


def synth_row(n: int, work: Path) -> Timed:
    """Defaults (semantic screener, trained coder, embedding spread) against the same command
    without the learned parts; both datasets written, both timed."""
    fast = run_cli(["synth", "cactus", "--n", str(n), "--out", str(work / "s1")])
    plain = run_cli(
        ["synth", "cactus", "--n", str(n), "--out", str(work / "s0")],
        env={"THERALAB_SEMANTIC": "0"},
    )
    rate, base = n / fast.seconds, n / plain.seconds
    print(
        f"| synth cactus --n {n} | {rate:.2f} rows/s ({fast}), peak RSS "
        f"{fast.peak_rss_mb:.0f} MB | {base:.2f} rows/s without the learned parts ({plain}, "
        f"RSS {plain.peak_rss_mb:.0f} MB) | {rate / base:.2f} (CPU {plain.cpu / fast.cpu:.2f}) "
        f"| {GOALS['synth']} |"
    )
    return fast


def busy_row(n: int, work: Path, quiet: Timed | None) -> None:
    """The synth command (defaults) while one other process keeps a core busy, against the
    same command on the quiet machine (the synth row's run, or one made here)."""
    if quiet is None:
        quiet = run_cli(["synth", "cactus", "--n", str(n), "--out", str(work / "sq")])
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)  # let it take its core
        busy = run_cli(["synth", "cactus", "--n", str(n), "--out", str(work / "sb")])
    finally:
        hog.kill()
        hog.wait()
    print(
        f"| synth cactus --n {n} beside one CPU-bound process | {n / busy.seconds:.2f} rows/s "
        f"({busy}) | the quiet run: {n / quiet.seconds:.2f} rows/s ({quiet}) | "
        f"{quiet.seconds / busy.seconds:.2f} | {GOALS['synth']} |"
    )


def encoder_row(
    label: str,
    n: int,
    unit: str,
    cold: Timed,
    warm: Timed,
    same: bool,
    texts: Sequence[str],
    encoder_of: str,
    goal: str,
) -> None:
    """A command over n items, first with an empty embedding store (cold), then again (warm),
    beside the raw encoder on the texts it encodes."""
    limit = raw_encoder(texts, encoder_of)
    unique = len(set(texts))
    print(
        f"| {label}, cold store | {n / cold.seconds:.1f} {unit}/s ({cold}), peak RSS "
        f"{cold.peak_rss_mb:.0f} MB | raw {encoder_of}' "
        f"encoder {limit.rate:.0f} texts/s ({limit.cpu:.1f} s CPU) on its {unique} texts | "
        f"{unique / cold.seconds / limit.rate:.2f} (CPU {limit.cpu / cold.cpu:.2f}) | {goal} |"
    )
    print(
        f"| {label}, warm store | {n / warm.seconds:.1f} {unit}/s ({warm}); output "
        f"{'identical' if same else 'DIFFERENT'} | the cold run | "
        f"{cold.seconds / warm.seconds:.1f}× (CPU {cold.cpu / warm.cpu:.1f}×) | {goal} |"
    )


def raw_encoder_alone(texts: Sequence[str]) -> float:
    """Messages per second of the int8 encoder called once per message (no batching)."""
    from theralab.safety.semantic import screener_encoder

    encoder = screener_encoder()
    encoder.encode_array(["warm up"])
    encoder.clear_cache()
    t0 = time.perf_counter()
    for text in texts:
        encoder.encode_array([text])
    seconds = time.perf_counter() - t0
    encoder.clear_cache()
    return len(texts) / seconds


if __name__ == "__main__":
    raise SystemExit(main())
