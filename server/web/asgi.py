"""The application's entry point: the two game sockets go straight to their endpoint.

A WebSocket handler stays suspended on the call stack for the whole life of its socket,
and so does every ASGI layer above it: Starlette's error and exception middleware, the
three HTTP middlewares (which pass sockets through untouched), the router and the route
wrappers, a dozen coroutine frames per idle phone that nothing ever uses again
(docs/performance.md, "Memory per idle player"). The game sockets live at exact paths and
need none of it, so they are dispatched here, before that stack; every other request,
unknown socket paths included, goes through the stack as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from quizkiosk.live.connection import WriteNow
from quizkiosk.web.direct_write import direct_writer
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

SocketEndpoint = Callable[[WebSocket], Awaitable[None]]


class GameSocket(WebSocket):
    """A game socket: Starlette's WebSocket, plus a way to write a ready-encoded text
    frame at once (quizkiosk.web.direct_write), or None."""

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        super().__init__(scope, receive, send)
        self.write_now: WriteNow | None = direct_writer(send)


class KioskApp(Starlette):
    def __init__(self, *, sockets: Mapping[str, SocketEndpoint], **starlette: Any) -> None:
        super().__init__(**starlette)
        self._sockets = dict(sockets)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            endpoint = self._sockets.get(_route_path(scope))
            if endpoint is not None:
                scope["app"] = self  # as Starlette sets it: endpoints read app.state
                await endpoint(GameSocket(scope, receive, send))
                return
        await super().__call__(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path below the mount point (a proxy may serve the app under a prefix)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
