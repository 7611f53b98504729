"""Rate limits: a token bucket per connection and a failure window per address."""

from __future__ import annotations

import time
from collections import deque


class TokenBucket:
    """Allows `rate` messages per second on average, bursts up to `burst`."""

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


class FailureWindow:
    """Counts failures per key (an address) in a sliding window: PIN guessing, logins."""

    def __init__(self, limit: int, window_seconds: float, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, key: str) -> bool:
        return len(self._recent(key, time.monotonic())) >= self.limit

    def retry_after(self, key: str) -> int:
        failures = self._recent(key, time.monotonic())
        if not failures:
            return 0
        return max(1, round(failures[0] + self.window - time.monotonic()))

    def fail(self, key: str) -> None:
        if len(self._failures) >= self.max_keys and key not in self._failures:
            self._failures.pop(next(iter(self._failures)))
        self._recent(key, time.monotonic()).append(time.monotonic())

    def reset(self, key: str) -> None:
        self._failures.pop(key, None)
