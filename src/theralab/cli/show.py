"""`theralab show`: pretty-print one session of a transcripts file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from theralab.cli._common import console, fail, user_errors
from theralab.dialogue.transcripts import iter_sessions
from theralab.report.console import print_session
from theralab.rundir import RunDir


def show(
    transcripts: Annotated[Path, typer.Argument(help="Transcripts JSONL, or a run directory.")],
    session_id: Annotated[
        str | None,
        typer.Argument(help="Session id (default: the first session; ids are listed with --list)."),
    ] = None,
    index: Annotated[int | None, typer.Option(help="Show the N-th session (0-based).")] = None,
    list_ids: Annotated[bool, typer.Option("--list", help="List session ids and exit.")] = False,
    codes: Annotated[bool, typer.Option(help="Show codes, stages and talk types.")] = True,
    state: Annotated[bool, typer.Option(help="Show the simulated client's state.")] = False,
) -> None:
    """Pretty-print a session: who said what, with codes and (optionally) client state."""
    path = RunDir.transcripts_of(transcripts)
    with user_errors():
        if list_ids:
            for s in iter_sessions(path):
                stop = s.stop_reason.value if s.stop_reason else "?"
                console.print(f"{s.id}\t{len(s.turns)} turns\t{stop}", highlight=False)
            return
        for i, s in enumerate(iter_sessions(path)):
            if (session_id is not None and s.id == session_id) or (
                session_id is None and (index is None or i == index)
            ):
                print_session(s, console, codes=codes, state=state)
                return
    wanted = session_id if session_id is not None else f"index {index}"
    raise fail(f"{path}: no session {wanted}; list them with --list")
