"""Live games survive the server: `kill -9` or SIGTERM mid-question, restart on the same
data directory, and everyone carries on — no acknowledged answer lost or scored twice."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.integration.conftest import Client, RunningServer, host, player, start_server

PLAYERS = 30
QUESTIONS = 6  # every-type bank: single, multi, truefalse, order, typed, poll


def answer_for(kind: str, n: int) -> object:
    """A valid answer of each kind; right or wrong depending on the player."""
    if kind in ("single", "poll"):
        return n % 2
    if kind == "multi":
        return [n % 4]
    if kind == "truefalse":
        return n % 2 == 0
    if kind == "order":
        return [3, 2, 1, 0] if n % 2 else [0, 1, 2, 3]
    return "Z99.SECRET" if n % 2 else "nope"


async def press(projector: Client, message: dict[str, Any]) -> None:
    """A trainer's button: at a human pace (host sockets are rate-limited, 10 a second)."""
    await asyncio.sleep(0.15)
    await projector.send(message)


async def resume(server: RunningServer, token: str) -> Client:
    client = await Client.connect(server, "/ws/play")
    await client.send({"type": "resume", "protocol": 1, "token": token})
    welcome = await client.expect("welcome", timeout=10)
    assert welcome["resumed"] is True
    return client


def results(server: RunningServer, game_id: str) -> dict[str, Any]:
    with server.api() as api:
        response = api.get(f"/api/v1/games/{game_id}/results")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def crash_mid_question(server: RunningServer, stop: Callable[[], None]) -> None:
    game = server.create_game(time_per_question=60, shuffle_options=True)
    projector = await host(server, game)
    phones = [await player(server, game["pin"], f"Staff{n:02}") for n in range(PLAYERS)]
    ids = [phone.received[0]["player"]["id"] for phone in phones]
    tokens = [phone.received[0]["resume_token"] for phone in phones]
    await projector.send({"type": "start"})
    question = await phones[0].expect("question", index=0)
    acked: dict[tuple[str, int], object] = {}
    # Half the room answers and is acknowledged; five more answers are in flight.
    for n in range(PLAYERS // 2):
        value = answer_for(question["kind"], n)
        await phones[n].send({"type": "answer", "question": 0, "value": value})
    for n in range(PLAYERS // 2):
        ack = await phones[n].expect("answer_ack")
        acked[(ids[n], 0)] = ack["value"]
    for n in range(PLAYERS // 2, PLAYERS // 2 + 5):
        await phones[n].send({"type": "answer", "question": 0, "value": answer_for("single", n)})

    stop()
    server.restart()

    projector = await host(server, game)  # the same host token still works
    screen = projector.received[-1]["screen"]
    assert screen["phase"] == "question" and screen["question"]["index"] == 0
    assert screen["answered"]["answered"] >= PLAYERS // 2
    assert len(screen["player_list"]) == PLAYERS
    back = [await resume(server, token) for token in tokens]
    for n, phone in enumerate(back):
        welcome = phone.received[-1]
        assert welcome["screen"]["phase"] == "question"
        mine = welcome["screen"]["my_answer"]
        if (ids[n], 0) in acked:
            assert mine == acked[(ids[n], 0)]  # acknowledged before the crash: kept
        # Everyone (re)sends, as the page does when it has no ack: a repeat is not rescored.
        value = mine if mine is not None else answer_for(question["kind"], n)
        await phone.send({"type": "answer", "question": 0, "value": value})
    for n, phone in enumerate(back):
        ack = await phone.expect("answer_ack")
        acked[(ids[n], 0)] = ack["value"]
    reveal = await projector.expect("reveal", timeout=10)
    assert reveal["answered"] == PLAYERS and reveal["closed_by"] == "everyone_answered"

    # The trainer carries on to the podium: the rest of the questions, half answering.
    for index in range(1, QUESTIONS):
        await press(projector, {"type": "next", "phase": "reveal"})
        await projector.expect("leaderboard")
        await press(projector, {"type": "next", "phase": "leaderboard"})
        shown = await back[0].expect("question", index=index)
        for n in range(0, PLAYERS, 2):
            value = answer_for(shown["kind"], n)
            await back[n].send({"type": "answer", "question": index, "value": value})
        for n in range(0, PLAYERS, 2):
            ack = await back[n].expect("answer_ack")
            acked[(ids[n], index)] = ack["value"]
        await press(projector, {"type": "close", "phase": "question"})
        await projector.expect("reveal")
    await press(projector, {"type": "next", "phase": "reveal"})
    await projector.expect("podium")
    await press(projector, {"type": "next", "phase": "podium"})
    await projector.expect("ended")

    archived = results(server, game["game_id"])
    assert archived["ended_at"] is not None
    kept = {(a["player_id"], a["question_index"]): a["payload"] for a in archived["answers"]}
    assert kept == acked  # every acknowledged answer, once; nothing else
    points: dict[str, int] = {}
    for a in archived["answers"]:
        points[a["player_id"]] = points.get(a["player_id"], 0) + a["points"]
    standings = {s["player_id"]: s["score"] for s in archived["standings"]}
    assert standings == {pid: points.get(pid, 0) for pid in ids}
    for a in archived["answers"]:  # kept in bank terms too, whatever the shuffle
        assert a["answer"] is not None or a["payload"] is None


def test_kill_9_mid_question_and_everyone_carries_on(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    started = start_server(tmp_path_factory)
    server = next(started)
    asyncio.run(crash_mid_question(server, server.kill))
    for _ in started:
        pass


def test_sigterm_mid_question_and_everyone_carries_on(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    started = start_server(tmp_path_factory)
    server = next(started)
    asyncio.run(crash_mid_question(server, server.terminate))
    assert "Traceback" not in server.log()
    for _ in started:
        pass


def test_a_deadline_that_passed_while_down_closes_the_question_and_ended_games_stay_ended(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    started = start_server(tmp_path_factory)
    server = next(started)

    async def main() -> None:
        finished = server.create_game()
        await (await host(server, finished)).send({"type": "end"})
        game = server.create_game(time_per_question=5)
        projector = await host(server, game)
        phone = await player(server, game["pin"], "Sleepy")
        token = phone.received[0]["resume_token"]
        await projector.send({"type": "start"})
        await phone.expect("question", index=0)
        await phone.send({"type": "answer", "question": 0, "value": 1})
        await phone.expect("answer_ack")
        server.kill()
        await asyncio.sleep(5.5)  # the deadline passes while the server is down
        server.restart()
        back = await resume(server, token)
        screen = back.received[-1]["screen"]
        if screen["phase"] == "question":  # the timer had not fired yet: it fires at once
            await back.expect("reveal", timeout=3)
        else:
            assert screen["phase"] == "reveal" and screen["result"]["answered"] is True
        late = await Client.connect(server, "/ws/play")
        await late.send({"type": "join", "protocol": 1, "pin": finished["pin"], "name": "Late"})
        assert (await late.expect("error"))["code"] == "game_ended"
        assert results(server, finished["game_id"])["ended_at"] is not None

    asyncio.run(main())
    for _ in started:
        pass


def test_the_api_lists_rebuilt_games(tmp_path_factory: pytest.TempPathFactory) -> None:
    started = start_server(tmp_path_factory)
    server = next(started)
    game = server.create_game()
    server.kill()
    server.restart()
    with server.api() as api:
        live = api.get("/api/v1/games").json()
    assert [g["game_id"] for g in live] == [game["game_id"]]
    assert httpx.get(f"{server.base_url}/healthz").text == "ok"
    for _ in started:
        pass
