"""The one thread that writes to the SQLite file, committing queued work in groups.

Every write is a small function of the connection, queued with a future.  The
writer thread takes everything that is waiting, runs it all inside ONE transaction,
commits (an fsync with `synchronous=FULL`), and only then resolves the futures.  So
under load, hundreds of answers share one fsync; with a single answer the latency
is one commit.  One thread owns the connection, so there is exactly one writer and
no lock contention inside the process.

Each job runs inside its own SAVEPOINT: a job that raises (say, an answer for a game
that does not exist) is undone and fails alone, while the rest of its batch still
commits.  If the transaction itself fails (BEGIN, COMMIT, a full disk), every job
in the batch gets that exception, because none of them is durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

Work = Callable[[sqlite3.Connection], Any]
MAX_BATCH = 1024  # bounds how long one transaction (and its waiters) can take


class ArchiveClosedError(RuntimeError):
    """A write or read arrived when the archive was not open."""


@dataclass(slots=True)
class _Job:
    work: Work
    future: Future[Any]


_Outcome = tuple[object, Exception | None]


class GroupCommitWriter:
    """Owns a write connection in a dedicated thread; see the module docstring."""

    def __init__(
        self,
        opener: Callable[[], sqlite3.Connection],
        *,
        name: str = "archive-writer",
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._opener = opener  # runs in the writer thread, which then owns the connection
        self._max_batch = max_batch
        # None is the stop marker; it is always the last item ever queued.
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()  # makes "check open, then enqueue" atomic
        self._accepting = False
        self._ready: Future[None] = Future()
        self._stopped: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.commits = 0  # successful transactions; tests and benchmarks read it

    @property
    def pending(self) -> int:
        """Jobs queued but not yet picked up by the writer thread."""
        return self._queue.qsize()

    async def start(self) -> None:
        """Open the connection in the writer thread; raises whatever opening raised."""
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
            return  # never started
        await asyncio.wrap_future(self._stopped)
        self._thread.join()

    def submit(self, work: Callable[[sqlite3.Connection], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if not self._accepting:
                raise ArchiveClosedError("The archive is not open.")
            self._queue.put(_Job(work, future))
        return future

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Queue `work` and return its result once its transaction has committed."""
        return await asyncio.wrap_future(self.submit(work))

    # -- the writer thread -------------------------------------------------------------

    def _run(self) -> None:
        try:
            conn = self._opener()
        except Exception as exc:
            self._ready.set_exception(exc)
            self._stopped.set_result(None)
            return
        self._ready.set_result(None)
        try:
            self._serve(conn)
        finally:
            try:
                conn.close()
            finally:
                self._fail_leftovers()
                self._stopped.set_result(None)

    def _serve(self, conn: sqlite3.Connection) -> None:
        while True:
            item = self._queue.get()  # block until there is work
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
                    item = self._queue.get_nowait()  # take whatever else is waiting
                except queue.Empty:
                    break
            if batch:
                self._commit(conn, batch)
            if stopping:
                return

    def _commit(self, conn: sqlite3.Connection, batch: list[_Job]) -> None:
        # A job cancelled before it got here is skipped; after this it cannot be cancelled.
        jobs = [job for job in batch if job.future.set_running_or_notify_cancel()]
        if not jobs:
            return
        outcomes: list[_Outcome] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job in jobs:
                outcomes.append(_run_in_savepoint(conn, job.work))
            conn.execute("COMMIT")
        except Exception as exc:
            _rollback_quietly(conn)
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

    def _fail_leftovers(self) -> None:
        """Should the loop ever die, nobody may wait forever on a write that won't happen."""
        with self._lock:
            self._accepting = False
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None and item.future.set_running_or_notify_cancel():
                item.future.set_exception(ArchiveClosedError("The archive writer stopped."))


def _run_in_savepoint(conn: sqlite3.Connection, work: Work) -> _Outcome:
    conn.execute("SAVEPOINT job")
    try:
        value = work(conn)
    except Exception as exc:
        if not conn.in_transaction:
            raise  # SQLite already rolled the whole transaction back (e.g. disk full)
        conn.execute("ROLLBACK TO job")
        conn.execute("RELEASE job")
        return None, exc
    conn.execute("RELEASE job")
    return value, None


def _rollback_quietly(conn: sqlite3.Connection) -> None:
    # A failed COMMIT (e.g. a deferred constraint) leaves the transaction open.
    # If even ROLLBACK fails, the original error is still the one worth reporting.
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
