"""Simulated players: join by PIN, think like people, answer, reconnect when dropped.

The same bot plays a quiz or a case race (docs/case-race.md), whichever the PIN is:
in a race it answers each `race_step` after thinking, right with the chosen accuracy;
after a wrong `attempt_result` it waits out the penalty and tries again; it stops at
`race_finished`, `race_over` or `race_rank`. After a reconnect it carries on from the
step the server shows it (the `welcome` screen and the `race_step` that follows).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import websockets
from quizkiosk.bots.answer_key import AnswerKey
from quizkiosk.protocol import PROTOCOL_VERSION

RECONNECT_DELAYS = (0.2, 0.5, 1.0, 2.0, 4.0)
# After a wrong attempt the step is locked for the penalty, counted by the server from
# before it sent `attempt_result`; this margin keeps the retry clear of the lock and
# (with no penalty) below the per-connection rate limit.
RETRY_MARGIN = 0.2
# How long to wait before trying again after a refusal that can pass.
RETRY_AFTER = {"step_locked": 0.3, "rate_limited": 1.0, "not_saved": 1.0}
RACE_END_MESSAGES = ("race_finished", "race_over", "race_rank")


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
    # Case race.
    attempts_sent: int = 0
    attempts_acked: int = 0  # `attempt_result` received
    attempts_wrong: int = 0  # of those acked, wrong
    attempt_errors: Counter[str] = field(default_factory=Counter)  # refusals of attempts
    finished: int = 0  # players who did every step (`race_finished`)
    # (step index, wall-clock time the `race_step` frame arrived) per player.
    step_arrivals: list[tuple[int, float]] = field(default_factory=list)
    attempt_latencies_ms: list[float] = field(default_factory=list)  # send -> attempt_result

    def summary(self, timings: bool) -> dict[str, object]:
        result: dict[str, object] = {
            "players_joined": self.joined,
            "answers_sent": self.answers_sent,
            "answers_acked": self.answers_acked,
            "refused": dict(self.refused),
            "join_failures": dict(self.join_failures),
            "reconnects": self.reconnects,
            "attempts_sent": self.attempts_sent,
            "attempts_acked": self.attempts_acked,
            "attempts_wrong": self.attempts_wrong,
            "attempt_errors": dict(self.attempt_errors),
            "finished": self.finished,
        }
        if timings:
            result["question_arrivals"] = self.question_arrivals
            result["ack_latencies_ms"] = self.ack_latencies_ms
            result["step_arrivals"] = self.step_arrivals
            result["attempt_latencies_ms"] = self.attempt_latencies_ms
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
        # Case race: the step this connection is working on, when its attempt went out,
        # and whether the host has paused the race.
        self.race = False
        self.step: dict[str, object] | None = None
        self.attempt_sent_at: float | None = None
        self.counted_finish = False
        self.unpaused = asyncio.Event()
        self.unpaused.set()

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
        self.step = None
        self.attempt_sent_at = None
        try:
            async for raw in socket:
                arrived = time.time()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "welcome":
                    if self.token is None:
                        self.stats.joined += 1
                    self.token = message["resume_token"]
                    game = message.get("game")
                    self.race = isinstance(game, dict) and game.get("mode") == "race"
                    if self.race and not self._race_welcome(socket, message, arrived, pending):
                        self.finished = True
                        return
                elif self.race:
                    if not await self._race_message(socket, message, arrived, pending):
                        return
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

    # ---- the case race -----------------------------------------------------------------

    def _race_welcome(
        self,
        socket: websockets.ClientConnection,
        welcome: dict[str, object],
        arrived: float,
        pending: set[asyncio.Task[None]],
    ) -> bool:
        """Pick the race up where the welcome screen shows it; False once it is over."""
        screen = welcome.get("screen")
        if not isinstance(screen, dict):
            return True
        if isinstance(screen.get("finished"), dict):
            self._count_finish()
            return False
        if screen.get("phase") == "ended" or "rank" in screen:
            return False
        if screen.get("paused"):
            self.unpaused.clear()
        else:
            self.unpaused.set()
        step = screen.get("race_step")
        if isinstance(step, dict):
            self._on_step(socket, step, arrived, pending)
        return True

    async def _race_message(
        self,
        socket: websockets.ClientConnection,
        message: dict[str, object],
        arrived: float,
        pending: set[asyncio.Task[None]],
    ) -> bool:
        """Handle one message of a race; False when this player is done."""
        kind = message.get("type")
        if kind == "race_step":
            self._on_step(socket, message, arrived, pending)
        elif kind == "attempt_result":
            self._on_attempt_result(socket, message, pending)
        elif kind == "error":
            if "question" in message:
                return await self._on_attempt_error(socket, message, pending)
            self._on_error(message)
            return not self.finished
        elif kind == "paused":
            self.unpaused.clear()
        elif kind == "resumed":
            self.unpaused.set()
        elif kind in RACE_END_MESSAGES or kind == "kicked":
            if kind == "race_finished":
                self._count_finish()
            self.finished = True
            return False
        return True

    def _count_finish(self) -> None:
        if not self.counted_finish:
            self.counted_finish = True
            self.stats.finished += 1

    def _on_step(
        self,
        socket: websockets.ClientConnection,
        step: dict[str, object],
        arrived: float,
        pending: set[asyncio.Task[None]],
    ) -> None:
        index = _int(step.get("index"))
        if self.step is not None and _int(self.step.get("index")) == index:
            return  # the welcome screen's step, then the same step as its own frame
        self.stats.step_arrivals.append((index, arrived))
        self.step = step
        # After a resume the penalty of a wrong attempt may still be running.
        locked = _int(step.get("locked_ms")) / 1000
        think = self.rng.uniform(*self.settings.think)
        self._attempt_after(socket, locked + RETRY_MARGIN if locked > 0 else think, pending)

    def _on_attempt_result(
        self,
        socket: websockets.ClientConnection,
        result: dict[str, object],
        pending: set[asyncio.Task[None]],
    ) -> None:
        self.stats.attempts_acked += 1
        if self.attempt_sent_at is not None:
            self.stats.attempt_latencies_ms.append((time.monotonic() - self.attempt_sent_at) * 1000)
            self.attempt_sent_at = None
        if result.get("correct") is True:
            return  # the next `race_step` (or `race_finished`) follows
        self.stats.attempts_wrong += 1
        if self.step is not None and _int(self.step.get("index")) == _int(result.get("index")):
            penalty = _int(result.get("penalty_ms")) / 1000
            self._attempt_after(socket, penalty + RETRY_MARGIN, pending)

    async def _on_attempt_error(
        self,
        socket: websockets.ClientConnection,
        error: dict[str, object],
        pending: set[asyncio.Task[None]],
    ) -> bool:
        """A refused attempt: try again when that can help; False when done."""
        code = str(error.get("code"))
        self.stats.attempt_errors[code] += 1
        self.attempt_sent_at = None  # no `attempt_result` will come for it
        if code == "already_finished":
            self._count_finish()
            self.finished = True
            return False
        if code == "wrong_question":
            # Out of step with the server: reconnect, and carry on from the step it shows.
            await socket.close()
            return False
        if code == "paused":
            self.unpaused.clear()
            self._attempt_after(socket, 0.0, pending)  # once the race is resumed
        elif code == "invalid_answer":
            self._attempt_after(socket, self.rng.uniform(*self.settings.think), pending)
        elif code in RETRY_AFTER:
            self._attempt_after(socket, RETRY_AFTER[code], pending)
        # too_late: time is up, `race_over` is on its way.
        return True

    def _attempt_after(
        self,
        socket: websockets.ClientConnection,
        delay: float,
        pending: set[asyncio.Task[None]],
    ) -> None:
        if self.step is None:
            return
        task = asyncio.create_task(self._attempt_later(socket, self.step, delay))
        pending.add(task)
        task.add_done_callback(pending.discard)

    async def _attempt_later(
        self, socket: websockets.ClientConnection, step: dict[str, object], delay: float
    ) -> None:
        await asyncio.sleep(max(0.0, delay))
        await self.unpaused.wait()
        if step is not self.step:
            return  # superseded (a reconnect brought the step again)
        right = self.rng.random() < self.settings.accuracy
        value = self.key.step_answer(step, right, self.rng)
        self.attempt_sent_at = time.monotonic()
        self.stats.attempts_sent += 1
        with contextlib.suppress(websockets.ConnectionClosed):  # the session reconnects
            await socket.send(
                json.dumps({"type": "answer", "question": _int(step.get("index")), "value": value})
            )

    # ---- the quiz ------------------------------------------------------------------------

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


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


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
