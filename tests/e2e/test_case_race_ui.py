"""A case race through the pages, in a real Chromium.

The trainer signs in and starts a race from the bank page (after one refused try); two
phones and a shared PC join by PIN and work through both cases of the fixture bank
(tests/fixtures/race_bank.yaml): one phone answers a step wrong, sees why and waits out its
2 s penalty, and reloads during it; the shared PC answers with the keyboard. The projector
shows the track with the markers moving, the finishers and the podium. A second race has
teams set by the host in the lobby; a third has more racers than lanes, so the projector
adds the histogram. Screenshots of each screen are saved under test-artifacts/screenshots/.
"""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any

import pytest

from tests.e2e.conftest import PC, PHONE, PROJECTOR, screenshot
from tests.e2e.test_live_quiz_ui import (
    TIMEOUT,
    assert_accessible,
    by_id,
    csp_violations,
    join,
    no_dialogs,
    real_csp_context,
)
from tests.integration.conftest import Client, RunningServer, player
from tests.integration.race_client import KEY, STEPS, attempt

pytestmark = pytest.mark.e2e
PENALTY = 2
BANK = "race-fixture"


def sign_in(page: Any, server: RunningServer, check_axe: bool = True) -> None:
    page.goto(f"{server.base_url}/login?lang=en")
    page.fill("#login-username", "nurse")
    page.fill("#login-password", "nurse-pass-1")
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/console"), timeout=TIMEOUT)
    if check_axe:
        assert_accessible(page, "console")


def start_race_from_the_bank_page(trainer: Any, server: RunningServer) -> str:
    """The bank page's race form: a try without cases is refused with its message, then
    both cases with a 2 s penalty start the race. Returns the PIN."""
    trainer.goto(f"{server.base_url}/console/banks/{BANK}")
    panel = by_id(trainer, "race-panel")
    assert "First case" in panel.inner_text() and "Second case" in panel.inner_text()
    assert trainer.input_value("#race-minutes") == "15"
    assert trainer.input_value("#race-penalty") == "10"
    assert_accessible(trainer, "bank page with the race form")
    for box in trainer.locator("[data-testid=race-case]").all():
        box.uncheck()
    by_id(trainer, "start-race").click()
    error = by_id(trainer, "race-error")
    error.wait_for(timeout=TIMEOUT)
    assert "Choose at least one case for the race." in error.inner_text()
    screenshot(trainer, "console-1920-race-form-error")
    for box in trainer.locator("[data-testid=race-case]").all():
        box.check()
    trainer.fill("#race-penalty", str(PENALTY))
    by_id(trainer, "start-race").click()
    trainer.wait_for_url(re.compile(r"/host/"), timeout=TIMEOUT)
    by_id(trainer, "screen-lobby").wait_for(timeout=TIMEOUT)
    return re.sub(r"\D", "", by_id(trainer, "game-pin").inner_text())


# ---- answering a step ---------------------------------------------------------------------


def wait_step(page: Any, index: int) -> None:
    """The step screen of step `index` (its bank text is "Step <index + 1>"), ready to answer."""
    page.wait_for_function(
        """n => document.body.dataset.screen === 'question'
             && document.querySelector('#q-text')?.textContent === 'Step ' + n
             && !document.querySelector('#q-answers button, #q-answers input')?.disabled""",
        arg=index + 1,
        timeout=TIMEOUT,
    )


def positions(page: Any, selector: str) -> list[str]:
    texts: list[str] = page.locator(f"{selector} .opt-text").all_inner_texts()
    return [text.strip() for text in texts]


def wrong_of(key: object, names: list[str]) -> str:
    return next(name for name in names if name != key)


def answer_step(page: Any, index: int, right: bool = True, keyboard: bool = False) -> None:
    """Answer step `index` as a person does: taps on the phone, keys on the shared PC."""
    key = KEY[index]
    kind = page.locator("#q-answers").get_attribute("data-kind")
    if kind == "truefalse":
        value = key if right else not key
        if keyboard:
            page.keyboard.press("1" if value else "2")
            page.keyboard.press("Enter")
        else:
            by_id(page, "option-true" if value else "option-false").click()
    elif kind == "typed":
        page.fill("[data-testid=typed-input]", str(key) if right else "X00.0")
        if keyboard:
            page.keyboard.press("Enter")
        else:
            by_id(page, "answer-submit").click()
    elif kind == "order":
        assert isinstance(key, list)
        names = positions(page, "#order-pool button.step")
        order = [str(k) for k in (key if right else reversed(key))]
        for name in order:
            if keyboard:
                page.keyboard.press(str(names.index(name) + 1))
            else:
                page.locator("#order-pool button.step", has_text=name).click()
        if keyboard:
            page.keyboard.press("Enter")
        else:
            by_id(page, "answer-submit").click()
    else:
        names = positions(page, "#q-answers button.option")
        keys = [str(k) for k in key] if isinstance(key, list) else [str(key)]
        picked = keys if right else [wrong_of(key, names)]
        for name in picked:
            if keyboard:
                page.keyboard.press(str(names.index(name) + 1))
            else:
                page.locator("#q-answers button.option").nth(names.index(name)).click()
        if keyboard or kind == "multi":
            if keyboard:
                page.keyboard.press("Enter")
            else:
                by_id(page, "answer-submit").click()


def verdict(page: Any, state: str) -> None:
    page.wait_for_function(
        """v => document.body.dataset.screen === 'race-result'
             && document.querySelector('[data-testid=race-verdict]').dataset.verdict === v""",
        arg=state,
        timeout=TIMEOUT,
    )


def go_on(page: Any, keyboard: bool = False) -> None:
    """Past the "right" confirmation (it also goes on by itself after a few seconds)."""
    if keyboard:
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        if page.evaluate("() => document.body.dataset.screen") == "race-result":
            page.keyboard.press("Enter")
        return
    page.evaluate(
        """() => { if (document.body.dataset.screen === 'race-result')
                     document.getElementById('race-continue').click(); }"""
    )


def do_steps(page: Any, first: int, last: int, keyboard: bool = False) -> None:
    for index in range(first, last + 1):
        wait_step(page, index)
        answer_step(page, index, keyboard=keyboard)
        verdict(page, "correct")
        assert f"RACE-SECRET-{index + 1}" in by_id(page, "race-explanation").inner_text()
        go_on(page, keyboard)
    if last == STEPS - 1:
        by_id(page, "screen-race-finished").wait_for(timeout=TIMEOUT)


def lane_steps(projector: Any) -> dict[str, int]:
    found: dict[str, int] = projector.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid=race-lane]')]
             .map(l => [l.querySelector('.lane-name-text').textContent, Number(l.dataset.steps)]))"""
    )
    return found


def wait_lane(projector: Any, name: str, steps: int) -> None:
    projector.wait_for_function(
        """([name, steps]) => [...document.querySelectorAll('[data-testid=race-lane]')].some(l =>
             l.querySelector('.lane-name-text').textContent === name && Number(l.dataset.steps) >= steps)""",
        arg=[name, steps],
        timeout=TIMEOUT,
    )


def test_a_case_race_through_the_pages(browser: Any, ui_server: RunningServer) -> None:
    server = ui_server
    dialogs: list[str] = []
    errors: list[str] = []
    contexts = []

    def watch(page: Any) -> Any:
        page.set_default_timeout(TIMEOUT)
        no_dialogs(page, dialogs)
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    def new_page(size: dict[str, int]) -> Any:
        context = browser.new_context(viewport=size, bypass_csp=True, reduced_motion="reduce")
        contexts.append(context)
        return watch(context.new_page())

    try:
        projector = new_page(PROJECTOR)
        sign_in(projector, server)
        pin = start_race_from_the_bank_page(projector, server)
        game_id = projector.url.rsplit("/", 1)[1]
        projector.locator("#connection-status[data-state=online]").wait_for()
        assert "Case race" in projector.inner_text("#host-title")
        facts = by_id(projector, "race-facts").inner_text()
        assert "2 cases" in facts and "8 steps" in facts and "15 minutes" in facts

        # The console lists the race with the quizzes, marked as a race.
        console = watch(projector.context.new_page())
        console.goto(f"{server.base_url}/console?lang=en")
        row = console.locator(f"[data-testid=game-row][data-game-id='{game_id}']")
        assert row.locator("[data-testid=game-mode]").get_attribute("data-mode") == "race"
        assert "Case race" in row.inner_text()
        console.close()

        # The trainer's phone remote for the race.
        remote = watch(projector.context.new_page())
        remote.set_viewport_size(PHONE)
        remote.goto(f"{server.base_url}/remote/{game_id}")
        by_id(remote, "remote-next").wait_for()
        remote.locator("#connection-status[data-state=online]").wait_for()
        screenshot(remote, "remote-360-race-lobby")
        assert_accessible(remote, "race remote")
        remote.close()

        phone = new_page(PHONE)
        join(phone, server, "/join", pin, "Dilnoza Karimova")
        assert by_id(phone, "lobby-race-note").is_visible()
        screenshot(phone, "phone-360-race-lobby")
        assert_accessible(phone, "phone race lobby")
        # The second phone keeps the real Content-Security-Policy and watches for violations.
        strict = real_csp_context(browser, PHONE)
        contexts.append(strict)
        phone2 = watch(strict.new_page())
        join(phone2, server, "/join", pin, "Bobur")
        shared_pc = new_page(PC)
        join(shared_pc, server, "/pc", pin, "Karim")
        projector.wait_for_function(
            "() => document.querySelector('[data-testid=joined-count]')?.textContent === '3'"
        )
        screenshot(projector, "projector-1920-race-lobby")
        assert_accessible(projector, "race projector lobby")

        projector.keyboard.press("Space")
        by_id(projector, "screen-track").wait_for()
        for page in (phone, phone2, shared_pc):
            wait_step(page, 0)
        # Nothing of a step's key or explanation is on a page before it is answered.
        assert "RACE-SECRET" not in phone2.content()
        assert "Case 1 of 2" in by_id(phone, "question-progress").inner_text()
        assert "Step 1 of 4" in by_id(phone, "question-progress").inner_text()
        assert "A patient came" in by_id(phone, "race-story-text").inner_text()
        screenshot(phone, "phone-360-race-step")
        assert_accessible(phone, "phone race step")
        assert_accessible(shared_pc, "shared PC race step")
        # Switched to Russian in place: the heading, story and step follow; then back.
        shared_pc.click(".language-switch a[hreflang=ru]")
        shared_pc.wait_for_function("() => document.documentElement.lang === 'ru'")
        assert "Шаг 1 из 4" in by_id(shared_pc, "question-progress").inner_text()
        assert shared_pc.inner_text("#q-text") == "Шаг 1"
        assert "Пришёл пациент" in by_id(shared_pc, "race-story-text").inner_text()
        screenshot(shared_pc, "pc-1280-race-step-ru")
        shared_pc.click(".language-switch a[hreflang=en]")
        shared_pc.wait_for_function("() => document.documentElement.lang === 'en'")
        shared_pc.evaluate("() => document.activeElement && document.activeElement.blur()")

        # A wrong answer: why, and the penalty; a reload during it comes back to the same step.
        answer_step(phone, 0, right=False)
        verdict(phone, "incorrect")
        assert by_id(phone, "race-penalty").is_visible()
        assert "try again in" in by_id(phone, "race-penalty-text").inner_text()
        assert "RACE-SECRET-1" in by_id(phone, "race-explanation").inner_text()
        assert by_id(phone, "race-your-answer").is_visible()
        screenshot(phone, "phone-360-race-wrong-penalty")
        assert_accessible(phone, "phone race wrong answer")
        phone.reload()
        phone.wait_for_function(
            """() => (document.body.dataset.screen === 'race-result'
                      && document.querySelector('[data-testid=race-verdict]').dataset.verdict === 'incorrect')
                   || (document.body.dataset.screen === 'question'
                      && document.querySelector('#q-text')?.textContent === 'Step 1')""",
            timeout=TIMEOUT,
        )
        # The penalty over, the same step again: the second try is marked and the reason kept.
        wait_step(phone, 0)
        assert "Attempt 2" in by_id(phone, "race-attempt").inner_text()
        assert by_id(phone, "race-last-why").is_visible()
        answer_step(phone, 0)
        verdict(phone, "correct")
        screenshot(phone, "phone-360-race-right")
        go_on(phone)

        do_steps(phone2, 0, 3)
        do_steps(phone, 1, 2)
        # The shared PC answers with the keyboard only.
        do_steps(shared_pc, 0, 1, keyboard=True)
        wait_lane(projector, "Bobur", 4)
        wait_lane(projector, "Dilnoza Karimova", 3)
        wait_lane(projector, "Karim", 2)
        steps = lane_steps(projector)
        assert steps == {"Bobur": 4, "Dilnoza Karimova": 3, "Karim": 2}, steps
        hardest = by_id(projector, "race-hardest").inner_text()
        assert "First case" in hardest and "Step 1" in hardest
        screenshot(projector, "projector-1920-race-track")
        assert_accessible(projector, "race track")

        # Bobur reloads mid-step and lands on the same step.
        wait_step(phone2, 4)
        phone2.reload()
        wait_step(phone2, 4)
        assert "Case 2 of 2" in by_id(phone2, "question-progress").inner_text()
        do_steps(phone2, 4, STEPS - 1)
        screenshot(phone2, "phone-360-race-finished-strict")
        do_steps(phone, 3, STEPS - 1)
        finish = by_id(phone, "screen-race-finished")
        assert re.search(r"\d+:\d\d", by_id(phone, "finish-time").inner_text())
        assert by_id(phone, "finish-rank").inner_text().startswith("2 of 3")
        assert "7 of 8" in by_id(phone, "finish-first-try").inner_text()
        assert finish.is_visible()
        screenshot(phone, "phone-360-race-finished")
        assert_accessible(phone, "phone race finished")
        do_steps(shared_pc, 2, STEPS - 1, keyboard=True)
        assert by_id(shared_pc, "next-person").is_visible()

        projector.wait_for_function(
            "() => document.querySelectorAll('[data-testid=race-finisher]').length === 3"
        )
        finishers = by_id(projector, "race-finishers").inner_text()
        assert (
            finishers.index("Bobur")
            < finishers.index("Dilnoza Karimova")
            < finishers.index("Karim")
        )
        screenshot(projector, "projector-1920-race-finishers")

        projector.keyboard.press("e")
        by_id(projector, "confirm-ok").click()
        by_id(projector, "screen-podium").wait_for()
        podium = by_id(projector, "podium").inner_text()
        assert "Bobur" in podium and "Karim" in podium
        screenshot(projector, "projector-1920-race-podium")
        assert_accessible(projector, "race podium")
        assert "RACE-SECRET" not in projector.content()

        by_id(phone, "screen-final").wait_for()
        assert by_id(phone, "final-place").inner_text().strip() == "2"
        assert "The race is over" in by_id(phone, "final-title").inner_text()
        screenshot(phone, "phone-360-race-final")
        assert_accessible(phone, "phone race final")
        by_id(phone2, "screen-final").wait_for()
        assert csp_violations(phone2) == []
        assert dialogs == []
        assert errors == []
    finally:
        for context in contexts:
            context.close()


def test_the_host_puts_players_in_teams(browser: Any, ui_server: RunningServer) -> None:
    server = ui_server
    with server.api() as api:
        response = api.post(
            "/api/v1/races",
            json={
                "bank_id": BANK,
                "settings": {"case_ids": ["first"], "teams": "host", "penalty": PENALTY},
            },
        )
    assert response.status_code == 201, response.text
    race = response.json()
    errors: list[str] = []
    contexts = []
    try:
        context = real_csp_context(browser, PROJECTOR)
        contexts.append(context)
        projector = context.new_page()
        projector.set_default_timeout(TIMEOUT)
        projector.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(projector, server, check_axe=False)
        projector.goto(f"{server.base_url}/host/{race['game_id']}?lang=en")
        projector.locator("#connection-status[data-state=online]").wait_for()
        phones = []
        for name in ("Aziza", "Bekzod", "Gulnora"):
            phone_context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
            contexts.append(phone_context)
            phone = phone_context.new_page()
            phone.set_default_timeout(TIMEOUT)
            join(phone, server, "/join", race["pin"], name)
            phones.append(phone)
        projector.wait_for_function(
            "() => document.querySelector('[data-testid=joined-count]')?.textContent === '3'"
        )
        by_id(projector, "team-tools").wait_for()
        by_id(projector, "split-2").click()
        projector.wait_for_function(
            "() => document.querySelectorAll('#player-list .chip-team').length === 3"
        )
        # One player by hand: a click on the name, a team name, Save.
        projector.locator("[data-testid=player-chip]", has_text="Gulnora").click()
        by_id(projector, "team-dialog").wait_for(state="visible")
        projector.fill("#team-name", "Therapy")
        projector.keyboard.press("Enter")
        projector.locator("[data-testid=player-chip]", has_text="Therapy").wait_for()
        chips = by_id(projector, "player-list").inner_text()
        assert "Team 1" in chips and "Team 2" in chips and "Therapy" in chips
        screenshot(projector, "projector-1920-race-teams-lobby")
        by_id(projector, "next-button").click()
        by_id(projector, "screen-track").wait_for()
        projector.wait_for_function(
            "() => document.querySelectorAll('[data-testid=race-lane]').length === 3"
            " && document.querySelector('#race-lanes').textContent.includes('Therapy')"
        )
        wait_step(phones[0], 0)
        answer_step(phones[0], 0)
        verdict(phones[0], "correct")
        projector.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=race-lane]')]"
            ".some(l => Number(l.dataset.steps) > 0)"
        )
        screenshot(projector, "projector-1920-race-teams-track")
        projector.keyboard.press("e")
        by_id(projector, "confirm-ok").click()
        by_id(projector, "team-results").wait_for()
        assert "Therapy" in by_id(projector, "team-results").inner_text()
        assert csp_violations(projector) == []
        assert errors == []
    finally:
        for context in contexts:
            context.close()


def create_race(server: RunningServer, **settings: Any) -> dict[str, Any]:
    with server.api() as api:
        response = api.post("/api/v1/races", json={"bank_id": BANK, "settings": settings})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


class Racers:
    """Racers on real WebSockets, in a thread of their own (Playwright's sync API keeps an
    event loop running in the test's thread): they join, and once `start` is set racer n
    does n % 9 steps (every fourth answers its first step wrong first), then waits for
    `done`."""

    def __init__(self, server: RunningServer, pin: str, count: int) -> None:
        self.server, self.pin, self.count = server, pin, count
        self.joined = threading.Event()
        self.start = threading.Event()
        self.done = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        try:
            asyncio.run(self.main())
        except BaseException as error:  # reported by finish()
            self.failure = error
            self.joined.set()

    async def wait(self, event: threading.Event) -> None:
        while not event.is_set():
            await asyncio.sleep(0.05)

    async def race(self, client: Client, n: int) -> None:
        step = await client.expect("race_step", index=0, timeout=20)
        for index in range(n % 9):
            if n % 4 == 0 and index == 0:
                assert not (await attempt(client, step, right=False))["correct"]
            assert (await attempt(client, step, right=True))["correct"]
            if index + 1 < STEPS:
                step = await client.expect("race_step", index=index + 1, timeout=20)

    async def main(self) -> None:
        clients = [await player(self.server, self.pin, f"Racer {n:02}") for n in range(self.count)]
        self.joined.set()
        try:
            await self.wait(self.start)
            await asyncio.gather(*(self.race(c, n) for n, c in enumerate(clients)))
            await self.wait(self.done)
        finally:
            for client in clients:
                await client.close()

    def finish(self) -> None:
        self.start.set()
        self.done.set()
        self.thread.join(timeout=30)
        if self.failure is not None:
            raise self.failure


def test_many_racers_collapse_to_the_leaders_and_a_histogram(
    browser: Any, ui_server: RunningServer
) -> None:
    race = create_race(ui_server, case_ids=["first", "second"], penalty=0, time_limit=600)
    context = browser.new_context(viewport=PROJECTOR, bypass_csp=True, reduced_motion="reduce")
    racers = Racers(ui_server, race["pin"], 20)
    try:
        projector = context.new_page()
        projector.set_default_timeout(TIMEOUT)
        errors: list[str] = []
        projector.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(projector, ui_server, check_axe=False)
        projector.goto(f"{ui_server.base_url}/host/{race['game_id']}?lang=en")
        assert racers.joined.wait(30) and racers.failure is None
        projector.wait_for_function(
            "() => document.querySelector('[data-testid=joined-count]')?.textContent === '20'"
        )
        projector.keyboard.press("Space")
        by_id(projector, "screen-track").wait_for()
        racers.start.set()
        by_id(projector, "race-histogram").wait_for()
        # Everyone has made their moves: racer n did n % 9 steps (8 and 17 finished).
        projector.wait_for_function(
            """() => [...document.querySelectorAll('#histogram .hist-count')]
                 .map(c => c.textContent).join(',') === '3,3,2,2,2,2,2,2,2'"""
        )
        assert projector.locator("[data-testid=race-lane]").count() == 8
        assert projector.locator("[data-testid=race-finisher]").count() == 2
        assert "2 of 20 finished" in by_id(projector, "race-counts").inner_text()
        screenshot(projector, "projector-1920-race-histogram")
        assert_accessible(projector, "race track with the histogram")
        projector.keyboard.press("p")
        by_id(projector, "race-paused").wait_for()
        screenshot(projector, "projector-1920-race-paused")
        projector.keyboard.press("p")
        by_id(projector, "race-paused").wait_for(state="hidden")
        assert errors == []
    finally:
        racers.finish()
        context.close()
