"""`theralab guard`: the crisis guardrail as an OpenAI-compatible proxy in front of any model."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from theralab.cli._common import console, err_console, fail, user_errors
from theralab.cli.safety import SensitivityOption
from theralab.cli.serve import (
    BurstOption,
    DbOption,
    HostOption,
    PortOption,
    RateLimitOption,
    _require_extra,
)
from theralab.errors import validated
from theralab.safety.semantic import Sensitivity

DEFAULT_KEY_ENV = "THERALAB_UPSTREAM_API_KEY"


def guard(
    ctx: typer.Context,
    upstream: Annotated[
        str,
        typer.Option(
            help="The upstream OpenAI-compatible base URL (OpenAI, vLLM, Ollama, llama.cpp), "
            "e.g. http://127.0.0.1:8080/v1."
        ),
    ],
    host: HostOption = "127.0.0.1",
    port: PortOption = 8100,
    no_auth: Annotated[
        bool,
        typer.Option(
            "--no-auth", help="Accept requests without a TheraLab API key (local use only)."
        ),
    ] = False,
    locale: Annotated[
        str,
        typer.Option(help="Locale for crisis resources (a request's X-TheraLab-Locale wins)."),
    ] = "en-US",
    upstream_key_env: Annotated[
        str,
        typer.Option(
            help="Environment variable holding the upstream's API key, if it needs one (sent "
            f"as Bearer). Named on the command line, it must be set. Default: {DEFAULT_KEY_ENV}, "
            "if set."
        ),
    ] = DEFAULT_KEY_ENV,
    timeout: Annotated[
        float,
        typer.Option(
            help="Seconds to wait for upstream to connect, and between two reads of its reply "
            "(a stream that stalls longer gets the safe reply)."
        ),
    ] = 60.0,
    rate_limit: RateLimitOption = 120,
    burst: BurstOption = 30,
    db: DbOption = None,
    sensitivity: SensitivityOption = Sensitivity.HIGH,
) -> None:
    """Put TheraLab's crisis guardrail in front of any OpenAI-compatible model.

    Clients use the proxy as their OpenAI base URL and a key from `theralab keys create` as
    their API key. Crisis messages get the crisis protocol and never reach upstream; upstream
    replies are checked and blocked replies replaced; an upstream outage gives a safe reply.
    Streamed replies are released sentence by sentence, each after the check (the last
    chunk's `theralab` field says what the guardrail did). See docs/guard.md.
    """
    _require_extra()
    import uvicorn

    from theralab.serve.guard import GuardSettings, create_guard_app

    if not upstream.startswith(("http://", "https://")):
        raise fail(f"--upstream must be an http(s) URL, got {upstream!r}")
    source = ctx.get_parameter_source("upstream_key_env")
    named = getattr(source, "name", "") == "COMMANDLINE"
    if named and not os.environ.get(upstream_key_env):
        # a key named but missing would send every request unkeyed: refuse, as bot files do
        raise fail(
            f"--upstream-key-env {upstream_key_env}: the environment variable "
            f"{upstream_key_env} is not set (or is empty); set it, or drop the option for an "
            "upstream that needs no key"
        )
    with user_errors():
        settings = validated(
            GuardSettings,
            "guard options",
            upstream=upstream,
            auth=not no_auth,
            db_url=db,
            locale=locale,
            upstream_api_key=os.environ.get(upstream_key_env) or None,
            timeout=timeout,
            rate_per_minute=rate_limit,
            burst=burst,
            sensitivity=sensitivity,
        )
    err_console.print("loading the crisis screener…", highlight=False)
    try:
        app = create_guard_app(settings)
    except Exception as exc:
        raise fail(f"cannot start the guard: {exc}") from None
    base = f"http://{host}:{port}/v1"
    console.print(
        f"[bold]TheraLab guard[/bold] · {base} → {upstream} · "
        f"{'no auth (local use only)' if no_auth else 'API keys from `theralab keys create`'}",
        highlight=False,
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            "[yellow]warning: listening beyond loopback; put TLS in front of it[/yellow]"
        )
        if no_auth:
            err_console.print(
                "[yellow]warning: --no-auth beyond loopback: anyone can call it[/yellow]"
            )
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
