"""`quizkiosk serve`: start the server on the embedded default."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
from pathlib import Path
from typing import Any

import ifaddr
import uvicorn

from server.accounts.store import TrainerStore
from server.archive.sqlite import SqliteArchive
from server.config import (
    WS_IMPLEMENTATION,
    WS_MAX_BYTES,
    ServerConfig,
    default_banks_dir,
    default_data_dir,
)
from server.web.app import create_app


def register(commands: Any) -> None:
    serve = commands.add_parser("serve", help="start the quiz server")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where results are kept (default: $QUIZKIOSK_DATA_DIR or ~/.local/share/quizkiosk)",
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
    serve.set_defaults(handler=run_serve)


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
    archive = SqliteArchive(config.database_path)
    await archive.open()
    try:
        return await TrainerStore(archive).ensure_setup_code()
    finally:
        await archive.close()


def run_serve(args: argparse.Namespace) -> int:
    config = ServerConfig(
        data_dir=args.data_dir or default_data_dir(),
        banks_dir=args.banks or default_banks_dir(),
        host=args.host,
        port=args.port,
        ws_compression=args.ws_compression,
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
    uvicorn.run(
        app,
        host=config.host,
        port=config.port,
        ws=WS_IMPLEMENTATION,
        ws_max_size=WS_MAX_BYTES,
        ws_per_message_deflate=config.ws_compression,
        log_level="warning",
        lifespan="on",
    )
    return 0
