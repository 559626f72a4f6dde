"""The FastAPI application factory: storage, services, the gate, the API and the web UI."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from theralab.safety.concurrent import concurrent_screener
from theralab.safety.screener import Screener, default_screener
from theralab.serve import api, web
from theralab.serve.auth import KeyCache, Principal, UIAuth, UISessionKeys, ensure_ui_key
from theralab.serve.chat import ChatService
from theralab.serve.db import make_engine, migrate, redacted_url
from theralab.serve.engines import ModelPool
from theralab.serve.errors import (
    APIError,
    api_error_handler,
    http_error_handler,
    validation_error_handler,
)
from theralab.serve.gate import RequestGate
from theralab.serve.keyring import load_keys
from theralab.serve.limits import RateLimiter
from theralab.serve.observe import (
    Metrics,
    ObserveMiddleware,
    collect,
    configure_logging,
    exposition,
    write_snapshot,
)
from theralab.serve.practice import PracticeService
from theralab.serve.settings import ServeSettings
from theralab.serve.store import Store
from theralab.version import __version__

DESCRIPTION = """
A counselor chat API with the crisis guardrail always on, and a practice mode in which a
trainee counsels a simulated client and gets MI codes, a running MITI summary and a scorecard.

Authenticate with `Authorization: Bearer <key>` (create keys with `theralab keys create`).
Errors are JSON: `{"error": {"status", "code", "message"}}`.
"""


SETTINGS_ENV = "THERALAB_SERVE_SETTINGS"
HEALTH_PROBE = "Hello, I had a long day."
log = logging.getLogger("theralab.serve")


def create_app_from_env() -> FastAPI:
    """The app factory each worker process calls (`theralab serve --workers N`): the settings
    come as JSON in THERALAB_SERVE_SETTINGS, written by the command that started them."""
    raw = os.environ.get(SETTINGS_ENV)
    settings = ServeSettings.model_validate_json(raw) if raw else ServeSettings()
    configure_logging(settings.log_format)
    return create_app(settings)


def create_app(settings: ServeSettings | None = None, screener: Screener | None = None) -> FastAPI:
    """Build the app: migrate the database, wire the services, mount the API and the UI."""
    settings = settings or ServeSettings()
    engine = make_engine(settings.db_url)
    revision = migrate(engine)
    store = Store(engine)
    ui_key = ensure_ui_key(store)
    keys = load_keys(settings.key_file())
    screener = concurrent_screener(screener or default_screener(sensitivity=settings.sensitivity))
    screener.assess("Hello.")  # load any model tier now, not on the first person's message
    models = ModelPool(
        settings.counselor_models,
        settings.client_model,
        settings.base_url,
        timeout=settings.model_timeout,
        max_retries=settings.model_retries,
    )
    sweep_every = min(300.0, settings.state_retention_hours * 3600 / 4)
    metrics = Metrics()

    async def snapshots() -> None:
        """This worker's metrics where the other workers' `/metrics` can add them up."""
        while True:
            await anyio.sleep(2)
            with suppress(OSError):
                await anyio.to_thread.run_sync(write_snapshot, metrics)

    async def sweep() -> None:
        """End conversations whose saved state outlived the retention time."""
        while True:
            try:
                ended = await anyio.to_thread.run_sync(store.expire_states)
                if ended:
                    log.info("expired conversations", extra={"event": "expired", "n": len(ended)})
            except Exception as exc:  # a busy database must not stop the server
                log.warning("expiry sweep failed: %s", type(exc).__name__)
            await anyio.sleep(sweep_every)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(sweep)
            tasks.start_soon(snapshots)
            yield
            tasks.cancel_scope.cancel()
        with suppress(OSError):
            write_snapshot(metrics)
        await models.aclose()
        engine.dispose()

    app = FastAPI(
        title="TheraLab serve",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # the Swagger page loads from a CDN; the schema is at /openapi.json
        redoc_url=None,
        lifespan=lifespan,
    )
    ui = (
        UIAuth(
            token=settings.ui_token or secrets.token_urlsafe(24),
            principal=Principal(ui_key.id, ui_key.name, "ui"),
            secret=keys.derive("ui-session"),
        )
        if settings.ui
        else None
    )
    app.state.settings = settings
    app.state.store = store
    app.state.schema_revision = revision
    app.state.screener = screener
    app.state.state_keys = keys
    app.state.metrics = metrics
    app.state.chat = ChatService(settings, store, screener, models, keys, metrics)
    app.state.practice = PracticeService(settings, store, screener, models, keys)
    app.state.ui = ui
    app.state.ui_keys = UISessionKeys(store) if ui is not None else None
    app.state.database = redacted_url(settings.db_url)

    app.add_exception_handler(APIError, api_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.include_router(api.router)
    if ui is not None:
        app.include_router(web.router)
        web.mount_static(app)

    @app.get("/health", tags=["service"], response_model=None)
    async def health(request: Request) -> dict[str, Any] | JSONResponse:
        """Readiness: the database answers and the screener screens (503 when either fails),
        and what is running: schema revision, guardrail, screener, worker."""

        def ping() -> None:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))

        checks: dict[str, str] = {}
        try:
            with anyio.fail_after(10):
                await anyio.to_thread.run_sync(ping)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"failed: {type(exc).__name__}"
        try:
            with anyio.fail_after(10):
                await screener.assess_async(HEALTH_PROBE)
            checks["screener"] = "ok"
        except Exception as exc:
            checks["screener"] = f"failed: {type(exc).__name__}"
        ok = all(v == "ok" for v in checks.values())
        body = {
            "status": "ok" if ok else "failing",
            "checks": checks,
            "version": __version__,
            "database": engine.dialect.name,
            "schema_revision": request.app.state.schema_revision,
            "guardrail": "on",
            "screener": screener.name,
            "store_text": settings.store_text,
            "worker": os.getpid(),
        }
        return body if ok else JSONResponse(body, status_code=503)

    @app.get("/metrics", tags=["service"], response_class=PlainTextResponse)
    async def metrics_page() -> PlainTextResponse:
        """Prometheus text format: requests, latency histograms, guardrail actions by level,
        model errors; summed over every worker. No content, no ids."""
        merged = await anyio.to_thread.run_sync(collect, metrics)
        return PlainTextResponse(
            exposition(merged), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    gate_keys = KeyCache(store)
    app.add_middleware(
        RequestGate,
        keys=gate_keys,
        limiter=RateLimiter(settings.rate_per_minute, settings.burst),
        max_body_bytes=settings.max_body_bytes,
        ui=ui,
        ui_keys=app.state.ui_keys,
    )
    app.add_middleware(
        ObserveMiddleware, metrics=metrics, log_requests=settings.log_format == "json"
    )
    return app
