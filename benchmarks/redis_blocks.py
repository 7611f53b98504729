"""What the scale-out building blocks cost in Redis, measured alone (no web, no archive).

    .venv/bin/python -m benchmarks.redis_blocks --redis-server /usr/bin/redis-server

Starts its own redis-server on a free port in a temporary folder, then:

1. forwarded answers: `--workers` forwarding workers send `--answers` answers (at about
   `--rate` a second in total) to one owner of `--games` games, which marks each done
   at once (where the live actor would wait for its durable write). Reports the round
   trip (forward until reply) at p50/p99 and the Redis commands per answer.
2. fan-out: the owner publishes, per game, one broadcast and one frame per player
   (`--players` per game, as at a reveal) to `--workers` listeners. Reports the time
   until every listener had every frame, and Redis commands and CPU per frame.

These are the blocks' own costs, one process for all the workers on one event loop;
docs/scaling.md uses them in its model until the scaled-out benchmark exists.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from quizkiosk.engine.commands import SubmitAnswer
from quizkiosk.protocol import EVERYONE, Audience, OnePlayer
from quizkiosk.scale.forwarding import CommandForwarder
from quizkiosk.scale.inbox import OwnerInbox
from quizkiosk.scale.lease import GameLeases, Lease
from quizkiosk.scale.redis_link import open_redis
from quizkiosk.scale.relay import OutputRelay, Relayed, RelayListener
from redis.asyncio import Redis


def start_redis(binary: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"redis://127.0.0.1:{port}/0"


async def counters(redis: Redis) -> tuple[int, float]:
    stats = await redis.info("commandstats")
    calls = sum(int(v["calls"]) for k, v in stats.items() if isinstance(v, dict))
    cpu = await redis.info("cpu")
    return calls, float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def forwarded_answers(url: str, args: argparse.Namespace) -> None:
    owner_redis = open_redis(url)
    leases = GameLeases(owner_redis, ttl_seconds=60)
    inbox = OwnerInbox(owner_redis, "owner")
    games = [f"g{n}" for n in range(args.games)]
    for game_id in games:
        lease = await leases.acquire(game_id)
        assert lease is not None
        await inbox.own(game_id, lease.token)

    async def serve() -> None:
        while True:
            for request in await inbox.read():
                await inbox.done(request)

    edges = [open_redis(url) for _ in range(args.workers)]
    forwarders = [CommandForwarder(edge, f"edge-{n}") for n, edge in enumerate(edges)]
    server = asyncio.create_task(serve())
    calls_before, cpu_before = await counters(owner_redis)
    times: list[float] = []

    async def one(n: int) -> None:
        command = SubmitAnswer(f"p{n}", 0, [n % 4])
        started = time.perf_counter()
        reply = await forwarders[n % len(forwarders)].forward(games[n % len(games)], "act", command)
        assert reply.ok
        times.append(time.perf_counter() - started)

    tasks = []
    for n in range(args.answers):
        tasks.append(asyncio.create_task(one(n)))
        await asyncio.sleep(1 / args.rate)
    await asyncio.gather(*tasks)
    calls_after, cpu_after = await counters(owner_redis)
    server.cancel()
    print(
        f"forwarded answers: {args.answers} at ~{args.rate}/s from {args.workers} workers to "
        f"{args.games} games: round trip p50 {statistics.median(times) * 1000:.1f} ms, "
        f"p99 {percentile(times, 0.99) * 1000:.1f} ms; Redis commands per answer "
        f"{(calls_after - calls_before) / args.answers:.1f}, Redis CPU per answer "
        f"{(cpu_after - cpu_before) / args.answers * 1e6:.0f} µs"
    )
    for forwarder in forwarders:
        await forwarder.stop()
    for client in [owner_redis, *edges]:
        await client.aclose()


async def fan_out(url: str, args: argparse.Namespace) -> None:
    owner_redis = open_redis(url)
    leases = GameLeases(owner_redis, ttl_seconds=60)
    relay = OutputRelay(owner_redis)
    games: dict[str, Lease] = {}
    for n in range(args.games):
        lease = await leases.acquire(f"f{n}")
        assert lease is not None
        games[f"f{n}"] = lease
    clients = [open_redis(url) for _ in range(args.workers)]
    received = [0] * args.workers

    def counter(index: int) -> Callable[[Relayed], None]:
        def count(_: Relayed) -> None:
            received[index] += 1

        return count

    listeners = [
        RelayListener(client, counter(n), lambda game: None) for n, client in enumerate(clients)
    ]
    for listener in listeners:
        for game_id in games:
            await listener.follow(game_id)
    frame = '{"type":"result","question":3,"correct":true,"points":950,"score":4200}'
    expected = args.games * (args.players + 1)
    calls_before, cpu_before = await counters(owner_redis)
    started = time.perf_counter()
    for game_id, lease in games.items():
        outputs: list[tuple[Audience, str]] = [(EVERYONE, '{"type":"reveal"}')]
        outputs += [(OnePlayer(f"p{n}"), frame) for n in range(args.players)]
        await relay.publish(game_id, lease.token, outputs)
    while min(received) < expected:
        await asyncio.sleep(0.001)
    elapsed = time.perf_counter() - started
    calls_after, cpu_after = await counters(owner_redis)
    print(
        f"fan-out: {expected} frames ({args.games} games x {args.players} players + 1) to "
        f"{args.workers} listeners in {elapsed * 1000:.0f} ms; Redis commands per frame "
        f"{(calls_after - calls_before) / expected:.2f}, Redis CPU per frame delivered to all "
        f"{(cpu_after - cpu_before) / expected * 1e6:.0f} µs"
    )
    for listener in listeners:
        await listener.stop()
    for client in [owner_redis, *clients]:
        await client.aclose()


async def main(args: argparse.Namespace) -> None:
    binary = args.redis_server or shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    with tempfile.TemporaryDirectory() as folder:
        process, url = start_redis(binary, Path(folder))
        try:
            await forwarded_answers(url, args)
            await fan_out(url, args)
        finally:
            process.kill()
            process.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--redis-server", default=None)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--games", type=int, default=10)
    parser.add_argument("--players", type=int, default=300)
    parser.add_argument("--answers", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=1000.0)
    asyncio.run(main(parser.parse_args()))
