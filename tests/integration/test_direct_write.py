"""Game sockets write ready-encoded frames straight to the socket (quizkiosk.web.direct_write)
on the uvicorn release pyproject.toml pins, and the frames arrive whole, in order, with
the ASGI path's close after them."""

from __future__ import annotations

import asyncio
import socket

import uvicorn
import websockets
from quizkiosk.config import WS_IMPLEMENTATION
from quizkiosk.live.connection import Connection
from quizkiosk.web.asgi import KioskApp
from quizkiosk.web.ws_common import open_connection
from starlette.websockets import WebSocket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_frames_go_straight_to_the_socket_in_order_and_whole() -> None:
    seen: dict[str, object] = {}

    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        direct = getattr(websocket, "write_now", None)
        seen["direct"] = direct is not None
        written: list[bool] = []
        if direct is not None:

            def counted(data: bytes) -> bool:
                written.append(direct(data))
                return written[-1]

            websocket.write_now = counted  # type: ignore[attr-defined]
        seen["written"] = written
        connection: Connection = open_connection(websocket)
        broadcast = "ü" * 70_000  # one text, above the 64 KiB frame-length boundary
        for n in range(3):
            connection.send(f'{{"n": {n}}}')
        connection.send(broadcast)
        connection.send(broadcast)  # the same string again: encoded once
        await connection.shutdown(4000, "done")  # the close takes the ASGI path

    async def main() -> None:
        port = free_port()
        app = KioskApp(sockets={"/ws/play": endpoint}, routes=[])
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, ws=WS_IMPLEMENTATION, log_level="warning"
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        try:
            async with websockets.connect(
                f"ws://127.0.0.1:{port}/ws/play", max_size=2**20
            ) as client:
                received = [await client.recv() for _ in range(5)]
                try:
                    await client.recv()
                except websockets.ConnectionClosed as closed:
                    assert closed.rcvd is not None and closed.rcvd.code == 4000
                else:
                    raise AssertionError("no close after the frames")
        finally:
            server.should_exit = True
            await serving
        assert received[:3] == ['{"n": 0}', '{"n": 1}', '{"n": 2}']
        assert received[3] == received[4] == "ü" * 70_000

    asyncio.run(main())
    assert seen["direct"] is True, "the pinned uvicorn no longer offers the direct path"
    assert seen["written"] == [True] * 5  # every frame went straight to the socket
