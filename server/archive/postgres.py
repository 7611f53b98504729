"""The scaled-out results archive: PostgreSQL, behind the same `Archive` interface.

Every query is SqliteArchive's own (written in the SQL both databases accept, see
quizkiosk.archive.dialect); this class changes only where they run: writes are
group-committed by one writer thread on one connection (quizkiosk.archive.
postgres_writer: one transaction per batch, a savepoint per write, futures resolved
after COMMIT), reads run on a second connection in a read-only snapshot, the schema
comes from the same migrations (quizkiosk.archive.postgres_schema), and accounts
(quizkiosk.accounts) use the same generic `write` / `read`.

Commits are durable when COMMIT returns: the connection insists on
`synchronous_commit` (quizkiosk.archive.postgres_connection), so an acknowledged
answer survives a crash of the database server too.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.pq import TransactionStatus
from quizkiosk.archive.postgres_connection import Connection, PortableConnection, connect
from quizkiosk.archive.postgres_schema import migrate
from quizkiosk.archive.postgres_writer import PostgresWriter
from quizkiosk.archive.records import InputRecord
from quizkiosk.archive.sqlite import SqliteArchive, _to_json
from quizkiosk.archive.writer import ArchiveClosedError

T = TypeVar("T")


class InputConflict(RuntimeError):
    """A game's input number was already recorded with a different command."""


def redacted(url: str) -> str:
    """The URL without its password, for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresArchive(SqliteArchive):
    """Implements `quizkiosk.archive.records.Archive` on a PostgreSQL database."""

    def __init__(self, url: str) -> None:
        # SqliteArchive's file, writer and reader are replaced, not used: no super().
        self.url = url
        self._writer_pg = PostgresWriter(self._open_writer, lambda: connect(url))
        self._reader: ThreadPoolExecutor | None = None
        self._read_conn_pg: Connection | None = None  # used only on the reader thread
        self._state = "new"
        self._closing: asyncio.Future[None] | None = None

    def __repr__(self) -> str:
        return f"PostgresArchive({redacted(self.url)!r})"

    @property
    def commits(self) -> int:
        return self._writer_pg.commits

    @property
    def pending_writes(self) -> int:
        return self._writer_pg.pending

    # -- lifecycle ---------------------------------------------------------------------

    async def open(self) -> None:
        """Connect, migrate; raises SchemaVersionError for a newer schema, psycopg's
        OperationalError if the server cannot be reached."""
        if self._state != "new":
            raise RuntimeError("A PostgresArchive can be opened only once.")
        self._state = "opening"
        try:
            await self._writer_pg.start()  # migrates before anyone can read
            self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-reader")
        except BaseException:
            self._state = "closed"
            await self._shutdown()
            raise
        self._state = "open"

    async def _shutdown(self) -> None:
        await self._writer_pg.stop()
        reader, self._reader = self._reader, None
        if reader is not None:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(reader, self._drop_read_connection)
            reader.shutdown(wait=False)

    def _open_writer(self) -> Connection:
        conn = connect(self.url)
        try:
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    # -- generic access (also used by quizkiosk.accounts) ----------------------------------

    async def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """As SqliteArchive.write: `work` runs in the next group commit, in a savepoint."""
        # The queries use only what PortableConnection offers (see its module).
        return await self._writer_pg.run(cast(Callable[[PortableConnection], T], work))

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the read connection, inside one read-only snapshot."""
        reader = self._reader
        if reader is None or self._state != "open":
            raise ArchiveClosedError("The archive is not open.")
        loop = asyncio.get_running_loop()
        portable_work = cast(Callable[[PortableConnection], T], work)
        return await loop.run_in_executor(reader, self._read_on_pg_thread, portable_work)

    def _read_on_pg_thread(self, work: Callable[[PortableConnection], T]) -> T:
        kept = self._read_conn_pg is not None
        try:
            return self._read_once(work)
        except psycopg.OperationalError:
            # A connection kept from before a database restart fails at first use;
            # reads change nothing, so one retry on a new connection is safe.
            if not kept or self._read_conn_pg is not None:
                raise
            return self._read_once(work)

    def _read_once(self, work: Callable[[PortableConnection], T]) -> T:
        conn = self._read_conn_pg
        if conn is None or conn.closed or conn.broken:
            self._drop_read_connection()
            self._read_conn_pg = conn = connect(self.url)  # again, if the server came back
        # One snapshot, so a multi-query read sees one consistent moment.
        try:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        except psycopg.OperationalError:
            if conn.broken:
                self._drop_read_connection()
            raise
        try:
            return work(PortableConnection(conn))
        finally:
            if conn.broken or conn.closed:
                self._drop_read_connection()
            elif conn.info.transaction_status != TransactionStatus.IDLE:
                conn.execute("ROLLBACK")

    def _drop_read_connection(self) -> None:
        conn, self._read_conn_pg = self._read_conn_pg, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                conn.close()

    # -- recorded inputs -------------------------------------------------------------------

    async def record_inputs(
        self, game_id: str, inputs: list[InputRecord], epoch: int | None = None
    ) -> None:
        """As SqliteArchive.record_inputs, and safe to repeat after a lost COMMIT reply.

        Over a network, COMMIT can succeed while its answer is lost: the batch failed
        for the game, which retries it. Inputs found already recorded with the same
        command are then skipped (their facts were committed with them); a different
        command under the same number is an error, never overwritten.
        """
        try:
            await super().record_inputs(game_id, inputs, epoch)
        except psycopg.errors.UniqueViolation as error:
            if error.diag.constraint_name != "game_inputs_pkey":
                raise
            remaining = await self._not_yet_recorded(game_id, inputs)
            if remaining:
                await super().record_inputs(game_id, remaining, epoch)

    async def _not_yet_recorded(self, game_id: str, inputs: list[InputRecord]) -> list[InputRecord]:
        seqs = [i.seq for i in inputs]

        def work(conn: sqlite3.Connection) -> dict[int, str]:
            rows = conn.execute(
                "SELECT seq, command FROM game_inputs WHERE game_id = ? AND seq BETWEEN ? AND ?",
                (game_id, min(seqs), max(seqs)),
            ).fetchall()
            return {int(seq): str(command) for seq, command in rows}

        stored = await self.read(work)
        for record in inputs:
            if record.seq in stored and stored[record.seq] != _to_json(record.command):
                raise InputConflict(
                    f"game {game_id!r}: input {record.seq} is already recorded differently"
                )
        return [i for i in inputs if i.seq not in stored]
