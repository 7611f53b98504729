"""Insert many rows with a few statements instead of one statement per row.

`executemany` steps its statement once per row, and Python's sqlite3 module lets go of
the GIL around every step.  The archive writes from its own thread while the event loop
is busy (a reconnect storm: 1,000 handshakes a second), so each step had to win the GIL
back, and a batch of a few dozen answers took 20-100 ms instead of under one: every
answer in the batch waited that long for its acknowledgement.  Here the rows go into
one `INSERT … VALUES (…), (…), …` per chunk, so a batch costs a handful of steps.

Chunks are powers of two up to CHUNK, so each table has at most a few distinct
statements for SQLite's statement cache, whatever the batch size.  Rows are inserted in
their order, so an upsert meeting the same key twice ends as `executemany` would.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Sequence

CHUNK = 64  # rows per statement at most: 64 x 10 columns is far below SQLite's 32,766

_VALUES = re.compile(r"\bVALUES\s*(\((?:\s*\?\s*,)*\s*\?\s*\))", re.IGNORECASE)


def insert_rows(conn: sqlite3.Connection, statement: str, rows: Sequence[Sequence[object]]) -> None:
    """Run `statement` (one `INSERT … VALUES (?, …) …`) for every row, in order."""
    done = 0
    while done < len(rows):
        size = min(CHUNK, _largest_power_of_two(len(rows) - done))
        chunk = rows[done : done + size]
        conn.execute(_for_rows(statement, size), [value for row in chunk for value in row])
        done += size


def _largest_power_of_two(n: int) -> int:
    return 1 << (n.bit_length() - 1)


@functools.lru_cache(maxsize=64)
def _for_rows(statement: str, count: int) -> str:
    match = _VALUES.search(statement)
    if match is None:
        raise ValueError(f"not an INSERT … VALUES (?, …) statement: {statement!r}")
    row = match.group(1)
    values = "VALUES " + ", ".join([row] * count)
    return statement[: match.start()] + values + statement[match.end() :]
