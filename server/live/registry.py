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
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from quizkiosk.archive.records import Archive, GameRecord, SavedGame, SessionFilter
from quizkiosk.banks.drawn import DrawnQuestionMissing, drawn_bank, recorded_picks
from quizkiosk.banks.loader import BankCatalog
from quizkiosk.banks.model import Bank
from quizkiosk.engine.commands import HostAction, from_record
from quizkiosk.engine.game import CommandRefused, Game
from quizkiosk.engine.modes import build_game, played_ids, settings_for
from quizkiosk.engine.views import texts
from quizkiosk.live.actor import GameActor, GameInfo
from quizkiosk.live.clock import Clock
from quizkiosk.live.edge import GameHandle, LiveGame, RemoteGameView

if TYPE_CHECKING:
    from quizkiosk.live.cluster import Cluster

log = logging.getLogger(__name__)
ENDED_PIN_MEMORY = 500  # how many ended PINs we still recognise as "ended"
ENDED_GAME_KEEP_SECONDS = 3600  # players may still resume to the final screen this long
ABANDONED_AFTER_SECONDS = 12 * 3600  # a game idle this long when the server starts is ended
RUNNING_LISTED = 500  # scaled out: how far back the session list is read for running games


def _utf8(text: str) -> bytes:
    # surrogatepass: no text a client can send makes this raise.
    return text.encode("utf-8", "surrogatepass")


def token_digest(token: str) -> str:
    return hashlib.sha256(_utf8(token)).hexdigest()


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
        # Scaled out (`--redis`): PINs, tokens and ownership are shared by every worker.
        self.cluster: Cluster | None = None

    # ---- creating and rebuilding games -------------------------------------------------

    def _new_pin(self) -> str:
        while True:
            pin = f"{secrets.randbelow(900_000) + 100_000}"
            if pin not in self._by_pin:
                return pin

    def host_token(self, game_id: str) -> str:
        digest = hmac.new(self._host_key, _utf8(game_id), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode("ascii")

    def is_host_token(self, game_id: str, token: str) -> bool:
        """Whether `token` is the game's host token; any text, of any length, may be
        asked about (compared as bytes: comparing non-ASCII text would raise)."""
        return hmac.compare_digest(self.host_token(game_id).encode("ascii"), _utf8(token))

    async def create_game(
        self,
        bank: Bank,
        settings: BaseModel,
        owner: str,
        mode: str,
        draw: dict[str, object] | None = None,
    ) -> GameActor:
        """A new game; `settings` are the mode's (GameSettings, RaceSettings).

        A refresher is played from its drawn bank (`quizkiosk.banks.drawn`) and records
        its `draw` (the picks and why), from which a restart rebuilds the same bank."""
        seed = secrets.randbits(32)
        game = build_game(mode, bank, settings, seed)
        game_id = secrets.token_urlsafe(9)
        cluster = self.cluster
        record = GameRecord(
            game_id=game_id,
            pin=self._new_pin() if cluster is None else await cluster.claim_pin(game_id),
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
        if cluster is None:
            await self.archive.record_game(record)
            return self._run(record, bank, game, recorded=0)
        lease = await cluster.acquire_new(game_id)
        await self.archive.record_game(record)
        await self.archive.fence(game_id, lease.epoch)
        actor = self._run(record, bank, game, recorded=0, **cluster.actor_options(lease))
        await cluster.own(actor, lease, applied=set())
        return actor

    def _run(
        self, record: GameRecord, bank: Bank, game: Game, recorded: int, **actor_options: Any
    ) -> GameActor:
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
            info,
            game,
            self.archive,
            self.clock,
            recorded=recorded,
            on_ended=self._game_ended,
            **actor_options,
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
        if self.cluster is not None:
            # Scaled out, a game is rebuilt by whichever worker takes its lease.
            await self.cluster.adopt_unfinished()
            return problems
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

    def rebuild_owned(
        self, saved: SavedGame, catalog: BankCatalog, **actor_options: Any
    ) -> GameActor | None:
        """Rebuild a game this worker has just taken over (None: it cannot be)."""
        try:
            return self._rebuild(saved, catalog, **actor_options)
        except _CannotRebuild as error:
            log.error("game %s (PIN %s) not rebuilt: %s", saved.game.game_id, saved.game.pin, error)
            return None

    def forget(self, game_id: str) -> GameActor | None:
        """Drop a game this worker no longer runs (another worker took it over)."""
        actor = self.games.pop(game_id, None)
        if actor is None:
            return None
        if self._by_pin.get(actor.info.pin) is actor:
            del self._by_pin[actor.info.pin]
        for digest in list(actor.game.player_token_hashes().values()):
            self._tokens.pop(digest, None)
        return actor

    def _rebuild(self, saved: SavedGame, catalog: BankCatalog, **actor_options: Any) -> GameActor:
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
        return self._run(record, bank, game, recorded, **actor_options)

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
        if self.cluster is not None:
            self.cluster.spawn(
                self.cluster.ended(actor, self.keep_ended_seconds), f"ended-{actor.info.game_id}"
            )
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
        if self.cluster is not None:
            await self.cluster.dropped(actor.info.game_id)

    # ---- finding games and players ---------------------------------------------------------

    def by_pin(self, pin: str) -> GameActor | None:
        return self._by_pin.get(pin)

    def pin_has_ended(self, pin: str) -> bool:
        return pin in self._ended_pins

    def host_of(self, game_id: str, token: str) -> GameActor | None:
        """The game, if `token` is its host token."""
        actor = self.games.get(game_id)
        if actor is None or not self.is_host_token(game_id, token):
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

    # ---- finding games on any worker (the sockets' way in) ---------------------------------
    # Embedded, these are the lookups above; scaled out, a game another worker runs is
    # found in Redis and handed back as a RemoteGame.

    async def find_by_pin(self, pin: str) -> GameHandle | None:
        local = self.by_pin(pin)
        if local is not None or self.cluster is None:
            return local
        game_id = await self.cluster.pins.game_for(pin)
        if game_id is None:
            return None
        return self.games.get(game_id) or self.cluster.remote(game_id, pin)

    async def pin_ended(self, pin: str) -> bool:
        if self.pin_has_ended(pin) or self.cluster is None:
            return self.pin_has_ended(pin)
        return await self.cluster.pins.has_ended(pin)

    async def find_token(self, token: str) -> tuple[GameHandle, str] | None:
        local = self.player_for_token(token)
        if local is not None or self.cluster is None:
            return local
        found = await self.cluster.tokens.find(token_digest(token))
        if found is None:
            return None
        game_id, player_id = found
        actor = self.games.get(game_id)
        if actor is not None:
            return None if actor.game.was_kicked(player_id) else (actor, player_id)
        pin = await self.cluster.pin_of(game_id)
        if pin is None:
            return None
        return self.cluster.remote(game_id, pin), player_id

    async def find_host(self, game_id: str, token: str) -> GameHandle | None:
        local = self.host_of(game_id, token)
        if local is not None or self.cluster is None:
            return local
        if not self.is_host_token(game_id, token):
            return None
        pin = await self.cluster.pin_of(game_id)
        if pin is None:
            return None
        return self.cluster.remote(game_id, pin)

    async def find_game(self, game_id: str) -> LiveGame | None:
        """A running game for a trainer's page: local, or (scaled out) run by another
        worker, as the archive describes it. None: not running (anywhere)."""
        local = self.games.get(game_id)
        if local is not None or self.cluster is None or self.cluster.catalog is None:
            return local
        pin = await self.cluster.pin_of(game_id)
        results = await self.archive.game_results(game_id) if pin is not None else None
        if pin is None or results is None or results.ended_at is not None:
            return None
        record = results.game
        try:
            bank = self._bank_of(record, self.cluster.catalog)
            total = build_game(
                record.mode, bank, settings_for(record.mode, record.settings), record.seed or 0
            ).summary()["total"]
        except (_CannotRebuild, ValueError, KeyError):
            return None
        info = GameInfo(
            game_id=game_id,
            pin=pin,
            bank_id=bank.id,
            title=texts(bank.title),
            owner=record.trainer,
            host_token=self.host_token(game_id),
            created_at=record.created_at,
            mode=record.mode,
        )
        summary = {"id": game_id, "pin": pin, "title": info.title, "total": total}
        phase = "lobby" if results.started_at is None else "running"
        return RemoteGameView(self.cluster.router, info, summary, phase, len(results.participants))

    async def running_games(self, trainers: tuple[str, ...] | None = None) -> list[LiveGame]:
        """The games running here and (scaled out) on the other workers, of `trainers`
        (None: everyone's). Another worker's game is described from the archive's
        session list (one query), as far as the newest `RUNNING_LISTED` sessions go."""
        local: list[LiveGame] = [
            a for a in self.games.values() if trainers is None or a.info.owner in trainers
        ]
        cluster = self.cluster
        if cluster is None or cluster.catalog is None:
            return local
        live = set(await cluster.leases.live_game_ids()) - set(self.games)
        if not live:
            return local
        page = await self.archive.list_sessions(
            SessionFilter(trainers=trainers, limit=RUNNING_LISTED)
        )
        remote: list[LiveGame] = []
        for session in page.sessions:
            if session.game_id not in live or session.ended_at is not None:
                continue
            bank = cluster.catalog.banks.get(session.bank_id)
            info = GameInfo(
                game_id=session.game_id,
                pin=session.pin,
                bank_id=session.bank_id,
                title=texts(bank.title) if bank is not None else {"uz": session.bank_id},
                owner=session.trainer,
                host_token=self.host_token(session.game_id),
                created_at=session.created_at,
                mode=session.mode,
            )
            phase = "lobby" if session.started_at is None else "running"
            summary: dict[str, object] = {"id": info.game_id, "pin": info.pin, "title": info.title}
            remote.append(
                RemoteGameView(cluster.router, info, summary, phase, session.participants)
            )
        return local + remote

    async def note_token(self, handle: GameHandle, player_id: str, token: str) -> None:
        """A player joined through `handle`: their token finds them again, on any worker."""
        actor = self.games.get(handle.game_id)
        if actor is None:
            return  # joined on another worker: its owner wrote the token to Redis
        self.remember_token(actor, player_id, token)
        if self.cluster is not None:
            await self.cluster.tokens.remember(token_digest(token), handle.game_id, player_id)

    async def close(self, restarting: bool = False) -> None:
        if self.cluster is not None:
            # Take no more forwarded commands (those not answered wait for the next
            # owner), and leave the other workers' sockets open: they resync with it.
            await self.cluster.stop_taking()
            for actor in self.games.values():
                actor.hub.forget_relayed()
        for actor in list(self.games.values()):
            await actor.stop(restarting=restarting)
        if self.cluster is not None:
            await self.cluster.close()


class _CannotRebuild(Exception):
    pass
