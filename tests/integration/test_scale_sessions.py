"""Trainer sessions shared by workers, against a real redis-server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from quizkiosk.scale.redis_link import open_redis
from quizkiosk.scale.sessions import SharedSessions, session_digest

from tests.redis_server import RedisServer, running_redis


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path) as server:
        yield server


def test_a_session_made_on_one_worker_works_on_another_until_logout(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        a_client, b_client = open_redis(redis_server.url), open_redis(redis_server.url)
        a, b = SharedSessions(a_client), SharedSessions(b_client)
        session_id = await a.create("nurse")
        other = await a.create("doctor")
        assert await b.username_for(session_id) == "nurse"
        await b.delete(session_id)
        assert await a.username_for(session_id) is None
        assert await a.username_for(other) == "doctor"
        await b.delete(session_id)  # twice is harmless
        assert await a.username_for("not-a-session") is None
        assert await a.username_for("") is None
        await a_client.aclose()
        await b_client.aclose()

    asyncio.run(scenario())


def test_only_digests_are_stored_and_sessions_expire_by_themselves(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        sessions = SharedSessions(client, ttl_seconds=3600)
        session_id = await sessions.create("nurse")
        stored = await client.keys("*")
        assert all(session_id not in key for key in stored)
        key = f"qk:session:{session_digest(session_id)}"
        assert key in stored
        assert 0 < await client.pttl(key) <= 3_600_000
        short = SharedSessions(client, ttl_seconds=0.05)
        brief = await short.create("nurse")
        while await short.username_for(brief) is not None:
            await asyncio.sleep(0.01)
        assert await sessions.username_for(session_id) == "nurse"
        await client.aclose()

    asyncio.run(scenario())


def test_every_session_of_one_trainer_can_be_revoked(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        sessions = SharedSessions(client)
        nurse = [await sessions.create("nurse") for _ in range(3)]
        doctor = await sessions.create("doctor")
        await sessions.delete(nurse[0])
        assert await sessions.delete_all_for("nurse") == 2
        assert [await sessions.username_for(s) for s in nurse] == [None, None, None]
        assert await sessions.username_for(doctor) == "doctor"
        assert await sessions.delete_all_for("nobody") == 0
        await client.aclose()

    asyncio.run(scenario())


def test_bad_session_settings_are_refused(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        with pytest.raises(ValueError, match="a session lifetime must be positive"):
            SharedSessions(client, ttl_seconds=0)
        with pytest.raises(ValueError, match="the username is empty"):
            await SharedSessions(client).create("")
        assert await client.dbsize() == 0
        await client.aclose()

    asyncio.run(scenario())
