"""A whole live quiz against a real server: 20 players, every question type."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from tests.integration.conftest import Client, RunningServer, host, player

SECRETS = ["SECRET-EXPLANATION", "Z99.SECRET", "correct"]


def right_answer(question: dict[str, Any]) -> object:
    """The right answer in display positions, worked out from the visible option texts."""
    shown = [choice["en"] if choice else None for choice in question.get("choices") or []]
    kind = question["kind"]
    if kind == "single":
        return shown.index("B")
    if kind == "multi":
        return sorted([shown.index("A"), shown.index("C")])
    if kind == "truefalse":
        return False
    if kind == "order":
        return [shown.index(step) for step in ("S1", "S2", "S3", "S4")]
    if kind == "typed":
        return "z99 secret"
    return 0


def wrong_answer(question: dict[str, Any]) -> object:
    kind = question["kind"]
    right = right_answer(question)
    if kind in ("single", "poll"):
        return next(i for i in range(len(question["choices"])) if i != right)
    if kind == "multi":
        assert isinstance(right, list)
        return [next(i for i in range(4) if i not in right)]
    if kind == "truefalse":
        return True
    if kind == "order":
        assert isinstance(right, list)
        return list(reversed(right))
    return "A00"


def assert_no_leak(messages: list[dict[str, Any]]) -> None:
    """Nothing sent before a reveal may carry the answer or the explanation."""
    for message in messages:
        if message["type"] in ("reveal", "result", "leaderboard", "podium", "ended", "rank"):
            continue
        text = json.dumps(message)
        for secret in SECRETS:
            if secret == "correct" and message["type"] != "question":
                continue
            assert secret not in text, message


async def play_game(server: RunningServer) -> None:
    game = server.create_game(scoring="speed", streak_bonus=True, shuffle_options=True)
    projector = await host(server, game)
    rng = random.Random(5)
    players: list[Client] = []
    names = [f"Hamshira {n}" for n in range(19)] + ["<img src=x onerror=1>"]
    for name in names:
        players.append(await player(server, game["pin"], name))
    tokens = {id(p): p.received[0]["resume_token"] for p in players}
    player_ids = {id(p): p.received[0]["player"]["id"] for p in players}
    assert players[-1].received[0]["player"]["name"] == "<img src=x onerror=1>"
    await projector.expect("player_joined", count=20)

    reloader, garbage_sender, kicked = players[3], players[4], players[5]
    acked: set[tuple[str, int]] = set()

    await projector.send({"type": "start"})
    for index in range(6):
        question = await projector.expect("question", index=index)
        assert "correct" not in question and "accepted" not in question
        if index == 1:
            await projector.send({"type": "kick", "player_id": player_ids[id(kicked)]})
            await kicked.expect("kicked")
            players.remove(kicked)
        for client in players:
            seen = await client.expect("question", index=index)
            if client is reloader and index == 2:
                # The phone reloads mid-question and comes back to the same question.
                await client.close()
                client.socket = (await Client.connect(server, "/ws/play")).socket
                await client.send(
                    {
                        "type": "resume",
                        "protocol": 1,
                        "token": tokens[id(client)],
                        "pin": game["pin"],
                    }
                )
                welcome = await client.expect("welcome")
                assert welcome["resumed"] is True
                assert welcome["screen"]["phase"] == "question"
                assert welcome["screen"]["question"]["index"] == 2
                assert welcome["screen"]["my_answer"] is None
                assert 0 < welcome["screen"]["question"]["remaining_ms"] <= 60_000
            if client is garbage_sender and index == 0:
                for garbage in (
                    "{not json",
                    "[]",
                    '{"type": "hack"}',
                    '{"type": "start"}',
                    '{"type": "answer", "question": 0, "value": 1, "x": 2}',
                ):
                    await client.send(garbage)
                    error = await client.expect("error")
                    assert error["code"] in ("bad_json", "bad_message", "unknown_type", "not_host")
        for client in players:
            seen = client.received[-1] if client.received[-1]["type"] == "question" else None
            question_for_client = seen or question
            answer = (
                right_answer(question_for_client)
                if rng.random() < 0.7
                else wrong_answer(question_for_client)
            )
            await client.send({"type": "answer", "question": index, "value": answer})
        for client in players:
            ack = await client.expect("answer_ack", question=index)
            acked.add((player_ids[id(client)], index))
            assert ack["question"] == index
        reveal = await projector.expect("reveal", index=index)
        assert reveal["answered"] == len(players)
        if question["kind"] != "poll":
            assert reveal["explanation"]["en"].startswith("SECRET-EXPLANATION")
        for client in players:
            result = await client.expect("result")
            assert result["answered"] is True
        await projector.send({"type": "next"})
        board = await projector.expect("podium" if index == 5 else "leaderboard")
        assert len(board["top"]) <= (3 if index == 5 else 10)
        if index < 5:
            await projector.send({"type": "next"})
    await projector.send({"type": "next"})
    ended = await projector.expect("ended")
    assert ended["players"] == 19
    final_scores = {}
    for client in players:
        rank = await client.expect("rank")
        final_scores[player_ids[id(client)]] = rank["score"]
        assert_no_leak(
            client.received[
                : next(i for i, m in enumerate(client.received) if m["type"] == "reveal")
            ]
        )

    with server.api() as api:
        results = api.get(f"/api/v1/games/{game['game_id']}/results").json()
    archived = {(a["player_id"], a["question_index"]) for a in results["answers"]}
    # The kicked player answered question 0 before being removed: that ack counts too.
    acked.add((player_ids[id(kicked)], 0))
    assert archived == acked
    sums: dict[str, int] = {}
    for answer in results["answers"]:
        sums[answer["player_id"]] = sums.get(answer["player_id"], 0) + answer["points"]
    standings = {s["player_id"]: s["score"] for s in results["standings"]}
    assert standings == {pid: sums.get(pid, 0) for pid in standings}
    assert standings == final_scores
    assert len(results["participants"]) == 20
    assert results["ended_at"] is not None


def test_a_full_game_with_every_question_type_and_twenty_players(server: RunningServer) -> None:
    asyncio.run(play_game(server))
