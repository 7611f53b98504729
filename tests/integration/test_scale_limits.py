"""Shared rate limits against a real redis-server: the same answers as the in-memory
limits of quizkiosk.live.ratelimit (tests/unit/test_ratelimit.py), across workers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from quizkiosk.scale.limits import (
    SharedAttemptGuard,
    SharedFailures,
    SharedTokenBucket,
    SharedWindow,
)
from quizkiosk.scale.redis_link import open_redis

from tests.redis_server import RedisServer, running_redis


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path) as server:
        yield server


def test_a_window_blocks_at_its_limit_and_forgets_old_events(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        window = SharedWindow(client, "test", limit=3, window_seconds=60)
        for at in (0.0, 1.0, 2.0):
            assert not await window.blocked("a", now=at)
            await window.add("a", now=at)
        assert await window.blocked("a", now=3.0)
        assert await window.retry_after("a", now=3.0) == 57
        assert not await window.blocked("b", now=3.0)  # per key
        assert not await window.blocked("a", now=60.5)  # the first event slid out
        # The key expires by itself once its window has passed.
        assert 0 < await client.pttl(window.redis_key("a")) <= 60_000
        await client.aclose()

    asyncio.run(scenario())


def test_pin_failures_count_across_workers_and_nothing_resets_them(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(3)]
        workers = [SharedFailures(c, "join", limit=5, window_seconds=60) for c in clients]
        for n in range(5):
            assert not await workers[n % 3].blocked("10.0.0.1", now=float(n))
            await workers[n % 3].fail("10.0.0.1", now=float(n))
        assert all([await w.blocked("10.0.0.1", now=5.0) for w in workers])
        assert await workers[2].retry_after("10.0.0.1", now=5.0) == 55
        assert not await workers[0].blocked("10.0.0.2", now=5.0)
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_attempts_on_every_worker_are_counted_before_they_are_checked(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(4)]
        guards = [
            SharedAttemptGuard(c, per_address=10, per_account=10, window_seconds=60)
            for c in clients
        ]
        # 40 requests in flight at once on four workers: each counts when it starts.
        started = await asyncio.gather(
            *(guards[n % 4].begin("10.0.0.1", "nurse", now=0.0) for n in range(40))
        )
        assert sum(attempt is not None for attempt in started) == 10
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_a_success_takes_back_only_its_own_attempt(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        a_client, b_client = open_redis(redis_server.url), open_redis(redis_server.url)
        a = SharedAttemptGuard(a_client, per_address=10, per_account=10, window_seconds=60)
        b = SharedAttemptGuard(b_client, per_address=10, per_account=10, window_seconds=60)
        for _ in range(9):
            assert await a.begin("10.0.0.1", "nurse", now=0.0) is not None  # wrong passwords
        right = await b.begin("10.0.0.1", "other", now=1.0)
        assert right is not None
        await right.succeeded()
        await right.succeeded()  # twice takes back nothing more
        # The nine failures stay: one more guess, then the address is blocked.
        assert await b.begin("10.0.0.1", "nurse", now=2.0) is not None
        assert await a.begin("10.0.0.1", "nurse", now=2.0) is None
        assert await b.begin("10.0.0.1", "other", now=2.0) is None
        await a_client.aclose()
        await b_client.aclose()

    asyncio.run(scenario())


def test_an_account_under_attack_is_limited_from_every_address(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        guard = SharedAttemptGuard(client, per_address=10, per_account=5, window_seconds=60)
        for n in range(5):
            assert await guard.begin(f"10.0.0.{n}", "nurse", now=0.0) is not None
        assert await guard.begin("10.0.0.99", "nurse", now=1.0) is None
        assert await guard.retry_after("10.0.0.99", "nurse", now=1.0) == 59
        assert await guard.begin("10.0.0.99", "doctor", now=1.0) is not None
        assert await guard.begin("10.0.0.99", "NURSE", now=1.0) is None  # case-insensitive
        # A refused attempt counted nothing: the address has only its one attempt.
        assert await guard.addresses.count("10.0.0.99", now=1.0) == 1
        # Setup codes have no account: only the address counts.
        assert await guard.begin("10.0.0.99", "", now=1.0) is not None
        await client.aclose()

    asyncio.run(scenario())


def test_a_long_username_makes_a_short_key(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        guard = SharedAttemptGuard(client, per_address=10, per_account=1, window_seconds=60)
        long_name = "x" * 16_000
        assert await guard.begin("10.0.0.1", long_name, now=0.0) is not None
        assert await guard.begin("10.0.0.2", long_name, now=0.0) is None
        assert max(len(key) for key in await client.keys("*")) < 100
        await client.aclose()

    asyncio.run(scenario())


def test_a_token_bucket_allows_its_burst_then_its_rate(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        a_client, b_client = open_redis(redis_server.url), open_redis(redis_server.url)
        a = SharedTokenBucket(a_client, "msgs", rate=2.0, burst=3)
        b = SharedTokenBucket(b_client, "msgs", rate=2.0, burst=3)
        allowed = [await (a if n % 2 else b).allow("10.0.0.1", now=100.0) for n in range(5)]
        assert allowed == [True, True, True, False, False]
        assert await a.allow("10.0.0.2", now=100.0)  # per key
        # Half a second later one token is back, and only one.
        assert await b.allow("10.0.0.1", now=100.5)
        assert not await a.allow("10.0.0.1", now=100.5)
        # Long idle refills to the burst, not beyond.
        assert [await a.allow("10.0.0.1", now=200.0) for _ in range(4)] == [True, True, True, False]
        await a_client.aclose()
        await b_client.aclose()

    asyncio.run(scenario())


def test_limits_without_a_now_use_the_clock_of_redis(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        guard = SharedAttemptGuard(client, per_address=1, per_account=5, window_seconds=60)
        assert await guard.begin("10.0.0.1", "nurse") is not None
        assert await guard.begin("10.0.0.1", "nurse") is None
        assert 1 <= await guard.retry_after("10.0.0.1", "nurse") <= 60
        bucket = SharedTokenBucket(client, "msgs", rate=0.001, burst=1)
        assert [await bucket.allow("k") for _ in range(2)] == [True, False]
        await client.aclose()

    asyncio.run(scenario())


def test_limits_that_cannot_work_are_refused(redis_server: RedisServer) -> None:
    client = open_redis(redis_server.url)
    with pytest.raises(ValueError, match="a limit of at least 1 and a positive window"):
        SharedWindow(client, "x", limit=0, window_seconds=60)
    with pytest.raises(ValueError, match="a limit of at least 1 and a positive window"):
        SharedWindow(client, "x", limit=1, window_seconds=0)
    with pytest.raises(ValueError, match="a positive rate and a burst of at least 1"):
        SharedTokenBucket(client, "x", rate=0, burst=1)
