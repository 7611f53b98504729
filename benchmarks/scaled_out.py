"""Scaled out: N `quizkiosk serve --redis … --database postgresql://…` workers behind nginx.

    nice -n -15 .venv/bin/python -m benchmarks.scaled_out --workers 1 2 4 --players 600 --runs 3

The `fanout` scenario of `benchmarks/live_quiz.py` (the same bank, bots, think times,
host and checks), on the shape of docs/deployment.md "Several workers": a throwaway
redis-server and PostgreSQL cluster (started as the tests start theirs:
tests/redis_server.py, tests/postgres_server.py), N workers sharing them, and nginx
round robin in front (tests/integration/scaleout.py, the locations of the documented
nginx example). The host screen and every bot connect THROUGH nginx, so the sockets
spread over the workers; one worker owns the game and the others forward their players'
answers to it and relay its frames to their sockets.

Each run gets a fresh database, redis-server and workers. Besides the live_quiz figures
it reports the sockets each worker holds after the join (players per worker), Redis
commands per answer sent, and the CPU seconds of the workers, Redis, nginx and the bots
during the quiz with the share of the machine's cores they used together: on a 2-core
machine the bots, nginx, Redis, PostgreSQL and the workers all share the same cores, so
these runs show what the Redis hop costs, not how far more workers carry.

As live_quiz: every log is kept (`--log-dir`) and a run FAILS on a Traceback or ERROR in
any worker's or bot's log, on joined ≠ expected, and on answers sent ≠ acknowledged ≠
archived (read back through nginx from the results API).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import websockets
from quizkiosk.scale.redis_link import open_redis

from benchmarks.live_quiz import (
    BANK,
    Host,
    RunFailed,
    archived_answers,
    check_open_files,
    cli,
    compact,
    cpu_seconds,
    create_game,
    failures_of,
    log_problems,
    play_quiz,
    proc_status,
    publish,
    spread,
    start_bots,
    stop_server,
    summarise,
    summary,
    wait_for_quiet,
    with_load,
)
from benchmarks.redis_blocks import counters
from tests.integration.conftest import free_port, launch
from tests.integration.scaleout import start_nginx
from tests.postgres_server import PostgresCluster, start_cluster
from tests.redis_server import RedisServer, redis_binary

TRAINER = "bench"


def label(workers: int) -> str:
    return f"{workers} worker" + ("" if workers == 1 else "s")


def sockets_per_port(ports: list[int]) -> dict[int, int]:
    """Established TCP connections whose local port is each worker's: nginx's upstream
    sockets, one per player and one for the host screen."""
    counts = dict.fromkeys(ports, 0)
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        port = int(fields[1].rsplit(":", 1)[1], 16)
        if port in counts and fields[3] == "01":
            counts[port] += 1
    return counts


class Stack:
    """Redis, N workers and nginx for one run; everything is stopped in `close`."""

    def __init__(self, workers: int, work: Path, log_dir: Path, stem: str) -> None:
        self.count = workers
        self.work = work
        self.log_dir = log_dir
        self.stem = stem
        self.redis = RedisServer(redis_binary(), work / "redis")
        self.workers: list[subprocess.Popen[str]] = []
        self.ports: list[int] = []
        self.nginx: subprocess.Popen[bytes] | None = None
        self.listen = 0

    def log_paths(self) -> list[Path]:
        return [self.log_dir / f"{self.stem}-worker{n}.log" for n in range(self.count)]

    def start(self, database_url: str, players: int) -> None:
        (self.work / "redis").mkdir()
        self.redis.start()
        serve_args = (
            *("--database", database_url, "--redis", self.redis.url),
            *("--trusted-proxy", "127.0.0.1"),
            # Every bot comes through nginx from 127.0.0.1.
            *("--max-sockets-per-address", str(2 * players + 100)),
        )
        # One after the other: the first creates the host key the others read.
        for log_path in self.log_paths():
            port = free_port()
            self.workers.append(
                launch(self.work / "data", self.work / "banks", port, log_path, serve_args)
            )
            self.ports.append(port)
        prefix = self.log_dir / f"{self.stem}-nginx"
        prefix.mkdir()
        # Two connections a player (the phone's and the one to its worker), and spare.
        self.nginx, self.listen = start_nginx(
            prefix, self.ports, worker_connections=2 * players + 200
        )

    def close(self) -> None:
        if self.nginx is not None:
            stop_server(self.nginx)
        for worker in self.workers:
            stop_server(worker)
        with contextlib.suppress(Exception):
            self.redis.stop(keep_data=False)


def cpu_of(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


async def run_async(
    args: argparse.Namespace, workers: int, number: int, work: Path, log_dir: Path
) -> dict[str, Any]:
    side = label(workers)
    stem = f"fanout-{args.players}-{workers}w-run{number}"  # as start_bots names its logs
    run: dict[str, Any] = {"side": side, "run": number, "players": args.players}
    run["server_log"] = str(log_dir / f"{stem}-worker0.log")
    database_url = args.cluster.create_database()
    stack = Stack(workers, work, log_dir, stem)
    bots = None
    try:
        # `trainers add` / `token` read the database from the environment.
        os.environ["QUIZKIOSK_DATABASE"] = database_url
        cli(work / "data", "trainers", "add", TRAINER, "--admin", "--password-stdin",
            stdin="bench-pass-1\n")  # fmt: skip
        token = cli(work / "data", "trainers", "token", TRAINER)
        stack.start(database_url, args.players)
        base = f"http://127.0.0.1:{stack.listen}"
        game = await create_game(base, token, args)
        redis = open_redis(stack.redis.url)
        ws_url = f"ws://127.0.0.1:{stack.listen}/ws/host"
        async with websockets.connect(ws_url, max_size=2**22) as ws:
            host = Host(ws)
            hello = {"type": "host", "protocol": 1, "game_id": game["game_id"]}
            await ws.send(json.dumps({**hello, "host_token": game["host_token"]}))
            host.reader = asyncio.create_task(host.read())
            bots = await start_bots(
                args, f"{workers}w", number, stack.listen, game["pin"], work, log_dir
            )
            pids = [w.pid for w in stack.workers]
            await asyncio.sleep(args.settle)
            before = [proc_status(pid) for pid in pids]
            await bots.send({"do": "join", "rate": args.join_rate / args.processes, "timeout": 60})
            joined = await bots.gather("joined", args.players / args.join_rate + 90)
            run["joined"] = sum(j["joined"] for j in joined)
            run["join_seconds"] = max(j["seconds"] for j in joined)
            deadline = time.monotonic() + 15
            while host.joined < run["joined"] and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            run["host_saw_joined"] = host.joined
            await asyncio.sleep(args.settle)
            after = [proc_status(pid) for pid in pids]
            sockets = sockets_per_port(stack.ports)
            run["sockets_per_worker"] = [sockets[port] for port in stack.ports]
            run["rss_kib"] = {
                "before": sum(s["VmRSS"] for s in before),
                "after_join": sum(s["VmRSS"] for s in after),
            }
            run["rss_per_player_kib"] = round(
                (run["rss_kib"]["after_join"] - run["rss_kib"]["before"]) / max(1, run["joined"]),
                1,
            )
            processes = {
                "workers": pids,
                "redis": [stack.redis.process.pid] if stack.redis.process else [],
                "nginx": [stack.nginx.pid] if stack.nginx else [],
                "bots": [p.pid for p in bots.processes],
            }
            cpu_before = {name: cpu_of(p) for name, p in processes.items()}
            calls_before, redis_cpu_before = await counters(redis)
            started = time.monotonic()
            opened: dict[int, float] = {}
            try:
                await play_quiz(host, bots, args, opened)
            except RunFailed as error:
                run["failed"] = str(error)  # still collect what the players saw, to show it
            wall = time.monotonic() - started
            calls_after, redis_cpu_after = await counters(redis)
            cpu = {name: round(cpu_of(p) - cpu_before[name], 2) for name, p in processes.items()}
            await asyncio.sleep(1.0)  # the last per-player frames after `ended`
            await bots.send({"do": "report"})
            reports = await bots.gather("report", 60)
            end = [proc_status(pid) for pid in pids]
            run["rss_kib"].update(
                end=sum(s["VmRSS"] for s in end), peak=sum(s["VmHWM"] for s in end)
            )
            run["server_cpu_s"] = cpu["workers"]
            run["cpu_s"] = cpu
            run["quiz_seconds"] = round(wall, 2)
            run["cores_busy"] = round(sum(cpu.values()) / wall, 2)
            run["redis_commands"] = calls_after - calls_before
            run["redis_cpu_s"] = round(redis_cpu_after - redis_cpu_before, 2)
            run["bot_loop"] = sorted({r["loop"] for r in reports})
            host.reader.cancel()
        await redis.aclose()
        run["archived"] = await archived_answers(base, token, game["game_id"])
        summarise(run, reports, opened, args)
        run["redis_commands_per_answer"] = round(run["redis_commands"] / max(1, run["sent"]), 1)
    except RunFailed as error:
        run.setdefault("failed", str(error))
    except Exception as error:  # anything else fails the run loudly, with the logs kept
        run.setdefault("failed", f"{type(error).__name__}: {error}")
    finally:
        if bots is not None:
            await bots.stop()
        stack.close()
        with contextlib.suppress(Exception):
            args.cluster.drop_database(database_url)
    run["log_problems"] = []
    for log_path in [*stack.log_paths(), *log_dir.glob(f"{stem}-bots*.log")]:
        if log_path.exists():
            run["log_problems"] += log_problems(log_path.read_text(errors="replace"))
    return run


def run_once(args: argparse.Namespace, workers: int, number: int, log_dir: Path) -> dict[str, Any]:
    load, up = wait_for_quiet(args.max_load, args.load_wait)
    work = Path(tempfile.mkdtemp(prefix="qk-scaled-"))
    try:
        (work / "banks").mkdir()
        shutil.copy(BANK, work / "banks" / BANK.name)
        run = asyncio.run(run_async(args, workers, number, work, log_dir))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return with_load(run, load, up, args.max_load)


# Figures of their own to this benchmark, besides live_quiz's fanout figures.
EXTRA_FIGURES: list[tuple[str, str]] = [
    ("fewest sockets on a worker", "sockets_min"),
    ("most sockets on a worker", "sockets_max"),
    ("Redis commands per answer", "redis_commands_per_answer"),
    ("Redis CPU (s)", "redis_cpu_s"),
    ("nginx CPU (s)", "nginx_cpu_s"),
    ("bots CPU (s)", "bots_cpu_s"),
    ("cores busy during the quiz (of 2)", "cores_busy"),
]


def extra_values(run: dict[str, Any]) -> dict[str, float]:
    values: dict[str, float] = {}
    if run.get("sockets_per_worker"):
        values["sockets_min"] = min(run["sockets_per_worker"])
        values["sockets_max"] = max(run["sockets_per_worker"])
    for key in ("redis_commands_per_answer", "redis_cpu_s", "cores_busy"):
        if key in run:
            values[key] = run[key]
    for name in ("nginx", "bots"):
        if "cpu_s" in run:
            values[f"{name}_cpu_s"] = run["cpu_s"][name]
    return values


def add_extra_figures(
    args: argparse.Namespace, runs: list[dict[str, Any]], table: dict[str, Any]
) -> None:
    for name, key in EXTRA_FIGURES:
        row: dict[str, Any] = {}
        for side in args.sides:
            values = [
                extra_values(r)[key]
                for r in runs
                if r["side"] == side and r.get("used") and key in extra_values(r)
            ]
            if values:
                row[side] = spread(values)
        table[name] = row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--players", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3, help="runs per worker count (median)")
    parser.add_argument("--processes", type=int, default=4, help="player processes")
    parser.add_argument("--think", default="0.5-4", help="seconds before answering")
    parser.add_argument(
        "--host-pause", type=float, default=1.0, help="seconds the host waits on each leaderboard"
    )
    parser.add_argument("--join-rate", type=float, default=500, help="joins a second, all bots")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds before reading RSS")
    parser.add_argument("--max-load", type=float, default=1.0, help="start at this 1-min load")
    parser.add_argument("--load-wait", type=float, default=120, help="longest wait for it, s")
    parser.add_argument("--log-dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    args = parser.parse_args()
    args.scenario = "fanout"  # what live_quiz's helpers read
    args.sides = [label(n) for n in args.workers]

    limit = check_open_files(args.players * 3, args.processes, False)  # nginx: 2 a player
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="qk-scaled-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"logs: {log_dir}", file=sys.stderr)
    cluster_dir = Path(tempfile.mkdtemp(prefix="qk-scaled-postgres-"))
    cluster: PostgresCluster = start_cluster(cluster_dir)
    args.cluster = cluster
    runs: list[dict[str, Any]] = []
    failures: list[str] = []
    try:
        for number in range(1, args.runs + 1):
            order = args.workers if number % 2 else list(reversed(args.workers))
            for workers in order:
                run = run_once(args, workers, number, log_dir)
                run["used"] = True
                runs.append(run)
                print(json.dumps(compact(run)), file=sys.stderr)
                failures += failures_of(run, "fanout")
                if failures:
                    break
            if failures:
                break
    finally:
        with contextlib.suppress(RuntimeError):
            cluster.stop("immediate")
        shutil.rmtree(cluster_dir, ignore_errors=True)

    result = summary(args, runs)
    add_extra_figures(args, runs, result["figures"])
    report = {
        "scenario": "fanout, scaled out",
        "players": args.players,
        "runs": args.runs,
        "workers": args.workers,
        "bot_processes": args.processes,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "open_files": limit,
        "bot_loops": sorted({loop for r in runs for loop in r.get("bot_loop", [])}),
        "loaded_runs": [f"{r['side']} run {r['run']}" for r in runs if r["loaded"]],
        **result,
        "per_run": [compact(r) for r in runs],
        "logs": str(log_dir),
    }
    notes = [
        f"{run['side']} run {run['run']} started at load {run['load_before']} "
        f"(above {args.max_load})"
        for run in runs
        if run["loaded"]
    ]
    return publish(args, report, result, failures, notes)


if __name__ == "__main__":
    sys.exit(main())
