"""`quizkiosk serve`: start the server on the embedded default."""

from __future__ import annotations

import argparse
import asyncio
import gc
import ipaddress
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

import ifaddr
import uvicorn
from quizkiosk.config import (
    WS_IMPLEMENTATION,
    WS_MAX_BYTES,
    ServerConfig,
    default_banks_dir,
    default_data_dir,
    default_trusted_proxies,
    parse_proxy_list,
)
from quizkiosk.store import open_stores
from quizkiosk.web.app import create_app, stop_serving
from starlette.applications import Starlette


def register(commands: Any) -> None:
    serve = commands.add_parser("serve", help="start the quiz server")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")
    serve.add_argument("--port", type=int, default=8000)
    add_data_dir_option(serve, "where results are kept")
    add_database_option(serve)
    serve.add_argument(
        "--redis",
        default=None,
        metavar="URL",
        help="run as one of several workers sharing games through Redis "
        "(redis://HOST:6379/0; with --database postgresql://...; default: $QUIZKIOSK_REDIS, "
        "else none: one process, nothing shared)",
    )
    serve.add_argument(
        "--banks",
        type=Path,
        default=None,
        help="question banks folder (default: $QUIZKIOSK_BANKS or the bundled banks)",
    )
    serve.add_argument(
        "--ws-compression",
        action="store_true",
        help="turn on WebSocket per-message compression (costs memory per player)",
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        default=None,
        metavar="ADDRESS",
        help="a reverse proxy (e.g. nginx at 127.0.0.1) whose X-Forwarded-For is believed; "
        "repeat or separate with commas (default: $QUIZKIOSK_TRUSTED_PROXIES, else none)",
    )
    serve.add_argument(
        "--join-timeout",
        type=float,
        default=ServerConfig.join_timeout_seconds,
        metavar="SECONDS",
        help="close sockets that have not joined within this time (default: %(default)s)",
    )
    serve.add_argument(
        "--max-sockets-per-address",
        type=int,
        default=ServerConfig.max_sockets_per_address,
        metavar="N",
        help="open WebSockets allowed per client address (default: %(default)s)",
    )
    serve.add_argument(
        "--gc",
        choices=GC_MODES,
        default=os.environ.get(GC_ENV, GC_DEFAULT),
        help="garbage collector: 'tuned' freezes what start-up built and collects the young "
        "generation after 50,000 new objects, not 700 (no full collection, and its "
        "pause of up to 0.4 s, in a game of 2,000); 'default' is CPython's own "
        "(default: $QUIZKIOSK_GC, else %(default)s; see docs/performance.md)",
    )
    serve.set_defaults(handler=run_serve)


# ---- the garbage collector ----------------------------------------------------------------
# Measured in docs/performance.md ("Garbage collector").
GC_ENV = "QUIZKIOSK_GC"
GC_STATS_ENV = "QUIZKIOSK_GC_STATS"  # set: print the collector's work when the server stops
GC_MODES = ("tuned", "default")
GC_DEFAULT = "tuned"
GC_TUNED_THRESHOLDS = (50_000, 20, 10)


def tune_gc(mode: str) -> None:
    """Once start-up is done (banks loaded, games recovered): with 'tuned', move every
    object alive now out of the collector's sight (`gc.freeze`: collections no longer
    walk the imported modules, banks and templates) and collect the young generation
    after 50,000 new container objects instead of 700. Short-lived cycles (a closed
    socket's frames and exceptions) then die young instead of piling up in the old
    generation, whose full collection took 0.2-0.4 s at 2,000 players; a whole game of
    2,000 runs without one (docs/performance.md, "Garbage collector")."""
    if mode == "tuned":
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_TUNED_THRESHOLDS)


class GcStats:
    """Collections per generation and the time they took (QUIZKIOSK_GC_STATS=1)."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.total = [0.0, 0.0, 0.0]
        self.longest = [0.0, 0.0, 0.0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        generation = info["generation"]
        took = (time.perf_counter() - self._started) * 1000
        self.count[generation] += 1
        self.total[generation] += took
        self.longest[generation] = max(self.longest[generation], took)

    def line(self) -> str:
        parts = [
            f"gen{g} {self.count[g]} collections, {self.total[g]:.0f} ms total, "
            f"longest {self.longest[g]:.1f} ms"
            for g in range(3)
        ]
        return "gc: " + "; ".join(parts)


def add_data_dir_option(parser: argparse.ArgumentParser, what: str) -> None:
    """`--data-dir`, the same default for every command (config.default_data_dir)."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"{what} (default: $QUIZKIOSK_DATA_DIR, else "
        "$XDG_DATA_HOME/quizkiosk or ~/.local/share/quizkiosk; "
        "on Windows %%LOCALAPPDATA%%\\quizkiosk)",
    )


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        default=None,
        metavar="URL",
        help="where results and accounts are kept: sqlite:////srv/quiz/quiz.sqlite3, or "
        "postgresql://USER:PASSWORD@HOST:5432/DBNAME for several workers "
        "(default: $QUIZKIOSK_DATABASE, else quizkiosk.sqlite3 in the data folder)",
    )


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces, loopback last."""
    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str):
                found.append(ip.ip)
    lan = [a for a in found if not ipaddress.ip_address(a).is_loopback]
    return [*sorted(set(lan)), "127.0.0.1"]


def player_urls(host: str, port: int) -> list[str]:
    hosts = lan_addresses() if host in ("0.0.0.0", "") else [host]
    return [f"http://{h}:{port}" for h in hosts]


async def _setup_code(config: ServerConfig) -> str | None:
    async with open_stores(config.database) as stores:
        return await stores.accounts.ensure_setup_code()


class KioskServer(uvicorn.Server):
    """uvicorn's server, with our own first step in a graceful stop: clients hear
    "server restarting" (4012) from us before uvicorn would close them with 1012."""

    def __init__(self, config: uvicorn.Config, app: Starlette, gc_mode: str) -> None:
        super().__init__(config)
        self.kiosk_app = app
        self.gc_mode = gc_mode
        self.gc_stats = GcStats() if os.environ.get(GC_STATS_ENV) else None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        tune_gc(self.gc_mode)  # after the lifespan: banks loaded, games recovered
        if self.gc_stats is not None:
            gc.callbacks.append(self.gc_stats)  # counts the collections while serving

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        state = getattr(self.kiosk_app.state, "kiosk", None)
        if state is not None:
            await stop_serving(state)
        await super().shutdown(sockets)
        if self.gc_stats is not None:
            # Here: uvicorn re-raises SIGTERM once `run` is done, so nothing after it runs.
            print(self.gc_stats.line(), flush=True)


def run_serve(args: argparse.Namespace) -> int:
    if args.gc not in GC_MODES:
        print(f"error: --gc / ${GC_ENV}: one of {', '.join(GC_MODES)}", file=sys.stderr)
        return 2
    trusted = (
        tuple(p for value in args.trusted_proxy for p in parse_proxy_list(value))
        if args.trusted_proxy
        else default_trusted_proxies()
    )
    config = ServerConfig(
        data_dir=args.data_dir or default_data_dir(),
        banks_dir=args.banks or default_banks_dir(),
        host=args.host,
        port=args.port,
        ws_compression=args.ws_compression,
        trusted_proxies=trusted,
        join_timeout_seconds=args.join_timeout,
        max_sockets_per_address=args.max_sockets_per_address,
        database_url=args.database,
        redis_url=args.redis,
    )
    config.data_dir.mkdir(parents=True, exist_ok=True)
    urls = player_urls(config.host, config.port)
    print(f"DMED Quiz Kiosk — data in {config.data_dir}", flush=True)
    print("Players open one of:", flush=True)
    for url in urls:
        print(f"  {url}/join", flush=True)
    code = asyncio.run(_setup_code(config))
    if code is not None:
        print(
            f"First start: open {urls[0]}/setup and enter the one-time setup code: {code}",
            flush=True,
        )
    app = create_app(config, base_url=urls[0])
    server = KioskServer(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            ws=WS_IMPLEMENTATION,
            ws_max_size=WS_MAX_BYTES,
            ws_per_message_deflate=config.ws_compression,
            log_level="warning",
            lifespan="on",
            # Forwarded client addresses are believed only from the configured proxies;
            # with none, the socket's peer is the client (no header can change it).
            proxy_headers=bool(config.trusted_proxies),
            forwarded_allow_ips=list(config.trusted_proxies) or None,
        ),
        app,
        args.gc,
    )
    server.run()
    return 0
