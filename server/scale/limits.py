"""Rate limits shared by every worker, with the semantics of quizkiosk.live.ratelimit.

- `SharedWindow`: events per key over the last `window_seconds` (a sorted set of
  stamps per key, pruned and counted inside one script); `SharedFailures` counts PIN
  guesses per address and nothing resets it.
- `SharedAttemptGuard`: login and setup-code attempts per address and per account. An
  attempt is counted *before* the slow password check, in the same atomic step as the
  "blocked?" test, so parallel requests on any workers cannot all slip through; a
  success takes back only its own count, never another account's failures.
- `SharedTokenBucket`: `rate` events per second per key, bursts up to `burst`.

Time is Redis's own clock (`TIME`), so workers on hosts whose clocks differ agree;
tests pass `now` to drive it. Keys expire by themselves once their window has passed,
so a flood of fresh addresses cannot grow Redis without end. Keys are hashed: a long
username cannot make a long key.

The per-socket flood guard stays in the worker (a socket lives in one process, and a
Redis call per message would double the cost of an answer for nothing).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from quizkiosk.scale.redis_link import Keys, unavailable_as_error
from redis.asyncio import Redis
from redis.commands.core import AsyncScript

_NOW = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = t[1] + t[2] / 1000000
end
"""
# KEYS: the windows; ARGV: now ('' = Redis's), window seconds, member, limit per key.
_BEGIN = (
    _NOW
    + """
local window = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then return 0 end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
end
return 1
"""
)
# KEYS: the windows; ARGV: now, window seconds. Returns now, then count and oldest per key.
_STATE = (
    _NOW
    + """
local window = tonumber(ARGV[2])
local out = {tostring(now)}
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  out[#out + 1] = redis.call('ZCARD', key)
  out[#out + 1] = oldest[2] or ''
end
return out
"""
)
_BUCKET = (
    _NOW
    + """
local rate, burst = tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or burst
local updated = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return allowed
"""
)


_UNLIMITED = 1 << 52  # `add` records whatever the count


def _key(keys: Keys, family: str, key: str) -> str:
    return keys.limit(family, hashlib.sha256(key.encode("utf-8")).hexdigest()[:32])


def _now_arg(now: float | None) -> str:
    return "" if now is None else repr(now)


@dataclass(frozen=True, slots=True)
class _WindowState:
    now: float
    counts: list[tuple[int, float | None]]  # per key: events in the window, the oldest


class SharedWindow:
    """At most `limit` events per key in the last `window_seconds`, across workers."""

    def __init__(
        self,
        redis: Redis,
        family: str,
        limit: int,
        window_seconds: float,
        keys: Keys | None = None,
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("a rate limit needs a limit of at least 1 and a positive window")
        self.redis = redis
        self.family = family
        self.limit = limit
        self.window = window_seconds
        self.keys = keys or Keys()
        self._begin = redis.register_script(_BEGIN)
        self._state = redis.register_script(_STATE)

    def redis_key(self, key: str) -> str:
        return _key(self.keys, self.family, key)

    async def add(self, key: str, now: float | None = None) -> str:
        """Record one event, whatever the count; returns its id (to `remove` it)."""
        member = secrets.token_hex(8)
        await _begin(self._begin, [self.redis_key(key)], [_UNLIMITED], self.window, member, now)
        return member

    async def remove(self, key: str, member: str) -> None:
        """Take back one event recorded by `add` (and only that one)."""
        with unavailable_as_error():
            await self.redis.zrem(self.redis_key(key), member)

    async def count(self, key: str, now: float | None = None) -> int:
        state = await _read(self._state, [self.redis_key(key)], self.window, now)
        return state.counts[0][0]

    async def blocked(self, key: str, now: float | None = None) -> bool:
        return await self.count(key, now) >= self.limit

    async def retry_after(self, key: str, now: float | None = None) -> int:
        state = await _read(self._state, [self.redis_key(key)], self.window, now)
        return _wait(state.now, state.counts[0], self.limit, self.window)


class SharedFailures(SharedWindow):
    """Failures per address (PIN guessing): every failure counts, nothing resets it."""

    async def fail(self, key: str, now: float | None = None) -> None:
        await self.add(key, now)


class SharedAttemptGuard:
    """Login and setup-code attempts, limited per address and per account at once."""

    def __init__(
        self,
        redis: Redis,
        per_address: int,
        per_account: int,
        window_seconds: float,
        keys: Keys | None = None,
    ) -> None:
        self.addresses = SharedWindow(redis, "login-address", per_address, window_seconds, keys)
        self.accounts = SharedWindow(redis, "login-account", per_account, window_seconds, keys)
        self.window = window_seconds
        self._begin = redis.register_script(_BEGIN)
        self._state = redis.register_script(_STATE)

    def _windows(self, address: str, account: str) -> list[tuple[SharedWindow, str]]:
        windows = [(self.addresses, address)]
        account_key = account.casefold()
        if account_key:
            windows.append((self.accounts, account_key))
        return windows

    async def begin(
        self, address: str, account: str, now: float | None = None
    ) -> SharedAttempt | None:
        """Count one attempt, or return None (and count nothing) when either limit is hit."""
        windows = self._windows(address, account)
        member = secrets.token_hex(8)
        counted = await _begin(
            self._begin,
            [window.redis_key(key) for window, key in windows],
            [window.limit for window, _ in windows],
            self.window,
            member,
            now,
        )
        return (
            SharedAttempt([(window, key, member) for window, key in windows]) if counted else None
        )

    async def retry_after(self, address: str, account: str, now: float | None = None) -> int:
        windows = self._windows(address, account)
        keys = [window.redis_key(key) for window, key in windows]
        state = await _read(self._state, keys, self.window, now)
        waits = [
            _wait(state.now, counted, window.limit, self.window)
            for (window, _), counted in zip(windows, state.counts, strict=True)
        ]
        return max(1, *waits)


class SharedAttempt:
    """One counted attempt; `succeeded()` takes it back (its own count only)."""

    def __init__(self, stamps: Sequence[tuple[SharedWindow, str, str]]) -> None:
        self._stamps = list(stamps)

    async def succeeded(self) -> None:
        stamps, self._stamps = self._stamps, []
        for window, key, member in stamps:
            await window.remove(key, member)


class SharedTokenBucket:
    """`rate` events per second on average per key, bursts up to `burst`, across workers."""

    def __init__(
        self, redis: Redis, family: str, rate: float, burst: int, keys: Keys | None = None
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs a positive rate and a burst of at least 1")
        self.family = family
        self.rate = rate
        self.burst = burst
        self.keys = keys or Keys()
        self._script = redis.register_script(_BUCKET)

    async def allow(self, key: str, now: float | None = None) -> bool:
        with unavailable_as_error():
            allowed = await self._script(
                keys=[_key(self.keys, self.family, key)],
                args=[_now_arg(now), self.rate, self.burst],
            )
        return int(allowed) == 1


# ---- the scripts' calls ------------------------------------------------------------------


async def _begin(
    script: AsyncScript,
    keys: list[str],
    limits: list[int],
    window: float,
    member: str,
    now: float | None,
) -> bool:
    with unavailable_as_error():
        result = await script(keys=keys, args=[_now_arg(now), window, member, *limits])
    return int(result) == 1


async def _read(
    script: AsyncScript, keys: list[str], window: float, now: float | None
) -> _WindowState:
    with unavailable_as_error():
        raw = await script(keys=keys, args=[_now_arg(now), window])
    values = list(raw)
    counts = [
        (int(values[i]), float(values[i + 1]) if values[i + 1] != "" else None)
        for i in range(1, len(values), 2)
    ]
    return _WindowState(float(values[0]), counts)


def _wait(now: float, counted: tuple[int, float | None], limit: int, window: float) -> int:
    """Seconds until the oldest event leaves the window, as the in-memory window says."""
    count, oldest = counted
    if count < limit or oldest is None:
        return 0
    return max(1, round(oldest + window - now))
