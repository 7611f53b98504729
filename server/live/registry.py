"""Live games in this process: PINs, host tokens and resume tokens."""

from __future__ import annotations

import asyncio
import secrets
import time

from server.archive.records import Archive, GameRecord
from server.banks.model import Bank
from server.engine.quiz import QuizGame
from server.engine.settings import GameSettings
from server.live.actor import GameActor, GameInfo, PlayerSession

ENDED_PIN_MEMORY = 500  # how many ended PINs we still recognise as "ended"
ENDED_GAME_KEEP_SECONDS = 3600  # players may still resume to the final screen this long


class GameRegistry:
    def __init__(
        self, archive: Archive, keep_ended_seconds: float = ENDED_GAME_KEEP_SECONDS
    ) -> None:
        self.archive = archive
        self.keep_ended_seconds = keep_ended_seconds
        self.games: dict[str, GameActor] = {}
        self._by_pin: dict[str, GameActor] = {}
        self._ended_pins: dict[str, str] = {}
        self._tokens: dict[str, tuple[str, str]] = {}  # resume token -> (game id, player id)

    def _new_pin(self) -> str:
        while True:
            pin = f"{secrets.randbelow(900_000) + 100_000}"
            if pin not in self._by_pin:
                return pin

    async def create_game(self, bank: Bank, settings: GameSettings, owner: str) -> GameActor:
        questions = [(q, bank.time_for(q)) for q in bank.questions]
        game = QuizGame(questions, settings, seed=secrets.randbits(32))
        info = GameInfo(
            game_id=secrets.token_urlsafe(9),
            pin=self._new_pin(),
            bank=bank,
            owner=owner,
            host_token=secrets.token_urlsafe(24),
            created_at=time.time(),
        )
        await self.archive.record_game(
            GameRecord(
                game_id=info.game_id,
                pin=info.pin,
                bank_id=bank.id,
                mode="quiz",
                settings=settings.model_dump(),
                trainer=owner,
                created_at=info.created_at,
                question_ids=[q.id for q in bank.questions],
            )
        )
        actor = GameActor(info, game, self.archive, on_ended=self._forget_pin)
        self.games[info.game_id] = actor
        self._by_pin[info.pin] = actor
        self._ended_pins.pop(info.pin, None)
        return actor

    def _forget_pin(self, actor: GameActor) -> None:
        if self._by_pin.get(actor.info.pin) is actor:
            del self._by_pin[actor.info.pin]
        self._ended_pins[actor.info.pin] = actor.info.game_id
        while len(self._ended_pins) > ENDED_PIN_MEMORY:
            self._ended_pins.pop(next(iter(self._ended_pins)))
        # Ended games stay resumable for a while, then their memory is given back.
        loop = asyncio.get_running_loop()
        loop.call_later(self.keep_ended_seconds, lambda: loop.create_task(self._drop(actor)))

    async def _drop(self, actor: GameActor) -> None:
        if self.games.get(actor.info.game_id) is not actor:
            return
        del self.games[actor.info.game_id]
        for session in actor.sessions.values():
            self._tokens.pop(session.token, None)
        await actor.wait_idle()
        await actor.stop()

    def by_pin(self, pin: str) -> GameActor | None:
        return self._by_pin.get(pin)

    def pin_has_ended(self, pin: str) -> bool:
        return pin in self._ended_pins

    def new_session(self, actor: GameActor, player_id: str) -> PlayerSession:
        token = secrets.token_urlsafe(24)
        session = PlayerSession(player_id=player_id, token=token)
        actor.sessions[player_id] = session
        self._tokens[token] = (actor.info.game_id, player_id)
        return session

    def session_for_token(self, token: str) -> tuple[GameActor, PlayerSession] | None:
        found = self._tokens.get(token)
        if found is None:
            return None
        actor = self.games.get(found[0])
        if actor is None:
            return None
        session = actor.sessions.get(found[1])
        if session is None or session.token != token:
            return None
        return actor, session

    def why_token_fails(self, token: str) -> tuple[str, str]:
        """The error code and message for a token `session_for_token` refused."""
        found = self._tokens.get(token)
        if found is None:
            return "unknown_token", "this resume token is not known; join again with the PIN"
        actor = self.games.get(found[0])
        if actor is not None and found[1] in actor.game.kicked:
            return "kicked", "you were removed from this game by the host"
        return "unknown_token", "this resume token is no longer valid; join again with the PIN"

    def live_games(self) -> list[GameActor]:
        return list(self.games.values())

    async def close(self) -> None:
        for actor in self.games.values():
            await actor.wait_idle()
            await actor.stop()
