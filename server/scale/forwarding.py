"""Forwarding commands to a game's owner, and its replies back, through Redis Streams.

A worker that holds a player's (or projector's) socket but not the game's lease
forwards each typed command to the owner: `XADD` to the game's command stream, which
Redis keeps until the owner has applied it (the owner reads with a consumer group and
acknowledges only once the command's input is durable; see `inbox.OwnerInbox`). If the
owner dies first, the entry stays pending and the next owner claims it — a forwarded
answer is never dropped on the floor.

Every request carries an idempotency key (`request_id`). The owner applies a request
at most once, however often it is delivered (a resend after a timeout, a redelivery
after a takeover), and answers every delivery with the same reply. Replies go to the
forwarding worker's own reply stream, read by one task per worker (`CommandForwarder`).

The messages the command causes (the ack, the welcome, the reveal) do not come back as
replies: the owner publishes them, in order with everything else of the game, through
the output relay (`relay.OutputRelay`). The reply says only whether the command was
applied or refused (and why), so the forwarding worker can answer a refusal as it
does today for a local game.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from dataclasses import dataclass, field

from quizkiosk.engine.commands import Command, from_record, to_record
from quizkiosk.scale.redis_link import (
    Keys,
    RedisUnavailable,
    stream_entries,
    unavailable_as_error,
)
from redis.asyncio import Redis

log = logging.getLogger(__name__)
REPLY_TIMEOUT_SECONDS = 3.0
# 4 x 3 s outlasts a takeover (lease ttl + check interval = 6 s, plus the rebuild).
SEND_ATTEMPTS = 4
REPLY_STREAM_LENGTH = 10_000  # replies are read at once; only a dead worker's pile up
REPLY_STREAM_TTL_MS = 24 * 3600 * 1000  # a dead worker's reply stream goes away by itself
READ_BLOCK_MS = 1000

# What a forwarded request asks the owner to do (the web edge's calls into the actor).
OPS = frozenset(
    {
        "act",  # apply `command` (answer, leave, a host button, kick, ...)
        "join",  # a new player: `command` is the JoinGame; args: token, connection
        "resume",  # a known player is back on a socket of the forwarding worker
        "detach",  # that socket went away
        "attach_host",  # a projector or remote; args: connection, join_url
        "detach_host",
        "resync",  # the forwarding worker missed relay messages: send current screens
    }
)
Json = dict[str, object]


class ForwardTimeout(TimeoutError):
    """No reply after every attempt: the owner is gone and nobody took over yet, or
    Redis is unreachable. The request may still be applied later (its entry waits)."""


@dataclass(frozen=True, slots=True)
class Forwarded:
    """One request to a game's owner, as it travels in the game's command stream."""

    request_id: str  # the idempotency key: applied at most once
    game_id: str
    op: str
    reply_to: str  # the forwarding worker
    command: Command | None = None
    at: float | None = None  # when it reached the forwarding worker (answers are judged by it)
    args: Json = field(default_factory=dict)
    entry_id: str = ""  # the stream entry it was read from (set by the owner's inbox)

    def fields(self) -> dict[str, str]:
        return {
            "r": self.request_id,
            "o": self.op,
            "w": self.reply_to,
            "c": json.dumps(to_record(self.command)) if self.command is not None else "",
            "t": repr(self.at) if self.at is not None else "",
            "a": json.dumps(self.args, separators=(",", ":")),
        }

    @classmethod
    def from_fields(cls, game_id: str, entry_id: str, data: dict[str, str]) -> Forwarded:
        """Decode a stream entry; ValueError if it is not a request."""
        try:
            op = data["o"]
            if op not in OPS:
                raise ValueError(f"unknown op {op!r}")
            command = from_record(json.loads(data["c"])) if data.get("c") else None
            args = json.loads(data.get("a") or "{}")
            if not isinstance(args, dict):
                raise ValueError("args are not an object")
            return cls(
                request_id=data["r"],
                game_id=game_id,
                op=op,
                reply_to=data["w"],
                command=command,
                at=float(data["t"]) if data.get("t") else None,
                args=args,
                entry_id=entry_id,
            )
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"not a forwarded request: {error}") from error


@dataclass(frozen=True, slots=True)
class Reply:
    request_id: str
    game_id: str
    # None: applied; else the refusal as the client gets it ({"code", "message", ...}).
    error: Json | None = None
    duplicate: bool = False  # answered from the record of an earlier delivery

    @property
    def ok(self) -> bool:
        return self.error is None


class CommandForwarder:
    """The forwarding side: one per worker, with the task that reads its replies."""

    def __init__(
        self,
        redis: Redis,
        worker_id: str,
        keys: Keys | None = None,
        *,
        reply_timeout: float = REPLY_TIMEOUT_SECONDS,
        attempts: int = SEND_ATTEMPTS,
    ) -> None:
        if not worker_id or " " in worker_id:
            raise ValueError("a worker id is a non-empty word")
        self.redis = redis
        self.worker_id = worker_id
        self.keys = keys or Keys()
        self.reply_timeout = reply_timeout
        self.attempts = attempts
        self._waiting: dict[str, asyncio.Future[Reply]] = {}
        self._reader: asyncio.Task[None] | None = None
        self._last_id = "0-0"  # our reply stream is new: worker ids are unique per process

    def start(self) -> None:
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_replies(), name="forward-replies")

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(ForwardTimeout("the worker is stopping"))
        self._waiting.clear()

    async def forward(
        self,
        game_id: str,
        op: str,
        command: Command | None = None,
        *,
        at: float | None = None,
        args: Json | None = None,
    ) -> Reply:
        """Hand a request to the game's owner and wait for its reply. Sent again with
        the same idempotency key if no reply comes in time; raises ForwardTimeout after
        the last attempt (and RedisUnavailable never: Redis down is a timeout here)."""
        if op not in OPS:
            raise ValueError(f"unknown op {op!r}; one of {sorted(OPS)}")
        if op in ("act", "join") and command is None:
            raise ValueError(f"op {op!r} needs a command")
        request = Forwarded(
            request_id=secrets.token_urlsafe(12),
            game_id=game_id,
            op=op,
            reply_to=self.worker_id,
            command=command,
            at=at,
            args=args or {},
        )
        self.start()
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._waiting[request.request_id] = future
        try:
            for attempt in range(1, self.attempts + 1):
                try:
                    await self.send(request)
                except RedisUnavailable as error:
                    log.warning("cannot forward to game %s (try %d): %s", game_id, attempt, error)
                try:
                    return await asyncio.wait_for(asyncio.shield(future), self.reply_timeout)
                except TimeoutError:
                    continue
            raise ForwardTimeout(f"no reply from the owner of game {game_id}")
        finally:
            self._waiting.pop(request.request_id, None)

    async def send(self, request: Forwarded) -> str:
        """One delivery of `request` to its game's stream (its entry id)."""
        with unavailable_as_error():
            entry_id = await self.redis.xadd(
                self.keys.commands(request.game_id),
                request.fields(),  # type: ignore[arg-type]
            )
        return str(entry_id)

    async def _read_replies(self) -> None:
        stream = self.keys.replies(self.worker_id)
        failures = 0
        while True:
            try:
                with unavailable_as_error():
                    found = await self.redis.xread({stream: self._last_id}, block=READ_BLOCK_MS)
                failures = 0
            except RedisUnavailable as error:
                failures += 1
                log.warning("cannot read replies: %s", error)
                await asyncio.sleep(min(2.0, 0.1 * failures))
                continue
            for _, entry_id, data in stream_entries(found):
                self._last_id = entry_id
                self._resolve(data)

    def _resolve(self, data: dict[str, str]) -> None:
        try:
            error = json.loads(data["e"]) if data.get("e") else None
            reply = Reply(data["r"], data["g"], error, duplicate=data.get("d") == "1")
        except (KeyError, json.JSONDecodeError):
            log.error("a malformed reply was ignored: %r", data)
            return
        future = self._waiting.get(reply.request_id)
        if future is not None and not future.done():
            future.set_result(reply)
