"""The host (projector and remote) WebSocket endpoint: authenticate, then drive the game."""

from __future__ import annotations

import contextlib
import hmac
import time

from starlette.websockets import WebSocket

from server.engine.quiz import CommandRefused, Event
from server.live.actor import GameActor, GameStopped
from server.live.connection import CLOSE_ENDED, Connection
from server.protocol import (
    PROTOCOL_VERSION,
    HostCommand,
    HostHello,
    Kick,
    Lock,
    Ping,
    ProtocolError,
    decode_host,
    encode,
)
from server.web.state import AppState
from server.web.ws_common import (
    JoinClock,
    JoinTimeout,
    admitted,
    close_for_join_timeout,
    flood_guard,
    receive_frame,
    send_error,
)


def authenticate(state: AppState, hello: HostHello) -> GameActor | None:
    actor = state.registry.games.get(hello.game_id)
    if actor is None:
        return None
    if not hmac.compare_digest(actor.info.host_token, hello.host_token):
        return None
    return actor


def run_command(actor: GameActor, message: HostCommand | Kick | Lock) -> list[Event]:
    game, now = actor.game, time.time()
    if message.phase is not None and message.phase != game.phase.value:
        # A command meant for another moment (e.g. a second "next" pressed as the
        # question closed by itself) does nothing rather than skip a screen.
        raise CommandRefused(
            "wrong_phase", f"'{message.type}' was meant for {message.phase}, not {game.phase.value}"
        )
    if isinstance(message, Kick):
        return actor.dispatch(game.kick(message.player_id, now))
    if isinstance(message, Lock):
        return actor.dispatch(game.set_locked(message.locked))
    commands = {
        "start": game.start,
        "next": game.next,
        "close": game.close,
        "pause": game.pause,
        "resume": game.resume,
        "end": game.end,
    }
    return actor.dispatch(commands[message.type](now))


async def host_endpoint(websocket: WebSocket) -> None:
    state: AppState = websocket.app.state.kiosk
    async with admitted(websocket, state) as connection:
        if connection is not None:
            await serve_host(websocket, state, connection)


async def serve_host(websocket: WebSocket, state: AppState, connection: Connection) -> None:
    bucket = flood_guard(state.config.messages_per_second * 2, state.config.message_burst)
    clock = JoinClock(state.config.join_timeout_seconds)
    actor: GameActor | None = None
    try:
        while not connection.closed:
            clock.joined = actor is not None
            try:
                raw = await receive_frame(websocket, clock.remaining())
            except JoinTimeout:
                await close_for_join_timeout(connection)
                break
            if raw is None:
                break
            if not bucket.allow():
                send_error(connection, "rate_limited", "too many messages; slow down")
                continue
            try:
                message = decode_host(raw)
            except ProtocolError as error:
                send_error(connection, error.code, error.message, **error.extra)
                continue
            if isinstance(message, Ping):
                connection.send(encode({"type": "pong", "server_time": time.time()}))
            elif isinstance(message, HostHello):
                actor = await hello(state, connection, message, actor)
            elif actor is None:
                send_error(
                    connection,
                    "not_host",
                    "send a 'host' message with the host token first",
                    command=message.type,
                )
            else:
                try:
                    await command(actor, connection, message)
                except GameStopped:
                    send_error(connection, "game_ended", "this game has ended")
                    connection.close_soon(CLOSE_ENDED, "the game is over")
                    break
    finally:
        if actor is not None:
            bound = actor
            with contextlib.suppress(GameStopped):
                await bound.call(lambda: bound.hosts.discard(connection))


async def hello(
    state: AppState, connection: Connection, message: HostHello, current: GameActor | None
) -> GameActor | None:
    if current is not None:
        send_error(connection, "already_host", "this connection already hosts a game")
        return current
    actor = authenticate(state, message)
    if actor is None:
        send_error(connection, "bad_host_token", "wrong game or host token")
        return None

    def attach() -> dict[str, object]:
        actor.hosts.add(connection)
        return {
            "type": "host_welcome",
            "protocol": PROTOCOL_VERSION,
            "game": actor.game_summary(),
            "join_url": state.join_url(actor.info.pin),
            "screen": actor.host_screen(time.time()),
        }

    connection.send(encode(await actor.call(attach)))
    return actor


async def command(
    actor: GameActor, connection: Connection, message: HostCommand | Kick | Lock
) -> None:
    try:
        await actor.call(lambda: run_command(actor, message))
    except CommandRefused as refused:
        send_error(connection, refused.code, refused.message, command=message.type)
