"""The one thread that writes to PostgreSQL, committing queued work in groups.

The same contract as the SQLite writer (quizkiosk.archive.writer): everything waiting
runs in ONE transaction, each job inside its own SAVEPOINT (a job that raises is
undone and fails alone), and the futures resolve only after COMMIT has returned. If
BEGIN, a statement's connection or COMMIT fails, every job of the batch gets the
error: none of them is durable, so nobody is told otherwise (the live game answers
`not_saved` and retries).

Unlike a local file, the server can go away and come back: a broken connection is
dropped, and the next batch opens a new one. While the server is unreachable each
batch fails within the connect timeout instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from psycopg.pq import TransactionStatus
from quizkiosk.archive.postgres_connection import Connection, PortableConnection
from quizkiosk.archive.writer import MAX_BATCH, ArchiveClosedError

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[PortableConnection], Any]


class CommitNotConfirmed(psycopg.OperationalError):
    """COMMIT did not answer COMMIT (PostgreSQL answers ROLLBACK for a failed transaction)."""


@dataclass(slots=True)
class _Job:
    work: Work
    future: Future[Any]


_Outcome = tuple[object, Exception | None]


class PostgresWriter:
    """Owns the write connection in a dedicated thread; see the module docstring."""

    def __init__(
        self,
        opener: Callable[[], Connection],
        reconnect: Callable[[], Connection],
        *,
        name: str = "archive-writer",
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._opener = opener  # the first connection (it also migrates)
        self._reconnect = reconnect  # any later one, after the server went away
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()  # None: stop
        self._lock = threading.Lock()  # makes "check open, then enqueue" atomic
        self._accepting = False
        self._ready: Future[None] = Future()
        self._stopped: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._conn: Connection | None = None  # only the writer thread touches it
        self.commits = 0

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    async def start(self) -> None:
        self._thread.start()
        await asyncio.wrap_future(self._ready)
        with self._lock:
            self._accepting = True

    async def stop(self) -> None:
        """Refuse new work, finish (commit) everything already queued, close."""
        with self._lock:
            was_accepting, self._accepting = self._accepting, False
            if was_accepting:
                self._queue.put(None)
        if self._thread.ident is None:
            return
        await asyncio.wrap_future(self._stopped)
        self._thread.join()

    def submit(self, work: Callable[[PortableConnection], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if not self._accepting:
                raise ArchiveClosedError("The archive is not open.")
            self._queue.put(_Job(work, future))
        return future

    async def run(self, work: Callable[[PortableConnection], T]) -> T:
        return await asyncio.wrap_future(self.submit(work))

    # -- the writer thread -------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._conn = self._opener()
        except Exception as exc:
            self._ready.set_exception(exc)
            self._stopped.set_result(None)
            return
        self._ready.set_result(None)
        try:
            self._serve()
        finally:
            try:
                self._drop_connection()
            finally:
                self._fail_leftovers()
                self._stopped.set_result(None)

    def _serve(self) -> None:
        while True:
            item = self._queue.get()
            batch: list[_Job] = []
            stopping = False
            while True:
                if item is None:
                    stopping = True
                else:
                    batch.append(item)
                if stopping or len(batch) >= self._max_batch:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._commit(batch)
            if stopping:
                return

    def _connection(self) -> Connection:
        conn = self._conn
        if conn is not None and not conn.closed and not conn.broken:
            return conn
        self._drop_connection()
        self._conn = conn = self._reconnect()
        log.warning("archive writer reconnected to PostgreSQL")
        return conn

    def _begin(self) -> Connection:
        """BEGIN on a live connection. One kept from before a database restart looks
        fine until used: if BEGIN finds it broken, nothing has run yet, so one retry
        on a new connection is safe."""
        conn = self._connection()
        try:
            conn.execute("BEGIN")
        except psycopg.OperationalError:
            if not conn.broken:
                raise
            conn = self._connection()
            conn.execute("BEGIN")
        return conn

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                conn.close()

    def _commit(self, batch: list[_Job]) -> None:
        jobs = [job for job in batch if job.future.set_running_or_notify_cancel()]
        if not jobs:
            return
        outcomes: list[_Outcome] = []
        try:
            conn = self._begin()
            portable = PortableConnection(conn)
            for job in jobs:
                outcomes.append(_run_in_savepoint(conn, portable, job.work))
            cursor = conn.execute("COMMIT")
            if cursor.statusmessage != "COMMIT":
                raise CommitNotConfirmed(f"COMMIT answered {cursor.statusmessage!r}")
        except Exception as exc:
            self._rollback_quietly()
            for job in jobs:
                job.future.set_exception(exc)
            return
        self.commits += 1
        # Only now is the work durable, so only now does anyone hear about it.
        for job, (value, error) in zip(jobs, outcomes, strict=True):
            if error is None:
                job.future.set_result(value)
            else:
                job.future.set_exception(error)

    def _rollback_quietly(self) -> None:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            self._drop_connection()  # the next batch connects afresh
            return
        if conn.info.transaction_status != TransactionStatus.IDLE:
            try:
                conn.execute("ROLLBACK")
            except psycopg.Error:
                self._drop_connection()

    def _fail_leftovers(self) -> None:
        with self._lock:
            self._accepting = False
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None and item.future.set_running_or_notify_cancel():
                item.future.set_exception(ArchiveClosedError("The archive writer stopped."))


def _run_in_savepoint(conn: Connection, portable: PortableConnection, work: Work) -> _Outcome:
    conn.execute("SAVEPOINT job")
    try:
        value = work(portable)
    except Exception as exc:
        if conn.broken or conn.closed:
            raise  # the connection is gone, and the whole transaction with it
        conn.execute("ROLLBACK TO SAVEPOINT job")
        conn.execute("RELEASE SAVEPOINT job")
        return None, exc
    conn.execute("RELEASE SAVEPOINT job")
    return value, None
