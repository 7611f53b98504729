"""The owner's side of sockets held by other workers (scaled out).

A game's owner publishes what its hub sends through the output relay
(`quizkiosk.scale.relay`): every broadcast once, with its audience, and every frame
meant for one socket of another worker addressed to it. A `RelayedConnection` stands
in the hub for such a socket: what is written to it alone (a welcome, an ack, a
"kicked" close) is published for that socket; broadcasts skip it, the hub having
published them once for everyone (`Hub.tap`).

`GamePublisher` keeps one game's frames in order and publishes them in batches, one
script call each, while the lease is held. A batch that cannot be published (Redis
down) is dropped: the relay numbers the next one after a gap, so every listener
resyncs its sockets with their current screens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from quizkiosk.live.connection import Connection
from quizkiosk.protocol import Audience, OnePlayer
from quizkiosk.scale.inbox import NotOwner
from quizkiosk.scale.redis_link import RedisUnavailable
from quizkiosk.scale.relay import OutputRelay

log = logging.getLogger(__name__)
# A frame that closes one socket: "close <link id> <code> <reason>" (a JSON frame
# starts with "{", so the two never mix).
CLOSE_WORD = "close"
HOST_PREFIX = "~"  # relay ids of host sockets ("~<link id>"); player ids never start so


def host_audience(link_id: str) -> OnePlayer:
    return OnePlayer(HOST_PREFIX + link_id)


def close_frame(link_id: str, code: int, reason: str) -> str:
    return f"{CLOSE_WORD} {link_id} {code} {reason}"


def parse_close(frame: str) -> tuple[str, int, str] | None:
    """(link id, code, reason) of a close frame; None for any other frame."""
    if not frame.startswith(CLOSE_WORD + " "):
        return None
    parts = frame.split(" ", 3)
    try:
        return parts[1], int(parts[2]), parts[3] if len(parts) > 3 else ""
    except (IndexError, ValueError):
        return None


async def _nothing_to_send(frame: str) -> None:
    return None


async def _nothing_to_close(code: int, reason: str) -> None:
    return None


class RelayedConnection(Connection):
    """A socket on another worker, as the owner's hub sees it."""

    __slots__ = ("_publish", "audience", "link_id")
    relayed = True

    def __init__(self, publish: Callable[[Audience, str], None], audience: OnePlayer, link_id: str):
        super().__init__(_nothing_to_send, _nothing_to_close)
        self._publish = publish
        self.audience = audience
        self.link_id = link_id

    def send(self, frame: str) -> None:
        if not self.closed:
            self._publish(self.audience, frame)

    def close_soon(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        self._publish(self.audience, close_frame(self.link_id, code, reason))

    async def shutdown(self, code: int = 1000, reason: str = "") -> None:
        self.close_soon(code, reason)


class GamePublisher:
    """One game's outgoing frames, published in order while this worker owns it."""

    def __init__(
        self,
        relay: OutputRelay,
        game_id: str,
        lease_token: str,
        on_not_owner: Callable[[str], None],
    ) -> None:
        self.relay = relay
        self.game_id = game_id
        self.lease_token = lease_token
        self._on_not_owner = on_not_owner
        self._pending: list[tuple[Audience, str]] = []
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=f"publish-{game_id}")
        self.stopped = False

    def put(self, audience: Audience, frame: str) -> None:
        if self.stopped:
            return
        self._pending.append((audience, frame))
        self._wake.set()

    async def flushed(self) -> None:
        """Wait until everything put so far was handed to Redis (or dropped)."""
        while self._pending and not self._task.done():
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        self.stopped = True
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    await self.relay.publish(self.game_id, self.lease_token, batch)
                except RedisUnavailable as error:
                    log.warning(
                        "game %s: %d frames not relayed: %s", self.game_id, len(batch), error
                    )
                except NotOwner:
                    self.stopped = True
                    self._pending = []
                    self._on_not_owner(self.game_id)
                    return
                except Exception:
                    # Never let one odd reply stop the game's relay: the gap resyncs.
                    log.exception("game %s: %d frames not relayed", self.game_id, len(batch))
                    self.relay.skip_next(self.game_id)
