"""The Dask executor on a real cluster: a `dask scheduler` and a `dask worker` process on
127.0.0.1, started with the CLI like an operator would. Skipped without the dask extra."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.model.roles import ModelRoles
from theralab.model.stub_server import StubServer
from theralab.synth import LocalExecutor, SynthConfig, dask_executor, synthesize
from theralab.synth.dask_executor import ClusterError, DaskExecutor, _main_not_reimported

from . import dask_support

needs_dask = dask_support.needs_dask
scheduler = dask_support.scheduler  # the fixture: a scheduler and a worker on 127.0.0.1


def config(**kw: object) -> SynthConfig:
    base: dict[str, object] = {
        "n": 12,
        "counselors": ["cbt", "mi"],
        "seed": 4,
        "max_turns": 12,
        "quotas": ["attitude=even"],
        "filters": ["turns>=12"],
    }
    return SynthConfig(**(base | kw))  # type: ignore[arg-type]


@needs_dask
@pytest.mark.timeout(240)
def test_a_cluster_makes_the_same_dataset_as_the_local_executor(
    scheduler: str, tmp_path: Path
) -> None:
    cfg = config()
    local = synthesize(cfg, tmp_path / "local", LocalExecutor(concurrency=4))
    remote = synthesize(
        cfg, tmp_path / "dask", DaskExecutor(address=scheduler, concurrency=2, shard_size=5)
    )
    assert local.made == remote.made == 12 and remote.failed == 0
    for name in ("dataset.jsonl", "at_risk.jsonl", "dropped.jsonl"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    assert (tmp_path / "dask" / "dataset.jsonl").read_text().count("\n") == 12
    # the journal holds every row once, in shard-completion order
    journal = [json.loads(x) for x in (tmp_path / "dask" / "rows.jsonl").read_text().splitlines()]
    assert sorted(r["index"] for r in journal) == list(range(12))
    # a rerun has nothing left to do
    again = synthesize(cfg, tmp_path / "dask", DaskExecutor(address=scheduler, shard_size=5))
    assert again.made == 0


@needs_dask
@pytest.mark.timeout(240)
def test_shards_spread_over_endpoints_round_robin(scheduler: str, tmp_path: Path) -> None:
    cfg = config(n=8, counselors=["llm:cbt"], model_roles={"counselor": "vllm/stub"})
    with StubServer(latency=0.01) as one, StubServer(latency=0.01) as two:
        executor = DaskExecutor(
            address=scheduler,
            concurrency=2,
            shard_size=2,
            endpoints=[one.base_url, two.base_url],
            cache=False,
        )
        result = synthesize(cfg, tmp_path / "dask", executor)
        assert result.made == 8 and result.failed == 0
        assert one.requests > 0 and two.requests > 0
        # 4 shards of 2 rows: shards 0 and 2 went to the first server, 1 and 3 to the second
        assert one.requests == two.requests
        served, before = one.requests + two.requests, one.requests
        roles = ModelRoles(specs=dict(cfg.model_roles), base_url=one.base_url, cache_path=None)
        synthesize(cfg, tmp_path / "local", LocalExecutor(concurrency=4, roles=roles))
        assert one.requests - before == served  # the same calls, all to one server
    assert (tmp_path / "dask" / "dataset.jsonl").read_bytes() == (
        tmp_path / "local" / "dataset.jsonl"
    ).read_bytes()


@needs_dask
def test_shards_and_endpoints_are_assigned_by_shard_number() -> None:
    ex = DaskExecutor(shard_size=3, endpoints=["http://a/v1", "http://b/v1"])
    assert ex.shards(list(range(8))) == [[0, 1, 2], [3, 4, 5], [6, 7]]
    assert [ex.endpoint(config(), k) for k in range(3)] == [
        "http://a/v1",
        "http://b/v1",
        "http://a/v1",
    ]
    assert DaskExecutor().endpoint(config(base_url="http://c/v1"), 5) == "http://c/v1"


def test_worker_processes_do_not_rerun_the_callers_script() -> None:
    main = sys.modules["__main__"]
    with _main_not_reimported():
        bare = sys.modules["__main__"]
        assert bare is not main
        assert getattr(bare, "__file__", None) is None and bare.__spec__ is None
    assert sys.modules["__main__"] is main


@needs_dask
def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ex = DaskExecutor(address=f"tcp://127.0.0.1:{port}", connect_timeout=2)
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler"):
        synthesize(config(n=2), tmp_path, ex)


@needs_dask
@pytest.mark.timeout(240)
def test_the_cli_runs_on_a_cluster(scheduler: str, tmp_path: Path) -> None:
    args = ["synth", "cactus", "--n", "6", "--max-turns", "8", "--no-progress"]
    result = CliRunner().invoke(
        app, [*args, "--executor", "dask", "--address", scheduler, "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "6 rows made" in result.output


def test_endpoints_with_the_local_executor_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            *("synth", "cactus", "--n", "2", "--endpoint", "http://127.0.0.1:9/v1"),
            *("--out", str(tmp_path / "ds")),
        ],
    )
    assert result.exit_code == 2
    assert "--endpoint" in result.output and "--executor dask" in result.output


def test_without_dask_the_error_is_an_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dask_executor, "dask_available", lambda: False)
    with pytest.raises(ClusterError, match=r"pip install -e '\.\[dask\]'"):
        DaskExecutor()
    result = CliRunner().invoke(
        app, ["synth", "cactus", "--n", "2", "--executor", "dask", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "pip install" in lines[0], result.output
