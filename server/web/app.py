"""The Starlette application: routes, and the lifespan that opens and closes everything."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from quizkiosk.banks.loader import load_banks
from quizkiosk.config import ServerConfig, load_or_create_key
from quizkiosk.live.clock import SystemClock
from quizkiosk.live.cluster import open_cluster
from quizkiosk.live.connection import CLOSE_RESTARTING
from quizkiosk.live.registry import GameRegistry
from quizkiosk.store import open_stores
from quizkiosk.web import (
    api,
    bank_pages,
    console_pages,
    host_pages,
    login,
    player_pages,
    race_pages,
    review_pages,
)
from quizkiosk.web.asgi import KioskApp
from quizkiosk.web.body_limit import BodyLimitMiddleware, LimitFor
from quizkiosk.web.csrf import CsrfMiddleware
from quizkiosk.web.pages import STATIC_DIR, PageRenderer, catalog_json
from quizkiosk.web.security_headers import SecurityHeadersMiddleware
from quizkiosk.web.state import AppState
from quizkiosk.web.ws_host import host_endpoint
from quizkiosk.web.ws_player import player_endpoint
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

log = logging.getLogger("quizkiosk")


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def home(request: Request) -> Response:
    # Staff type the bare address from the projector: send them straight to joining.
    return RedirectResponse("/join", status_code=307)


async def stop_serving(state: AppState) -> None:
    """The first step of a graceful stop (SIGTERM, Ctrl+C): take no new games or
    sockets, let answers already being written commit (so they are acked), then
    close every socket with "server restarting" so clients reconnect by themselves."""
    state.stopping = True
    for actor in state.registry.live_games():
        await actor.wait_idle()  # every accepted input durable, its messages delivered
    await asyncio.gather(
        *(
            connection.shutdown(CLOSE_RESTARTING, "the server is restarting; reconnect")
            for connection in list(state.connections)
        ),
        return_exceptions=True,
    )


def body_limit(config: ServerConfig) -> LimitFor:
    def limit_for(path: str) -> int:
        return config.max_json_bytes if path.startswith("/api/") else config.max_form_bytes

    return limit_for


def create_app(config: ServerConfig, base_url: str | None = None) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        catalog = load_banks([config.banks_dir])
        for problem in catalog.problems:
            if problem.severity == "error":
                log.warning("bank not loaded: %s", problem)
        async with open_stores(config.database) as stores:
            registry = GameRegistry(
                stores.archive, SystemClock(), load_or_create_key(config.host_key_path)
            )
            redis_url = config.redis
            if redis_url is not None:
                # Scaled out: games, PINs and sockets shared with the other workers.
                registry.cluster = open_cluster(redis_url)
                registry.cluster.start(registry, catalog)
            state = AppState(
                config=config,
                archive=stores.archive,
                accounts=stores.accounts,
                catalog=catalog,
                registry=registry,
                base_url=base_url or f"http://127.0.0.1:{config.port}",
            )
            # Games that were running when the server stopped (or crashed) carry on.
            for reason in await registry.recover(catalog):
                log.warning("game not rebuilt: %s", reason)
            app.state.kiosk = state
            app.state.pages = PageRenderer()
            try:
                yield
            finally:
                await state.registry.close()

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/", home, methods=["GET"]),
        *login.routes,
        *api.routes,
        Route("/i18n/{lang}.json", catalog_json, methods=["GET"]),
        *player_pages.routes,
        *console_pages.routes,
        *bank_pages.routes,
        *host_pages.routes,
        *race_pages.routes,
        *review_pages.routes,
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        Mount("/media", host_pages.media_app(config.banks_dir), name="media"),
    ]
    middleware = [
        # Outermost first: every response, refusals included, gets the headers.
        Middleware(SecurityHeadersMiddleware),
        Middleware(BodyLimitMiddleware, limit_for=body_limit(config)),
        Middleware(CsrfMiddleware),
    ]
    sockets = {"/ws/play": player_endpoint, "/ws/host": host_endpoint}
    return KioskApp(sockets=sockets, routes=routes, middleware=middleware, lifespan=lifespan)
