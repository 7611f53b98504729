"""The owner's side of command forwarding: one reader per worker for every game it owns.

When a worker takes a game over (or creates it) it calls `own`: the game's consumer
group is made if missing, and every entry still pending — read by the previous owner
but never acknowledged, because it died or paused before the command was durable — is
claimed and returned, oldest first. The owner applies those first (before the game's
timers fire, so an answer that arrived before the deadline is judged by its arrival
time), then whatever `read` brings.

`done` is called once the command's input is durable (or the command was refused):
in one atomic step it records the outcome under the request's idempotency key,
acknowledges and deletes the entry (and any resent copies of it), and puts the reply
on the forwarding worker's reply stream. It does so only while this worker still
holds the game's lease (the token is checked inside the same script): an ex-owner
that paused past its lease cannot answer for the new one.

A request is applied at most once. Before a request is handed out, the inbox checks
the request ids of the game's recorded inputs (given to `own` from the replay), the
outcomes recorded by `done` in Redis, and the requests it is applying right now; a
duplicate is answered with the recorded outcome and never handed out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import redis.exceptions
from quizkiosk.scale.forwarding import REPLY_STREAM_LENGTH, REPLY_STREAM_TTL_MS, Forwarded, Json
from quizkiosk.scale.redis_link import Keys, stream_entries, unavailable_as_error
from redis.asyncio import Redis
from redis.typing import KeyT, StreamIdT

log = logging.getLogger(__name__)
GROUP = "owners"
# How long a request's outcome is kept for redeliveries: resent copies come within seconds,
# and a copy that waits longer for a new owner is also checked against the recorded inputs.
APPLIED_TTL_MS = 15 * 60 * 1000
READ_BLOCK_MS = 250  # also how soon a newly owned game is read
READ_COUNT = 500
_OK = "ok"

_DONE = """
if redis.call('GET', KEYS[4]) ~= ARGV[10] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
for i = 11, #ARGV do
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
  redis.call('XDEL', KEYS[1], ARGV[i])
end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*',
  'r', ARGV[6], 'g', ARGV[7], 'e', ARGV[8], 'd', ARGV[9])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return 1
"""
_DISCARD = """
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
"""


class NotOwner(RuntimeError):
    """This worker no longer holds the game's lease: it must not answer for the game."""


@dataclass(slots=True)
class _Owned:
    lease_token: str
    applied: set[str] = field(default_factory=set)  # request ids in the recorded inputs
    in_flight: dict[str, list[str]] = field(default_factory=dict)  # request id -> entries


class OwnerInbox:
    def __init__(
        self,
        redis: Redis,
        worker_id: str,
        keys: Keys | None = None,
        *,
        block_ms: int = READ_BLOCK_MS,
        count: int = READ_COUNT,
    ) -> None:
        self.redis = redis
        self.worker_id = worker_id
        self.keys = keys or Keys()
        self.block_ms = block_ms
        self.count = count
        self._games: dict[str, _Owned] = {}
        self._done = redis.register_script(_DONE)
        self._discard = redis.register_script(_DISCARD)

    @property
    def games(self) -> list[str]:
        return list(self._games)

    async def own(
        self, game_id: str, lease_token: str, *, applied: Iterable[str] = ()
    ) -> list[Forwarded]:
        """Start reading `game_id` (this worker holds its lease with `lease_token`);
        `applied`: the request ids found in its recorded inputs. Returns every request
        not applied yet — those the previous owner had read, then those nobody read —
        oldest first."""
        self._games[game_id] = _Owned(lease_token, set(applied))
        await self._ensure_group(game_id)
        stream = self.keys.commands(game_id)
        claimed: list[Forwarded] = []
        start = "0-0"
        while True:
            with unavailable_as_error():
                reply: Any = await self.redis.xautoclaim(
                    stream, GROUP, self.worker_id, min_idle_time=0, start_id=start, count=100
                )
            start = str(reply[0])
            claimed += await self._decode(game_id, [(stream, reply[1])])
            if start == "0-0":
                break
        # And what arrived while the game had no owner, so the caller has all of it
        # before the game's timers run.
        while True:
            with unavailable_as_error():
                found = await self.redis.xreadgroup(
                    GROUP, self.worker_id, {stream: ">"}, count=self.count
                )
            entries = [(entry_id, data) for _, entry_id, data in stream_entries(found)]
            if not entries:
                break
            claimed += await self._decode(game_id, [(stream, entries)])
        return await self._fresh(claimed)

    def disown(self, game_id: str) -> None:
        """Stop reading the game (it ended, or the lease was lost)."""
        self._games.pop(game_id, None)

    async def read(self) -> list[Forwarded]:
        """New requests for the owned games (waits up to `block_ms` for some)."""
        if not self._games:
            return []
        streams: dict[KeyT, StreamIdT] = {self.keys.commands(g): ">" for g in self._games}
        try:
            with unavailable_as_error():
                found = await self.redis.xreadgroup(
                    GROUP, self.worker_id, streams, count=self.count, block=self.block_ms
                )
        except redis.exceptions.ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            # Redis lost its data (restarted without it): make the groups again.
            log.warning("command streams were lost; reading them afresh")
            for game_id in list(self._games):
                await self._ensure_group(game_id)
            return []
        by_stream = {self.keys.commands(game_id): game_id for game_id in self._games}
        requests: list[Forwarded] = []
        for stream, entry_id, data in stream_entries(found):
            owned_game = by_stream.get(stream)
            if owned_game is not None:
                requests += await self._decode(owned_game, [(stream, [(entry_id, data)])])
        return await self._fresh(requests)

    async def done(self, request: Forwarded, error: Json | None = None) -> None:
        """The request was applied and its input is durable (`error` None), or it was
        refused: record that, acknowledge it, reply. Raises NotOwner if the lease has
        gone to another worker (then nothing is recorded or acknowledged)."""
        owned = self._games.get(request.game_id)
        if owned is None:
            raise NotOwner(f"game {request.game_id} is not owned here")
        entries = owned.in_flight.pop(request.request_id, None) or [request.entry_id]
        outcome = json.dumps(error) if error is not None else _OK
        await self._answer(request, owned.lease_token, entries, outcome, duplicate=False)

    # ---- inside ------------------------------------------------------------------------

    async def _answer(
        self,
        request: Forwarded,
        lease_token: str,
        entries: list[str],
        outcome: str,
        *,
        duplicate: bool,
    ) -> None:
        keys = [
            self.keys.commands(request.game_id),
            self.keys.applied(request.game_id, request.request_id),
            self.keys.replies(request.reply_to),
            self.keys.lease(request.game_id),
        ]
        args: list[str | int] = [
            GROUP,
            outcome,
            APPLIED_TTL_MS,
            REPLY_STREAM_LENGTH,
            REPLY_STREAM_TTL_MS,
            request.request_id,
            request.game_id,
            "" if outcome == _OK else outcome,
            "1" if duplicate else "0",
            lease_token,
            *[entry for entry in entries if entry],
        ]
        with unavailable_as_error():
            answered = await self._done(keys=keys, args=args)
        if int(answered) != 1:
            self.disown(request.game_id)
            raise NotOwner(f"the lease of game {request.game_id} is held by another worker")

    async def _ensure_group(self, game_id: str) -> None:
        try:
            with unavailable_as_error():
                await self.redis.xgroup_create(
                    self.keys.commands(game_id), GROUP, id="0", mkstream=True
                )
        except redis.exceptions.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def _decode(self, game_id: str, found: Any) -> list[Forwarded]:
        requests = []
        for stream, entry_id, data in stream_entries(found):
            try:
                requests.append(Forwarded.from_fields(game_id, entry_id, data))
            except ValueError as error:
                # Bad input loses nothing else: drop this entry, keep the stream moving.
                log.error("game %s: entry %s dropped: %s", game_id, entry_id, error)
                with unavailable_as_error():
                    await self._discard(keys=[stream], args=[GROUP, entry_id])
        return requests

    async def _fresh(self, requests: list[Forwarded]) -> list[Forwarded]:
        """The requests not applied or being applied already; duplicates are answered."""
        if not requests:
            return []
        with unavailable_as_error():
            recorded = await self.redis.mget(
                [self.keys.applied(r.game_id, r.request_id) for r in requests]
            )
        fresh: list[Forwarded] = []
        for request, outcome in zip(requests, recorded, strict=True):
            owned = self._games.get(request.game_id)
            if owned is None:
                continue
            if request.request_id in owned.in_flight:
                # A resent copy of a request being applied: answered with it by `done`.
                owned.in_flight[request.request_id].append(request.entry_id)
            elif outcome is not None or request.request_id in owned.applied:
                await self._answer(
                    request,
                    owned.lease_token,
                    [request.entry_id],
                    str(outcome) if outcome is not None else _OK,
                    duplicate=True,
                )
            else:
                owned.in_flight[request.request_id] = [request.entry_id]
                fresh.append(request)
        return fresh
