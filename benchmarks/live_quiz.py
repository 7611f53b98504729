"""Live-quiz benchmark: a real server, bots in separate processes, the host driven by API.

    python benchmarks/live_quiz.py --players 300 [--processes 4] [--think 0.5-3]

Prints p50/p95/p99 of question fan-out (host "next" -> each player has the question)
and of answer ack latency (answer sent -> ack received), plus answers sent, acked and
archived, and the server's peak memory (RSS).  All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]
BANK = Path(__file__).with_name("bench_bank.yaml")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1], 2)}


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmHWM:"):  # peak resident set size
            return int(line.split()[1]) / 1024
    return 0.0


def wait_for_port(port: int) -> None:
    for _ in range(200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("the server did not start")


def cli(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout.strip()


async def drive_host(
    ws_url: str, game: dict[str, Any], players: int, question_timeout: float, pause: float
) -> dict[int, float]:
    """Start the game and move through every question; returns when each question was sent."""
    opened_at: dict[int, float] = {}
    async with websockets.connect(f"{ws_url}/ws/host", max_size=2**22) as host:
        await host.send(
            json.dumps(
                {
                    "type": "host",
                    "protocol": 1,
                    "game_id": game["game_id"],
                    "host_token": game["host_token"],
                }
            )
        )
        joined = 0
        deadline = time.monotonic() + 120
        while joined < players and time.monotonic() < deadline:
            message = json.loads(await asyncio.wait_for(host.recv(), 120))
            if message["type"] == "player_joined":
                joined = message["count"]
            elif message["type"] == "host_welcome":
                joined = len(message["screen"]["player_list"])
        index = 0
        opened_at[0] = time.time()
        await host.send(json.dumps({"type": "start"}))
        while True:
            message = json.loads(await asyncio.wait_for(host.recv(), question_timeout))
            kind = message["type"]
            if kind == "reveal":
                await host.send(json.dumps({"type": "next"}))
            elif kind == "leaderboard":
                # A trainer looks at the leaderboard before pressing Space; without this
                # pause the next question queues behind every phone's rank frame.
                await asyncio.sleep(pause)
                index += 1
                opened_at[index] = time.time()
                await host.send(json.dumps({"type": "next"}))
            elif kind == "podium":
                await host.send(json.dumps({"type": "next"}))
            elif kind == "ended":
                return opened_at


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--players", type=int, default=100)
    parser.add_argument("--processes", type=int, default=4, help="bot processes")
    parser.add_argument("--think", default="0.5-4")
    parser.add_argument("--accuracy", type=float, default=0.7)
    parser.add_argument(
        "--host-pause",
        type=float,
        default=1.0,
        help="seconds the host waits on each leaderboard before the next question",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="run against the bare websockets broadcast server instead",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="qk-bench-"))
    banks = work / "banks"
    banks.mkdir()
    shutil.copy(BANK, banks / BANK.name)
    data = work / "data"
    cli(data, "trainers", "add", "bench", "--admin", "--password-stdin", stdin="bench-pass-1\n")
    token = cli(data, "trainers", "token", "bench")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if args.baseline:
        command = [
            sys.executable,
            str(Path(__file__).with_name("baseline_server.py")),
            "--port",
            str(port),
        ]
    else:
        command = [
            sys.executable,
            "-m",
            "server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data),
            "--banks",
            str(banks),
        ]
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    bots: list[subprocess.Popen[str]] = []
    try:
        wait_for_port(port)
        headers = {"Authorization": f"Bearer {token}"}
        if args.baseline:
            game: dict[str, Any] = {"game_id": "baseline", "host_token": "x" * 16, "pin": "123456"}
        else:
            game = httpx.post(
                f"{base}/api/v1/games",
                headers=headers,
                timeout=10,
                json={"bank_id": "bench", "settings": {"time_per_question": 30}},
            ).json()
        share = [args.players // args.processes] * args.processes
        share[0] += args.players - sum(share)
        for number, count in enumerate(share):
            bots.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "server.cli",
                        "bots",
                        "--url",
                        base,
                        "--pin",
                        game["pin"],
                        "--players",
                        str(count),
                        "--think",
                        args.think,
                        "--accuracy",
                        str(args.accuracy),
                        "--banks",
                        str(banks),
                        "--timings",
                        "--seed",
                        str(number + 1),
                        "--name-prefix",
                        f"P{number}",
                    ],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        opened_at = asyncio.run(
            drive_host(f"ws://127.0.0.1:{port}", game, args.players, 60, args.host_pause)
        )
        summaries = [
            json.loads((bot.communicate(timeout=120)[0] or "{}").strip().splitlines()[-1])
            for bot in bots
        ]
        archived = -1  # the baseline keeps nothing
        if not args.baseline:
            results = httpx.get(
                f"{base}/api/v1/games/{game['game_id']}/results", headers=headers, timeout=30
            ).json()
            archived = len(results["answers"])
        peak = rss_mb(server.pid)
    finally:
        for bot in bots:
            if bot.poll() is None:
                bot.kill()
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)

    fanout = [
        (arrived - opened_at[index]) * 1000
        for summary in summaries
        for index, arrived in summary["question_arrivals"]
        if index in opened_at
    ]
    acks = [ms for summary in summaries for ms in summary["ack_latencies_ms"]]
    report = {
        "server": "baseline" if args.baseline else "quizkiosk",
        "players": args.players,
        "bot_processes": args.processes,
        "host_pause_s": args.host_pause,
        "questions": len(opened_at),
        "fanout_ms": percentiles(fanout),
        "ack_ms": percentiles(acks),
        "answers_sent": sum(s["answers_sent"] for s in summaries),
        "answers_acked": sum(s["answers_acked"] for s in summaries),
        "answers_archived": archived,
        "refused": {
            k: sum(s["refused"].get(k, 0) for s in summaries)
            for k in {k for s in summaries for k in s["refused"]}
        },
        "reconnects": sum(s["reconnects"] for s in summaries),
        "server_peak_rss_mb": round(peak, 1),
        "mean_ack_ms": round(statistics.fmean(acks), 2) if acks else 0.0,
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
