"""A case race against the real server: 30 participants, wrong answers and penalties,
reconnects, a `kill -9` mid-race and a restart; every attempt archived, and the final
ranking equal to one recomputed from the archive."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.integration.conftest import Client, RunningServer, host, player, start_server
from tests.integration.race_client import STEPS, attempt

PLAYERS = 30
PENALTY = 1


def create_race(server: RunningServer, **settings: Any) -> dict[str, Any]:
    body = {
        "bank_id": "race-fixture",
        "settings": {"case_ids": ["first", "second"], "penalty": PENALTY, **settings},
    }
    with server.api() as api:
        response = api.post("/api/v1/races", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert created["mode"] == "race"
    return created


async def run_steps(
    client: Client,
    step: dict[str, Any],
    count: int,
    wrong_first: bool,
    log: list[tuple[int, int, bool]],
) -> dict[str, Any] | None:
    """Do `count` steps from `step` (a wrong try first if asked); returns the next step
    message, or None once finished. `log` gets (step, attempt, right) of each ack."""
    for _ in range(count):
        if wrong_first and step["attempts"] == 0:
            result = await attempt(client, step, right=False)
            assert not result["correct"] and result["penalty_ms"] == PENALTY * 1000
            assert result["explanation"]["en"].startswith("RACE-SECRET")
            log.append((step["index"], result["attempts"], False))
            step = {**step, "attempts": 1}
            await asyncio.sleep(PENALTY + 0.1)
        result = await attempt(client, step, right=True)
        assert result["correct"]
        log.append((step["index"], result["attempts"], True))
        if step["index"] == STEPS - 1:
            await client.expect("race_finished")
            return None
        step = await client.expect("race_step", index=step["index"] + 1)
    return step


def test_a_thirty_person_race_survives_kill_9_and_ranks_from_the_archive(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    started = start_server(tmp_path_factory)
    server = next(started)

    async def main() -> None:
        race = create_race(server, time_limit=600)
        projector = await host(server, race)
        phones = [await player(server, race["pin"], f"Nurse{n:02}") for n in range(PLAYERS)]
        ids = [phone.received[0]["player"]["id"] for phone in phones]
        tokens = [phone.received[0]["resume_token"] for phone in phones]
        await projector.send({"type": "start"})
        track = await projector.expect("race_track")
        assert track["participants"] == PLAYERS and track["histogram"][0] == PLAYERS
        firsts = [await phone.expect("race_step", index=0) for phone in phones]
        assert all("RACE-SECRET" not in str(step) for step in firsts)
        logs: list[list[tuple[int, int, bool]]] = [[] for _ in range(PLAYERS)]
        # Everyone does two steps; every third participant gets step 1 wrong first.
        await asyncio.gather(
            *(run_steps(phone, firsts[n], 2, n % 3 == 0, logs[n]) for n, phone in enumerate(phones))
        )
        # One phone reloads (a normal reconnect) before the crash.
        await phones[5].close()
        phones[5] = await Client.connect(server, "/ws/play")
        await phones[5].send({"type": "resume", "protocol": 1, "token": tokens[5]})
        assert (await phones[5].expect("welcome"))["screen"]["step"] == 2

        server.kill()
        server.restart()

        projector = await host(server, race)
        screen = projector.received[-1]["screen"]
        assert screen["phase"] == "race" and screen["track"]["histogram"][2] == PLAYERS
        steps: list[dict[str, Any]] = []
        phones = []
        for token in tokens:
            phone = await Client.connect(server, "/ws/play")
            await phone.send({"type": "resume", "protocol": 1, "token": token})
            welcome = await phone.expect("welcome")
            assert welcome["screen"]["phase"] == "race" and welcome["screen"]["step"] == 2
            steps.append(await phone.expect("race_step", index=2))
            phones.append(phone)
        # Half finish the race; the others do two more steps (some with a wrong try).
        await asyncio.gather(
            *(
                run_steps(phone, steps[n], STEPS - 2 if n % 2 == 0 else 2, n % 5 == 0, logs[n])
                for n, phone in enumerate(phones)
            )
        )
        await asyncio.sleep(0.2)
        await projector.send({"type": "end"})
        over = await projector.expect("race_over")
        assert over["players"] == PLAYERS
        ranks = {ids[n]: await phone.expect("race_rank") for n, phone in enumerate(phones)}

        with server.api() as api:
            results = api.get(f"/api/v1/games/{race['game_id']}/results").json()
        assert results["mode"] == "race" and results["ended_at"] is not None
        kept = sorted(
            (a["player_id"], a["step_index"], a["attempt"], a["correct"])
            for a in results["attempts"]
        )
        acked = sorted((ids[n], s, a, ok) for n in range(PLAYERS) for s, a, ok in logs[n])
        assert kept == acked  # every acknowledged attempt, nothing else

        # The final ranking, recomputed from the archive alone.
        by_player: dict[str, list[dict[str, Any]]] = {}
        for a in results["attempts"]:
            by_player.setdefault(a["player_id"], []).append(a)

        def key(pid: str) -> tuple[object, ...]:
            rows = by_player.get(pid, [])
            done = [a for a in rows if a["correct"]]
            first = sum(1 for a in done if a["attempt"] == 1)
            if len(done) == STEPS:
                return (0, max(a["race_ms"] for a in done))
            tried = {a["step_index"] for a in rows}
            accuracy = round(first / len(tried), 6) if tried else 0.0
            last = max((a["race_ms"] for a in done), default=10**12)
            return (1, -len(done), -accuracy, last)

        ordered = sorted(ids, key=key)
        standings = {s["player_id"]: s for s in results["standings"]}
        for position, pid in enumerate(ordered):
            expected_rank = next(p + 1 for p, other in enumerate(ordered) if key(other) == key(pid))
            assert standings[pid]["rank"] == expected_rank == ranks[pid]["rank"], position
            assert standings[pid]["score"] == len([a for a in by_player[pid] if a["correct"]])

    asyncio.run(main())
    for _ in started:
        pass


def test_race_time_up_stops_everyone_and_bad_input_is_refused(server: RunningServer) -> None:
    async def main() -> None:
        race = create_race(server, time_limit=60)
        projector = await host(server, race)
        phone = await player(server, race["pin"], "Racer")
        early = await Client.connect(server, "/ws/play")
        await phone.send({"type": "answer", "question": 0, "value": 0})
        assert (await phone.expect("error"))["code"] == "wrong_phase"
        await projector.send({"type": "start"})
        step = await phone.expect("race_step", index=0)
        await phone.send({"type": "answer", "question": 3, "value": 0})
        assert (await phone.expect("error"))["code"] == "wrong_question"
        await phone.send({"type": "answer", "question": 0, "value": 9})
        assert (await phone.expect("error"))["code"] == "invalid_answer"
        wrong = await attempt(phone, step, right=False)
        await phone.send({"type": "answer", "question": 0, "value": 0})
        locked = await phone.expect("error")
        assert locked["code"] == "step_locked" and not wrong["correct"]
        await projector.send({"type": "next"})
        assert (await projector.expect("error"))["code"] == "wrong_phase"
        await projector.send({"type": "pause"})
        await phone.expect("paused")
        await projector.send({"type": "end"})
        await phone.expect("race_over")
        rank = await phone.expect("race_rank")
        assert rank["finished"] is False and rank["steps"] == 0
        await early.close()

    asyncio.run(main())


def test_creating_a_race_checks_its_bank_and_cases(server: RunningServer) -> None:
    with server.api() as api:
        missing = api.post(
            "/api/v1/races", json={"bank_id": "race-fixture", "settings": {"case_ids": ["nope"]}}
        )
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_case"
        empty = api.post(
            "/api/v1/races", json={"bank_id": "race-fixture", "settings": {"case_ids": []}}
        )
        assert empty.status_code == 422
        penalty = api.post(
            "/api/v1/races",
            json={"bank_id": "race-fixture", "settings": {"case_ids": ["first"], "penalty": -1}},
        )
        assert penalty.status_code == 422
    assert httpx.get(f"{server.base_url}/api/v1/openapi.json").json()["paths"]["/api/v1/races"]
