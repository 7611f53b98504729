"""One WebSocket connection with a bounded send queue.

Broadcasts put the same pre-encoded frame into every queue without waiting; a
writer task drains each queue.  A client too slow to drain its queue is
disconnected (it may resume) rather than slowing the game for everyone.
Every way a connection ends sends a close frame with a documented code
(docs/protocol.md), so a client always knows whether to come back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from server.protocol import (
    CLOSE_ENDED,
    CLOSE_JOIN_TIMEOUT,
    CLOSE_KICKED,
    CLOSE_NORMAL,
    CLOSE_REPLACED,
    CLOSE_RESTARTING,
    CLOSE_TOO_MANY_SOCKETS,
    CLOSE_TOO_SLOW,
)

SEND_QUEUE_LIMIT = 256
DRAIN_SECONDS = 1.0

__all__ = [
    "CLOSE_ENDED",
    "CLOSE_JOIN_TIMEOUT",
    "CLOSE_KICKED",
    "CLOSE_NORMAL",
    "CLOSE_REPLACED",
    "CLOSE_RESTARTING",
    "CLOSE_TOO_MANY_SOCKETS",
    "CLOSE_TOO_SLOW",
    "Connection",
]

SendText = Callable[[str], Awaitable[None]]
Close = Callable[[int, str], Awaitable[None]]


class Connection:
    def __init__(
        self, send_text: SendText, close: Close, queue_limit: int = SEND_QUEUE_LIMIT
    ) -> None:
        self._send_text = send_text
        self._close = close
        self._queue: asyncio.Queue[str] = asyncio.Queue(queue_limit)
        self._writer = asyncio.create_task(self._write_loop())
        self._closing: asyncio.Task[None] | None = None
        self.closed = False
        self.close_code: int | None = None

    def send(self, frame: str) -> None:
        """Queue a frame without waiting; drops the connection (the client may resume)
        if its queue is full."""
        if self.closed:
            return
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.close_soon(CLOSE_TOO_SLOW, "too slow to receive; reconnect to resume")

    def close_soon(self, code: int, reason: str) -> None:
        """Send what is queued (briefly), then close with `code`. Idempotent."""
        if self._closing is not None:
            return
        self.closed = True
        self.close_code = code
        self._closing = asyncio.get_running_loop().create_task(self._drain_then_close(code, reason))

    async def shutdown(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Close (unless a close is already under way) and wait until it is done."""
        self.close_soon(code, reason)
        assert self._closing is not None
        with contextlib.suppress(Exception):
            await self._closing

    async def _drain_then_close(self, code: int, reason: str) -> None:
        # Let already-queued frames (e.g. the "kicked" notice) go out first, briefly.
        if code != CLOSE_TOO_SLOW and not self._writer.done():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._queue.join(), timeout=DRAIN_SECONDS)
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._writer
        with contextlib.suppress(Exception):
            await self._close(code, reason)

    async def _write_loop(self) -> None:
        while True:
            frame = await self._queue.get()
            try:
                await self._send_text(frame)
            except Exception:
                self.closed = True
                return
            finally:
                self._queue.task_done()
