"""The cross-worker PIN directory and resume tokens against a real redis-server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from quizkiosk.scale.pins import PinDirectory
from quizkiosk.scale.redis_link import open_redis
from quizkiosk.scale.resume_tokens import ResumeTokens

from tests.redis_server import RedisServer, running_redis


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path) as server:
        yield server


def test_a_pin_belongs_to_one_game_across_workers(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        a_client, b_client = open_redis(redis_server.url), open_redis(redis_server.url)
        a, b = PinDirectory(a_client), PinDirectory(b_client)
        claims = await asyncio.gather(a.claim("123456", "game-a"), b.claim("123456", "game-b"))
        assert sorted(claims) == [False, True]
        winner = "game-a" if claims[0] else "game-b"
        assert await a.game_for("123456") == winner
        assert await b.game_for("123456") == winner
        # The same game claiming its PIN again (a takeover) is fine.
        assert await b.claim("123456", winner) is True
        assert await a.game_for("654321") is None
        await a_client.aclose()
        await b_client.aclose()

    asyncio.run(scenario())


def test_new_pins_are_distinct(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        pins = PinDirectory(client)
        claimed = await asyncio.gather(*(pins.claim_new(f"game-{n}") for n in range(200)))
        assert len(set(claimed)) == 200
        assert all(len(pin) == 6 and pin[0] != "0" for pin in claimed)
        for n, pin in enumerate(claimed):
            assert await pins.game_for(pin) == f"game-{n}"
        await client.aclose()

    asyncio.run(scenario())


def test_an_ended_pin_is_free_again_and_remembered_as_ended(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        pins = PinDirectory(client)
        assert await pins.claim("111111", "g1")
        # Only the game that holds the PIN can release it.
        assert await pins.release("111111", "someone-else") is False
        assert await pins.game_for("111111") == "g1"
        assert await pins.release("111111", "g1") is True
        assert await pins.game_for("111111") is None
        assert await pins.has_ended("111111")
        assert await pins.ended_game("111111") == "g1"
        # A new game may take the PIN; then it is live, not ended.
        assert await pins.claim("111111", "g2")
        assert not await pins.has_ended("111111")
        assert await pins.game_for("111111") == "g2"
        await client.aclose()

    asyncio.run(scenario())


def test_only_the_newest_ended_pins_are_remembered(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        pins = PinDirectory(client, ended_memory=3)
        for n in range(5):
            pin = f"{200000 + n}"
            assert await pins.claim(pin, f"g{n}")
            assert await pins.release(pin, f"g{n}")
        remembered = [await pins.has_ended(f"{200000 + n}") for n in range(5)]
        assert remembered == [False, False, True, True, True]
        await client.aclose()

    asyncio.run(scenario())


def test_ended_pins_are_seeded_from_the_archive_without_touching_live_ones(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        pins = PinDirectory(client, ended_memory=2)
        assert await pins.claim("300001", "live-game")
        # As Archive.recently_ended gives them: newest first.
        await pins.remember_ended([("300003", "g3"), ("300002", "g2"), ("300001", "old")])
        assert await pins.game_for("300001") == "live-game"
        assert not await pins.has_ended("300001")
        assert await pins.ended_game("300003") == "g3"
        assert await pins.ended_game("300002") == "g2"
        await client.aclose()

    asyncio.run(scenario())


def test_a_redis_that_lost_its_data_reads_as_not_seeded_until_seeded_again(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        pins = PinDirectory(client)
        assert not await pins.seeded()
        await pins.remember_ended([])  # an archive with no ended game seeds too
        assert await pins.seeded()
        await pins.remember_ended([("300004", "g4")])
        redis_server.restart(keep_data=False)
        assert not await pins.seeded()
        assert not await pins.has_ended("300004")
        await pins.remember_ended([("300004", "g4")])
        assert await pins.seeded()
        assert await pins.ended_game("300004") == "g4"
        await client.aclose()

    asyncio.run(scenario())


def test_a_malformed_pin_is_refused_clearly_and_changes_nothing(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        pins = PinDirectory(client)
        for bad in ("12345", "1234567", "12345a", "", "12 456"):
            with pytest.raises(ValueError, match="a PIN is six digits"):
                await pins.claim(bad, "g1")
            assert await pins.game_for(bad) is None
            assert not await pins.has_ended(bad)
        assert await client.dbsize() == 0
        await client.aclose()

    asyncio.run(scenario())


def test_resume_tokens_find_their_game_on_any_worker_and_expire_after_the_end(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        a_client, b_client = open_redis(redis_server.url), open_redis(redis_server.url)
        a, b = ResumeTokens(a_client), ResumeTokens(b_client)
        await a.remember("d1", "game-1", "p1")
        await a.remember("d2", "game-1", "p2")
        assert await b.find("d1") == ("game-1", "p1")
        assert await b.find("unknown") is None
        await b.expire(["d1", "d2"], after_seconds=3600)
        assert 0 < await b_client.ttl("qk:resume:d1") <= 3600
        await b.expire(["d2"], after_seconds=0.001)
        while await b.find("d2") is not None:
            await asyncio.sleep(0.01)
        assert await b.find("d1") == ("game-1", "p1")
        with pytest.raises(ValueError, match="contain no spaces"):
            await a.remember("d3", "game 1", "p1")
        await a_client.aclose()
        await b_client.aclose()

    asyncio.run(scenario())
