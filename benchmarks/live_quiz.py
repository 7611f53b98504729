"""Live-quiz benchmark: the real server against a like-for-like bare `websockets` floor.

    .venv/bin/python -m benchmarks.live_quiz --scenario fanout --players 2000 --runs 3

Each run starts a fresh server on a free port of 127.0.0.1 — `quizkiosk serve` ("ours":
fresh data directory, `benchmarks/bench_bank.yaml`, six questions, one of each type) or
`benchmarks/baseline_server.py` ("baseline": the same quiz over the same wire on the
same event loop, without validation, records or rules) — opens the host screen's
WebSocket, starts `benchmarks/load_bots.py` in several processes and joins the players.
Scenarios (`--scenario`):

- `memory`: the server's VmRSS (from /proc/<pid>/status) before the join and after it
  has settled; (after − before) ÷ players joined. Measured in every other scenario too.
  `--side floor` adds a bare Starlette WebSocket app on the same uvicorn (the stack's
  own floor).
- `fanout`: the whole quiz with people's think times (`--think`); the host waits
  `--host-pause` on each leaderboard. Question fan-out: host sends `start`/`next` → each
  player has the `question` frame. Answer ack: a player sends `answer` → `answer_ack`.
- `burst`: every player answers each question within `--burst-window` seconds
  (1,000 players, 1 s: 1,000 answers a second).
- `rate`: answers at `--rate` a second: each question's answers spread evenly over
  players ÷ rate seconds (2,000 players at 4,000/s: 0.5 s per question, six questions).
- `storm`: a question is open (nobody has answered); every player drops its socket
  without a close frame within `--storm-window` seconds, reconnects at once and resumes,
  then answers within 0.5 s. Time until all resumed, each resume's latency, the acks
  of the answers sent after resuming, and that none is lost.

Every run keeps the server's log and the players' logs (`--log-dir`, else a new folder),
and FAILS (exit status 1, `FAILED:` lines) on a Traceback or ERROR in them, on any
player's error (a player who fails before its `welcome` is not joined: its error is
listed), on joined ≠ expected, and on answers sent ≠ acknowledged ≠ archived (read back
through the results API). `ulimit -n` is checked first. Before each run the 1-minute
load average is read (`uptime`); the run waits for it to fall to `--max-load`, and a run
that starts above it is done again (`--retries`). Figures are reported per question and
pooled, per run, and as the median of the runs with their range; ours ÷ baseline is
the ratio of the medians (and the range of the per-run-pair ratios).

All traffic stays on 127.0.0.1. Every wait is bounded: a stuck run fails, it never hangs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]
BANK = Path(__file__).with_name("bench_bank.yaml")
# Descriptors besides the sockets: the database, logs, the interpreter's own files.
SPARE_FILES = 200
SCENARIOS = ("memory", "fanout", "burst", "rate", "storm")
DEFAULT_PLAYERS = {"memory": 1000, "fanout": 300, "burst": 1000, "rate": 2000, "storm": 1000}
SIDES = ("ours", "baseline", "floor")


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


def wait_for_port(port: int) -> None:
    for _ in range(200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("the server did not start")


def cli(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "quizkiosk.cli", *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout.strip()


# ---- the machine ------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in KiB."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = float(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def event_loop_of(pid: int) -> str:
    """uvloop if its extension is loaded in the process (uvicorn's `auto` and the baseline
    import it only to run on it), else asyncio."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return "uvloop" if "uvloop/loop." in maps else "asyncio"


def uptime() -> str:
    result = subprocess.run(["uptime"], capture_output=True, text=True, check=False)
    return result.stdout.strip()


def check_open_files(players: int, processes: int, storm: bool) -> str:
    """The server holds a socket per player (two for a moment in a storm) and each bot
    process one per player of its share: make sure `ulimit -n` allows it, raising the
    soft limit to the hard one if need be, or stop with a clear message."""
    need = players * (2 if storm else 1) + SPARE_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    raised = ""
    if soft < need and (hard == resource.RLIM_INFINITY or soft < hard):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        raised = f" (raised from {soft} to the hard limit)"
        soft = hard
    if soft != resource.RLIM_INFINITY and soft < need:
        sys.exit(
            f"ulimit -n is {soft} (hard limit {hard}): TOO LOW for {players} players - the "
            f"server needs about {need} open files. Raise it (`ulimit -n {need * 2}` in this "
            "shell, or LimitNOFILE= for a service) and run again."
        )
    note = f"ulimit -n {soft}{raised}"
    print(
        f"{note}: enough for {players} players (server ~{need}, each of {processes} bot "
        f"processes ~{players // processes + 50})",
        file=sys.stderr,
    )
    return note


def wait_for_quiet(max_load: float, longest: float) -> tuple[float, str]:
    """Wait (at most `longest` seconds) for the 1-minute load to fall to `max_load`."""
    deadline = time.monotonic() + longest
    while os.getloadavg()[0] > max_load and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0], uptime()


# ---- one run ------------------------------------------------------------------------------


@dataclass
class Host:
    """The projector: the players it saw join, and the game's messages as they came."""

    socket: websockets.ClientConnection
    joined: int = 0
    messages: asyncio.Queue[tuple[float, dict[str, Any]]] = field(default_factory=asyncio.Queue)
    reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.socket:
                arrived = time.monotonic()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "player_joined":
                    self.joined = int(message["count"])
                elif kind == "host_welcome":
                    self.joined = len(message["screen"].get("player_list", []))
                elif kind in ("question", "reveal", "leaderboard", "podium", "ended", "error"):
                    await self.messages.put((arrived, message))

    async def send(self, kind: str) -> float:
        sent = time.monotonic()
        await self.socket.send(json.dumps({"type": kind}))
        return sent

    async def expect(self, kinds: tuple[str, ...], timeout: float) -> tuple[float, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RunFailed(f"the host saw none of {kinds} within {timeout:g} s")
            try:
                arrived, message = await asyncio.wait_for(self.messages.get(), left)
            except TimeoutError as error:
                raise RunFailed(f"the host saw none of {kinds} within {timeout:g} s") from error
            if message["type"] == "error":
                raise RunFailed(f"the host was refused: {message}")
            if message["type"] in kinds:
                return arrived, message


class RunFailed(Exception):
    """A run could not finish; the message says why."""


@dataclass
class Bots:
    """The player processes."""

    processes: list[asyncio.subprocess.Process]

    async def send(self, command: dict[str, object]) -> None:
        line = (json.dumps(command) + "\n").encode()
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write(line)
            await process.stdin.drain()

    async def gather(self, event: str, timeout: float) -> list[dict[str, Any]]:
        """The next `event` line of every process."""

        async def one(process: asyncio.subprocess.Process) -> dict[str, Any]:
            assert process.stdout is not None
            while True:
                line = await process.stdout.readline()
                if not line:
                    raise RunFailed(f"a bot process exited (status {await process.wait()})")
                message: dict[str, Any] = json.loads(line)
                if message.get("event") == event:
                    return message

        try:
            return await asyncio.wait_for(
                asyncio.gather(*(one(p) for p in self.processes)), timeout
            )
        except TimeoutError as error:
            raise RunFailed(f"the bots did not report {event!r} within {timeout:g} s") from error

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.send({"do": "quit"})
        for process in self.processes:
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


def server_command(args: argparse.Namespace, side: str, port: int, work: Path) -> list[str]:
    python = sys.executable
    if side == "baseline":
        return [
            *(python, "-m", "benchmarks.baseline_server", "--port", str(port)),
            *("--bank", str(work / "banks" / BANK.name), "--time-limit", str(time_limit(args))),
            *("--loop", "uvloop"),
        ]
    if side == "floor":
        return [python, "-m", "benchmarks.starlette_floor", "--port", str(port)]
    command = [
        *(python, "-m", "quizkiosk.cli", "serve", "--host", "127.0.0.1", "--port", str(port)),
        *("--data-dir", str(work / "data"), "--banks", str(work / "banks")),
        # Every bot comes from 127.0.0.1 (a clinic's phones each have their own address);
        # in a storm the old and the new socket of a player overlap for a moment.
        *("--max-sockets-per-address", str(2 * args.players + 100)),
    ]
    if args.gc:
        command += ["--gc", args.gc]
    return command


def time_limit(args: argparse.Namespace) -> int:
    return 120 if args.scenario == "storm" else 30


def answer_policy(args: argparse.Namespace) -> dict[str, object]:
    if args.scenario == "fanout":
        low, _, high = args.think.partition("-")
        return {"do": "answer", "lead": float(low), "window": float(high) - float(low)}
    if args.scenario == "burst":
        return {"do": "answer", "lead": 0.5, "window": args.burst_window}
    if args.scenario == "rate":
        return {"do": "answer", "lead": 0.5, "window": args.players / args.rate}
    return {"do": "answer", "lead": 0.0, "window": 0.5}  # storm: after resuming


async def play_quiz(
    host: Host, bots: Bots, args: argparse.Namespace, opened: dict[int, float]
) -> None:
    """The whole quiz; `opened`: when the host sent each question's `start`/`next`."""
    await bots.send(answer_policy(args))
    step = time_limit(args) + 30
    opened[0] = await host.send("start")
    index = 0
    while True:
        _, message = await host.expect(("reveal", "leaderboard", "podium", "ended"), step)
        kind = message["type"]
        if kind == "reveal":
            await host.send("next")
        elif kind == "leaderboard":
            # A trainer looks at the leaderboard before pressing Space.
            await asyncio.sleep(args.host_pause)
            index += 1
            opened[index] = await host.send("next")
        elif kind == "podium":
            await host.send("next")
        else:
            return


async def play_storm(
    host: Host, bots: Bots, args: argparse.Namespace, opened: dict[int, float]
) -> None:
    await bots.send({"do": "answer", "off": True})
    opened[0] = await host.send("start")
    await host.expect(("question",), 30)
    await asyncio.sleep(2.0)  # every phone has the question; nobody has answered
    await bots.send(answer_policy(args))
    await bots.send({"do": "storm", "window": args.storm_window, "timeout": 30})
    await bots.gather("resumed", args.storm_window + 40)
    await host.expect(("reveal",), 30)  # everyone answered after resuming
    await host.send("end")
    await host.expect(("ended",), 30)


async def run_async(
    args: argparse.Namespace, side: str, number: int, work: Path, log_dir: Path
) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run: dict[str, Any] = {"side": side, "run": number, "players": args.players}
    log_path = log_dir / f"{args.scenario}-{args.players}-{side}-run{number}.log"
    run["server_log"] = str(log_path)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "QUIZKIOSK_GC_STATS": "1"}
    with log_path.open("w", encoding="utf-8") as log_file:
        server = subprocess.Popen(
            server_command(args, side, port, work),
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
        )
    bots: Bots | None = None
    spy: subprocess.Popen[bytes] | None = None
    try:
        wait_for_port(port)
        run["loop"] = event_loop_of(server.pid)
        token = ""
        if side == "ours":
            token = cli(work / "data", "trainers", "token", "bench")
            game: dict[str, Any] = await create_game(base, token, args)
        else:
            game = {"game_id": "baseline", "host_token": "x" * 16, "pin": "123456"}
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/host", max_size=2**22) as ws:
            host = Host(ws)
            if side != "floor":
                hello = {"type": "host", "protocol": 1, "game_id": game["game_id"]}
                await ws.send(json.dumps({**hello, "host_token": game["host_token"]}))
            host.reader = asyncio.create_task(host.read())
            bots = await start_bots(args, side, number, port, game["pin"], work, log_dir)
            if args.py_spy:
                profile = log_dir / f"{log_path.stem}-profile.txt"
                run["profile"] = str(profile)
                spy = subprocess.Popen(
                    [
                        *(args.py_spy, "record", "--pid", str(server.pid), "--format", "raw"),
                        *("--rate", "200", "--nonblocking", "--output", str(profile)),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            await asyncio.sleep(args.settle)
            before = proc_status(server.pid)
            cpu_before = cpu_seconds(server.pid)
            await bots.send({"do": "join", "rate": args.join_rate / args.processes, "timeout": 60})
            joined = await bots.gather("joined", args.players / args.join_rate + 90)
            run["joined"] = sum(j["joined"] for j in joined)
            run["join_seconds"] = max(j["seconds"] for j in joined)
            deadline = time.monotonic() + 15
            while side != "floor" and host.joined < run["joined"] and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            run["host_saw_joined"] = host.joined if side != "floor" else run["joined"]
            await asyncio.sleep(args.settle)
            after = proc_status(server.pid)
            run["rss_kib"] = {"before": before["VmRSS"], "after_join": after["VmRSS"]}
            run["rss_per_player_kib"] = (
                round((after["VmRSS"] - before["VmRSS"]) / run["joined"], 1) if run["joined"] else 0
            )
            opened: dict[int, float] = {}
            try:
                if args.scenario == "storm":
                    await play_storm(host, bots, args, opened)
                elif args.scenario != "memory":
                    await play_quiz(host, bots, args, opened)
            except RunFailed as error:
                run["failed"] = str(error)  # still collect what the players saw, to show it
            await asyncio.sleep(1.0)  # the last per-player frames after `ended`
            await bots.send({"do": "report"})
            reports = await bots.gather("report", 60)
            if args.keep_raw:
                raw = {"opened": opened, "reports": reports}
                (log_dir / f"{log_path.stem}-raw.json").write_text(json.dumps(raw))
            end = proc_status(server.pid)
            run["rss_kib"].update(end=end["VmRSS"], peak=end["VmHWM"])
            run["server_cpu_s"] = round(cpu_seconds(server.pid) - cpu_before, 2)
            run["bot_loop"] = sorted({r["loop"] for r in reports})
            host.reader.cancel()
        if side == "ours" and args.scenario != "memory":
            run["archived"] = await archived_answers(base, token, game["game_id"])
        summarise(run, reports, opened, args)
    except RunFailed as error:
        run.setdefault("failed", str(error))
    except Exception as error:  # anything else fails the run loudly, with the logs kept
        run.setdefault("failed", f"{type(error).__name__}: {error}")
    finally:
        if bots is not None:
            await bots.stop()
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes its profile and stops
            with contextlib.suppress(subprocess.TimeoutExpired):
                spy.wait(timeout=30)
        stop_server(server)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    run["gc"] = next((line for line in log.splitlines() if line.startswith("gc: ")), "")
    run["log_problems"] = log_problems(log)
    for bot_log in log_dir.glob(f"{log_path.stem}-bots*.log"):
        run["log_problems"] += log_problems(bot_log.read_text(errors="replace"))
    return run


async def create_game(base: str, token: str, args: argparse.Namespace) -> dict[str, Any]:
    """A game of the bench bank through the API: its game_id, pin and host_token."""
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(
            f"{base}/api/v1/games",
            headers={"Authorization": f"Bearer {token}"},
            json={"bank_id": "bench", "settings": {"time_per_question": time_limit(args)}},
        )
    if response.status_code != 201:
        raise RunFailed(f"could not create the game: {response.status_code} {response.text}")
    game: dict[str, Any] = response.json()
    return game


async def archived_answers(base: str, token: str, game_id: str) -> int:
    """How many answers of the game the archive holds, read through the results API."""
    async with httpx.AsyncClient(timeout=30) as http:
        results = await http.get(
            f"{base}/api/v1/games/{game_id}/results",
            headers={"Authorization": f"Bearer {token}"},
        )
    return len(results.json()["answers"])


def log_problems(text: str) -> list[str]:
    lines = text.splitlines()
    return [
        line
        for line in lines
        if "Traceback" in line or line.startswith(("ERROR", "CRITICAL")) or " ERROR " in line
    ]


async def start_bots(
    args: argparse.Namespace, side: str, number: int, port: int, pin: str, work: Path, logs: Path
) -> Bots:
    share = [args.players // args.processes] * args.processes
    share[0] += args.players - sum(share)
    processes = []
    stem = f"{args.scenario}-{args.players}-{side}-run{number}"
    for index, count in enumerate(share):
        with (logs / f"{stem}-bots{index}.log").open("w") as bot_log:
            processes.append(
                await asyncio.create_subprocess_exec(
                    *(sys.executable, "-m", "benchmarks.load_bots"),
                    *("--url", f"ws://127.0.0.1:{port}", "--pin", pin),
                    *("--players", str(count), "--name-prefix", f"P{index}"),
                    *("--seed", str(number * 100 + index + 1), "--banks", str(work / "banks")),
                    cwd=ROOT,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=bot_log,
                    limit=2**26,  # one report line holds every timing
                )
            )
    bots = Bots(processes)
    await bots.gather("ready", 60)
    return bots


def stop_server(server: subprocess.Popen[Any]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def summarise(
    run: dict[str, Any],
    reports: list[dict[str, Any]],
    opened: dict[int, float],
    args: argparse.Namespace,
) -> None:
    """Per-question and pooled figures of one run, from every bot process's report."""
    fanout: dict[int, list[float]] = {}
    acks: dict[int, list[float]] = {}
    sent_times: dict[int, list[float]] = {}
    sizes: dict[int, int] = {}
    for report in reports:
        for key, times in report["arrivals"].items():
            index = int(key)
            if index in opened:
                fanout.setdefault(index, []).extend((t - opened[index]) * 1000 for t in times)
        for key, values in report["acks"].items():
            acks.setdefault(int(key), []).extend(values)
        for key, values in report["sent_times"].items():
            sent_times.setdefault(int(key), []).extend(values)
        for key, size in report["question_bytes"].items():
            sizes[int(key)] = size
    run["fanout_ms"] = {
        "per_question": {i: percentiles(v) for i, v in sorted(fanout.items())},
        "pooled": percentiles([x for v in fanout.values() for x in v]),
        "received": {i: len(v) for i, v in sorted(fanout.items())},
    }
    run["ack_ms"] = {
        "per_question": {i: percentiles(v) for i, v in sorted(acks.items())},
        "pooled": percentiles([x for v in acks.values() for x in v]),
    }
    rates = {}
    for index, times in sorted(sent_times.items()):
        span = max(times) - min(times) if len(times) > 1 else 0.0
        rates[index] = round(len(times) / span) if span > 0 else 0
    run["answer_rate_per_s"] = rates
    run["question_bytes"] = dict(sorted(sizes.items()))
    frames: dict[str, int] = {}
    for report in reports:
        for kind, count in report["frames"].items():
            frames[kind] = frames.get(kind, 0) + count
    run["frames_per_player"] = {
        kind: round(count / max(1, run["joined"]), 2) for kind, count in sorted(frames.items())
    }
    run["sent"] = sum(r["sent"] for r in reports)
    run["acked"] = sum(r["acked"] for r in reports)
    refused: dict[str, int] = {}
    for report in reports:
        for code, count in report["refused"].items():
            refused[code] = refused.get(code, 0) + count
    run["refused"] = refused
    errors = [error for r in reports for error in r["errors"]]
    run["bot_errors"] = len(errors)
    run["bot_error_samples"] = errors[:20]
    run["not_joined"] = [e for e in errors if e[1] == "join"][:20]
    if args.scenario == "storm":
        dropped = [t for r in reports for t in r["dropped_at"]]
        resumed = [t for r in reports for t in r["resumed_at"]]
        run["storm"] = {
            "dropped": len(dropped),
            "resumed": len(resumed),
            "all_resumed_after_first_drop_s": (
                round(max(resumed) - min(dropped), 3) if dropped and resumed else None
            ),
            "drop_window_s": round(max(dropped) - min(dropped), 3) if dropped else None,
            "resume_ms": percentiles([x for r in reports for x in r["resume_ms"]]),
            "ack_after_resume_ms": percentiles(
                [x for r in reports for x in r["acks_after_resume"]]
            ),
        }


def failures_of(run: dict[str, Any], scenario: str) -> list[str]:
    label = f"{run['side']} run {run['run']}"
    found = []
    if "failed" in run:
        found.append(f"{label}: {run['failed']}")
    if run.get("log_problems"):
        found.append(
            f"{label}: {len(run['log_problems'])} Traceback/ERROR lines in the logs "
            f"(server log {run['server_log']}): {run['log_problems'][:3]}"
        )
    if run.get("bot_errors"):
        found.append(f"{label}: {run['bot_errors']} player errors: {run['bot_error_samples'][:5]}")
    if "joined" in run and (
        run["joined"] != run["players"] or run.get("host_saw_joined") != run["players"]
    ):
        found.append(
            f"{label}: joined {run['joined']} of {run['players']} expected (the host saw "
            f"{run.get('host_saw_joined')}); not joined: {run.get('not_joined')}"
        )
    if scenario != "memory" and "sent" in run:
        if run["sent"] != run["acked"]:
            found.append(f"{label}: {run['sent']} answers sent, {run['acked']} acknowledged")
        if "archived" in run and run["archived"] != run["acked"]:
            found.append(
                f"{label}: {run['acked']} answers acknowledged, {run['archived']} archived"
            )
        if run["sent"] == 0:
            found.append(f"{label}: no answers were sent")
    return found


def run_once(args: argparse.Namespace, side: str, number: int, log_dir: Path) -> dict[str, Any]:
    load, up = wait_for_quiet(args.max_load, args.load_wait)
    work = Path(tempfile.mkdtemp(prefix="qk-bench-"))
    try:
        banks = work / "banks"
        banks.mkdir()
        shutil.copy(BANK, banks / BANK.name)
        if side == "ours":
            cli(
                work / "data",
                "trainers",
                "add",
                "bench",
                "--admin",
                "--password-stdin",
                stdin="bench-pass-1\n",
            )
        run = asyncio.run(run_async(args, side, number, work, log_dir))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return with_load(run, load, up, args.max_load)


def with_load(run: dict[str, Any], load: float, up: str, max_load: float) -> dict[str, Any]:
    """The run with the load before it (and whether above `max_load`) and after it."""
    run["load_before"] = round(load, 2)
    run["uptime_before"] = up
    run["loaded"] = load > max_load
    run["load_after"] = round(os.getloadavg()[0], 2)
    return run


# ---- the report ---------------------------------------------------------------------------

Figure = tuple[str, Callable[[dict[str, Any]], float | None]]


def figures_for(scenario: str) -> list[Figure]:
    memory: list[Figure] = [
        ("RSS per idle player (KiB)", lambda r: r.get("rss_per_player_kib")),
        ("RSS before the join (MiB)", lambda r: r["rss_kib"]["before"] / 1024),
        ("RSS after the join (MiB)", lambda r: r["rss_kib"]["after_join"] / 1024),
    ]
    if scenario == "memory":
        return memory
    acks: list[Figure] = [
        ("ack p50 (ms)", lambda r: r["ack_ms"]["pooled"]["p50"]),
        ("ack p99 (ms)", lambda r: r["ack_ms"]["pooled"]["p99"]),
        ("ack max (ms)", lambda r: r["ack_ms"]["pooled"]["max"]),
    ]
    if scenario == "storm":
        return [
            (
                "all resumed, s after the first drop",
                lambda r: r["storm"]["all_resumed_after_first_drop_s"],
            ),
            ("resume p50 (ms)", lambda r: r["storm"]["resume_ms"]["p50"]),
            ("resume p99 (ms)", lambda r: r["storm"]["resume_ms"]["p99"]),
            ("resume max (ms)", lambda r: r["storm"]["resume_ms"]["max"]),
            ("ack after resume p50 (ms)", lambda r: r["storm"]["ack_after_resume_ms"]["p50"]),
            ("ack after resume p99 (ms)", lambda r: r["storm"]["ack_after_resume_ms"]["p99"]),
            ("answers lost", lambda r: r["sent"] - min(r["acked"], r.get("archived", r["acked"]))),
            ("server CPU (s)", lambda r: r.get("server_cpu_s")),
        ]
    fanout: list[Figure] = [
        ("question fan-out p50 (ms)", lambda r: r["fanout_ms"]["pooled"]["p50"]),
        ("question fan-out p99 (ms)", lambda r: r["fanout_ms"]["pooled"]["p99"]),
        ("question fan-out max (ms)", lambda r: r["fanout_ms"]["pooled"]["max"]),
        (
            "worst question's p99 (ms)",
            lambda r: max(q["p99"] for q in r["fanout_ms"]["per_question"].values()),
        ),
    ]
    rest: list[Figure] = [
        ("answers lost", lambda r: r["sent"] - min(r["acked"], r.get("archived", r["acked"]))),
        ("server CPU (s)", lambda r: r.get("server_cpu_s")),
        ("peak RSS (MiB)", lambda r: r["rss_kib"]["peak"] / 1024),
    ]
    if scenario in ("burst", "rate"):
        rate: list[Figure] = [
            (
                "answers/s (median question)",
                lambda r: statistics.median(r["answer_rate_per_s"].values()),
            ),
        ]
        return acks + rate + fanout + rest + memory[:1]
    return fanout + acks + rest + memory[:1]


def spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


def summary(args: argparse.Namespace, runs: list[dict[str, Any]]) -> dict[str, Any]:
    used = {side: [r for r in runs if r["side"] == side and r.get("used")] for side in args.sides}
    table: dict[str, dict[str, Any]] = {}
    for name, pick in figures_for(args.scenario):
        row: dict[str, Any] = {}
        for side, side_runs in used.items():
            values = [v for v in (safe(pick, r) for r in side_runs) if v is not None]
            if values:
                row[side] = spread(values)
        if "ours" in row and "baseline" in row and row["baseline"]["median"]:
            row["ratio"] = round(row["ours"]["median"] / row["baseline"]["median"], 2)
            pairs = [
                (safe(pick, a), safe(pick, b))
                for a in used["ours"]
                for b in used["baseline"]
                if a["run"] == b["run"]
            ]
            ratios = [x / y for x, y in pairs if x is not None and y]
            if ratios:
                row["ratio_range"] = [round(min(ratios), 2), round(max(ratios), 2)]
        table[name] = row
    questions: dict[str, dict[int, dict[str, float]]] = {}
    if args.scenario != "memory":
        for side, side_runs in used.items():
            per_run = [r["fanout_ms"]["per_question"] for r in side_runs if "fanout_ms" in r]
            acks = [r["ack_ms"]["per_question"] for r in side_runs if "ack_ms" in r]
            if not per_run:
                continue
            indexes = set.intersection(*(set(p) for p in per_run))
            questions[side] = {
                i: {
                    "fanout_p50": round(statistics.median(p[i]["p50"] for p in per_run), 1),
                    "fanout_p99": round(statistics.median(p[i]["p99"] for p in per_run), 1),
                    "ack_p99": round(
                        statistics.median(a[i]["p99"] if i in a else 0.0 for a in acks), 1
                    ),
                }
                for i in sorted(indexes)
            }
    return {"figures": table, "per_question_median": questions}


def safe(pick: Callable[[dict[str, Any]], float | None], run: dict[str, Any]) -> float | None:
    try:
        return pick(run)
    except (KeyError, TypeError, ValueError):
        return None


def print_tables(args: argparse.Namespace, result: dict[str, Any]) -> None:
    sides = args.sides
    head = " | ".join(f"{s} median (range)" for s in sides)
    ratio = " | ours ÷ baseline (per-run range)" if {"ours", "baseline"} <= set(sides) else ""
    print(f"\n| figure | {head}{ratio} |")
    print("|---|" + "---:|" * (len(sides) + (1 if ratio else 0)))
    for name, row in result["figures"].items():
        cells = []
        for side in sides:
            v = row.get(side)
            cells.append(f"{v['median']:g} ({v['min']:g}–{v['max']:g})" if v else "–")
        if ratio:
            r = row.get("ratio")
            rng = row.get("ratio_range")
            cells.append(f"{r:g}× ({rng[0]:g}–{rng[1]:g})" if r is not None and rng else "–")
        print(f"| {name} | " + " | ".join(cells) + " |")
    questions = result["per_question_median"]
    if questions:
        print(
            "\n| question | "
            + " | ".join(f"{s} fan-out p50 / p99, ack p99 (ms)" for s in questions)
            + " |"
        )
        print("|---:|" + "---|" * len(questions))
        indexes = sorted({i for per in questions.values() for i in per})
        for i in indexes:
            cells = []
            for per in questions.values():
                q = per.get(i)
                cells.append(f"{q['fanout_p50']} / {q['fanout_p99']}, {q['ack_p99']}" if q else "–")
            print(f"| {i + 1} | " + " | ".join(cells) + " |")


def compact(run: dict[str, Any]) -> dict[str, Any]:
    """One run for the log line: the figures, not every timing."""
    keep = {k: v for k, v in run.items() if k not in ("bot_error_samples",)}
    for key in ("fanout_ms", "ack_ms"):
        if key in keep:
            keep[key] = {
                "pooled": keep[key]["pooled"],
                "per_question_p99": {i: p["p99"] for i, p in keep[key]["per_question"].items()},
            }
    return keep


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenario", choices=SCENARIOS, default="fanout")
    parser.add_argument("--players", type=int, default=None, help="(default: per scenario)")
    parser.add_argument("--runs", type=int, default=3, help="runs per side (median of these)")
    parser.add_argument(
        "--side",
        choices=(*SIDES, "both"),
        default="both",
        help="ours, baseline, both (default), or floor (a bare Starlette app; memory only)",
    )
    parser.add_argument("--processes", type=int, default=4, help="player processes")
    parser.add_argument("--think", default="0.5-4", help="fanout: seconds before answering")
    parser.add_argument("--burst-window", type=float, default=1.0, help="burst: seconds")
    parser.add_argument("--rate", type=float, default=4000, help="rate: answers a second")
    parser.add_argument("--storm-window", type=float, default=1.0, help="storm: seconds")
    parser.add_argument(
        "--host-pause", type=float, default=1.0, help="seconds the host waits on each leaderboard"
    )
    parser.add_argument("--join-rate", type=float, default=500, help="joins a second, all bots")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds before reading RSS")
    parser.add_argument(
        "--gc",
        choices=("tuned", "default"),
        default=None,
        help="quizkiosk serve --gc (default: the server's own default)",
    )
    parser.add_argument(
        "--max-load",
        type=float,
        default=1.0,
        help="a run starts once the 1-minute load is at most this",
    )
    parser.add_argument(
        "--load-wait", type=float, default=300, help="longest wait for that load, seconds"
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="how often a run that started above --max-load is done again",
    )
    parser.add_argument("--log-dir", type=Path, default=None)
    parser.add_argument(
        "--keep-raw", action="store_true", help="keep every timing of every run in --log-dir"
    )
    parser.add_argument(
        "--py-spy",
        default=None,
        metavar="PATH",
        help="profile the server with this py-spy (record, raw stacks) from the join to the "
        "end; such runs are for reading the profile, not for the figures",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    args = parser.parse_args()
    if args.players is None:
        args.players = DEFAULT_PLAYERS[args.scenario]
    if args.side == "floor" and args.scenario != "memory":
        parser.error("the Starlette floor only takes part in --scenario memory")
    args.sides = ["ours", "baseline"] if args.side == "both" else [args.side]

    limit = check_open_files(args.players, args.processes, args.scenario == "storm")
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="qk-bench-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"logs: {log_dir}", file=sys.stderr)
    runs: list[dict[str, Any]] = []
    failures: list[str] = []
    for number in range(1, args.runs + 1):
        order = args.sides if number % 2 else list(reversed(args.sides))
        for side in order:
            for attempt in range(args.retries + 1):
                run = run_once(args, side, number, log_dir)
                run["attempt"] = attempt + 1
                last = attempt == args.retries
                run["used"] = not run["loaded"] or last
                runs.append(run)
                print(json.dumps(compact(run)), file=sys.stderr)
                problems = failures_of(run, args.scenario)
                if problems:
                    failures += problems
                    break
                if run["used"]:
                    break
                print(
                    f"load was {run['load_before']} at the start: running it again", file=sys.stderr
                )
            if failures:
                break
        if failures:
            break

    result = summary(args, runs)
    report = {
        "scenario": args.scenario,
        "players": args.players,
        "runs": args.runs,
        "sides": args.sides,
        "bot_processes": args.processes,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "open_files": limit,
        "server_loops": sorted({f"{r['side']}: {r.get('loop')}" for r in runs}),
        "bot_loops": sorted({loop for r in runs for loop in r.get("bot_loop", [])}),
        "loaded_runs_used": [
            f"{r['side']} run {r['run']}" for r in runs if r["used"] and r["loaded"]
        ],
        **result,
        "per_run": [compact(r) for r in runs],
        "logs": str(log_dir),
    }
    notes = [
        f"{run['side']} run {run['run']} started at load {run['load_before']} "
        f"(above {args.max_load}) after {args.retries} retries"
        for run in runs
        if run["used"] and run["loaded"]
    ]
    return publish(args, report, result, failures, notes)


def publish(
    args: argparse.Namespace,
    report: dict[str, Any],
    result: dict[str, Any],
    failures: list[str],
    notes: list[str],
) -> int:
    """Print the report (and write it to --json), its tables, the failures and the notes;
    the exit status: 1 if any run failed."""
    text = json.dumps(report, indent=2)
    if args.json:
        args.json.write_text(text)
    print(text)
    print_tables(args, result)
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    for note in notes:
        print(f"NOTE: {note}", file=sys.stderr)
    print(f"logs kept in {report['logs']}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
