"""Game leases with fencing epochs: exactly one worker owns a game at a time.

A worker owns a game while it holds the game's lease key, set with `SET key token NX
PX ttl` and renewed or released only by the holder of the token (atomic Lua: compare,
then extend or delete). Every acquisition also increments the game's epoch — the
fencing token — and returns it: the owner writes it with every recorded input, and
the archive refuses inputs of an epoch older than the newest it has seen, so an owner
that paused past its lease (a stop-the-world pause, SIGSTOP, a frozen VM) cannot write
after another worker took over, even before it notices.

The epoch must never go back, even if Redis lost its data: `acquire` takes the
newest epoch the archive knows (`after_epoch`) and never returns one below it.

Takeover bound: a lease not renewed expires `ttl` after its last renewal; contenders
try every `check_interval`; so another worker owns the game at most
`ttl + check_interval` after the owner stopped (plus the time to rebuild the game).
With the defaults (5 s, 1 s): 6 seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from quizkiosk.scale.redis_link import Keys, RedisUnavailable, unavailable_as_error
from redis.asyncio import Redis

log = logging.getLogger(__name__)
LEASE_TTL_SECONDS = 5.0
CHECK_INTERVAL_SECONDS = 1.0
# The owner counts its lease as gone this long before Redis would expire it, for the
# difference between its clock's rate and Redis's.
SAFETY_FRACTION = 0.1

_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local epoch = redis.call('INCR', KEYS[2])
  local floor = tonumber(ARGV[3])
  if epoch <= floor then
    epoch = floor + 1
    redis.call('SET', KEYS[2], epoch)
  end
  return epoch
end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclass(frozen=True, slots=True)
class Lease:
    """One acquisition of a game's lease: the token proves it, the epoch fences writes."""

    game_id: str
    token: str
    epoch: int
    ttl_seconds: float
    requested_at: float  # monotonic time the acquisition was sent (the lease ran from then)


class GameLeases:
    def __init__(
        self,
        redis: Redis,
        keys: Keys | None = None,
        *,
        ttl_seconds: float = LEASE_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError("the lease time must be positive")
        self.redis = redis
        self.keys = keys or Keys()
        self.ttl_seconds = ttl_seconds
        self._monotonic = monotonic
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    @property
    def _ttl_ms(self) -> int:
        return max(1, round(self.ttl_seconds * 1000))

    async def acquire(self, game_id: str, *, after_epoch: int = 0) -> Lease | None:
        """The lease if nobody holds it (with an epoch above every earlier one and above
        `after_epoch`), else None."""
        token = secrets.token_urlsafe(18)
        keys = [self.keys.lease(game_id), self.keys.epoch(game_id)]
        requested_at = self._monotonic()
        with unavailable_as_error():
            epoch = int(await self._acquire(keys=keys, args=[token, self._ttl_ms, after_epoch]))
        if epoch == 0:
            return None
        return Lease(game_id, token, epoch, self.ttl_seconds, requested_at)

    async def renew(self, lease: Lease) -> bool:
        """Extend the lease by its ttl from now; False if it is no longer this holder's."""
        with unavailable_as_error():
            result = await self._renew(
                keys=[self.keys.lease(lease.game_id)], args=[lease.token, self._ttl_ms]
            )
        return int(result) == 1

    async def release(self, lease: Lease) -> bool:
        """Give the lease up (the game ended, or this worker is stopping); False if it
        was no longer this holder's — then nothing is deleted."""
        with unavailable_as_error():
            result = await self._release(keys=[self.keys.lease(lease.game_id)], args=[lease.token])
        return int(result) == 1

    async def current_epoch(self, game_id: str) -> int:
        with unavailable_as_error():
            value = await self.redis.get(self.keys.epoch(game_id))
        return int(value) if value is not None else 0

    async def is_held(self, game_id: str) -> bool:
        with unavailable_as_error():
            return bool(await self.redis.exists(self.keys.lease(game_id)))

    async def wait_for_lease(
        self,
        game_id: str,
        *,
        after_epoch: int = 0,
        check_interval: float = CHECK_INTERVAL_SECONDS,
    ) -> Lease:
        """Try every `check_interval` until the lease is free and ours (a takeover).
        Redis being down only delays it; cancel the task to give up."""
        while True:
            try:
                lease = await self.acquire(game_id, after_epoch=after_epoch)
            except RedisUnavailable as error:
                log.warning("cannot contend for game %s: %s", game_id, error)
                lease = None
            if lease is not None:
                return lease
            await asyncio.sleep(check_interval)

    # ---- which games should have an owner --------------------------------------------

    async def register(self, game_id: str) -> None:
        """Note a live game, so that workers take it over if its owner disappears."""
        with unavailable_as_error():
            await self.redis.sadd(self.keys.live_games(), game_id)

    async def unregister(self, game_id: str) -> None:
        """The game has ended for good: nobody needs to take it over."""
        with unavailable_as_error():
            await self.redis.srem(self.keys.live_games(), game_id)

    async def live_game_ids(self) -> list[str]:
        """Every game registered as live (owned or not)."""
        with unavailable_as_error():
            members = await self.redis.smembers(self.keys.live_games())
        return sorted(str(member) for member in members)

    async def orphans(self) -> list[str]:
        """Live games whose lease nobody holds (their owner died or paused past it)."""
        with unavailable_as_error():
            members = await self.redis.smembers(self.keys.live_games())
            game_ids = sorted(str(member) for member in members)
            async with self.redis.pipeline(transaction=False) as pipe:
                for game_id in game_ids:
                    pipe.exists(self.keys.lease(game_id))
                held = await pipe.execute()
        return [game_id for game_id, found in zip(game_ids, held, strict=True) if not found]


class LeaseKeeper:
    """Renews a lease every `interval` (default: a third of its ttl) until stopped, and
    reports its loss at once: when Redis says another holds it or it expired, or when
    renewals failed for so long that it may have expired (`holds()` turns False at
    that moment, before Redis could give the game to another worker).
    """

    def __init__(
        self,
        leases: GameLeases,
        lease: Lease,
        *,
        on_lost: Callable[[Lease, str], None] | None = None,
        interval: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.leases = leases
        self.lease = lease
        self.interval = interval if interval is not None else lease.ttl_seconds / 3
        self.lost = asyncio.Event()
        self.lost_reason: str | None = None
        self._on_lost = on_lost
        self._monotonic = monotonic
        self._margin = lease.ttl_seconds * SAFETY_FRACTION
        self._sure_until = lease.requested_at + lease.ttl_seconds - self._margin
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"lease-{self.lease.game_id}")

    def holds(self) -> bool:
        """Whether the lease is surely still ours right now (check before acting)."""
        return not self.lost.is_set() and self._monotonic() < self._sure_until

    async def stop(self, *, release: bool = True) -> None:
        """Stop renewing; `release` gives the lease up at once (else it expires)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if release and not self.lost.is_set():
            with contextlib.suppress(RedisUnavailable):
                await self.leases.release(self.lease)
            self._lose("released", report=False)

    async def _run(self) -> None:
        while True:
            left = self._sure_until - self._monotonic()
            await asyncio.sleep(max(0.0, min(self.interval, left)))
            sent = self._monotonic()
            if sent >= self._sure_until:
                self._lose("not renewed in time")
                return
            try:
                renewed = await asyncio.wait_for(
                    self.leases.renew(self.lease), timeout=self._sure_until - sent
                )
            except (RedisUnavailable, TimeoutError) as error:
                log.warning("lease of game %s not renewed: %s", self.lease.game_id, error)
                continue
            if not renewed:
                self._lose("taken over or expired")
                return
            self._sure_until = sent + self.lease.ttl_seconds - self._margin

    def _lose(self, reason: str, *, report: bool = True) -> None:
        if self.lost.is_set():
            return
        self.lost_reason = reason
        self.lost.set()
        if report:
            log.warning("lost the lease of game %s: %s", self.lease.game_id, reason)
            if self._on_lost is not None:
                self._on_lost(self.lease, reason)
