"""The web UI: login link, chat, practice mode and the run-report viewer.

Pages are server-rendered shells; their scripts (static/, no CDN, no external fonts) call the
same /v1 API as any client, authenticated by the UI session cookie plus a CSRF token.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from theralab.rundir import RunDir
from theralab.safety.resources import resources_for
from theralab.serve.auth import UI_COOKIE, UIAuth, UISession
from theralab.serve.gate import ui_session_id
from theralab.version import __version__

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Reports are self-contained HTML with inline scripts: they run sandboxed in an opaque origin,
# so nothing in a report can reach the app's cookies or API.
REPORT_CSP = (
    "sandbox allow-scripts allow-popups; default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'"
)
_RUN_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")
_PAGES = ("chat", "practice", "reports")


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")


def _ui(request: Request) -> UIAuth:
    ui = request.app.state.ui
    assert ui is not None
    return ui  # type: ignore[no-any-return]


async def _session(request: Request) -> UISession | None:
    """The request's UI session: signed, not expired, and not signed out in any worker."""
    ui = _ui(request)
    session = ui.session(ui_session_id(request.scope))
    if session is None:
        return None
    keys = request.app.state.ui_keys
    usable = keys.cached(ui.key_id(session))
    if usable is None:
        usable = await anyio.to_thread.run_sync(keys.usable, ui.key_id(session))
    return session if usable else None


def _page_headers() -> dict[str, str]:
    return {"content-security-policy": PAGE_CSP, "cache-control": "no-store"}


_REASONS = {
    "expired": "Your sign-in has ended. A sign-in lasts 24 hours, and signing out in another "
    "tab ends it too.",
    "signed-out": "You have signed out. Conversations from that sign-in are no longer shown "
    "in this browser.",
}


def crisis_lines() -> dict[str, dict[str, Any]]:
    """Each offered locale's emergency number and crisis resources (and the generic list
    under "en"), embedded in the chat page so it can show them even when the server cannot
    be reached."""
    from theralab.serve.chat import ChatService

    lines: dict[str, dict[str, Any]] = {}
    for locale in [*ChatService.locales(), "en"]:
        found = resources_for(locale)
        lines[locale] = {
            "emergency": found.emergency,
            "resources": [r.line() for r in found.resources],
        }
    return lines


def emergency_numbers() -> list[tuple[str, str]]:
    """(country, emergency number) for each country with resources, for the sign-in page."""
    from theralab.serve.chat import ChatService

    return [
        (resources_for(locale).name, resources_for(locale).emergency)
        for locale in ChatService.locales()
    ]


def _login_needed(request: Request, reason: str | None = None) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "login.html",
        {
            "version": __version__,
            "reason": _REASONS.get(reason or ""),
            "emergency_numbers": emergency_numbers(),
        },
        status_code=401,
        headers=_page_headers(),
    )


async def _render(request: Request, page: str, context: dict[str, Any]) -> Response:
    session = await _session(request)
    if session is None:
        return _login_needed(request)
    settings = request.app.state.settings
    return templates.TemplateResponse(
        request,
        f"{page}.html",
        {
            "page": page,
            "csrf": session.csrf,
            "version": __version__,
            "store_text": settings.store_text,
            **context,
        },
        headers=_page_headers(),
    )


@router.get("/")
async def home(
    request: Request, reason: str | None = Query(default=None, max_length=20)
) -> Response:
    if await _session(request) is None:
        return _login_needed(request, reason)
    return RedirectResponse("/chat", status_code=303)


@router.get("/login")
async def login(
    request: Request,
    token: str = Query(default="", max_length=200),
    next: str = Query(default="chat", max_length=20),
) -> Response:
    ui = _ui(request)
    if not token or not ui.check_token(token):
        return _login_needed(request)
    session = ui.open_session()
    target = next if next in _PAGES else "chat"
    response = RedirectResponse(f"/{target}", status_code=303)
    response.set_cookie(
        UI_COOKIE,
        session.id,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    key_id = ui.key_id(session)  # this sign-in's own identity
    await anyio.to_thread.run_sync(request.app.state.ui_keys.usable, key_id)
    await anyio.to_thread.run_sync(request.app.state.store.audit, "ui.login", key_id)
    return response


@router.get("/logout")
async def logout(request: Request) -> Response:
    session = await _session(request)
    if session is not None:
        ui = _ui(request)
        ui.close(session)
        key_id = ui.key_id(session)
        await anyio.to_thread.run_sync(request.app.state.store.sign_out_ui_session, key_id)
        request.app.state.ui_keys.forget(key_id)
    response = RedirectResponse("/?reason=signed-out", status_code=303)
    response.delete_cookie(UI_COOKIE, path="/")
    # the chat page keeps what the person saw in the tab's sessionStorage: clear it
    response.headers["clear-site-data"] = '"storage"'
    return response


@router.get("/chat")
async def chat_page(request: Request) -> Response:
    return await _render(request, "chat", {"crisis_lines": crisis_lines()})


@router.get("/practice")
async def practice_page(request: Request) -> Response:
    return await _render(request, "practice", {})


def _runs(folder: Path) -> list[dict[str, Any]]:
    if not folder.is_dir():
        return []
    runs = []
    for run in folder.iterdir():
        report = RunDir(run).report
        if not (_RUN_ID.match(run.name) and report.is_file()):
            continue
        info: dict[str, Any] = {
            "id": run.name,
            "modified": datetime.fromtimestamp(report.stat().st_mtime, UTC),
            "counselors": [],
            "clients": None,
        }
        try:
            config = json.loads(RunDir(run).config.read_text(encoding="utf-8"))
            info["counselors"] = [str(c) for c in config.get("counselors", [])][:8]
            info["clients"] = config.get("clients")
        except (OSError, ValueError, AttributeError):
            pass
        runs.append(info)
    return sorted(runs, key=lambda r: r["modified"], reverse=True)


@router.get("/reports")
async def reports_page(
    request: Request, run: str | None = Query(default=None, max_length=128)
) -> Response:
    runs = _runs(Path(request.app.state.settings.runs_dir))
    selected = run if run and any(r["id"] == run for r in runs) else None
    return await _render(
        request,
        "reports",
        {"runs": runs, "selected": selected, "runs_dir": str(request.app.state.settings.runs_dir)},
    )


@router.get("/reports/{run_id}/report.html")
async def report_file(request: Request, run_id: str) -> Response:
    if await _session(request) is None:
        return _login_needed(request)
    root = Path(request.app.state.settings.runs_dir).resolve()
    if not _RUN_ID.match(run_id):
        return HTMLResponse("not found", status_code=404)
    path = RunDir(root / run_id).report.resolve()
    if root not in path.parents or not path.is_file():
        return HTMLResponse("not found", status_code=404)
    return FileResponse(
        path,
        media_type="text/html",
        headers={"content-security-policy": REPORT_CSP, "cache-control": "no-store"},
    )
