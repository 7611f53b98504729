"""Game leases against a real redis-server: one owner, takeover with a higher epoch, a
paused ex-owner that can no longer renew or release, and Redis restarts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from quizkiosk.scale.lease import GameLeases, Lease, LeaseKeeper
from quizkiosk.scale.redis_link import Keys, RedisUnavailable, open_redis

from tests.redis_server import RedisServer, running_redis

WAIT = 10.0  # generous bound for things that should happen within a second


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path) as server:
        yield server


def test_of_many_contenders_exactly_one_owns_the_game(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        clients = [open_redis(redis_server.url) for _ in range(8)]
        workers = [GameLeases(client) for client in clients]
        got = await asyncio.gather(*(w.acquire("g1") for w in workers))
        owners = [lease for lease in got if lease is not None]
        assert len(owners) == 1
        assert owners[0].epoch == 1
        # While it is held nobody else gets it, and the epoch does not move.
        assert await workers[0].acquire("g1") is None
        assert await workers[1].current_epoch("g1") == 1
        for client in clients:
            await client.aclose()

    asyncio.run(scenario())


def test_when_the_owner_stops_renewing_another_takes_over_with_a_higher_epoch(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        a_client, b_client = open_redis(redis_server.url), open_redis(redis_server.url)
        a, b = GameLeases(a_client, ttl_seconds=0.3), GameLeases(b_client, ttl_seconds=0.3)
        first = await a.acquire("g1")
        assert first is not None
        second = await asyncio.wait_for(b.wait_for_lease("g1", check_interval=0.05), WAIT)
        assert second.epoch > first.epoch
        # The ex-owner's token no longer counts: it can neither renew nor release.
        assert await a.renew(first) is False
        assert await a.release(first) is False
        assert await b.is_held("g1")
        assert await b.renew(second) is True
        assert await b.release(second) is True
        assert not await b.is_held("g1")
        await a_client.aclose()
        await b_client.aclose()

    asyncio.run(scenario())


def test_a_paused_owner_hears_it_lost_the_lease_and_cannot_take_it_back(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        a_client, b_client = open_redis(redis_server.url), open_redis(redis_server.url)
        a, b = GameLeases(a_client, ttl_seconds=0.3), GameLeases(b_client, ttl_seconds=0.3)
        first = await a.acquire("g1")
        assert first is not None
        # The owner "pauses": nothing renews its lease, and B takes the game.
        second = await asyncio.wait_for(b.wait_for_lease("g1", check_interval=0.05), WAIT)
        # Then it wakes up: its keeper knows from its own clock that the lease ran out,
        # before asking Redis, and Redis agrees.
        lost: list[tuple[Lease, str]] = []
        keeper = LeaseKeeper(a, first, on_lost=lambda lease, why: lost.append((lease, why)))
        keeper.start()
        await asyncio.wait_for(keeper.lost.wait(), WAIT)
        assert lost == [(first, "not renewed in time")]
        assert not keeper.holds()
        assert await a.renew(first) is False
        await keeper.stop()  # releasing after the loss deletes nothing
        assert await b.renew(second) is True
        assert await a.acquire("g1") is None
        await a_client.aclose()
        await b_client.aclose()

    asyncio.run(scenario())


def test_a_keeper_hears_at_its_next_renewal_that_another_worker_took_the_game(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        a_client, b_client = open_redis(redis_server.url), open_redis(redis_server.url)
        a, b = GameLeases(a_client, ttl_seconds=30.0), GameLeases(b_client, ttl_seconds=30.0)
        first = await a.acquire("g1")
        assert first is not None
        lost: list[str] = []
        keeper = LeaseKeeper(a, first, interval=0.05, on_lost=lambda _, why: lost.append(why))
        keeper.start()
        # An operator (or a Redis failover) drops the key, and B takes the game.
        await b_client.delete(Keys().lease("g1"))
        assert await b.acquire("g1") is not None
        await asyncio.wait_for(keeper.lost.wait(), WAIT)
        assert lost == ["taken over or expired"]
        await keeper.stop()
        assert await b.is_held("g1")
        await a_client.aclose()
        await b_client.aclose()

    asyncio.run(scenario())


def test_a_kept_lease_is_renewed_past_its_ttl_and_released_on_stop(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        leases = GameLeases(client, ttl_seconds=2.0)
        lease = await leases.acquire("g1")
        assert lease is not None
        keeper = LeaseKeeper(leases, lease)
        keeper.start()
        # Two ttls later it is still ours, because the keeper renewed it.
        await asyncio.sleep(4.0)
        assert keeper.holds()
        assert await leases.acquire("g1") is None
        await keeper.stop()
        assert not await leases.is_held("g1")
        assert await leases.acquire("g1") is not None
        await client.aclose()

    asyncio.run(scenario())


def test_redis_restarted_with_its_data_renewal_fails_cleanly_then_works_again(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        leases = GameLeases(client, ttl_seconds=30.0)
        lease = await leases.acquire("g1")
        assert lease is not None
        redis_server.stop(keep_data=True)
        with pytest.raises(RedisUnavailable):
            await leases.renew(lease)
        redis_server.start()
        assert await leases.renew(lease) is True
        assert await leases.current_epoch("g1") == lease.epoch
        await client.aclose()

    asyncio.run(scenario())


def test_redis_that_lost_its_data_reports_the_lease_lost_and_the_epoch_never_goes_back(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        leases = GameLeases(client, ttl_seconds=30.0)
        for _ in range(3):  # three takeovers: epoch 3
            lease = await leases.acquire("g1")
            assert lease is not None
            assert await leases.release(lease)
        assert lease.epoch == 3
        lease = await leases.acquire("g1")
        assert lease is not None and lease.epoch == 4
        redis_server.restart(keep_data=False)
        assert await leases.renew(lease) is False
        # The archive knows epoch 4 was used: the next owner gets a higher one.
        again = await leases.acquire("g1", after_epoch=4)
        assert again is not None and again.epoch == 5
        await client.aclose()

    asyncio.run(scenario())


def test_a_keeper_that_cannot_reach_redis_gives_the_game_up_before_the_lease_can_expire(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        leases = GameLeases(client, ttl_seconds=0.5)
        lease = await leases.acquire("g1")
        assert lease is not None
        lost: list[str] = []
        keeper = LeaseKeeper(leases, lease, on_lost=lambda _, why: lost.append(why))
        keeper.start()
        redis_server.stop(keep_data=False)
        await asyncio.wait_for(keeper.lost.wait(), WAIT)
        assert lost == ["not renewed in time"]
        assert not keeper.holds()
        await keeper.stop()
        await client.aclose()

    asyncio.run(scenario())


def test_orphans_are_the_live_games_nobody_holds(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = open_redis(redis_server.url)
        leases = GameLeases(client, Keys("t1"))
        for game_id in ("g1", "g2", "g3"):
            await leases.register(game_id)
        assert await leases.acquire("g2") is not None
        await leases.unregister("g3")
        assert await leases.orphans() == ["g1"]
        # Another namespace on the same Redis sees none of it.
        assert await GameLeases(client, Keys("t2")).orphans() == []
        await client.aclose()

    asyncio.run(scenario())


def test_a_lease_time_that_is_not_positive_is_refused(redis_server: RedisServer) -> None:
    client = open_redis(redis_server.url)
    with pytest.raises(ValueError, match="the lease time must be positive"):
        GameLeases(client, ttl_seconds=0)
