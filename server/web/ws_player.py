"""The player WebSocket endpoint: decode, authorise, and hand commands to the game."""

from __future__ import annotations

from quizkiosk.engine.commands import JoinGame, LeaveGame, SubmitAnswer
from quizkiosk.engine.game import CommandRefused
from quizkiosk.live.actor import GameMoved, GameStopped
from quizkiosk.live.connection import CLOSE_ENDED, CLOSE_NORMAL, CLOSE_RESTARTING, Connection
from quizkiosk.live.edge import GameHandle, RedisUnavailable
from quizkiosk.live.ratelimit import TokenBucket
from quizkiosk.live.registry import token_digest
from quizkiosk.protocol import (
    Answer,
    Join,
    Leave,
    LeftMsg,
    Ping,
    Pong,
    ProtocolError,
    Resume,
    decode_player,
    encode_message,
)
from quizkiosk.web.state import AppState
from quizkiosk.web.ws_common import (
    JoinClock,
    JoinTimeout,
    admitted,
    client_address,
    close_for_join_timeout,
    flood_guard,
    receive_frame,
    send_error,
)
from starlette.websockets import WebSocket


class PlayerLink:
    """One player socket and, once joined, the game and player it speaks for."""

    __slots__ = ("actor", "address", "connection", "player_id", "state")  # one per player

    def __init__(self, state: AppState, connection: Connection, address: str) -> None:
        self.state = state
        self.connection = connection
        self.address = address
        self.actor: GameHandle | None = None
        self.player_id: str | None = None

    async def handle(
        self, message: Join | Resume | Answer | Ping | Leave, received_at: float
    ) -> bool:
        """Handle one message; False ends the connection."""
        if isinstance(message, Ping):
            self.connection.send(encode_message(Pong(self.state.registry.clock.now())))
        elif isinstance(message, Join):
            await self.join(message)
        elif isinstance(message, Resume):
            await self.resume(message)
        elif isinstance(message, Answer):
            await self.answer(message, received_at)
        elif isinstance(message, Leave):
            await self.leave()
            return False
        return True

    async def join(self, message: Join) -> None:
        if self.player_id is not None:
            send_error(self.connection, "already_joined", "this connection has already joined")
            return
        guard = self.state.join_failures
        # Only wrong PINs count (unknown or ended); a refused name or a locked lobby does not.
        if await guard.blocked(self.address):
            send_error(
                self.connection,
                "too_many_attempts",
                "too many wrong PINs from this device; wait and try again",
                retry_after=await guard.retry_after(self.address),
            )
            return
        registry = self.state.registry
        actor = await registry.find_by_pin(message.pin)
        if actor is None:
            await guard.fail(self.address)
            if await registry.pin_ended(message.pin):
                send_error(self.connection, "game_ended", "this game has ended")
            else:
                send_error(self.connection, "unknown_pin", "no game with this PIN; check the PIN")
            return
        player_id, token = registry.new_player()
        command = JoinGame(
            player_id=player_id,
            name=message.name,
            staff_id=message.staff_id,
            department=message.department,
            token_hash=token_digest(token),
        )
        try:
            await actor.join(command, player_id, token, self.connection)
        except CommandRefused as refused:
            send_error(self.connection, refused.code, refused.message)
            return
        await registry.note_token(actor, player_id, token)
        self.actor, self.player_id = actor, player_id

    async def resume(self, message: Resume) -> None:
        if self.player_id is not None:
            send_error(self.connection, "already_joined", "this connection has already joined")
            return
        registry = self.state.registry
        found = await registry.find_token(message.token)
        if found is None:
            code, text = registry.why_token_fails(message.token)
            send_error(self.connection, code, text)
            return
        actor, player_id = found
        if message.pin is not None and message.pin != actor.pin:
            send_error(self.connection, "token_wrong_game", "this resume token is for another game")
            return
        try:
            await actor.resume(player_id, message.token, self.connection)
        except CommandRefused as refused:  # scaled out: the owner found it kicked, say
            send_error(self.connection, refused.code, refused.message)
            return
        self.actor, self.player_id = actor, player_id

    async def answer(self, message: Answer, received_at: float) -> None:
        actor, player_id = self.actor, self.player_id
        if actor is None or player_id is None:
            send_error(
                self.connection,
                "not_joined",
                "join the game before answering",
                question=message.question,
            )
            return
        try:
            command = SubmitAnswer(player_id, message.question, message.value)
            await actor.act(command, at=received_at)
        except CommandRefused as refused:
            send_error(
                self.connection,
                refused.code,
                refused.message,
                question=message.question,
                **refused.extra,
            )

    async def leave(self) -> None:
        """`leave`: the player goes for good (shared PC "next person"); their results stay."""
        actor, player_id = self.actor, self.player_id
        if actor is not None and player_id is not None:
            await actor.act(LeaveGame(player_id))
            await actor.detach(player_id, self.connection)
            self.actor = self.player_id = None
        self.connection.send(encode_message(LeftMsg()))
        self.connection.close_soon(CLOSE_NORMAL, "left")

    async def detach(self) -> None:
        if self.actor is not None and self.player_id is not None:
            await self.actor.detach(self.player_id, self.connection)


async def player_endpoint(websocket: WebSocket) -> None:
    state: AppState = websocket.app.state.kiosk
    async with admitted(websocket, state) as connection:
        if connection is not None:
            await serve_player(websocket, state, connection)


async def serve_player(websocket: WebSocket, state: AppState, connection: Connection) -> None:
    link = PlayerLink(state, connection, client_address(websocket))
    bucket = flood_guard(state.config.messages_per_second, state.config.message_burst)
    clock = JoinClock(state.config.join_timeout_seconds)
    try:
        while not connection.closed:
            clock.joined = link.player_id is not None
            try:
                raw = await receive_frame(websocket, clock.remaining())
            except JoinTimeout:
                await close_for_join_timeout(connection)
                break
            if raw is None:
                break
            received_at = state.registry.clock.now()
            keep_open = await take_frame(link, bucket, raw, received_at)
            # Nothing of this frame stays alive while the socket waits for the next one:
            # 2,000 idle players would each keep their `join` message otherwise.
            del raw
            if not keep_open:
                break
    finally:
        await link.detach()


async def take_frame(
    link: PlayerLink, bucket: TokenBucket, raw: str | bytes, received_at: float
) -> bool:
    """Decode and handle one frame; False ends the connection."""
    connection = link.connection
    if not bucket.allow():
        send_error(connection, "rate_limited", "too many messages; slow down")
        return True
    try:
        message = decode_player(raw)
    except ProtocolError as error:
        send_error(connection, error.code, error.message, **error.extra)
        return True
    try:
        return await link.handle(message, received_at)
    except RedisUnavailable:
        # Scaled out, the shared directory is unreachable for a moment: nothing was
        # done; the page may send it again.
        send_error(connection, "unavailable", "the server is busy for a moment; try again")
        return True
    except GameMoved:
        # Scaled out: another worker runs the game now; the page resumes through it.
        connection.close_soon(CLOSE_RESTARTING, "this game moved to another server; reconnect")
        return False
    except GameStopped:
        send_error(connection, "game_ended", "this game has ended")
        connection.close_soon(CLOSE_ENDED, "the game is over")
        return False
