"""The FastAPI application factory: storage, services, the gate, the API and the web UI."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from theralab.safety.screener import Screener, default_screener
from theralab.serve import api, web
from theralab.serve.auth import KeyCache, Principal, UIAuth, ensure_ui_key
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
from theralab.serve.limits import RateLimiter
from theralab.serve.practice import PracticeService
from theralab.serve.screening import serving_screener
from theralab.serve.settings import ServeSettings
from theralab.serve.store import Store
from theralab.version import __version__

DESCRIPTION = """
A counselor chat API with the crisis guardrail always on, and a practice mode in which a
trainee counsels a simulated client and gets MI codes, a running MITI summary and a scorecard.

Authenticate with `Authorization: Bearer <key>` (create keys with `theralab keys create`).
Errors are JSON: `{"error": {"status", "code", "message"}}`.
"""


def create_app(settings: ServeSettings | None = None, screener: Screener | None = None) -> FastAPI:
    """Build the app: migrate the database, wire the services, mount the API and the UI."""
    settings = settings or ServeSettings()
    engine = make_engine(settings.db_url)
    revision = migrate(engine)
    store = Store(engine)
    ui_key = ensure_ui_key(store)
    screener = serving_screener(screener or default_screener())
    screener.assess("Hello.")  # load any model tier now, not on the first person's message
    models = ModelPool(settings.counselor_models, settings.client_model, settings.base_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
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
        )
        if settings.ui
        else None
    )
    app.state.settings = settings
    app.state.store = store
    app.state.schema_revision = revision
    app.state.screener = screener
    app.state.chat = ChatService(settings, store, screener, models)
    app.state.practice = PracticeService(settings, store, screener, models)
    app.state.ui = ui
    app.state.database = redacted_url(settings.db_url)

    app.add_exception_handler(APIError, api_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.include_router(api.router)
    if ui is not None:
        app.include_router(web.router)
        web.mount_static(app)

    @app.get("/health", tags=["service"])
    async def health(request: Request) -> dict[str, Any]:
        """Liveness and what is running: database, schema revision, guardrail, screener."""

        def ping() -> None:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))

        await anyio.to_thread.run_sync(ping)
        return {
            "status": "ok",
            "version": __version__,
            "database": engine.dialect.name,
            "schema_revision": request.app.state.schema_revision,
            "guardrail": "on",
            "screener": screener.name,
            "store_text": settings.store_text,
        }

    gate_keys = KeyCache(store)
    app.add_middleware(
        RequestGate,
        keys=gate_keys,
        limiter=RateLimiter(settings.rate_per_minute, settings.burst),
        max_body_bytes=settings.max_body_bytes,
        ui=ui,
    )
    return app
