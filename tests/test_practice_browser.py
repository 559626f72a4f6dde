"""Practice mode in the browser (findings 4, 11, 12): a seed field that replays a client, a
session that survives a reload, the stored scorecard, risk tags only in a trainer's view."""

from __future__ import annotations

import re
from typing import Any

from tests import test_serve_browser as _ui
from tests.serve_support import LiveServer

# The browser, site and page fixtures of the UI tests (one Chromium, one server).
pytestmark = _ui.pytestmark
browser = _ui.browser
site = _ui.site
page = _ui.page
shots = _ui.shots
login = _ui.login


def _speak(page: Any, text: str, n: int) -> None:
    page.fill("#p-input", text)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#p-messages .msg-counselor').length >= n", arg=n
    )


def test_seed_reload_and_the_stored_scorecard(page: Any, site: tuple[Any, LiveServer]) -> None:
    app, _ = site
    login(page, site, "practice")
    page.locator(".profile").first.wait_for()
    assert page.locator(".tag-risk").count() == 0  # trainees are not told who carries risk
    page.fill("#seed", "4242")
    page.fill("#filter", "pharmacist")
    page.locator(".profile", has_text="Hamid").click()
    page.locator("#session").wait_for(state="visible")
    assert "seed 4242" in page.inner_text("#practice-sub")
    _speak(page, "Hi Hamid, what brings you in today?", 1)
    first_reply = page.locator("#p-messages .msg-counselor .bubble").first.inner_text()

    page.reload()  # the session comes back, transcript and codes included
    page.locator("#session").wait_for(state="visible")
    page.wait_for_function("() => document.querySelectorAll('#p-messages .msg').length >= 2")
    assert page.locator("#p-messages .msg-client .chip-question").count() == 1
    assert page.locator("#p-messages .msg-counselor .bubble").first.inner_text() == first_reply
    _speak(page, "It sounds like the house feels very empty without her.", 2)

    page.click("#end-practice")
    page.locator("#scorecard").wait_for(state="visible")
    head = page.inner_text("#scorecard .score-head")
    assert "seed 4242" in head and "prac_" in head
    found = re.search(r"prac_[0-9a-f]{24}", head)
    assert found is not None
    pid = found.group()
    from theralab.serve.models import PracticeSession

    with app.state.store.sessions() as s:
        stored = s.get(PracticeSession, pid)
    assert stored is not None, (pid, head)
    assert stored.seed == 4242 and stored.status == "ended"

    page.goto(page.url.split("?")[0] + f"?session={pid}")  # the trainer opens it later
    page.locator("#scorecard").wait_for(state="visible")
    assert "2 utterances" in page.inner_text("#scorecard .score-head")


def test_a_trainer_sees_which_clients_may_disclose_risk(
    page: Any, site: tuple[Any, LiveServer]
) -> None:
    login(page, site, "practice")
    page.goto(page.url.split("?")[0] + "?show_risk=1")
    page.locator(".profile").first.wait_for()
    assert page.locator(".tag-risk").count() == 6
