"""Demo: a report with every evaluation-suite section, judged by a FAKE judge.

Runs the offline scripted benchmark in-process, then "judges" it with a mock model that
does not read anything: it looks the session up, picks a score from a made-up quality per
counselor (plus per-item, per-session and per-repeat noise) and cites a turn that exists.
A second mock plays the pairwise judge (with a little position bias, so the consistency
check has something to show). Every rubric score, alpha and rating in the resulting report
is therefore MEANINGLESS: the point is to see the rubric profile, PANAS, WAI, agreement,
unscored counts and pairwise leaderboard sections with realistic-looking data, e.g. while
working on the report. The report's title says the judge is fake.

    .venv/bin/python bench/demo_judged_report.py [--clients 8] [--repeats 2] [--out DIR]

The crisis guardrail uses its pattern tier unless --semantic is given (loading the semantic
screener dominates the run time on a small machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from theralab.dialogue.records import Session
from theralab.evaluate.compare import compare_pairs, make_pairs, summarise
from theralab.evaluate.judge import JudgeOutcome, judge_sessions, transcript_view
from theralab.evaluate.results import evaluate_sessions
from theralab.model.model import Model
from theralab.model.providers.mock import MockModel
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.report import write_report
from theralab.rubrics import get_rubric
from theralab.rubrics.model import Item, Rubric
from theralab.runs import RunConfig
from theralab.simulate import plan_sessions, run_sessions

RUBRICS = ("ctrs", "panas", "wai", "miti", "preference")
JUDGE_SPEC = "mock/demo-judge"
PAIRWISE_SPEC = "mock/demo-pairwise-judge"

# Made-up "quality" in [0, 1] per counselor, and per-rubric / per-group nudges, so the charts
# have a spread that looks like something. None of this is measured.
QUALITY: dict[str, float] = {"mi": 0.76, "person_centred": 0.68, "cbt": 0.64, "directive": 0.2}
NUDGE: dict[tuple[str, str], float] = {
    ("cbt", "ctrs"): 0.16,
    ("mi", "ctrs"): -0.08,
    ("mi", "miti"): 0.12,
    ("cbt", "miti"): -0.1,
    ("person_centred", "bond"): 0.14,
    ("cbt", "task"): 0.12,
    ("directive", "goal"): 0.1,
}
_TURN = re.compile(r"^\[(A|B)?(\d+)\] (?:Counselor|Client): (.*)$", re.M)


def _h(*parts: object) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


def _unit(*parts: object) -> float:
    """A deterministic number in [0, 1) from its arguments."""
    return _h(*parts) / 2**32


def _key(turns: Sequence[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    return tuple((i, text.split("\n")[0]) for i, text in turns)


class FakeJudge:
    """Answers rubric items and pairwise questions from a lookup, not from reading."""

    def __init__(self, sessions: Sequence[Session], rubrics: Sequence[Rubric]) -> None:
        self.who: dict[tuple[tuple[int, str], ...], Session] = {}
        for s in sessions:
            for phase in ("session", "before"):
                view = transcript_view(s, phase)
                self.who[_key([(t.index, t.text) for t in view])] = s
        self.items: dict[tuple[str, str], tuple[Rubric, Item]] = {
            (r.name, i.name): (r, i) for r in rubrics for i in r.items
        }

    def _session(self, turns: list[tuple[str, str, str]], side: str = "") -> Session | None:
        mine = [(int(i), text) for s, i, text in turns if s == side]
        return self.who.get(_key(mine))

    def quality(self, counselor: str, *tags: str) -> float:
        q = QUALITY.get(counselor, 0.35 + 0.4 * _unit("quality", counselor))
        return q + sum(NUDGE.get((counselor, t), 0.0) for t in tags)

    def rubric_item(self, messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
        prompt = messages[1].content
        rubric_name = re.search(r"^Rubric: (.+) \(version \d+\)\.$", prompt, re.M)
        item_name = re.search(r"^Item: (.+)$", prompt, re.M)
        allowed = re.search(r'"score": <([^>]*)>', prompt)
        assert rubric_name and item_name and allowed, "unexpected judge prompt"
        rubric, item = self.items[(rubric_name.group(1), item_name.group(1))]
        turns = _TURN.findall(prompt)
        session = self._session(turns)
        sid = session.id if session else "?"
        seed = config.seed or 0
        # A few answers are unusable, as with real judges: counted as unscored, never guessed.
        roll = _unit("fail", sid, item.id, seed, "after" in prompt)
        if roll < 0.012:
            return "Score: probably a four, I think."
        if roll < 0.016:
            return "I can't rate this conversation."
        counselor = session.counselor.name if session else "?"
        points = [p.strip() for p in allowed.group(1).split("|") if p.strip() != '"n/a"']
        lo, hi = int(points[0]), int(points[-1])
        group = item.subscale or ""
        q = self.quality(counselor, rubric.id, group)
        if rubric.id == "panas":
            start = "START of the session" in prompt
            if group == "positive":
                q = 0.3 + (0.0 if start else 0.45 * (q - 0.35))
            else:
                q = 0.68 - (0.0 if start else 0.5 * (q - 0.25))
        q += (_unit("item", rubric.id, item.id) - 0.5) * 0.16
        q += (_unit("session", sid, rubric.id) - 0.5) * 0.2
        rng = random.Random(_h("rater", sid, item.id, seed, "START" in prompt))
        noise = rng.choice((-1, 0, 0, 0, 1)) if hi - lo > 1 else 0
        raw = round(lo + max(0.0, min(1.0, q)) * (hi - lo)) + noise
        raw = max(lo, min(hi, raw))
        answer = lo + hi - raw if item.reverse else raw  # the judge answers the worded item
        indices = [int(i) for _, i, _ in turns] or [0]
        evidence = sorted(rng.sample(indices, k=min(2, len(indices))))
        return json.dumps(
            {
                "rationale": f"FAKE judge: made-up score for {counselor} (no reading involved).",
                "evidence": evidence,
                "score": answer,
            }
        )

    def pairwise(self, messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
        turns = _TURN.findall(messages[1].content)
        a, b = self._session(turns, "A"), self._session(turns, "B")
        qa = self.quality(a.counselor.name) if a else 0.5
        qb = self.quality(b.counselor.name) if b else 0.5
        ids = (a.id if a else "?", b.id if b else "?")
        diff = 2.5 * (qa - qb) + 0.1  # a small bias towards whoever is shown first
        diff += (_unit("pair", *sorted(ids)) - 0.5) * 0.6
        winner = "A" if diff > 0.12 else "B" if diff < -0.12 else "tie"
        return json.dumps({"rationale": "FAKE pairwise judge: made up.", "winner": winner})


async def judged_demo(
    sessions: Sequence[Session], repeats: int = 2
) -> tuple[JudgeOutcome, dict[str, Any]]:
    rubrics = [get_rubric(r) for r in RUBRICS]
    fake = FakeJudge(sessions, rubrics)
    judge = Model(MockModel(outputs=fake.rubric_item), spec=JUDGE_SPEC, max_retries=0)
    outcome = await judge_sessions(sessions, rubrics, [judge], repeats=repeats)
    referee = Model(MockModel(outputs=fake.pairwise), spec=PAIRWISE_SPEC, max_retries=0)
    comparisons = await compare_pairs(make_pairs([("demo", sessions)], False), [referee])
    return outcome, summarise(comparisons)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="client profiles (default 8)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/theralab-demo"))
    parser.add_argument(
        "--repeats", type=int, default=2, help="judge repeats (1 shows the no-agreement view)"
    )
    parser.add_argument("--semantic", action="store_true", help="semantic screener tier on")
    args = parser.parse_args()
    if not args.semantic:
        os.environ.setdefault("THERALAB_SEMANTIC", "0")

    t0 = time.perf_counter()
    config, profiles = RunConfig(clients=args.clients).resolved()
    plans = plan_sessions(config.counselors, profiles, config.seed)
    sessions = asyncio.run(run_sessions(plans, profiles))
    t1 = time.perf_counter()
    outcome, pairwise = asyncio.run(judged_demo(sessions, args.repeats))
    t2 = time.perf_counter()
    results = evaluate_sessions(sessions, seed=config.seed, judged=outcome)
    path = write_report(
        args.out / "report.html",
        results,
        sessions,
        title="TheraLab demo — FAKE judge (judged scores mean nothing)",
        config={
            "counselors": config.counselors,
            "clients": len(profiles),
            "seed": config.seed,
            "max_turns": config.max_turns,
            "judge": f"{JUDGE_SPEC} (fake)",
            "judge_repeats": args.repeats,
            "pairwise_judge": f"{PAIRWISE_SPEC} (fake)",
        },
        pairwise=pairwise,
    )
    calls = len(outcome.ratings)
    print(
        f"{len(sessions)} sessions simulated in {t1 - t0:.1f}s; {calls} fake judge ratings and "
        f"{pairwise['pairs']} fake pairwise comparisons in {t2 - t1:.1f}s"
    )
    print(path)


if __name__ == "__main__":
    main()
