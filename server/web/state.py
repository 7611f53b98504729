"""Everything the web layer shares for one running server."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.accounts.store import TrainerStore
from server.archive.sqlite import SqliteArchive
from server.banks.loader import BankCatalog
from server.config import ServerConfig
from server.live.ratelimit import FailureWindow
from server.live.registry import GameRegistry


@dataclass
class AppState:
    config: ServerConfig
    archive: SqliteArchive
    accounts: TrainerStore
    catalog: BankCatalog
    registry: GameRegistry
    base_url: str
    join_failures: FailureWindow = field(default_factory=lambda: FailureWindow(20, 60.0))
    login_failures: FailureWindow = field(default_factory=lambda: FailureWindow(10, 60.0))

    def join_url(self, pin: str) -> str:
        return f"{self.base_url}/join?pin={pin}"
