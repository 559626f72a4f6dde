"""Pairwise comparison of counselors by an LLM judge, both orders, into a rating leaderboard.

Sessions of different counselors with the same client (profile) are paired. The judge sees
each pair twice, once in each order; the two verdicts are combined so that position bias
cancels: a counselor wins only when it wins in both orders, anything else is a tie. The
share of pairs where both orders agree is reported as the judge's position consistency.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from theralab.dialogue.records import Session, StopReason
from theralab.evaluate.judge import transcript_view
from theralab.evaluate.pairwise import leaderboard
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.model import Model
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.prompts import render, version
from theralab.rubrics import get_rubric

COMPARE_PROMPT_VERSION = f"judge_pairwise v{version('judge_pairwise')}"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "rationale": {"type": "string", "maxLength": 600},
        "winner": {"enum": ["A", "B", "tie"]},
    },
    "required": ["rationale", "winner"],
    "additionalProperties": False,
}

Winner = Literal["A", "B", "tie"]


@dataclass(frozen=True)
class Pair:
    profile_id: str
    first: str  # player names
    second: str
    first_session: Session
    second_session: Session


@dataclass
class Comparison:
    """One pair judged in both orders by one judge."""

    profile_id: str
    first: str
    second: str
    judge: str
    forward: str | None  # winner when `first` was shown as A: "first", "second", "tie"
    backward: str | None  # winner when `second` was shown as A
    score: float | None  # 1 first won, 0 second won, 0.5 tie; None when unscored
    consistent: bool | None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def player_name(session: Session, run_label: str | None = None) -> str:
    return f"{run_label}:{session.counselor.name}" if run_label else session.counselor.name


def make_pairs(groups: Sequence[tuple[str, Sequence[Session]]], label_runs: bool) -> list[Pair]:
    """Pair sessions of different players that share a client profile (first session each).
    Failed sessions (stop reason `error`) are never paired: they are not a counselor's work,
    so a counselor with no finished session is not on the leaderboard."""
    by_profile: dict[str, dict[str, Session]] = defaultdict(dict)
    for label, sessions in groups:
        for s in sessions:
            if s.profile_id is None or not s.turns or s.stop_reason is StopReason.ERROR:
                continue
            name = player_name(s, label if label_runs else None)
            by_profile[s.profile_id].setdefault(name, s)
    pairs = []
    for profile_id in sorted(by_profile):
        players = by_profile[profile_id]
        for a, b in itertools.combinations(sorted(players), 2):
            pairs.append(Pair(profile_id, a, b, players[a], players[b]))
    return pairs


def principles(rubric_spec: str = "preference") -> list[str]:
    rubric = get_rubric(rubric_spec)
    return [f"{i.name.lower()} ({i.question.rstrip('?')})" for i in rubric.items]


async def _verdict(
    judge: Model, a: Session, b: Session, crit: list[str], seed: int
) -> tuple[Winner | None, str]:
    prompt = render(
        "judge_pairwise",
        principles=crit,
        a=transcript_view(a),
        b=transcript_view(b),
    )
    config = GenerateConfig(
        temperature=0.0,
        seed=seed,
        max_tokens=300,
        json_schema=SCHEMA,
        schema_name="pairwise_verdict",
        cache_tag=COMPARE_PROMPT_VERSION,
    )
    try:
        out = await judge.generate(
            [
                ChatMessage(role="system", content=render("judge_system")),
                ChatMessage(role="user", content=prompt),
            ],
            config,
        )
    except ModelError as exc:
        if exc.kind is ErrorKind.COST_LIMIT:
            raise
        return None, str(exc)[:300]
    return (out.parsed or {}).get("winner"), ""


def combine(forward: Winner | None, backward: Winner | None) -> tuple[float | None, bool | None]:
    """Both orders → score for the first player and whether the orders agreed."""
    if forward is None or backward is None:
        return None, None
    f = {"A": 1.0, "B": 0.0, "tie": 0.5}[forward]  # first shown as A
    b = {"A": 0.0, "B": 1.0, "tie": 0.5}[backward]  # first shown as B
    consistent = f == b
    return (f if consistent else 0.5), consistent


async def compare_pairs(
    pairs: Sequence[Pair],
    judges: Sequence[Model],
    *,
    rubric: str = "preference",
    seed: int = 0,
    on_done: Callable[[], None] | None = None,
) -> list[Comparison]:
    crit = principles(rubric)

    async def one(pair: Pair, judge: Model) -> Comparison:
        fwd, why_f = await _verdict(judge, pair.first_session, pair.second_session, crit, seed)
        bwd, why_b = await _verdict(judge, pair.second_session, pair.first_session, crit, seed)
        score, consistent = combine(fwd, bwd)
        names = {"A": "first", "B": "second", "tie": "tie"}
        back = {"A": "second", "B": "first", "tie": "tie"}
        if on_done is not None:
            on_done()
        return Comparison(
            profile_id=pair.profile_id,
            first=pair.first,
            second=pair.second,
            judge=judge.spec,
            forward=names[fwd] if fwd else None,
            backward=back[bwd] if bwd else None,
            score=score,
            consistent=consistent,
            reason=why_f or why_b,
        )

    return list(await asyncio.gather(*(one(p, j) for p in pairs for j in judges)))


def summarise(comparisons: Sequence[Comparison], seed: int = 0) -> dict[str, Any]:
    """The leaderboard (Bradley–Terry on the Elo scale, bootstrap CIs) and judge diagnostics."""
    scored = [c for c in comparisons if c.score is not None]
    verdicts = [(c.first, c.second, float(c.score)) for c in scored]  # type: ignore[arg-type]
    consistent = [c.consistent for c in scored]
    consistency = (
        round(sum(bool(x) for x in consistent) / len(consistent), 4) if consistent else None
    )
    board = [r.as_dict() for r in leaderboard(verdicts, seed=seed)] if verdicts else []
    constant = constant_verdicts(comparisons)
    undefined = bool(board) and (consistency == 0 or bool(constant))
    if undefined:
        # Every pair a tie only because the judge never agreed with itself across orders:
        # the verdicts hold no information, and a zero-width interval would read as
        # "certainly equal". The interval is undefined, not [1000, 1000].
        for r in board:
            r["low"] = r["high"] = None
    out: dict[str, Any] = {
        "prompt": COMPARE_PROMPT_VERSION,
        "judges": sorted({c.judge for c in comparisons}),
        "pairs": len(comparisons),
        "scored": len(scored),
        "unscored": len(comparisons) - len(scored),
        "position_consistency": consistency,
        "leaderboard": board,
        "comparisons": [c.as_dict() for c in comparisons],
    }
    if undefined:
        out["interval_undefined"] = (
            "the judge answered the same whatever the order"
            if constant
            else "the judge never gave the same verdict in both orders (0% position consistency)"
        ) + ", so every pair is a tie by construction and the ratings carry no information"
    if constant:
        out["constant_judges"] = constant
    return out


_FORWARD_ANSWER = {"first": "A", "second": "B", "tie": "tie"}  # first shown as A
_BACKWARD_ANSWER = {"second": "A", "first": "B", "tie": "tie"}  # second shown as A


def constant_verdicts(comparisons: Sequence[Comparison]) -> dict[str, dict[str, Any]]:
    """Judges that gave the same raw answer ("A", "B" or "tie") to every call they answered,
    in both orders (two calls or more): judge → {answer, calls}. Always "A" is pure position
    bias: 0% position consistency, and only ties."""
    given: dict[str, list[str]] = defaultdict(list)
    for c in comparisons:
        if c.forward is not None:
            given[c.judge].append(_FORWARD_ANSWER[c.forward])
        if c.backward is not None:
            given[c.judge].append(_BACKWARD_ANSWER[c.backward])
    return {
        judge: {"answer": answers[0], "calls": len(answers)}
        for judge, answers in given.items()
        if len(answers) >= 2 and len(set(answers)) == 1
    }


def pairwise_warnings(summary: Mapping[str, Any]) -> list[str]:
    """What the console and the report must say loudly about a comparison's judge."""
    out = [
        f"judge {judge} gave the same answer ({found.get('answer')}) to every comparison "
        f"({found.get('calls')} calls, zero variance): verdicts uninformative"
        for judge, found in (summary.get("constant_judges") or {}).items()
    ]
    if summary.get("interval_undefined"):
        out.append("Bradley–Terry intervals undefined: " + str(summary["interval_undefined"]))
    return out
