"""The player WebSocket endpoint: join or resume, then answer."""

from __future__ import annotations

import contextlib
import time

from starlette.websockets import WebSocket

from server.engine.players import JoinRefused
from server.engine.quiz import CommandRefused
from server.live.actor import GameActor, GameStopped, PlayerSession
from server.live.connection import CLOSE_ENDED, CLOSE_NORMAL, Connection
from server.protocol import (
    PROTOCOL_VERSION,
    Answer,
    Join,
    Leave,
    Ping,
    ProtocolError,
    Resume,
    decode_player,
    encode,
)
from server.web.state import AppState
from server.web.ws_common import (
    JoinClock,
    JoinTimeout,
    admitted,
    client_address,
    close_for_join_timeout,
    flood_guard,
    receive_frame,
    send_error,
)


class PlayerLink:
    """One player socket and, once joined, the game and session it speaks for."""

    def __init__(self, state: AppState, connection: Connection, address: str) -> None:
        self.state = state
        self.connection = connection
        self.address = address
        self.actor: GameActor | None = None
        self.session: PlayerSession | None = None

    async def handle(self, message: Join | Resume | Answer | Ping | Leave, at: float) -> bool:
        """Handle one message; False ends the connection."""
        if isinstance(message, Ping):
            self.connection.send(encode({"type": "pong", "server_time": time.time()}))
        elif isinstance(message, Join):
            await self.join(message)
        elif isinstance(message, Resume):
            await self.resume(message)
        elif isinstance(message, Answer):
            await self.answer(message, at)
        elif isinstance(message, Leave):
            await self.leave()
            return False
        return True

    async def join(self, message: Join) -> None:
        if self.session is not None:
            send_error(self.connection, "already_joined", "this connection has already joined")
            return
        guard = self.state.join_failures
        # Only wrong PINs count (unknown or ended); a refused name or a locked lobby does not.
        if guard.blocked(self.address):
            send_error(
                self.connection,
                "too_many_attempts",
                "too many wrong PINs from this device; wait and try again",
                retry_after=guard.retry_after(self.address),
            )
            return
        actor = self.state.registry.by_pin(message.pin)
        if actor is None:
            guard.fail(self.address)
            if self.state.registry.pin_has_ended(message.pin):
                send_error(self.connection, "game_ended", "this game has ended")
            else:
                send_error(self.connection, "unknown_pin", "no game with this PIN; check the PIN")
            return
        player_id = actor.new_player_id()

        def join_inside() -> PlayerSession:
            actor.dispatch(
                actor.game.join(
                    player_id, message.name, message.staff_id, message.department, time.time()
                )
            )
            session = self.state.registry.new_session(actor, player_id)
            actor.attach_player(session, self.connection)
            return session

        try:
            session = await actor.call(join_inside)
        except JoinRefused as refused:
            send_error(self.connection, refused.code, refused.message)
            return
        self.actor, self.session = actor, session
        await self.send_welcome(resumed=False)

    async def resume(self, message: Resume) -> None:
        if self.session is not None:
            send_error(self.connection, "already_joined", "this connection has already joined")
            return
        found = self.state.registry.session_for_token(message.token)
        if found is None:
            code, text = self.state.registry.why_token_fails(message.token)
            send_error(self.connection, code, text)
            return
        actor, session = found
        if message.pin is not None and message.pin != actor.info.pin:
            send_error(self.connection, "token_wrong_game", "this resume token is for another game")
            return
        await actor.call(lambda: actor.attach_player(session, self.connection))
        self.actor, self.session = actor, session
        await self.send_welcome(resumed=True)

    async def leave(self) -> None:
        """`leave`: the player goes for good (shared PC "next person"); their results stay."""
        actor, session = self.actor, self.session
        if actor is not None and session is not None:
            player_id = session.player_id
            await actor.call(lambda: actor.dispatch(actor.game.leave(player_id, time.time())))
            await actor.call(lambda: actor.detach_player(session, self.connection))
            self.actor = self.session = None
        self.connection.send(encode({"type": "left"}))
        self.connection.close_soon(CLOSE_NORMAL, "left")

    async def send_welcome(self, resumed: bool) -> None:
        actor, session = self.actor, self.session
        assert actor is not None and session is not None

        def build() -> dict[str, object]:
            player = actor.game.players[session.player_id]
            screen = actor.player_screen(session.player_id, time.time())
            return {
                "type": "welcome",
                "protocol": PROTOCOL_VERSION,
                "resumed": resumed,
                "player": {"id": player.id, "name": player.name},
                "resume_token": session.token,
                "game": actor.game_summary(),
                "screen": screen,
            }

        welcome = await actor.call(build)
        screen = welcome["screen"]
        question = screen.get("question") if isinstance(screen, dict) else None
        self.connection.send(encode(welcome))
        if isinstance(question, dict):
            # Sent as its own frame too, so a client can handle every question one way.
            self.connection.send(encode(question))

    async def answer(self, message: Answer, received_at: float) -> None:
        actor, session = self.actor, self.session
        if actor is None or session is None:
            send_error(
                self.connection,
                "not_joined",
                "join the game before answering",
                question=message.question,
            )
            return
        try:
            await actor.call(
                lambda: actor.dispatch(
                    actor.game.answer(
                        session.player_id, message.question, message.value, received_at
                    )
                )
            )
        except CommandRefused as refused:
            send_error(self.connection, refused.code, refused.message, question=message.question)

    async def detach(self) -> None:
        actor, session = self.actor, self.session
        if actor is not None and session is not None:
            with contextlib.suppress(GameStopped):
                await actor.call(lambda: actor.detach_player(session, self.connection))


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
            clock.joined = link.session is not None
            try:
                raw = await receive_frame(websocket, clock.remaining())
            except JoinTimeout:
                await close_for_join_timeout(connection)
                break
            if raw is None:
                break
            received_at = time.time()
            if not bucket.allow():
                send_error(connection, "rate_limited", "too many messages; slow down")
                continue
            try:
                message = decode_player(raw)
            except ProtocolError as error:
                send_error(connection, error.code, error.message, **error.extra)
                continue
            try:
                keep_open = await link.handle(message, received_at)
            except GameStopped:
                send_error(connection, "game_ended", "this game has ended")
                connection.close_soon(CLOSE_ENDED, "the game is over")
                break
            if not keep_open:
                break
    finally:
        await link.detach()
