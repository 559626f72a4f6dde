"""The synthesis pipeline: rows (profile → simulate → screen → score) made by an executor and
appended as they finish, then one streaming pass that gates, filters, de-duplicates, routes
at-risk rows to their own split and writes the dataset and its data card.

Folder layout:
    synth.json        the configuration (its hash names the default folder)
    rows.jsonl        every row as it finished, ok or failed (failed rows keep the error and
                      the raw output), each in one write; the journal a rerun resumes from.
                      Scripted rows (no model bound) are final when their shard of
                      SCORE_SHARD = 32 sessions is scored, and written then: a kill loses at
                      most the shard waiting to be scored and the rows being simulated; Ctrl-C
                      scores and writes the waiting shard first
    dataset.jsonl     the kept rows, in index order
    at_risk.jsonl     kept rows whose conversation raised risk: never mixed into the dataset
    dropped.jsonl     index, id and reasons of every row left out
    datacard.json, DATACARD.md
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from theralab.dialogue.records import Session
from theralab.dialogue.transcripts import append_line, atomic_write_text, json_object
from theralab.errors import InputError
from theralab.model.roles import ModelRoles
from theralab.synth.card import CardBuilder
from theralab.synth.config import CONFIG_FILE, SynthConfig, load_config
from theralab.synth.dedup import MinHasher, NearDuplicateIndex, dialogue_text
from theralab.synth.filters import Filter, check_filters, row_structural_problems, row_values
from theralab.synth.rows import RowMaker
from theralab.synth.warm import spread_warmer

if TYPE_CHECKING:
    import numpy as np

ROWS_FILE = "rows.jsonl"
DATASET_FILE = "dataset.jsonl"
AT_RISK_FILE = "at_risk.jsonl"
DROPPED_FILE = "dropped.jsonl"

OnRow = Callable[[dict[str, Any]], None]
OnSession = Callable[[Session], None]


class Executor(Protocol):
    """Makes the rows for `indices` and hands each finished row to `on_row` (in any order).

    `on_session`, if given, is told of each session as soon as it is simulated, before its row
    is screened and scored (the data card's background embeddings start on it then); an
    executor whose sessions run in other processes may ignore it."""

    def run(
        self,
        config: SynthConfig,
        indices: list[int],
        on_row: OnRow,
        *,
        on_session: OnSession | None = None,
    ) -> None: ...


@dataclass
class LocalExecutor:
    """Rows made concurrently on this machine's event loop (the default)."""

    concurrency: int = 8
    roles: ModelRoles | None = None

    def run(
        self,
        config: SynthConfig,
        indices: list[int],
        on_row: OnRow,
        *,
        on_session: OnSession | None = None,
    ) -> None:
        asyncio.run(
            make_rows(config, indices, on_row, self.concurrency, self.roles, on_session=on_session)
        )


# Rows whose sessions are scored together when no model is bound (scripted rows are CPU-bound:
# the MI coder encodes all their counselor sentences in one large batch, which pads less than
# one session's); memory stays bounded. A row is final (and appended to rows.jsonl) only when
# its shard is scored, so a kill (SIGKILL, SIGTERM) loses at most this many simulated rows
# besides those being simulated; Ctrl-C scores and writes the waiting shard before stopping.
# Rows that wait on a model are scored one by one, as they end: the encoder is a small part
# of their time, and each is journaled (and counted) at once.
SCORE_SHARD = 32


def score_shard(config: SynthConfig) -> int:
    return 1 if config.model_roles else SCORE_SHARD


@dataclass
class ScoringShard:
    """Simulated rows waiting to be screened and scored together, then handed to `on_row`
    in the order they arrived."""

    maker: RowMaker
    on_row: OnRow
    size: int = SCORE_SHARD
    waiting: list[tuple[dict[str, Any], Session]] = field(default_factory=list)

    async def add(self, row: dict[str, Any], session: Session) -> None:
        self.waiting.append((row, session))
        if len(self.waiting) >= self.size:
            await self.flush()

    async def flush(self) -> None:
        batch, self.waiting = self.waiting, []
        if not batch:
            return
        try:
            self.maker.prepare_scores([session for _, session in batch])
            # concurrently: rubric judges (model calls) overlap as they did row by row
            rows = await asyncio.gather(*(self.maker.finish(r, s) for r, s in batch))
        except asyncio.CancelledError:
            self.waiting = batch + self.waiting  # not scored: the flush on Ctrl-C redoes them
            raise
        for row in rows:
            self.on_row(row)


async def make_rows(
    config: SynthConfig,
    indices: Iterable[int],
    on_row: OnRow,
    concurrency: int = 8,
    roles: ModelRoles | None = None,
    shard: int | None = None,
    *,
    on_session: OnSession | None = None,
) -> None:
    """A fixed pool of workers pulling indices: memory stays flat however many rows. Sessions
    are scored per shard of `shard` rows (default `score_shard(config)`; 1: each row as its
    session ends); a worker goes on to its next row while its last one waits for the shard.
    `on_session`: told of each session as it is simulated, before it waits for its shard."""
    maker = RowMaker(config, roles)
    todo = iter(indices)
    size = score_shard(config) if shard is None else max(1, shard)
    scoring = ScoringShard(maker, on_row, size)

    async def worker() -> None:
        for index in todo:
            row, session = await maker.simulate(index)
            if session is None:
                on_row(row)
            else:
                if on_session is not None:
                    on_session(session)
                await scoring.add(row, session)

    try:
        try:
            await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
        except (asyncio.CancelledError, KeyboardInterrupt):
            # Ctrl-C (asyncio turns it into a cancellation): the sessions already simulated
            # and waiting for their shard are finished work; score and journal them before
            # stopping (a second Ctrl-C stops at once)
            await scoring.flush()
            raise
        await scoring.flush()
    finally:
        if roles is not None:
            await roles.aclose()


def prepare_folder(config: SynthConfig, folder: Path) -> None:
    """Create the folder, or check it holds the same configuration (then `n` may change)."""
    existing = load_config(folder)
    if existing is not None and existing.digest() != config.digest():
        raise InputError(
            f"this folder holds a dataset made with another configuration "
            f"({existing.digest()} ≠ {config.digest()}); choose another --out, or rerun with "
            "the same options to continue it",
            source=str(folder),
        )
    if existing is None and folder.exists() and any(folder.iterdir()):
        raise InputError(
            "the folder is not empty and is not a TheraLab dataset", source=str(folder)
        )
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / CONFIG_FILE, config.model_dump_json(indent=2) + "\n")


# Row statuses that are final: made, or (in a course) not to be made — the client dropped out.
DONE = frozenset({"ok", "skipped"})


def scan_rows(path: Path) -> dict[int, tuple[str, int]]:
    """index → (status, byte offset) of the latest line for each row. A torn last line (a
    kill during a write on a filesystem that allows it) is ignored."""
    latest: dict[int, tuple[str, int]] = {}
    if not path.exists():
        return latest
    with path.open("rb") as fh:
        offset = 0
        for raw in fh:
            try:
                row = json.loads(raw)
                latest[int(row["index"])] = (str(row["status"]), offset)
            except (ValueError, KeyError, TypeError):
                pass
            offset += len(raw)
    return latest


def read_row(fh: Any, offset: int) -> dict[str, Any]:
    fh.seek(offset)
    return json.loads(fh.readline())


@dataclass
class SynthResult:
    folder: Path
    made: int
    failed: int
    card: dict[str, Any]


def synthesize(
    config: SynthConfig,
    folder: Path,
    executor: Executor,
    *,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> SynthResult:
    """Make every missing or failed row of `config` in `folder`, then finalise the dataset."""
    # fail before any work on a bad filter (or one on a field no row has) or quota
    check_filters([Filter.parse(f) for f in config.filters], config.score, config.rubrics)
    RowMaker(config).quota_plan  # noqa: B018
    prepare_folder(config, folder)
    rows_path = folder / ROWS_FILE
    _cut_torn_tail(rows_path)
    latest = scan_rows(rows_path)
    todo = [i for i in range(config.n) if latest.get(i, ("", 0))[0] not in DONE]
    if on_start is not None:
        on_start(config.n - len(todo), len(todo))
    made = failed = 0
    # the card's dialogue embeddings, made on idle CPU while the rows are made
    warmer = spread_warmer(config) if todo else None

    def on_row(row: dict[str, Any]) -> None:
        nonlocal made, failed
        append_line(rows_path, json.dumps(row, ensure_ascii=False))
        made += 1
        failed += row.get("status") not in DONE
        if warmer is not None:
            warmer.offer(row)
        if on_progress is not None:
            on_progress(row)

    try:
        if todo:
            executor.run(config, todo, on_row, on_session=warmer.offer_session if warmer else None)
        card = finalize(config, folder, warmer.finish if warmer is not None else None)
    finally:
        if warmer is not None:
            warmer.finish()
    return SynthResult(folder, made, failed, card)


def _cut_torn_tail(path: Path) -> None:
    """After a torn write (a kill mid-write, disk full, power cut), cut the partial last line
    off, so the journal holds only whole rows and the next row starts on a line of its own;
    the torn row is not in the journal, so it is made again. A last line that is a whole row
    and lacks only its newline is kept and ended."""
    if not path.exists() or not path.stat().st_size:
        return
    with path.open("r+b") as fh:
        end = fh.seek(0, os.SEEK_END)
        fh.seek(end - 1)
        if fh.read(1) == b"\n":
            return
        # the start of the last line: after the last newline before the end (0 if none)
        start, chunk = end, 1 << 16
        while start > 0:
            step = min(chunk, start)
            fh.seek(start - step)
            block = fh.read(step)
            cut = block.rfind(b"\n")
            if cut >= 0:
                start = start - step + cut + 1
                break
            start -= step
        fh.seek(start)
        tail = fh.read()
        try:
            row = json.loads(tail)
            whole = isinstance(row, dict) and "index" in row and "status" in row
        except ValueError:
            whole = False
        if whole:
            fh.write(b"\n")
        else:
            fh.truncate(start)
        fh.flush()
        os.fsync(fh.fileno())


@contextmanager
def _atomic_lines(path: Path) -> Iterator[TextIO]:
    """A file written line by line under a temporary name and renamed when complete."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def finalize(
    config: SynthConfig,
    folder: Path,
    embedded: Callable[[], Mapping[str, np.ndarray]] | None = None,
) -> dict[str, Any]:
    """Gate, filter, de-duplicate and route the finished rows; write the data card.
    `embedded`: called when the card needs them, the dialogues it embeds that are embedded
    already (`synth.warm`)."""
    latest = scan_rows(folder / ROWS_FILE)
    filters = [Filter.parse(f) for f in config.filters]
    hasher = MinHasher()
    index = NearDuplicateIndex(threshold=config.dedup_threshold)
    card = CardBuilder(config, embedded)
    profiles: dict[str, str] = {}  # profile content hash → first row id
    if config.reference:
        for n, text in enumerate(reference_texts(Path(config.reference))):
            index.add(f"reference:{n}", hasher.signature(text))
            card.reference_rows += 1
    with (
        (folder / ROWS_FILE).open("rb") as rows,
        _atomic_lines(folder / DATASET_FILE) as kept,
        _atomic_lines(folder / AT_RISK_FILE) as at_risk,
        _atomic_lines(folder / DROPPED_FILE) as dropped,
    ):
        for i in range(config.n):
            if i not in latest:
                card.missing += 1
                continue
            row = read_row(rows, latest[i][1])
            reasons = _reasons(row, filters, card)
            if not reasons and row.get("profile"):
                # the sessions of one course share their client: a duplicate is a second
                # course (or a second lone dialogue) with the same profile
                key = _profile_key(row["profile"], row.get("course"))
                if key in profiles:
                    reasons.append(f"duplicate profile of {profiles[key]}")
                    card.drop("duplicate profile")
                else:
                    profiles[key] = row["id"]
            if not reasons:
                signature = hasher.signature(dialogue_text(row["session"]["turns"]))
                dup = index.add(row["id"], signature)
                if dup is not None:
                    kind = "reference" if dup.startswith("reference:") else "dataset"
                    reasons.append(f"near-duplicate of {dup}")
                    card.drop(f"near-duplicate ({kind})")
            if reasons:
                dropped.write(json.dumps({"index": i, "id": row["id"], "reasons": reasons}) + "\n")
                continue
            target = at_risk if row["screen"]["at_risk"] else kept
            target.write(json.dumps(row, ensure_ascii=False) + "\n")
            card.keep(row)
    data = card.finish()
    atomic_write_text(folder / "datacard.json", json.dumps(data, indent=2) + "\n")
    atomic_write_text(folder / "DATACARD.md", card.markdown(data))
    return data


def _profile_key(profile: dict[str, Any], course: dict[str, Any] | None = None) -> str:
    content = {k: v for k, v in profile.items() if k != "id"}
    key = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    return key if course is None else f"{key}/{course.get('session')}"


def _reasons(row: dict[str, Any], filters: list[Filter], card: CardBuilder) -> list[str]:
    card.seen += 1
    if row.get("status") == "skipped":
        card.drop("client dropped out of the course")
        return [f"skipped: {row.get('reason', '')}"]
    if row.get("status") != "ok":
        card.drop(f"failed ({row.get('step', 'unknown')})")
        return [f"failed: {row.get('error', '')}"]
    problems = row_structural_problems(row)
    if problems:
        card.drop("structural")
        return [f"structural: {p}" for p in problems]
    values = row_values(row)
    failing = [f.text for f in filters if not f.passes(values)]
    for f in failing:
        card.drop(f"filter {f}")
    return [f"filter: {f}" for f in failing]


def reference_texts(path: Path) -> Iterator[str]:
    """Dialogue text from a reference JSONL: TheraLab sessions or dataset rows, ShareGPT
    (`conversations`) or OpenAI chat (`messages`) lines."""
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            obj = json_object(line, source=str(path), lineno=lineno)
            if "session" in obj:
                obj = obj["session"]
            if "turns" in obj:
                yield dialogue_text(obj["turns"])
            elif "conversations" in obj:
                yield "\n".join(str(m.get("value", "")) for m in obj["conversations"])
            elif "messages" in obj:
                yield "\n".join(
                    str(m.get("content", "")) for m in obj["messages"] if m.get("role") != "system"
                )
            else:
                raise InputError(
                    "a reference line needs turns, session, conversations or messages",
                    source=str(path),
                    line=lineno,
                )
