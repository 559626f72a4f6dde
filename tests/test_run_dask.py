"""`theralab run` and `theralab simulate` on a real Dask cluster (a `dask scheduler` and a
`dask worker` process on 127.0.0.1): the same transcripts as the local executor, courses kept
whole, model calls spread over several servers, resume from the journal. Skipped without the
dask extra."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.model.stub_server import StubServer
from theralab.profiles import get_profile
from theralab.rundir import RunDir
from theralab.runs import RunConfig, execute_run
from theralab.simulate import plan_sessions
from theralab.simulate.distributed import SessionCluster

from . import dask_support

needs_dask = dask_support.needs_dask
scheduler = dask_support.scheduler  # the fixture: a scheduler and a worker on 127.0.0.1

PANEL = ["work-stress-nurse-amara", "grief-postal-worker-ulla", "panic-student-imani"]
runner = CliRunner()


def test_shards_keep_courses_whole_and_follow_the_plan() -> None:
    profiles = [get_profile(p) for p in PANEL]
    plans = plan_sessions(["cbt", "mi"], profiles, seed=3, sessions=2)
    shards = SessionCluster(shard_size=3).shards(plans)
    assert [p for shard in shards for p in shard] == plans  # plan order, nothing lost
    for shard in shards:
        courses = {p.course.course_id for p in shard if p.course is not None}
        for course in courses:  # every session of a course in one shard
            assert sum(p.course is not None and p.course.course_id == course for p in plans) == sum(
                p.course is not None and p.course.course_id == course for p in shard
            )
    assert all(len(shard) <= 3 for shard in shards) and len(shards) == 6
    lone = plan_sessions(["cbt"], profiles, seed=3)
    assert [len(s) for s in SessionCluster(shard_size=2).shards(lone)] == [2, 1]
    cluster = SessionCluster(endpoints=["http://a/v1", "http://b/v1"])
    assert [cluster.endpoint("http://c/v1", n) for n in range(3)] == [
        "http://a/v1",
        "http://b/v1",
        "http://a/v1",
    ]
    assert SessionCluster().endpoint("http://c/v1", 5) == "http://c/v1"


def test_local_options_refuse_cluster_flags(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["run", "--endpoint", "http://127.0.0.1:9/v1", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "--executor dask" in result.output
    result = runner.invoke(
        app, ["simulate", "-c", "cbt", "--executor", "ray", "--out", str(tmp_path / "t")]
    )
    assert result.exit_code == 2 and "choose local or dask" in result.output


@needs_dask
@pytest.mark.timeout(300)
def test_a_run_on_a_cluster_is_the_run_made_here(scheduler: str, tmp_path: Path) -> None:
    """Courses of two sessions (the second starts from the first's record), four shards: the
    run directory's transcripts and results are byte for byte the local executor's."""
    cfg = RunConfig(counselors=["cbt", "mi"], profiles=PANEL, sessions=2, seed=5, cache=False)
    here = execute_run(cfg, tmp_path / "local")
    there = execute_run(
        cfg, tmp_path / "dask", cluster=SessionCluster(address=scheduler, shard_size=4)
    )
    assert len(there.sessions) == len(here.sessions) > 6
    local, remote = RunDir(tmp_path / "local"), RunDir(tmp_path / "dask")
    assert remote.transcripts.read_bytes() == local.transcripts.read_bytes()
    assert remote.results.read_bytes() == local.results.read_bytes()
    record = remote.read_record()
    assert record is not None and record.status == "complete"
    timings = remote.timings.read_text().splitlines()
    assert len(timings) == len(there.sessions)  # the workers' wall-clock timing came back


@needs_dask
@pytest.mark.timeout(300)
def test_model_calls_spread_over_endpoints_and_usage_adds_up(
    scheduler: str, tmp_path: Path
) -> None:
    """A model-backed counselor with two servers: shards alternate between them, the
    transcripts are the ones one server gives, and usage.json sums the workers' usage."""
    base = {"counselors": ["llm:cbt"], "profiles": PANEL[:2], "max_turns": 6, "cache": False}
    with StubServer(latency=0.005) as one, StubServer(latency=0.005) as two:
        cfg = RunConfig(**base, model_roles={"counselor": "vllm/stub"}, base_url=one.base_url)
        here = execute_run(cfg, tmp_path / "local")
        local_calls = one.requests
        cluster = SessionCluster(
            address=scheduler, shard_size=1, endpoints=[one.base_url, two.base_url]
        )
        there = execute_run(cfg, tmp_path / "dask", cluster=cluster)
        assert one.requests - local_calls > 0 and two.requests > 0
        assert one.requests - local_calls + two.requests == local_calls
    assert [s.stop_reason for s in there.sessions] == [s.stop_reason for s in here.sessions]
    local, remote = RunDir(tmp_path / "local"), RunDir(tmp_path / "dask")
    assert remote.transcripts.read_bytes() == local.transcripts.read_bytes()
    assert here.usage is not None and there.usage is not None
    assert there.usage["counselor"]["calls"] == here.usage["counselor"]["calls"] > 0
    assert json.loads(remote.usage.read_text()) == there.usage


@needs_dask
@pytest.mark.timeout(300)
def test_simulate_on_a_cluster_and_resume(scheduler: str, tmp_path: Path) -> None:
    args = ["simulate", "-c", "cbt,directive", "--per-counselor", "3", "--max-turns", "8"]
    here = runner.invoke(app, [*args, "--out", str(tmp_path / "here.jsonl"), "--no-progress"])
    assert here.exit_code == 0, here.output
    there_path = tmp_path / "there.jsonl"
    cluster_args = ["--executor", "dask", "--address", scheduler, "--no-progress"]
    there = runner.invoke(app, [*args, "--out", str(there_path), *cluster_args])
    assert there.exit_code == 0, there.output
    assert there_path.read_bytes() == (tmp_path / "here.jsonl").read_bytes()
    # an interrupted simulate (its journal holds two sessions) resumes on the cluster
    lines = there_path.read_text().splitlines(keepends=True)
    partial = there_path.with_name(there_path.name + ".partial")
    partial.write_text("".join(lines[:2]))
    there_path.unlink()
    resumed = runner.invoke(app, [*args, "--out", str(there_path), *cluster_args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "2 kept from before" in resumed.output
    assert there_path.read_bytes() == (tmp_path / "here.jsonl").read_bytes()


@needs_dask
@pytest.mark.timeout(300)
def test_evaluate_on_a_cluster_gives_the_same_results(scheduler: str, tmp_path: Path) -> None:
    """Scoring in shards of 3 sessions on the cluster, aggregating here: results.json is the
    local executor's, byte for byte (courses included)."""
    cfg = RunConfig(counselors=["cbt", "directive"], profiles=PANEL, sessions=2, cache=False)
    execute_run(cfg, tmp_path / "run", report=False)
    transcripts = str(tmp_path / "run" / "transcripts.jsonl")
    common = ["evaluate", transcripts, "--no-report"]
    here = runner.invoke(app, [*common, "--out", str(tmp_path / "here")])
    assert here.exit_code == 0, here.output
    from theralab.dialogue import read_sessions
    from theralab.evaluate import evaluate_sessions
    from theralab.evaluate.distributed import cluster_scorer

    sessions = read_sessions(Path(transcripts))
    cluster = SessionCluster(address=scheduler, shard_size=3)
    remote = evaluate_sessions(sessions, seed=7, scorer=cluster_scorer(cluster))
    assert remote.model_dump_json() == evaluate_sessions(sessions, seed=7).model_dump_json()
    there = runner.invoke(
        app,
        [*common, "--out", str(tmp_path / "there"), "--executor", "dask", "--address", scheduler],
    )
    assert there.exit_code == 0, there.output
    assert (tmp_path / "there" / "results.json").read_bytes() == (
        tmp_path / "here" / "results.json"
    ).read_bytes()
