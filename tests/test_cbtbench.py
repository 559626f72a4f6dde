"""CBT-Bench-style tasks: labels, metrics on constructed cases, input errors, the model-backed
classifier against the stub OpenAI-compatible server on loopback, and the CLI. The offline
baselines have tests of their own in tests/test_cbtbench_baseline.py."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from theralab.cbtbench.io import Item, read_items
from theralab.cbtbench.labels import (
    CORE_BELIEF_TASK,
    DISTORTION_TASK,
    DISTORTIONS,
    SHREEVASTAVA_LABELS,
    Task,
    map_shreevastava,
)
from theralab.cbtbench.llm import LLMClassifier, answer_schema
from theralab.cbtbench.metrics import score
from theralab.cli import app
from theralab.errors import InputError
from theralab.model import Model, get_model_api
from theralab.model.stub_server import StubServer
from theralab.prompts import render, version

runner = CliRunner()
TOY = Task("toy", ("a", "b", "c"), "no label", "cbt_distortions", 3)

# Invented texts, each with the label the keyword stub below answers for it.
ITEMS = [
    {"id": "p1", "text": "I burned the toast, so I always ruin everything."},
    {"id": "p2", "text": "She didn't wave back; she must think I'm boring."},
    {"id": "p3", "text": "We walked the dog and then made soup."},
    {"id": "p4", "text": "My boss frowned, so I'll get fired and end up homeless."},
]
GOLD = [["overgeneralization"], ["mind reading"], [], ["fortune-telling", "magnification"]]
LABELLED = [{**item, "labels": gold} for item, gold in zip(ITEMS, GOLD, strict=True)]


class KeywordStub(StubServer):
    """The stub server, answering the distortion schema from keywords in the item's text."""

    RULES = (
        ("always", "overgeneralization"),
        ("must think", "mind reading"),
        ("fired", "fortune-telling"),
        ("refuse", None),
    )

    def _content(self, body: dict[str, Any], broken: bool) -> str:
        prompt = body["messages"][0]["content"]
        text = prompt.split("Text: ", 1)[1].split("\n", 1)[0]
        if broken or "refuse" in text:
            return "I'm sorry, I can't help with that."
        return json.dumps({"labels": [lab for key, lab in self.RULES if key in text and lab]})


async def _no_sleep(_: float) -> None:
    return None


def _model(server: StubServer) -> Model:
    api = get_model_api("vllm/stub-model", base_url=server.base_url)
    return Model(api, spec="vllm/stub-model", sleep=_no_sleep, max_connections=2)


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --- labels ------------------------------------------------------------------------------------


def test_dataset_labels_map_onto_ours() -> None:
    mapped = {map_shreevastava(n) for n in SHREEVASTAVA_LABELS}
    assert mapped == {*DISTORTIONS, None}
    assert map_shreevastava("No Distortion") is None
    assert map_shreevastava("Magnification") == "magnification"
    assert map_shreevastava("Mind Reading") == "mind reading"
    with pytest.raises(KeyError, match="Jumping"):
        map_shreevastava("Jumping to conclusions")


def test_gold_spellings_normalise_and_unknown_labels_say_the_choices() -> None:
    assert DISTORTION_TASK.normalise(" Fortune Telling ") == "fortune-telling"
    assert DISTORTION_TASK.normalise("Catastrophizing") == "magnification"
    assert CORE_BELIEF_TASK.normalise("Worthless") == "worthless"
    with pytest.raises(ValueError, match="choose from: helpless, unlovable, worthless"):
        CORE_BELIEF_TASK.normalise("hopeless")


# --- metrics -----------------------------------------------------------------------------------


def test_metrics_on_a_constructed_case() -> None:
    gold = [{"a"}, {"a", "b"}, set(), {"b"}, None, {"a"}]
    pred = [{"a"}, {"a"}, set(), {"a"}, {"b"}, None]
    m = score(gold, pred, TOY)
    assert (m.items, m.labelled, m.scored, m.unscored) == (6, 5, 4, 1)
    a, b, c = m.per_label
    assert (a.tp, a.predicted, a.support) == (2, 3, 2)
    assert a.precision == pytest.approx(2 / 3) and a.recall == 1.0 and a.f1 == pytest.approx(0.8)
    assert b.precision is None and b.recall == 0.0 and b.f1 == 0.0
    assert c.f1 is None  # neither gold nor predicted: left out of the macro average
    assert m.macro_f1 == pytest.approx(0.4)
    assert m.weighted_f1 == pytest.approx(0.4)
    assert m.micro_f1 == pytest.approx(4 / 7)
    assert m.exact_match == pytest.approx(0.5)
    assert (m.none.precision, m.none.recall, m.none.f1) == (1.0, 1.0, 1.0)
    d = m.to_dict()
    assert d["per_label"]["a"]["f1"] == pytest.approx(0.8) and d["unscored"] == 1


def test_metrics_perfect_empty_and_invalid() -> None:
    perfect = score([{"a"}, set()], [{"a"}, set()], TOY)
    assert perfect.macro_f1 == 1.0 and perfect.exact_match == 1.0
    nothing = score([None, {"a"}], [set(), None], TOY)
    assert nothing.scored == 0 and nothing.macro_f1 is None and nothing.exact_match is None
    always_none = score([{"a"}, set(), {"b"}], [set(), set(), set()], TOY)
    assert always_none.macro_f1 == 0.0 and always_none.exact_match == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="outside"):
        score([{"a"}], [{"z"}], TOY)
    with pytest.raises(ValueError, match="predictions"):
        score([{"a"}], [], TOY)


# --- input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "2: not valid JSON"),
        ('["a"]', "2: each line must be a JSON object"),
        ('{"id": "x"}', "2, field 'text': expected a non-empty string"),
        ('{"id": true, "text": "t"}', "2, field 'id'"),
        ('{"id": "x", "text": "t", "labels": "mind reading"}', "2, field 'labels'"),
        ('{"id": "x", "text": "t", "labels": ["mind-control"]}', "unknown label 'mind-control'"),
        ('{"id": "a", "text": "again"}', "2, field 'id': duplicate id 'a' (first on line 1)"),
    ],
)
def test_bad_input_lines_name_file_line_and_problem(
    tmp_path: Path, line: str, expected: str
) -> None:
    src = tmp_path / "items.jsonl"
    src.write_text('{"id": "a", "text": "fine", "labels": []}\n' + line + "\n")
    with pytest.raises(InputError) as err:
        read_items(str(src), DISTORTION_TASK)
    assert str(err.value).startswith(f"{src}:2")
    assert expected in str(err.value)


def test_items_keep_ids_and_optional_gold(tmp_path: Path) -> None:
    src = tmp_path / "items.jsonl"
    src.write_text('{"id": 7, "text": "x"}\n\n{"id": "b", "text": "y", "labels": ["Labelling"]}\n')
    items = read_items(str(src), DISTORTION_TASK)
    assert items == [Item(7, "x", None, 1), Item("b", "y", ("labeling",), 3)]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(InputError, match="no items"):
        read_items(str(empty), DISTORTION_TASK)


# --- prompts and schema ------------------------------------------------------------------------


def test_prompts_are_versioned_and_list_every_label() -> None:
    for task in (DISTORTION_TASK, CORE_BELIEF_TASK):
        assert version(task.prompt) == "1"
        text = render(task.prompt, text="SAMPLE TEXT", max_labels=task.max_labels)
        assert "SAMPLE TEXT" in text and all(f"- {lab}:" in text for lab in task.labels)
    schema = answer_schema(DISTORTION_TASK)["properties"]["labels"]
    assert schema["items"]["enum"] == list(DISTORTIONS) and schema["maxItems"] == 3


# --- the model-backed classifier against a real HTTP server ------------------------------------


def test_llm_classifier_end_to_end_with_unscored_answers() -> None:
    items = [Item(r["id"], r["text"]) for r in ITEMS] + [Item("r", "I refuse to be labelled.")]
    with KeywordStub() as server:
        classifier = LLMClassifier(_model(server), DISTORTION_TASK)
        done: list[str] = []
        got = asyncio.run(classifier.classify_all(items, lambda p: done.append(str(p.id))))
        sent = server.bodies[0]
    assert [p.id for p in got] == ["p1", "p2", "p3", "p4", "r"]
    assert [p.labels for p in got[:4]] == [
        ("overgeneralization",),
        ("mind reading",),
        (),
        ("fortune-telling",),
    ]
    refused = got[4]
    assert refused.labels is None and refused.unscored and "unparseable" in refused.unscored
    assert refused.to_json() == {"id": "r", "labels": None, "unscored": refused.unscored}
    assert sorted(done) == sorted(p.id for p in got)
    schema = sent["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["labels"]["items"]["enum"] == list(DISTORTIONS)
    assert sent["temperature"] == 0.0


def test_malformed_json_twice_is_unscored_and_a_broken_body_is_retried() -> None:
    item = [Item("only", "Everyone always leaves.")]
    with StubServer(faults=["not_json", "not_json"]) as server:
        got = asyncio.run(LLMClassifier(_model(server), DISTORTION_TASK).classify_all(item))
        assert server.requests == 2  # the answer and one repair
    assert got[0].labels is None and "unparseable" in (got[0].unscored or "")
    with StubServer(faults=["malformed", "ok"]) as server:
        got = asyncio.run(LLMClassifier(_model(server), CORE_BELIEF_TASK).classify_all(item))
    assert got[0].labels == ()  # the stub's schema sample: an empty, valid list


# --- the CLI -----------------------------------------------------------------------------------


def test_cli_with_a_model_writes_predictions_and_json_metrics(tmp_path: Path) -> None:
    src = _write(tmp_path / "items.jsonl", LABELLED)
    out = tmp_path / "pred.jsonl"
    with KeywordStub() as server:
        result = runner.invoke(
            app,
            [
                "bench", "distortions", str(src), "-o", str(out), "--json", "--no-cache",
                "--no-progress", "--model-role", "classifier=vllm/stub-model",
                "--base-url", server.base_url, "--max-connections", "2",
            ],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[3] == {"id": "p4", "labels": ["fortune-telling"]}
    metrics = json.loads(result.stdout)
    # p1, p2, p3 exact; p4 misses magnification: 3 of 4 exact; F1 1 for the three predicted
    # labels, 0 for magnification (gold only), the rest undefined.
    assert metrics["exact_match"] == pytest.approx(0.75)
    assert metrics["macro_f1"] == pytest.approx(0.75)
    assert metrics["per_label"]["magnification"]["recall"] == 0.0
    assert metrics["none"]["f1"] == 1.0
    assert metrics["usage"]["classifier"]["calls"] == 4
    assert "vllm/stub-model" in metrics["classifier"]


def test_cli_table_and_all_unscored_exit_code(tmp_path: Path) -> None:
    src = _write(tmp_path / "items.jsonl", LABELLED[:2])
    with KeywordStub() as server:
        args = ["--no-cache", "--model-role", "classifier=vllm/m", "--base-url", server.base_url]
        table = runner.invoke(app, ["bench", "distortions", str(src), *args])
        refused = _write(tmp_path / "r.jsonl", [{"id": "x", "text": "I refuse.", "labels": []}])
        failed = runner.invoke(app, ["bench", "core-beliefs", str(refused), *args])
    assert table.exit_code == 0, table.output
    assert "overgeneralization" in table.stdout and "(no distortion)" in table.stdout
    assert "macro-F1 1.000" in table.stdout
    assert failed.exit_code == 1 and "every answer was unscored" in failed.output


def test_cli_without_gold_prints_predictions(tmp_path: Path) -> None:
    src = _write(tmp_path / "items.jsonl", [{"id": "q", "text": "They must think I'm odd."}])
    with KeywordStub() as server:
        result = runner.invoke(
            app,
            ["bench", "distortions", str(src), "--no-cache", "--model-role",
             "classifier=vllm/m", "--base-url", server.base_url],
        )  # fmt: skip
        as_json = runner.invoke(app, ["bench", "distortions", str(src), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"id": "q", "labels": ["mind reading"]}
    assert as_json.exit_code == 2 and "no input line has gold" in as_json.output


def test_cli_errors_are_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "ok"}\n{"id": "b", "text": ""}\n')
    result = runner.invoke(app, ["bench", "distortions", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2, field 'text'" in result.output.replace("\n", "")
    good = _write(tmp_path / "ok.jsonl", LABELLED[:1])
    role = runner.invoke(
        app, ["bench", "core-beliefs", str(good), "--model-role", "judge=openai/x"]
    )
    assert role.exit_code == 2 and "one role, classifier" in role.output
    spec = runner.invoke(
        app, ["bench", "core-beliefs", str(good), "--model-role", "classifier=x/y"]
    )
    assert spec.exit_code == 2 and "unknown model provider" in spec.output
    # conftest turns the embedding models off: the offline path says how to proceed.
    offline = runner.invoke(app, ["bench", "distortions", str(good)])
    assert offline.exit_code == 2 and "--model-role classifier=SPEC" in offline.output
    helped = runner.invoke(app, ["bench", "distortions", "--help"])
    assert helped.exit_code == 0 and "unscored" in helped.output
