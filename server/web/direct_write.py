"""Writing a ready-encoded text frame straight to a game socket.

uvicorn's ASGI `send` takes a `str`, encodes it, frames it and writes it: for a question
going to 2,000 phones that is 2,000 encodings of the same text and 2,000 trips through
the ASGI layers. The live layer encodes each broadcast once (quizkiosk.live.connection)
and hands the bytes here, and this does the rest of what uvicorn's `send` does for a
text frame — frame it with the socket's own sans-I/O `websockets` connection and write
it to the transport — only when that is safe at once: the handshake done, no close
sent or received, the transport not paused for flow control. Otherwise it says no, and
the frame takes the ordinary ASGI path, which waits for the socket to drain.

This reads attributes of uvicorn's `websockets-sansio` protocol (the one `quizkiosk
serve` selects; uvicorn is pinned to one release in pyproject.toml). Any other
protocol class, or one without those attributes, gets no direct writer, and every frame
takes the ASGI path; tests/integration/test_direct_write.py checks that the pinned
uvicorn does take the direct path.
"""

from __future__ import annotations

from typing import Any

from quizkiosk.live.connection import WriteNow
from starlette.types import Send

_NEEDED = ("conn", "transport", "writable", "handshake_complete", "close_sent", "disconnected")


def direct_writer(send: Send) -> WriteNow | None:
    """A `WriteNow` for the socket whose ASGI `send` this is, or None if it has none."""
    protocol: Any = getattr(send, "__self__", None)
    if protocol is None or type(protocol).__name__ != "WebSocketsSansIOProtocol":
        return None
    if not all(hasattr(protocol, name) for name in _NEEDED):
        return None
    connection, transport, writable = protocol.conn, protocol.transport, protocol.writable

    def write_now(data: bytes) -> bool:
        if (
            not protocol.handshake_complete
            or protocol.close_sent
            or protocol.disconnected
            or not writable.is_set()
            or transport.is_closing()
        ):
            return False
        connection.send_text(data)
        transport.write(b"".join(connection.data_to_send()))
        return True

    return write_now
