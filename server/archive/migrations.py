"""The archive's schema, as an ordered list of migrations, and the code that applies them.

The schema version lives in SQLite's `PRAGMA user_version` (0 for a new file).
Migration N (counted from 1) takes a database from version N-1 to N.  Each runs in
its own transaction together with the version bump, so a crash or an error leaves
the file at the last version that completed, never half-way.

Append only: once a migration has shipped, never edit it; add a new one instead.

The same list builds the PostgreSQL schema (quizkiosk.archive.postgres_schema, with the
version in a `quizkiosk_schema` table): write each migration in SQL both databases
accept, spelled as SQLite spells it; quizkiosk.archive.dialect is the one place that
says how PostgreSQL differs (REAL and INTEGER widths, the NOCASE collation). The
archive tests apply every migration to both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

_V1_RESULTS = """
CREATE TABLE games (
    id TEXT PRIMARY KEY,
    pin TEXT NOT NULL,
    bank_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',      -- JSON object
    trainer TEXT NOT NULL,                    -- username; no foreign key, games outlive accounts
    created_at REAL NOT NULL,                 -- unix seconds
    started_at REAL,
    ended_at REAL,
    question_ids TEXT NOT NULL DEFAULT '[]'   -- JSON array, in the order they were asked
);
CREATE INDEX games_by_trainer ON games (trainer, created_at);
CREATE INDEX games_by_created ON games (created_at);

CREATE TABLE participants (
    game_id TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    player_id TEXT NOT NULL,
    name TEXT NOT NULL,
    staff_id TEXT,
    department TEXT,
    joined_at REAL NOT NULL,
    PRIMARY KEY (game_id, player_id)
);
-- Following one staff member across sessions is a roll-up by staff_id.
CREATE INDEX participants_by_staff ON participants (staff_id) WHERE staff_id IS NOT NULL;

CREATE TABLE answers (
    game_id TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    player_id TEXT NOT NULL,
    question_index INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    payload TEXT NOT NULL,                    -- JSON, as the player sent it
    received_at REAL NOT NULL,
    response_ms INTEGER NOT NULL,
    correct INTEGER,                          -- 1 or 0; NULL for polls
    points INTEGER NOT NULL,
    -- One answer per player per question: a repeat is ignored, never scored twice.
    UNIQUE (game_id, player_id, question_index)
);
-- "Which questions did most people get wrong" groups by question.
CREATE INDEX answers_by_question ON answers (game_id, question_id);

CREATE TABLE standings (
    game_id TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    player_id TEXT NOT NULL,
    rank INTEGER NOT NULL,
    score INTEGER NOT NULL,
    correct_count INTEGER NOT NULL,
    PRIMARY KEY (game_id, player_id)
);
"""

_V2_ACCOUNTS = """
CREATE TABLE trainers (
    -- NOCASE: "Aziza" and "aziza" are one person to the nurse typing it.
    username TEXT PRIMARY KEY COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'trainer')),
    password_hash TEXT NOT NULL,              -- argon2id, in PHC string format
    created_at REAL NOT NULL
);

-- Secrets are stored as SHA-256 digests only: a stolen file holds no usable token.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES trainers (username) ON DELETE CASCADE,
    created_at REAL NOT NULL
);
CREATE INDEX api_tokens_by_trainer ON api_tokens (username);

CREATE TABLE sessions (
    session_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES trainers (username) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX sessions_by_trainer ON sessions (username);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- At most one outstanding first-run setup code.
CREATE TABLE setup_code (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    code_hash TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

_V3_DURABLE_GAMES = """
-- What a game needs to be rebuilt after a restart: its seed (option order), the
-- content hash of the bank it was started from, and every accepted input in order.
ALTER TABLE games ADD COLUMN seed INTEGER;
ALTER TABLE games ADD COLUMN bank_hash TEXT;
CREATE TABLE game_inputs (
    game_id TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,                     -- 1, 2, 3, ... per game
    at REAL NOT NULL,                         -- the time the engine was given
    command TEXT NOT NULL,                    -- JSON (quizkiosk.engine.commands)
    epoch INTEGER NOT NULL DEFAULT 0,         -- the owner's fencing token (scale-out)
    PRIMARY KEY (game_id, seq)
);
CREATE INDEX games_unfinished ON games (created_at) WHERE ended_at IS NULL;
-- The answer in bank terms (which bank option(s), which step order), independent
-- of how the options were shuffled on screen: "which wrong option did people pick".
ALTER TABLE answers ADD COLUMN answer TEXT;
"""

_V4_ATTEMPTS = """
-- Every attempt at a case-race step, right or wrong: a race may take several per step.
CREATE TABLE attempts (
    game_id TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    player_id TEXT NOT NULL,
    step_index INTEGER NOT NULL,              -- in the race, from 0
    step_id TEXT NOT NULL,                    -- "case id/step id" in the bank
    attempt INTEGER NOT NULL,                 -- 1, 2, ...
    payload TEXT NOT NULL,                    -- JSON, as the player sent it
    answer TEXT,                              -- JSON, in bank terms
    received_at REAL NOT NULL,
    race_ms INTEGER NOT NULL,                 -- the player's race clock at this attempt
    correct INTEGER NOT NULL,
    PRIMARY KEY (game_id, player_id, step_index, attempt)
);
CREATE INDEX attempts_by_step ON attempts (game_id, step_id);
"""

_V5_REFRESHERS_AND_SHARING = """
-- A refresher quiz's drawn set and why it was drawn (JSON: the bank questions in
-- order, the banks, topics, staff, department, count, seed and any fallback), so its
-- reports, its replay after a restart and the next draw ("not what they saw in their
-- last refresher") stay exact. NULL for a game started from a whole bank.
ALTER TABLE games ADD COLUMN draw TEXT;
CREATE INDEX games_refreshers ON games (created_at) WHERE draw IS NOT NULL;
-- Sessions with participants from one department (the sessions filter, heat map).
CREATE INDEX participants_by_department ON participants (department, game_id)
    WHERE department IS NOT NULL;
-- Trainers of one polyclinic may read each other's reports when sharing is on.
ALTER TABLE trainers ADD COLUMN polyclinic TEXT;
CREATE INDEX trainers_by_polyclinic ON trainers (polyclinic) WHERE polyclinic IS NOT NULL;
-- Settings of this server kept with its data (name -> value), e.g. report sharing.
CREATE TABLE server_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

_V6_ROLLUP_INDEX = """
-- Roll-ups across sessions (staff record, refresher list, heat map) and the sessions
-- list read every scored answer of a participant: with this index they read it from
-- the index alone instead of one table lookup per answer (3x faster at 1M answers,
-- docs/performance.md "Trainer review with 1,000,000 answers").
CREATE INDEX answers_by_player ON answers (game_id, player_id, question_id, correct);
"""

_V7_FENCING_EPOCH = """
-- Scale-out: the newest owner's fencing token per game. A new owner raises it before
-- rebuilding the game; every group commit of an owner checks it under a row lock, so
-- an ex-owner that paused past its lease cannot record inputs any more.
ALTER TABLE games ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
"""

_V8_TOPIC_TOTALS = """
-- Roll-ups by topic (refresher list, heat map) read per-topic totals instead of every
-- answer. A question's topics are its bank's tags, which live in the banks, not here:
-- the server copies them into question_topics (bank id, question id, topic; a drawn
-- bank of several banks asks "bank:question" ids, kept under bank id '*').
CREATE TABLE question_topics (
    bank_id TEXT NOT NULL,
    question_id TEXT NOT NULL,                -- a case step as "case id/step id"
    topic TEXT NOT NULL,
    PRIMARY KEY (bank_id, question_id, topic)
);
-- Scored answers (a race: first attempts) of one participant of one session, per topic,
-- with who they were (department, staff ID: '' for none), the session's trainer and
-- creation time copied in, so a roll-up reads this table alone. Kept up to date in the
-- transaction that records the answers, and by every change of a participant.
CREATE TABLE topic_totals (
    game_id TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    player_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    department TEXT NOT NULL,
    trainer TEXT NOT NULL,
    created_at REAL NOT NULL,
    answered INTEGER NOT NULL,
    correct_count INTEGER NOT NULL,
    PRIMARY KEY (game_id, player_id, topic)
);
-- In roll-up order, with every column a roll-up reads: read from the index alone.
CREATE INDEX topic_totals_by_staff ON topic_totals
    (staff_id, department, topic, created_at, trainer, answered, correct_count);
-- Sessions whose topic totals must be (re)computed: every session already archived
-- (the back-fill), and those of a bank whose tags changed. The server does it, one
-- session per transaction, once it has copied the banks' tags into question_topics.
CREATE TABLE topic_totals_stale (
    game_id TEXT PRIMARY KEY REFERENCES games (id) ON DELETE CASCADE
);
INSERT INTO topic_totals_stale (game_id) SELECT id FROM games;
"""

MIGRATIONS: tuple[str, ...] = (
    _V1_RESULTS,
    _V2_ACCOUNTS,
    _V3_DURABLE_GAMES,
    _V4_ATTEMPTS,
    _V5_REFRESHERS_AND_SHARING,
    _V6_ROLLUP_INDEX,
    _V7_FENCING_EPOCH,
    _V8_TOPIC_TOTALS,
)
LATEST_VERSION = len(MIGRATIONS)


class SchemaVersionError(RuntimeError):
    """The database was written by a newer quizkiosk than this one."""


def schema_version(conn: sqlite3.Connection) -> int:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    assert isinstance(version, int)
    return version


def check_version(conn: sqlite3.Connection, known: int = LATEST_VERSION) -> int:
    """Refuse a database from the future: this code cannot know what its schema means."""
    version = schema_version(conn)
    if version > known:
        raise SchemaVersionError(
            f"The results database has schema version {version}, but this quizkiosk only "
            f"knows versions up to {known}. Upgrade quizkiosk, or point it at another "
            "data directory; the file was left untouched."
        )
    return version


def split_statements(script: str) -> list[str]:
    """Split a script into statements, keeping `;` inside quotes or triggers intact.

    `executescript` would do this for us, but it commits any open transaction first,
    which would break the one-transaction-per-migration rule.
    """
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\r\n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \t\r\n;"):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {pending!r}")
    return statements


def migrate(conn: sqlite3.Connection, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Bring the database up to date; return its version.

    `conn` must be in autocommit mode (`isolation_level=None`) so that the explicit
    BEGIN/COMMIT here are the only transaction control.
    """
    check_version(conn, len(migrations))
    for number, script in enumerate(migrations, start=1):
        if schema_version(conn) >= number:
            continue
        # IMMEDIATE takes the write lock up front; re-reading the version under it means
        # two processes opening the same old file cannot both apply a migration.
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) < number:
                for statement in split_statements(script):
                    conn.execute(statement)
                # user_version is part of the database header, so it commits or rolls
                # back together with the schema change.
                conn.execute(f"PRAGMA user_version = {number:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return schema_version(conn)
