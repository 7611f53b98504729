"""Opening Redis, naming our keys, and one error for "Redis cannot be reached".

Every block takes an open `redis.asyncio.Redis` made by `open_redis` (strings in,
strings out) and a `Keys` namespace, so several deployments (or tests) can share one
Redis without seeing each other's keys. Keys of one game carry the game id in braces
(a Redis Cluster hash tag), so a script touching several keys of one game stays on
one shard.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import redis.exceptions
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

# Short timeouts: a lease renewal that hangs is worse than one that fails, because
# the owner must stop acting before its lease can have run out.
SOCKET_TIMEOUT_SECONDS = 2.0
CONNECT_TIMEOUT_SECONDS = 2.0
# Connections per process: a burst of answers waits briefly for a free one rather than
# failing or opening hundreds (each Redis connection costs both sides memory).
MAX_CONNECTIONS = 64


class RedisUnavailable(ConnectionError):
    """Redis could not be reached (down, restarting, loading its data, or too slow)."""


def open_redis(url: str, *, client_name: str | None = None) -> Redis:
    """A client for `url` (redis://host:port/db): text replies, short timeouts, a pool
    that waits for a free connection, and one quick retry of a dropped connection (a
    Redis restart costs one failed call, not a hang). `aclose()` closes its pool."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=SOCKET_TIMEOUT_SECONDS,
        decode_responses=True,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=1),
        health_check_interval=10,
        client_name=client_name,
    )
    return Redis.from_pool(pool)


@contextlib.contextmanager
def unavailable_as_error() -> Iterator[None]:
    """Turn the driver's connection-level errors into `RedisUnavailable`."""
    try:
        yield
    except (
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        redis.exceptions.BusyLoadingError,
        OSError,
    ) as error:
        raise RedisUnavailable(str(error) or type(error).__name__) from error


def stream_entries(found: Any) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(stream, entry id, fields) of an XREAD/XREADGROUP reply, in order, in either of
    the shapes the driver gives (a list of pairs, or a mapping by stream)."""
    if not found:
        return
    pairs = found.items() if isinstance(found, dict) else found
    for stream, entries in pairs:
        for entry in entries or []:
            entry_id, data = entry[0], entry[1]
            if data is None:  # deleted while pending: nothing left to apply
                continue
            yield str(stream), str(entry_id), {str(k): str(v) for k, v in data.items()}


@dataclass(frozen=True, slots=True)
class Keys:
    """Every key and channel name the blocks use, under one prefix."""

    prefix: str = "qk"

    def game(self, game_id: str, part: str) -> str:
        return f"{self.prefix}:game:{{{game_id}}}:{part}"

    def lease(self, game_id: str) -> str:
        return self.game(game_id, "lease")

    def epoch(self, game_id: str) -> str:
        return self.game(game_id, "epoch")

    def commands(self, game_id: str) -> str:
        return self.game(game_id, "commands")

    def applied(self, game_id: str, request_id: str) -> str:
        return self.game(game_id, f"applied:{request_id}")

    def output_seq(self, game_id: str) -> str:
        return self.game(game_id, "outseq")

    def output_channel(self, game_id: str) -> str:
        return self.game(game_id, "out")

    def live_games(self) -> str:
        return f"{self.prefix}:live-games"

    def pin(self, pin: str) -> str:
        return f"{self.prefix}:pin:{pin}"

    def ended_pins(self) -> str:
        return f"{self.prefix}:ended-pins"  # hash: pin -> game id

    def ended_order(self) -> str:
        return f"{self.prefix}:ended-pins:order"  # sorted set: pin by when it ended

    def resume_token(self, digest: str) -> str:
        return f"{self.prefix}:resume:{digest}"

    def replies(self, worker_id: str) -> str:
        return f"{self.prefix}:worker:{worker_id}:replies"

    def limit(self, family: str, key: str) -> str:
        return f"{self.prefix}:limit:{family}:{key}"

    def session(self, digest: str) -> str:
        return f"{self.prefix}:session:{digest}"

    def sessions_of(self, username: str) -> str:
        return f"{self.prefix}:sessions-of:{username}"
