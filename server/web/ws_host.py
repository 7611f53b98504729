"""The host (projector and remote) WebSocket endpoint: authenticate, then drive the game."""

from __future__ import annotations

from quizkiosk.engine.commands import Command, HostAction, KickPlayer, LockLobby, SetTeam
from quizkiosk.engine.game import CommandRefused
from quizkiosk.live.actor import GameMoved, GameStopped
from quizkiosk.live.connection import CLOSE_ENDED, CLOSE_RESTARTING, Connection
from quizkiosk.live.edge import GameHandle, RedisUnavailable
from quizkiosk.protocol import (
    HostCommand,
    HostHello,
    Kick,
    Lock,
    Ping,
    Pong,
    ProtocolError,
    TeamMsg,
    decode_host,
    encode_message,
)
from quizkiosk.web.state import AppState
from quizkiosk.web.ws_common import (
    JoinClock,
    JoinTimeout,
    admitted,
    close_for_join_timeout,
    flood_guard,
    receive_frame,
    send_error,
)
from starlette.websockets import WebSocket


def command_of(message: HostCommand | Kick | Lock | TeamMsg) -> Command:
    """The game command a host message asks for."""
    if isinstance(message, TeamMsg):
        return SetTeam(message.player_id, message.team, message.phase)
    if isinstance(message, Kick):
        return KickPlayer(message.player_id, message.phase)
    if isinstance(message, Lock):
        return LockLobby(message.locked, message.phase)
    return HostAction(message.type, message.phase)


async def host_endpoint(websocket: WebSocket) -> None:
    state: AppState = websocket.app.state.kiosk
    async with admitted(websocket, state) as connection:
        if connection is not None:
            await serve_host(websocket, state, connection)


async def serve_host(websocket: WebSocket, state: AppState, connection: Connection) -> None:
    bucket = flood_guard(state.config.messages_per_second * 2, state.config.message_burst)
    clock = JoinClock(state.config.join_timeout_seconds)
    actor: GameHandle | None = None
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
                connection.send(encode_message(Pong(state.registry.clock.now())))
            elif isinstance(message, HostHello):
                try:
                    actor = await hello(state, connection, message, actor)
                except RedisUnavailable:  # scaled out: nothing was done; try again
                    send_error(
                        connection, "unavailable", "the server is busy for a moment; try again"
                    )
            elif actor is None:
                send_error(
                    connection,
                    "not_host",
                    "send a 'host' message with the host token first",
                    command=message.type,
                )
            else:
                try:
                    await actor.act(command_of(message))
                except CommandRefused as refused:
                    send_error(connection, refused.code, refused.message, command=message.type)
                except GameMoved:
                    connection.close_soon(
                        CLOSE_RESTARTING, "this game moved to another server; reconnect"
                    )
                    break
                except GameStopped:
                    send_error(connection, "game_ended", "this game has ended")
                    connection.close_soon(CLOSE_ENDED, "the game is over")
                    break
    finally:
        if actor is not None:
            await actor.detach_host(connection)


async def hello(
    state: AppState, connection: Connection, message: HostHello, current: GameHandle | None
) -> GameHandle | None:
    if current is not None:
        send_error(connection, "already_host", "this connection already hosts a game")
        return current
    actor = await state.registry.find_host(message.game_id, message.host_token)
    if actor is None:
        send_error(connection, "bad_host_token", "wrong game or host token")
        return None
    try:
        await actor.attach_host(connection, state.join_url(actor.pin))
    except GameStopped:
        send_error(connection, "game_ended", "this game has ended")
        return None
    except CommandRefused as refused:  # scaled out: the owner did not answer in time
        send_error(connection, refused.code, refused.message)
        return None
    return actor
