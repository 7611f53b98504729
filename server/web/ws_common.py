"""Shared parts of the player and host WebSocket endpoints: admission, frames, errors."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from quizkiosk.live.connection import (
    CLOSE_JOIN_TIMEOUT,
    CLOSE_NORMAL,
    CLOSE_RESTARTING,
    CLOSE_TOO_MANY_SOCKETS,
    Connection,
)
from quizkiosk.live.ratelimit import TokenBucket
from quizkiosk.protocol import CLOSE_SERVER_ERROR, encode, error_message
from quizkiosk.web.state import AppState
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

Incoming = str | bytes | None  # None: the client has gone


class JoinTimeout(Exception):
    """The socket did not join (or say `host`) in time."""


def client_address(websocket: WebSocket) -> str:
    # Behind a trusted proxy uvicorn has already put the forwarded address here.
    return websocket.client.host if websocket.client else "unknown"


def open_connection(websocket: WebSocket) -> Connection:
    async def close(code: int, reason: str) -> None:
        if websocket.application_state == WebSocketState.CONNECTED:
            await websocket.close(code=code, reason=reason)

    # A game socket may write ready-encoded frames straight away (quizkiosk.web.asgi).
    write_now = getattr(websocket, "write_now", None)
    return Connection(websocket.send_text, close, write_now=write_now)


@contextlib.asynccontextmanager
async def admitted(websocket: WebSocket, state: AppState) -> AsyncIterator[Connection | None]:
    """Accept the socket and yield its connection, or None when it may not stay:
    the server is stopping, or this address already has too many sockets open.
    The connection is always closed with a code on the way out: 1011 after an
    unexpected error (raised on, for the log; the page reconnects and resumes),
    else 1000 unless the handler closed it with another code already."""
    address = client_address(websocket)
    await websocket.accept()
    connection = open_connection(websocket)
    if state.stopping:
        await connection.shutdown(CLOSE_RESTARTING, "the server is restarting; reconnect")
        yield None
        return
    if state.open_sockets[address] >= state.config.max_sockets_per_address:
        await connection.shutdown(CLOSE_TOO_MANY_SOCKETS, "too many connections from here")
        yield None
        return
    state.open_sockets[address] += 1
    state.connections.add(connection)
    try:
        yield connection
    except Exception:
        await connection.shutdown(CLOSE_SERVER_ERROR, "server error; reconnect")
        raise
    finally:
        state.connections.discard(connection)
        state.open_sockets[address] -= 1
        if state.open_sockets[address] <= 0:
            del state.open_sockets[address]
        await connection.shutdown(CLOSE_NORMAL, "")


async def receive_frame(websocket: WebSocket, timeout: float | None = None) -> Incoming:
    """The next text (or binary) frame; None once the client has gone.

    Raises JoinTimeout when `timeout` seconds pass first.
    """
    try:
        message = await asyncio.wait_for(websocket.receive(), timeout)
    except TimeoutError as error:
        raise JoinTimeout from error
    except (WebSocketDisconnect, RuntimeError):
        return None
    if message["type"] == "websocket.disconnect":
        return None
    text = message.get("text")
    if text is not None:
        return str(text)
    data = message.get("bytes")
    return bytes(data) if data is not None else b""


class JoinClock:
    """How long a socket that has not joined yet may still wait."""

    __slots__ = ("_deadline", "joined")  # one per socket

    def __init__(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._deadline = loop.time() + seconds
        self.joined = False

    def remaining(self) -> float | None:
        if self.joined:
            return None
        return max(0.0, self._deadline - asyncio.get_running_loop().time())


async def close_for_join_timeout(connection: Connection) -> None:
    await connection.shutdown(CLOSE_JOIN_TIMEOUT, "no join in time")


def send_error(connection: Connection, code: str, message: str, **extra: object) -> None:
    connection.send(encode(error_message(code, message, **extra)))


def flood_guard(rate: float, burst: int) -> TokenBucket:
    return TokenBucket(rate, burst)
