"""Connections to PostgreSQL that run the archive's SQL as it is written for SQLite.

Every archive query is a small function of a connection, written against the part
of `sqlite3.Connection` it uses: `execute` and `executemany`, whose cursors offer
`fetchone`, `fetchall`, `rowcount` and iteration. psycopg's cursors offer the same,
so `PortableConnection` only translates the placeholders (quizkiosk.archive.dialect)
and the same functions run on both backends.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg.adapt import Buffer, Loader
from quizkiosk.archive.dialect import postgres_query

log = logging.getLogger(__name__)

Connection = psycopg.Connection[tuple[Any, ...]]
Cursor = psycopg.Cursor[tuple[Any, ...]]

CONNECT_TIMEOUT = 5  # seconds: an unreachable server fails a write fast (`not_saved`)


class NumberLoader(Loader):
    """`numeric` results as SQLite gives them: SUM of integers an int, AVG a float.

    PostgreSQL sums BIGINTs into `numeric`, which psycopg would load as Decimal.
    """

    def load(self, data: Buffer) -> int | float:
        text = bytes(data).decode("ascii")
        return int(text) if text.lstrip("-").isdigit() else float(text)


def connect(url: str) -> Connection:
    """A connection in autocommit mode (the caller says BEGIN and COMMIT), durable commits.

    `synchronous_commit = off` would let COMMIT return before the WAL reaches the disk,
    so a crash of the database could lose an answer already acknowledged: this
    connection turns it back on (a stronger server setting, such as `remote_apply`
    for a synchronous standby, is kept).
    """
    conn: Connection = psycopg.connect(
        url,
        autocommit=True,
        connect_timeout=CONNECT_TIMEOUT,
        application_name="quizkiosk",
        # Notice a vanished server or network within about half a minute, not hours.
        keepalives=1,
        keepalives_idle=10,
        keepalives_interval=5,
        keepalives_count=3,
    )
    try:
        conn.adapters.register_loader("numeric", NumberLoader)
        if _setting(conn, "synchronous_commit") == "off":
            conn.execute("SET synchronous_commit = on")
        if _setting(conn, "fsync") == "off":
            log.warning(
                "PostgreSQL runs with fsync = off: a power cut can lose acknowledged answers"
            )
    except BaseException:
        conn.close()
        raise
    return conn


def _setting(conn: Connection, name: str) -> str:
    row = conn.execute("SELECT current_setting(%s)", (name,)).fetchone()
    assert row is not None
    return str(row[0])


class PortableConnection:
    """The part of `sqlite3.Connection` the archive's queries use, over psycopg."""

    __slots__ = ("raw",)

    def __init__(self, raw: Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> Cursor:
        if not parameters:
            return self.raw.execute(sql)  # no placeholders: nothing to translate
        return self.raw.execute(postgres_query(sql), parameters)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> Cursor:
        cursor = self.raw.cursor()
        batch = list(rows)
        if batch:
            cursor.executemany(postgres_query(sql), batch)
        return cursor
