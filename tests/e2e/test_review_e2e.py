"""The trainer's review after a seminar, in a real Chromium.

A quiz is played by twelve simulated players (`quizkiosk bots`) and two staff members
on WebSocket clients — Ann (S-1, ENT) answers everything right, Bob (S-2, ENT)
everything wrong — and a case race by Ann and Bob. Then the admin opens the sessions
list from the console, the quiz's report, Ann's staff record, the refresher list (and
starts Bob's refresher from it) and the heat map; every figure checked is the API's.
Screenshots (phone, projector, and A4 print) go to the test's temporary folder and
test-artifacts/screenshots/.
"""

from __future__ import annotations

import asyncio
import random
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from quizkiosk.bots.answer_key import AnswerKey

from tests.e2e.conftest import ARTIFACTS, PROJECTOR, serious_accessibility_violations
from tests.e2e.test_live_quiz_ui import CSP_WATCH, TIMEOUT
from tests.integration.conftest import Client, RunningServer, host, player, start_server
from tests.integration.race_client import attempt

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
A4_AT_96_DPI = {"width": 794, "height": 1123}
BOTS = 12
QUESTIONS = 6  # tests/integration/every_type.yaml


@pytest.fixture(scope="module")
def seminar(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, str, str]]:
    started = start_server(tmp_path_factory)
    server = next(started)
    quiz = server.create_game(time_per_question=30)
    play_quiz_with_bots(server, quiz)
    with server.api() as admin:
        body = {"bank_id": "race-fixture", "settings": {"case_ids": ["first"], "penalty": 1}}
        race = admin.post("/api/v1/races", json=body).json()
    in_a_thread(lambda: race_two(server, race))
    yield server, quiz["game_id"], race["game_id"]
    next(started, None)


def in_a_thread(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """asyncio.run() in a thread of its own: Playwright's sync API keeps an event loop
    running in this one while the browser is open."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as error:  # handed back to the test
            failed.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=180)
    if failed:
        raise failed[0]


def play_quiz_with_bots(server: RunningServer, game: dict[str, Any]) -> None:
    bots = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "quizkiosk.cli",
            "bots",
            "--url",
            server.base_url,
            "--pin",
            game["pin"],
            "--players",
            str(BOTS),
            "--think",
            "0.05-0.3",
            "--accuracy",
            "0.6",
            "--banks",
            str(server.banks_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    key = AnswerKey.from_banks(server.banks_dir)
    rng = random.Random(5)

    async def staff_member(client: Client, right: bool) -> None:
        for index in range(QUESTIONS):
            question = await client.expect("question", timeout=30, index=index)
            value = key.answer(question, right, rng)
            await client.send({"type": "answer", "question": index, "value": value})
            await client.expect("answer_ack")

    async def drive() -> None:
        projector = await host(server, game)
        ann = await player(server, game["pin"], "Ann", staff_id="S-1", department="ENT")
        bob = await player(server, game["pin"], "Bob", staff_id="S-2", department="ENT")
        await projector.expect("player_joined", timeout=30, count=BOTS + 2)
        await projector.send({"type": "start"})
        answering = asyncio.gather(staff_member(ann, True), staff_member(bob, False))
        for index in range(QUESTIONS):
            await projector.expect("reveal", timeout=30, index=index)
            await projector.send({"type": "next"})
            await projector.expect("podium" if index == QUESTIONS - 1 else "leaderboard")
            await projector.send({"type": "next"})
        await answering
        await projector.expect("ended")

    in_a_thread(drive)
    bots.communicate(timeout=60)


async def race_two(server: RunningServer, race: dict[str, Any]) -> None:
    """Ann does the four steps of the first case right; Bob gets step 1 wrong once."""
    projector = await host(server, race)
    ann = await player(server, race["pin"], "Ann", staff_id="S-1", department="ENT")
    bob = await player(server, race["pin"], "Bob", staff_id="S-2", department="ENT")
    await projector.send({"type": "start"})
    for index in range(4):
        await attempt(ann, await ann.expect("race_step", index=index), right=True)
    first = await bob.expect("race_step", index=0)
    await attempt(bob, first, right=False)
    await asyncio.sleep(1.1)
    await attempt(bob, {**first, "attempts": 1}, right=True)
    await projector.send({"type": "end"})
    await projector.expect("race_over")


def shots(tmp_path: Path) -> Any:
    def take(page: Any, name: str, full_page: bool = True) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, ARTIFACTS / path.name)
        return path

    return take


def printed(page: Any, tmp_path: Path, name: str, take: Any) -> int:
    """The page as Chromium prints it on A4: the PDF (its page count is returned) and,
    with no PDF rasteriser at hand, a screenshot in print media at A4 width."""
    pdf = page.pdf(format="A4", print_background=True)
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    page.set_viewport_size(A4_AT_96_DPI)
    page.emulate_media(media="print")
    take(page, f"{name}-a4-print")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    for number in range(min(3, height // 1050 + 1)):  # roughly the first sheets, to look at
        top = number * 1050
        clip = {"x": 0, "y": top, "width": 794, "height": min(1123, height - top)}
        sheet = tmp_path / f"{name}-a4-sheet-{number + 1}.png"
        page.screenshot(path=str(sheet), clip=clip, full_page=True)
    assert page.locator(".topbar").is_hidden() and page.locator(".review-nav").is_hidden()
    page.emulate_media(media="screen")
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def numbers(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_review_after_a_quiz_and_a_race(
    browser: Any, seminar: tuple[RunningServer, str, str], tmp_path: Path
) -> None:
    server, quiz, race = seminar
    take = shots(tmp_path)
    with server.api() as api:
        listed = {s["game_id"]: s for s in api.get("/api/v1/sessions").json()["sessions"]}
        report = api.get(f"/api/v1/games/{quiz}/report").json()
        ann = api.get("/api/v1/staff/S-1").json()
        heat = api.get("/api/v1/heatmap").json()
    context = browser.new_context(viewport=PROJECTOR, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(f"{server.base_url}/login?lang=en")
        page.fill("#login-username", "nurse")
        page.fill("#login-password", "nurse-pass-1")
        page.click("#login-submit")
        page.wait_for_url(re.compile(r"/console$"))

        # Sessions, from the console's navigation.
        page.click("#nav-sessions")
        page.wait_for_url(re.compile(r"/console/sessions$"))
        rows = page.locator("[data-testid=session-row]")
        assert rows.count() == 2
        for row in rows.all():
            summary = listed[row.get_attribute("data-game-id")]
            shown = row.locator("[data-testid=session-participants]").inner_text()
            assert int(shown) == summary["participants"]
            accuracy = row.locator("[data-testid=session-accuracy]").inner_text()
            assert accuracy == f"{summary['accuracy']:.0f}\u00a0%"
        assert listed[quiz]["participants"] == BOTS + 2
        assert serious_accessibility_violations(page) == []
        take(page, "review-1920-sessions", full_page=False)

        # The quiz's report.
        page.click(f"[data-game-id='{quiz}'] [data-testid=session-link]")
        page.wait_for_url(re.compile(f"/console/sessions/{quiz}$"))
        assert page.locator("[data-testid=leaderboard-row]").count() == BOTS + 2
        for question in report["questions"]:
            card = page.locator(
                f"[data-testid=question-report][data-question-id='{question['question_id']}']"
            )
            if question["percent_correct"] is not None:
                shown = card.locator("[data-testid=question-percent]").inner_text()
                assert shown == f"{question['percent_correct']:.0f}\u00a0%"
            counts = [int(n) for n in card.locator("[data-testid=choice-number]").all_inner_texts()]
            assert counts == [c["count"] for c in question["choices"]]
        order = page.locator("[data-testid=question-report]").evaluate_all(
            "cards => cards.map(c => c.dataset.questionId)"
        )
        assert order == [q["question_id"] for q in report["questions"]]  # hardest first
        cic = report["internal_consistency"]
        if cic is not None:
            assert page.locator("[data-testid=cic-value]").inner_text() == f"{cic:.0f}\u00a0%"
        ann_row = page.locator("[data-testid=participant-answers]").filter(has_text="Ann")
        assert ann_row.locator("[data-testid=answer-row]").count() == QUESTIONS
        assert serious_accessibility_violations(page) == []
        take(page, "review-1920-report", full_page=False)
        take(page, "review-1920-report-full")
        pages = printed(page, tmp_path, "review-report", take)
        assert pages >= 2  # the answers of each participant start on a page of their own
        page.set_viewport_size(PHONE)
        take(page, "review-390-report", full_page=False)
        page.set_viewport_size(PROJECTOR)

        # The race's report: steps hardest first and each racer's path.
        page.goto(f"{server.base_url}/console/sessions/{race}")
        assert page.locator("[data-testid=step-row]").count() == 4
        assert page.locator("[data-testid=racer-path]").count() == 2
        assert serious_accessibility_violations(page) == []
        take(page, "review-1920-race-report")
        page.set_viewport_size(PHONE)
        take(page, "review-390-race-report", full_page=False)
        page.set_viewport_size(PROJECTOR)
        page.goto(f"{server.base_url}/console/sessions/{quiz}")

        # Ann's staff record, from her name in the report.
        page.click("#leaderboard [data-testid=staff-link]:text('S-1')")
        page.wait_for_url(re.compile(r"/console/staff/S-1$"))
        answered = page.locator("[data-testid=staff-answered]").inner_text()
        assert numbers(answered) == f"{ann['right']} / {ann['answered']}"
        assert page.locator("[data-testid=staff-sessions]").inner_text() == "2"
        assert (
            page.locator("[data-testid=staff-accuracy]").inner_text()
            == f"{ann['accuracy']:.0f}\u00a0%"
        )
        topics = page.locator("[data-testid=topic-row]").evaluate_all(
            "rows => rows.map(r => r.dataset.topic)"
        )
        assert topics == [t["topic"] for t in ann["topics"]]
        chart = page.locator("#history-chart")
        assert chart.get_attribute("role") == "img"
        assert "Accuracy per topic" in chart.locator("title").first.text_content()
        assert serious_accessibility_violations(page) == []
        take(page, "review-1920-staff", full_page=False)
        printed(page, tmp_path, "review-staff", take)
        page.set_viewport_size(PHONE)
        take(page, "review-390-staff")
        page.set_viewport_size(PROJECTOR)

        # The heat map: the API's figures, with numbers in every coloured cell.
        page.goto(f"{server.base_url}/console/heatmap")
        for cell in heat:
            row = page.locator(f"[data-testid=heat-row][data-department='{cell['department']}']")
            shown = row.locator(f"[data-topic='{cell['topic']}'] [data-testid=heat-accuracy]")
            assert shown.inner_text() == f"{cell['accuracy']:.0f}\u00a0%"
        assert serious_accessibility_violations(page) == []
        # A bank without topic tags: words, not the roll-up's internal id.
        assert "No topic tag" in page.inner_text("main")
        assert "untagged" not in page.inner_text("main")
        take(page, "review-1920-heatmap", full_page=False)
        page.set_viewport_size(PHONE)
        take(page, "review-390-heatmap", full_page=False)
        page.set_viewport_size(PROJECTOR)

        # Needs a refresher: Bob, in ENT; one click starts his refresher quiz.
        page.click("[data-testid=review-nav-refreshers]")
        page.wait_for_url(re.compile(r"/console/refreshers$"))
        assert page.input_value("#filter-threshold") == "70"
        ent = page.locator("[data-testid=refresher-department][data-department='ENT']")
        bob_group = (
            ent.locator("[data-testid=refresher-group]")
            .filter(has=page.locator("[data-staff-id='S-2']"))
            .first
        )
        assert bob_group.locator("[data-staff-id='S-1']").count() == 0  # Ann is above 70 %
        assert serious_accessibility_violations(page) == []
        take(page, "review-1920-refreshers", full_page=False)
        page.set_viewport_size(PHONE)
        take(page, "review-390-refreshers", full_page=False)
        page.set_viewport_size(PROJECTOR)
        bob_group.locator("[data-testid=start-refresher]").click()
        page.wait_for_url(re.compile(r"/host/"))
        started = page.url.rsplit("/", 1)[1].split("?")[0]
        # The test bank has fewer questions on the topic than the form asks for: said so.
        notice = page.locator("[data-testid=refresher-notice]")
        # The lobby (with the notice) shows once the projector's socket is welcomed.
        notice.wait_for(state="visible", timeout=15_000)
        assert "not 8" in notice.inner_text()
        take(page, "review-1920-refresher-projector", full_page=False)
        with server.api() as api:
            games = {g["game_id"]: g for g in api.get("/api/v1/games").json()}
        assert started in games and games[started]["phase"] == "lobby"
    finally:
        context.close()


def test_the_review_pages_keep_the_real_csp(
    browser: Any, seminar: tuple[RunningServer, str, str]
) -> None:
    """Inline SVG charts and meters need no inline style or script: nothing is blocked."""
    server, quiz, race = seminar
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(f"{server.base_url}/login?lang=ru")
        page.fill("#login-username", "nurse")
        page.fill("#login-password", "nurse-pass-1")
        page.click("#login-submit")
        page.wait_for_url(re.compile(r"/console"))
        for path in (
            f"/console/sessions/{quiz}",
            f"/console/sessions/{race}",
            "/console/staff/S-2",
            "/console/sessions",
            "/console/refreshers",
            "/console/heatmap",
        ):
            page.goto(f"{server.base_url}{path}")
            assert page.locator("html").get_attribute("lang") == "ru"
            violations = page.evaluate("() => window.__cspViolations || []")
            assert violations == [], path
    finally:
        context.close()
