"""One WebSocket connection with a bounded send queue.

Broadcasts put the same pre-encoded frame into every queue without waiting; a
writer task drains each queue.  A client too slow to drain its queue is
disconnected (it may resume) rather than slowing the game for everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

SEND_QUEUE_LIMIT = 256
CLOSE_TOO_SLOW = 4008
CLOSE_KICKED = 4003
CLOSE_REPLACED = 4009
CLOSE_ENDED = 4000

SendText = Callable[[str], Awaitable[None]]
Close = Callable[[int, str], Awaitable[None]]
OnSent = Callable[[float], None]


class Connection:
    def __init__(
        self, send_text: SendText, close: Close, queue_limit: int = SEND_QUEUE_LIMIT
    ) -> None:
        self._send_text = send_text
        self._close = close
        self._queue: asyncio.Queue[tuple[str, OnSent | None]] = asyncio.Queue(queue_limit)
        self._writer = asyncio.create_task(self._write_loop())
        self.closed = False
        self.close_code: int | None = None

    def send(self, frame: str, on_sent: OnSent | None = None) -> None:
        """Queue a frame without waiting; `on_sent` gets the time it reached the socket.

        Drops the connection (the client may resume) if its queue is full.
        """
        if self.closed:
            return
        try:
            self._queue.put_nowait((frame, on_sent))
        except asyncio.QueueFull:
            self.close_soon(CLOSE_TOO_SLOW, "too slow to receive; reconnect to resume")

    def close_soon(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        asyncio.get_running_loop().create_task(self._drain_then_close(code, reason))

    async def _drain_then_close(self, code: int, reason: str) -> None:
        # Let already-queued frames (e.g. the "kicked" notice) go out first, briefly.
        if code != CLOSE_TOO_SLOW:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._queue.join(), timeout=1.0)
        self._writer.cancel()
        with contextlib.suppress(Exception):
            await self._close(code, reason)

    async def _write_loop(self) -> None:
        while True:
            frame, on_sent = await self._queue.get()
            try:
                await self._send_text(frame)
            except Exception:
                self.closed = True
                return
            finally:
                self._queue.task_done()
            if on_sent is not None:
                on_sent(time.time())

    async def finish(self) -> None:
        """Stop the writer once the socket is gone."""
        self.closed = True
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._writer
