"""Trainer review with 1,000,000 answers: generate the archive, then time its pages.

    .venv/bin/python -m benchmarks.review_archive                 # 500 / 5,000 / 1,000,000
    .venv/bin/python -m benchmarks.review_archive --answers 100000 --repeat 5   # quicker

1. Generates, into a fresh data directory, an archive of `--sessions` quiz sessions of
   the bundled banks (14 questions each, 10 trainers over the last year) played by
   `--staff` staff members from 20 departments, `--answers` answers in all — each staff
   member with their own skill and each question with its own difficulty, so the
   refresher list and the heat map have something to find. Rows go in with
   `executemany` in big transactions on a plain connection, after the real migrations
   up to 7: an archive as it was before the per-topic totals (migration 8), which the
   server then brings up to date the way it does after an upgrade — the migration
   queues every session, the first roll-up request recomputes them (timed apart).
2. Adds an admin and a trainer (`quizkiosk trainers add` / `token`) and starts a real
   `quizkiosk serve` on a free port on 127.0.0.1.
3. Requests each page and API route `--repeat` times (after two warm-up requests) as
   the admin (every session) and as one trainer (their own), and prints p50 and p95 of
   the wall-clock time per route as a Markdown table (docs/performance.md,
   "Trainer review with 1,000,000 answers").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from quizkiosk.archive.migrations import MIGRATIONS, migrate
from quizkiosk.banks.loader import BUNDLED_BANKS_DIR, load_banks
from quizkiosk.banks.model import Bank, Poll

QUESTIONS_PER_SESSION = 14  # every bundled bank has this many scored questions
TRAINERS = [f"trainer{n:02}" for n in range(1, 11)]
DEPARTMENTS = [f"Department {n:02}" for n in range(1, 21)]
YEAR = 365 * 86_400.0


@dataclass(frozen=True)
class Shape:
    sessions: int
    staff: int
    answers: int

    def players_in(self, number: int) -> int:
        """Participants of session `number`: the answers spread as evenly as they go."""
        places = self.answers // QUESTIONS_PER_SESSION
        return places // self.sessions + (1 if number < places % self.sessions else 0)


def quiz_banks() -> list[Bank]:
    banks = load_banks([BUNDLED_BANKS_DIR]).banks.values()
    return [b for b in sorted(banks, key=lambda b: b.id) if len(scored(b)) >= QUESTIONS_PER_SESSION]


def scored(bank: Bank) -> list[str]:
    return [q.id for q in bank.questions if not isinstance(q, Poll)]


def generate(path: Path, shape: Shape, seed: int = 2026) -> dict[str, str]:
    """Write the archive; returns a few ids worth timing (a session, a staff ID, ...)."""
    rng = random.Random(seed)
    banks = quiz_banks()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrate(conn, MIGRATIONS[:7])  # before the per-topic totals: the server back-fills them
    conn.execute("PRAGMA synchronous = OFF")  # generation only: the server uses FULL
    staff_department = {
        f"S{n:05}": DEPARTMENTS[rng.randrange(len(DEPARTMENTS))] for n in range(shape.staff)
    }
    skill = {staff_id: rng.uniform(0.35, 0.95) for staff_id in staff_department}
    difficulty: dict[tuple[str, str], float] = {}
    staff_ids = list(staff_department)
    now = time.time()
    for number in range(shape.sessions):
        bank = banks[number % len(banks)]
        questions = scored(bank)
        asked = rng.sample(questions, QUESTIONS_PER_SESSION)
        game_id = f"g{number:05}"
        created = now - YEAR + YEAR * number / shape.sessions
        trainer = TRAINERS[number % len(TRAINERS)]
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO games (id, pin, bank_id, mode, settings, trainer, created_at,"
            " started_at, ended_at, question_ids, seed) VALUES (?, ?, ?, 'quiz', '{}', ?, ?,"
            " ?, ?, ?, ?)",
            (
                game_id,
                f"{100000 + number}",
                bank.id,
                trainer,
                created,
                created + 60,
                created + 900,
                json.dumps(asked),
                number,
            ),
        )
        players = rng.sample(staff_ids, min(shape.players_in(number), len(staff_ids)))
        conn.executemany(
            "INSERT INTO participants (game_id, player_id, name, staff_id, department,"
            " joined_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (game_id, f"p{n}", f"Staff {s}", s, staff_department[s], created + n * 0.01)
                for n, s in enumerate(players)
            ],
        )
        rows = []
        scores = dict.fromkeys(range(len(players)), 0)
        for index, question_id in enumerate(asked):
            hard = difficulty.setdefault((bank.id, question_id), rng.uniform(-0.25, 0.2))
            for n, staff_id in enumerate(players):
                right = rng.random() < skill[staff_id] - hard
                points = 1000 if right else 0
                scores[n] += points
                rows.append(
                    (
                        game_id,
                        f"p{n}",
                        index,
                        question_id,
                        "0",
                        created + 60 + index * 30,
                        rng.randrange(1500, 20000),
                        int(right),
                        points,
                        "0",
                    )
                )
        conn.executemany(
            "INSERT INTO answers (game_id, player_id, question_index, question_id, payload,"
            " received_at, response_ms, correct, points, answer)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        ranking = sorted(scores.items(), key=lambda item: -item[1])
        conn.executemany(
            "INSERT INTO standings (game_id, player_id, rank, score, correct_count)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (game_id, f"p{n}", rank, score, score // 1000)
                for rank, (n, score) in enumerate(ranking, 1)
            ],
        )
        conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    weakest = min(staff_department, key=lambda s: skill[s])
    return {
        "game": f"g{shape.sessions - 1:05}",
        "trainer_game": f"g{shape.sessions - 1:05}",
        "staff": weakest,
        "department": DEPARTMENTS[0],
        "bank": banks[0].id,
        "trainer": TRAINERS[(shape.sessions - 1) % len(TRAINERS)],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "quizkiosk.cli", *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def serve(data_dir: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    log = (data_dir / "server.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
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
            str(data_dir),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((data_dir / "server.log").read_text())
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def routes(ids: dict[str, str]) -> list[tuple[str, str, str]]:
    """(who, label, path) to time; `who` is "admin" or "trainer"."""
    game, staff, department = ids["game"], ids["staff"], ids["department"]
    ninety_days_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 90 * 86_400))
    return [
        ("admin", "API sessions, page 1", "/api/v1/sessions"),
        ("admin", "API sessions, page 10", "/api/v1/sessions?page=10"),
        ("admin", "API sessions by department", f"/api/v1/sessions?department={department}"),
        (
            "admin",
            "API sessions by bank + dates",
            f"/api/v1/sessions?bank={ids['bank']}&from={ninety_days_ago}",
        ),
        ("admin", "API sessions by trainer", f"/api/v1/sessions?trainer={ids['trainer']}"),
        ("trainer", "API sessions (a trainer's own)", "/api/v1/sessions"),
        ("admin", "API session report", f"/api/v1/games/{game}/report"),
        ("admin", "API session results", f"/api/v1/games/{game}/results"),
        ("admin", "API export CSV", f"/api/v1/games/{game}/export.csv"),
        ("admin", "API export XLSX", f"/api/v1/games/{game}/export.xlsx"),
        ("admin", "API staff record", f"/api/v1/staff/{staff}"),
        ("admin", "API refresher list (all), page 1", "/api/v1/refreshers"),
        ("admin", "API refresher list (all), page 50", "/api/v1/refreshers?page=50"),
        ("admin", "API refresher list (90 days)", f"/api/v1/refreshers?from={ninety_days_ago}"),
        ("trainer", "API refresher list (a trainer's)", "/api/v1/refreshers"),
        ("admin", "API heat map (all)", "/api/v1/heatmap"),
        ("trainer", "API heat map (a trainer's)", "/api/v1/heatmap"),
        ("admin", "page /console/sessions", "/console/sessions"),
        (
            "admin",
            "page /console/sessions by department",
            f"/console/sessions?department={department}",
        ),
        ("admin", "page /console/sessions/{id}", f"/console/sessions/{game}"),
        ("admin", "page /console/staff/{id}", f"/console/staff/{staff}"),
        ("admin", "page /console/refreshers", "/console/refreshers"),
        ("admin", "page /console/refreshers, page 20", "/console/refreshers?page=20"),
        (
            "admin",
            "page /console/refreshers (90 days)",
            f"/console/refreshers?from={ninety_days_ago}",
        ),
        ("admin", "page /console/heatmap", "/console/heatmap"),
        ("trainer", "page /console/refreshers (a trainer's)", "/console/refreshers"),
        ("trainer", "page /console/heatmap (a trainer's)", "/console/heatmap"),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_routes(
    base_url: str, tokens: dict[str, str], ids: dict[str, str], repeat: int
) -> list[tuple[str, int, float, float, int]]:
    """(label, status, p50 ms, p95 ms, response bytes) per route."""
    found = []
    clients = {
        who: httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120
        )
        for who, token in tokens.items()
    }
    try:
        # An upgraded archive: the first roll-up copies the banks' topics in and
        # recomputes every queued session (migration 8's back-fill).
        started = time.perf_counter()
        clients["admin"].get("/api/v1/heatmap").raise_for_status()
        back_fill = (time.perf_counter() - started) * 1000
        print(f"  back-fill (first roll-up request): {back_fill:.0f} ms", file=sys.stderr)
        found.append(
            ("back-fill: the first roll-up request after the upgrade", 200, back_fill, back_fill, 0)
        )
        for who, label, path in routes(ids):
            client = clients[who]
            first = client.get(path)
            client.get(path)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            found.append(
                (
                    label,
                    first.status_code,
                    percentile(times, 0.5),
                    percentile(times, 0.95),
                    len(first.content),
                )
            )
            print(
                f"  {label}: {first.status_code} p50 {percentile(times, 0.5):.0f} ms",
                file=sys.stderr,
            )
        start = time_refresher_start(clients["admin"], ids, repeat)
        found.append(start)
    finally:
        for client in clients.values():
            client.close()
    return found


def time_refresher_start(
    client: httpx.Client, ids: dict[str, str], repeat: int
) -> tuple[str, int, float, float, int]:
    """POST /api/v1/refreshers for ten weak staff, weighted by what they missed."""
    needs = client.get("/api/v1/refreshers").json()["needs"]
    staff = list(dict.fromkeys(n["staff_id"] for n in needs))[:10] or [ids["staff"]]
    topic = needs[0]["topic"] if needs else "icd10"
    body = {"tags": [topic], "staff_ids": staff, "count": 8, "weight_missed": True}
    times, status, size = [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.post("/api/v1/refreshers", json=body)
        times.append((time.perf_counter() - started) * 1000)
        status, size = response.status_code, len(response.content)
    label = "API start a refresher (10 staff, weighted)"
    return label, status, percentile(times, 0.5), percentile(times, 0.95), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per route")
    parser.add_argument("--data-dir", type=Path, help="default: a fresh temporary folder")
    args = parser.parse_args()
    shape = Shape(args.sessions, args.staff, args.answers)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="quizkiosk-review-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "quizkiosk.sqlite3"
    if database.exists():
        parser.error(f"{database} exists: give an empty --data-dir")
    started = time.perf_counter()
    ids = generate(database, shape)
    generated = time.perf_counter() - started
    with sqlite3.connect(database) as conn:
        answers = conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        people = conn.execute("SELECT COUNT(DISTINCT staff_id) FROM participants").fetchone()[0]
    print(
        f"generated {shape.sessions} sessions, {people} staff, {answers} answers in "
        f"{generated:.0f} s ({database.stat().st_size / 1e6:.0f} MB) in {data_dir}",
        file=sys.stderr,
    )
    cli(
        data_dir,
        "trainers",
        "add",
        "admin",
        "--admin",
        "--password-stdin",
        stdin="admin-password\n",
    )
    cli(data_dir, "trainers", "add", ids["trainer"], "--password-stdin", stdin="trainer-password\n")
    tokens = {
        "admin": cli(data_dir, "trainers", "token", "admin"),
        "trainer": cli(data_dir, "trainers", "token", ids["trainer"]),
    }
    port = free_port()
    for _ in serve(data_dir, port):
        rows = time_routes(f"http://127.0.0.1:{port}", tokens, ids, args.repeat)
    print(
        f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}"
    )
    print(
        f"Archive: {shape.sessions} sessions, {people} staff, {answers} answers; "
        f"{args.repeat} timed requests per route after 2 warm-up requests\n"
    )
    print("| route | status | p50 (ms) | p95 (ms) | bytes |")
    print("|---|---:|---:|---:|---:|")
    for label, status, p50, p95, size in rows:
        print(f"| {label} | {status} | {p50:.0f} | {p95:.0f} | {size:,} |")
    with sqlite3.connect(database) as conn:
        rows_kept = conn.execute("SELECT COUNT(*) FROM topic_totals").fetchone()[0]
    print(f"\ntopic_totals: {rows_kept:,} rows; file {database.stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
