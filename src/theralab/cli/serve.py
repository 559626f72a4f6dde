"""`theralab serve` and `theralab keys`: the counselor chat API and web UI, and its API keys."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from theralab.cli._common import console, err_console, fail
from theralab.cli.safety import SensitivityOption
from theralab.errors import validated
from theralab.safety.semantic import Sensitivity
from theralab.serve import INSTALL_HINT, missing_dependencies

if TYPE_CHECKING:
    from theralab.serve.settings import ServeSettings
    from theralab.serve.store import Store

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="THERALAB_DB",
        help="Database URL: sqlite:///path.db or postgresql://user@host/db. "
        "Default: SQLite in ~/.local/share/theralab.",
    ),
]
# The start-up options `serve` and `guard` share (each keeps its own default port).
HostOption = Annotated[str, typer.Option(help="Address to listen on.")]
PortOption = Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")]
RateLimitOption = Annotated[
    int, typer.Option(help="Requests per minute per API key (a key's own rate wins).")
]
BurstOption = Annotated[int, typer.Option(help="Requests a key may send at once.")]


def _require_extra() -> None:
    if missing_dependencies():
        err_console.print(INSTALL_HINT, highlight=False, markup=False)
        raise typer.Exit(1)


def serve(
    db: DbOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    store_text: Annotated[
        bool,
        typer.Option(
            "--store-text/--no-store-text",
            help="Store what people and counselors say (off: metadata only).",
        ),
    ] = False,
    memory: Annotated[
        bool,
        typer.Option(
            "--memory/--no-memory",
            help="Recall a content-free summary of a user's last conversation.",
        ),
    ] = True,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact/--no-redact",
            help="Redact names, emails, phone numbers and addresses before text goes to a model.",
        ),
    ] = True,
    rate_limit: RateLimitOption = 120,
    burst: BurstOption = 30,
    max_message_chars: Annotated[
        int,
        typer.Option(
            min=1,
            max=100_000,
            help="Longest message accepted (characters); the request body limit (64 KiB) "
            "grows to fit it.",
        ),
    ] = 4000,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            help="A model spec conversations may choose besides the scripted counselors "
            "(repeatable), e.g. openai/gpt-4o-mini.",
        ),
    ] = None,
    client_model: Annotated[
        str | None, typer.Option(help="Model spec for LLM clients in practice mode.")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint for the models.")
    ] = None,
    model_timeout: Annotated[
        float,
        typer.Option(
            min=0.1,
            max=600,
            help="Seconds one model call may take. A call that fails or runs out is retried "
            "--model-retries times; then the person gets the guardrail's safe reply. A person "
            "waits at most about timeout × (retries + 1).",
        ),
    ] = 60.0,
    model_retries: Annotated[
        int, typer.Option(min=0, max=10, help="Retries of a failed or timed-out model call.")
    ] = 2,
    runs_dir: Annotated[
        Path, typer.Option(help="Folder of run directories for the report viewer.")
    ] = Path("runs"),
    ui: Annotated[bool, typer.Option("--ui/--no-ui", help="Serve the web UI.")] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes. Any worker continues any conversation (its state is in "
            "the database); rate limits apply per worker.",
        ),
    ] = 1,
    state_key_file: Annotated[
        Path | None,
        typer.Option(
            help="File of the keys that encrypt conversation state (created 0600 at first "
            "start; default: next to a SQLite database, else in ~/.local/share/theralab). "
            "THERALAB_STATE_KEYS (comma-separated, newest first) takes precedence.",
        ),
    ] = None,
    retention_hours: Annotated[
        float,
        typer.Option(
            min=0.01,
            help="A conversation without a message for this long ends; its saved state is deleted.",
        ),
    ] = 24.0,
    log_format: Annotated[
        str,
        typer.Option(help="text, or json: one JSON object a line (never conversation content)."),
    ] = "text",
    graceful_timeout: Annotated[
        int,
        typer.Option(
            min=0, max=3600, help="Seconds a stop waits for requests in flight to finish."
        ),
    ] = 30,
    sensitivity: SensitivityOption = Sensitivity.HIGH,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Validate the configuration, print what will be stored where, and exit "
            "(non-zero when something is wrong). Creates nothing.",
        ),
    ] = False,
) -> None:
    """Serve guarded counselors over HTTP (API under /v1, web UI with practice mode).

    The crisis guardrail is always on. Without `--store-text` only metadata is stored;
    what a conversation needs to continue is kept encrypted until it ends, so any worker can
    continue it and a restart does not lose it. `/health` checks the database and the
    screener; `/metrics` is in Prometheus' text format.
    API clients need a key: `theralab keys create --name NAME`.
    """
    _require_extra()
    import os
    import secrets
    import shutil

    from theralab.model.api import parse_spec
    from theralab.serve.check import check_configuration
    from theralab.serve.db import redacted_url
    from theralab.serve.observe import configure_logging, reset_metrics_dir
    from theralab.serve.settings import ServeSettings

    try:
        for spec in [*(model or []), *([client_model] if client_model else [])]:
            parse_spec(spec)
        fields: dict[str, object] = {
            "host": host,
            "port": port,
            "store_text": store_text,
            "memory": memory,
            "redact_pii": redact,
            "rate_per_minute": rate_limit,
            "burst": burst,
            "max_message_chars": max_message_chars,
            "counselor_models": tuple(model or ()),
            "client_model": client_model,
            "base_url": base_url,
            "model_timeout": model_timeout,
            "model_retries": model_retries,
            "runs_dir": runs_dir,
            "ui": ui,
            "workers": workers,
            "state_key_file": state_key_file,
            "state_retention_hours": retention_hours,
            "log_format": log_format,
            "sensitivity": sensitivity,
        }
        if db:
            fields["db_url"] = db
        if ui and not check:  # one login token for every worker
            fields["ui_token"] = os.environ.get("THERALAB_UI_TOKEN") or secrets.token_urlsafe(24)
        settings = validated(ServeSettings, "serve options", **fields)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if check:
        report = check_configuration(settings, prepare=False)
        table = Table(show_header=False, box=None)
        for name, value in report.facts:
            table.add_row(f"[bold]{name}[/bold]", value)
        console.print(table)
        for problem in report.problems:
            err_console.print(f"[bold red]problem:[/bold red] {problem}", highlight=False)
        if not report.ok:
            raise typer.Exit(1)
        console.print("configuration OK", highlight=False)
        return
    err_console.print(
        f"opening {redacted_url(settings.db_url)} and loading the crisis screener…", highlight=False
    )
    prepared = check_configuration(settings, prepare=True)  # migrate and make keys, once
    if not prepared.ok:
        raise fail("; ".join(prepared.problems))
    configure_logging(settings.log_format)
    base = f"http://{host}:{port}"
    console.print(
        f"[bold]TheraLab serve[/bold] · database {redacted_url(settings.db_url)} "
        f"· text {'stored' if store_text else 'not stored'} · {workers} worker(s)",
        highlight=False,
    )
    console.print(f"API     {base}/v1   (OpenAPI: {base}/openapi.json)", highlight=False)
    if ui:
        console.print(
            f"Web UI  {base}/login?token={settings.ui_token}   (open this link; new every start)",
            highlight=False,
            soft_wrap=True,
        )
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            "[yellow]warning: listening beyond loopback; put TLS in front of it[/yellow]"
        )
    metrics_folder = reset_metrics_dir()
    # The workers' metric snapshots go with the server (the folder is in /tmp). A stop by
    # signal ends with the signal raised again once uvicorn has shut down (the exit status a
    # service manager expects), which no `finally` outlives: the handlers uvicorn restores
    # then remove the folder first.
    _remove_on_signal(metrics_folder)
    try:
        _serve(settings, host, port, workers, graceful_timeout)
    finally:
        shutil.rmtree(metrics_folder, ignore_errors=True)


def _remove_on_signal(folder: Path) -> None:
    """On SIGINT or SIGTERM, remove `folder`, then do what the signal did before."""
    import shutil
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def install(sig: signal.Signals) -> None:
        before = signal.getsignal(sig)
        if before == signal.SIG_IGN:
            return  # a signal this process ignores does not stop it

        def handler(number: int, frame: object) -> None:
            shutil.rmtree(folder, ignore_errors=True)
            signal.signal(sig, before)
            if callable(before):
                before(number, frame)  # type: ignore[arg-type]
            elif before == signal.SIG_DFL:
                signal.raise_signal(sig)

        signal.signal(sig, handler)

    for sig in (signal.SIGINT, signal.SIGTERM):
        install(sig)


def _serve(
    settings: ServeSettings, host: str, port: int, workers: int, graceful_timeout: int
) -> None:
    import os

    import uvicorn

    from theralab.serve.app import SETTINGS_ENV, create_app

    options: dict[str, object] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        "timeout_graceful_shutdown": graceful_timeout,
        "log_config": None,
    }
    if workers == 1:
        try:
            app = create_app(settings)
        except Exception as exc:
            raise fail(f"cannot start: {exc}") from None
        uvicorn.run(app, **options)  # type: ignore[arg-type]
        return
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    uvicorn.run(
        "theralab.serve.app:create_app_from_env",
        factory=True,
        workers=workers,
        **options,  # type: ignore[arg-type]
    )


keys_app = typer.Typer(
    help="API keys for `theralab serve` (stored hashed; a key is shown once).",
    no_args_is_help=True,
)


def _store(db: str | None, *, create: bool = True) -> Store:
    """The key store; without `create`, a SQLite file that does not exist is an error (a
    typo in --db must not quietly make a new, empty database)."""
    _require_extra()
    from theralab.serve.check import sqlite_file
    from theralab.serve.db import make_engine, migrate, redacted_url
    from theralab.serve.settings import ServeSettings
    from theralab.serve.store import Store

    url = db or ServeSettings().db_url
    found = sqlite_file(url)
    if not create and found is not None and not found.exists():
        raise fail(
            f"no database at {redacted_url(url)} (check --db; `theralab keys create` or "
            "`theralab serve` creates it)"
        )
    engine = make_engine(url)
    migrate(engine)
    return Store(engine)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="What the key is for, e.g. pilot.")],
    rate: Annotated[
        int | None, typer.Option(help="Requests per minute for this key (default: the server's).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Create an API key and print it (once: only its hash is kept)."""
    from theralab.serve.auth import create_key

    store = _store(db)
    taken = store.active_keys_named(name.strip())
    if taken:
        prefixes = ", ".join(f"{k.prefix}…" for k in taken)
        raise fail(
            f"an active key is already named {name.strip()!r} ({prefixes}); names must be "
            "unique so that `keys revoke NAME` revokes exactly one key: choose another name "
            "(e.g. pilot-2), or revoke the old key first"
        )
    try:
        key, plain = create_key(store, name, rate)
    except ValueError as exc:
        raise fail(str(exc)) from None
    err_console.print(f"created key {key.prefix}… ({key.name}); copy it now, it is not shown again")
    print(plain)


@keys_app.command("list")
def keys_list(db: DbOption = None) -> None:
    """List API keys (prefixes only)."""
    store = _store(db, create=False)
    table = Table(header_style="bold")
    for col in ("prefix", "name", "created", "last used", "rate/min", "status"):
        table.add_column(col)
    for key in store.api_keys():
        table.add_row(
            key.prefix + "…",
            key.name,
            f"{key.created_at:%Y-%m-%d %H:%M}",
            f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "—",
            str(key.rate_per_minute or "default"),
            "revoked" if key.revoked_at else "active",
        )
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="The key's prefix (tl_…), id or name.")],
    db: DbOption = None,
) -> None:
    """Revoke a key; requests with it fail within seconds. A name (or prefix) shared by
    several active keys revokes none of them: give the prefix."""
    from theralab.serve.store import AmbiguousKey

    try:
        revoked = _store(db, create=False).revoke_key(key.removesuffix("…"))
    except AmbiguousKey as exc:
        raise fail(str(exc)) from None
    if not revoked:
        raise fail(f"no active key with prefix, id or name {key!r}")
    for k in revoked:
        console.print(f"revoked {k.prefix}… ({k.name})", highlight=False)
