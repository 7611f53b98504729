"""One WebSocket connection with a bounded send queue and no task of its own when idle.

A broadcast hands the same pre-encoded frame to every connection without waiting.
When nothing is queued for a connection, its frame is written at once: straight to
the socket when the web layer gives a `WriteNow` for it (the frame encoded to UTF-8
once per broadcast, not once per player), else the send coroutine is driven by hand,
and with a socket that is not backed up it finishes without ever suspending (the ASGI
send path only waits when the socket's buffer is full). Only a connection that is
backed up gets a task, which finishes the write and drains its queue, then ends. So
2,000 idle players hold no 2,000 writer tasks, and a question reaches them without
2,000 task wake-ups.

A client too slow to drain its queue is disconnected (it may resume) rather than
slowing the game for everyone. Every way a connection ends sends a close frame with a
documented code (docs/protocol.md), so a client always knows whether to come back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ClassVar

from quizkiosk.protocol import (
    CLOSE_ENDED,
    CLOSE_JOIN_TIMEOUT,
    CLOSE_KICKED,
    CLOSE_NORMAL,
    CLOSE_REPLACED,
    CLOSE_RESTARTING,
    CLOSE_TOO_MANY_SOCKETS,
    CLOSE_TOO_SLOW,
)

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

SEND_QUEUE_LIMIT = 256
DRAIN_SECONDS = 1.0

SendText = Callable[[str], Coroutine[Any, Any, None]]
Close = Callable[[int, str], Awaitable[None]]
# Writes one text frame, given as UTF-8, straight to the socket if it can do so at once
# (True); False: it cannot now (backed up, closing), use `SendText`.
WriteNow = Callable[[bytes], bool]


class _Utf8Cache:
    """The UTF-8 of the last frame written: a broadcast hands the same string to every
    connection in turn, so it is encoded once, not once per player."""

    __slots__ = ("data", "text")

    def __init__(self) -> None:
        self.text = ""
        self.data = b""

    def encode(self, frame: str) -> bytes:
        if frame is not self.text:
            self.text, self.data = frame, frame.encode()
        return self.data


_utf8 = _Utf8Cache()


class Connection:
    # One per player: no __dict__, and the queue exists only while the socket is backed
    # up (an empty deque is some 600 bytes; 2,000 idle players paid it for nothing).
    __slots__ = (
        "_close",
        "_closing",
        "_limit",
        "_queue",
        "_send_text",
        "_write_direct",
        "_writer",
        "close_code",
        "closed",
    )

    # True for a socket held by another worker (scaled out): broadcasts reach it
    # through the relay, not through `send`.
    relayed: ClassVar[bool] = False

    def __init__(
        self,
        send_text: SendText,
        close: Close,
        queue_limit: int = SEND_QUEUE_LIMIT,
        write_now: WriteNow | None = None,
    ) -> None:
        self._send_text = send_text
        self._write_direct = write_now
        self._close = close
        self._limit = queue_limit
        self._queue: deque[str] | None = None  # only while backed up, as the writer
        self._writer: asyncio.Task[None] | None = None  # only while backed up
        self._closing: asyncio.Task[None] | None = None
        self.closed = False
        self.close_code: int | None = None

    def send(self, frame: str) -> None:
        """Write `frame` now if nothing is waiting, else queue it; never waits.

        Drops the connection (the client may resume) if its queue is full.
        """
        if self.closed:
            return
        if self._writer is not None:
            assert self._queue is not None
            if len(self._queue) >= self._limit:
                self.close_soon(CLOSE_TOO_SLOW, "too slow to receive; reconnect to resume")
                return
            self._queue.append(frame)
            return
        self._write_now(frame)

    def _write_now(self, frame: str) -> None:
        direct = self._write_direct
        if direct is not None and direct(_utf8.encode(frame)):
            return  # written, without a coroutine: the usual case at 2,000 players
        coroutine = self._send_text(frame)
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return  # written without suspending: the usual case
        except Exception:
            self.closed = True  # the socket is gone; the receive loop will notice
            return
        # The socket's buffer is full: finish this write, then the queue, in a task.
        queue: deque[str] = deque()
        self._queue = queue
        self._writer = asyncio.get_running_loop().create_task(
            self._finish(coroutine, waiting_on, queue)
        )

    async def _finish(
        self, coroutine: Coroutine[Any, Any, None], waiting_on: Any, queue: deque[str]
    ) -> None:
        try:
            await _resume(coroutine, waiting_on)
            # Queued frames go out even once a close is under way (the "kicked" notice
            # before the close frame); `closed` only stops new frames being taken.
            while queue:
                await self._send_text(queue.popleft())
        except asyncio.CancelledError:
            raise
        except Exception:
            self.closed = True  # the socket is gone
        finally:
            self._writer = None
            self._queue = None

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
        # Let already-queued frames (e.g. the "kicked" notice) go out first, briefly;
        # a client that is too slow is not waited for.
        writer = self._writer
        if writer is not None:
            if code != CLOSE_TOO_SLOW:
                # The writer ends once the queue is empty (no new frames are taken now).
                await asyncio.wait({writer}, timeout=DRAIN_SECONDS)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
        with contextlib.suppress(Exception):
            await self._close(code, reason)


async def _resume(coroutine: Coroutine[Any, Any, None], waiting_on: Any) -> None:
    """Run a coroutine that was started by hand and suspended, to its end.

    It yielded what it waits for (an asyncio future, or None for a bare yield); once
    that is done it is resumed with `send(None)`, exactly as an asyncio task would.
    """
    while True:
        try:
            if waiting_on is None:
                await asyncio.sleep(0)
            else:
                # Taken over from the coroutine, as a task does: it marked the future
                # "blocking" when it yielded it, and awaiting it again needs the mark off.
                waiting_on._asyncio_future_blocking = False
                with contextlib.suppress(Exception):
                    await waiting_on  # the coroutine reads the outcome itself
        except asyncio.CancelledError:
            coroutine.close()
            raise
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return
