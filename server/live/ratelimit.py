"""Rate limits: a token bucket per connection and sliding windows per key.

Keys are client addresses and account names.  Both windows count on the
monotonic clock they are given (or read), so tests can drive them directly.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Sequence
from typing import Protocol


class TokenBucket:
    """Allows `rate` messages per second on average, bursts up to `burst`."""

    __slots__ = ("_tokens", "_updated", "burst", "rate")  # one per socket

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._updated = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class SlidingWindow:
    """Counts events per key over the last `window_seconds`; at most `limit` allowed.

    The number of keys is bounded (oldest forgotten first), so a flood of fresh
    addresses cannot grow memory without end.
    """

    def __init__(self, limit: int, window_seconds: float, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            if len(self._events) >= self.max_keys:
                self._events.pop(next(iter(self._events)))
            events = self._events[key] = deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def count(self, key: str, now: float | None = None) -> int:
        return len(self._recent(key, time.monotonic() if now is None else now))

    def blocked(self, key: str, now: float | None = None) -> bool:
        return self.count(key, now) >= self.limit

    def retry_after(self, key: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        events = self._recent(key, now)
        if len(events) < self.limit:
            return 0
        return max(1, round(events[0] + self.window - now))

    def add(self, key: str, now: float | None = None) -> float:
        """Record one event; returns its time stamp (to `remove` it again)."""
        now = time.monotonic() if now is None else now
        self._recent(key, now).append(now)
        return now

    def remove(self, key: str, stamp: float) -> None:
        """Take back one event recorded by `add` (and only that one)."""
        events = self._events.get(key)
        if events is not None:
            with contextlib.suppress(ValueError):  # already slid out of the window
                events.remove(stamp)


class FailureWindow(SlidingWindow):
    """Failures per address (PIN guessing): every failure counts, nothing resets it."""

    def fail(self, key: str, now: float | None = None) -> None:
        self.add(key, now)


class AttemptGuard:
    """Login and setup-code attempts, limited per address and per account at once.

    An attempt is counted *before* the slow password check, in the same step as
    the "blocked?" test, so parallel requests cannot all slip through. A
    successful attempt takes back only its own count: earlier failures, for this
    or any other account, stay on the record.
    """

    def __init__(self, per_address: int, per_account: int, window_seconds: float) -> None:
        self.addresses = SlidingWindow(per_address, window_seconds)
        self.accounts = SlidingWindow(per_account, window_seconds)

    def begin(self, address: str, account: str, now: float | None = None) -> Attempt | None:
        """Count one attempt, or return None (and count nothing) when either limit is hit."""
        now = time.monotonic() if now is None else now
        account_key = account.casefold()
        if self.addresses.blocked(address, now) or (
            account_key and self.accounts.blocked(account_key, now)
        ):
            return None
        keys: list[tuple[SlidingWindow, str]] = [(self.addresses, address)]
        if account_key:
            keys.append((self.accounts, account_key))
        return Attempt([(window, key, window.add(key, now)) for window, key in keys])

    def retry_after(self, address: str, account: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        waits = [self.addresses.retry_after(address, now)]
        if account:
            waits.append(self.accounts.retry_after(account.casefold(), now))
        return max(1, *waits)


class Attempt:
    """One counted attempt; `succeeded()` takes it back."""

    def __init__(self, stamps: Sequence[tuple[SlidingWindow, str, float]]) -> None:
        self._stamps = list(stamps)

    def succeeded(self) -> None:
        for window, key, stamp in self._stamps:
            window.remove(key, stamp)
        self._stamps = []


class FailureCounter(Protocol):
    """Wrong guesses per key: this process's `FailureWindow`, or one shared by every
    worker in Redis (`quizkiosk.scale.limits.SharedFailures`)."""

    async def blocked(self, key: str) -> bool: ...

    async def retry_after(self, key: str) -> int: ...

    async def fail(self, key: str) -> None: ...


class LocalFailures:
    """A `FailureWindow` behind the awaitable interface the shared one has."""

    def __init__(self, window: FailureWindow) -> None:
        self.window = window

    async def blocked(self, key: str) -> bool:
        return self.window.blocked(key)

    async def retry_after(self, key: str) -> int:
        return self.window.retry_after(key)

    async def fail(self, key: str) -> None:
        self.window.fail(key)


class CountedAttempt(Protocol):
    """One counted login (or setup-code) attempt; `succeeded` takes it back."""

    async def succeeded(self) -> None: ...


class LoginGuard(Protocol):
    """Login and setup-code attempts: this process's `AttemptGuard`, or one shared by
    every worker in Redis (`quizkiosk.scale.limits.SharedAttemptGuard`)."""

    async def begin(self, address: str, account: str) -> CountedAttempt | None: ...

    async def retry_after(self, address: str, account: str) -> int: ...


class _LocalAttempt:
    def __init__(self, attempt: Attempt) -> None:
        self.attempt = attempt

    async def succeeded(self) -> None:
        self.attempt.succeeded()


class LocalLoginGuard:
    """An `AttemptGuard` behind the awaitable interface the shared one has."""

    def __init__(self, guard: AttemptGuard) -> None:
        self.guard = guard

    async def begin(self, address: str, account: str) -> CountedAttempt | None:
        attempt = self.guard.begin(address, account)
        return None if attempt is None else _LocalAttempt(attempt)

    async def retry_after(self, address: str, account: str) -> int:
        return self.guard.retry_after(address, account)
