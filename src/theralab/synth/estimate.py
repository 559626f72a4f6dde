"""`--dry-run`: time, tokens and dollars for a dataset, estimated from a small scripted sample.

The sample is made with the scripted engine in memory (never with the bound models, which
would cost money): it gives dialogue length and wording, and the time per row of the
scripted path. For model-backed roles, tokens are estimated from that length (about 1.35
tokens a word, the role's prompt and the growing history sent at every turn) and priced with
the versioned price table.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from theralab.model.types import Usage
from theralab.model.usage import cost_of
from theralab.synth.config import SynthConfig
from theralab.synth.rows import RowMaker

TOKENS_PER_WORD = 1.35
PROMPT_TOKENS = {"counselor": 700, "client": 900, "judge": 500}
SAMPLE_ROWS = 6


def estimate(config: SynthConfig, concurrency: int = 8) -> dict[str, Any]:
    if config.recipe != "cactus":
        # a rewritten dialogue costs one writer call: the source length in, the dialogue out
        config = config.model_copy(update={"recipe": "cactus", "source": None})
    scripted = config.model_copy(update={"model_roles": {}, "rubrics": [], "base_url": None})
    maker = RowMaker(scripted)
    k = min(SAMPLE_ROWS, config.n)
    rows: list[dict[str, Any]] = []

    async def go() -> None:
        for i in range(k):
            rows.append(await maker.make(i))

    started = time.perf_counter()
    asyncio.run(go())
    per_row = (time.perf_counter() - started) / k
    ok = [r for r in rows if r.get("status") == "ok"]
    turns = [t for r in ok for t in r["session"]["turns"]]
    n_turns = len(turns) / max(1, len(ok))
    words = sum(len(t["text"].split()) for t in turns) / max(1, len(turns))
    out: dict[str, Any] = {
        "rows": config.n,
        "sample rows (scripted)": k,
        "turns per dialogue": round(n_turns, 1),
        "words per turn": round(words, 1),
        "scripted time per row": f"{per_row * 1000:.0f} ms",
        "scripted wall time": _duration(per_row * config.n),
    }
    total = 0.0
    for role, spec in config.model_roles.items():
        if role not in ("counselor", "client"):
            continue
        calls = n_turns / 2
        history = words * TOKENS_PER_WORD * n_turns / 2  # mean history length over the turns
        usage = Usage(
            input_tokens=int((PROMPT_TOKENS[role] + history) * calls * config.n),
            output_tokens=int(words * TOKENS_PER_WORD * calls * config.n),
        )
        dollars = cost_of(spec, usage)
        total += dollars
        out[f"{role} ({spec}) tokens"] = f"{usage.input_tokens:,} in / {usage.output_tokens:,} out"
        out[f"{role} cost"] = f"${dollars:,.2f}" if dollars else "$0 (not in the price table)"
    if config.rubrics and "judge" in config.model_roles:
        from theralab.rubrics import resolve_rubrics

        items = sum(len(r.items) * len(r.phases) for r in resolve_rubrics(config.rubrics))
        transcript = words * TOKENS_PER_WORD * n_turns
        usage = Usage(
            input_tokens=int((PROMPT_TOKENS["judge"] + transcript) * items * config.n),
            output_tokens=int(80 * items * config.n),
        )
        dollars = cost_of(config.model_roles["judge"], usage)
        total += dollars
        out["judge tokens"] = f"{usage.input_tokens:,} in / {usage.output_tokens:,} out"
        out["judge cost"] = f"${dollars:,.2f}"
    if config.model_roles:
        out["total cost"] = f"${total:,.2f}"
        out["note"] = f"model time depends on the server; concurrency {concurrency}"
    return out


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
