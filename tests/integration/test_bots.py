"""`quizkiosk bots` plays a whole game and reports what happened as JSON."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import RunningServer, host

BANKS = Path(__file__).parent


def test_bots_join_answer_with_the_chosen_accuracy_and_report(server: RunningServer) -> None:
    game = server.create_game(scoring="accuracy")
    bots = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.cli",
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
            "server.cli",
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
