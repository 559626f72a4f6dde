"""`synth expand` and `synth from-notes`: a bound model rewrites source items into dialogues."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.model.model import Model
from theralab.model.providers.mock import MockModel
from theralab.model.roles import ModelRoles
from theralab.model.stub_server import StubServer
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.synth import SynthConfig
from theralab.synth.rows import RowMaker

runner = CliRunner()


def write_qa(path: Path) -> Path:
    items = [
        {"id": "q1", "question": "I keep arguing with my brother about money.", "answer": "A."},
        {"id": "q2", "question": "My new job makes me anxious every morning.", "answer": "B."},
        {"id": "q3", "question": "I cannot stop checking my phone at night.", "answer": "C."},
    ]
    path.write_text("".join(json.dumps(i) + "\n" for i in items))
    return path


def writer(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
    topic = messages[0].content.split("Question (the client):\n")[1].split("\n")[0]
    turns = []
    for k in range(5):
        turns.append({"speaker": "client", "text": f"{topic} Part {k} of my story, {config.seed}."})
        turns.append({"speaker": "counselor", "text": f"What stands out for you in part {k}?"})
    return json.dumps({"turns": turns})


def test_expand_rows_are_written_by_the_counselor_model(tmp_path: Path) -> None:
    cfg = SynthConfig(
        recipe="expand",
        source=str(write_qa(tmp_path / "qa.jsonl")),
        n=3,
        counselors=["expand-writer"],
        model_roles={"counselor": "mock/writer"},
    )
    roles = ModelRoles(specs=cfg.model_roles, cache_path=None)
    roles._models["counselor"] = Model(MockModel(outputs=writer), spec="mock/writer")
    maker = RowMaker(cfg, roles)
    row = asyncio.run(maker.make(1))
    assert row["status"] == "ok", row
    assert row["source_id"] == "q2" and row["profile"] is None
    turns = row["session"]["turns"]
    assert len(turns) == 10 and turns[0]["speaker"] == "client"
    assert "anxious every morning" in turns[0]["text"]
    assert row["screen"]["at_risk"] is False and "r_q" in row["scores"]


def test_expand_cli_gates_what_the_model_writes(tmp_path: Path) -> None:
    """The stub server answers the schema with eight identical client turns: every row is
    made, and every row is dropped by the structural gate (same speaker twice, repeats)."""
    qa = write_qa(tmp_path / "qa.jsonl")
    with StubServer() as server:
        result = runner.invoke(
            app,
            [
                *("synth", "expand", str(qa), "--model-role", "counselor=vllm/stub"),
                *("--base-url", server.base_url, "--out", str(tmp_path / "ds"), "--no-progress"),
            ],
        )
    assert result.exit_code == 0, result.output
    card = json.loads((tmp_path / "ds" / "datacard.json").read_text())
    assert card["requested"] == 3 and card["dropped"] == {"structural": 3}
    assert card["source"] == str(qa)


def test_recipe_inputs_are_checked(tmp_path: Path) -> None:
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"id": "n1", "notes": "ok"}\n{"id": "n2", "summary": "wrong field"}\n')
    bad = runner.invoke(
        app, ["synth", "from-notes", str(notes), "--model-role", "counselor=vllm/x"]
    )
    assert bad.exit_code == 2 and f"{notes}:2" in bad.output and "notes" in bad.output
    unbound = runner.invoke(app, ["synth", "expand", str(write_qa(tmp_path / "qa.jsonl"))])
    assert unbound.exit_code == 2 and "--model-role counselor" in unbound.output


@pytest.mark.parametrize("recipe", ["expand", "from-notes"])
def test_unusable_model_output_fails_the_row_with_the_raw_text(tmp_path: Path, recipe: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "question": "q?", "answer": "a.", "notes": "n."}))
    cfg = SynthConfig(
        recipe=recipe,  # type: ignore[arg-type]
        source=str(source),
        n=1,
        counselors=["w"],
        model_roles={"counselor": "mock/w"},
    )
    roles = ModelRoles(specs=cfg.model_roles, cache_path=None)
    roles._models["counselor"] = Model(
        MockModel(outputs=["not json at all"]), spec="mock/w", max_retries=0
    )
    row = asyncio.run(RowMaker(cfg, roles).make(0))
    assert row["status"] == "failed" and row["step"] == "write"
    assert row["raw"] == "not json at all" and "unparseable" in row["error"]


def test_a_rewritten_dialogue_that_raises_risk_is_routed_to_the_at_risk_split(
    tmp_path: Path,
) -> None:
    def risky(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
        turns = [
            {"speaker": "client", "text": "Things at home have been hard lately."},
            {"speaker": "counselor", "text": "What has been hardest?"},
            {"speaker": "client", "text": "I have been thinking about killing myself."},
            {"speaker": "counselor", "text": "Thank you for telling me. Are you safe right now?"},
        ] * 2
        return json.dumps({"turns": turns})

    cfg = SynthConfig(
        recipe="from-notes",
        source=str(tmp_path / "n.jsonl"),
        n=1,
        counselors=["w"],
        model_roles={"counselor": "mock/w"},
    )
    (tmp_path / "n.jsonl").write_text('{"id": "n1", "notes": "Client discussed family stress."}\n')
    roles = ModelRoles(specs=cfg.model_roles, cache_path=None)
    roles._models["counselor"] = Model(MockModel(outputs=risky), spec="mock/w")
    row = asyncio.run(RowMaker(cfg, roles).make(0))
    assert row["status"] == "ok"
    assert row["screen"]["at_risk"] and row["screen"]["level"] in ("moderate", "high")


def test_llm_profiles_are_validated_and_duplicates_dropped(tmp_path: Path) -> None:
    from theralab.profiles import builtin_profiles
    from theralab.synth import synthesize
    from theralab.synth.pipeline import LocalExecutor

    template = next(p for p in builtin_profiles() if p.risk.level.value == "none")
    valid = template.model_dump_json()
    cfg = SynthConfig(
        n=3, counselors=["cbt"], profiles="llm", model_roles={"client": "mock/p"}, max_turns=8
    )
    roles = ModelRoles(specs=cfg.model_roles, cache_path=None)

    # the same profile every time: validated, then two of the three rows are duplicates
    def client_model(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
        if any("client profile for a counseling simulation" in m.content for m in messages):
            return valid
        reply = f"That is part {len(messages)} of what has been going on for me."
        return json.dumps({"reply": reply, "end_session": False})

    roles._models["client"] = Model(MockModel(outputs=client_model), spec="mock/p")
    maker = RowMaker(cfg, roles)
    row = asyncio.run(maker.make(2))
    assert row["status"] == "ok" and row["profile"]["id"] == "llm-000002"

    class Fixed:
        def run(self, config, indices, on_row, *, on_session=None):  # type: ignore[no-untyped-def]
            async def go() -> None:
                for i in indices:
                    on_row(await maker.make(i))

            asyncio.run(go())

    synthesize(cfg, tmp_path / "ds", Fixed())  # type: ignore[arg-type]
    card = json.loads((tmp_path / "ds" / "datacard.json").read_text())
    assert card["dropped"].get("duplicate profile") == 2

    broken = ModelRoles(specs=cfg.model_roles, cache_path=None)
    broken._models["client"] = Model(
        MockModel(outputs=['{"id": "x", "name": "Only a name"}']), spec="mock/p", max_retries=0
    )
    failed = asyncio.run(RowMaker(cfg, broken).make(0))
    assert failed["status"] == "failed" and failed["step"] == "profile"
    assert failed["raw"]
    assert LocalExecutor  # the default executor exists beside custom ones
