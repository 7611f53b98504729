"""`quizkiosk bots` plays a whole game and reports what happened as JSON."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.integration.conftest import Client, RunningServer, host

BANKS = Path(__file__).parent


def test_bots_join_answer_with_the_chosen_accuracy_and_report(server: RunningServer) -> None:
    game = server.create_game(scoring="accuracy")
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
            "6",
            "--think",
            "0.05-0.3",
            "--accuracy",
            "1.0",
            "--banks",
            str(BANKS),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )

    async def drive() -> None:
        projector = await host(server, game)
        await projector.expect("player_joined", timeout=20, count=6)
        await projector.send({"type": "start"})
        for index in range(6):
            await projector.expect("reveal", timeout=20, index=index)
            await projector.send({"type": "next"})
            await projector.expect("podium" if index == 5 else "leaderboard")
            await projector.send({"type": "next"})
        await projector.expect("ended")

    asyncio.run(drive())
    output, _ = bots.communicate(timeout=30)
    summary = json.loads(output)
    assert summary["players_joined"] == 6
    assert summary["answers_sent"] == summary["answers_acked"] == 36
    assert summary["refused"] == {}
    with server.api() as api:
        results = api.get(f"/api/v1/games/{game['game_id']}/results").json()
    scored = [a for a in results["answers"] if a["question_id"] != "poll"]
    assert len(scored) == 30
    assert all(a["correct"] for a in scored)  # accuracy 1.0: the answer key works for every type


def test_bots_refuse_a_bad_think_range() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "quizkiosk.cli",
            "bots",
            "--url",
            "http://127.0.0.1:9",
            "--pin",
            "123456",
            "--think",
            "6-1",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "think range must look like 1.5-6" in result.stderr


RACE_STEPS = 8  # tests/fixtures/race_bank.yaml: cases `first` and `second`, 4 steps each


def start_race_bots(
    server: RunningServer, pin: str, players: int, think: str, seed: int = 1
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "quizkiosk.cli",
            "bots",
            "--url",
            server.base_url,
            "--pin",
            pin,
            "--players",
            str(players),
            "--think",
            think,
            "--accuracy",
            "0.7",
            "--seed",
            str(seed),
            "--banks",
            str(server.banks_dir),  # the answer key includes the fixture bank's case steps
        ],
        stdout=subprocess.PIPE,
        text=True,
    )


def create_race(server: RunningServer) -> dict[str, Any]:
    body = {
        "bank_id": "race-fixture",
        "settings": {"case_ids": ["first", "second"], "penalty": 1, "time_limit": 120},
    }
    with server.api() as api:
        response = api.post("/api/v1/races", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def race_until_everyone_finished(
    server: RunningServer, race: dict[str, Any], players: int, timeout: float = 60
) -> Client:
    """Start the race once every bot has joined; return when the track shows all finished."""
    projector = await host(server, race)
    joined = len(projector.received[-1]["screen"]["player_list"])
    while joined < players:
        joined = (await projector.expect("player_joined", timeout=20))["count"]
    await projector.send({"type": "start"})
    end = time.monotonic() + timeout
    while True:
        track = await projector.expect("race_track", timeout=max(0.01, end - time.monotonic()))
        if track["histogram"][-1] == players:
            return projector


def test_bots_race_a_case_race_to_the_finish_and_report(server: RunningServer) -> None:
    race = create_race(server)
    bots = start_race_bots(server, race["pin"], 10, "0.05-0.3")

    async def drive() -> None:
        projector = await race_until_everyone_finished(server, race, 10)
        await projector.send({"type": "end"})
        over = await projector.expect("race_over")
        assert over["players"] == 10

    asyncio.run(drive())
    output, _ = bots.communicate(timeout=30)
    summary = json.loads(output)
    assert summary["players_joined"] == 10
    assert summary["finished"] == 10
    assert summary["attempt_errors"] == {}  # retries wait out the penalty
    assert summary["attempts_sent"] == summary["attempts_acked"]
    assert summary["answers_sent"] == 0  # nothing of the quiz
    with server.api() as api:
        results = api.get(f"/api/v1/games/{race['game_id']}/results").json()
    assert results["mode"] == "race"
    attempts = results["attempts"]
    assert len(attempts) == summary["attempts_acked"]  # every acknowledged attempt, no more
    wrong = [a for a in attempts if not a["correct"]]
    assert wrong and len(wrong) == summary["attempts_wrong"]  # accuracy 0.7: some were wrong
    assert len(attempts) > 10 * RACE_STEPS
    by_player: dict[str, list[dict[str, Any]]] = {}
    for a in attempts:
        by_player.setdefault(a["player_id"], []).append(a)
    assert len(by_player) == 10
    for rows in by_player.values():
        # Every finisher did every step right, each after its wrong tries (numbered 1, 2, …).
        assert sorted(a["step_index"] for a in rows if a["correct"]) == list(range(RACE_STEPS))
        for step in range(RACE_STEPS):
            tries = sorted((a["attempt"], a["correct"]) for a in rows if a["step_index"] == step)
            assert [n for n, _ in tries] == list(range(1, len(tries) + 1))
            assert [ok for _, ok in tries] == [False] * (len(tries) - 1) + [True]
    assert all(s["score"] == RACE_STEPS for s in results["standings"])


def test_race_bots_resume_after_a_server_restart_and_finish(own_server: RunningServer) -> None:
    race = create_race(own_server)
    bots = start_race_bots(own_server, race["pin"], 6, "0.4-0.8", seed=7)

    async def start_and_wait_for_progress() -> None:
        projector = await host(own_server, race)
        joined = len(projector.received[-1]["screen"]["player_list"])
        while joined < 6:
            joined = (await projector.expect("player_joined", timeout=20))["count"]
        await projector.send({"type": "start"})
        while True:
            track = await projector.expect("race_track", timeout=20)
            if sum(track["histogram"][2:]) > 0:  # someone has done two steps
                break
        assert track["histogram"][-1] == 0  # nobody has finished yet
        await projector.close()

    asyncio.run(start_and_wait_for_progress())
    own_server.kill()  # mid-race, attempts in flight
    own_server.restart()

    async def wait_for_everyone() -> None:
        projector = await host(own_server, race)
        track = projector.received[-1]["screen"]["track"]
        end = time.monotonic() + 60
        while track["histogram"][-1] < 6:
            track = await projector.expect("race_track", timeout=max(0.01, end - time.monotonic()))
        await projector.send({"type": "end"})
        await projector.expect("race_over")

    asyncio.run(wait_for_everyone())
    summary = json.loads(bots.communicate(timeout=30)[0])
    assert summary["players_joined"] == 6 and summary["finished"] == 6
    assert summary["reconnects"] >= 6
    assert summary["attempt_errors"] == {}  # each carried on from the step it was shown
    with own_server.api() as api:
        results = api.get(f"/api/v1/games/{race['game_id']}/results").json()
    # An attempt may be durable and its result lost with the server: never fewer.
    assert len(results["attempts"]) >= summary["attempts_acked"]
    right = {(a["player_id"], a["step_index"]) for a in results["attempts"] if a["correct"]}
    assert len(right) == 6 * RACE_STEPS
    assert "Traceback" not in own_server.log()
