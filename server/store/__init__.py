"""The durable backends, chosen by URL: `sqlite:///path/to/file.sqlite3` (the embedded
default) or `postgresql://user:password@host:5432/dbname` (scaled out: every worker
points at the same database), behind the same interfaces
(`quizkiosk.archive.records.Archive`, `quizkiosk.accounts.store.AccountStore`).

Callers open one `Stores` for the life of the process and never name a backend
class themselves.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
from quizkiosk.accounts.store import AccountStore, TrainerStore
from quizkiosk.archive.postgres import PostgresArchive, redacted
from quizkiosk.archive.records import Archive
from quizkiosk.archive.sqlite import SqliteArchive

SCHEMES = ("sqlite", "postgresql", "postgres")


class UnknownDatabase(ValueError):
    """The database URL names no backend this build has."""


class DatabaseUnavailable(RuntimeError):
    """The database server could not be reached (or refused us) when opening the stores."""


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
    archive = open_archive(url)
    try:
        await archive.open()
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(f"cannot open the database {redacted(url)}: {error}") from error
    try:
        yield Stores(archive, TrainerStore(archive))
    finally:
        await archive.close()


def open_archive(url: str) -> SqliteArchive:
    """The archive `url` names, not yet opened (accounts live in the same database)."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return SqliteArchive(sqlite_path(url))
    if scheme in ("postgresql", "postgres"):
        if not urlsplit(url).path.strip("/"):
            raise UnknownDatabase(f"the URL names no database: {redacted(url)!r}")
        return PostgresArchive(url)
    raise UnknownDatabase(
        f"unknown database URL scheme {scheme!r} (this build knows: {', '.join(SCHEMES)})"
    )
