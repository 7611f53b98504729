"""The console's review pages on a real server: who may open each one (anonymous, a
player, another trainer, the owner, an admin), what a bad filter gets, and that the
figures on the pages are the API's.

One quiz (run by the trainer "doctor") and one case race (run by the admin "nurse") are
played with real WebSocket clients first.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any

import httpx
import pytest

from tests.integration.conftest import RunningServer, _cli, host, player, start_server
from tests.integration.race_client import STEPS, attempt
from tests.integration.test_login import login

PASSWORDS = {"nurse": "nurse-pass-1", "doctor": "doctor-pass-1", "surgeon": "surgeon-pass-1"}


@dataclass
class Played:
    server: RunningServer
    quiz: dict[str, Any]  # run by doctor
    race: dict[str, Any]  # run by nurse (admin)


async def play_quiz(server: RunningServer, game: dict[str, Any]) -> None:
    """Ann (S-1, ENT) gets question 1 right; Bob (S-2, ENT) and Cy (Therapy, no staff
    ID) pick A, the wrong answer."""
    projector = await host(server, game)
    ann = await player(server, game["pin"], "Ann", staff_id="S-1", department="ENT")
    bob = await player(server, game["pin"], "Bob", staff_id="S-2", department="ENT")
    cy = await player(server, game["pin"], "Cy", department="Therapy")
    await projector.send({"type": "start"})
    question = await ann.expect("question", index=0)
    labels = [choice["en"] for choice in question["choices"]]
    await ann.send({"type": "answer", "question": 0, "value": labels.index("B")})
    for phone in (bob, cy):
        await phone.send({"type": "answer", "question": 0, "value": labels.index("A")})
    for phone in (ann, bob, cy):
        await phone.expect("answer_ack")
    await projector.expect("reveal")
    await projector.send({"type": "end"})
    await projector.expect("ended")


async def play_race(server: RunningServer, race: dict[str, Any]) -> None:
    """Dina (S-1) does step 1 wrong then right, and step 2 right; Emil does step 1 right."""
    projector = await host(server, race)
    dina = await player(server, race["pin"], "Dina", staff_id="S-1", department="ENT")
    emil = await player(server, race["pin"], "Emil", department="Therapy")
    await projector.send({"type": "start"})
    first = await dina.expect("race_step", index=0)
    await attempt(dina, first, right=False)
    await asyncio.sleep(1.1)  # the 1 s penalty
    await attempt(dina, {**first, "attempts": 1}, right=True)
    await attempt(dina, await dina.expect("race_step", index=1), right=True)
    await attempt(emil, await emil.expect("race_step", index=0), right=True)
    await projector.send({"type": "end"})
    await projector.expect("race_over")


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    started = start_server(tmp_path_factory)
    server = next(started)
    _cli(
        server.data_dir, "trainers", "add", "surgeon", "--password-stdin", stdin="surgeon-pass-1\n"
    )
    quiz = server.create_game(token=server.trainer_token, time_per_question=20)
    asyncio.run(play_quiz(server, quiz))
    with server.api() as admin:
        body = {"bank_id": "race-fixture", "settings": {"case_ids": ["first"], "penalty": 1}}
        race = admin.post("/api/v1/races", json=body).json()
    asyncio.run(play_race(server, race))
    yield Played(server, quiz, race)
    next(started, None)


@contextlib.contextmanager
def signed_in(server: RunningServer, username: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        response = login(client, username, PASSWORDS[username])
        assert response.status_code == 303, response.text
        yield client


@contextlib.contextmanager
def player_client(server: RunningServer, pin: str) -> Iterator[httpx.Client]:
    """A phone that opened the join page (it has the page's cookies, no sign-in)."""
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        assert client.get(f"/join?pin={pin}").status_code == 200
        yield client


def pages(played: Played) -> list[str]:
    return [
        "/console/sessions",
        f"/console/sessions/{played.quiz['game_id']}",
        f"/console/sessions/{played.race['game_id']}",
        "/console/staff/S-1",
        "/console/refreshers",
        "/console/heatmap",
    ]


def text_of(html: str) -> str:
    # Only ASCII white space collapses: "45\u00a0%" keeps its no-break space.
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_anonymous_visitors_and_players_are_sent_to_sign_in(played: Played) -> None:
    server = played.server
    with (
        httpx.Client(base_url=server.base_url, timeout=10) as anonymous,
        player_client(server, played.quiz["pin"]) as phone,
    ):
        for client in (anonymous, phone):
            for path in pages(played):
                response = client.get(path)
                assert response.status_code == 303, path
                assert response.headers["location"].startswith("/login?next=")


def test_a_trainer_sees_their_own_sessions_and_not_the_admins(played: Played) -> None:
    quiz, race = played.quiz["game_id"], played.race["game_id"]
    with signed_in(played.server, "doctor") as doctor:
        listed = doctor.get("/console/sessions?lang=en")
        assert listed.status_code == 200
        assert quiz in listed.text and race not in listed.text
        assert doctor.get(f"/console/sessions/{quiz}?lang=en").status_code == 200
        refused = doctor.get(f"/console/sessions/{race}?lang=en")
        assert refused.status_code == 403 and "Not your session" in refused.text
        missing = doctor.get("/console/sessions/no-such-game?lang=en")
        assert missing.status_code == 404 and "Session not found" in missing.text
        # S-1 played in both; the doctor's record of her holds only the doctor's quiz.
        record = text_of(doctor.get("/console/staff/S-1?lang=en").text)
        assert "Sessions attended 1 " in record


def test_another_trainer_sees_none_of_them(played: Played) -> None:
    with signed_in(played.server, "surgeon") as surgeon:
        listed = surgeon.get("/console/sessions?lang=en")
        assert listed.status_code == 200 and 'id="no-sessions"' in listed.text
        for game in (played.quiz, played.race):
            response = surgeon.get(f"/console/sessions/{game['game_id']}?lang=en")
            assert response.status_code == 403
            assert "Only the trainer who ran this session" in response.text
        assert surgeon.get("/console/staff/S-1").status_code == 404
        assert 'id="no-refreshers"' in surgeon.get("/console/refreshers").text
        assert 'id="no-heat"' in surgeon.get("/console/heatmap").text


def test_an_admin_sees_every_session_and_the_pages_show_the_apis_figures(
    played: Played,
) -> None:
    server, quiz = played.server, played.quiz["game_id"]
    with server.api() as api:
        report = api.get(f"/api/v1/games/{quiz}/report").json()
        record = api.get("/api/v1/staff/S-1").json()
        heat = api.get("/api/v1/heatmap").json()
    with signed_in(server, "nurse") as admin:
        listed = admin.get("/console/sessions?lang=en").text
        assert quiz in listed and played.race["game_id"] in listed
        page = admin.get(f"/console/sessions/{quiz}?lang=en")
        assert page.status_code == 200
        html = page.text
        single = next(q for q in report["questions"] if q["question_id"] == "single")
        assert single["answered"] == 3 and single["correct"] == 1
        shown = text_of(html)
        assert f"Right: {single['percent_correct']:.0f}\u00a0% ({single['correct']} / 3)" in shown
        assert "Most chosen wrong answer" in html
        assert f"/api/v1/games/{quiz}/export.csv" in html and "export.xlsx" in html
        assert "Internal consistency of the whole quiz" in html
        assert "Shown from 10 participants on" in html  # only 3 took part
        assert 'href="/console/staff/S-1"' in html
        staff = text_of(admin.get("/console/staff/S-1?lang=en").text)
        assert f"Answers {record['right']} / {record['answered']} " in staff
        assert "Sessions attended 2 " in staff  # the quiz and the race
        assert '<svg class="chart line-chart"' in admin.get("/console/staff/S-1").text
        grid = admin.get("/console/heatmap?lang=en").text
        ent = [c for c in heat if c["department"] == "ENT"]
        assert ent and all(f"{c['accuracy']:.0f}\u00a0%" in grid for c in ent)


def test_the_race_report_shows_first_tries_attempts_and_each_path(played: Played) -> None:
    with signed_in(played.server, "nurse") as admin:
        html = admin.get(f"/console/sessions/{played.race['game_id']}?lang=en").text
    shown = text_of(html)
    assert "Case steps, hardest first" in shown and "Each racer's path" in shown
    # Step 1: two racers, one right the first time, three attempts in all.
    row = re.search(r'data-step-id="first/s1">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = text_of(row.group(1))
    assert "50\u00a0% (1)" in cells and " 2 " in cells and " 3 " in cells
    assert "after 2 attempts" in shown and "first time" in shown
    assert f"/ {STEPS // 2}" in shown  # steps done out of the first case's four


def test_the_refresher_list_offers_a_start_form_per_topic(played: Played) -> None:
    with signed_in(played.server, "nurse") as admin:
        html = admin.get("/console/refreshers?threshold=70&min_answers=1&lang=en").text
        strict = admin.get("/console/refreshers?threshold=1").text
    assert 'data-department="ENT"' in html
    groups = re.findall(r'<article class="topic-group.*?</article>', html, re.S)
    # Bob (S-2) got his one answer wrong: a group with him, for his department.
    group = next(g for g in groups if 'name="staff_id" value="S-2"' in g)
    form = re.search(
        r'<form method="post" action="/console/refreshers/start".*?</form>', group, re.S
    )
    assert form is not None
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(0)))
    assert fields["count"] == "8" and fields["weight_missed"] == "1" and fields["csrf_token"]
    assert fields["department"] == "ENT" and fields["tag"]
    # The form starts the refresher for exactly the people the group lists.
    posted = re.findall(r'name="staff_id" value="([^"]*)"', form.group(0))
    assert posted == re.findall(r'data-testid="refresher-person" data-staff-id="([^"]*)"', group)
    assert 'id="no-refreshers"' in strict


def test_the_sessions_list_pages_newest_first_and_keeps_its_filters(played: Played) -> None:
    with signed_in(played.server, "nurse") as admin:
        first = admin.get("/console/sessions?per_page=1&lang=en").text
        second = admin.get("/console/sessions?per_page=1&page=2&lang=en").text
        races = admin.get("/console/sessions?mode=race").text
    assert played.race["game_id"] in first and played.quiz["game_id"] not in first
    assert played.quiz["game_id"] in second and "Page 2 of 2" in second
    assert 'href="?per_page=1&amp;page=2"' in first  # the filters ride along
    assert played.race["game_id"] in races and played.quiz["game_id"] not in races


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/console/sessions?from=yesterday", "From"),
        ("/console/sessions?page=0", "Page"),
        ("/console/sessions?per_page=many", "Per page"),
        ("/console/sessions?mode=poker", "Mode"),
        ("/console/staff/S-1?to=2026-13-40", "To"),
        ("/console/refreshers?threshold=0", "Threshold"),
        ("/console/refreshers?threshold=abc", "Threshold"),
        ("/console/heatmap?from=31.12.2026", "From"),
    ],
)
def test_a_bad_filter_gets_a_clear_400_page(played: Played, path: str, field: str) -> None:
    with signed_in(played.server, "nurse") as admin:
        response = admin.get(f"{path}&lang=en")
        russian = admin.get(f"{path}&lang=ru")
    assert response.status_code == 400
    message = text_of(
        re.search(r'data-testid="bad-parameter">(.*?)</p>', response.text, re.S).group(1)  # type: ignore[union-attr]
    )
    assert message.startswith(f"{field}: expected")
    assert "Traceback" not in response.text
    assert russian.status_code == 400 and "ожидается" in russian.text
    assert "Error" not in played.server.log().split("\n")[-1]
