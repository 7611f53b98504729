"""Player-side pages: the phone page (join and play) and the shared-PC page.

Both are one HTML page each; everything after the first paint happens over the
player WebSocket in kiosk_ui/static/js/player.js.  The pages carry no game
data: a PIN in the address (from the projector's QR code) is only prefilled.
"""

from __future__ import annotations

import re

from quizkiosk.protocol import PROTOCOL_VERSION
from quizkiosk.web.pages import PageRenderer
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

PIN_PATTERN = re.compile(r"^\d{6}$")


def prefilled_pin(request: Request) -> str:
    pin = request.query_params.get("pin", "").strip()
    return pin if PIN_PATTERN.match(pin) else ""


def _render(request: Request, template: str, mode: str) -> Response:
    renderer: PageRenderer = request.app.state.pages
    response = renderer.render(
        request,
        template,
        mode=mode,
        pin=prefilled_pin(request),
        protocol_version=PROTOCOL_VERSION,
    )
    return response


async def join_page(request: Request) -> Response:
    """GET /join[?pin=123456]: the phone page, from joining to the final rank."""
    return _render(request, "player_join.html", "phone")


async def shared_pc_page(request: Request) -> Response:
    """GET /pc[?pin=123456]: the same game on a PC that people use in turn."""
    return _render(request, "player_pc.html", "pc")


routes: list[BaseRoute] = [
    Route("/join", join_page, methods=["GET"]),
    Route("/pc", shared_pc_page, methods=["GET"]),
]
