"""Live games in this process: PINs, host tokens, resume tokens, and recovery.

A game's resume tokens are stored only as SHA-256 digests (in its recorded
`join` inputs), and its host token is derived from the game id with a key kept
in the data directory, so both survive a restart without the secrets being
written anywhere. On start, `recover` rebuilds every game that had not ended
by replaying its recorded inputs through the engine.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable

from pydantic import BaseModel
from quizkiosk.archive.records import Archive, GameRecord, SavedGame
from quizkiosk.banks.drawn import DrawnQuestionMissing, drawn_bank, recorded_picks
from quizkiosk.banks.loader import BankCatalog
from quizkiosk.banks.model import Bank
from quizkiosk.engine.commands import HostAction, from_record
from quizkiosk.engine.game import CommandRefused, Game
from quizkiosk.engine.modes import build_game, played_ids, settings_for
from quizkiosk.engine.views import texts
from quizkiosk.live.actor import GameActor, GameInfo
from quizkiosk.live.clock import Clock

log = logging.getLogger(__name__)
ENDED_PIN_MEMORY = 500  # how many ended PINs we still recognise as "ended"
ENDED_GAME_KEEP_SECONDS = 3600  # players may still resume to the final screen this long
ABANDONED_AFTER_SECONDS = 12 * 3600  # a game idle this long when the server starts is ended


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class GameRegistry:
    def __init__(
        self,
        archive: Archive,
        clock: Clock,
        host_key: bytes,
        keep_ended_seconds: float = ENDED_GAME_KEEP_SECONDS,
    ) -> None:
        self.archive = archive
        self.clock = clock
        self._host_key = host_key
        self.keep_ended_seconds = keep_ended_seconds
        self.games: dict[str, GameActor] = {}
        self._by_pin: dict[str, GameActor] = {}
        self._ended_pins: dict[str, str] = {}
        self._tokens: dict[str, tuple[str, str]] = {}  # token digest -> (game id, player id)
        self._drops: set[asyncio.Task[None]] = set()

    # ---- creating and rebuilding games -------------------------------------------------

    def _new_pin(self) -> str:
        while True:
            pin = f"{secrets.randbelow(900_000) + 100_000}"
            if pin not in self._by_pin:
                return pin

    def host_token(self, game_id: str) -> str:
        digest = hmac.new(self._host_key, game_id.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode("ascii")

    async def create_game(
        self,
        bank: Bank,
        settings: BaseModel,
        owner: str,
        mode: str = "quiz",
        draw: dict[str, object] | None = None,
    ) -> GameActor:
        """A new game; `settings` are the mode's (GameSettings, RaceSettings).

        A refresher is played from its drawn bank (`quizkiosk.banks.drawn`) and records
        its `draw` (the picks and why), from which a restart rebuilds the same bank."""
        seed = secrets.randbits(32)
        game = build_game(mode, bank, settings, seed)
        record = GameRecord(
            game_id=secrets.token_urlsafe(9),
            pin=self._new_pin(),
            bank_id=bank.id,
            mode=mode,
            settings=settings.model_dump(),
            trainer=owner,
            created_at=self.clock.now(),
            question_ids=played_ids(mode, bank, settings),
            seed=seed,
            bank_hash=bank.content_hash(),
            draw=draw,
        )
        await self.archive.record_game(record)
        return self._run(record, bank, game, recorded=0)

    def _run(self, record: GameRecord, bank: Bank, game: Game, recorded: int) -> GameActor:
        info = GameInfo(
            game_id=record.game_id,
            pin=record.pin,
            bank_id=bank.id,
            title=texts(bank.title),
            owner=record.trainer,
            host_token=self.host_token(record.game_id),
            created_at=record.created_at,
            mode=record.mode,
        )
        actor = GameActor(
            info, game, self.archive, self.clock, recorded=recorded, on_ended=self._game_ended
        )
        self.games[info.game_id] = actor
        self._by_pin[info.pin] = actor
        self._ended_pins.pop(info.pin, None)
        for player_id, digest in game.player_token_hashes().items():
            self._tokens[digest] = (info.game_id, player_id)
        if game.ended:
            self._game_ended(actor)
        return actor

    async def recover(self, catalog: BankCatalog) -> list[str]:
        """Rebuild every game that had not ended; returns a line per game not rebuilt."""
        problems: list[str] = []
        # A PIN of a game that ended before the restart still says "ended", not "unknown".
        for pin, game_id in reversed(await self.archive.recently_ended(ENDED_PIN_MEMORY)):
            self._ended_pins[pin] = game_id
        for saved in await self.archive.unfinished_games():
            try:
                actor = self._rebuild(saved, catalog)
            except _CannotRebuild as error:
                problems.append(f"game {saved.game.game_id} (PIN {saved.game.pin}): {error}")
                continue
            last = saved.inputs[-1][1] if saved.inputs else saved.game.created_at
            if not actor.game.ended and self.clock.now() - last > ABANDONED_AFTER_SECONDS:
                # Left running when the laptop was closed last week: end it properly, so
                # its results are complete, rather than keep it forever.
                await actor.act(HostAction("end"))
        return problems

    def _rebuild(self, saved: SavedGame, catalog: BankCatalog) -> GameActor:
        record = saved.game
        bank = self._bank_of(record, catalog)
        if record.seed is None or bank.content_hash() != record.bank_hash:
            raise _CannotRebuild(f"bank {record.bank_id!r} has changed since the game started")
        try:
            settings = settings_for(record.mode, record.settings)
            game = build_game(record.mode, bank, settings, record.seed)
        except (ValueError, KeyError) as error:
            raise _CannotRebuild(f"cannot build the game again: {error}") from error
        for seq, at, command in saved.inputs:
            try:
                game.handle(from_record(command), at)
            except (CommandRefused, ValueError) as error:
                raise _CannotRebuild(f"input {seq} does not replay: {error}") from error
        game.forget_connections()
        recorded = saved.inputs[-1][0] if saved.inputs else 0
        log.info("rebuilt game %s from %d inputs", record.game_id, len(saved.inputs))
        return self._run(record, bank, game, recorded)

    @staticmethod
    def _bank_of(record: GameRecord, catalog: BankCatalog) -> Bank:
        if record.draw is not None:
            try:
                return drawn_bank(catalog.banks, recorded_picks(record.draw))
            except DrawnQuestionMissing as error:
                raise _CannotRebuild(f"its drawn set cannot be rebuilt: {error}") from error
        bank = catalog.banks.get(record.bank_id)
        if bank is None:
            raise _CannotRebuild(f"bank {record.bank_id!r} is no longer loaded")
        return bank

    # ---- ended games ---------------------------------------------------------------------

    def _game_ended(self, actor: GameActor) -> None:
        if self._by_pin.get(actor.info.pin) is actor:
            del self._by_pin[actor.info.pin]
        self._ended_pins[actor.info.pin] = actor.info.game_id
        while len(self._ended_pins) > ENDED_PIN_MEMORY:
            self._ended_pins.pop(next(iter(self._ended_pins)))
        # Ended games stay resumable for a while, then their memory is given back.
        self.clock.call_at(self.clock.now() + self.keep_ended_seconds, self._dropper(actor))

    def _dropper(self, actor: GameActor) -> Callable[[], None]:
        def drop() -> None:
            task = asyncio.get_running_loop().create_task(self._drop(actor))
            self._drops.add(task)
            task.add_done_callback(self._drops.discard)

        return drop

    async def _drop(self, actor: GameActor) -> None:
        if self.games.get(actor.info.game_id) is not actor:
            return
        del self.games[actor.info.game_id]
        for digest in list(actor.game.player_token_hashes().values()):
            self._tokens.pop(digest, None)
        await actor.stop()

    # ---- finding games and players ---------------------------------------------------------

    def by_pin(self, pin: str) -> GameActor | None:
        return self._by_pin.get(pin)

    def pin_has_ended(self, pin: str) -> bool:
        return pin in self._ended_pins

    def host_of(self, game_id: str, token: str) -> GameActor | None:
        """The game, if `token` is its host token."""
        actor = self.games.get(game_id)
        if actor is None or not hmac.compare_digest(self.host_token(game_id), token):
            return None
        return actor

    @staticmethod
    def new_player() -> tuple[str, str]:
        """A fresh player id and resume token."""
        return secrets.token_urlsafe(6), secrets.token_urlsafe(24)

    def remember_token(self, actor: GameActor, player_id: str, token: str) -> None:
        self._tokens[token_digest(token)] = (actor.info.game_id, player_id)

    def player_for_token(self, token: str) -> tuple[GameActor, str] | None:
        found = self._tokens.get(token_digest(token))
        if found is None:
            return None
        actor = self.games.get(found[0])
        if actor is None or actor.game.was_kicked(found[1]):
            return None
        return actor, found[1]

    def why_token_fails(self, token: str) -> tuple[str, str]:
        """The error code and message for a token `player_for_token` refused."""
        found = self._tokens.get(token_digest(token))
        if found is None:
            return "unknown_token", "this resume token is not known; join again with the PIN"
        actor = self.games.get(found[0])
        if actor is not None and actor.game.was_kicked(found[1]):
            return "kicked", "you were removed from this game by the host"
        return "unknown_token", "this resume token is no longer valid; join again with the PIN"

    def live_games(self) -> list[GameActor]:
        return list(self.games.values())

    async def close(self, restarting: bool = False) -> None:
        for actor in list(self.games.values()):
            await actor.stop(restarting=restarting)


class _CannotRebuild(Exception):
    pass
