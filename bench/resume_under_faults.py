"""200 model-backed sessions against a server that fails 20% of requests (429 / 500), then
`--resume` until every session is complete — finished sessions are never redone.

Retries per call are set low (1) so that failures reach the session level and the resume
path is exercised; with the default retries almost every session would finish first time.

    .venv/bin/python bench/resume_under_faults.py [--fail-rate 0.2] [--sessions 200]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from theralab.dialogue import StopReason
from theralab.model.stub_server import StubServer
from theralab.profiles import builtin_profiles
from theralab.runs import RunConfig, execute_run

COUNSELORS = ["cbt", "mi", "person_centred", "act", "pfa"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail-rate", type=float, default=0.2)
    parser.add_argument("--sessions", type=int, default=200)
    args = parser.parse_args()
    per = args.sessions // len(COUNSELORS)
    profiles = [p.id for p in builtin_profiles()][:per]
    with (
        StubServer(fail_rate=args.fail_rate, seed=1) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        config = RunConfig(
            counselors=COUNSELORS,
            profiles=profiles,
            max_turns=6,
            cache=False,
            model_roles={"counselor": "vllm/stub"},
            base_url=server.base_url,
            max_retries=1,
            concurrency=16,
            max_connections=16,
        )
        run_dir = Path(tmp) / "run"
        finished_before: dict[str, str] = {}
        for round_no in range(1, 10):
            t0 = time.perf_counter()
            before = server.requests
            outcome = execute_run(config, run_dir, report=False, resume=round_no > 1)
            failed = [s for s in outcome.sessions if s.stop_reason is StopReason.ERROR]
            reasons = Counter((s.outcome.error or "").split(":")[0] for s in failed if s.outcome)
            kept_same = all(
                s.model_dump_json(exclude={"timing"}) == finished_before[s.id]
                for s in outcome.sessions
                if s.id in finished_before
            )
            print(
                f"round {round_no}: {len(outcome.sessions)} sessions, {outcome.resumed} kept "
                f"unchanged={kept_same}, {len(outcome.sessions) - outcome.resumed} run, "
                f"{len(failed)} failed {dict(reasons)}; {server.requests - before} requests "
                f"({len(server.faults_sent)} faults so far) in "
                f"{time.perf_counter() - t0:.1f}s"
            )
            finished_before = {
                s.id: s.model_dump_json(exclude={"timing"})
                for s in outcome.sessions
                if s.stop_reason is not StopReason.ERROR
            }
            if not failed:
                break


if __name__ == "__main__":
    main()
