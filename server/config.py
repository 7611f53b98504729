"""Server configuration: flags, then environment variables, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from server.banks.loader import BUNDLED_BANKS_DIR

DATA_DIR_ENV = "QUIZKIOSK_DATA_DIR"
BANKS_DIR_ENV = "QUIZKIOSK_BANKS"
WS_IMPLEMENTATION = "websockets-sansio"  # chosen explicitly; see docs/deployment.md
WS_MAX_BYTES = 64 * 1024  # hard cap per frame; 16 KiB..64 KiB gets a polite error instead


def default_data_dir() -> Path:
    """Per-user data folder: $QUIZKIOSK_DATA_DIR, else $XDG_DATA_HOME/quizkiosk."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "quizkiosk"


def default_banks_dir() -> Path:
    configured = os.environ.get(BANKS_DIR_ENV)
    return Path(configured).expanduser() if configured else BUNDLED_BANKS_DIR


@dataclass(frozen=True)
class ServerConfig:
    data_dir: Path
    banks_dir: Path
    host: str = "0.0.0.0"
    port: int = 8000
    ws_compression: bool = False
    # Public address players should open, when it is not the first LAN address.
    public_url: str | None = None
    join_attempts_per_minute: int = 20
    login_attempts_per_minute: int = 10
    messages_per_second: float = 5.0
    message_burst: int = 15

    @property
    def database_path(self) -> Path:
        return self.data_dir / "quizkiosk.sqlite3"
