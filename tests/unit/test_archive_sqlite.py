"""The archive, on real files and real databases: migrations, group commit, durability,
results. Tests taking `archive_url` run on both backends (a SQLite file, then a
PostgreSQL database: tests/postgres_server.py); the rest are about SQLite itself."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest
from quizkiosk.archive import (
    AnswerRecord,
    Archive,
    ArchiveClosedError,
    GameRecord,
    GameResults,
    ParticipantRecord,
    SchemaVersionError,
    SqliteArchive,
    StandingRecord,
    UnknownGameError,
)
from quizkiosk.archive.migrations import LATEST_VERSION, MIGRATIONS, migrate, split_statements
from quizkiosk.store import open_archive, sqlite_path

T = TypeVar("T")


def run_with(place: Path | str, scenario: Callable[[SqliteArchive], Awaitable[T]]) -> T:
    """Open an archive on `place` (a SQLite file, or any database URL), run the scenario,
    always close (pytest-asyncio-free)."""

    async def main() -> T:
        archive = SqliteArchive(place) if isinstance(place, Path) else open_archive(place)
        await archive.open()
        try:
            return await scenario(archive)
        finally:
            await archive.close()

    return asyncio.run(main())


def game(game_id: str = "g1", trainer: str = "aziza", created_at: float = 1000.0) -> GameRecord:
    return GameRecord(
        game_id=game_id,
        pin="123456",
        bank_id="dmed-basics",
        mode="quiz",
        settings={"time_limit": 20, "title": "Eʼlektron tibbiy karta"},
        trainer=trainer,
        created_at=created_at,
        question_ids=["q1", "q2", "q3"],
    )


def answer(player: str, index: int = 0, game_id: str = "g1", payload: object = 1) -> AnswerRecord:
    return AnswerRecord(
        game_id=game_id,
        player_id=player,
        question_index=index,
        question_id=f"q{index + 1}",
        payload=payload,
        received_at=2000.0 + index,
        response_ms=1500,
        correct=True,
        points=900,
    )


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def stored_version(url: str) -> int:
    """The schema version the database says it has, read with the backend's own tools."""
    if url.startswith("sqlite:"):
        return user_version(sqlite_path(url))
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT version FROM quizkiosk_schema").fetchone()
    assert row is not None
    return int(row[0])


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql:")


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows}


async def hold_writer(archive: SqliteArchive) -> tuple[threading.Event, asyncio.Future[None]]:
    """Park the writer thread inside a job, so whatever is queued next forms ONE batch."""
    entered, release = threading.Event(), threading.Event()

    def gate(conn: sqlite3.Connection) -> None:
        entered.set()
        release.wait(10)

    parked = asyncio.ensure_future(archive.write(gate))
    assert await asyncio.to_thread(entered.wait, 10)
    return release, parked


# -- migrations ------------------------------------------------------------------------


def test_the_sqlite_archive_implements_the_archive_protocol(tmp_path: Path) -> None:
    archive: Archive = SqliteArchive(tmp_path / "results.db")
    assert archive is not None


def test_a_fresh_file_gets_every_migration_and_durable_settings(tmp_path: Path) -> None:
    path = tmp_path / "data" / "results.db"

    async def scenario(archive: SqliteArchive) -> tuple[object, ...]:
        read_pragmas = await archive.read(
            lambda c: (
                c.execute("PRAGMA foreign_keys").fetchone()[0],
                c.execute("PRAGMA synchronous").fetchone()[0],
            )
        )
        write_pragmas = await archive.write(
            lambda c: (
                c.execute("PRAGMA foreign_keys").fetchone()[0],
                c.execute("PRAGMA synchronous").fetchone()[0],
                c.execute("PRAGMA journal_mode").fetchone()[0],
            )
        )
        return read_pragmas, write_pragmas

    read_pragmas, write_pragmas = run_with(path, scenario)

    assert read_pragmas == (1, 2)  # synchronous 2 = FULL
    assert write_pragmas == (1, 2, "wal")
    assert user_version(path) == LATEST_VERSION == len(MIGRATIONS)
    assert {"games", "participants", "answers", "standings"} <= table_names(path)
    assert {"trainers", "api_tokens", "sessions", "setup_code"} <= table_names(path)


def test_a_version_1_file_is_upgraded_and_keeps_its_games(tmp_path: Path) -> None:
    path = tmp_path / "results.db"
    with sqlite3.connect(path) as conn:  # what a quizkiosk with one migration would leave
        conn.executescript(MIGRATIONS[0])
        conn.execute(
            "INSERT INTO games (id, pin, bank_id, mode, settings, trainer, created_at,"
            " question_ids) VALUES ('old', '111111', 'bank', 'quiz', '{}', 'aziza', 5.0, '[]')"
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    assert "trainers" not in table_names(path)

    games = run_with(path, lambda archive: archive.list_games())

    assert [g.game_id for g in games] == ["old"]
    assert user_version(path) == LATEST_VERSION
    assert "trainers" in table_names(path)


def test_reopening_is_idempotent_and_keeps_data(archive_url: str) -> None:
    path = archive_url
    run_with(path, lambda archive: archive.record_game(game()))
    run_with(path, lambda archive: archive.record_game(game("g2", created_at=2000.0)))

    games = run_with(path, lambda archive: archive.list_games())

    assert [g.game_id for g in games] == ["g2", "g1"]
    assert stored_version(path) == LATEST_VERSION


def test_a_file_from_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "results.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()

    async def main() -> None:
        await SqliteArchive(path).open()

    with pytest.raises(SchemaVersionError) as caught:
        asyncio.run(main())

    assert str(caught.value) == (
        f"The results database has schema version 99, but this quizkiosk only knows "
        f"versions up to {LATEST_VERSION}. Upgrade quizkiosk, or point it at another data "
        "directory; the file was left untouched."
    )
    assert user_version(path) == 99
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
    conn.close()


def test_a_failing_migration_rolls_back_whole_and_keeps_the_old_version(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "results.db", isolation_level=None)
    broken = "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);"

    with pytest.raises(sqlite3.OperationalError, match="no such table: no_such_table"):
        migrate(conn, [MIGRATIONS[0], broken])

    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "games" in tables
    assert "half_done" not in tables
    conn.close()


def test_statements_are_split_at_semicolons_outside_quotes() -> None:
    script = "CREATE TABLE t (x TEXT DEFAULT ';');\n-- note\nINSERT INTO t VALUES ('a;b');\n"
    assert split_statements(script) == [
        "CREATE TABLE t (x TEXT DEFAULT ';');",
        "-- note\nINSERT INTO t VALUES ('a;b');",
    ]


# -- group commit and durability --------------------------------------------------------


def test_500_concurrent_answers_share_few_commits_and_survive_reopening(archive_url: str) -> None:
    path = archive_url
    run_with(path, lambda archive: archive.record_game(game()))

    async def scenario(archive: SqliteArchive) -> int:
        before = archive.commits
        await asyncio.gather(*(archive.record_answer(answer(f"p{n:03}")) for n in range(500)))
        return archive.commits - before

    commits = run_with(path, scenario)
    results = run_with(path, lambda archive: archive.game_results("g1"))

    assert 1 <= commits <= 50, f"500 answers took {commits} commits"
    assert results is not None
    assert sorted(a.player_id for a in results.answers) == [f"p{n:03}" for n in range(500)]


def test_commits_never_checkpoint_and_the_checkpoint_thread_empties_the_log(
    tmp_path: Path,
) -> None:
    """The commit that acknowledges answers never copies the log into the file (that
    made one batch in a few wait tens of ms); the checkpoint thread does it instead."""
    path = tmp_path / "archive.sqlite3"

    async def scenario(archive: SqliteArchive) -> tuple[int, int]:
        await archive.record_game(game())
        autocheckpoint = await archive.write(
            lambda conn: conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        )
        # 3,000 answers in 30 commits: ~3x the 1,000-page log at which SQLite would
        # have checkpointed inside a commit.
        for batch in range(30):
            await asyncio.gather(
                *(archive.record_answer(answer(f"p{batch}-{n}")) for n in range(100))
            )
        deadline = asyncio.get_running_loop().time() + 10
        while archive.checkpoints == 0:
            assert asyncio.get_running_loop().time() < deadline, "no checkpoint in 10 s"
            await asyncio.sleep(0.05)
        return autocheckpoint, archive.checkpoints

    autocheckpoint, checkpoints = run_with(path, scenario)

    assert autocheckpoint == 0
    assert checkpoints >= 1
    results = run_with(path, lambda archive: archive.game_results("g1"))
    assert results is not None and len(results.answers) == 3000


def test_answers_queued_together_are_written_in_exactly_one_commit(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> tuple[int, int, int]:
        await archive.record_game(game())
        release, parked = await hold_writer(archive)
        waiting = [
            asyncio.ensure_future(archive.record_answer(answer(f"p{n}"))) for n in range(300)
        ]
        await asyncio.sleep(0)  # let every task run up to its wait: all are queued now
        queued = archive.pending_writes
        before = archive.commits
        release.set()
        await parked
        await asyncio.gather(*waiting)
        return queued, before, archive.commits

    queued, before, after = run_with(archive_url, scenario)

    assert queued == 300
    assert after - before == 2  # the parked job's own commit, then all 300 in one


def test_a_lone_answer_costs_exactly_one_commit(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> list[int]:
        await archive.record_game(game())
        counts = []
        for n in range(3):
            before = archive.commits
            await archive.record_answer(answer(f"p{n}"))
            counts.append(archive.commits - before)
        return counts

    assert run_with(archive_url, scenario) == [1, 1, 1]


def test_close_commits_every_write_already_queued(archive_url: str) -> None:
    path = archive_url

    async def main() -> list[asyncio.Task[None]]:
        archive = open_archive(path)
        await archive.open()
        await archive.record_game(game())
        release, _ = await hold_writer(archive)
        waiting = [asyncio.ensure_future(archive.record_answer(answer(f"p{n}"))) for n in range(50)]
        await asyncio.sleep(0)
        closing = asyncio.ensure_future(archive.close())
        await asyncio.sleep(0)
        release.set()
        await closing
        with pytest.raises(ArchiveClosedError):
            await archive.record_answer(answer("late"))
        return waiting

    waiting = asyncio.run(main())
    results = run_with(path, lambda archive: archive.game_results("g1"))

    assert all(task.done() and task.exception() is None for task in waiting)
    assert results is not None
    assert len(results.answers) == 50


def test_a_repeated_answer_is_ignored_and_the_first_one_kept(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> int:
        await archive.record_game(game())
        await archive.record_answer(answer("p1", payload=2))
        await archive.record_answer(answer("p1", payload=2))  # a resend after reconnecting
        await archive.record_answer(answer("p1", payload=3))  # a second try at the question
        results = await archive.game_results("g1")
        assert results is not None
        assert [a.payload for a in results.answers] == [2]
        return await archive.read(lambda c: c.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    assert run_with(archive_url, scenario) == 1


def test_a_bad_write_fails_alone_and_the_rest_of_its_batch_commits(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> tuple[list[BaseException | None], int]:
        await archive.record_game(game())
        release, parked = await hold_writer(archive)
        answers = [answer("p1"), answer("ghost", game_id="no-such-game"), answer("p2")]
        waiting = [asyncio.ensure_future(archive.record_answer(a)) for a in answers]
        await asyncio.sleep(0)
        before = archive.commits
        release.set()
        await parked
        outcomes = await asyncio.gather(*waiting, return_exceptions=True)
        return outcomes, archive.commits - before

    outcomes, commits = run_with(archive_url, scenario)
    results = run_with(archive_url, lambda archive: archive.game_results("g1"))

    assert outcomes[0] is None and outcomes[2] is None
    if is_postgres(archive_url):
        assert isinstance(outcomes[1], psycopg.errors.ForeignKeyViolation)
        assert 'violates foreign key constraint "answers_game_id_fkey"' in str(outcomes[1])
    else:
        assert isinstance(outcomes[1], sqlite3.IntegrityError)
        assert str(outcomes[1]) == "FOREIGN KEY constraint failed"
    assert commits == 2  # the parked job's, then the batch's
    assert results is not None
    assert [a.player_id for a in results.answers] == ["p1", "p2"]


def test_a_failing_commit_fails_every_waiter_of_its_batch(tmp_path: Path) -> None:
    """The foreign key is checked at COMMIT here, so the whole transaction is refused."""

    def defer_foreign_keys(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA defer_foreign_keys = ON")  # lasts until this transaction ends

    async def scenario(archive: SqliteArchive) -> tuple[list[BaseException | None], int, int]:
        await archive.record_game(game())
        release, parked = await hold_writer(archive)
        deferring = asyncio.ensure_future(archive.write(defer_foreign_keys))
        good = [asyncio.ensure_future(archive.record_answer(answer(f"p{n}"))) for n in range(20)]
        bad = asyncio.ensure_future(archive.record_answer(answer("ghost", game_id="nope")))
        await asyncio.sleep(0)
        before = archive.commits
        release.set()
        await parked
        outcomes = await asyncio.gather(deferring, *good, bad, return_exceptions=True)
        stored = await archive.read(
            lambda c: c.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        )
        await archive.record_answer(answer("after"))  # the writer carries on afterwards
        return outcomes, archive.commits - before, stored

    outcomes, commits, stored = run_with(tmp_path / "results.db", scenario)

    assert len(outcomes) == 22
    for outcome in outcomes:
        assert isinstance(outcome, sqlite3.IntegrityError)
        assert str(outcome) == "FOREIGN KEY constraint failed"
    assert stored == 0
    assert commits == 2  # the parked job's and the later answer's; the batch's failed


def test_a_write_lock_held_elsewhere_fails_the_batch_and_the_writer_recovers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "results.db"
    run_with(path, lambda archive: archive.record_game(game()))

    async def main() -> tuple[list[BaseException | None], int]:
        archive = SqliteArchive(path, busy_timeout=0.05)
        await archive.open()
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        outcomes = await asyncio.gather(
            *(archive.record_answer(answer(f"p{n}")) for n in range(10)), return_exceptions=True
        )
        other.execute("ROLLBACK")
        other.close()
        await archive.record_answer(answer("later"))
        results = await archive.game_results("g1")
        await archive.close()
        assert results is not None
        return outcomes, len(results.answers)

    outcomes, stored = asyncio.run(main())

    assert all(isinstance(o, sqlite3.OperationalError) for o in outcomes)
    assert str(outcomes[0]) == "database is locked"
    assert stored == 1


# -- games and results ------------------------------------------------------------------


def test_game_results_bring_back_the_game_its_players_answers_and_standings(
    archive_url: str,
) -> None:
    aziza = ParticipantRecord("g1", "p1", "Aziza Karimova", "T-0042", "Terapiya", 1500.0)
    bobur = ParticipantRecord("g1", "p2", "Бобур", None, None, 1501.0)
    board = [StandingRecord("p1", 1, 1900, 2), StandingRecord("p2", 2, 0, 0)]
    poll = AnswerRecord("g1", "p2", 1, "q2", [0, 2], 2100.5, 800, None, 0)

    async def scenario(archive: SqliteArchive) -> GameResults | None:
        await archive.record_game(game())
        await archive.record_participant(bobur)
        await archive.record_participant(aziza)
        await archive.record_start("g1", 1600.0)
        await archive.record_answer(answer("p1", index=1))
        await archive.record_answer(poll)
        await archive.record_answer(answer("p1", index=0, payload={"text": "oʻrta"}))
        await archive.record_end("g1", 2500.0, board)
        return await archive.game_results("g1")

    results = run_with(archive_url, scenario)

    assert results is not None
    assert results.game == game()
    assert (results.started_at, results.ended_at) == (1600.0, 2500.0)
    assert results.participants == [aziza, bobur]
    assert results.answers == [
        answer("p1", index=0, payload={"text": "oʻrta"}),
        answer("p1", index=1),
        poll,
    ]
    assert results.standings == board


def test_a_rejoining_player_updates_their_name_but_keeps_the_join_time(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> object:
        await archive.record_game(game())
        await archive.record_participant(ParticipantRecord("g1", "p1", "Azizа", None, None, 10.0))
        await archive.record_participant(ParticipantRecord("g1", "p1", "Aziza", "T-1", None, 99.0))
        results = await archive.game_results("g1")
        assert results is not None
        return results.participants

    assert run_with(archive_url, scenario) == [
        ParticipantRecord("g1", "p1", "Aziza", "T-1", None, 10.0)
    ]


def test_ending_twice_replaces_the_standings(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> GameResults | None:
        await archive.record_game(game())
        await archive.record_end("g1", 10.0, [StandingRecord("p1", 1, 5, 1)])
        await archive.record_end("g1", 11.0, [StandingRecord("p2", 1, 7, 1)])
        return await archive.game_results("g1")

    results = run_with(archive_url, scenario)

    assert results is not None
    assert results.ended_at == 11.0
    assert results.standings == [StandingRecord("p2", 1, 7, 1)]


def test_unknown_games_are_reported(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> object:
        with pytest.raises(UnknownGameError, match=re.escape("No game 'nope' in the archive.")):
            await archive.record_start("nope", 1.0)
        with pytest.raises(UnknownGameError):
            await archive.record_end("nope", 1.0, [])
        return await archive.game_results("nope")

    assert run_with(archive_url, scenario) is None


def test_the_same_game_id_cannot_be_recorded_twice(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> None:
        await archive.record_game(game())
        if is_postgres(archive_url):
            refused = pytest.raises(psycopg.errors.UniqueViolation, match='"games_pkey"')
        else:
            refused = pytest.raises(
                sqlite3.IntegrityError, match=re.escape("UNIQUE constraint failed: games.id")
            )
        with refused:
            await archive.record_game(game())

    run_with(archive_url, scenario)


def test_list_games_is_newest_first_and_filters_by_trainer(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> tuple[list[str], list[str]]:
        await archive.record_game(game("a", trainer="aziza", created_at=1.0))
        await archive.record_game(game("b", trainer="bobur", created_at=2.0))
        await archive.record_game(game("c", trainer="aziza", created_at=3.0))
        every = [g.game_id for g in await archive.list_games()]
        hers = [g.game_id for g in await archive.list_games("aziza")]
        return every, hers

    assert run_with(archive_url, scenario) == (["c", "b", "a"], ["c", "a"])


def test_a_payload_that_is_not_json_fails_its_caller_at_once(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> int:
        await archive.record_game(game())
        before = archive.commits
        with pytest.raises(TypeError, match="not JSON serializable"):
            await archive.record_answer(answer("p1", payload={1, 2}))
        return archive.commits - before

    assert run_with(archive_url, scenario) == 0


def test_using_an_archive_that_is_not_open_is_a_clear_error(archive_url: str) -> None:
    async def main() -> None:
        archive = open_archive(archive_url)
        with pytest.raises(ArchiveClosedError, match=re.escape("The archive is not open.")):
            await archive.record_game(game())
        with pytest.raises(ArchiveClosedError):
            await archive.list_games()
        await archive.close()  # closing what never opened is harmless

    asyncio.run(main())


def test_every_concurrent_close_waits_for_the_flush(archive_url: str) -> None:
    path = archive_url

    async def main() -> list[int]:
        archive = open_archive(path)
        await archive.open()
        await archive.record_game(game())
        release, _ = await hold_writer(archive)
        writing = asyncio.ensure_future(archive.record_answer(answer("p1")))
        await asyncio.sleep(0)
        first = asyncio.ensure_future(archive.close())
        second = asyncio.ensure_future(archive.close())
        await asyncio.sleep(0.05)
        done_early = [first.done(), second.done()]
        release.set()
        await asyncio.gather(first, second, writing)
        await archive.close()  # and once more, after the fact
        return [int(x) for x in done_early]

    assert asyncio.run(main()) == [0, 0]
