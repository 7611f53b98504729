"""The embedded results archive: one SQLite file in the data directory.

Writes go through a GroupCommitWriter (one thread, one connection, group commit);
reads go through a second, read-only connection on its own thread, so a report
being built never holds up answers being acknowledged.  WAL mode lets the two run
side by side, and `synchronous=FULL` makes every commit survive a power cut: an
acknowledged answer is on disk.

Why one long module: `SqliteArchive` is the one copy of the archive's queries.
PostgresArchive inherits every method and statement here and changes only where they
run (quizkiosk.archive.dialect translates them). The statements sit next to the
methods that run them, so both backends' SQL is read in one file. The writer, the
checkpoint thread, the migrations and the topic totals are already modules of their own.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sqlite3
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar, cast

from quizkiosk.archive import topic_totals
from quizkiosk.archive.migrations import check_version, migrate
from quizkiosk.archive.multirow import insert_rows
from quizkiosk.archive.records import (
    AnswerRecord,
    AnswerTotal,
    AttemptRecord,
    Fenced,
    GameRecord,
    GameResults,
    InputRecord,
    ParticipantRecord,
    SavedGame,
    SessionFilter,
    SessionPage,
    SessionSummary,
    SessionTotal,
    StandingRecord,
    TotalsFilter,
)
from quizkiosk.archive.sqlite_checkpointer import WalCheckpointer
from quizkiosk.archive.topic_totals import (
    DepartmentTopicTotal,
    StaffTopicPage,
    TopicRow,
)
from quizkiosk.archive.writer import ArchiveClosedError, GroupCommitWriter

T = TypeVar("T")


ERASED_NAME = "—"  # what an erased participant's name becomes: no personal data left


class UnknownGameError(LookupError):
    """A write referred to a game the archive has no record of."""


class SqliteArchive:
    """Implements `quizkiosk.archive.records.Archive` on a SQLite file."""

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = Path(path)
        self._busy_timeout = busy_timeout  # seconds to wait on another process's lock
        self._writer = GroupCommitWriter(self._open_writer_connection)
        self._checkpointer = WalCheckpointer(
            lambda: _connect(self.path, self._busy_timeout), lambda: self._writer.commits
        )
        self._reader: ThreadPoolExecutor | None = None
        self._read_conn: sqlite3.Connection | None = None  # used only on the reader thread
        self._state = "new"
        self._closing: asyncio.Future[None] | None = None

    @property
    def commits(self) -> int:
        """How many write transactions have committed: answers per commit shows grouping."""
        return self._writer.commits

    @property
    def checkpoints(self) -> int:
        """How many times the checkpoint thread has copied the log into the file."""
        return self._checkpointer.checkpoints

    @property
    def pending_writes(self) -> int:
        return self._writer.pending

    # -- lifecycle ---------------------------------------------------------------------

    async def open(self) -> None:
        """Open (creating or upgrading) the file; raises SchemaVersionError if it is newer."""
        if self._state != "new":
            raise RuntimeError("A SqliteArchive can be opened only once.")
        self._state = "opening"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await self._writer.start()  # migrates before anyone can read
            self._checkpointer.start()
            reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-reader")
            self._reader = reader
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(reader, self._open_reader_connection)
        except BaseException:
            self._state = "closed"
            await self._shutdown()
            raise
        self._state = "open"

    async def close(self) -> None:
        """Commit everything already queued, then close both connections."""
        if self._state == "new":
            self._state = "closed"
        if self._closing is None and self._state == "open":
            self._state = "closed"
            self._closing = asyncio.ensure_future(self._shutdown())
        if self._closing is not None:
            # Every caller, not just the first, returns only once the writes are flushed.
            await asyncio.shield(self._closing)

    async def _shutdown(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._checkpointer.stop)
        await self._writer.stop()
        reader, self._reader = self._reader, None
        if reader is not None:
            await loop.run_in_executor(reader, self._close_reader_connection)
            reader.shutdown(wait=False)

    def _open_writer_connection(self) -> sqlite3.Connection:
        conn = _connect(self.path, self._busy_timeout)
        try:
            check_version(conn)  # before touching the file at all
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                raise RuntimeError(
                    f"SQLite could not use WAL journaling for {self.path} (got {mode!r}); "
                    "keep the data directory on a local disk, not a network share."
                )
            # Checkpoints run on their own thread (sqlite_checkpointer), not inside
            # the commit that acknowledges a batch of answers.
            conn.execute("PRAGMA wal_autocheckpoint = 0")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_reader_connection(self) -> None:
        conn = _connect(self.path, self._busy_timeout)
        conn.execute("PRAGMA query_only = ON")  # reads cannot write, even by mistake
        self._read_conn = conn

    def _close_reader_connection(self) -> None:
        conn, self._read_conn = self._read_conn, None
        if conn is not None:
            conn.close()

    # -- generic access (also used by quizkiosk.accounts) ----------------------------------

    async def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the write connection in the next group commit; return its result.

        `work` runs in the writer thread inside a savepoint: if it raises, its changes
        are undone and the exception is re-raised here; other work is unaffected.
        Keep it short (SQL only): everything queued behind it waits.
        """
        return await self._writer.run(work)

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the read-only connection, inside one snapshot transaction."""
        reader = self._reader
        if reader is None or self._state != "open":
            raise ArchiveClosedError("The archive is not open.")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(reader, self._read_in_thread, work)

    def _read_in_thread(self, work: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._read_conn
        if conn is None:
            raise ArchiveClosedError("The archive is not open.")
        # One transaction, so a multi-query read sees one consistent moment.
        conn.execute("BEGIN")
        try:
            return work(conn)
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    # -- Archive protocol: writes --------------------------------------------------------

    async def record_game(self, game: GameRecord) -> None:
        params = (
            game.game_id,
            game.pin,
            game.bank_id,
            game.mode,
            _to_json(game.settings),
            game.trainer,
            game.created_at,
            _to_json(game.question_ids),
            game.seed,
            game.bank_hash,
            None if game.draw is None else _to_json(game.draw),
        )
        await self.write(_statement(_INSERT_GAME, params))

    async def record_start(self, game_id: str, started_at: float) -> None:
        await self.write(_update_game(game_id, "started_at", started_at))

    async def record_participant(self, participant: ParticipantRecord) -> None:
        params = _participant_params(participant)

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(_UPSERT_PARTICIPANT, params)
            _recompute_topics(conn, [params], [], [])

        await self.write(work)

    async def record_answer(self, answer: AnswerRecord) -> None:
        # Encode here, on the caller's side: a payload that is not JSON fails its own
        # caller at once instead of reaching the writer thread.
        params = _answer_params(answer)

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(_INSERT_ANSWER, params)
            _recompute_topics(conn, [], [params], [])

        await self.write(work)

    async def record_inputs(
        self, game_id: str, inputs: list[InputRecord], epoch: int | None = None
    ) -> None:
        """Each input with its facts (participants, answers, start, end): all or nothing.

        With an `epoch`, the same transaction first checks (and locks) the game's row:
        an owner whose epoch is no longer the game's is refused with `Fenced`."""
        input_rows = [(game_id, i.seq, i.at, _to_json(i.command), epoch or 0) for i in inputs]
        participant_rows = [_participant_params(p) for i in inputs for p in i.participants]
        answer_rows = [_answer_params(a) for i in inputs for a in i.answers]
        attempt_rows = [_attempt_params(a) for i in inputs for a in i.attempts]
        started = [i.started_at for i in inputs if i.started_at is not None]
        ends = [(i.ended_at, i.standings) for i in inputs if i.ended_at is not None]

        def work(conn: sqlite3.Connection) -> None:
            if epoch is not None:
                _check_epoch(conn, game_id, epoch)
            # A few statements, not one per row: see quizkiosk.archive.multirow.
            insert_rows(conn, _INSERT_INPUT, input_rows)
            insert_rows(conn, _UPSERT_PARTICIPANT, participant_rows)
            insert_rows(conn, _INSERT_ANSWER, answer_rows)
            insert_rows(conn, _INSERT_ATTEMPT, attempt_rows)
            if participant_rows or answer_rows or attempt_rows:
                topic_totals.mark_stale(conn, game_id)  # not recomputed on the ack's path
            for at in started:
                _update_game(game_id, "started_at", at)(conn)
            for at, standings in ends:
                _write_end(conn, game_id, at, standings)
            if ends:
                topic_totals.recompute_game(conn, game_id)  # a finished session is exact

        await self.write(work)

    async def fence(self, game_id: str, epoch: int) -> int:
        def work(conn: sqlite3.Connection) -> int:
            conn.execute(_RAISE_EPOCH, (epoch, game_id, epoch))
            row = conn.execute("SELECT epoch FROM games WHERE id = ?", (game_id,)).fetchone()
            if row is None:
                raise UnknownGameError(f"no game {game_id!r} to fence")
            return int(row[0])

        return await self.write(work)

    async def game_epoch(self, game_id: str) -> int:
        def work(conn: sqlite3.Connection) -> int:
            row = conn.execute("SELECT epoch FROM games WHERE id = ?", (game_id,)).fetchone()
            return 0 if row is None else int(row[0])

        return await self.read(work)

    async def list_sessions(self, query: SessionFilter) -> SessionPage:
        where, params = _session_conditions(query)

        def work(conn: sqlite3.Connection) -> SessionPage:
            total = conn.execute(f"SELECT COUNT(*) FROM games g {where}", params).fetchone()[0]
            rows = conn.execute(
                f"{_SELECT_SESSIONS} {where} ORDER BY g.created_at DESC, g.id LIMIT ? OFFSET ?",
                (*params, query.limit, query.offset),
            ).fetchall()
            sessions = [
                SessionSummary(
                    game_id=row[0],
                    pin=row[1],
                    bank_id=row[2],
                    mode=row[3],
                    trainer=row[4],
                    created_at=row[5],
                    started_at=row[6],
                    ended_at=row[7],
                    participants=row[8],
                    accuracy=None if row[9] is None else 100.0 * row[9],
                )
                for row in rows
            ]
            return SessionPage(sessions, int(total))

        return await self.read(work)

    async def answer_totals(self, query: TotalsFilter) -> list[AnswerTotal]:
        where, params = _totals_conditions(query)

        def work(conn: sqlite3.Connection) -> list[AnswerTotal]:
            rows = conn.execute(
                f"""
                SELECT staff_id, department, bank_id, question_id,
                       COUNT(*), SUM(correct), MAX(created_at)
                FROM (
                    SELECT p.staff_id, p.department, g.bank_id, a.question_id, a.correct,
                           g.created_at
                    FROM answers a
                    JOIN participants p ON p.game_id = a.game_id AND p.player_id = a.player_id
                    JOIN games g ON g.id = a.game_id
                    WHERE a.correct IS NOT NULL AND {where}
                    UNION ALL
                    SELECT p.staff_id, p.department, g.bank_id, t.step_id, t.correct,
                           g.created_at
                    FROM attempts t
                    JOIN participants p ON p.game_id = t.game_id AND p.player_id = t.player_id
                    JOIN games g ON g.id = t.game_id
                    WHERE t.attempt = 1 AND {where}
                ) AS facts
                GROUP BY staff_id, department, bank_id, question_id
                """,
                (*params, *params),
            ).fetchall()
            return [AnswerTotal(*row) for row in rows]

        return await self.read(work)

    async def session_totals(self, query: TotalsFilter) -> list[SessionTotal]:
        if query.staff_id is None:
            raise ValueError("session_totals follows one staff member: give a staff_id")
        where, params = _totals_conditions(query)

        def work(conn: sqlite3.Connection) -> list[SessionTotal]:
            rows = conn.execute(
                f"""
                SELECT game_id, created_at, bank_id, question_id, COUNT(*), SUM(correct)
                FROM (
                    SELECT g.id AS game_id, g.created_at, g.bank_id, a.question_id, a.correct
                    FROM answers a
                    JOIN participants p ON p.game_id = a.game_id AND p.player_id = a.player_id
                    JOIN games g ON g.id = a.game_id
                    WHERE a.correct IS NOT NULL AND {where}
                    UNION ALL
                    SELECT g.id, g.created_at, g.bank_id, t.step_id, t.correct
                    FROM attempts t
                    JOIN participants p ON p.game_id = t.game_id AND p.player_id = t.player_id
                    JOIN games g ON g.id = t.game_id
                    WHERE t.attempt = 1 AND {where}
                ) AS facts
                GROUP BY game_id, created_at, bank_id, question_id
                ORDER BY created_at, game_id, question_id
                """,
                (*params, *params),
            ).fetchall()
            return [SessionTotal(*row) for row in rows]

        return await self.read(work)

    async def set_participant(
        self,
        game_id: str,
        player_id: str,
        *,
        staff_id: str | None,
        name: str | None = None,
        department: str | None = None,
    ) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE participants SET staff_id = COALESCE(?, staff_id),"
                " name = COALESCE(?, name), department = COALESCE(?, department)"
                " WHERE game_id = ? AND player_id = ?",
                (staff_id, name, department, game_id, player_id),
            )
            if cursor.rowcount != 1:
                return False
            topic_totals.recompute_players(conn, game_id, [player_id])
            return True

        return await self.write(work)

    async def erase_staff(self, staff_id: str) -> int:
        def work(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "UPDATE participants SET name = ?, staff_id = NULL, department = NULL"
                " WHERE staff_id = ?",
                (ERASED_NAME, staff_id),
            )
            topic_totals.forget_staff(conn, staff_id)
            return cursor.rowcount

        return await self.write(work)

    async def staff_name(self, staff_id: str, query: TotalsFilter) -> str | None:
        where, params = _totals_conditions(
            TotalsFilter(
                trainer=query.trainer,
                staff_id=staff_id,
                since=query.since,
                until=query.until,
                trainers=query.trainers,
            )
        )

        def work(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                f"SELECT p.name FROM participants p JOIN games g ON g.id = p.game_id"
                f" WHERE {where} ORDER BY p.joined_at DESC, g.created_at DESC, p.game_id LIMIT 1",
                params,
            ).fetchone()
            return None if row is None else str(row[0])

        return await self.read(work)

    async def sync_topics(self, rows: Collection[TopicRow]) -> int:
        return await self.write(lambda conn: topic_totals.sync_topics(conn, rows))

    async def recompute_stale_topics(self, limit: int) -> int:
        stale = await self.read(lambda conn: topic_totals.stale_games(conn, limit))
        for game_id in stale:  # one session per transaction: live answers wait little
            await self.write(functools.partial(topic_totals.recompute_game, game_id=game_id))
        return len(stale)

    async def staff_below_threshold(
        self,
        query: TotalsFilter,
        threshold: float,
        min_answers: int,
        limit: int,
        offset: int,
        by_topic: bool = False,
    ) -> StaffTopicPage:
        return await self.read(
            lambda conn: topic_totals.below_threshold(
                conn, query, threshold, min_answers, limit, offset, by_topic
            )
        )

    async def department_topics(self, query: TotalsFilter) -> list[DepartmentTopicTotal]:
        return await self.read(lambda conn: topic_totals.by_department(conn, query))

    async def last_refreshers(
        self, staff_ids: Sequence[str], department: str | None, trainer: str
    ) -> list[GameRecord]:
        def latest(conn: sqlite3.Connection, where: str, param: str) -> list[GameRecord]:
            rows = conn.execute(
                f"{_SELECT_GAME} WHERE draw IS NOT NULL AND {where}"
                " ORDER BY created_at DESC, id LIMIT 1",
                (param,),
            ).fetchall()
            return [_game_from_row(row) for row in rows]

        def work(conn: sqlite3.Connection) -> list[GameRecord]:
            found: dict[str, GameRecord] = {}
            for staff_id in dict.fromkeys(staff_ids):
                for game in latest(conn, _TOOK_PART.format(column="staff_id"), staff_id):
                    found.setdefault(game.game_id, game)
            if department is not None:
                for game in latest(conn, _TOOK_PART.format(column="department"), department):
                    found.setdefault(game.game_id, game)
            if not staff_ids and department is None:
                for game in latest(conn, "trainer = ?", trainer):
                    found.setdefault(game.game_id, game)
            return list(found.values())

        return await self.read(work)

    async def recently_ended(self, limit: int) -> list[tuple[str, str]]:
        def work(conn: sqlite3.Connection) -> list[tuple[str, str]]:
            rows = conn.execute(
                "SELECT pin, id FROM games WHERE ended_at IS NOT NULL"
                " ORDER BY ended_at DESC LIMIT ?",
                (limit,),
            ).fetchall()
            return [(str(pin), str(game_id)) for pin, game_id in rows]

        return await self.read(work)

    async def unfinished_games(self, game_id: str | None = None) -> list[SavedGame]:
        def work(conn: sqlite3.Connection) -> list[SavedGame]:
            one, params = ("AND id = ?", (game_id,)) if game_id is not None else ("", ())
            games = [
                _game_from_row(row)
                for row in conn.execute(
                    f"{_SELECT_GAME} WHERE ended_at IS NULL {one} ORDER BY created_at, id",
                    params,
                )
            ]
            saved = []
            for game in games:
                inputs = [
                    (seq, at, cast(dict[str, object], json.loads(command)))
                    for seq, at, command in conn.execute(
                        "SELECT seq, at, command FROM game_inputs WHERE game_id = ? ORDER BY seq",
                        (game.game_id,),
                    )
                ]
                saved.append(SavedGame(game, inputs))
            return saved

        return await self.read(work)

    async def record_end(
        self, game_id: str, ended_at: float, standings: list[StandingRecord]
    ) -> None:
        await self.write(lambda conn: _write_end(conn, game_id, ended_at, standings))

    # -- Archive protocol: reads ---------------------------------------------------------

    async def game_results(self, game_id: str) -> GameResults | None:
        return await self.read(lambda conn: _load_results(conn, game_id))

    async def list_games(self, trainer: str | None = None) -> list[GameRecord]:
        def work(conn: sqlite3.Connection) -> list[GameRecord]:
            if trainer is None:
                rows = conn.execute(f"{_SELECT_GAME} ORDER BY created_at DESC, id").fetchall()
            else:
                rows = conn.execute(
                    f"{_SELECT_GAME} WHERE trainer = ? ORDER BY created_at DESC, id", (trainer,)
                ).fetchall()
            return [_game_from_row(row) for row in rows]

        return await self.read(work)


# -- SQL -------------------------------------------------------------------------------

_INSERT_GAME = """
INSERT INTO games (id, pin, bank_id, mode, settings, trainer, created_at, question_ids,
                   seed, bank_hash, draw)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_INSERT_INPUT = "INSERT INTO game_inputs (game_id, seq, at, command, epoch) VALUES (?, ?, ?, ?, ?)"
# Raises, never lowers: a late fence of an older owner changes nothing.
_RAISE_EPOCH = "UPDATE games SET epoch = ? WHERE id = ? AND epoch < ?"
# A no-op update that takes the game row's lock (PostgreSQL) and matches only while the
# epoch is still the writer's; SQLite's write lock already orders every writer.
_LOCK_AT_EPOCH = "UPDATE games SET epoch = epoch WHERE id = ? AND epoch = ?"


def _check_epoch(conn: sqlite3.Connection, game_id: str, epoch: int) -> None:
    if conn.execute(_LOCK_AT_EPOCH, (game_id, epoch)).rowcount == 0:
        row = conn.execute("SELECT epoch FROM games WHERE id = ?", (game_id,)).fetchone()
        if row is None:
            raise UnknownGameError(f"no game {game_id!r}")
        raise Fenced(f"game {game_id!r} is at epoch {row[0]}, this writer at {epoch}")


# A player who rejoins may have fixed their name; the first join time stays.
_UPSERT_PARTICIPANT = """
INSERT INTO participants (game_id, player_id, name, staff_id, department, joined_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (game_id, player_id) DO UPDATE SET
    name = excluded.name, staff_id = excluded.staff_id, department = excluded.department
"""
# The first answer wins; a repeat (a resend after a reconnect) changes nothing.
_INSERT_ANSWER = """
INSERT INTO answers (game_id, player_id, question_index, question_id, payload,
                     received_at, response_ms, correct, points, answer)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (game_id, player_id, question_index) DO NOTHING
"""
_INSERT_ATTEMPT = """
INSERT INTO attempts (game_id, player_id, step_index, step_id, attempt, payload, answer,
                      received_at, race_ms, correct)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (game_id, player_id, step_index, attempt) DO NOTHING
"""
_INSERT_STANDING = """
INSERT INTO standings (game_id, player_id, rank, score, correct_count) VALUES (?, ?, ?, ?, ?)
"""
# A game one of whose participants has this staff ID (or department).
_TOOK_PART = "id IN (SELECT game_id FROM participants WHERE {column} = ?)"
_SELECT_GAME = """
SELECT id, pin, bank_id, mode, settings, trainer, created_at, question_ids,
       started_at, ended_at, seed, bank_hash, draw
FROM games
"""


# Per session: how many took part, and the share of right answers (a race: of first
# attempts). Each sub-select reads one game's rows through its primary-key index.
_SELECT_SESSIONS = """
SELECT g.id, g.pin, g.bank_id, g.mode, g.trainer, g.created_at, g.started_at, g.ended_at,
       (SELECT COUNT(*) FROM participants p WHERE p.game_id = g.id),
       COALESCE(
           (SELECT AVG(a.correct) FROM answers a
            WHERE a.game_id = g.id AND a.correct IS NOT NULL),
           (SELECT AVG(t.correct) FROM attempts t WHERE t.game_id = g.id AND t.attempt = 1)
       )
FROM games g
"""


_FROM_BANK = (
    "(g.bank_id = ? OR g.bank_id LIKE ? ESCAPE '\\' OR g.bank_id LIKE ? ESCAPE '\\'"
    " OR g.bank_id LIKE ? ESCAPE '\\')"
)


def _session_conditions(query: SessionFilter) -> tuple[str, tuple[object, ...]]:
    conditions: list[str] = []
    params: list[object] = []
    for column, value in (
        ("g.trainer = ?", query.trainer),
        ("g.mode = ?", query.mode),
        ("g.created_at >= ?", query.since),
        ("g.created_at < ?", query.until),
    ):
        if value is not None:
            conditions.append(column)
            params.append(value)
    if query.bank_id is not None:
        # A refresher drawn from several banks has their ids joined with "+" (sorted).
        conditions.append(_FROM_BANK)
        escaped = "".join("\\" + c if c in "\\%_" else c for c in query.bank_id)
        params.extend((query.bank_id, f"{escaped}+%", f"%+{escaped}", f"%+{escaped}+%"))
    if query.department is not None:
        conditions.append(
            "EXISTS (SELECT 1 FROM participants p WHERE p.game_id = g.id AND p.department = ?)"
        )
        params.append(query.department)
    if query.trainers is not None:
        conditions.append(_one_of("g.trainer", query.trainers))
        params.extend(query.trainers)
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    return where, tuple(params)


def _one_of(column: str, values: Sequence[object]) -> str:
    """`column IN (?, ?, ...)` for `values`; an empty list matches nothing."""
    if not values:
        return "0 = 1"
    return f"{column} IN ({', '.join('?' for _ in values)})"


def _participant_params(p: ParticipantRecord) -> tuple[object, ...]:
    return (p.game_id, p.player_id, p.name, p.staff_id, p.department, p.joined_at)


def _answer_params(a: AnswerRecord) -> tuple[object, ...]:
    return (
        a.game_id,
        a.player_id,
        a.question_index,
        a.question_id,
        _to_json(a.payload),
        a.received_at,
        a.response_ms,
        None if a.correct is None else int(a.correct),
        a.points,
        _to_json(a.answer),
    )


def _attempt_params(a: AttemptRecord) -> tuple[object, ...]:
    return (
        a.game_id,
        a.player_id,
        a.step_index,
        a.step_id,
        a.attempt,
        _to_json(a.payload),
        _to_json(a.answer),
        a.received_at,
        a.race_ms,
        int(a.correct),
    )


def _recompute_topics(
    conn: sqlite3.Connection,
    participant_rows: Sequence[Sequence[object]],
    answer_rows: Sequence[Sequence[object]],
    attempt_rows: Sequence[Sequence[object]],
) -> None:
    """The topic totals of every participant these rows touch (each row starts with
    game id, player id), in the transaction that wrote them."""
    games: dict[str, set[str]] = {}
    for rows in (participant_rows, answer_rows, attempt_rows):
        for row in rows:
            games.setdefault(str(row[0]), set()).add(str(row[1]))
    for game_id, players in games.items():
        topic_totals.recompute_players(conn, game_id, players)


def _write_end(
    conn: sqlite3.Connection, game_id: str, ended_at: float, standings: Sequence[StandingRecord]
) -> None:
    _update_game(game_id, "ended_at", ended_at)(conn)
    # Replace, not add: ending twice (say, after a replay) leaves one board.
    conn.execute("DELETE FROM standings WHERE game_id = ?", (game_id,))
    conn.executemany(
        _INSERT_STANDING,
        [(game_id, s.player_id, s.rank, s.score, s.correct_count) for s in standings],
    )


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; the code says BEGIN and COMMIT.
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")  # per connection, off by default
        conn.execute("PRAGMA synchronous = FULL")  # per connection: fsync on every commit
    except BaseException:
        conn.close()
        raise
    return conn


def _statement(sql: str, params: Sequence[object]) -> Callable[[sqlite3.Connection], None]:
    def work(conn: sqlite3.Connection) -> None:
        conn.execute(sql, params)

    return work


def _update_game(game_id: str, column: str, value: float) -> Callable[[sqlite3.Connection], None]:
    assert column in ("started_at", "ended_at")  # never interpolate anything else

    def work(conn: sqlite3.Connection) -> None:
        cursor = conn.execute(f"UPDATE games SET {column} = ? WHERE id = ?", (value, game_id))
        if cursor.rowcount == 0:
            raise UnknownGameError(f"No game {game_id!r} in the archive.")

    return work


def _to_json(value: object) -> str:
    # ensure_ascii=False keeps Uzbek and Russian text readable in the file itself.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _game_from_row(row: Sequence[Any]) -> GameRecord:
    return GameRecord(
        game_id=row[0],
        pin=row[1],
        bank_id=row[2],
        mode=row[3],
        settings=cast(dict[str, object], json.loads(row[4])),
        trainer=row[5],
        created_at=row[6],
        question_ids=cast(list[str], json.loads(row[7])),
        seed=row[10],
        bank_hash=row[11],
        draw=None if row[12] is None else cast(dict[str, object], json.loads(row[12])),
    )


def _load_results(conn: sqlite3.Connection, game_id: str) -> GameResults | None:
    row = conn.execute(f"{_SELECT_GAME} WHERE id = ?", (game_id,)).fetchone()
    if row is None:
        return None
    participants = [
        ParticipantRecord(game_id, *rest)
        for rest in conn.execute(
            "SELECT player_id, name, staff_id, department, joined_at FROM participants"
            " WHERE game_id = ? ORDER BY joined_at, player_id",
            (game_id,),
        )
    ]
    answers = [
        AnswerRecord(
            game_id=game_id,
            player_id=player_id,
            question_index=index,
            question_id=question_id,
            payload=json.loads(payload),
            received_at=received_at,
            response_ms=response_ms,
            correct=None if correct is None else bool(correct),
            points=points,
            answer=None if answer is None else json.loads(answer),
        )
        for (
            player_id,
            index,
            question_id,
            payload,
            received_at,
            response_ms,
            correct,
            points,
            answer,
        ) in (
            conn.execute(
                "SELECT player_id, question_index, question_id, payload, received_at,"
                " response_ms, correct, points, answer FROM answers"
                " WHERE game_id = ? ORDER BY question_index, received_at, player_id",
                (game_id,),
            )
        )
    ]
    standings = [
        StandingRecord(*rest)
        for rest in conn.execute(
            "SELECT player_id, rank, score, correct_count FROM standings"
            " WHERE game_id = ? ORDER BY rank, player_id",
            (game_id,),
        )
    ]
    attempts = [
        AttemptRecord(
            game_id,
            row[0],
            row[1],
            row[2],
            row[3],
            json.loads(row[4]),
            None if row[5] is None else json.loads(row[5]),
            row[6],
            row[7],
            bool(row[8]),
        )
        for row in conn.execute(
            "SELECT player_id, step_index, step_id, attempt, payload, answer, received_at,"
            " race_ms, correct FROM attempts WHERE game_id = ?"
            " ORDER BY received_at, player_id, step_index, attempt",
            (game_id,),
        )
    ]
    return GameResults(
        game=_game_from_row(row),
        started_at=row[8],
        ended_at=row[9],
        participants=participants,
        answers=answers,
        standings=standings,
        attempts=attempts,
    )


def _totals_conditions(query: TotalsFilter) -> tuple[str, list[object]]:
    """The WHERE clause (over participants p and games g) of the roll-up queries."""
    return topic_totals.filter_conditions(
        query, people="p.", games="g.", base="p.staff_id IS NOT NULL OR p.department IS NOT NULL"
    )
