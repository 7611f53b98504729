"""The output relay: the owner publishes a game's outgoing frames for the workers that
hold sockets of that game; each delivers them to its own sockets.

The owner encodes each message once, as today, and publishes the frame with its
audience (everyone, the hosts, the players, or one player) on the game's channel —
per-player frames too, so that one sequence orders everything of a game: a phone never
gets the reveal before its ack, nor the room's count before its welcome. Publishing is
one script per batch of outputs: it checks the lease (an ex-owner cannot publish),
numbers each frame with the game's sequence and publishes it.

Pub/sub may lose messages (a worker's connection drops, Redis restarts), so a listener
checks the numbers: a gap — or a new numbering, after Redis lost its data — means it
missed something, and it asks for its sockets to be resynchronised with their current
screens (`on_resync`; the wiring forwards a "resync" request to the owner). An owner
that could not publish (Redis down) skips a number on its next publication, so every
listener sees the gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import redis.exceptions
from quizkiosk.protocol import Audience, Everyone, Hosts, OnePlayer, Players
from quizkiosk.scale.inbox import NotOwner
from quizkiosk.scale.redis_link import Keys, RedisUnavailable, unavailable_as_error
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

log = logging.getLogger(__name__)
FOLLOW_TIMEOUT_SECONDS = 5.0
POLL_SECONDS = 0.05  # how soon a new subscription is made while the channel is quiet
_NOT_STARTED = -1  # a listener's position before the first frame after subscribing

# KEYS: sequence, numbering, lease. ARGV: lease token, channel, new numbering, numbers
# to skip, then one "audience frame" text per output.
_PUBLISH = """
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return -1 end
local numbering = redis.call('GET', KEYS[2])
if not numbering then
  numbering = ARGV[3]
  redis.call('SET', KEYS[2], numbering)
end
local seq = redis.call('INCRBY', KEYS[1], tonumber(ARGV[4]))
for i = 5, #ARGV do
  seq = redis.call('INCR', KEYS[1])
  redis.call('PUBLISH', ARGV[2], numbering .. ' ' .. seq .. ' ' .. ARGV[i])
end
return seq
"""


_BROADCASTS: dict[str, Audience] = {"E": Everyone(), "H": Hosts(), "P": Players()}


def encode_audience(audience: Audience) -> str:
    if isinstance(audience, OnePlayer):
        if not audience.player_id or " " in audience.player_id:
            raise ValueError(f"a player id is a non-empty word, not {audience.player_id!r}")
        return f"1:{audience.player_id}"
    if isinstance(audience, Everyone):
        return "E"
    if isinstance(audience, Hosts):
        return "H"
    return "P"


def decode_audience(text: str) -> Audience:
    if text.startswith("1:") and len(text) > 2:
        return OnePlayer(text[2:])
    found = _BROADCASTS.get(text)
    if found is None:
        raise ValueError(f"unknown audience {text!r}")
    return found


@dataclass(frozen=True, slots=True)
class Relayed:
    """One frame of a game, for the sockets of `audience` on this worker."""

    game_id: str
    seq: int
    audience: Audience
    frame: str


class OutputRelay:
    """The owner's side: publish a game's frames, numbered, while holding its lease."""

    def __init__(self, redis: Redis, keys: Keys | None = None) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        self._script = redis.register_script(_PUBLISH)
        self._missed: set[str] = set()  # games whose last publication failed

    def skip_next(self, game_id: str) -> None:
        """Number the game's next publication after a gap, so every listener resyncs
        (a new owner after a takeover: the others' sockets are not attached to it yet)."""
        self._missed.add(game_id)

    async def publish(
        self, game_id: str, lease_token: str, outputs: Sequence[tuple[Audience, str]]
    ) -> int:
        """Publish `outputs` (audience, encoded frame) in order; returns the last number.
        Raises NotOwner if another worker holds the lease (nothing is published), and
        RedisUnavailable if Redis cannot be reached (the listeners will see a gap)."""
        texts = [f"{encode_audience(audience)} {frame}" for audience, frame in outputs]
        if not texts:
            return 0
        keys = [
            self.keys.output_seq(game_id),
            self.keys.game(game_id, "outnumbering"),
            self.keys.lease(game_id),
        ]
        skip = 1 if game_id in self._missed else 0
        args: list[str | int] = [
            lease_token,
            self.keys.output_channel(game_id),
            secrets.token_hex(4),
            skip,
        ]
        try:
            with unavailable_as_error():
                seq = int(await self._script(keys=keys, args=[*args, *texts]))
        except RedisUnavailable:
            self._missed.add(game_id)
            raise
        if seq < 0:
            raise NotOwner(f"the lease of game {game_id} is held by another worker")
        self._missed.discard(game_id)
        return seq


class RelayListener:
    """A worker's side: one pub/sub connection following every game it holds sockets of.

    `on_frame` gets each frame in order; `on_resync(game_id)` is called when frames of
    a game may have been missed (a gap, a new numbering, a lost connection to Redis).
    Both run in the listener's task and must not block.
    """

    def __init__(
        self,
        redis: Redis,
        on_frame: Callable[[Relayed], None],
        on_resync: Callable[[str], None],
        keys: Keys | None = None,
    ) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        self._on_frame = on_frame
        self._on_resync = on_resync
        self._wanted: dict[str, asyncio.Future[None]] = {}  # game -> subscribed (future)
        self._position: dict[str, tuple[str | None, int]] = {}  # game -> numbering, seq
        self._subscribed: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._games_by_channel: dict[str, str] = {}

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="relay-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @property
    def following(self) -> list[str]:
        return list(self._wanted)

    async def follow(self, game_id: str, timeout: float = FOLLOW_TIMEOUT_SECONDS) -> None:
        """Receive `game_id`'s frames from now on; returns once every frame published
        after this call will arrive (call it before forwarding the socket's join).
        Raises RedisUnavailable if the subscription is not made within `timeout` (the
        game stays followed and will be, once Redis is back)."""
        self.start()
        future = self._wanted.get(game_id)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._wanted[game_id] = future
            self._games_by_channel[self.keys.output_channel(game_id)] = game_id
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError as error:
            raise RedisUnavailable(f"could not follow game {game_id} in time") from error

    def unfollow(self, game_id: str) -> None:
        """No socket of this game is left here."""
        future = self._wanted.pop(game_id, None)
        if future is not None and not future.done():
            future.cancel()
        self._position.pop(game_id, None)

    # ---- the listening task ------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        connected_before = False
        while True:
            pubsub = self.redis.pubsub()
            try:
                if connected_before:
                    # Whatever was published while we were away is lost to us.
                    for game_id in list(self._wanted):
                        self._on_resync(game_id)
                connected_before = True
                self._subscribed.clear()
                self._position.clear()
                await self._listen(pubsub)
            except (RedisUnavailable, redis.exceptions.ConnectionError, OSError) as error:
                failures += 1
                log.warning("relay connection lost (%s); reconnecting", error)
                await asyncio.sleep(min(2.0, 0.1 * failures))
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _listen(self, pubsub: PubSub) -> None:
        while True:
            await self._update_subscriptions(pubsub)
            if pubsub.connection is None:
                # Nothing followed yet: the driver has no connection to read from.
                await asyncio.sleep(POLL_SECONDS)
                continue
            with unavailable_as_error():
                message = await pubsub.get_message(timeout=POLL_SECONDS)
            if message is None:
                continue
            channel = str(message.get("channel"))
            game_id = self._games_by_channel.get(channel)
            if game_id is None or game_id not in self._wanted:
                continue
            if message["type"] == "subscribe":
                if game_id in self._position:
                    # Subscribed again: the driver reconnected by itself. Whatever was
                    # published meanwhile is lost to us.
                    self._on_resync(game_id)
                await self._start_position(game_id)
            elif message["type"] == "message":
                self._receive(game_id, str(message["data"]))

    async def _update_subscriptions(self, pubsub: PubSub) -> None:
        wanted = set(self._wanted)
        with unavailable_as_error():
            for game_id in sorted(wanted - self._subscribed):
                await pubsub.subscribe(self.keys.output_channel(game_id))
                self._subscribed.add(game_id)
            for game_id in sorted(self._subscribed - wanted):
                await pubsub.unsubscribe(self.keys.output_channel(game_id))
                self._subscribed.discard(game_id)
                self._games_by_channel.pop(self.keys.output_channel(game_id), None)

    async def _start_position(self, game_id: str) -> None:
        """Subscribed: every frame published from now on will arrive, so the first one
        received starts the count. (Reading the game's sequence here instead would
        drop frames published between the subscription and that read, which are on
        their way to us — a resync's welcomes, say.)"""
        self._position[game_id] = (None, _NOT_STARTED)
        future = self._wanted.get(game_id)
        if future is not None and not future.done():
            future.set_result(None)

    def _receive(self, game_id: str, data: str) -> None:
        position = self._position.get(game_id)
        if position is None:
            return  # before the subscription's starting point: covered by the welcome
        try:
            numbering, seq_text, audience_text, frame = data.split(" ", 3)
            seq = int(seq_text)
            audience = decode_audience(audience_text)
        except ValueError:
            log.error("game %s: a malformed relay message was ignored", game_id)
            return
        known_numbering, last = position
        if last == _NOT_STARTED:
            self._position[game_id] = (numbering, seq)
            self._on_frame(Relayed(game_id, seq, audience, frame))
            return
        if numbering != known_numbering and not (known_numbering is None and last == 0):
            # Redis lost the game's numbering (and with it, maybe, frames): start over.
            self._position[game_id] = (numbering, seq)
            self._on_resync(game_id)
            return
        if seq <= last:
            return  # published before our starting point
        self._position[game_id] = (numbering, seq)
        if seq != last + 1:
            self._on_resync(game_id)  # the current screens supersede what was missed
            return
        self._on_frame(Relayed(game_id, seq, audience, frame))
