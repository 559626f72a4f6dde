"""`theralab bench mcq`: item parsing and its errors, scoring with unscored answers counted,
the stub OpenAI-compatible server (it answers an enum with its first value), and the real
llama.cpp server with the tiny random model end to end (skipped without llama-cpp-python).
Every question here is written for these tests."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from theralab.cbtbench.mcq import (
    MCQAnswer,
    MCQAnswerer,
    MCQItem,
    answer_schema,
    read_mcq_items,
    render_prompt,
    score_mcq,
    wilson,
)
from theralab.cli import app
from theralab.errors import InputError
from theralab.model import Model, get_model_api
from theralab.model.stub_server import StubServer

from . import llama_support

tiny_model = llama_support.tiny_model
llama_server = llama_support.llama_server

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cbt_mcq" / "items.jsonl"

# Invented items. The stub answers "A" to everything: q1 and q3 right, q2 and q4 wrong.
ITEMS: list[dict[str, Any]] = [
    {
        "id": "q1",
        "topic": "distortions",
        "question": "Calling yourself 'a total idiot' after one slip is which distortion?",
        "options": {"A": "Labeling", "B": "Mind reading", "C": "Should statements"},
        "answer": "A",
    },
    {
        "id": "q2",
        "topic": "distortions",
        "question": "'They must think I'm dull' without any evidence is:",
        "options": {"A": "Personalization", "B": "Mind reading"},
        "answer": "b",
    },
    {
        "id": 3,
        "topic": "techniques",
        "question": "Which tool records a situation, thought, feeling and a balanced response?",
        "options": ["Thought record", "Genogram", "Sleep diary", "Body scan"],
        "answer": "A",
    },
    {
        "id": "q4",
        "question": "Core beliefs are usually described as:",
        "options": {"A": "Fleeting and situational", "B": "Deep, global and rigid"},
        "answer": "B",
    },
]


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
        encoding="utf-8",
    )
    return path


async def _no_sleep(_: float) -> None:
    return None


def _stub_model(server: StubServer) -> Model:
    api = get_model_api("vllm/stub-model", base_url=server.base_url)
    return Model(api, spec="vllm/stub-model", sleep=_no_sleep, max_connections=1)


# --- items ---------------------------------------------------------------------------------


def test_items_parse_with_defaults_letters_and_case(tmp_path: Path) -> None:
    items = read_mcq_items(str(_write(tmp_path / "i.jsonl", ITEMS)))
    assert [i.id for i in items] == ["q1", "q2", 3, "q4"]
    assert items[1].answer == "B"  # "b" → "B"
    assert items[2].options == {
        "A": "Thought record",
        "B": "Genogram",
        "C": "Sleep diary",
        "D": "Body scan",
    }
    assert items[3].topic == "general" and items[3].line == 4
    prompt = render_prompt(items[0])
    assert "A. Labeling" in prompt and "C. Should statements" in prompt
    assert "(one of A, B, C)" in prompt
    assert answer_schema(items[0].letters)["properties"]["answer"]["enum"] == ["A", "B", "C"]


def test_the_example_file_is_valid() -> None:
    items = read_mcq_items(str(EXAMPLE))
    assert len(items) >= 10 and all(i.answer for i in items)
    assert len({i.topic for i in items}) >= 3


GOOD = '{"id": "a", "question": "Q?", "options": {"A": "x", "B": "y"}, "answer": "A"}'


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "2: not valid JSON"),
        ('["a"]', "2: each line must be a JSON object"),
        ('{"question": "Q?", "options": ["x", "y"]}', "2, field 'id'"),
        ('{"id": "b", "options": ["x", "y"]}', "2, field 'question': expected a non-empty"),
        ('{"id": "b", "question": "Q?", "topic": "", "options": ["x", "y"]}', "field 'topic'"),
        ('{"id": "b", "question": "Q?"}', "2, field 'options': expected an object"),
        ('{"id": "b", "question": "Q?", "options": ["only"]}', "expected 2 to 10 options, got 1"),
        ('{"id": "b", "question": "Q?", "options": {"A": "x", "C": "y"}}', "consecutive"),
        ('{"id": "b", "question": "Q?", "options": {"A": "x", "a": "y"}}', "letters repeat"),
        ('{"id": "b", "question": "Q?", "options": ["x", ""]}', "option B: expected a non-empty"),
        ('{"id": "b", "question": "Q?", "options": ["x", "y"], "answer": "C"}', "field 'answer'"),
        ('{"id": "b", "question": "Q?", "options": ["x", "y"], "answer": 1}', "one of the option"),
        ('{"id": "b", "question": "Q?", "options": ["x", "y"], "hint": "x"}', "unknown field"),
        ('{"id": "a", "question": "Q?", "options": ["x", "y"]}', "duplicate id 'a' (first on"),
    ],
)
def test_bad_lines_name_file_line_and_field(tmp_path: Path, line: str, expected: str) -> None:
    src = _write(tmp_path / "items.jsonl", [GOOD, line])
    with pytest.raises(InputError) as err:
        read_mcq_items(str(src))
    assert str(err.value).startswith(f"{src}:2")
    assert expected in str(err.value)


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    with pytest.raises(InputError, match="no items"):
        read_mcq_items(str(empty))


# --- scoring -------------------------------------------------------------------------------


def test_scores_per_topic_with_unscored_and_unkeyed_answers() -> None:
    items = [
        MCQItem("a", "t1", "Q", {"A": "x", "B": "y"}, "A"),
        MCQItem("b", "t1", "Q", {"A": "x", "B": "y"}, "B"),
        MCQItem("c", "t1", "Q", {"A": "x", "B": "y"}, "B"),
        MCQItem("d", "t2", "Q", {"A": "x", "B": "y", "C": "z", "D": "w"}, "C"),
        MCQItem("e", "t2", "Q", {"A": "x", "B": "y"}, None),
    ]
    answers = [
        MCQAnswer("a", "t1", "A", "A", "answered"),
        MCQAnswer("b", "t1", "B", "A", "answered"),
        MCQAnswer("c", "t1", "B", None, "unscored", "unparseable: no answer"),
        MCQAnswer("d", "t2", "C", None, "unscored", "error: timed out"),
        MCQAnswer("e", "t2", None, "B", "answered"),
    ]
    s = score_mcq(items, answers)
    t1, t2 = s.topics["t1"], s.topics["t2"]
    assert (t1.items, t1.keyed, t1.scored, t1.correct, t1.unscored) == (3, 3, 2, 1, 1)
    assert t1.accuracy == 0.5 and t1.coverage == pytest.approx(2 / 3)
    assert t1.reasons == {"unparseable": 1}
    assert (t2.items, t2.keyed, t2.scored, t2.unscored, t2.accuracy) == (2, 1, 0, 1, None)
    assert t2.ci95 is None and t2.reasons == {"error": 1}
    o = s.overall
    assert (o.items, o.scored, o.correct, o.unscored) == (5, 2, 1, 2)
    assert s.chance == 0.5  # two scored two-option items
    assert answers[2].correct is None and answers[4].correct is None and answers[1].correct is False
    d = s.to_dict()
    assert d["overall"]["unscored_reasons"] == {"error": 1, "unparseable": 1}
    lo, hi = d["topics"]["t1"]["ci95"]
    assert lo < 0.5 < hi
    with pytest.raises(ValueError, match="out of order"):
        score_mcq(items[:2], answers[1::-1])


def test_wilson_interval() -> None:
    assert wilson(0, 0) is None
    lo, hi = wilson(8, 10) or (0, 0)
    assert lo == pytest.approx(0.4902, abs=1e-3) and hi == pytest.approx(0.9433, abs=1e-3)
    lo, hi = wilson(0, 5) or (1, 1)
    assert lo == 0.0 and 0.4 < hi < 0.45


# --- against the stub server ---------------------------------------------------------------


class RefusingStub(StubServer):
    """The stub, but it never answers in JSON when the question mentions "refuse"."""

    def _content(self, body: dict[str, Any], broken: bool) -> str:
        if "refuse" in body["messages"][0]["content"]:
            return "I'm sorry, I can't answer exam questions."
        return super()._content(body, broken)


def test_answerer_with_the_stub_counts_unscored_answers() -> None:
    items = [
        MCQItem("r", "t", "Please refuse this one.", {"A": "x", "B": "y"}, "A"),
        MCQItem("s", "t", "A fair question?", {"A": "x", "B": "y"}, "B"),
        MCQItem("u", "t", "Another?", {"A": "x", "B": "y", "C": "z"}, "A"),
    ]
    with RefusingStub() as server:
        got = asyncio.run(MCQAnswerer(_stub_model(server)).answer_all(items))
        assert server.requests == 4  # the refused item: its answer and one repair
        sent = next(b for b in server.bodies if "Another?" in b["messages"][0]["content"])
    assert [a.status for a in got] == ["unscored", "answered", "answered"]
    assert got[0].answer is None and (got[0].reason or "").startswith("unparseable")
    assert got[0].correct is None  # never scored as "A" (the right letter) nor as wrong
    assert [a.answer for a in got[1:]] == ["A", "A"] and [a.correct for a in got[1:]] == [
        False,
        True,
    ]
    assert sent["temperature"] == 0.0
    schema = sent["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["answer"]["enum"] == ["A", "B", "C"]
    s = score_mcq(items, got)
    assert (s.overall.scored, s.overall.correct, s.overall.unscored) == (2, 1, 1)


def test_cli_with_the_stub_writes_results_and_prints_per_topic_accuracy(tmp_path: Path) -> None:
    src = _write(tmp_path / "items.jsonl", ITEMS)
    out = tmp_path / "results.json"
    with StubServer() as server:
        args = ["--no-cache", "--no-progress", "--model-role", "answerer=vllm/stub-model"]
        result = runner.invoke(
            app, ["bench", "mcq", str(src), *args, "--base-url", server.base_url, "--out", str(out)]
        )
        as_json = runner.invoke(
            app, ["bench", "mcq", str(src), *args, "--base-url", server.base_url, "--json"]
        )
        assert server.requests == 2 * len(ITEMS)
    assert result.exit_code == 0, result.output
    assert "distortions" in result.stdout and "techniques" in result.stdout
    assert "accuracy 50.0% over 4 scored of 4 keyed" in result.stdout
    saved = json.loads(out.read_text())
    assert [r["answer"] for r in saved["items"]] == ["A", "A", "A", "A"]
    assert [r["correct"] for r in saved["items"]] == [True, False, True, False]
    assert saved["topics"]["distortions"]["accuracy"] == 0.5
    assert saved["topics"]["techniques"]["accuracy"] == 1.0
    assert saved["topics"]["general"]["accuracy"] == 0.0
    assert saved["overall"]["ci95"][0] < 0.5 < saved["overall"]["ci95"][1]
    assert saved["prompt_version"] == "1" and saved["model"] == "vllm/stub-model"
    assert as_json.exit_code == 0, as_json.output
    summary = json.loads(as_json.stdout)
    assert summary["overall"]["correct"] == 2 and "items" not in summary


def test_cli_exits_1_when_nothing_could_be_answered(tmp_path: Path) -> None:
    src = _write(tmp_path / "items.jsonl", ITEMS[:1])
    out = tmp_path / "r.json"
    with StubServer(faults=["not_json", "not_json"]) as server:
        result = runner.invoke(
            app,
            ["bench", "mcq", str(src), "--no-cache", "--no-progress", "--model-role",
             "answerer=vllm/m", "--base-url", server.base_url, "-o", str(out)],
        )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "no item could be answered" in result.output
    saved = json.loads(out.read_text())
    assert saved["overall"]["unscored"] == 1 and saved["overall"]["scored"] == 0
    assert saved["items"][0]["answer"] is None and saved["items"][0]["correct"] is None


def test_cli_errors_are_one_clear_line(tmp_path: Path) -> None:
    src = _write(tmp_path / "items.jsonl", ITEMS)
    unbound = runner.invoke(app, ["bench", "mcq", str(src)])
    assert unbound.exit_code == 2 and "--model-role answerer=SPEC" in unbound.output
    wrong = runner.invoke(app, ["bench", "mcq", str(src), "--model-role", "judge=openai/x"])
    assert wrong.exit_code == 2 and "one role, answerer" in wrong.output
    bad = _write(tmp_path / "bad.jsonl", [GOOD, '{"id": "b", "question": "Q?"}'])
    failed = runner.invoke(app, ["bench", "mcq", str(bad), "--model-role", "answerer=vllm/m"])
    assert failed.exit_code == 2
    assert f"{bad}:2, field 'options'" in failed.output.replace("\n", "")
    helped = runner.invoke(app, ["bench", "mcq", "--help"])
    assert helped.exit_code == 0 and "unscored" in helped.output


# --- the real llama.cpp server -------------------------------------------------------------


def test_bench_mcq_end_to_end_against_the_real_llamacpp_server(
    llama_server: str, tmp_path: Path
) -> None:
    """Random weights answer anything: each answer must be one of the item's letters or be
    counted as unscored with a reason; the counts must add up, one result per item."""
    out = tmp_path / "results.json"
    result = runner.invoke(
        app,
        ["bench", "mcq", str(EXAMPLE), "--no-cache", "--no-progress", "--model-role",
         "answerer=llamacpp-server/tiny", "--base-url", llama_server, "--max-connections", "1",
         "-o", str(out)],
    )  # fmt: skip
    saved = json.loads(out.read_text())
    items = read_mcq_items(str(EXAMPLE))
    rows = saved["items"]
    assert [r["id"] for r in rows] == [i.id for i in items]
    answered = [r for r in rows if r["status"] == "answered"]
    for item, r in zip(items, rows, strict=True):
        if r["status"] == "answered":
            assert r["answer"] in item.options and r["correct"] == (r["answer"] == item.answer)
        else:
            assert r["status"] == "unscored" and r["answer"] is None and r["reason"]
    o = saved["overall"]
    assert o["items"] == len(items) and o["scored"] == len(answered)
    assert o["scored"] + o["unscored"] == len(items)
    assert o["correct"] == sum(r["correct"] is True for r in rows)
    assert sum(t["items"] for t in saved["topics"].values()) == len(items)
    assert saved["usage"]["answerer"]["calls"] >= len(items)
    assert result.exit_code == (0 if answered else 1), result.output
    assert answered, "the grammar-constrained tiny model should answer at least one item"
