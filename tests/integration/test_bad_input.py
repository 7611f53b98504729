"""Every kind of bad input gets a specific error, and the game and other players carry on."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import websockets

from tests.integration.conftest import Client, RunningServer, host, player


def run(server: RunningServer, scenario: Callable[..., Awaitable[None]], **settings: Any) -> None:
    async def main() -> None:
        game = server.create_game(**settings)
        projector = await host(server, game)
        bystander = await player(server, game["pin"], "Bystander")
        await scenario(game, projector, bystander)
        # Whatever happened, the game goes on for everybody else.
        await projector.send({"type": "ping"})
        await projector.expect("pong")
        await bystander.send({"type": "ping"})
        await bystander.expect("pong")

    asyncio.run(main())


async def error_for(client: Client, message: object) -> dict[str, Any]:
    await client.send(message if isinstance(message, str | bytes) else json.dumps(message))
    return await client.expect("error")


@pytest.mark.parametrize(
    ("message", "code", "text"),
    [
        ("{oops", "bad_json", "not valid JSON"),
        ("[1, 2]", "bad_message", "a message must be a JSON object"),
        ('{"no_type": 1}', "bad_message", "a message needs a string field 'type'"),
        ('{"type": "dance"}', "unknown_type", "unknown message type 'dance'"),
        ('{"type": "join", "protocol": 1, "pin": "123456"}', "bad_message", "missing field 'name'"),
        (
            '{"type": "join", "protocol": 1, "pin": "123456", "name": "A", "admin": true}',
            "bad_message",
            "unexpected field 'admin'",
        ),
        (
            '{"type": "join", "protocol": 2, "pin": "123456", "name": "A"}',
            "unsupported_protocol",
            "protocol 2 is not supported; this server speaks 1",
        ),
        ('{"type": "next"}', "not_host", "'next' is a host command; players cannot send it"),
        ('{"type": "kick", "player_id": "x"}', "not_host", "'kick' is a host command"),
        (
            '{"type": "answer", "question": 0, "value": 1}',
            "not_joined",
            "join the game before answering",
        ),
    ],
)
def test_malformed_messages_get_specific_errors(
    server: RunningServer, message: str, code: str, text: str
) -> None:
    async def scenario(game: dict[str, Any], projector: Client, bystander: Client) -> None:
        client = await Client.connect(server, "/ws/play")
        error = await error_for(client, message)
        assert error["code"] == code
        assert text in error["message"]
        # The same connection still works afterwards.
        await client.send({"type": "ping"})
        await client.expect("pong")

    run(server, scenario)


def test_frames_over_16_kib_are_refused_and_over_64_kib_close_the_socket(
    server: RunningServer,
) -> None:
    async def scenario(game: dict[str, Any], projector: Client, bystander: Client) -> None:
        client = await Client.connect(server, "/ws/play")
        big = json.dumps({"type": "ping", "pad": "x" * 17_000})
        error = await error_for(client, big)
        assert error["code"] == "too_large"
        await client.send({"type": "ping"})
        await client.expect("pong")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await client.send("x" * 70_000)
            await client.next()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009

    run(server, scenario)


def test_answers_to_closed_unknown_or_late_questions_and_repeats(server: RunningServer) -> None:
    async def scenario(game: dict[str, Any], projector: Client, bystander: Client) -> None:
        answerer = await player(server, game["pin"], "Answerer")
        await projector.send({"type": "start"})
        question = await answerer.expect("question", index=0)
        assert question["kind"] == "single"
        wrong_index = await error_for(answerer, {"type": "answer", "question": 3, "value": 0})
        assert wrong_index["code"] == "wrong_question"
        bad_shape = await error_for(answerer, {"type": "answer", "question": 0, "value": [0]})
        assert bad_shape["code"] == "invalid_answer"
        await answerer.send({"type": "answer", "question": 0, "value": 1})
        first = await answerer.expect("answer_ack")
        await answerer.send({"type": "answer", "question": 0, "value": 2})
        second = await answerer.expect("answer_ack")
        assert second == first  # the first answer's ack, no second score
        await projector.send({"type": "close"})
        await answerer.expect("reveal")
        closed = await error_for(bystander, {"type": "answer", "question": 0, "value": 1})
        assert closed["code"] == "question_closed"
        with server.api() as api:
            results = api.get(f"/api/v1/games/{game['game_id']}/results").json()
        assert [(a["question_index"], a["payload"]) for a in results["answers"]] == [(0, 1)]

    run(server, scenario)


def test_an_answer_after_the_deadline_is_refused(server: RunningServer) -> None:
    async def scenario(game: dict[str, Any], projector: Client, bystander: Client) -> None:
        await projector.send({"type": "start"})
        await bystander.expect("question", index=0)
        await projector.send({"type": "pause"})
        await bystander.expect("paused")
        await projector.send({"type": "resume"})
        await bystander.expect("resumed")
        reveal = await bystander.expect("reveal", timeout=8)  # time_per_question=5
        assert reveal["answered"] == 0
        late = await error_for(bystander, {"type": "answer", "question": 0, "value": 1})
        assert late["code"] == "too_late"  # after the deadline, revealed or not

    run(server, scenario, time_per_question=5)


def test_host_commands_need_the_host_token(server: RunningServer) -> None:
    async def scenario(game: dict[str, Any], projector: Client, bystander: Client) -> None:
        impostor = await Client.connect(server, "/ws/host")
        error = await error_for(impostor, {"type": "start"})
        assert error["code"] == "not_host"
        error = await error_for(
            impostor,
            {
                "type": "host",
                "protocol": 1,
                "game_id": game["game_id"],
                "host_token": "not-the-right-token",
            },
        )
        assert error["code"] == "bad_host_token"
        error = await error_for(impostor, {"type": "next"})
        assert error["code"] == "not_host"
        wrong_phase = await error_for(projector, {"type": "pause"})
        assert wrong_phase["code"] == "wrong_phase"

    run(server, scenario)


def test_wrong_and_ended_pins_duplicate_names_and_staff_ids(server: RunningServer) -> None:
    async def scenario(game: dict[str, Any], projector: Client, bystander: Client) -> None:
        newcomer = await Client.connect(server, "/ws/play")
        join = {"type": "join", "protocol": 1, "pin": game["pin"]}
        assert (await error_for(newcomer, {**join, "name": "BYSTANDER"}))["code"] == "name_taken"
        assert (await error_for(newcomer, {**join, "name": "   "}))["code"] == "name_required"
        assert (await error_for(newcomer, {**join, "name": "Staffless"}))[
            "code"
        ] == "staff_id_required"
        await newcomer.send({**join, "name": "Nodira", "staff_id": "S-17"})
        await newcomer.expect("welcome")
        other = await Client.connect(server, "/ws/play")
        taken = await error_for(other, {**join, "name": "Malika", "staff_id": "s-17"})
        assert taken["code"] == "staff_id_taken"
        unknown = await error_for(other, {**join, "pin": "000000", "name": "Malika"})
        assert unknown["code"] == "unknown_pin"
        ended_game = server.create_game()
        with server.api() as api:
            assert api.post(f"/api/v1/games/{ended_game['game_id']}/end").status_code == 200
        ended = await error_for(other, {**join, "pin": ended_game["pin"], "name": "Malika"})
        assert ended["code"] == "game_ended"

    async def wrapper() -> None:
        game = server.create_game(require_staff_id=True)
        projector = await host(server, game)
        bystander = await player(server, game["pin"], "Bystander", staff_id="S-1")
        await scenario(game, projector, bystander)
        await bystander.send({"type": "ping"})
        await bystander.expect("pong")

    asyncio.run(wrapper())


def test_flooding_is_refused_per_message_and_the_client_recovers(server: RunningServer) -> None:
    async def scenario(game: dict[str, Any], projector: Client, bystander: Client) -> None:
        flooder = await Client.connect(server, "/ws/play")
        for _ in range(40):
            await flooder.send({"type": "ping"})
        kinds = [(await flooder.next())["type"] for _ in range(40)]
        assert "rate_limited" in [m.get("code") for m in flooder.received]
        assert kinds.count("pong") < 40
        await asyncio.sleep(1.0)
        await flooder.send({"type": "ping"})
        await flooder.expect("pong")

    run(server, scenario)


def test_pin_guessing_is_rate_limited_per_address(own_server: RunningServer) -> None:
    server = own_server

    async def scenario(game: dict[str, Any], projector: Client, bystander: Client) -> None:
        guesser = await Client.connect(server, "/ws/play")
        codes = []
        for guess in range(25):
            await asyncio.sleep(0.21)  # stay under the message-rate limit
            error = await error_for(
                guesser, {"type": "join", "protocol": 1, "pin": f"{guess:06d}", "name": "Guess"}
            )
            codes.append(error["code"])
        assert "too_many_attempts" in codes
        assert codes[0] == "unknown_pin"
        # Even the right PIN is refused while the address is blocked.
        blocked = await error_for(
            guesser, {"type": "join", "protocol": 1, "pin": game["pin"], "name": "Guess"}
        )
        assert blocked["code"] == "too_many_attempts"
        assert blocked["retry_after"] >= 1

    run(server, scenario)


def test_resume_tokens_work_only_for_their_own_game_and_not_after_a_kick(
    server: RunningServer,
) -> None:
    async def scenario(game: dict[str, Any], projector: Client, bystander: Client) -> None:
        token = bystander.received[0]["resume_token"]
        other_game = server.create_game()
        stranger = await Client.connect(server, "/ws/play")
        wrong_game = await error_for(
            stranger, {"type": "resume", "protocol": 1, "token": token, "pin": other_game["pin"]}
        )
        assert wrong_game["code"] == "token_wrong_game"
        unknown = await error_for(stranger, {"type": "resume", "protocol": 1, "token": "x" * 32})
        assert unknown["code"] == "unknown_token"
        victim = await player(server, game["pin"], "Victim")
        victim_token = victim.received[0]["resume_token"]
        await projector.send({"type": "kick", "player_id": victim.received[0]["player"]["id"]})
        await victim.expect("kicked")
        again = await Client.connect(server, "/ws/play")
        refused = await error_for(again, {"type": "resume", "protocol": 1, "token": victim_token})
        assert refused["code"] == "kicked"
        rejoin = await error_for(
            again, {"type": "join", "protocol": 1, "pin": game["pin"], "name": "Victim"}
        )
        assert rejoin["code"] == "kicked"

    run(server, scenario)


def test_the_projector_resumes_to_the_current_screen(server: RunningServer) -> None:
    async def scenario(game: dict[str, Any], projector: Client, bystander: Client) -> None:
        await projector.send({"type": "start"})
        await projector.expect("question", index=0)
        await projector.close()
        again = await Client.connect(server, "/ws/host")
        await again.send(
            {
                "type": "host",
                "protocol": 1,
                "game_id": game["game_id"],
                "host_token": game["host_token"],
            }
        )
        welcome = await again.expect("host_welcome")
        screen = welcome["screen"]
        assert screen["phase"] == "question"
        assert screen["question"]["index"] == 0
        assert screen["answered"] == {"answered": 0, "expected": 1}
        assert [p["name"] for p in screen["player_list"]] == ["Bystander"]
        projector.socket = again.socket

    run(server, scenario)
