"""The stack's own floor for idle memory: a bare Starlette WebSocket app on the same uvicorn.

    .venv/bin/python -m benchmarks.starlette_floor --port 8002

Same uvicorn settings as `quizkiosk serve` (the `websockets-sansio` implementation, the
same frame limit, no compression, uvicorn's default event loop). A player's `join` is
answered with a `welcome`; then the socket just waits, as an idle phone's does.
`benchmarks/live_quiz.py --scenario memory --side floor` measures what one such idle
socket costs: what no WebSocket server on Starlette and uvicorn can go below.
"""

from __future__ import annotations

import argparse
import json
import secrets

import uvicorn
from quizkiosk.config import WS_IMPLEMENTATION, WS_MAX_BYTES
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


async def endpoint(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            message = json.loads(await websocket.receive_text())
            if message.get("type") == "join":
                welcome = {
                    "type": "welcome",
                    "resumed": False,
                    "player": {"id": secrets.token_hex(8), "name": message.get("name")},
                    "resume_token": secrets.token_urlsafe(24),
                }
                await websocket.send_text(json.dumps(welcome))
    except WebSocketDisconnect:
        pass


app = Starlette(routes=[WebSocketRoute("/ws/play", endpoint), WebSocketRoute("/ws/host", endpoint)])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        ws=WS_IMPLEMENTATION,
        ws_max_size=WS_MAX_BYTES,
        ws_per_message_deflate=False,
        log_level="warning",
    )
