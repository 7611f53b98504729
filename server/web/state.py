"""Everything the web layer shares for one running server."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from quizkiosk.accounts.store import AccountStore
from quizkiosk.archive.records import Archive
from quizkiosk.banks.loader import BankCatalog
from quizkiosk.config import ServerConfig
from quizkiosk.live.connection import Connection
from quizkiosk.live.ratelimit import (
    AttemptGuard,
    FailureCounter,
    FailureWindow,
    LocalFailures,
    LocalLoginGuard,
    LoginGuard,
)
from quizkiosk.live.registry import GameRegistry


@dataclass
class AppState:
    config: ServerConfig
    archive: Archive
    accounts: AccountStore
    catalog: BankCatalog
    registry: GameRegistry
    base_url: str
    join_failures: FailureCounter = field(init=False)
    login_attempts: LoginGuard = field(init=False)
    # Open WebSockets per client address (see ServerConfig.max_sockets_per_address).
    open_sockets: Counter[str] = field(default_factory=Counter)
    connections: set[Connection] = field(default_factory=set)
    # Set when the server begins to stop: no new games, sockets told to reconnect.
    stopping: bool = False

    def __post_init__(self) -> None:
        config = self.config
        cluster = self.registry.cluster
        self.join_failures = (
            LocalFailures(FailureWindow(config.join_attempts_per_minute, 60.0))
            if cluster is None
            else cluster.join_failures(config.join_attempts_per_minute, 60.0)
        )
        per_address = config.login_attempts_per_minute
        per_account = config.login_attempts_per_account_per_minute
        self.login_attempts = (
            LocalLoginGuard(AttemptGuard(per_address, per_account, window_seconds=60.0))
            if cluster is None
            else cluster.login_attempts(per_address, per_account, 60.0)
        )

    def join_url(self, pin: str) -> str:
        return f"{self.base_url}/join?pin={pin}"
