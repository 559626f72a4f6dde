"""Shared CLI plumbing: the consoles, global options, error reporting, progress."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.rich_utils
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from typer.exceptions import TyperException

from theralab.dialogue.records import Session, StopReason
from theralab.dialogue.transcripts import atomic_write_text
from theralab.errors import InputError, TheraLabError
from theralab.seeds import DEFAULT_SEED

if TYPE_CHECKING:
    from theralab.simulate.distributed import SessionCluster

# Logs and pipes get a wide console so tables stay readable; terminals use their own width.
PIPE_WIDTH = 150
console = Console(width=None if sys.stdout.isatty() else PIPE_WIDTH)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else PIPE_WIDTH)
# `--help` is drawn by typer's own console, 80 columns wide in a pipe, where it cuts option
# names (`--max-connectio…`): give it the same width ($TERMINAL_WIDTH still wins).
if typer.rich_utils.MAX_WIDTH is None and not sys.stdout.isatty():
    typer.rich_utils.MAX_WIDTH = PIPE_WIDTH


# The model server's context window, for commands whose roles may run on a model.
ContextWindowOption = Annotated[
    int | None,
    typer.Option(
        min=64,
        help="Context window of the model server in tokens (e.g. 2048 for a default "
        "llama.cpp server): prompts are fitted to it, keeping system prompt, plan and "
        "recent turns. Default: what the server says when a prompt is too long.",
    ),
]


@dataclass
class GlobalOptions:
    """Options given before the subcommand (`theralab --seed 3 run`)."""

    seed: int | None = None
    out: Path | None = None
    debug: bool = False

    def seed_for(self, own: int | None, default: int) -> int:
        """The subcommand's own --seed, else the global one, else the default."""
        return own if own is not None else self.seed if self.seed is not None else default

    def out_for(self, own: Path | None, default: Path) -> Path:
        """The subcommand's own --out, else the global one, else the default."""
        return self.out_or_none(own) or default

    def out_or_none(self, own: Path | None) -> Path | None:
        """The subcommand's own --out, else the global one, else None (standard output)."""
        return own or self.out


def global_options(ctx: typer.Context) -> GlobalOptions:
    root = ctx.find_root()
    obj = root.obj
    return obj if isinstance(obj, GlobalOptions) else GlobalOptions()


def parse_measures(values: list[str] | None) -> list[str] | None:
    """--measures as given: None (the default set), [] for 'none', else the listed ones."""
    names = split_list(values)
    if not names:
        return None
    if [n.lower() for n in names] == ["none"]:
        return []
    return names


def split_list(values: list[str] | None) -> list[str]:
    """Accept repeated options and comma-separated lists alike."""
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def fail(message: str, code: int = 2) -> typer.Exit:
    # the message carries what the user named (files, bots): never read as markup or emoji
    err_console.print(
        f"[bold red]error:[/bold red] {escape(message)}", highlight=False, emoji=False
    )
    return typer.Exit(code)


def titled_table(title: str, **options: Any) -> Table:
    """A result table in the commands' one style: its title left-aligned above bold headers."""
    return Table(title=title, title_justify="left", header_style="bold", **options)


def usage_lines(usage: dict[str, dict[str, Any]]) -> list[str]:
    """One line a model role of a run's model usage: calls (cached, failed), tokens, dollars."""
    return [
        f"model {role}: {u['calls']} calls ({u['cached_calls']} cached, {u['failed_calls']} "
        f"failed), {u['input_tokens']}+{u['output_tokens']} tokens, ${u['dollars']:.4f}"
        for role, u in usage.items()
    ]


def print_usage(target: Console, usage: dict[str, dict[str, Any]]) -> None:
    """Print `usage_lines` as they are: a role is named by what the user named (`ext:boom:`
    is a bot's label, not the :boom: emoji, and `[x]` is not markup)."""
    for line in usage_lines(usage):
        target.print(line, markup=False, emoji=False, highlight=False)


def check_output(path: str | Path | None, *, folder: bool = False) -> None:
    """Check, before any work, that an output can be written where the user asked: a file
    (`folder=False`) must not be a directory, a folder must not be a file, and no parent may
    be a file; a missing parent is fine (it is created). Raises an InputError naming the path.
    None and "-" (standard output) pass, and so does a device such as /dev/null."""
    if path is None or str(path) == "-":
        return
    p = Path(path)
    if folder and p.exists() and not p.is_dir():
        raise InputError("is a file (expected a folder)", source=str(p))
    if not folder and p.is_dir():
        raise InputError("is a directory (expected a file)", source=str(p))
    for parent in p.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError("is a file (expected a folder)", source=str(parent))
            break


def write_lines(output: Path | None, lines: list[str]) -> None:
    """One result a line (JSONL): to standard output, or to `output` with a count on stderr."""
    text = "".join(line + "\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(output, text)
        err_console.print(f"{len(lines)} results → {output}")


def resume_command(command: str, run_dir: Path) -> str:
    """The command that resumes a run as printed after a failure: it works as printed
    (`run --resume` with no other option reuses the run's stored configuration)."""
    import shlex

    return (
        f"theralab {command} --resume --run-id {shlex.quote(run_dir.name)} "
        f"--out {shlex.quote(str(run_dir.parent))}"
    )


def exit_on_failures(
    total: list[str], partial: list[str], *, resume_hint: str | None = None
) -> None:
    """Exit 1 when any session ended in error, one line per counselor (see
    `runs.session_failures`): a run with failed sessions did not do its whole job."""
    for line in total:  # a bot or model that never answered: not a result
        err_console.print(
            f"[bold red]error:[/bold red] {escape(line)}",
            highlight=False,
            soft_wrap=True,
            emoji=False,
        )
    for line in partial:
        err_console.print(
            f"[bold red]error:[/bold red] {escape(line)} (left out of the scores)",
            highlight=False,
            soft_wrap=True,
            emoji=False,
        )
    if total or partial:
        if resume_hint:
            err_console.print(
                f"rerun with {resume_hint} to redo the failed sessions",
                highlight=False,
                soft_wrap=True,
            )
        raise typer.Exit(1)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn TheraLab's own errors (bad input, unknown names, bad values: `TheraLabError`) into
    one clear line and exit code 2. Anything else is a bug: one line naming it and exit 1, or
    with `theralab --debug` its traceback."""
    try:
        yield
    except TheraLabError as exc:
        raise fail(str(exc)) from None
    except (typer.Exit, typer.Abort, TyperException):
        raise
    except Exception as exc:
        if _DEBUG[0]:
            raise
        raise fail(
            f"internal error ({type(exc).__name__}: {exc}). This is a bug in TheraLab: run "
            "the same command as `theralab --debug …` for the traceback and report it.",
            code=1,
        ) from None


_DEBUG = [False]


def set_debug(on: bool) -> None:
    """`theralab --debug`: tracebacks instead of one-line errors."""
    _DEBUG[0] = on


def progress_bar(description: str, unit: str = "", enabled: bool = True) -> Progress:
    """The one progress-bar layout of every command, on stderr: `description` is a rich
    template (e.g. "[bold]simulating", or "[bold]{task.description}" for one bar per phase)."""
    columns = [TextColumn(description), BarColumn(), MofNCompleteColumn()]
    if unit:
        columns.append(TextColumn(unit))
    return Progress(
        *columns,
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not enabled,
        transient=False,
    )


@contextmanager
def session_progress(
    enabled: bool = True,
) -> Iterator[tuple[Callable[[int], None], Callable[[Session], None]]]:
    """A progress bar over sessions on stderr; yields (start(total), advance(session)).

    A course's last session held — its client dropped out, or it failed — also counts the
    course's sessions that will not run now, so the bar still ends full."""
    with count_progress("simulating", "sessions", enabled) as (start, step):

        def advance(session: Session) -> None:
            failed = session.stop_reason is StopReason.ERROR
            if failed:
                err = session.outcome.error if session.outcome else "unknown error"
                err_console.print(
                    f"[yellow]session {escape(session.id)} failed: {escape(str(err))}[/yellow]",
                    emoji=False,
                )
            course = session.course
            ends = course is not None and (failed or course.carry.dropped_out)
            step(1 + (course.of - course.index if ends and course is not None else 0))

        yield start, advance


@contextmanager
def interrupt_message(journal: Path) -> Iterator[None]:
    """On Ctrl-C, say where the finished sessions are and exit 130 instead of a traceback."""
    try:
        yield
    except KeyboardInterrupt:
        kept = 0
        if journal.exists():
            with journal.open(encoding="utf-8") as fh:
                kept = sum(1 for line in fh if line.strip())
        err_console.print(
            f"[yellow]interrupted: {kept} finished session(s) kept in {journal}[/yellow]"
        )
        raise typer.Exit(130) from None


@contextmanager
def count_progress(
    label: str, unit: str, enabled: bool = True
) -> Iterator[tuple[Callable[[int], None], Callable[..., None]]]:
    """A progress bar over any countable work; yields (start(total), advance(n=1))."""
    progress = progress_bar(f"[bold]{label}", unit, enabled)
    task: TaskID | None = None

    def start(total: int) -> None:
        nonlocal task
        task = progress.add_task(unit, total=total)

    def advance(n: int = 1) -> None:
        if task is not None:
            progress.advance(task, n)

    with progress:
        yield start, advance


@contextmanager
def phase_progress(enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """Yields update(phase, done, total): one bar per phase (lines coded, folds fitted …)."""
    progress = progress_bar("[bold]{task.description}", "", enabled)
    tasks: dict[str, TaskID] = {}

    def update(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = progress.add_task(phase, total=total)
        progress.update(tasks[phase], completed=done, total=total)

    with progress:
        yield update


SeedOption = Annotated[
    int | None,
    typer.Option(
        help=f"Seed: every random choice derives from it. Default {DEFAULT_SEED} "
        "(or `theralab --seed N` for every command)."
    ),
]
ProgressOption = Annotated[bool, typer.Option(help="Show a progress bar.")]
LocaleOption = Annotated[
    str | None, typer.Option(help="Locale for crisis resources (e.g. en-US, en-GB).")
]
ModelRoleOption = Annotated[
    list[str] | None,
    typer.Option(
        "--model-role",
        help="Bind a role to a model: counselor=openai/gpt-4o-mini, client=`vllm/<model>`, "
        "screener=…, judge=…; repeat for several. Unbound roles stay scripted.",
    ),
]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(help="OpenAI-compatible endpoint (default: OPENAI_BASE_URL or provider's)."),
]
ModelTimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        min=0.1,
        help="Seconds a model call may take before it is retried (model roles, and ext: bots "
        "whose file sets no `timeout:`). Default 120. A call still unanswered after 30 s (or "
        "half the timeout) is reported on stderr.",
    ),
]
MaxRetriesOption = Annotated[
    int | None,
    typer.Option(
        "--max-retries",
        min=0,
        help="Retries of a failed or timed-out model call (model roles, and ext: bots whose "
        "file sets no `max_retries:`). Default 6.",
    ),
]
MaxConnectionsOption = Annotated[
    int, typer.Option(min=1, help="Model requests in flight per server.")
]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Do not read or write the response cache.")
]
ExecutorOption = Annotated[
    str,
    typer.Option(
        help="local (this process, default) or dask: the work in shards on a Dask cluster "
        "(--address, or a LocalCluster here); the results are the same.",
    ),
]
AddressOption = Annotated[
    str | None, typer.Option(help="Dask scheduler address, e.g. tcp://127.0.0.1:8786.")
]
EndpointOption = Annotated[
    list[str] | None,
    typer.Option(
        "--endpoint",
        help="OpenAI-compatible base URL for the dask executor (repeatable): shards go to "
        "them in turn, overriding --base-url. With the local executor use --base-url.",
    ),
]


def chosen_cluster(
    executor: str, address: str | None, endpoints: list[str] | None
) -> SessionCluster | None:
    """The cluster that `--executor dask` names (None: run here), or a clear error; sessions
    shard it as `SessionCluster.shards` says, other work in slices of `shard_size`."""
    from theralab.simulate.distributed import SessionCluster

    if executor == "local":
        if endpoints or address:
            raise fail(
                "--address and --endpoint spread sessions over a Dask cluster and need "
                "--executor dask; with the local executor give one server with --base-url"
            )
        return None
    if executor != "dask":
        raise fail(f"unknown executor {executor!r}; choose local or dask")
    from theralab.cluster import INSTALL_HINT, dask_available

    if not dask_available():
        raise fail(INSTALL_HINT)
    return SessionCluster(address=address, endpoints=endpoints)


SessionsOption = Annotated[
    int,
    typer.Option(
        min=1,
        max=52,
        help="Sessions per course: each client sees each counselor this many times, "
        "remembering the earlier sessions, and fills in questionnaires before each session "
        "and after the last (see docs/courses.md).",
    ),
]
MeasuresOption = Annotated[
    list[str] | None,
    typer.Option(
        "--measures",
        help="Questionnaires for courses: ids (phq9, gad7, psychosis_check, mania_check) or "
        "YAML files; 'none' for none. Default with --sessions > 1: phq9,gad7 plus a "
        "condition's check. Given with one session: before and after it.",
    ),
]


MAX_ERRORS = 20  # problems listed before the check of an input file stops


class InputProblems(TheraLabError):
    """Every problem found in an input file (up to `MAX_ERRORS`), in line order."""

    def __init__(self, source: str, problems: list[InputError], more: bool) -> None:
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        head = (
            f"{len(problems)} problem(s) in {source}"
            if not more
            else f"the first {len(problems)} problems in {source} (the check stopped there)"
        )
        super().__init__(f"{head} (nothing was written):\n{listed}")
