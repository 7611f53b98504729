"""What differs between SQLite and PostgreSQL when the archive runs the same SQL on both.

The archive's queries and migrations are written once, in SQL that both databases
accept, spelled as SQLite spells it (`?` placeholders, `REAL`, `INTEGER`,
`COLLATE NOCASE`). This module is the one place that says how PostgreSQL differs:

- at run time, placeholders: psycopg wants `%s` (and a literal `%` doubled);
- in the schema, the few type names whose meaning differs (`POSTGRES_SPELLING`), and
  the `nocase` collation SQLite has built in (`POSTGRES_PRELUDE`);
- which exceptions mean "a constraint said no" (`INTEGRITY_ERRORS`).

Write new SQL in the common subset: `INSERT ... ON CONFLICT` rather than
`INSERT OR REPLACE`, an alias on every sub-select in FROM, no `rowid`. The archive
tests run against both backends, so a query outside the subset fails there.
"""

from __future__ import annotations

import functools
import re
import sqlite3

import psycopg

# A write that broke a UNIQUE, FOREIGN KEY or CHECK constraint, on either backend.
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)


@functools.lru_cache(maxsize=512)
def postgres_query(sql: str) -> str:
    """`sql` with SQLite's `?` placeholders in psycopg's `%s` style.

    The archive's SQL never has a `?` inside a string literal (values always travel
    as parameters), so every `?` is a placeholder.
    """
    return sql.replace("%", "%%").replace("?", "%s")


# (pattern, replacement, why) applied in order to each migration for PostgreSQL.
POSTGRES_SPELLING: tuple[tuple[str, str, str], ...] = (
    (
        r"\bREAL\b",
        "DOUBLE PRECISION",
        "SQLite's REAL is an 8-byte float; PostgreSQL's is 4 bytes, which would round "
        "unix seconds to minutes",
    ),
    (
        r"\bINTEGER\b",
        "BIGINT",
        "SQLite's INTEGER holds 64 bits (a game's seed uses 32 unsigned); PostgreSQL's "
        "holds 32 signed",
    ),
)

# Run before the migrations, idempotently: SQLite has the NOCASE collation built in,
# PostgreSQL gets an ICU one under the same (case-folded) name, so the migrations'
# `COLLATE NOCASE` means the same on both: "Aziza" and "aziza" are one trainer.
POSTGRES_PRELUDE = (
    "CREATE COLLATION IF NOT EXISTS nocase"
    " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
)


def postgres_script(script: str) -> str:
    """A migration as PostgreSQL spells it (see `POSTGRES_SPELLING`)."""
    for pattern, replacement, _why in POSTGRES_SPELLING:
        script = re.sub(pattern, replacement, script)
    return script
