"""Refresher quizzes on a real server: drawn through the API and the console form, not
repeating what the same people saw last time, weighted toward what they missed,
recorded with the game — and rebuilt with the same questions after `kill -9`."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from markupsafe import escape

from tests.integration.conftest import RunningServer, host, player, start_server
from tests.integration.test_crash_recovery import answer_for, press, resume
from tests.integration.test_login import login

EVERY_TYPE_SCORED = {"single", "multi", "truefalse", "order", "typed"}


def refresher(server: RunningServer, token: str | None = None, **body: Any) -> httpx.Response:
    with server.api(token) as api:
        return api.post("/api/v1/refreshers", json=body)


def drawn_ids(created: dict[str, Any]) -> set[str]:
    return {question_id for _, question_id in created["refresher"]["questions"]}


def live_game_ids(server: RunningServer) -> set[str]:
    with server.api() as api:
        return {g["game_id"] for g in api.get("/api/v1/games").json()}


async def take_part(server: RunningServer, game: dict[str, Any], staff_id: str) -> None:
    """One staff member joins, answers the first question (wrongly: "nope", index 0...
    whatever the kind), and the trainer ends the game."""
    projector = await host(server, game)
    phone = await player(server, game["pin"], f"Staff {staff_id}", staff_id=staff_id)
    await press(projector, {"type": "start"})
    question = await phone.expect("question", index=0)
    await phone.send({"type": "answer", "question": 0, "value": answer_for(question["kind"], 0)})
    await phone.expect("answer_ack")
    await press(projector, {"type": "end"})
    await projector.expect("ended")


def test_a_refresher_through_the_api_is_an_ordinary_quiz_with_its_draw_recorded(
    server: RunningServer,
) -> None:
    response = refresher(server, bank_ids=["every-type"], staff_ids=["R-1"], count=2)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["mode"] == "quiz" and created["bank_id"] == "every-type"
    assert created["host_url"].endswith(f"/host/{created['game_id']}")
    draw = created["refresher"]
    assert draw["asked"] == 2 and draw["available"] == 5 and draw["repeated"] == 0
    assert len(drawn_ids(created)) == 2 and drawn_ids(created) <= EVERY_TYPE_SCORED
    with server.api() as api:
        results = api.get(f"/api/v1/games/{created['game_id']}/results").json()
    assert results["question_ids"] == [q for _, q in draw["questions"]]
    # Named staff must give their staff ID: the next refresher knows what they saw.
    assert results["settings"]["require_staff_id"] is True


def test_the_next_refresher_leaves_out_what_the_same_people_saw_last_time(
    server: RunningServer,
) -> None:
    first = refresher(server, bank_ids=["every-type"], staff_ids=["R-2"], count=2).json()
    asyncio.run(take_part(server, first, "R-2"))
    second = refresher(server, bank_ids=["every-type"], staff_ids=["R-2"], count=3).json()
    assert drawn_ids(second) == EVERY_TYPE_SCORED - drawn_ids(first)
    assert second["refresher"]["repeated"] == 0
    # Five asked, three fresh: two repeated from the last one they took part in, said so.
    third = refresher(server, bank_ids=["every-type"], staff_ids=["R-2"], count=5).json()
    assert drawn_ids(third) == EVERY_TYPE_SCORED and third["refresher"]["repeated"] == 2
    # Somebody else saw nothing yet: anything may be drawn for them.
    other = refresher(server, bank_ids=["every-type"], staff_ids=["R-3"], count=5).json()
    assert other["refresher"]["repeated"] == 0


def test_weighting_puts_the_question_they_got_wrong_first(server: RunningServer) -> None:
    game = server.create_game(time_per_question=60)  # the whole bank, first "single"

    async def miss_the_first_question() -> None:
        projector = await host(server, game)
        phone = await player(server, game["pin"], "Weak", staff_id="R-9")
        await press(projector, {"type": "start"})
        question = await phone.expect("question", index=0)
        assert question["kind"] == "single"
        await phone.send({"type": "answer", "question": 0, "value": 0})  # A; B is right
        await phone.expect("answer_ack")
        await press(projector, {"type": "end"})
        await projector.expect("ended")

    asyncio.run(miss_the_first_question())
    body = {"bank_ids": ["every-type"], "staff_ids": ["R-9"], "count": 1}
    weighted = refresher(server, weight_missed=True, **body).json()
    assert weighted["refresher"]["questions"] == [["every-type", "single"]]
    assert weighted["refresher"]["missed_first"] == 1
    assert weighted["refresher"]["weight_missed"] is True
    # Without anyone named there is nothing to weight by, and the answer says so.
    anonymous = refresher(server, bank_ids=["every-type"], count=1, weight_missed=True).json()
    assert anonymous["refresher"]["weight_missed"] is False


def test_a_refresher_from_several_banks_by_topic_and_its_report(server: RunningServer) -> None:
    created = refresher(server, server.trainer_token, tags=["icd10", "untagged"], count=10).json()
    picks = created["refresher"]["questions"]
    assert {bank for bank, _ in picks} <= {"every-type", "icd10-coding"} and len(picks) == 10
    with server.api() as api:
        report = api.get(f"/api/v1/games/{created['game_id']}/report").json()
    # The report knows every drawn question (text and topics), whichever bank it is from.
    assert len(report["questions"]) == 10
    assert all(q["text"]["uz"] for q in report["questions"])
    qualified = {q["question_id"] for q in report["questions"]}
    if len({bank for bank, _ in picks}) == 2:
        assert created["bank_id"] == "every-type+icd10-coding"
        assert qualified == {f"{bank}:{question}" for bank, question in picks}
    # The console's report page shows every drawn question's text too.
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        assert login(client, "doctor", "doctor-pass-1").status_code in (200, 303)
        page = client.get(f"/console/sessions/{created['game_id']}?lang=uz").text
    assert all(str(escape(q["text"]["uz"])) in page for q in report["questions"])


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"count": 5}, 422, "choose_topic"),
        ({"tags": ["no-such-topic"]}, 422, "no_questions"),
        ({"bank_ids": ["no-such-bank"]}, 404, "unknown_bank"),
        ({"tags": ["icd10"], "count": 0}, 422, "invalid_request"),
        ({"tags": ["icd10"], "count": 51}, 422, "invalid_request"),
        ({"tags": ["icd10"], "surprise": 1}, 422, "invalid_request"),
        ({"tags": ["x" * 65]}, 422, "invalid_tags"),
        ({"tags": "icd10"}, 422, "invalid_request"),
    ],
)
def test_a_bad_refresher_request_gets_a_clear_error_and_creates_nothing(
    server: RunningServer, body: dict[str, Any], status: int, code: str
) -> None:
    before = live_game_ids(server)
    response = refresher(server, **body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert live_game_ids(server) == before


def test_anonymous_callers_cannot_start_a_refresher(server: RunningServer) -> None:
    response = httpx.post(f"{server.base_url}/api/v1/refreshers", json={"tags": ["icd10"]})
    assert response.status_code == 401


def test_the_openapi_document_describes_the_refresher_call(server: RunningServer) -> None:
    document = httpx.get(f"{server.base_url}/api/v1/openapi.json").json()
    assert "post" in document["paths"]["/api/v1/refreshers"]
    assert {"CreateRefresher", "RefresherCreated", "RefresherDraw"} <= set(
        document["components"]["schemas"]
    )


def test_the_console_form_starts_a_refresher_and_opens_the_projector(
    server: RunningServer,
) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        assert login(client, "doctor", "doctor-pass-1").status_code in (200, 303)
        console = client.get("/console?lang=en")
        assert 'id="refresher-form"' in console.text and 'value="icd10"' in console.text
        form = {
            "csrf_token": "token-1",
            "tag": ["icd10"],
            "staff_id": ["F-1", "F-2"],
            "count": "5",
            "weight_missed": "1",
        }
        response = client.post("/console/refreshers/start", data=form)
        assert response.status_code == 303
        match = re.fullmatch(r"/host/([\w-]+)", response.headers["location"])
        assert match is not None
    with server.api(server.trainer_token) as api:
        results = api.get(f"/api/v1/games/{match.group(1)}/results").json()
    assert results["bank_id"] == "icd10-coding" and len(results["question_ids"]) == 5
    assert results["trainer"] == "doctor"


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"count": "many", "tag": ["icd10"]}, 422, "a whole number from 1 to 50"),
        ({"count": "8"}, 422, "Choose at least one topic or bank."),
        ({"tag": ["no-such-topic"]}, 422, "There are no quiz questions on these topics"),
        ({"bank_id": ["no-such-bank"]}, 404, "There is no bank no-such-bank."),
    ],
)
def test_a_bad_console_form_shows_the_console_again_with_the_error(
    server: RunningServer, fields: dict[str, Any], status: int, message: str
) -> None:
    before = live_game_ids(server)
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        login(client, "doctor", "doctor-pass-1")
        response = client.post(
            "/console/refreshers/start?lang=en",
            data={"csrf_token": "token-1", **fields},
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == status
        assert 'data-testid="refresher-error"' in response.text
        assert message in response.text.replace("&#39;", "'")
        ru = client.post(
            "/console/refreshers/start?lang=ru",
            data={"csrf_token": "token-1", "count": "8"},
        )
        assert "Choose at least one topic" not in ru.text  # translated
    assert live_game_ids(server) == before


def test_a_signed_out_form_goes_to_the_login_page(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        client.cookies.set("qk_csrf", "token-1")
        response = client.post(
            "/console/refreshers/start", data={"csrf_token": "token-1", "tag": "icd10"}
        )
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_refresher_is_rebuilt_with_the_same_questions_after_kill_9(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    running = start_server(tmp_path_factory)
    server = next(running)
    try:
        created = refresher(server, bank_ids=["every-type", "icd10-coding"], count=4).json()
        picks = created["refresher"]["questions"]

        async def before_the_crash() -> tuple[str, str]:
            projector = await host(server, created)
            phone = await player(server, created["pin"], "Kamola", staff_id="K-1")
            await player(server, created["pin"], "Dilshod")  # still thinking at the crash
            await press(projector, {"type": "start"})
            question = await phone.expect("question", index=0)
            await phone.send(
                {"type": "answer", "question": 0, "value": answer_for(question["kind"], 1)}
            )
            ack = await phone.expect("answer_ack")
            return phone.received[0]["resume_token"], str(ack)

        token, _ = asyncio.run(before_the_crash())
        server.kill()
        server.restart()
        assert "cannot" not in server.log().lower()
        with server.api() as api:
            results = api.get(f"/api/v1/games/{created['game_id']}/results").json()
            games = {g["game_id"]: g for g in api.get("/api/v1/games").json()}
        assert created["game_id"] in games and games[created["game_id"]]["phase"] == "question"
        assert len(results["question_ids"]) == 4 and len(results["answers"]) == 1

        async def after_the_crash() -> None:
            phone = await resume(server, token)
            assert phone.received[0]["resumed"] is True
            projector = await host(server, created)
            screen = projector.received[-1]["screen"]
            assert screen["phase"] == "question" and screen["question"]["index"] == 0

        asyncio.run(after_the_crash())
        with server.api() as api:
            report = api.get(f"/api/v1/games/{created['game_id']}/report").json()
        expected = (
            {f"{bank}:{question}" for bank, question in picks}
            if len({bank for bank, _ in picks}) > 1
            else {question for _, question in picks}
        )
        assert {q["question_id"] for q in report["questions"]} == expected
    finally:
        next(running, None)


def test_the_projector_tells_the_trainer_when_the_draw_was_short_or_repeated(
    server: RunningServer,
) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        assert login(client, "doctor", "doctor-pass-1").status_code in (200, 303)
        form = {
            "csrf_token": "token-1",
            "bank_id": ["every-type"],
            "count": "10",
        }
        first = client.post("/console/refreshers/start", data=form)
        assert first.status_code == 303
        where = first.headers["location"]
        match = re.fullmatch(r"/host/[\w-]+\?drawn=(\d+)&asked=10&repeated=0", where)
        assert match is not None and int(match.group(1)) < 10
        english = client.get(where + "&lang=en").text
        assert 'data-testid="refresher-notice"' in english
        assert f"only {match.group(1)} question" in english and "not 10" in english
        russian = client.get(where + "&lang=ru").text
        assert 'data-testid="refresher-notice"' in russian and "not 10" not in russian
        # Again (for nobody named: what this trainer drew last): all seen last time.
        again = client.post("/console/refreshers/start", data=form).headers["location"]
        assert again.endswith(f"&repeated={match.group(1)}")
        assert "in their last refresher" in client.get(again + "&lang=en").text
        # A full, fresh draw goes straight to the projector, with nothing to say.
        plain = {"csrf_token": "token-1", "tag": ["icd10"], "count": "5"}
        location = client.post("/console/refreshers/start", data=plain).headers["location"]
        assert re.fullmatch(r"/host/[\w-]+", location)
        assert 'data-testid="refresher-notice"' not in client.get(location).text
