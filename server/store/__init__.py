"""The durable backends, chosen by URL: `sqlite:///path/to/file.sqlite3` (the embedded
default) today; the scaled-out PostgreSQL backend plugs in here behind the same
interfaces (`quizkiosk.archive.records.Archive`, `quizkiosk.accounts.store.AccountStore`).

Callers open one `Stores` for the life of the process and never name a backend
class themselves.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from quizkiosk.accounts.store import AccountStore, TrainerStore
from quizkiosk.archive.records import Archive
from quizkiosk.archive.sqlite import SqliteArchive

SCHEMES = ("sqlite",)


class UnknownDatabase(ValueError):
    """The database URL names no backend this build has."""


@dataclass(frozen=True, slots=True)
class Stores:
    archive: Archive
    accounts: AccountStore


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL, as SQLAlchemy spells them: `sqlite:///quiz.sqlite3` is
    relative to the working folder, `sqlite:////srv/quiz/quiz.sqlite3` is absolute."""
    parts = urlsplit(url)
    if parts.scheme != "sqlite" or parts.netloc:
        raise UnknownDatabase(f"not a sqlite:/// URL: {url!r}")
    path = unquote(parts.path)[1:]
    if not path:
        raise UnknownDatabase(f"the URL names no file: {url!r}")
    return Path(path)


@contextlib.asynccontextmanager
async def open_stores(url: str) -> AsyncIterator[Stores]:
    """Open the backends `url` names; close them (flushing writes) on the way out."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        archive = SqliteArchive(sqlite_path(url))
        await archive.open()
        try:
            yield Stores(archive, TrainerStore(archive))
        finally:
            await archive.close()
        return
    raise UnknownDatabase(
        f"unknown database URL scheme {scheme!r} (this build knows: {', '.join(SCHEMES)})"
    )
