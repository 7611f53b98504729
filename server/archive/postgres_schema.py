"""The archive's migrations (quizkiosk.archive.migrations) applied to PostgreSQL.

The same ordered list as SQLite, spelled for PostgreSQL by quizkiosk.archive.dialect.
PostgreSQL has no `user_version`, so the version is the one row of
`quizkiosk_schema`. Each migration runs in its own transaction with the version bump
(PostgreSQL's DDL is transactional too), under an advisory lock, so several workers
starting at once against an old database apply each migration exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence

from quizkiosk.archive.dialect import POSTGRES_PRELUDE, postgres_script
from quizkiosk.archive.migrations import MIGRATIONS, SchemaVersionError, split_statements
from quizkiosk.archive.postgres_connection import Connection

# Any constant shared by every quizkiosk: the key of the advisory lock taken while migrating.
MIGRATION_LOCK = 0x71_6B_69_6F  # "qkio"

_BOOTSTRAP = (
    "CREATE TABLE IF NOT EXISTS quizkiosk_schema (version INTEGER NOT NULL)",
    "INSERT INTO quizkiosk_schema (version)"
    " SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM quizkiosk_schema)",
    POSTGRES_PRELUDE,
)


def schema_version(conn: Connection) -> int:
    row = conn.execute("SELECT version FROM quizkiosk_schema").fetchone()
    return 0 if row is None else int(row[0])


def migrate(conn: Connection, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Bring the database up to date; return its version. `conn` is in autocommit mode."""
    with conn.transaction():
        _lock(conn)
        for statement in _BOOTSTRAP:
            conn.execute(statement)
        _refuse_newer(schema_version(conn), len(migrations))
    for number, script in enumerate(migrations, start=1):
        with conn.transaction():
            _lock(conn)  # re-read the version under it: another worker may have migrated
            if schema_version(conn) >= number:
                continue
            for statement in split_statements(postgres_script(script)):
                conn.execute(statement)
            conn.execute("UPDATE quizkiosk_schema SET version = %s", (number,))
    return schema_version(conn)


def _lock(conn: Connection) -> None:
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))


def _refuse_newer(version: int, known: int) -> None:
    """A database from the future: this code cannot know what its schema means."""
    if version > known:
        raise SchemaVersionError(
            f"The results database has schema version {version}, but this quizkiosk only "
            f"knows versions up to {known}. Upgrade quizkiosk, or point it at another "
            "database; it was left untouched."
        )
