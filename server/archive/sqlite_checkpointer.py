"""Moves the SQLite write-ahead log into the database file off the answer path.

By default SQLite checkpoints inside the COMMIT that pushes the log past 1,000
pages: that commit copies every logged page into the main file and fsyncs it, so
the answers in that one group commit wait tens of milliseconds longer than the rest
(the burst benchmark's ack p99 jumped between ~6 and ~40 ms depending on whether a
run hit one).  The writer connection therefore turns automatic checkpoints off
(`wal_autocheckpoint = 0`) and this thread, on a connection of its own, runs
`wal_checkpoint(PASSIVE)` a moment after commits happened.  A passive checkpoint
never waits for, nor blocks, the writer: commits keep appending to the log while it
copies, and the log restarts from its beginning once a checkpoint has caught up.
Closing the last connection still checkpoints and removes the log, as before.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

INTERVAL = 0.5  # seconds between looks; a look with no new commits costs nothing


class WalCheckpointer:
    """A daemon thread that checkpoints whenever `commits()` has moved since last time."""

    def __init__(
        self,
        opener: Callable[[], sqlite3.Connection],
        commits: Callable[[], int],
        *,
        interval: float = INTERVAL,
    ) -> None:
        self._opener = opener
        self._commits = commits
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="archive-checkpoint", daemon=True)
        self.checkpoints = 0  # completed passive checkpoints; tests read it
        self.last_error: sqlite3.Error | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for a checkpoint in progress (closing checkpoints the rest)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        conn = self._opener()
        try:
            seen = self._commits()
            while not self._stopping.wait(self._interval):
                now = self._commits()
                if now == seen:
                    continue
                seen = now
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as error:
                    # A busy or failed passive checkpoint loses nothing: the pages stay
                    # in the log and the next look tries again.
                    self.last_error = error
                else:
                    self.checkpoints += 1
        finally:
            conn.close()
