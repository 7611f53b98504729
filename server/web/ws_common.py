"""Shared parts of the player and host WebSocket endpoints."""

from __future__ import annotations

from starlette.websockets import WebSocket, WebSocketDisconnect

from server.live.connection import Connection
from server.live.ratelimit import TokenBucket
from server.protocol import encode, error_message

Incoming = str | bytes | None  # None: the client has gone


def client_address(websocket: WebSocket) -> str:
    return websocket.client.host if websocket.client else "unknown"


def open_connection(websocket: WebSocket) -> Connection:
    async def close(code: int, reason: str) -> None:
        await websocket.close(code=code, reason=reason)

    return Connection(websocket.send_text, close)


async def receive_frame(websocket: WebSocket) -> Incoming:
    try:
        message = await websocket.receive()
    except (WebSocketDisconnect, RuntimeError):
        return None
    if message["type"] == "websocket.disconnect":
        return None
    text = message.get("text")
    if text is not None:
        return str(text)
    data = message.get("bytes")
    return bytes(data) if data is not None else b""


def send_error(connection: Connection, code: str, message: str, **extra: object) -> None:
    connection.send(encode(error_message(code, message, **extra)))


def flood_guard(rate: float, burst: int) -> TokenBucket:
    return TokenBucket(rate, burst)
