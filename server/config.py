"""Server configuration: flags, then environment variables, then defaults."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from quizkiosk.banks.loader import BUNDLED_BANKS_DIR

DATA_DIR_ENV = "QUIZKIOSK_DATA_DIR"
BANKS_DIR_ENV = "QUIZKIOSK_BANKS"
WS_IMPLEMENTATION = "websockets-sansio"  # chosen explicitly; see docs/deployment.md
WS_MAX_BYTES = 64 * 1024  # hard cap per frame; 16 KiB..64 KiB gets a polite error instead


TRUSTED_PROXIES_ENV = "QUIZKIOSK_TRUSTED_PROXIES"
DATABASE_ENV = "QUIZKIOSK_DATABASE"
REDIS_ENV = "QUIZKIOSK_REDIS"


def default_data_dir(
    environ: Mapping[str, str] = os.environ, windows: bool = os.name == "nt"
) -> Path:
    """Per-user data folder: $QUIZKIOSK_DATA_DIR; else on Windows
    %LOCALAPPDATA%\\quizkiosk (kept off the roaming profile: the database is local
    and can grow); elsewhere $XDG_DATA_HOME/quizkiosk, else ~/.local/share/quizkiosk."""
    configured = environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    if windows:
        local = environ.get("LOCALAPPDATA")
        return (Path(local) if local else Path.home() / "AppData" / "Local") / "quizkiosk"
    xdg = environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "quizkiosk"


def default_trusted_proxies() -> tuple[str, ...]:
    return parse_proxy_list(os.environ.get(TRUSTED_PROXIES_ENV, ""))


def parse_proxy_list(text: str) -> tuple[str, ...]:
    """`127.0.0.1, 10.0.0.5` -> ('127.0.0.1', '10.0.0.5'); blanks dropped."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


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
    # Wrong PINs per client address per minute (WebSocket joins).
    join_attempts_per_minute: int = 20
    # Login and setup-code attempts per minute: per client address and per account name.
    login_attempts_per_minute: int = 10
    login_attempts_per_account_per_minute: int = 10
    messages_per_second: float = 5.0
    message_burst: int = 15
    # A socket that has not sent `join`/`resume`/`host` within this many seconds is closed.
    join_timeout_seconds: float = 30.0
    # Open WebSockets per client address (a shared PC uses one; a phone one or two).
    max_sockets_per_address: int = 100
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed. Empty:
    # nobody's (the socket's peer address is the client).
    trusted_proxies: tuple[str, ...] = ()
    # Request bodies: HTML forms, JSON API calls.
    max_form_bytes: int = 64 * 1024
    max_json_bytes: int = 1024 * 1024
    # Where results and accounts live, as a URL (quizkiosk.store); None: the SQLite file
    # in the data directory.
    database_url: str | None = None
    # Scaled out: the Redis that several workers share (redis://host:6379/0); None and
    # no $QUIZKIOSK_REDIS: one process, nothing shared (the embedded default).
    redis_url: str | None = None

    @property
    def redis(self) -> str | None:
        return self.redis_url or os.environ.get(REDIS_ENV) or None

    @property
    def database_path(self) -> Path:
        return self.data_dir / "quizkiosk.sqlite3"

    @property
    def database(self) -> str:
        """The database URL: configured, else $QUIZKIOSK_DATABASE, else the data folder's file."""
        configured = self.database_url or os.environ.get(DATABASE_ENV)
        if configured:
            return configured
        return f"sqlite:///{self.database_path.resolve()}"

    @property
    def host_key_path(self) -> Path:
        return self.data_dir / "host-token.key"


def load_or_create_key(path: Path) -> bytes:
    """A 32-byte secret kept in `path` (created on first use, readable by the owner only).

    Host tokens are derived from it, so a restarted server still accepts the token a
    projector page already holds.
    """
    if path.exists():
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    key = secrets.token_bytes(32)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(key)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    return key
