"""A whole seminar through the pages, in a real Chromium.

The trainer signs in and starts a game; two phones and a shared PC join by PIN; every
question type is answered through the answer buttons and keys; one phone reloads
mid-question; the projector shows the count, reveal, leaderboard and podium.
Screenshots of each screen are saved under test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from quizkiosk.web.i18n import load_catalogs

from tests.e2e.conftest import (
    PC,
    PHONE,
    PROJECTOR,
    screenshot,
    serious_accessibility_violations,
)
from tests.integration.conftest import RunningServer

pytestmark = pytest.mark.e2e
EVIL_NAME = "<svg onload=alert(1)>"
CATALOGS = load_catalogs()
TIMEOUT = 15_000


def by_id(page: Any, test_id: str) -> Any:
    return page.get_by_test_id(test_id)


def no_dialogs(page: Any, opened: list[str]) -> None:
    # A name with markup must never run as code: any alert() would land here.
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))


def assert_accessible(page: Any, label: str) -> None:
    violations = serious_accessibility_violations(page)
    assert violations == [], f"{label}: {violations}"


def sign_in_and_start(trainer: Any, server: RunningServer, check_axe: bool = True) -> str:
    """Sign in, pick the bank and start. `check_axe` needs a context that bypasses the
    CSP (axe is injected as a script); a real-CSP context passes False."""
    trainer.goto(f"{server.base_url}/login?lang=en")
    if check_axe:
        assert_accessible(trainer, "login")
    trainer.fill("#login-username", "nurse")
    trainer.fill("#login-password", "nurse-pass-1")
    trainer.click("#login-submit")
    trainer.wait_for_url(re.compile(r"/console"), timeout=TIMEOUT)
    if check_axe:
        assert_accessible(trainer, "console")
    trainer.goto(f"{server.base_url}/console/banks/every-type")
    if check_axe:
        assert_accessible(trainer, "bank page")
    trainer.check("#scoring-accuracy")
    trainer.click("#start-game")
    trainer.wait_for_url(re.compile(r"/host/"), timeout=TIMEOUT)
    by_id(trainer, "screen-lobby").wait_for(timeout=TIMEOUT)
    pin = by_id(trainer, "game-pin").inner_text()
    return re.sub(r"\D", "", pin)


def join(page: Any, server: RunningServer, path: str, pin: str, name: str) -> None:
    page.goto(f"{server.base_url}{path}?pin={pin}&lang=en")
    page.fill("#join-name", name)
    page.click("#join-submit")
    by_id(page, "screen-lobby").wait_for(timeout=TIMEOUT)


def wait_question(page: Any, number: int) -> None:
    page.wait_for_function(
        "n => document.body.dataset.screen === 'question' &&"
        " document.querySelector('[data-testid=question-progress]')?.textContent.includes(n)",
        arg=str(number),
        timeout=TIMEOUT,
    )


def answer_by_tapping(page: Any, kind: str, right: bool) -> None:
    """Answer the open question with the on-screen buttons, as a phone user does."""
    if kind == "single":
        by_id(page, "option-1" if right else "option-0").click()
    elif kind == "multi":
        for option in ("option-0", "option-2") if right else ("option-1",):
            by_id(page, option).click()
        by_id(page, "answer-submit").click()
    elif kind == "truefalse":
        by_id(page, "option-false" if right else "option-true").click()
    elif kind == "order":
        steps = ["S1", "S2", "S3", "S4"] if right else ["S4", "S3", "S2", "S1"]
        for step in steps:
            page.locator("[data-testid^=order-step-]", has_text=step).click()
        by_id(page, "answer-submit").click()
    elif kind == "typed":
        page.fill("[data-testid=typed-input]", "z99 secret" if right else "A00")
        by_id(page, "answer-submit").click()
    else:
        by_id(page, "option-0").click()


def answer_by_keyboard(page: Any, kind: str) -> None:
    """The shared PC answers with keys: 1–6 / A–F pick, Enter sends."""
    if kind == "single":
        page.keyboard.press("2")
        page.keyboard.press("Enter")
    elif kind == "multi":
        page.keyboard.press("1")
        page.keyboard.press("3")
        page.keyboard.press("Enter")
    elif kind == "truefalse":
        page.keyboard.press("2")
        page.keyboard.press("Enter")
    elif kind == "order":
        for step in ("S1", "S2", "S3", "S4"):
            page.locator("[data-testid^=order-step-]", has_text=step).click()
        page.keyboard.press("Enter")
    elif kind == "typed":
        page.fill("[data-testid=typed-input]", "Z99.SECRET")
        page.keyboard.press("Enter")
    else:
        page.keyboard.press("1")
        page.keyboard.press("Enter")


KINDS = ["single", "multi", "truefalse", "order", "typed", "poll"]


def test_a_seminar_through_the_pages(browser: Any, ui_server: RunningServer) -> None:
    server = ui_server
    dialogs: list[str] = []
    contexts = []

    def new_page(size: dict[str, int]) -> Any:
        context = browser.new_context(viewport=size, bypass_csp=True, reduced_motion="reduce")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        no_dialogs(page, dialogs)
        return page

    try:
        projector = new_page(PROJECTOR)
        pin = sign_in_and_start(projector, server)
        screenshot(projector, "projector-1920-lobby")
        assert_accessible(projector, "projector lobby")
        # The trainer's phone remote: same session, phone size.
        remote = projector.context.new_page()
        remote.set_viewport_size(PHONE)
        remote.goto(projector.url.replace("/host/", "/remote/"))
        by_id(remote, "remote-next").wait_for(timeout=TIMEOUT)
        screenshot(remote, "remote-360-lobby")
        assert_accessible(remote, "remote")
        remote.close()

        phone = new_page(PHONE)
        join(phone, server, "/join", pin, EVIL_NAME)
        screenshot(phone, "phone-360-lobby")
        assert_accessible(phone, "phone lobby")
        reloader = new_page(PHONE)
        join(reloader, server, "/join", pin, "Bobur")
        shared_pc = new_page(PC)
        join(shared_pc, server, "/pc", pin, "Karim")
        assert_accessible(shared_pc, "shared PC lobby")

        projector.wait_for_function(
            "() => document.querySelector('[data-testid=joined-count]')?.textContent.includes('3')",
            timeout=TIMEOUT,
        )
        # The name with markup is shown as text, not turned into an element.
        names = by_id(projector, "player-list").inner_text()
        assert EVIL_NAME in names
        assert projector.locator("[data-testid=player-list] svg").count() == 0

        projector.keyboard.press("Space")
        for number, kind in enumerate(KINDS, start=1):
            for page in (projector, phone, reloader, shared_pc):
                if page is projector:
                    by_id(projector, "screen-question").wait_for(timeout=TIMEOUT)
                else:
                    wait_question(page, number)
            if number == 1:
                screenshot(projector, "projector-1920-question")
                screenshot(phone, "phone-360-question")
                assert_accessible(projector, "projector question")
                assert_accessible(phone, "phone question")
            if number == 3:
                # The phone reloads mid-question and comes back to the same question.
                reloader.reload()
                wait_question(reloader, number)
            answer_by_tapping(phone, kind, right=True)
            answer_by_tapping(reloader, kind, right=number % 2 == 0)
            answer_by_keyboard(shared_pc, kind)
            by_id(projector, "screen-reveal").wait_for(timeout=TIMEOUT)
            assert "3" in by_id(projector, "answered-count").inner_text()
            by_id(phone, "screen-reveal").wait_for(timeout=TIMEOUT)
            if kind != "poll":
                assert by_id(phone, "reveal-verdict").get_attribute("data-verdict") == "correct"
                explanation = by_id(projector, "explanation").inner_text()
                assert f"SECRET-EXPLANATION-{number}" in explanation
            if number == 1:
                screenshot(projector, "projector-1920-reveal")
                screenshot(phone, "phone-360-reveal")
                assert_accessible(phone, "phone reveal")
            projector.keyboard.press("Space")
            if number < len(KINDS):
                by_id(projector, "screen-leaderboard").wait_for(timeout=TIMEOUT)
                board = by_id(projector, "leaderboard-list").inner_text()
                assert EVIL_NAME in board
                if number == 1:
                    by_id(phone, "screen-rank").wait_for(timeout=TIMEOUT)
                    screenshot(projector, "projector-1920-leaderboard")
                    screenshot(phone, "phone-360-leaderboard")
                projector.keyboard.press("Space")
        by_id(projector, "screen-podium").wait_for(timeout=TIMEOUT)
        podium = by_id(projector, "podium").inner_text()
        assert EVIL_NAME in podium and "Karim" in podium
        screenshot(projector, "projector-1920-podium")
        assert_accessible(projector, "projector podium")
        projector.keyboard.press("Space")
        by_id(phone, "screen-final").wait_for(timeout=TIMEOUT)
        screenshot(phone, "phone-360-podium")
        assert by_id(phone, "final-place").inner_text().strip() != ""
        assert dialogs == []
    finally:
        for context in contexts:
            context.close()


@pytest.mark.parametrize("language", ["ru", "en", "uz"])
def test_pages_switch_language_and_remember_it(
    browser: Any, ui_server: RunningServer, language: str
) -> None:
    catalog = CATALOGS[language]
    context = browser.new_context(viewport=PHONE, bypass_csp=True, reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(f"{ui_server.base_url}/join?lang={language}")
        assert page.locator("html").get_attribute("lang") == language
        body = page.inner_text("body")
        for message in ("Your name", "Game PIN", "Join"):
            assert catalog[message] in body
        # Remembered per device: the next visit without ?lang= keeps it.
        page.goto(f"{ui_server.base_url}/login")
        assert page.locator("html").get_attribute("lang") == language
        assert catalog["Trainer sign in"] in page.inner_text("body")
        assert_accessible(page, f"login ({language})")
    finally:
        context.close()


CSP_WATCH = """
document.addEventListener('securitypolicyviolation', (event) => {
  (window.__cspViolations = window.__cspViolations || []).push(
    event.violatedDirective + ' ' + event.blockedURI);
});
"""


def real_csp_context(browser: Any, viewport: dict[str, int]) -> Any:
    """A context with the pages' real Content-Security-Policy (no bypass), watching for
    anything it blocks."""
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")
    context.add_init_script(CSP_WATCH)
    return context


def csp_violations(page: Any) -> list[str]:
    found: list[str] = page.evaluate("() => window.__cspViolations || []")
    return found


def test_the_shared_pc_reset_leaves_nothing_of_the_previous_person(
    browser: Any, ui_server: RunningServer
) -> None:
    game = ui_server.create_game(bank_id="every-type")
    context = real_csp_context(browser, PC)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        join(page, ui_server, "/pc", game["pin"], "Previous Person")
        assert "Previous Person" in page.inner_text("body")
        by_id(page, "next-person").click()
        by_id(page, "reset-confirm-yes").click()
        by_id(page, "screen-join").wait_for(timeout=TIMEOUT)
        assert "Previous Person" not in page.content()
        stored = page.evaluate("() => [localStorage.length, sessionStorage.length]")
        assert stored == [0, 0]
        page.go_back()
        assert "Previous Person" not in page.content()
        assert csp_violations(page) == []
    finally:
        context.close()


def test_the_projector_ends_a_game_only_after_confirming(
    browser: Any, ui_server: RunningServer
) -> None:
    context = real_csp_context(browser, PROJECTOR)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        sign_in_and_start(page, ui_server, check_axe=False)
        page.locator("#connection-status[data-state=online]").wait_for()
        # The QR code is served to the signed-in host only, and it loads.
        page.wait_for_function(
            "() => document.querySelector('#join-qr')?.naturalWidth > 0", timeout=TIMEOUT
        )
        assert csp_violations(page) == []
        page.keyboard.press("e")
        by_id(page, "confirm-dialog").wait_for(state="visible")
        by_id(page, "confirm-cancel").click()
        by_id(page, "screen-lobby").wait_for(state="visible")
        page.keyboard.press("e")
        by_id(page, "confirm-ok").click()
        page.wait_for_function(
            "() => document.querySelector('#stage')?.dataset.phase === 'ended'", timeout=TIMEOUT
        )
        assert csp_violations(page) == []
    finally:
        context.close()
