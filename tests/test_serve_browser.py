"""The web UI in the system Chromium, driven by Playwright: chat (type, send, watch the reply
stream in, a crisis message shows resources, HTML stays text), practice mode (live MI codes,
MITI gauges, scorecard with the cognitive model) and the run-report viewer.

Screenshots go to a temporary folder, or to $THERALAB_SCREENSHOTS when set
(`python scripts/serve_screenshots.py` refreshes docs/screenshots/ that way).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serve_support import LiveServer, make_app, needs_serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

pytestmark = [
    needs_serve,
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs the system Chromium: apt-get install chromium"
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="needs Playwright (uses the system Chromium, no download): pip install playwright",
    ),
]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("THERALAB_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


SAMPLE_REPORT = """<!doctype html><html><head><meta charset="utf-8">
<style>body{font:15px sans-serif;margin:24px}</style></head><body><h1>Run sample</h1>
<p id="ran">script did not run</p>
<script>document.getElementById("ran").textContent = "report script ran";
try { document.cookie; parent.document.title; document.title = "reached parent"; }
catch (e) { document.title = "sandboxed"; }</script></body></html>"""


def _make_runs(runs: Path) -> None:
    """A run directory for the report viewer: a real `theralab run` when making the docs
    screenshots (falling back when the report module fails), a small sample report otherwise."""
    if os.environ.get("THERALAB_SCREENSHOTS"):
        from typer.testing import CliRunner

        from theralab.cli import app as cli

        result: list[Any] = []
        # in a thread: Playwright's sync API may already hold an event loop in this one
        worker = threading.Thread(
            target=lambda: result.append(
                CliRunner().invoke(
                    cli, ["run", "--counselors", "cbt,mi", "--clients", "3", "--out", str(runs)]
                )
            )
        )
        worker.start()
        worker.join(timeout=120)
        if result and result[0].exit_code == 0:
            return
    sample = runs / "20260101-000000-sample"
    sample.mkdir(parents=True, exist_ok=True)
    (sample / "report.html").write_text(SAMPLE_REPORT, encoding="utf-8")
    (sample / "config.json").write_text('{"counselors": ["cbt", "mi"], "clients": 3}')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, LiveServer]]:
    root = tmp_path_factory.mktemp("site")
    runs = root / "runs"
    _make_runs(runs)
    app = make_app(root / "ui.db", runs_dir=runs)
    with LiveServer(app) as live:
        yield app, live


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, site: tuple[Any, LiveServer]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1380, "height": 860}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    yield page
    context.close()
    assert not errors, errors  # no script errors, no CSP violations


def login(page: Any, site: tuple[Any, LiveServer], to: str) -> None:
    app, live = site
    page.goto(f"{live.url}/login?token={app.state.ui.token}&next={to}")
    assert page.url.endswith(f"/{to}")


def send(page: Any, text: str) -> Any:
    """Type and send a chat message; returns the counselor's reply bubble once complete."""
    count = page.locator(".msg-counselor").count()
    page.fill("#input", text)
    page.click("#send")
    reply = page.locator(".msg-counselor").nth(count)
    reply.locator(".bubble").wait_for()
    page.wait_for_function(
        "n => document.querySelectorAll('.msg-counselor .bubble.typing').length === 0 "
        "&& document.querySelectorAll('.msg-counselor').length > n",
        arg=count,
    )
    return reply


def test_chat_streams_replies_and_shows_crisis_resources(
    page: Any, site: tuple[Any, LiveServer], shots: Path
) -> None:
    login(page, site, "chat")
    page.select_option("#modality", "cbt")
    page.select_option("#locale", "en-GB")
    page.click("#start")
    page.locator(".msg-counselor").first.wait_for()
    assert "AI counselor" in page.inner_text("#disclosure")
    page.evaluate(
        "() => { window.__changes = 0; new MutationObserver(() => window.__changes++)"
        ".observe(document.getElementById('messages'),"
        " {subtree: true, childList: true, characterData: true}); }"
    )
    reply = send(page, "I've been feeling overwhelmed at work and I can't switch off at night")
    assert page.evaluate("window.__changes") > 4  # the reply arrived piece by piece
    assert len(reply.inner_text().split()) > 5
    assert page.locator("#resources").is_hidden()
    send(page, "Mostly it's the deadlines, and my manager checking everything I do")
    page.screenshot(path=str(shots / "chat.png"))

    crisis = send(page, "I want to end my life tonight")
    resources = page.locator("#resources")
    resources.wait_for(state="visible")
    assert "Samaritans" in resources.inner_text() and "999" in resources.inner_text()
    assert "msg-crisis" in (crisis.get_attribute("class") or "")
    page.screenshot(path=str(shots / "chat-crisis.png"))


def test_chat_shows_html_as_text(page: Any, site: tuple[Any, LiveServer]) -> None:
    login(page, site, "chat")
    page.click("#start")
    page.locator(".msg-counselor").first.wait_for()
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    send(page, payload)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".msg-client .bubble").last.inner_text() == payload
    assert page.locator(".msg img").count() == 0


def test_practice_mode_shows_codes_gauges_and_scorecard(
    page: Any, site: tuple[Any, LiveServer], shots: Path
) -> None:
    login(page, site, "practice")
    page.locator(".profile").first.wait_for()
    page.screenshot(path=str(shots / "practice-pick.png"))
    page.fill("#filter", "pharmacist")
    page.locator(".profile", has_text="Hamid").click()
    page.locator("#session").wait_for(state="visible")
    utterances = [
        ("Hi Hamid, thank you for coming in. What brings you here today?", "chip-question"),
        ("It sounds like the house feels very empty without her.", "chip-reflection"),
        (
            "Part of you wonders whether it gets easier at all. How have the evenings been?",
            "chip-question",
        ),
        ("You should really clear out her wardrobe by now.", "chip-non_adherent"),
        (
            "It took real courage to come in today. What would she have wanted for you?",
            "chip-adherent",
        ),
    ]
    for n, (text, chip) in enumerate(utterances, start=1):
        page.fill("#p-input", text)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "n => document.querySelectorAll('#p-messages .msg-counselor').length >= n", arg=n
        )
        assert page.locator(f"#p-messages .msg-client >> nth={n - 1} >> .{chip}").count() >= 1
    gauges = page.locator("#miti .gauge")
    assert gauges.count() == 5
    assert page.locator("#miti .marker").count() >= 4
    assert "fair" in page.inner_text("#miti") and "good" in page.inner_text("#miti")
    page.check('input[name="cat"][value="helpless"]')
    page.check('input[name="emo"][value="sad"]')
    page.fill("#inf-thought", "If I let her things go, I lose her")
    page.evaluate("document.activeElement.blur(); document.querySelector('.sidebar').scrollTop = 0")
    page.screenshot(path=str(shots / "practice.png"))

    page.click("#end-practice")
    card = page.locator("#scorecard")
    card.wait_for(state="visible")
    text = card.inner_text().lower()  # headings are upper-cased by CSS
    assert "scorecard" in text and "cognitive model" in text
    assert "core beliefs" in text and "automatic thoughts" in text
    assert "you inferred" in text and "to work on" in text
    page.set_viewport_size({"width": 1380, "height": 1900})  # the whole scorecard
    page.screenshot(path=str(shots / "practice-scorecard.png"))


def test_report_viewer_lists_runs_and_sandboxes_reports(
    page: Any, site: tuple[Any, LiveServer], shots: Path
) -> None:
    login(page, site, "reports")
    first = page.locator(".conv-item").first
    first.click()
    frame = page.frame_locator("iframe")
    frame.locator("body").wait_for()
    assert page.locator("iframe").get_attribute("sandbox") == "allow-scripts allow-popups"
    if frame.locator("#ran").count():  # the sample report: its script runs, sandboxed
        assert frame.locator("#ran").inner_text() == "report script ran"
        assert page.title() != "reached parent"
    page.screenshot(path=str(shots / "reports.png"))


def test_a_ui_conversation_survives_a_server_restart(browser: Any, tmp_path: Path) -> None:
    """`theralab serve --workers 2` as a real process: a conversation in the open page goes on
    after the server restarts — the signed session cookie still works, and the screener still
    remembers the stressor disclosed before (a means question is answered as a crisis)."""
    from tests.serve_support import ServeProcess

    token = "browser-restart-token"
    args = ["--db", f"sqlite:///{tmp_path / 'ui.db'}", "--workers", "2"]
    env = {"THERALAB_UI_TOKEN": token, "THERALAB_STATE_KEYS": ""}
    server = ServeProcess(args, env=env).start()
    context = browser.new_context(viewport={"width": 1380, "height": 860})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{server.url}/login?token={token}&next=chat")
        assert page.url.endswith("/chat")
        page.select_option("#modality", "cbt")
        page.select_option("#locale", "en-GB")
        page.click("#start")
        page.locator(".msg-counselor").first.wait_for()
        send(page, "I lost my job last week and my partner moved out.")
        assert server.stop() == 0
        server = ServeProcess(args, port=server.port, env=env).start()
        crisis = send(page, "How many of my sleeping tablets would it take?")
        page.locator("#resources").wait_for(state="visible")
        assert "msg-crisis" in (crisis.get_attribute("class") or "")
        assert "Samaritans" in page.inner_text("#resources")
        assert page.locator(".msg-error").count() == 0
        assert page.locator("#send-error").is_hidden()  # no failure notice either
    finally:
        context.close()
        server.stop()
    assert not errors, errors


# --- when things go wrong (the serve/UI test report, findings 1, 2, 3, 14) ---------------------


@pytest.fixture
def tabs(browser: Any) -> Iterator[Any]:
    """A browser profile of its own (`tabs.new_page()` opens a tab). Failed requests are
    expected here, so the console's "Failed to load resource" lines are allowed; script
    errors and CSP violations are not."""
    context = browser.new_context(viewport={"width": 1380, "height": 860})
    errors: list[str] = []

    def watch(page: Any) -> None:
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                errors.append(msg.text)
                if msg.type == "error" and "Failed to load resource" not in msg.text
                else None
            ),
        )

    context.on("page", watch)
    yield context
    context.close()
    assert not errors, errors


def start_chat(page: Any, site: tuple[Any, LiveServer], locale: str = "en-GB") -> None:
    login(page, site, "chat")
    page.select_option("#locale", locale)
    page.click("#start")
    page.locator(".msg-counselor").first.wait_for()


def test_a_message_that_cannot_be_sent_stays_in_the_box_beside_the_crisis_lines(
    tabs: Any, site: tuple[Any, LiveServer]
) -> None:
    page = tabs.new_page()
    start_chat(page, site)
    counselor_bubbles = page.locator(".msg-counselor").count()
    page.route("**/v1/conversations/*/messages", lambda route: route.abort())  # server gone
    text = "I want to end my life tonight"
    page.fill("#input", text)
    page.click("#send")
    page.locator("#send-error").wait_for(state="visible")
    assert "couldn't reach the server" in page.inner_text("#send-error")
    assert page.input_value("#input") == text  # kept, to send again
    assert page.locator(".msg-counselor").count() == counselor_bubbles  # nothing said as the AI
    assert page.locator(".msg-client").count() == 0
    assert page.locator("#resources").is_visible()
    assert "999" in page.inner_text("#emergency") and "Samaritans" in page.inner_text("#resources")
    page.unroute("**/v1/conversations/*/messages")
    long = "\U0001f600" * 4001  # 4,001 characters, 8,002 UTF-16 units: nothing is cut off
    page.fill("#input", long)
    assert page.input_value("#input") == long
    assert "too long" in page.inner_text("#counter")
    page.click("#send")
    page.locator("#send-error", has_text="the limit is 4,000").wait_for()
    assert page.locator(".msg-client").count() == 0 and page.input_value("#input") == long
    reply = send(page, text)
    assert "msg-crisis" in (reply.get_attribute("class") or "")
    assert page.input_value("#input") == "" and page.locator("#send-error").is_hidden()


def test_ended_elsewhere_or_signed_out_elsewhere_is_said_plainly(
    tabs: Any, site: tuple[Any, LiveServer]
) -> None:
    a, b = tabs.new_page(), tabs.new_page()
    start_chat(a, site)
    b.goto(f"{site[1].url}/chat")
    b.locator(".conv-item").first.click()
    b.locator("#end").click()
    b.locator(".msg-system", has_text="Conversation ended").wait_for()

    a.fill("#input", "Are you still there?")
    a.click("#send")
    a.locator("#send-error").wait_for(state="visible")
    assert "conversation has ended" in a.inner_text("#send-error")
    assert a.locator(".msg-system", has_text="has ended").count() == 1
    assert a.locator("#send").is_disabled() and a.locator("#end").is_hidden()
    assert a.input_value("#input") == "Are you still there?"

    a.click("#start")  # a new conversation takes the kept message
    a.wait_for_function("() => !document.getElementById('send').disabled")
    assert a.locator("#send").is_enabled() and a.input_value("#input") == "Are you still there?"
    b.goto(f"{site[1].url}/logout")  # signs the whole browser out
    assert "You have signed out" in b.inner_text("body")
    a.fill("#input", "I feel like ending it all tonight.")
    a.click("#send")
    a.locator("#sign-in-again").wait_for(state="visible")
    assert "sign-in has ended" in a.inner_text("#send-error")
    assert a.input_value("#input") == "I feel like ending it all tonight."
    assert a.locator("#resources").is_visible() and "999" in a.inner_text("#emergency")
    assert "Counselor" not in a.inner_text("#send-error")


def test_a_reload_reopens_the_conversation_with_its_words_and_resources(
    tabs: Any, browser: Any, site: tuple[Any, LiveServer]
) -> None:
    page = tabs.new_page()
    start_chat(page, site)
    crisis = "I want to end my life tonight"
    send(page, "Work has been really hard lately.")
    send(page, crisis)
    page.locator("#resources").wait_for(state="visible")
    before = page.locator(".msg .bubble").all_inner_texts()
    page.reload()
    page.locator("#resources").wait_for(state="visible")  # at once, before any new message
    assert page.locator(".msg .bubble").all_inner_texts() == before  # the server kept no text
    assert "999" in page.inner_text("#emergency")
    assert page.locator("#send").is_enabled()
    # the server itself stores no text: a tab that did not keep it says why
    other_tab = tabs.new_page()
    other_tab.goto(f"{site[1].url}/chat")
    other_tab.locator(".conv-item").first.click()
    other_tab.locator("#resources").wait_for(state="visible")
    assert "keeps no conversation text" in other_tab.inner_text("#messages")
    # someone else given the same sign-in link sees none of it
    stranger = browser.new_context()
    try:
        theirs = stranger.new_page()
        login(theirs, site, "chat")
        theirs.locator("#conversations li").first.wait_for()
        assert theirs.inner_text("#conversations").strip() == "None yet."
    finally:
        stranger.close()


def test_on_a_phone_the_emergency_line_and_the_conversation_stay_in_view(
    browser: Any, site: tuple[Any, LiveServer]
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        start_chat(page, site, "en-US")
        reply = send(page, "I want to end my life tonight")
        page.locator("#resources").wait_for(state="visible")
        line = page.locator("#emergency").bounding_box()
        assert line is not None
        assert line["x"] >= 0 and line["x"] + line["width"] <= 390
        assert line["y"] >= 0 and line["y"] + line["height"] <= 844
        assert line["height"] < 60  # one or two lines, not a narrow column
        assert "911" in page.inner_text("#emergency")
        bubble = reply.locator(".bubble").bounding_box()
        assert bubble is not None and 0 <= bubble["y"] < 844  # the reply is on screen
        assert page.locator("#sidebar").is_hidden()  # one tap away, not on top of the chat
        page.click("#show-list")
        assert page.locator("#sidebar").is_visible()
    finally:
        context.close()
