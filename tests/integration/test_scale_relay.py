"""The output relay against a real redis-server: frames reach every worker that follows
the game, in order and numbered; an ex-owner cannot publish; a worker that missed
frames (a gap, a Redis restart, Redis that lost its data) is told to resync."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from quizkiosk.protocol import EVERYONE, HOSTS, PLAYERS, OnePlayer
from quizkiosk.scale.inbox import NotOwner
from quizkiosk.scale.lease import GameLeases, Lease
from quizkiosk.scale.redis_link import Keys, RedisUnavailable, open_redis
from quizkiosk.scale.relay import (
    OutputRelay,
    Relayed,
    RelayListener,
    decode_audience,
    encode_audience,
)
from redis.asyncio import Redis

from tests.redis_server import RedisServer, running_redis

WAIT = 10.0


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path) as server:
        yield server


class Worker:
    """A worker holding sockets: what its listener delivered and when it was told to resync."""

    def __init__(self, redis: Redis) -> None:
        self.frames: list[Relayed] = []
        self.resyncs: list[str] = []
        self.listener = RelayListener(redis, self.frames.append, self.resyncs.append)

    def texts(self) -> list[str]:
        return [relayed.frame for relayed in self.frames]


async def until(condition: Callable[[], bool]) -> None:
    async def wait() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(wait(), WAIT)


async def owned(redis: Redis, game_id: str = "g1", after_epoch: int = 0) -> Lease:
    lease = await GameLeases(redis, ttl_seconds=60).acquire(game_id, after_epoch=after_epoch)
    assert lease is not None
    return lease


def test_every_following_worker_gets_every_frame_in_order(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(3)]
        lease = await owned(clients[0])
        relay = OutputRelay(clients[0])
        a, b = Worker(clients[1]), Worker(clients[2])
        await a.listener.follow("g1")
        await b.listener.follow("g1")
        assert await relay.publish("g1", lease.token, [(EVERYONE, '{"type":"lobby"}')]) == 1
        last = await relay.publish(
            "g1",
            lease.token,
            [(OnePlayer("p1"), '{"type":"welcome"}'), (HOSTS, "h"), (PLAYERS, "p x y")],
        )
        assert last == 4
        await until(lambda: len(a.frames) == 4 and len(b.frames) == 4)
        assert a.frames == b.frames
        assert [(f.seq, f.audience, f.frame) for f in a.frames] == [
            (1, EVERYONE, '{"type":"lobby"}'),
            (2, OnePlayer("p1"), '{"type":"welcome"}'),
            (3, HOSTS, "h"),
            (4, PLAYERS, "p x y"),
        ]
        assert a.resyncs == b.resyncs == []
        # A worker that follows later starts from there: nothing older, nothing missed.
        late = Worker(clients[2])
        await late.listener.follow("g1")
        await relay.publish("g1", lease.token, [(EVERYONE, "after")])
        await until(lambda: late.texts() == ["after"] and len(a.frames) == 5)
        assert late.resyncs == []
        # Other games are not delivered to a worker that does not follow them.
        lease2 = await owned(clients[0], "g2")
        await relay.publish("g2", lease2.token, [(EVERYONE, "other game")])
        await relay.publish("g1", lease.token, [(EVERYONE, "last")])
        await until(lambda: a.texts()[-1] == "last")
        assert "other game" not in a.texts()
        for worker in (a, b, late):
            await worker.listener.stop()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_an_ex_owner_cannot_publish(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(2)]
        leases = GameLeases(clients[0], ttl_seconds=60)
        old = await owned(clients[0])
        await leases.release(old)
        new = await owned(clients[0])
        worker = Worker(clients[1])
        await worker.listener.follow("g1")
        relay = OutputRelay(clients[0])
        with pytest.raises(NotOwner, match="held by another worker"):
            await relay.publish("g1", old.token, [(EVERYONE, "stale")])
        await relay.publish("g1", new.token, [(EVERYONE, "fresh")])
        await until(lambda: worker.texts() == ["fresh"])
        assert worker.frames[0].seq == 1
        await worker.listener.stop()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_a_gap_in_the_numbers_asks_for_a_resync(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(2)]
        lease = await owned(clients[0])
        relay = OutputRelay(clients[0])
        worker = Worker(clients[1])
        await worker.listener.follow("g1")
        await relay.publish("g1", lease.token, [(EVERYONE, "one")])
        # A frame this worker never saw (lost on its connection, say).
        await clients[0].incr(Keys().output_seq("g1"))
        await relay.publish("g1", lease.token, [(EVERYONE, "three"), (EVERYONE, "four")])
        await until(lambda: worker.texts() == ["one", "four"])
        assert worker.resyncs == ["g1"]
        await worker.listener.stop()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_a_redis_restart_is_noticed_and_frames_flow_again(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(2)]
        lease = await owned(clients[0])
        relay = OutputRelay(clients[0])
        worker = Worker(clients[1])
        await worker.listener.follow("g1")
        await relay.publish("g1", lease.token, [(EVERYONE, "before")])
        await until(lambda: worker.texts() == ["before"])
        redis_server.stop(keep_data=True)
        # The owner's frame is lost while Redis is down.
        with pytest.raises(RedisUnavailable):
            await relay.publish("g1", lease.token, [(EVERYONE, "lost")])
        redis_server.start()
        # Once it is back every worker is told to resync, then frames flow again.
        await until(lambda: "g1" in worker.resyncs)
        while "after" not in worker.texts():
            await relay.publish("g1", lease.token, [(EVERYONE, "after")])
            await asyncio.sleep(0.05)
        assert "lost" not in worker.texts()
        await worker.listener.stop()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_redis_that_lost_its_data_restarts_the_numbering_and_asks_for_a_resync(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(2)]
        lease = await owned(clients[0])
        relay = OutputRelay(clients[0])
        worker = Worker(clients[1])
        await worker.listener.follow("g1")
        await relay.publish("g1", lease.token, [(EVERYONE, f"n{n}") for n in range(5)])
        await until(lambda: len(worker.frames) == 5)
        redis_server.restart(keep_data=False)
        # The lease went too: the owner takes it again above the archive's epoch.
        lease = await owned(clients[0], after_epoch=lease.epoch)
        while "again" not in worker.texts():
            await relay.publish("g1", lease.token, [(EVERYONE, "again")])
            await asyncio.sleep(0.05)
        assert "g1" in worker.resyncs
        await worker.listener.stop()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_an_unfollowed_game_is_no_longer_delivered(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(2)]
        lease = await owned(clients[0])
        lease2 = await owned(clients[0], "g2")
        relay = OutputRelay(clients[0])
        worker = Worker(clients[1])
        await worker.listener.follow("g1")
        await worker.listener.follow("g2")
        worker.listener.unfollow("g1")
        await relay.publish("g1", lease.token, [(EVERYONE, "g1 frame")])
        await relay.publish("g2", lease2.token, [(EVERYONE, "g2 frame")])
        await until(lambda: worker.texts() == ["g2 frame"])
        assert worker.listener.following == ["g2"]
        await worker.listener.stop()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_bad_audiences_and_malformed_messages_are_refused_without_harm(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(2)]
        lease = await owned(clients[0])
        relay = OutputRelay(clients[0])
        with pytest.raises(ValueError, match="a player id is a non-empty word"):
            await relay.publish("g1", lease.token, [(OnePlayer("two words"), "x")])
        worker = Worker(clients[1])
        await worker.listener.follow("g1")
        await clients[0].publish(Keys().output_channel("g1"), "nonsense")
        await clients[0].publish(Keys().output_channel("g1"), "n 1 ?? frame")
        await relay.publish("g1", lease.token, [(EVERYONE, "good")])
        await until(lambda: worker.texts() == ["good"])
        assert worker.frames[0].seq == 1
        await worker.listener.stop()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_following_while_redis_is_down_fails_in_time_then_works(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(2)]
        worker = Worker(clients[1])
        redis_server.stop(keep_data=True)
        with pytest.raises(RedisUnavailable, match="could not follow game g1 in time"):
            await worker.listener.follow("g1", timeout=0.5)
        redis_server.start()
        await worker.listener.follow("g1")
        lease = await owned(clients[0])
        await OutputRelay(clients[0]).publish("g1", lease.token, [(EVERYONE, "hello")])
        await until(lambda: worker.texts() == ["hello"])
        await worker.listener.stop()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_audiences_round_trip() -> None:
    for audience in (EVERYONE, HOSTS, PLAYERS, OnePlayer("p-1_x")):
        assert decode_audience(encode_audience(audience)) == audience
    for bad in ("", "X", "1:"):
        with pytest.raises(ValueError, match="unknown audience"):
            decode_audience(bad)
