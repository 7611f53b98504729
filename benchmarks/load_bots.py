"""Benchmark players: many WebSocket clients in one process, driven over stdin/stdout.

    .venv/bin/python -m benchmarks.load_bots --url ws://127.0.0.1:8000 --pin 123456 \
        --players 500 --name-prefix P0 --banks benchmarks/bench_data

`benchmarks/live_quiz.py` starts several of these and sends them one JSON command a
line on stdin; each answers with one JSON event a line on stdout:

- `{"do": "join", "rate": 125, "timeout": 60}`: open a socket per player (at most `rate`
  a second) and send `join`; replies `{"event": "joined", "joined": n, "failed": {...}}`
  once every player has its `welcome` or has failed (with its error), or at `timeout`.
- `{"do": "answer", "lead": 0.5, "window": 3.5}`: from now on answer each new question
  `lead + uniform(0, window)` seconds after it arrived; `{"do": "answer", "off": true}`
  stops answering (the question arrives and is timed, nobody answers it).
- `{"do": "storm", "window": 1.0, "timeout": 30}`: every player drops its socket
  (no close frame, as a phone that loses Wi-Fi) at a random moment within `window`
  seconds, reconnects at once and sends `resume`; replies `{"event": "resumed", ...}`.
- `{"do": "report"}`: replies `{"event": "report", ...}` with everything measured.
- `{"do": "quit"}`: closes every socket and exits.

Each socket is a bare `asyncio.Protocol` around the sans-I/O `websockets` client, so a
bot costs no task and no keepalive timer of its own, and a frame is time-stamped when
its bytes arrive (`time.monotonic()`, the system-wide clock the driver reads too).
Anything unexpected — a connection refused, a failed handshake, a socket closed by the
server, an `error` message — is kept with the player's name and reported.

The process runs with the garbage collector off: a full collection over 500 players'
state stalls every socket of the process at once, and the frames that arrive meanwhile
would be time-stamped late — a pause of the measuring tool, not of the server (it put
a 100-150 ms tail on every second question, on both servers alike). A run lasts minutes;
what cycles the players leave behind is freed when the process ends.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, cast

from quizkiosk.bots.answer_key import AnswerKey
from quizkiosk.protocol import PROTOCOL_VERSION
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.uri import parse_uri

# A close the server sends on purpose once the game is over; anything else is an error.
EXPECTED_CLOSES = {1000, 1001, 4000}


def event_loop_name() -> str:
    """Which event loop this process runs (the driver reports it)."""
    return type(asyncio.get_running_loop()).__module__.split(".")[0]


class Link(asyncio.Protocol):
    """One WebSocket connection of one player."""

    def __init__(self, player: Player) -> None:
        self.player = player
        self.ws = ClientProtocol(player.swarm.uri, max_size=2**22)
        self.transport: asyncio.Transport | None = None
        self.partial: list[bytes] = []
        self.dropped = False  # we dropped it on purpose (a storm)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        self.ws.send_request(self.ws.connect())
        self.flush()

    def data_received(self, data: bytes) -> None:
        arrived = time.monotonic()
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Response):
                if self.ws.handshake_exc is not None:
                    self.player.failed(self, f"handshake: {self.ws.handshake_exc!r}")
                else:
                    self.player.opened(self)
            elif isinstance(event, Frame):
                self.frame(event, arrived)
        self.flush()  # pongs, the reply to a close
        if self.ws.close_expected() and self.transport is not None:
            self.transport.close()

    def frame(self, frame: Frame, arrived: float) -> None:
        if frame.opcode == Opcode.TEXT or frame.opcode == Opcode.CONT:
            self.partial.append(bytes(frame.data))
            if frame.fin:
                raw = b"".join(self.partial)
                self.partial = []
                self.player.message(self, raw, arrived)

    def eof_received(self) -> bool | None:
        self.ws.receive_eof()
        self.flush()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.player.lost(self, exc)

    def send(self, message: dict[str, object]) -> None:
        if self.ws.state is not State.OPEN:
            return
        self.ws.send_text(json.dumps(message).encode())
        self.flush()

    def flush(self) -> None:
        data = self.ws.data_to_send()
        if data and self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"".join(data))

    def drop(self) -> None:
        """Lose the connection without a close frame (a phone leaving Wi-Fi)."""
        self.dropped = True
        if self.transport is not None:
            self.transport.abort()


class Player:
    def __init__(self, swarm: Swarm, name: str, seed: int) -> None:
        self.swarm = swarm
        self.name = name
        self.rng = random.Random(seed)
        self.link: Link | None = None
        self.token: str | None = None
        self.joined = False
        self.done = False  # welcome received or failed (the join, or a resume)
        self.ended = False
        self.resuming_since: float | None = None
        self.resumed = False
        self.seen: set[int] = set()  # questions this player has received
        self.answered: set[int] = set()
        self.sent_at: dict[int, float] = {}

    # ---- the connection -------------------------------------------------------------

    async def connect(self) -> None:
        link = Link(self)
        self.link = link
        loop = asyncio.get_running_loop()
        try:
            await loop.create_connection(lambda: link, self.swarm.host, self.swarm.port)
        except OSError as error:
            self.failed(link, f"connect: {error!r}")

    def opened(self, link: Link) -> None:
        if self.token is None:
            link.send(
                {
                    "type": "join",
                    "protocol": PROTOCOL_VERSION,
                    "pin": self.swarm.pin,
                    "name": self.name,
                }
            )
        else:
            link.send(
                {
                    "type": "resume",
                    "protocol": PROTOCOL_VERSION,
                    "token": self.token,
                    "pin": self.swarm.pin,
                }
            )

    def failed(self, link: Link, error: str) -> None:
        if link is not self.link:
            return
        stage = "join" if not self.joined else ("resume" if self.resuming_since else "play")
        self.swarm.error(self, stage, error)
        link.dropped = True  # its connection_lost is not a second error
        if link.transport is not None:
            link.transport.close()
        self.done = True
        self.swarm.progress()

    def lost(self, link: Link, exc: Exception | None) -> None:
        if link is not self.link or link.dropped:
            return
        code = link.ws.close_code
        if self.ended and (code is None or code in EXPECTED_CLOSES):
            return
        if self.swarm.quitting:
            return
        why = f"closed by the server ({code} {link.ws.close_reason or ''})".strip()
        self.failed(link, why if code is not None else f"connection lost: {exc!r}")

    # ---- messages ----------------------------------------------------------------

    def message(self, link: Link, raw: bytes, arrived: float) -> None:
        swarm = self.swarm
        data: dict[str, Any] = json.loads(raw)
        kind = data.get("type")
        swarm.frames[str(kind)] += 1
        if kind == "question":
            index = int(data["index"])
            if index not in self.seen:  # a fresh question, not the copy after a resume
                self.seen.add(index)
                swarm.arrivals[index].append(arrived)
                swarm.question_bytes[index] = len(raw)
            if index not in self.answered and swarm.answering:
                delay = swarm.lead + self.rng.uniform(0.0, swarm.window)
                remaining = float(data.get("remaining_ms", 0)) / 1000
                if remaining > 1.0:
                    delay = min(delay, remaining - 0.5)
                self.answered.add(index)
                asyncio.get_running_loop().call_later(
                    max(0.0, delay - (time.monotonic() - arrived)), self.answer, link, data
                )
        elif kind == "answer_ack":
            index = int(data["question"])
            sent = self.sent_at.pop(index, None)
            if sent is not None:
                swarm.acked += 1
                swarm.acks[index].append((arrived - sent) * 1000)
                if self.resumed:
                    swarm.acks_after_resume.append((arrived - sent) * 1000)
        elif kind == "welcome":
            self.token = str(data["resume_token"])
            if not self.joined:
                self.joined = True
                swarm.joined += 1
            elif self.resuming_since is not None:
                swarm.resume_ms.append((arrived - self.resuming_since) * 1000)
                swarm.resumed_at.append(arrived)
                self.resuming_since = None
                self.resumed = True
            self.done = True
            swarm.progress()
        elif kind == "error":
            code = str(data.get("code"))
            if "question" in data:
                swarm.refused[code] += 1
                self.sent_at.pop(int(data["question"]), None)
            swarm.error(self, "answer" if "question" in data else "message", f"error {code}")
            if not self.joined:
                self.done = True
                swarm.progress()
        elif kind == "ended":
            self.ended = True

    def answer(self, link: Link, question: dict[str, Any]) -> None:
        if link is not self.link or link.ws.state is not State.OPEN:
            self.answered.discard(int(question["index"]))  # answered after the resume
            return
        swarm = self.swarm
        index = int(question["index"])
        value = swarm.key.answer(question, self.rng.random() < swarm.accuracy, self.rng)
        self.sent_at[index] = time.monotonic()
        swarm.sent += 1
        swarm.sent_times[index].append(self.sent_at[index])
        link.send({"type": "answer", "question": index, "value": value})

    # ---- a storm --------------------------------------------------------------------

    def drop_and_resume(self) -> None:
        if self.link is None or not self.joined:
            return
        self.link.drop()
        self.done = False
        self.resumed = False
        self.resuming_since = time.monotonic()
        self.swarm.dropped_at.append(self.resuming_since)
        task = asyncio.get_running_loop().create_task(self.connect())
        self.swarm.tasks.add(task)
        task.add_done_callback(self.swarm.tasks.discard)


class Swarm:
    def __init__(self, args: argparse.Namespace) -> None:
        self.uri = parse_uri(f"{args.url.rstrip('/')}/ws/play")
        self.host, self.port = self.uri.host, self.uri.port
        self.pin: str = args.pin
        self.key = AnswerKey.from_banks(args.banks)
        self.players = [
            Player(self, f"{args.name_prefix} {n:04d}", args.seed * 100_003 + n)
            for n in range(args.players)
        ]
        self.tasks: set[asyncio.Task[None]] = set()
        self.quitting = False
        self.changed = asyncio.Event()
        # What to do with questions.
        self.answering = False
        self.lead = 0.5
        self.window = 3.5
        self.accuracy = args.accuracy
        # What was measured.
        self.joined = 0
        self.sent = 0
        self.acked = 0
        self.sent_times: dict[int, list[float]] = defaultdict(list)
        self.arrivals: dict[int, list[float]] = defaultdict(list)
        self.question_bytes: dict[int, int] = {}
        self.acks: dict[int, list[float]] = defaultdict(list)
        self.acks_after_resume: list[float] = []
        self.refused: Counter[str] = Counter()
        self.frames: Counter[str] = Counter()
        self.errors: list[tuple[str, str, str]] = []  # (player, stage, error)
        self.dropped_at: list[float] = []
        self.resumed_at: list[float] = []
        self.resume_ms: list[float] = []

    def error(self, player: Player, stage: str, error: str) -> None:
        self.errors.append((player.name, stage, error))

    def progress(self) -> None:
        self.changed.set()

    async def wait_all_done(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not all(p.done for p in self.players):
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    async def join(self, rate: float, timeout: float) -> dict[str, object]:
        started = time.monotonic()
        for number, player in enumerate(self.players):
            delay = started + number / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.get_running_loop().create_task(player.connect())
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        await self.wait_all_done(timeout)
        for player in self.players:
            if not player.done:
                self.error(player, "join", f"no welcome within {timeout:g} s")
        return {
            "event": "joined",
            "joined": self.joined,
            "seconds": round(time.monotonic() - started, 2),
        }

    async def storm(self, window: float, timeout: float) -> dict[str, object]:
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        for player in self.players:
            loop.call_later(random.uniform(0.0, window), player.drop_and_resume)
        await asyncio.sleep(window)
        await self.wait_all_done(timeout)
        for player in self.players:
            if not player.done:
                self.error(player, "resume", f"no welcome within {timeout:g} s of the storm")
        return {
            "event": "resumed",
            "resumed": len(self.resume_ms),
            "seconds": round(time.monotonic() - started, 2),
        }

    def report(self) -> dict[str, object]:
        return {
            "event": "report",
            "loop": event_loop_name(),
            "players": len(self.players),
            "joined": self.joined,
            "sent": self.sent,
            "acked": self.acked,
            "sent_times": self.sent_times,
            "arrivals": self.arrivals,
            "question_bytes": self.question_bytes,
            "acks": self.acks,
            "acks_after_resume": self.acks_after_resume,
            "refused": dict(self.refused),
            "frames": dict(self.frames),
            "errors": self.errors,
            "dropped_at": self.dropped_at,
            "resumed_at": self.resumed_at,
            "resume_ms": self.resume_ms,
        }

    def close_all(self) -> None:
        self.quitting = True
        for player in self.players:
            link = player.link
            if link is not None and link.transport is not None:
                with contextlib.suppress(Exception):
                    if link.ws.state is State.OPEN:
                        link.ws.send_close(1000)
                        link.flush()
                    link.transport.close()


def emit(event: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


async def serve_commands(swarm: Swarm) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    emit({"event": "ready", "loop": event_loop_name()})
    while True:
        line = await reader.readline()
        if not line:
            break  # the driver has gone
        command: dict[str, Any] = json.loads(line)
        do = command.get("do")
        if do == "join":
            emit(await swarm.join(float(command["rate"]), float(command["timeout"])))
        elif do == "answer":
            swarm.answering = not command.get("off", False)
            swarm.lead = float(command.get("lead", swarm.lead))
            swarm.window = float(command.get("window", swarm.window))
        elif do == "storm":
            emit(await swarm.storm(float(command["window"]), float(command["timeout"])))
        elif do == "report":
            emit(swarm.report())
        elif do == "quit":
            break
    swarm.close_all()
    await asyncio.sleep(0.2)  # let the close frames go out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", required=True, help="ws://127.0.0.1:PORT")
    parser.add_argument("--pin", required=True)
    parser.add_argument("--players", type=int, required=True)
    parser.add_argument("--name-prefix", default="P")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--accuracy", type=float, default=0.7)
    parser.add_argument("--banks", type=Path, required=True)
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    args = parser.parse_args()
    if not args.url.startswith("ws://127.0.0.1:"):
        parser.error("benchmark players only connect to ws://127.0.0.1")
    gc.disable()  # see the module's docstring
    swarm = Swarm(args)

    async def run() -> None:
        await serve_commands(swarm)

    if args.loop == "uvloop":
        import uvloop

        uvloop.run(run())
    else:
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
