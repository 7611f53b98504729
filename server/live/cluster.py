"""One worker of the scaled-out shape: what it owns, what it forwards, what it takes over.

Built by `open_cluster` when the server is given `--redis` (docs/scaling.md). The
registry asks it to own a new game (PIN claimed across workers, lease and epoch,
the archive fenced at that epoch, the lease kept), and looks games up through it
when they are not local (PIN directory, resume tokens, the lease). The owner loop
reads the commands other workers forward for the games this worker owns and hands
them to their actors; each is answered once its input is durable. The sweeper
takes over games whose owner is gone: it rebuilds them from their recorded inputs,
applies the commands that waited for a new owner (each at its arrival time) and only
then starts their clocks.

Losing a game — the lease not renewed in time, another owner's epoch in the
archive, a script refused for want of the lease — stops its actor without sending
anything it held, and closes its sockets with 4012: they resume on the new owner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from quizkiosk.archive.records import Fenced
from quizkiosk.banks.loader import BankCatalog
from quizkiosk.engine.commands import JoinGame
from quizkiosk.engine.game import CommandRefused
from quizkiosk.live.actor import GameActor, GameStopped
from quizkiosk.live.connection import CLOSE_RESTARTING
from quizkiosk.live.edge import EdgeRouter, RemoteGame
from quizkiosk.live.relayed import GamePublisher, RelayedConnection, host_audience
from quizkiosk.protocol import OnePlayer
from quizkiosk.scale.forwarding import CommandForwarder, Forwarded, Json
from quizkiosk.scale.inbox import NotOwner, OwnerInbox
from quizkiosk.scale.lease import CHECK_INTERVAL_SECONDS, GameLeases, Lease, LeaseKeeper
from quizkiosk.scale.limits import SharedAttemptGuard, SharedFailures
from quizkiosk.scale.pins import ENDED_PIN_MEMORY, PinDirectory
from quizkiosk.scale.redis_link import Keys, RedisUnavailable, open_redis, unavailable_as_error
from quizkiosk.scale.relay import OutputRelay, RelayListener
from quizkiosk.scale.resume_tokens import ResumeTokens
from redis.asyncio import Redis

if TYPE_CHECKING:
    from quizkiosk.live.registry import GameRegistry

log = logging.getLogger(__name__)
LOST_REASON = "this game moved to another server; reconnect"


def new_worker_id() -> str:
    """Unique per process: host, process id and a random part (a restarted process
    with the same pid is still another worker)."""
    host = socket.gethostname().replace(" ", "-") or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass(slots=True)
class _Owned:
    """What this worker keeps for a game it owns."""

    lease: Lease
    keeper: LeaseKeeper
    publisher: GamePublisher
    remote: dict[str, RelayedConnection] = field(default_factory=dict)  # link id -> stand-in


class Cluster:
    def __init__(self, redis: Redis, worker_id: str, keys: Keys | None = None) -> None:
        self.redis = redis
        self.worker_id = worker_id
        self.keys = keys or Keys()
        self.leases = GameLeases(redis, self.keys)
        self.pins = PinDirectory(redis, self.keys)
        self.tokens = ResumeTokens(redis, self.keys)
        self.forwarder = CommandForwarder(redis, worker_id, self.keys)
        self.inbox = OwnerInbox(redis, worker_id, self.keys)
        self.relay = OutputRelay(redis, self.keys)
        self.router = EdgeRouter(worker_id, self.forwarder)
        self.router.listener = RelayListener(
            redis, self.router.deliver, self.router.resync, self.keys
        )
        self.registry: GameRegistry | None = None
        self.catalog: BankCatalog | None = None
        self._owned: dict[str, _Owned] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._taking_over: set[str] = set()

    # ---- life ----------------------------------------------------------------------

    def start(self, registry: GameRegistry, catalog: BankCatalog) -> None:
        self.registry, self.catalog = registry, catalog
        self.forwarder.start()
        assert self.router.listener is not None
        self.router.listener.start()
        self._loops = [
            asyncio.create_task(self._owner_loop(), name="owner-inbox"),
            asyncio.create_task(self._sweeper(), name="takeover-sweeper"),
        ]

    async def stop_taking(self) -> None:
        """Stop reading forwarded commands and taking games over (the worker stops).
        Commands read but not answered stay pending for the next owner, which finds
        those already recorded by their request ids."""
        for task in [*self._loops, *self._tasks]:
            task.cancel()
        for task in [*self._loops, *self._tasks]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._loops = []

    async def close(self) -> None:
        await self.stop_taking()
        for owned in list(self._owned.values()):
            await owned.publisher.flushed()
            await owned.publisher.stop()
            await owned.keeper.stop(release=True)  # another worker takes over at once
        self._owned.clear()
        await self.forwarder.stop()
        assert self.router.listener is not None
        await self.router.listener.stop()
        await self.redis.aclose()

    def spawn(self, work: Awaitable[None], name: str) -> None:
        async def run() -> None:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s failed", name)

        task = asyncio.get_running_loop().create_task(run(), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---- owning a game -------------------------------------------------------------

    async def claim_pin(self, game_id: str) -> str:
        pin = await self.pins.claim_new(game_id)
        with unavailable_as_error():
            await self.redis.set(self.keys.game(game_id, "pin"), pin)
        return pin

    async def acquire_new(self, game_id: str) -> Lease:
        lease = await self.leases.acquire(game_id)
        if lease is None:  # a fresh random id: nobody can hold it
            raise RuntimeError(f"the lease of new game {game_id} is taken")
        return lease

    def actor_options(self, lease: Lease) -> dict[str, object]:
        return {"epoch": lease.epoch, "on_fenced": self._fenced}

    async def own(self, actor: GameActor, lease: Lease, applied: set[str]) -> list[Forwarded]:
        """Start running `actor`'s game here: keep the lease, publish its frames, read
        its commands. Returns the forwarded commands not applied yet, oldest first."""
        game_id = actor.info.game_id
        keeper = LeaseKeeper(self.leases, lease, on_lost=lambda _, why: self._lost(game_id))
        publisher = GamePublisher(self.relay, game_id, lease.token, self._lost)
        self._owned[game_id] = _Owned(lease, keeper, publisher)
        actor.hub.tap = publisher.put
        keeper.start()
        await self.leases.register(game_id)
        await self.tokens_of(actor)
        return await self.inbox.own(game_id, lease.token, applied=applied)

    async def tokens_of(self, actor: GameActor) -> None:
        for player_id, digest in actor.game.player_token_hashes().items():
            await self.tokens.remember(digest, actor.info.game_id, player_id)

    def owns(self, game_id: str) -> bool:
        return game_id in self._owned

    def _fenced(self, actor: GameActor) -> None:
        self._lost(actor.info.game_id)

    def _lost(self, game_id: str) -> None:
        owned = self._owned.pop(game_id, None)
        if owned is None:
            return
        self.inbox.disown(game_id)
        self.spawn(self._stop_lost(game_id, owned), f"lose-{game_id}")

    async def _stop_lost(self, game_id: str, owned: _Owned) -> None:
        await owned.publisher.stop()
        await owned.keeper.stop(release=False)
        # If Redis lost its data (not another owner), the game is in no live set any
        # more: note it again, so that a sweeper gives it an owner (idempotent).
        with contextlib.suppress(RedisUnavailable):
            await self.leases.register(game_id)
        assert self.registry is not None
        actor = self.registry.forget(game_id)
        if actor is not None:
            log.warning("game %s now runs on another worker; its sockets here reconnect", game_id)
            await actor.abandon(CLOSE_RESTARTING, LOST_REASON)

    async def ended(self, actor: GameActor, keep_seconds: float) -> None:
        """The game ended: its PIN is free (and remembered as ended), its resume tokens
        expire once players can no longer look at the final screen."""
        game_id = actor.info.game_id
        await self.pins.release(actor.info.pin, game_id)
        await self.tokens.expire(actor.game.player_token_hashes().values(), keep_seconds)
        await self.leases.unregister(game_id)

    async def dropped(self, game_id: str) -> None:
        """The ended game's memory is given back: the lease too."""
        owned = self._owned.pop(game_id, None)
        self.inbox.disown(game_id)
        if owned is not None:
            await owned.publisher.flushed()
            await owned.publisher.stop()
            await owned.keeper.stop(release=True)

    # ---- limits shared by every worker ---------------------------------------------

    def join_failures(self, per_window: int, window_seconds: float) -> SharedFailures:
        return SharedFailures(self.redis, "pin", per_window, window_seconds, self.keys)

    def login_attempts(
        self, per_address: int, per_account: int, window_seconds: float
    ) -> SharedAttemptGuard:
        return SharedAttemptGuard(self.redis, per_address, per_account, window_seconds, self.keys)

    # ---- finding games elsewhere ---------------------------------------------------

    def remote(self, game_id: str, pin: str) -> RemoteGame:
        return RemoteGame(self.router, game_id, pin)

    async def pin_of(self, game_id: str) -> str | None:
        with unavailable_as_error():
            found = await self.redis.get(self.keys.game(game_id, "pin"))
        return str(found) if found is not None else None

    # ---- the owner loop: forwarded commands ------------------------------------------

    async def _owner_loop(self) -> None:
        failures = 0
        while True:
            if not self.inbox.games:
                await asyncio.sleep(0.05)
                continue
            try:
                requests = await self.inbox.read()
                failures = 0
            except RedisUnavailable as error:
                failures += 1
                log.warning("cannot read forwarded commands: %s", error)
                await asyncio.sleep(min(2.0, 0.1 * failures))
                continue
            for request in requests:
                self.apply(request)

    def apply(self, request: Forwarded) -> None:
        """Hand `request` to its game's actor (in arrival order) and answer it."""
        self.spawn(self._apply(request), f"apply-{request.op}")

    async def _apply(self, request: Forwarded) -> None:
        assert self.registry is not None
        actor = self.registry.games.get(request.game_id)
        owned = self._owned.get(request.game_id)
        if actor is None or owned is None or actor.abandoned:
            return  # not ours (any more): the entry stays for the owner
        error: Json | None = None
        try:
            await self._run_op(actor, owned, request)
        except CommandRefused as refused:
            error = {"code": refused.code, "message": refused.message, **refused.extra}
        except GameStopped:
            if not actor.game.ended:
                return  # stopping or moved, not over: the next owner answers it
            error = {"code": "game_ended", "message": "this game has ended"}
        except Fenced:
            return  # the new owner answers it
        # The frames the command caused are queued before its reply: an edge hears
        # "accepted" no earlier than the relay can bring the ack.
        await owned.publisher.flushed()
        try:
            await self.inbox.done(request, error)
        except NotOwner:
            self._lost(request.game_id)
        except RedisUnavailable as error_:
            log.warning("game %s: reply not sent (%s); the edge resends", request.game_id, error_)

    async def _run_op(self, actor: GameActor, owned: _Owned, request: Forwarded) -> None:
        args, op = request.args, request.op
        if op == "act":
            assert request.command is not None
            await actor.act_durably(request.command, request.at, request.request_id)
        elif op == "join":
            command = request.command
            if not isinstance(command, JoinGame):
                raise CommandRefused("bad_request", "a join carries a JoinGame command")
            conn = self._stand_in(owned, OnePlayer(command.player_id), str(args.get("link")))
            seq = await actor.join(
                command, command.player_id, str(args.get("token")), conn, request.request_id
            )
            await actor.until_durable(seq)
            digest = command.token_hash
            await self.tokens.remember(digest, actor.info.game_id, command.player_id)
        elif op == "resume":
            await self._resume(actor, owned, str(args.get("player_id")), args)
        elif op == "detach":
            found = owned.remote.pop(str(args.get("link")), None)
            if found is not None:
                await actor.detach(str(args.get("player_id")), found)
        elif op == "attach_host":
            link = str(args.get("link"))
            conn = self._stand_in(owned, host_audience(link), link)
            await actor.attach_host(conn, str(args.get("join_url")))
        elif op == "detach_host":
            found = owned.remote.pop(str(args.get("link")), None)
            if found is not None:
                await actor.detach_host(found)
        elif op == "resync":
            await self._resync(actor, owned, args)

    async def _resume(self, actor: GameActor, owned: _Owned, player_id: str, args: Json) -> None:
        if actor.game.player_name(player_id) is None:
            raise CommandRefused("unknown_token", "this resume token is no longer valid")
        if actor.game.was_kicked(player_id):
            raise CommandRefused("kicked", "you were removed from this game by the host")
        conn = self._stand_in(owned, OnePlayer(player_id), str(args.get("link")))
        await actor.resume(player_id, str(args.get("token")), conn)

    async def _resync(self, actor: GameActor, owned: _Owned, args: Json) -> None:
        players = args.get("players")
        hosts = args.get("hosts")
        if isinstance(players, dict):
            for player_id, (token, link) in players.items():
                with contextlib.suppress(CommandRefused):
                    await self._resume(actor, owned, str(player_id), {"token": token, "link": link})
        if isinstance(hosts, dict):
            for link, join_url in hosts.items():
                conn = self._stand_in(owned, host_audience(str(link)), str(link))
                await actor.attach_host(conn, str(join_url))

    def _stand_in(self, owned: _Owned, audience: OnePlayer, link: str) -> RelayedConnection:
        conn = owned.remote.get(link)
        if conn is None or conn.closed:
            conn = RelayedConnection(owned.publisher.put, audience, link)
            owned.remote[link] = conn
        return conn

    # ---- taking over ---------------------------------------------------------------

    async def _sweeper(self) -> None:
        while True:
            await asyncio.sleep(CHECK_INTERVAL_SECONDS)
            try:
                orphans = await self.leases.orphans()
            except RedisUnavailable as error:
                log.warning("cannot look for orphaned games: %s", error)
                continue
            await self._seed_ended_pins_if_lost()
            for game_id in orphans:
                if game_id not in self._owned and game_id not in self._taking_over:
                    self._taking_over.add(game_id)
                    try:
                        await self.take_over(game_id)
                    except Exception:
                        log.exception("taking over game %s failed", game_id)
                    finally:
                        self._taking_over.discard(game_id)

    async def take_over(self, game_id: str) -> bool:
        """Own `game_id` if nobody does: fence the archive, rebuild, apply what waited."""
        assert self.registry is not None and self.catalog is not None
        archive = self.registry.archive
        lease = await self.leases.acquire(game_id, after_epoch=await archive.game_epoch(game_id))
        if lease is None:
            return False  # another worker was quicker
        # From here on the ex-owner's writes are refused; then read every input it made.
        if await archive.fence(game_id, lease.epoch) != lease.epoch:
            await self.leases.release(lease)
            return False
        saved = next(iter(await archive.unfinished_games(game_id)), None)
        if saved is None:  # it ended meanwhile: nothing to run
            await self.leases.unregister(game_id)
            await self.leases.release(lease)
            return False
        actor = self.registry.rebuild_owned(
            saved, self.catalog, timers=False, **self.actor_options(lease)
        )
        if actor is None:
            await self.leases.unregister(game_id)
            await self.leases.release(lease)
            return False
        await self.pins.claim(saved.game.pin, game_id)
        with unavailable_as_error():
            await self.redis.set(self.keys.game(game_id, "pin"), saved.game.pin)
        applied = {str(c["request"]) for _, _, c in saved.inputs if "request" in c}
        # Listeners resync: the sockets of other workers attach to this owner.
        self.relay.skip_next(game_id)
        waiting = await self.own(actor, lease, applied)
        for request in waiting:
            self.apply(request)
        actor.start_timers()  # after them, in the actor's order
        # A frame now, so the gap is seen even if the game is quiet.
        publisher = self._owned[game_id].publisher
        publisher.put(OnePlayer("~"), "{}")
        log.warning(
            "took over game %s at epoch %d (%d inputs, %d waiting commands)",
            game_id,
            lease.epoch,
            len(saved.inputs),
            len(waiting),
        )
        return True

    async def _seed_ended_pins_if_lost(self) -> None:
        """A Redis that came back without its data no longer knows which PINs ended
        lately, and a late phone would hear "no such game": seed them again from the
        archive, as at start (one EXISTS a second while nothing is lost)."""
        assert self.registry is not None
        try:
            if await self.pins.seeded():
                return
            await self.pins.remember_ended(
                await self.registry.archive.recently_ended(ENDED_PIN_MEMORY)
            )
        except Exception as error:  # Redis or the archive away again: the next sweep retries
            log.warning("cannot seed the ended PINs again: %s", error)
            return
        log.warning("Redis had lost its data: the recently ended PINs are known again")

    async def adopt_unfinished(self) -> None:
        """At start: every game the archive says is running should have an owner (after
        Redis lost its data, nobody else would know of them)."""
        assert self.registry is not None
        archive = self.registry.archive
        await self.pins.remember_ended(await archive.recently_ended(ENDED_PIN_MEMORY))
        for saved in await archive.unfinished_games():
            await self.leases.register(saved.game.game_id)


def open_cluster(url: str) -> Cluster:
    worker_id = new_worker_id()
    return Cluster(open_redis(url, client_name=f"quizkiosk-{worker_id}"), worker_id)


__all__ = ["Cluster", "new_worker_id", "open_cluster"]
