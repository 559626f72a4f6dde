"""The dataset-synthesis done-when at scale: 10,000 scripted sessions synthesise, filter,
de-duplicate and export with memory flat in N (peak RSS at 10k within 1.5x of the peak at
1k), and a run killed midway (SIGKILL) and rerun ends with no duplicates and no loss.

Each `theralab synth cactus` and `theralab export` is a fresh child process; its peak RSS is
the kernel's own figure for that child (`wait4` rusage, ru_maxrss), cross-checked with its
VmHWM polled from /proc. A child's ru_maxrss starts at its parent's high-water mark (vfork +
exec), so this script streams every file it checks and stays far smaller than its children
(its own peak is printed). The 10k run is killed once about half its rows are in rows.jsonl,
then the same command is run again.

The semantic screening tier is off by default (THERALAB_SEMANTIC=0): on these shared 2-core
machines it costs seconds per turn, so 10k rows would take a day; `--semantic` turns it on
and `--semantic-probe N` times N rows both ways.

    .venv/bin/python bench/synth_scale.py                     # 1k and 10k, ~30-60 min here
    .venv/bin/python bench/synth_scale.py --sizes 200,1000    # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
SYNTH_OPTIONS = [
    *("--counselor", "cbt", "--counselor", "mi"),
    *("--quota", "problem=even", "--quota", "attitude=even"),
    *("--filter", "turns>=12", "--no-progress"),
]


@dataclass
class Child:
    """One finished child process: exit status, wall time, peak RSS (wait4, and the highest
    VmHWM seen while polling /proc) and its output."""

    returncode: int
    seconds: float
    peak_mib: float
    polled_peak_mib: float
    output: str


def vm_hwm_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_child(
    args: list[str], env: dict[str, str], log: Path, kill_when: tuple[Path, int] | None = None
) -> Child:
    """Run `args`, wait for it with wait4 (its own rusage), optionally SIGKILL it once the
    file in `kill_when` holds that many lines."""
    started = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
        lines, offset, polled = 0, 0, 0.0
        while True:
            polled = max(polled, vm_hwm_mib(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if kill_when is not None and kill_when[0].exists():
                with kill_when[0].open("rb") as fh:
                    fh.seek(offset)
                    chunk = fh.read()
                lines += chunk.count(b"\n")
                offset += len(chunk)
                if lines >= kill_when[1]:
                    os.kill(proc.pid, signal.SIGKILL)
                    kill_when = None
            time.sleep(0.1)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Child(
        proc.returncode,
        time.perf_counter() - started,
        usage.ru_maxrss / 1024,  # KiB on Linux
        polled,
        log.read_text(errors="replace"),
    )


def synth_command(n: int, folder: Path) -> list[str]:
    return [
        str(BIN / "theralab"),
        "synth",
        "cactus",
        "--n",
        str(n),
        *SYNTH_OPTIONS,
        "--out",
        str(folder),
    ]


def export_command(folder: Path) -> list[str]:
    return [str(BIN / "theralab"), "export", str(folder), "--format", "openai"]


def iter_jsonl(path: Path, torn: list[int] | None = None) -> Iterator[dict[str, Any]]:
    """The parsed lines of a JSONL file, one at a time; torn lines (not JSON) are counted."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError:
                if torn is not None:
                    torn[0] += 1


def check_folder(folder: Path, n: int) -> dict[str, Any]:
    """No loss and no duplicates: every index made ok at least once in rows.jsonl, and every
    row in exactly one of dataset / at_risk / dropped, and no id twice in the outputs."""
    torn = [0]
    ok: Counter[int] = Counter()
    journal = 0
    for r in iter_jsonl(folder / "rows.jsonl", torn):
        journal += 1
        if r.get("status") == "ok":
            ok[int(r["index"])] += 1
    missing_ok = [i for i in range(n) if i not in ok]
    placed: Counter[int] = Counter()
    ids: Counter[str] = Counter()
    sizes = {}
    for name in ("dataset", "at_risk", "dropped"):
        sizes[name] = 0
        for r in iter_jsonl(folder / f"{name}.jsonl", torn):
            sizes[name] += 1
            placed[int(r["index"])] += 1
            ids[str(r["id"])] += 1
    exported = 0
    for split in ("train", "validation", "test"):
        path = folder / "export-openai" / f"{split}.jsonl"
        if path.exists():
            exported += sum(1 for line in path.open(encoding="utf-8") if line.strip())
    return {
        "journal_lines": journal,
        "journal_torn_lines": torn[0],
        "rows_made_twice": sum(1 for c in ok.values() if c > 1),
        "indices_without_ok_row": len(missing_ok),
        "indices_not_placed_exactly_once": sum(1 for i in range(n) if placed[i] != 1),
        "duplicate_ids": sum(1 for c in ids.values() if c > 1),
        "dataset": sizes["dataset"],
        "at_risk": sizes["at_risk"],
        "dropped": sizes["dropped"],
        "exported": exported,
        "export_matches_dataset": exported == sizes["dataset"],
    }


def own_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def made_in(output: str) -> str:
    return next((line for line in output.splitlines() if "rows made in" in line), "?")


def measure(n: int, root: Path, env: dict[str, str], kill: bool) -> dict[str, Any]:
    folder = root / f"n{n}"
    shutil.rmtree(folder, ignore_errors=True)
    runs: list[Child] = []
    killed_at = None
    if kill:
        first = run_child(
            synth_command(n, folder),
            env,
            root / f"n{n}-synth-killed.log",
            (folder / "rows.jsonl", n // 2),
        )
        runs.append(first)
        killed_at = sum(1 for _ in (folder / "rows.jsonl").open("rb"))
        print(
            f"  N={n}: SIGKILL after {first.seconds:.0f} s with {killed_at} lines in rows.jsonl "
            f"(exit {first.returncode}, peak RSS {first.peak_mib:.0f} MiB, polled VmHWM "
            f"{first.polled_peak_mib:.0f} MiB)",
            flush=True,
        )
    final = run_child(synth_command(n, folder), env, root / f"n{n}-synth.log")
    runs.append(final)
    if final.returncode != 0:
        raise SystemExit(f"synth failed (exit {final.returncode}):\n{final.output[-3000:]}")
    print(
        f"  N={n}: {made_in(final.output)} (peak RSS {final.peak_mib:.0f} MiB, polled VmHWM "
        f"{final.polled_peak_mib:.0f} MiB)",
        flush=True,
    )
    exported = run_child(export_command(folder), env, root / f"n{n}-export.log")
    if exported.returncode != 0:
        raise SystemExit(f"export failed (exit {exported.returncode}):\n{exported.output[-3000:]}")
    synth_seconds = sum(r.seconds for r in runs)
    return {
        "n": n,
        "folder": str(folder),
        "synth_seconds": round(synth_seconds, 1),
        "rows_per_s": round(n / synth_seconds, 2),
        "synth_peak_mib": round(max(r.peak_mib for r in runs), 1),
        "synth_peak_mib_per_child": [round(r.peak_mib, 1) for r in runs],
        "synth_polled_vmhwm_mib_per_child": [round(r.polled_peak_mib, 1) for r in runs],
        "export_seconds": round(exported.seconds, 1),
        "export_peak_mib": round(exported.peak_mib, 1),
        "export_polled_vmhwm_mib": round(exported.polled_peak_mib, 1),
        "this_script_peak_mib": round(own_peak_mib(), 1),
        "killed_with_lines": killed_at,
        "resume_line": next((x for x in final.output.splitlines() if "resuming" in x), None),
        "check": check_folder(folder, n),
    }


def same_prefix(small: Path, big: Path, n: int) -> bool:
    """The first n rows of the big dataset are the small dataset: rows are pure functions of
    (configuration, index), even across a kill and a resume."""
    prefix = (r for r in iter_jsonl(big / "dataset.jsonl") if int(r["index"]) < n)
    return all(
        a == b for a, b in zip_longest(iter_jsonl(small / "dataset.jsonl"), prefix, fillvalue={})
    )


def semantic_probe(n: int, root: Path) -> None:
    for flag in ("0", "1"):
        env = {**os.environ, "THERALAB_SEMANTIC": flag}
        folder = root / f"probe-semantic{flag}"
        shutil.rmtree(folder, ignore_errors=True)
        child = run_child(synth_command(n, folder), env, root / f"probe-semantic{flag}.log")
        print(
            f"  THERALAB_SEMANTIC={flag}: {n} rows in {child.seconds:.1f} s wall "
            f"({n / child.seconds:.2f} rows/s), peak RSS {child.peak_mib:.0f} MiB — "
            f"{made_in(child.output)}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="N values; the last is killed midway")
    parser.add_argument("--out", type=Path, default=Path("/tmp/theralab-synth-scale"))
    parser.add_argument("--semantic", action="store_true", help="keep the semantic tier on")
    parser.add_argument("--semantic-probe", type=int, default=0, metavar="N")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "THERALAB_SEMANTIC": "1" if args.semantic else "0"}
    print("command:", shlex.join([sys.executable, *sys.argv]))
    print(f"synth: {shlex.join(synth_command(sizes[-1], args.out / f'n{sizes[-1]}'))}")
    print(
        f"THERALAB_SEMANTIC={env['THERALAB_SEMANTIC']}; load average {os.getloadavg()}", flush=True
    )
    results = []
    for i, n in enumerate(sizes):
        results.append(measure(n, args.out, env, kill=i == len(sizes) - 1))
        print(json.dumps(results[-1], indent=2), flush=True)
    small, big = results[0], results[-1]
    ratio = float(big["synth_peak_mib"]) / float(small["synth_peak_mib"])
    export_ratio = float(big["export_peak_mib"]) / float(small["export_peak_mib"])
    check = big["check"]
    assert isinstance(check, dict)
    sound = (
        check["indices_without_ok_row"] == 0
        and check["indices_not_placed_exactly_once"] == 0
        and check["duplicate_ids"] == 0
        and check["export_matches_dataset"]
    )
    prefix = same_prefix(Path(str(small["folder"])), Path(str(big["folder"])), int(small["n"]))
    print("\nsummary")
    for r in results:
        print(
            f"  N={r['n']}: synth {r['synth_seconds']} s ({r['rows_per_s']} rows/s), peak RSS "
            f"{r['synth_peak_mib']} MiB (per child {r['synth_peak_mib_per_child']}, polled "
            f"VmHWM {r['synth_polled_vmhwm_mib_per_child']}); export {r['export_seconds']} s, "
            f"peak RSS {r['export_peak_mib']} MiB"
        )
    print(f"  synth peak RSS ratio {big['n']}/{small['n']}: {ratio:.2f} (done-when: <= 1.5)")
    print(f"  export peak RSS ratio: {export_ratio:.2f}")
    print(
        f"  kill/resume at N={big['n']}: killed with {big['killed_with_lines']} rows written; "
        f"{big['resume_line']}; no loss and no duplicates: {sound}; rows made twice: "
        f"{check['rows_made_twice']}; first {small['n']} rows identical to the N={small['n']} "
        f"run: {prefix}"
    )
    print(f"  this script's own peak RSS: {own_peak_mib():.0f} MiB (below every child's)")
    if args.semantic_probe:
        print(f"\nsemantic tier cost, {args.semantic_probe} rows each way:")
        semantic_probe(args.semantic_probe, args.out)
    print("\nreproduce:", shlex.join([sys.executable, *sys.argv]))


if __name__ == "__main__":
    main()
