"""Command forwarding through Redis Streams, against a real redis-server: a forwarded
command is applied once by the owner and answered; a duplicate delivery is answered
from the record; an owner that dies before acknowledging leaves the command to the next
owner; an ex-owner cannot answer; bad entries are dropped without blocking the game."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from quizkiosk.engine.commands import HostAction, SubmitAnswer
from quizkiosk.scale.forwarding import CommandForwarder, Forwarded, ForwardTimeout, Json
from quizkiosk.scale.inbox import NotOwner, OwnerInbox
from quizkiosk.scale.lease import GameLeases, Lease
from quizkiosk.scale.redis_link import Keys, open_redis
from redis.asyncio import Redis

from tests.redis_server import RedisServer, running_redis

WAIT = 15.0
ANSWER = SubmitAnswer("p1", 0, [2])


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path) as server:
        yield server


class Owner:
    """A worker that owns games: it applies what its inbox hands out, records it (here: in
    a list), then calls `done` — as the live actor will once the input is durable."""

    def __init__(self, redis: Redis, worker_id: str, refuse: Callable[[Forwarded], Json | None]):
        self.inbox = OwnerInbox(redis, worker_id, block_ms=50)
        self.leases = GameLeases(redis, ttl_seconds=30.0)
        self.applied: list[Forwarded] = []
        self.refuse = refuse

    async def take(self, game_id: str, applied: tuple[str, ...] = ()) -> Lease:
        lease = await self.leases.acquire(game_id)
        assert lease is not None
        for request in await self.inbox.own(game_id, lease.token, applied=applied):
            await self.apply(request)
        return lease

    async def apply(self, request: Forwarded) -> None:
        error = self.refuse(request)
        if error is None:
            self.applied.append(request)
        await self.inbox.done(request, error)

    async def serve(self) -> None:
        while True:
            for request in await self.inbox.read():
                await self.apply(request)


def accept_all(_: Forwarded) -> Json | None:
    return None


@contextlib.asynccontextmanager
async def serving(owner: Owner) -> AsyncIterator[None]:
    task = asyncio.create_task(owner.serve())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def stream_is_empty(client: Redis, game_id: str) -> bool:
    stream = Keys().commands(game_id)
    pending = await client.xpending(stream, "owners")
    return int(await client.xlen(stream)) == 0 and int(pending["pending"]) == 0


def test_a_forwarded_command_is_applied_once_and_answered(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        owner_client, edge_client = open_redis(redis_server.url), open_redis(redis_server.url)

        def refuse_late(request: Forwarded) -> Json | None:
            if isinstance(request.command, SubmitAnswer) and request.command.question > 0:
                return {"code": "too_late", "message": "the question has closed"}
            return None

        owner = Owner(owner_client, "owner-1", refuse_late)
        await owner.take("g1")
        forwarder = CommandForwarder(edge_client, "edge-1")
        async with serving(owner):
            reply = await asyncio.wait_for(forwarder.forward("g1", "act", ANSWER, at=1000.5), WAIT)
            assert reply.ok and not reply.duplicate
            refused = await asyncio.wait_for(
                forwarder.forward("g1", "act", SubmitAnswer("p1", 3, 1)), WAIT
            )
        assert refused.error == {"code": "too_late", "message": "the question has closed"}
        assert [(r.op, r.command, r.at, r.reply_to) for r in owner.applied] == [
            ("act", ANSWER, 1000.5, "edge-1")
        ]
        assert await stream_is_empty(owner_client, "g1")
        await forwarder.stop()
        await owner_client.aclose()
        await edge_client.aclose()

    asyncio.run(scenario())


def test_a_request_delivered_twice_is_applied_once_and_answered_alike(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        owner_client, edge_client = open_redis(redis_server.url), open_redis(redis_server.url)
        owner = Owner(owner_client, "owner-1", lambda _: {"code": "wrong_phase", "message": "no"})
        lease = await owner.take("g1")
        forwarder = CommandForwarder(edge_client, "edge-1")
        request = Forwarded("req-1", "g1", "act", "edge-1", HostAction("next"))
        # Two copies in the stream before the owner reads: one is applied.
        await forwarder.send(request)
        await forwarder.send(request)
        handed = await owner.inbox.read()
        assert [r.request_id for r in handed] == ["req-1"]
        await owner.inbox.done(handed[0], {"code": "wrong_phase", "message": "no"})
        # A third copy after it was answered: never handed out, answered from the record.
        await forwarder.send(request)
        assert await owner.inbox.read() == []
        replies = await edge_client.xrange(Keys().replies("edge-1"))
        assert [(f["r"], f["e"], f["d"]) for _, f in replies] == [
            ("req-1", '{"code": "wrong_phase", "message": "no"}', "0"),
            ("req-1", '{"code": "wrong_phase", "message": "no"}', "1"),
        ]
        assert await stream_is_empty(owner_client, "g1")
        assert lease.epoch == 1
        await owner_client.aclose()
        await edge_client.aclose()

    asyncio.run(scenario())


def test_a_command_the_dead_owner_never_acknowledged_is_applied_by_the_next_owner(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(3)]
        first = Owner(clients[0], "owner-1", accept_all)
        lease = await first.take("g1")
        forwarder = CommandForwarder(clients[2], "edge-1", reply_timeout=0.3, attempts=50)
        waiting = asyncio.create_task(forwarder.forward("g1", "act", ANSWER))
        # The owner reads the answer, then dies before it is durable (no `done`).
        handed: list[Forwarded] = []
        while not handed:
            handed = await first.inbox.read()
        await first.leases.release(lease)  # as if its lease had expired
        # The next owner claims what was pending and applies it; resends of the same
        # request while it waited are answered, not applied again.
        second = Owner(clients[1], "owner-2", accept_all)
        taken = await second.take("g1")
        assert taken.epoch == 2
        async with serving(second):
            reply = await asyncio.wait_for(waiting, WAIT)
            await asyncio.sleep(1.0)  # let any resends still in the stream be answered
        assert reply.ok
        assert [r.command for r in second.applied] == [ANSWER]
        assert await stream_is_empty(clients[1], "g1")
        await forwarder.stop()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_a_command_recorded_before_the_owner_died_is_not_applied_again(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(3)]
        first = Owner(clients[0], "owner-1", accept_all)
        lease = await first.take("g1")
        forwarder = CommandForwarder(clients[2], "edge-1", reply_timeout=0.3, attempts=50)
        waiting = asyncio.create_task(forwarder.forward("g1", "act", ANSWER))
        handed: list[Forwarded] = []
        while not handed:
            handed = await first.inbox.read()
        # Its input was durable (the archive has the request id with it), but the owner
        # died before `done`. The next owner finds the id in the replayed inputs.
        await first.leases.release(lease)
        second = Owner(clients[1], "owner-2", accept_all)
        await second.take("g1", applied=(handed[0].request_id,))
        async with serving(second):
            reply = await asyncio.wait_for(waiting, WAIT)
        assert reply.ok and reply.duplicate
        assert second.applied == []
        await forwarder.stop()
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_an_ex_owner_cannot_answer_for_the_game(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(3)]
        first = Owner(clients[0], "owner-1", accept_all)
        lease = await first.take("g1")
        forwarder = CommandForwarder(clients[2], "edge-1")
        await forwarder.send(Forwarded("req-1", "g1", "act", "edge-1", ANSWER))
        handed = await first.inbox.read()
        # It pauses past its lease; another worker takes the game over.
        await first.leases.release(lease)
        second = Owner(clients[1], "owner-2", accept_all)
        await second.take("g1")
        # Waking up, it cannot acknowledge or answer: the new owner has the request.
        with pytest.raises(NotOwner, match="held by another worker"):
            await first.inbox.done(handed[0])
        assert "g1" not in first.inbox.games
        assert [r.request_id for r in second.applied] == ["req-1"]
        assert await clients[2].xlen(Keys().replies("edge-1")) == 1
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_a_malformed_entry_is_dropped_and_the_next_command_still_applied(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        owner_client, edge_client = open_redis(redis_server.url), open_redis(redis_server.url)
        owner = Owner(owner_client, "owner-1", accept_all)
        await owner.take("g1")
        stream = Keys().commands("g1")
        await edge_client.xadd(stream, {"nonsense": "1"})
        await edge_client.xadd(stream, {"r": "x", "o": "explode", "w": "edge-1", "c": "", "a": ""})
        bad_command = '{"kind": "no-such-command"}'
        await edge_client.xadd(stream, {"r": "y", "o": "act", "w": "edge-1", "c": bad_command})
        forwarder = CommandForwarder(edge_client, "edge-1")
        async with serving(owner):
            reply = await asyncio.wait_for(forwarder.forward("g1", "act", ANSWER), WAIT)
        assert reply.ok
        assert [r.command for r in owner.applied] == [ANSWER]
        assert await stream_is_empty(owner_client, "g1")
        await forwarder.stop()
        await owner_client.aclose()
        await edge_client.aclose()

    asyncio.run(scenario())


def test_forwarding_survives_a_redis_restart(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        owner_client, edge_client = open_redis(redis_server.url), open_redis(redis_server.url)
        owner = Owner(owner_client, "owner-1", accept_all)
        await owner.take("g1")
        forwarder = CommandForwarder(edge_client, "edge-1", reply_timeout=0.5, attempts=40)
        async with serving(owner):
            assert (await asyncio.wait_for(forwarder.forward("g1", "act", ANSWER), WAIT)).ok
            redis_server.restart(keep_data=True)
            second = SubmitAnswer("p2", 0, [1])
            assert (await asyncio.wait_for(forwarder.forward("g1", "act", second), WAIT)).ok
        assert [r.command for r in owner.applied] == [ANSWER, second]
        await forwarder.stop()
        await owner_client.aclose()
        await edge_client.aclose()

    asyncio.run(scenario())


def test_forwarding_after_redis_lost_its_data_carries_on(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        owner_client, edge_client = open_redis(redis_server.url), open_redis(redis_server.url)
        owner = Owner(owner_client, "owner-1", accept_all)
        await owner.take("g1")
        forwarder = CommandForwarder(edge_client, "edge-1", reply_timeout=0.5, attempts=40)
        async with serving(owner):
            assert (await asyncio.wait_for(forwarder.forward("g1", "act", ANSWER), WAIT)).ok
            redis_server.restart(keep_data=False)
            # The lease went with the data: the owner takes it again (a higher epoch
            # from the archive's floor), and the groups are made again as it reads.
            lease = await owner.leases.acquire("g1", after_epoch=1)
            assert lease is not None and lease.epoch == 2
            await owner.inbox.own("g1", lease.token)
            second = SubmitAnswer("p2", 0, [1])
            assert (await asyncio.wait_for(forwarder.forward("g1", "act", second), WAIT)).ok
        assert [r.command for r in owner.applied] == [ANSWER, second]
        await forwarder.stop()
        await owner_client.aclose()
        await edge_client.aclose()

    asyncio.run(scenario())


def test_without_an_owner_a_forward_times_out_and_its_request_waits(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        owner_client, edge_client = open_redis(redis_server.url), open_redis(redis_server.url)
        forwarder = CommandForwarder(edge_client, "edge-1", reply_timeout=0.1, attempts=2)
        with pytest.raises(ForwardTimeout, match="no reply from the owner of game g1"):
            await forwarder.forward("g1", "act", ANSWER)
        # An owner that turns up later applies it once (two deliveries, one request).
        owner = Owner(owner_client, "owner-1", accept_all)
        await owner.take("g1")
        assert [r.command for r in owner.applied] == [ANSWER]
        assert await stream_is_empty(owner_client, "g1")
        await forwarder.stop()
        await owner_client.aclose()
        await edge_client.aclose()

    asyncio.run(scenario())


def test_a_request_that_cannot_be_forwarded_is_refused_clearly(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        forwarder = CommandForwarder(client, "edge-1")
        with pytest.raises(ValueError, match="unknown op 'explode'"):
            await forwarder.forward("g1", "explode", ANSWER)
        with pytest.raises(ValueError, match="op 'act' needs a command"):
            await forwarder.forward("g1", "act")
        with pytest.raises(ValueError, match="a worker id is a non-empty word"):
            CommandForwarder(client, "two words")
        assert await client.dbsize() == 0
        await forwarder.stop()
        await client.aclose()

    asyncio.run(scenario())
