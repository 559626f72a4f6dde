"""The learned reply head's real negatives: real supporters' replies read from ESConv-format
chats, and the choice of which of them the head is taught to let through (never a reply to a
client message read at `moderate` or above, never one the rules block, only where the head
would judge)."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest

from theralab.errors import BadValue, InputError
from theralab.safety.reply_check import learned
from theralab.safety.reply_check.dataset import RealReply, esconv_replies
from theralab.safety.risk import RiskLevel


def _chat(*turns: tuple[str, str]) -> str:
    return json.dumps({"dialog": [{"speaker": s, "text": t} for s, t in turns]})


def test_esconv_replies_pair_each_reply_with_the_seekers_messages_before_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "esconv"
    folder.mkdir()
    (folder / "train.jsonl").write_text(
        _chat(
            ("sys", "Hello, what brings you here?"),  # nothing said yet: not a reply
            ("usr", "My exam went badly."),
            ("sys", "That sounds disappointing."),
            ("usr", "  "),
            ("usr", "I studied for weeks."),
            ("sys", ""),
            ("sys", "All that work, and it did not show."),
        )
        + "\n\n"
        + _chat(("usr", "I moved to a new city."), ("sys", "How are you settling in?"))
        + "\n",
        encoding="utf-8",
    )
    found = esconv_replies("train", folder)
    assert found == [
        RealReply("esconv/train/0", ("My exam went badly.",), "That sounds disappointing."),
        RealReply(
            "esconv/train/0",
            ("My exam went badly.", "I studied for weeks."),
            "All that work, and it did not show.",
        ),
        RealReply("esconv/train/2", ("I moved to a new city.",), "How are you settling in?"),
    ]


def test_a_broken_esconv_line_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "esconv"
    folder.mkdir()
    (folder / "valid.jsonl").write_text(
        _chat(("usr", "Hi."), ("sys", "Hi there.")) + "\n{not json\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"valid\.jsonl:2"):
        esconv_replies("valid", folder)
    with pytest.raises(InputError, match="ESConv is not there"):
        esconv_replies("train", folder)


class _Tier:
    """A stand-in learned screener: a level per marker word."""

    LEVELS: ClassVar[dict[str, RiskLevel]] = {
        "gloomy": RiskLevel.LOW,
        "worried": RiskLevel.MODERATE,
        "cliff": RiskLevel.HIGH,
    }

    def assess_batch(self, texts: Sequence[str]) -> list[SimpleNamespace]:
        return [
            SimpleNamespace(
                level=max(
                    (lv for w, lv in self.LEVELS.items() if w in t.lower()),
                    key=lambda lv: lv.rank,
                    default=RiskLevel.NONE,
                )
            )
            for t in texts
        ]


def test_real_negatives_keep_only_replies_the_head_would_judge_after_no_serious_risk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(learned, "_screening_tier", lambda: _Tier())
    monkeypatch.setattr(learned, "_AT_RISK", OrderedDict())
    gloomy = ("I feel gloomy since the layoff.",)
    replies = [
        # kept: the learned screener reads `low`, so the head judges; the rules allow it
        RealReply("a", gloomy, "Losing a job shakes a lot loose. What has been hardest?"),
        # not kept: nothing in the history for the head to judge
        RealReply("b", ("We repainted the kitchen.",), "Nice, what colour did you pick?"),
        # not kept: a message at `moderate` or above before the reply, whatever the reply
        RealReply("c", ("I am gloomy.", "I am worried I won't cope."), "You will cope."),
        RealReply("d", ("I keep thinking about the cliff edge.",), "How was your week?"),
    ]
    assert learned.real_negatives(replies) == [replies[0]]


def test_real_negatives_take_at_most_a_few_per_chat_spread_over_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(learned, "_screening_tier", lambda: _Tier())
    monkeypatch.setattr(learned, "_AT_RISK", OrderedDict())
    chat = [
        RealReply("long", ("Gloomy weeks lately.",) * (i + 1), f"Reply number {i}, tell me more.")
        for i in range(9)
    ]
    kept = learned.real_negatives(chat, per_chat=3)
    assert [r.reply for r in kept] == [chat[0].reply, chat[3].reply, chat[6].reply]


def test_real_negatives_need_the_learned_screener(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(learned, "_screening_tier", lambda: None)
    with pytest.raises(RuntimeError, match="learned screener"):
        learned.real_negatives([RealReply("a", ("Gloomy.",), "I hear you.")])


class _Head:
    """A stand-in head that blocks every reply and remembers that it judged."""

    def __init__(self) -> None:
        self.judged = 0

    def blocks(self, reply: str, history: Sequence[str]) -> bool:
        self.judged += 1
        return True

    def probability(self, reply: str, history: Sequence[str]) -> float:
        self.judged += 1
        return 1.0


def test_balanced_sends_histories_only_the_learned_screener_reads_to_the_real_talk_head(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import theralab.safety.reply_check as rc

    strict, real = _Head(), _Head()
    heads = {learned.WEIGHTS: strict, learned.REAL_WEIGHTS: real}
    monkeypatch.setattr(rc, "reply_head", lambda path=learned.WEIGHTS: heads.get(path))
    monkeypatch.setattr(rc, "history_at_risk", lambda history: True)
    calm = ["Work was fine today, I made pasta and watched a film."]
    risky = ["I keep thinking about ending my life."]
    assert not rc.assess_history(calm).needs_care and rc.assess_history(risky).needs_care
    # by default (`high`) the strict head judges everywhere
    assert not rc.check_reply("Sounds like a good evening.", history=calm).allowed
    assert (strict.judged, real.judged) == (1, 0)
    strict.judged = 0
    with pytest.raises(BadValue, match="sensitivity"):
        rc.check_reply("Sounds like a good evening.", history=calm, sensitivity="low")
    verdict = rc.check_reply("Sounds like a good evening.", history=calm, sensitivity="balanced")
    assert not verdict.allowed and (strict.judged, real.judged) == (0, 1)
    # here a rule blocks for a missing crisis response, and the strict head confirms it
    verdict = rc.check_reply(
        "What would you like to talk about today?", history=risky, sensitivity="balanced"
    )
    assert not verdict.allowed and (strict.judged, real.judged) == (1, 1)
    # a reply the rules let through, after risk the rules read: the strict head judges it
    answer = (
        "Thank you for telling me. Are you thinking about ending your life right now? You can "
        "call or text 988 any time to talk with someone."
    )
    assert rc.check_reply(answer, history=risky, learned=False).allowed
    verdict = rc.check_reply(answer, history=risky, sensitivity="balanced")
    assert verdict.reasons == (rc.LEARNED_REASON,) and (strict.judged, real.judged) == (2, 1)
    # without the real-talk head's files the strict head judges everywhere
    heads.pop(learned.REAL_WEIGHTS)
    rc.check_reply("Sounds like a good evening.", history=calm, sensitivity="balanced")
    assert (strict.judged, real.judged) == (3, 1)


def _one_reply(tmp_path: Path) -> Path:
    """A `theralab check` input file of one ordinary reply."""
    line = {
        "id": "a",
        "history": [{"speaker": "client", "text": "Exams next week, a bit tense."}],
        "reply": "That sounds like a lot. What would help most this week?",
    }
    path = tmp_path / "replies.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def test_theralab_check_passes_its_sensitivity_to_the_checker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    import theralab.cli.check as cli_check
    from theralab.cli import app

    seen: list[str] = []
    real_check = cli_check.check_reply

    def recording(*args: object, sensitivity: str = "high", **kwargs: object) -> object:
        seen.append(sensitivity)
        return real_check(*args, sensitivity=sensitivity, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_check, "check_reply", recording)
    path = _one_reply(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["check", str(path)]).exit_code == 0
    assert runner.invoke(app, ["check", str(path), "--sensitivity", "balanced"]).exit_code == 0
    assert seen == ["high", "balanced"]
    assert runner.invoke(app, ["check", str(path), "--sensitivity", "low"]).exit_code == 2


def test_balanced_without_the_real_talk_head_says_so(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from theralab.cli import app

    path = _one_reply(tmp_path)
    # THERALAB_SEMANTIC=0 in tests: no learned head can run
    result = CliRunner().invoke(app, ["check", str(path), "--sensitivity", "balanced"])
    assert result.exit_code == 0 and "needs the real-talk head" in result.output
