"""Wall time of the main job, `theralab run` with its defaults, after set-up.

Runs the installed command in a subprocess (what `make run` does) a few times and prints the
median, next to the in-process time of each phase (simulate / evaluate / report) and, as a
baseline measured in the same run, the start-up cost of the command itself (`--version`).

    .venv/bin/python bench/run_time.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from theralab.evaluate import evaluate_sessions
from theralab.report import render_report
from theralab.runs import RunConfig
from theralab.simulate import plan_sessions, run_sessions


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("theralab"))
    startup = statistics.median(timed([exe, "--version"]) for _ in range(args.repeats))
    with tempfile.TemporaryDirectory() as tmp:
        runs = [
            timed([exe, "run", "--out", tmp, "--run-id", f"r{i}", "--no-progress"])
            for i in range(args.repeats)
        ]
    config, profiles = RunConfig().resolved()
    plans = plan_sessions(config.counselors, profiles, config.seed)
    t0 = time.perf_counter()
    sessions = asyncio.run(run_sessions(plans, profiles))
    t1 = time.perf_counter()
    results = evaluate_sessions(sessions, seed=config.seed)
    t2 = time.perf_counter()
    render_report(results, sessions)
    t3 = time.perf_counter()
    print(
        f"theralab run (defaults: {len(config.counselors)} counselors x {len(profiles)} "
        f"clients = {len(plans)} sessions)"
    )
    print(
        f"  wall time, median of {args.repeats}: {statistics.median(runs):.2f} s "
        f"(runs: {', '.join(f'{r:.2f}' for r in runs)})"
    )
    print(f"  command start-up alone (theralab --version): {startup:.2f} s")
    print(
        f"  in process: simulate {t1 - t0:.2f} s, evaluate {t2 - t1:.2f} s, "
        f"report {t3 - t2:.2f} s; {len(plans) / (t1 - t0):.0f} sessions/s simulated"
    )


if __name__ == "__main__":
    main()
