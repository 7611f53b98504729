"""The floor: a bare `websockets` server that plays the same quiz over the same wire.

    .venv/bin/python -m benchmarks.baseline_server --port 8001 --bank benchmarks/bench_bank.yaml

`benchmarks/live_quiz.py --side baseline` runs the same players and the same host driver
against it, so the product's figures can be read as ratios to this floor. It does the
same fan-out work on the same event loop, and nothing else:

- the same frames, byte for byte in size: the same `question` frames (the bank's texts
  in three languages, built once at start with the engine's own payload functions), the
  same `reveal`, `leaderboard`, `podium` and `ended`, and — encoded for each player —
  a `result` at every reveal and a `rank` at every leaderboard, podium and end;
- `welcome` on join and on resume (with the open question again as its own frame),
  `player_joined` and a coalesced `answered` count to the host, an `answer_ack` per
  answer;
- the same event loop as `quizkiosk serve`: uvicorn's default picks uvloop when it is
  installed (it is, with uvicorn[standard]), so this runs on uvloop unless told
  `--loop asyncio`.

What it leaves out is what the product is for: validation, scoring rules, rate limits,
the durable record before every ack and reveal, recovery. Broadcasts and per-player
frames are written straight to each socket (`websockets.broadcast`), which never waits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from quizkiosk.banks.loader import load_banks
from quizkiosk.engine.views import plan_question, public_question, reveal_payload
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

LEADERBOARD_SIZE = 10  # as quizkiosk.engine.quiz_events
PODIUM_SIZE = 3
ANSWERED_EVERY = 0.25  # seconds between answered counts to the host (as the product)
MAX_SIZE = 64 * 1024  # as quizkiosk.config.WS_MAX_BYTES
BACKLOG = 2048  # uvicorn's default listen backlog (asyncio's default of 100 drops SYNs)


def encode(message: Mapping[str, object]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


@dataclass(slots=True)
class Player:
    id: str
    name: str
    order: int
    socket: ServerConnection | None
    score: int = 0
    correct_count: int = 0
    points: int = 0  # of the question just closed
    answered: bool = False


class Baseline:
    def __init__(self, bank: Path, time_limit: int) -> None:
        catalog = load_banks([bank.parent])
        questions = next(iter(catalog.banks.values())).questions
        rng = random.Random(1)
        self.plan = [plan_question(i, q, time_limit, False, rng) for i, q in enumerate(questions)]
        self.time_limit = time_limit
        self.players: dict[str, Player] = {}  # by resume token
        self.sockets: dict[ServerConnection, Player] = {}
        self.hosts: set[ServerConnection] = set()
        self.phase = "lobby"
        self.index = -1
        self.opened_at = 0.0
        self.answered = 0
        self.distribution: list[int] = []
        self.last_count = 0.0
        self.deadline: asyncio.TimerHandle | None = None

    # ---- frames --------------------------------------------------------------------

    def summary(self) -> dict[str, object]:
        return {
            "id": "baseline",
            "pin": "123456",
            "title": {"uz": "Baseline", "ru": "Baseline", "en": "Baseline"},
            "mode": "quiz",
            "total": len(self.plan),
            "phase": self.phase,
            "locked": False,
        }

    def question(self) -> str:
        played = self.plan[self.index]
        payload = public_question(played, len(self.plan), True)
        remaining = max(0.0, self.opened_at + self.time_limit - time.monotonic())
        return encode(
            {
                "type": "question",
                "index": payload["index"],
                "total": payload["total"],
                "kind": payload["kind"],
                "text": payload["text"],
                "time_limit": payload["time_limit"],
                "points": payload["points"],
                "image": payload["image"],
                "show_text_on_phones": True,
                "remaining_ms": round(remaining * 1000),
                "paused": False,
                **({"choices": payload["choices"]} if "choices" in payload else {}),
            }
        )

    def standings(self) -> list[Player]:
        return sorted(self.players.values(), key=lambda p: (-p.score, p.order))

    def top(self, size: int) -> list[dict[str, object]]:
        return [
            {"rank": rank, "name": p.name, "score": p.score, "id": p.id}
            for rank, p in enumerate(self.standings()[:size], start=1)
        ]

    def send_ranks(self) -> None:
        count = len(self.players)
        for rank, p in enumerate(self.standings(), start=1):
            if p.socket is not None:
                frame = {
                    "type": "rank",
                    "rank": rank,
                    "score": p.score,
                    "players": count,
                    "correct_count": p.correct_count,
                }
                broadcast((p.socket,), encode(frame))

    def everyone(self) -> list[ServerConnection]:
        return [*self.sockets, *self.hosts]

    # ---- messages --------------------------------------------------------------------

    async def handle(self, socket: ServerConnection) -> None:
        try:
            async for raw in socket:
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "answer":
                    self.answer(socket, message)
                elif kind == "join":
                    self.join(socket, str(message["name"]))
                elif kind == "resume":
                    self.resume(socket, str(message["token"]))
                elif kind == "host":
                    self.hosts.add(socket)
                    screen = {"phase": self.phase, "player_list": []}
                    hello = {
                        "type": "host_welcome",
                        "protocol": 1,
                        "game": self.summary(),
                        "join_url": "http://127.0.0.1/join",
                        "screen": screen,
                    }
                    broadcast((socket,), encode(hello))
                elif kind in ("start", "next"):
                    self.advance()
                elif kind == "end":
                    self.end()
        except ConnectionClosed:
            pass  # a phone that went away without a close frame (as in a storm)
        finally:
            self.hosts.discard(socket)
            player = self.sockets.pop(socket, None)
            if player is not None and player.socket is socket:
                player.socket = None

    def welcome(self, socket: ServerConnection, token: str, player: Player, resumed: bool) -> None:
        screen = {"phase": self.phase, "score": player.score, "rank": None, "players": 0}
        frame = {
            "type": "welcome",
            "protocol": 1,
            "resumed": resumed,
            "player": {"id": player.id, "name": player.name},
            "resume_token": token,
            "game": self.summary(),
            "screen": screen,
        }
        broadcast((socket,), encode(frame))
        if self.phase == "question" and resumed:
            broadcast((socket,), self.question())

    def join(self, socket: ServerConnection, name: str) -> None:
        token = secrets.token_urlsafe(24)
        player = Player(secrets.token_hex(8), name, len(self.players), socket)
        self.players[token] = player
        self.sockets[socket] = player
        self.welcome(socket, token, player, resumed=False)
        joined = {"type": "player_joined", "player": {"id": player.id, "name": name}}
        broadcast(self.hosts, encode({**joined, "count": len(self.players)}))

    def resume(self, socket: ServerConnection, token: str) -> None:
        player = self.players.get(token)
        if player is None:
            error = {"type": "error", "code": "unknown_token", "message": "unknown token"}
            broadcast((socket,), encode(error))
            return
        old = player.socket
        if old is not None and old is not socket:
            self.sockets.pop(old, None)
            asyncio.get_running_loop().create_task(old.close(4009, "replaced"))
        player.socket = socket
        self.sockets[socket] = player
        self.welcome(socket, token, player, resumed=True)

    def answer(self, socket: ServerConnection, message: dict[str, object]) -> None:
        player = self.sockets.get(socket)
        if player is None or self.phase != "question" or player.answered:
            return
        player.answered = True
        waited = time.monotonic() - self.opened_at
        player.points = max(0, round(1000 * (1 - waited / self.time_limit / 2)))
        player.score += player.points
        player.correct_count += 1
        value = message.get("value")
        ack = {"type": "answer_ack", "question": message["question"], "value": value}
        broadcast((socket,), encode(ack))
        self.answered += 1
        if isinstance(value, int) and 0 <= value < len(self.distribution):
            self.distribution[value] += 1
        now = time.monotonic()
        if now >= self.last_count + ANSWERED_EVERY:
            self.last_count = now
            count = {"type": "answered", "answered": self.answered, "expected": len(self.players)}
            broadcast(self.hosts, encode(count))
        if self.answered == len(self.players):
            self.reveal()

    # ---- the game ------------------------------------------------------------------

    def advance(self) -> None:
        if self.phase in ("lobby", "leaderboard"):
            self.index += 1
            self.answered = 0
            self.phase = "question"
            self.opened_at = time.monotonic()
            self.distribution = [0] * max(1, len(self.plan[self.index].choices))
            for p in self.players.values():
                p.answered = False
                p.points = 0
            broadcast(self.everyone(), self.question())
            loop = asyncio.get_running_loop()
            self.deadline = loop.call_later(self.time_limit, self.reveal)  # time is up
        elif self.phase == "question":
            self.reveal()
        elif self.phase == "reveal":
            last = self.index == len(self.plan) - 1
            self.phase = "podium" if last else "leaderboard"
            size = PODIUM_SIZE if last else LEADERBOARD_SIZE
            board = {"type": self.phase, "top": self.top(size), "players": len(self.players)}
            broadcast(self.everyone(), encode(board))
            self.send_ranks()
        elif self.phase == "podium":
            self.end()

    def reveal(self) -> None:
        if self.phase != "question":
            return
        if self.deadline is not None:
            self.deadline.cancel()
        self.phase = "reveal"
        played = self.plan[self.index]
        payload = reveal_payload(played, self.distribution, self.answered, self.answered)
        broadcast(
            self.everyone(), encode({"type": "reveal", **payload, "closed_by": "everyone_answered"})
        )
        count = len(self.players)
        for rank, p in enumerate(self.standings(), start=1):
            if p.socket is not None:
                result = {
                    "type": "result",
                    "players": count,
                    "correct": p.answered,
                    "answered": p.answered,
                    "points": p.points,
                    "score": p.score,
                    "rank": rank,
                }
                broadcast((p.socket,), encode(result))

    def end(self) -> None:
        self.phase = "ended"
        ended = {"type": "ended", "top": self.top(PODIUM_SIZE), "players": len(self.players)}
        broadcast(self.everyone(), encode(ended))
        self.send_ranks()


async def main(port: int, bank: Path, time_limit: int) -> None:
    baseline = Baseline(bank, time_limit)
    async with serve(
        baseline.handle,
        "127.0.0.1",
        port,
        compression=None,
        max_size=MAX_SIZE,
        backlog=BACKLOG,
    ) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bank", type=Path, required=True, help="the bank YAML the game plays")
    parser.add_argument("--time-limit", type=int, default=30, help="seconds per question")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    options = parser.parse_args()
    if options.loop == "uvloop":
        import uvloop

        uvloop.run(main(options.port, options.bank, options.time_limit))
    else:
        asyncio.run(main(options.port, options.bank, options.time_limit))
