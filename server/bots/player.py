"""Simulated players: join by PIN, think like people, answer, reconnect when dropped."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import websockets

from server.bots.answer_key import AnswerKey
from server.protocol import PROTOCOL_VERSION

RECONNECT_DELAYS = (0.2, 0.5, 1.0, 2.0, 4.0)


@dataclass
class BotStats:
    joined: int = 0
    answers_sent: int = 0
    answers_acked: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    reconnects: int = 0
    join_failures: Counter[str] = field(default_factory=Counter)
    # (question index, wall-clock time the question frame arrived) per player.
    question_arrivals: list[tuple[int, float]] = field(default_factory=list)
    ack_latencies_ms: list[float] = field(default_factory=list)

    def summary(self, timings: bool) -> dict[str, object]:
        result: dict[str, object] = {
            "players_joined": self.joined,
            "answers_sent": self.answers_sent,
            "answers_acked": self.answers_acked,
            "refused": dict(self.refused),
            "join_failures": dict(self.join_failures),
            "reconnects": self.reconnects,
        }
        if timings:
            result["question_arrivals"] = self.question_arrivals
            result["ack_latencies_ms"] = self.ack_latencies_ms
        return result


@dataclass
class BotSettings:
    url: str  # ws(s)://host:port
    pin: str
    accuracy: float = 0.7
    think: tuple[float, float] = (1.5, 6.0)


class SimulatedPlayer:
    def __init__(
        self, name: str, settings: BotSettings, key: AnswerKey, stats: BotStats, seed: int
    ) -> None:
        self.name = name
        self.settings = settings
        self.key = key
        self.stats = stats
        self.rng = random.Random(seed)
        self.token: str | None = None
        self.finished = False
        self.answered: set[int] = set()
        self.sent_at: dict[int, float] = {}

    async def run(self) -> None:
        attempt = 0
        while not self.finished:
            try:
                async with websockets.connect(
                    f"{self.settings.url}/ws/play", max_size=2**20, open_timeout=30
                ) as socket:
                    attempt = 0
                    await self._session(socket)
            except (TimeoutError, OSError, websockets.ConnectionClosed):
                pass
            if self.finished or self.token is None:
                return
            self.stats.reconnects += 1
            await asyncio.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
            attempt += 1

    async def _session(self, socket: websockets.ClientConnection) -> None:
        if self.token is None:
            await socket.send(
                json.dumps(
                    {
                        "type": "join",
                        "protocol": PROTOCOL_VERSION,
                        "pin": self.settings.pin,
                        "name": self.name,
                    }
                )
            )
        else:
            await socket.send(
                json.dumps(
                    {
                        "type": "resume",
                        "protocol": PROTOCOL_VERSION,
                        "token": self.token,
                        "pin": self.settings.pin,
                    }
                )
            )
        pending: set[asyncio.Task[None]] = set()
        try:
            async for raw in socket:
                arrived = time.time()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "welcome":
                    if self.token is None:
                        self.stats.joined += 1
                    self.token = message["resume_token"]
                elif kind == "question":
                    self.stats.question_arrivals.append((int(message["index"]), arrived))
                    if int(message["index"]) not in self.answered:
                        task = asyncio.create_task(self._answer_later(socket, message))
                        pending.add(task)
                        task.add_done_callback(pending.discard)
                elif kind == "answer_ack":
                    index = int(message["question"])
                    self.stats.answers_acked += 1
                    if index in self.sent_at:
                        self.stats.ack_latencies_ms.append(
                            (arrived - self.sent_at.pop(index)) * 1000
                        )
                elif kind == "error":
                    self._on_error(message)
                    if self.finished:
                        return
                elif kind in ("ended", "kicked"):
                    self.finished = True
                    return
        finally:
            for task in pending:
                task.cancel()

    def _on_error(self, message: dict[str, object]) -> None:
        code = str(message.get("code"))
        if "question" in message:
            self.stats.refused[code] += 1
        elif self.token is None or code in ("unknown_token", "kicked", "token_wrong_game"):
            self.stats.join_failures[code] += 1
            self.finished = True

    async def _answer_later(
        self, socket: websockets.ClientConnection, message: dict[str, object]
    ) -> None:
        index = int(str(message["index"]))
        low, high = self.settings.think
        remaining = float(str(message.get("remaining_ms", 0))) / 1000
        delay = self.rng.uniform(low, high)
        if remaining > 0.5:
            delay = min(delay, remaining - 0.3)
        await asyncio.sleep(max(0.0, delay))
        right = self.rng.random() < self.settings.accuracy
        value = self.key.answer(message, right, self.rng)
        self.answered.add(index)
        self.sent_at[index] = time.time()
        self.stats.answers_sent += 1
        await socket.send(json.dumps({"type": "answer", "question": index, "value": value}))


async def run_bots(
    settings: BotSettings, players: int, key: AnswerKey, name_prefix: str = "Bot", seed: int = 1
) -> BotStats:
    stats = BotStats()
    bots = [
        SimulatedPlayer(f"{name_prefix} {n:04d}", settings, key, stats, seed * 100_003 + n)
        for n in range(players)
    ]
    # Joining in small waves, as a room of people does, without a thundering herd.
    tasks = []
    for bot in bots:
        tasks.append(asyncio.create_task(bot.run()))
        await asyncio.sleep(0.005)
    await asyncio.gather(*tasks)
    return stats
