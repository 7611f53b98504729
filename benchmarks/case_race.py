"""Case-race benchmark: a real server, bots racing in separate processes, the projector watched.

    .venv/bin/python -m benchmarks.case_race --participants 300 --runs 3

Each run starts a fresh `quizkiosk serve` on 127.0.0.1 (fresh data directory, the bundled
banks), creates a race through the JSON API, connects the projector, starts `quizkiosk
bots` in several processes, starts the race once everyone has joined, and ends it when
the track shows everyone finished. Per run it measures:

- attempt ack: a bot sends `answer` -> it receives `attempt_result` (sent only once the
  attempt is durable in SQLite);
- step-1 fan-out: host sends `start` -> each bot has `race_step` 0 (one frame for all);
- track-update fan-out: for each `race_track` frame, the time from the server building
  it to each host screen (the projector and `--screens` - 1 more, say the trainer's
  remote) receiving it, and the spread between the screens. A frame's `remaining_ms` is
  the race time left when the server built it, so with no pause it was built at the
  race's `started_at` (from the results API) + time limit - `remaining_ms`; the server
  and the screens share this machine's clock;
- the projector's track: the gaps between consecutive `race_track` frames while the race
  is busy (the server sends at most two a second while anything changes), and the delay
  from `start` to the first `race_track`;
- the server's resident memory (VmRSS) before the join, after it and at the end, and its
  peak (VmHWM); its CPU time;
- who joined against who was expected; attempts sent, acknowledged, archived.

The report gives each figure as the median of the runs with their range. The server log
of every run is kept (the path is printed); a Traceback in it fails the benchmark, as do
missing participants or an archive that differs from what the bots were told.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets

from benchmarks.live_quiz import ROOT, cli, free_port, percentiles, wait_for_port

BANKS = ROOT / "question_banks"
# Descriptors besides the sockets: the database, logs, the interpreter's own files.
SPARE_FILES = 200


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def check_open_files(participants: int, processes: int) -> str:
    """Every participant holds a socket in the server and one in a bot process: make sure
    `ulimit -n` allows it (raising the soft limit to the hard one if need be), or stop."""
    need = participants + SPARE_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need <= hard or (soft < need and hard == resource.RLIM_INFINITY):
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
        raised = f"raised from {soft} to {need} (hard limit {hard})"
        soft = need
    else:
        raised = ""
    if soft < need:
        sys.exit(
            f"ulimit -n is {soft} (hard limit {hard}): TOO LOW for {participants} participants "
            f"- the server needs about {need} open files. Raise it (`ulimit -n {need * 2}`, "
            "or LimitNOFILE= for a service) and run again."
        )
    note = f"ulimit -n {soft}" + (f" ({raised})" if raised else "")
    print(
        f"{note}: enough for {participants} participants "
        f"(server ~{need}, each of {processes} bot processes ~{participants // processes + 50})",
        file=sys.stderr,
    )
    return note


@dataclass(frozen=True)
class TrackFrame:
    """One `race_track` frame as a host screen received it."""

    arrived: float  # wall clock
    remaining_ms: int  # race time left when the server built it: identifies the frame
    participants: int
    finished: int


@dataclass
class Projector:
    """What the host screens saw: the projector (which drives the race) and the others."""

    joined: int = 0
    started_at: float = 0.0  # wall clock, when `start` was sent
    all_finished_at: float | None = None
    tracks: list[TrackFrame] = field(default_factory=list)  # the projector's
    other_screens: list[list[TrackFrame]] = field(default_factory=list)
    rss_after_join: dict[str, float] = field(default_factory=dict)
    over: bool = False


def host_hello(race: dict[str, Any]) -> str:
    return json.dumps(
        {
            "type": "host",
            "protocol": 1,
            "game_id": race["game_id"],
            "host_token": race["host_token"],
        }
    )


def track_frame(message: dict[str, Any], arrived: float) -> TrackFrame:
    return TrackFrame(
        arrived, message["remaining_ms"], message["participants"], message["histogram"][-1]
    )


async def watch_screen(ws_url: str, race: dict[str, Any], frames: list[TrackFrame]) -> None:
    """Another host screen (say the trainer's remote): keep every track until the end."""
    async with websockets.connect(f"{ws_url}/ws/host", max_size=2**22) as screen:
        await screen.send(host_hello(race))
        async for raw in screen:
            arrived = time.time()
            message = json.loads(raw)
            if message["type"] == "race_track":
                frames.append(track_frame(message, arrived))
            elif message["type"] == "race_over":
                return


async def drive_projector(
    ws_url: str,
    race: dict[str, Any],
    expected: int,
    join_timeout: float,
    race_timeout: float,
    server_pid: int,
    screens: int,
) -> Projector:
    seen = Projector()
    seen.other_screens = [[] for _ in range(screens - 1)]
    watchers = [
        asyncio.create_task(watch_screen(ws_url, race, frames)) for frames in seen.other_screens
    ]
    async with websockets.connect(f"{ws_url}/ws/host", max_size=2**22) as host:
        await host.send(host_hello(race))
        deadline = time.monotonic() + join_timeout
        while seen.joined < expected and time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(host.recv(), max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                break
            message = json.loads(raw)
            if message["type"] == "player_joined":
                seen.joined = message["count"]
            elif message["type"] == "host_welcome":
                seen.joined = len(message["screen"]["player_list"])
        await asyncio.sleep(0.5)  # let the last welcomes go out before measuring
        seen.rss_after_join = proc_status(server_pid)
        seen.started_at = time.time()
        await host.send(json.dumps({"type": "start"}))
        deadline = time.monotonic() + race_timeout
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(host.recv(), max(0.01, deadline - time.monotonic()))
            arrived = time.time()
            message = json.loads(raw)
            if message["type"] == "race_track":
                frame = track_frame(message, arrived)
                seen.tracks.append(frame)
                if frame.finished >= frame.participants and seen.all_finished_at is None:
                    seen.all_finished_at = arrived
                    await host.send(json.dumps({"type": "end"}))
            elif message["type"] == "race_over":
                seen.over = True
                break
    # The other screens stop at `race_over`, which went to every host at once.
    if watchers:
        done, pending = await asyncio.wait(watchers, timeout=10)
        for task in pending:
            task.cancel()
        for task in done:
            task.result()  # a screen that failed fails the run
    return seen


def track_fanout_ms(
    seen: Projector, started_at: float, time_limit: int
) -> tuple[list[float], list[float]]:
    """(build -> arrival at each screen, for every frame and screen; the spread between
    the first and the last screen to receive each frame seen by all of them).

    With no pause a frame was built at started_at + time limit - remaining_ms (to the
    millisecond: remaining_ms is rounded)."""
    screens = [seen.tracks, *seen.other_screens]
    delays = [
        (frame.arrived - (started_at + time_limit - frame.remaining_ms / 1000)) * 1000
        for frames in screens
        for frame in frames
    ]
    arrivals: dict[int, list[float]] = {}
    for frames in screens:
        for frame in frames:
            arrivals.setdefault(frame.remaining_ms, []).append(frame.arrived)
    spreads = [
        (max(times) - min(times)) * 1000
        for times in arrivals.values()
        if len(times) == len(screens)
    ]
    return delays, spreads


def track_gaps_ms(seen: Projector) -> list[float]:
    """Gaps between consecutive tracks while the race is busy: at least a tenth of the
    field (and 10 people) still racing, so something changes in every half second.
    The start's own track is left out (measured as start -> first track): nobody can
    answer before the shortest think time, so the next track waits for that."""
    gaps = []
    for before, after in zip(seen.tracks[1:], seen.tracks[2:], strict=False):
        if before.participants - before.finished >= max(10, before.participants // 10):
            gaps.append((after.arrived - before.arrived) * 1000)
    return gaps


def run_once(args: argparse.Namespace, number: int, log_dir: Path) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="qk-race-bench-"))
    banks = work / "banks"
    shutil.copytree(BANKS, banks)
    data = work / "data"
    cli(data, "trainers", "add", "bench", "--admin", "--password-stdin", stdin="bench-pass-1\n")
    token = cli(data, "trainers", "token", "bench")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = log_dir / f"server-run{number}.log"
    load_before = os.getloadavg()
    with log_path.open("w", encoding="utf-8") as log_file:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "quizkiosk.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(data),
                "--banks",
                str(banks),
                # Every bot comes from 127.0.0.1; a clinic's phones each have their own address.
                "--max-sockets-per-address",
                str(args.participants + 50),
            ],
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    bots: list[subprocess.Popen[str]] = []
    try:
        wait_for_port(port)
        headers = {"Authorization": f"Bearer {token}"}
        response = httpx.post(
            f"{base}/api/v1/races",
            headers=headers,
            timeout=10,
            json={
                "bank_id": args.bank,
                "settings": {
                    "case_ids": args.cases,
                    "time_limit": args.time_limit,
                    "penalty": args.penalty,
                },
            },
        )
        if response.status_code != 201:
            sys.exit(f"could not create the race: {response.status_code} {response.text}")
        race: dict[str, Any] = response.json()
        rss_before = proc_status(server.pid)
        cpu_before = cpu_seconds(server.pid)
        share = [args.participants // args.processes] * args.processes
        share[0] += args.participants - sum(share)
        for process, count in enumerate(share):
            with (log_dir / f"bots-run{number}-p{process}.log").open("w") as bot_log:
                bots.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "quizkiosk.cli",
                            "bots",
                            "--url",
                            base,
                            "--pin",
                            race["pin"],
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
                            str(number * 100 + process + 1),
                            "--name-prefix",
                            f"R{process}",
                        ],
                        cwd=ROOT,
                        stdout=subprocess.PIPE,
                        stderr=bot_log,
                        text=True,
                    )
                )
        seen = asyncio.run(
            drive_projector(
                f"ws://127.0.0.1:{port}",
                race,
                args.participants,
                args.join_timeout,
                args.time_limit + 30,
                server.pid,
                args.screens,
            )
        )
        rss_end = proc_status(server.pid)
        cpu_used = cpu_seconds(server.pid) - cpu_before
        summaries = [
            json.loads((bot.communicate(timeout=120)[0] or "{}").strip().splitlines()[-1])
            for bot in bots
        ]
        results = httpx.get(
            f"{base}/api/v1/games/{race['game_id']}/results", headers=headers, timeout=30
        ).json()
    finally:
        for bot in bots:
            if bot.poll() is None:
                bot.kill()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    log = log_path.read_text(encoding="utf-8", errors="replace")
    acks = [ms for s in summaries for ms in s["attempt_latencies_ms"]]
    step_one = [
        (arrived - seen.started_at) * 1000
        for s in summaries
        for index, arrived in s["step_arrivals"]
        if index == 0
    ]
    errors: dict[str, int] = {}
    for s in summaries:
        for code, count in s["attempt_errors"].items():
            errors[code] = errors.get(code, 0) + count
    first_track = seen.tracks[0].arrived - seen.started_at if seen.tracks else float("nan")
    fanout, spread = track_fanout_ms(seen, float(results["started_at"]), args.time_limit)
    return {
        "run": number,
        "expected": args.participants,
        "joined_host": seen.joined,
        "joined_bots": sum(s["players_joined"] for s in summaries),
        "join_failures": [s["join_failures"] for s in summaries if s["join_failures"]],
        "finished": sum(s["finished"] for s in summaries),
        "race_s": round((seen.all_finished_at or time.time()) - seen.started_at, 1),
        "race_over": seen.over,
        "ack_ms": percentiles(acks),
        "step1_fanout_ms": percentiles(step_one),
        "track_fanout_ms": percentiles(fanout),
        "track_fanout_min_ms": round(min(fanout), 2) if fanout else float("nan"),
        "track_spread_ms": percentiles(spread),
        "track_gap_ms": percentiles(track_gaps_ms(seen)),
        "tracks": len(seen.tracks),
        "screens": args.screens,
        "tracks_per_screen": [len(seen.tracks), *(len(f) for f in seen.other_screens)],
        "first_track_ms": round(first_track * 1000, 1),
        "rss_mb": {
            "before_join": round(rss_before["VmRSS"], 1),
            "after_join": round(seen.rss_after_join["VmRSS"], 1),
            "end": round(rss_end["VmRSS"], 1),
            "peak": round(rss_end["VmHWM"], 1),
        },
        "server_cpu_s": round(cpu_used, 1),
        "attempts_sent": sum(s["attempts_sent"] for s in summaries),
        "attempts_acked": sum(s["attempts_acked"] for s in summaries),
        "attempts_wrong": sum(s["attempts_wrong"] for s in summaries),
        "attempts_archived": len(results["attempts"]),
        "attempt_errors": errors,
        "reconnects": sum(s["reconnects"] for s in summaries),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "server_log": str(log_path),
        "tracebacks": log.count("Traceback"),
    }


def median_range(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


FIGURES: dict[str, tuple[str | int, ...]] = {
    "attempt ack p50 (ms)": ("ack_ms", "p50"),
    "attempt ack p99 (ms)": ("ack_ms", "p99"),
    "step-1 fan-out p50 (ms)": ("step1_fanout_ms", "p50"),
    "step-1 fan-out p99 (ms)": ("step1_fanout_ms", "p99"),
    "track-update fan-out p50 (ms)": ("track_fanout_ms", "p50"),
    "track-update fan-out p99 (ms)": ("track_fanout_ms", "p99"),
    "track-update fan-out max (ms)": ("track_fanout_ms", "max"),
    "track spread between screens p99 (ms)": ("track_spread_ms", "p99"),
    "track gap p50 (ms)": ("track_gap_ms", "p50"),
    "track gap p99 (ms)": ("track_gap_ms", "p99"),
    "track gap max (ms)": ("track_gap_ms", "max"),
    "start -> first track (ms)": ("first_track_ms",),
    "RSS before join (MB)": ("rss_mb", "before_join"),
    "RSS after join (MB)": ("rss_mb", "after_join"),
    "RSS at the end (MB)": ("rss_mb", "end"),
    "peak RSS (MB)": ("rss_mb", "peak"),
    "server CPU (s)": ("server_cpu_s",),
    "race, start -> all finished (s)": ("race_s",),
    "load average (1 min) before the run": ("load_before", 0),
    "joined (of expected)": ("joined_host",),
    "finished": ("finished",),
    "attempts acked": ("attempts_acked",),
    "attempts archived": ("attempts_archived",),
}


def pick(run: dict[str, Any], path: tuple[str | int, ...]) -> float:
    value: Any = run
    for key in path:
        value = value[key]
    return float(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=4, help="bot processes")
    parser.add_argument("--think", default="1-4", help="think time per step, seconds")
    parser.add_argument("--accuracy", type=float, default=0.7)
    parser.add_argument("--penalty", type=int, default=3, help="seconds a wrong step is locked")
    parser.add_argument("--time-limit", type=int, default=600)
    parser.add_argument("--bank", default="treatment-prescriptions")
    parser.add_argument(
        "--cases",
        nargs="+",
        default=["case-elderly-hypertension", "case-course-pneumonia"],
    )
    parser.add_argument(
        "--screens",
        type=int,
        default=2,
        help="host screens that get the track: the projector and the others (say a remote)",
    )
    parser.add_argument("--join-timeout", type=float, default=120)
    parser.add_argument(
        "--log-dir", type=Path, default=None, help="where the server logs are kept (default: new)"
    )
    args = parser.parse_args()

    limit = check_open_files(args.participants, args.processes)
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="qk-race-bench-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    runs = []
    for number in range(1, args.runs + 1):
        run = run_once(args, number, log_dir)
        print(json.dumps(run), file=sys.stderr)
        runs.append(run)
    report = {
        "participants": args.participants,
        "runs": args.runs,
        "bot_processes": args.processes,
        "host_screens": args.screens,
        "think_s": args.think,
        "accuracy": args.accuracy,
        "penalty_s": args.penalty,
        "bank": args.bank,
        "cases": args.cases,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "open_files": limit,
        "figures": {
            name: median_range([pick(r, path) for r in runs]) for name, path in FIGURES.items()
        },
        "per_run": runs,
        "server_logs": str(log_dir),
    }
    print(json.dumps(report, indent=2))
    print(f"\n| figure | median | range (of {args.runs}) |\n|---|---:|---|")
    for name, value in report["figures"].items():
        print(f"| {name} | {value['median']:g} | {value['min']:g} – {value['max']:g} |")

    failures = []
    for run in runs:
        label = f"run {run['run']}"
        if run["tracebacks"]:
            failures.append(f"{label}: Traceback in the server log {run['server_log']}")
        if run["joined_host"] != run["expected"] or run["joined_bots"] != run["expected"]:
            failures.append(
                f"{label}: {run['joined_host']} joined (bots: {run['joined_bots']}) "
                f"of {run['expected']} expected"
            )
        if run["attempts_archived"] != run["attempts_acked"]:
            failures.append(
                f"{label}: {run['attempts_archived']} attempts archived, "
                f"{run['attempts_acked']} acknowledged"
            )
        if not run["race_over"]:
            failures.append(f"{label}: the race did not end")
        if run["track_fanout_min_ms"] < -1:
            # A frame that arrived before it was built: the time read back is not the
            # server's (it was paused, or its clock is not this machine's).
            failures.append(
                f"{label}: a track arrived {run['track_fanout_min_ms']} ms before it was built"
            )
        if len(set(run["tracks_per_screen"])) > 1:
            failures.append(f"{label}: the screens got different tracks {run['tracks_per_screen']}")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    print(f"server logs kept in {log_dir}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
