"""The host's screens of a running game: the projector (GET /host/{game_id}), the
remote on the trainer's phone (GET /remote/{game_id}), the join QR code
(GET /host/{game_id}/qr.svg), and the bank images both show (/media).

Only the trainer who started a game, or an administrator, may open them.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import segno
from quizkiosk.banks.loader import MEDIA_DIR
from quizkiosk.web.auth import current_trainer, state_of
from quizkiosk.web.console_pages import game_view
from quizkiosk.web.i18n import choose_language
from quizkiosk.web.trainer_common import controlled_game, join_address, may_control, render
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.staticfiles import StaticFiles


async def _host_page(request: Request, template: str) -> Response:
    found = await controlled_game(request)
    if isinstance(found, Response):
        return found
    trainer, actor = found
    if actor.info.mode == "race":
        template = RACE_TEMPLATES.get(template, template)
    lang = choose_language(request)
    join_url = state_of(request).join_url(actor.info.pin)
    config = {
        "game_id": actor.info.game_id,
        "host_token": actor.info.host_token,  # for the WebSocket hello; never shown
        "pin": actor.info.pin,
        "join_url": join_url,
        "lang": lang,
        "total": actor.summary()["total"],
        "title": actor.info.title,
    }
    return render(
        request,
        template,
        trainer=trainer,
        game=game_view(actor, lang),
        config=config,
        join_address=join_address(join_url),
    )


async def projector_page(request: Request) -> Response:
    return await _host_page(request, "host_projector.html")


async def remote_page(request: Request) -> Response:
    return await _host_page(request, "host_remote.html")


# A case race has pages of its own (the race track instead of questions).
RACE_TEMPLATES = {
    "host_projector.html": "host_race.html",
    "host_remote.html": "host_remote_race.html",
}


def qr_svg(data: str) -> bytes:
    code = segno.make(data, error="m")
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        border=2,
        dark="#000000",
        light="#ffffff",
        xmldecl=False,
        omitsize=True,
        svgclass="qr",
        title=data,
    )
    return buffer.getvalue()


async def qr_code(request: Request) -> Response:
    """GET /host/{game_id}/qr.svg: the QR code of the game's join page, for its host only.

    Served only to whoever may run the game, so it cannot be used to find out
    which PINs are live.
    """
    trainer = await current_trainer(request)
    actor = (
        await state_of(request).registry.find_game(request.path_params["game_id"])
        if trainer is not None
        else None
    )
    if trainer is None or actor is None or not may_control(trainer, actor.info.owner):
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(
        qr_svg(state_of(request).join_url(actor.info.pin)),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, no-cache"},
    )


class MediaFiles(StaticFiles):
    """Bank images. Starlette's static files, but a path with a NUL byte is simply absent
    (the operating system would refuse it with an error, not a "no such file")."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if "\x00" in path:
            return "", None
        return super().lookup_path(path)

    async def check_config(self) -> None:
        # A banks folder without media/ simply has no images: every path is a 404.
        if self.directory is not None and Path(self.directory).is_dir():
            await super().check_config()


def media_app(banks_dir: Path) -> MediaFiles:
    """GET /media/{path}: images of the question banks (the banks folder's media/)."""
    return MediaFiles(directory=banks_dir / MEDIA_DIR, check_dir=False)


# The media mount is not here: app.py mounts `media_app` for the configured banks folder.
routes: list[BaseRoute] = [
    Route("/host/{game_id}", projector_page, methods=["GET"]),
    Route("/remote/{game_id}", remote_page, methods=["GET"]),
    Route("/host/{game_id}/qr.svg", qr_code, methods=["GET"]),
]
