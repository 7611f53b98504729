"""What only the PostgreSQL archive does: its schema from the shared migrations, durable
commits, a failing COMMIT, repeating a batch whose COMMIT answer was lost, and carrying
on after the database server went away. (What both backends do is tested on both, in
test_archive_sqlite.py, test_archive_sessions.py and test_accounts.py.)"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest
from quizkiosk.archive.dialect import POSTGRES_SPELLING, postgres_query, postgres_script
from quizkiosk.archive.migrations import LATEST_VERSION, MIGRATIONS, SchemaVersionError
from quizkiosk.archive.migrations import migrate as migrate_sqlite
from quizkiosk.archive.postgres import InputConflict, PostgresArchive, redacted
from quizkiosk.archive.postgres_schema import migrate
from quizkiosk.archive.records import Archive, GameRecord, InputRecord, ParticipantRecord
from quizkiosk.store import UnknownDatabase, open_stores

from tests.postgres_server import PostgresCluster


def game(game_id: str = "g1") -> GameRecord:
    return GameRecord(
        game_id, "123456", "bank", "quiz", {}, "aziza", 1000.0, ["q1"], seed=2**32 - 1
    )


def version(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT version FROM quizkiosk_schema").fetchone()
    assert row is not None
    return int(row[0])


def columns_in_postgres(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name <> 'quizkiosk_schema'"
            " ORDER BY table_name, ordinal_position"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def columns_in_sqlite(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        migrate_sqlite(conn)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    finally:
        conn.close()


def test_the_postgres_archive_implements_the_archive_protocol() -> None:
    archive: Archive = PostgresArchive("postgresql://localhost/quiz")
    assert archive is not None


def test_a_fresh_database_gets_the_same_tables_and_columns_as_a_sqlite_file(
    postgres_url: str, tmp_path: Path
) -> None:
    async def main() -> None:
        async with open_stores(postgres_url):
            pass

    asyncio.run(main())

    assert version(postgres_url) == LATEST_VERSION == len(MIGRATIONS)
    assert columns_in_postgres(postgres_url) == columns_in_sqlite(tmp_path / "same.sqlite3")


def test_times_are_double_precision_and_a_32_bit_seed_fits(postgres_url: str) -> None:
    async def main() -> GameRecord | None:
        async with open_stores(postgres_url) as stores:
            await stores.archive.record_game(game())
            await stores.archive.record_start("g1", 1_796_000_000.123456)
            results = await stores.archive.game_results("g1")
        assert results is not None
        assert results.started_at == 1_796_000_000.123456  # to the microsecond
        return results.game

    assert asyncio.run(main()) == game()


def test_every_spelling_rule_changes_some_migration() -> None:
    """No dead rule: each says something about the migrations as they are."""
    import re

    for pattern, _replacement, why in POSTGRES_SPELLING:
        assert any(re.search(pattern, script) for script in MIGRATIONS), why
    assert "REAL" not in postgres_script(MIGRATIONS[0])


def test_placeholders_are_translated_and_percent_signs_kept() -> None:
    assert postgres_query("SELECT ? WHERE x LIKE '5%'") == "SELECT %s WHERE x LIKE '5%%'"


def test_commits_are_durable_even_if_the_database_says_otherwise(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        name = postgres_url.rsplit("/", 1)[1]
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')

    async def main() -> tuple[str, str]:
        async with open_stores(postgres_url) as stores:
            archive = stores.archive
            assert isinstance(archive, PostgresArchive)
            show = "SELECT current_setting('synchronous_commit')"
            written = await archive.write(lambda c: c.execute(show).fetchone()[0])
            read = await archive.read(lambda c: c.execute(show).fetchone()[0])
        return written, read

    assert asyncio.run(main()) == ("on", "on")


def test_a_database_from_a_newer_version_is_refused_and_left_alone(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE quizkiosk_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO quizkiosk_schema VALUES (99)")

    async def main() -> None:
        async with open_stores(postgres_url):
            raise AssertionError("opened")

    with pytest.raises(SchemaVersionError, match="schema version 99, but this quizkiosk only"):
        asyncio.run(main())
    assert version(postgres_url) == 99
    assert set(columns_in_postgres(postgres_url)) == set()  # no table was created


def test_a_failing_migration_rolls_back_whole_and_keeps_the_old_version(postgres_url: str) -> None:
    broken = "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);"
    with (
        psycopg.connect(postgres_url, autocommit=True) as conn,
        pytest.raises(psycopg.errors.UndefinedTable, match="no_such_table"),
    ):
        migrate(conn, [MIGRATIONS[0], broken])
    assert version(postgres_url) == 1
    tables = set(columns_in_postgres(postgres_url))
    assert "games" in tables and "half_done" not in tables


def test_a_version_1_database_is_upgraded_and_keeps_its_games(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        migrate(conn, MIGRATIONS[:1])
        conn.execute(
            "INSERT INTO games (id, pin, bank_id, mode, settings, trainer, created_at,"
            " question_ids) VALUES ('old', '111111', 'bank', 'quiz', '{}', 'aziza', 5.0, '[]')"
        )

    async def main() -> list[str]:
        async with open_stores(postgres_url) as stores:
            return [g.game_id for g in await stores.archive.list_games()]

    assert asyncio.run(main()) == ["old"]
    assert version(postgres_url) == LATEST_VERSION


def test_workers_starting_together_apply_each_migration_once(postgres_url: str) -> None:
    async def main() -> None:
        archives = [PostgresArchive(postgres_url) for _ in range(4)]
        await asyncio.gather(*(a.open() for a in archives))
        await asyncio.gather(*(a.close() for a in archives))

    asyncio.run(main())
    assert version(postgres_url) == LATEST_VERSION


def test_a_failing_commit_fails_every_waiter_of_its_batch(postgres_url: str) -> None:
    """A constraint checked only at COMMIT refuses the whole transaction: nobody is acked."""
    with psycopg.connect(postgres_url, autocommit=True) as conn:

        async def opened() -> None:
            async with open_stores(postgres_url):
                pass

        asyncio.run(opened())
        conn.execute("CREATE TABLE commit_guard (x INTEGER)")
        conn.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$"
        )
        conn.execute(
            "CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON commit_guard"
            " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse()"
        )

    async def main() -> tuple[list[BaseException | None], int, int]:
        async with open_stores(postgres_url) as stores:
            archive = stores.archive
            assert isinstance(archive, PostgresArchive)
            await archive.record_game(game())
            entered, release = threading.Event(), threading.Event()

            def gate(conn: sqlite3.Connection) -> None:
                entered.set()
                release.wait(10)

            parked = asyncio.ensure_future(archive.write(gate))
            assert await asyncio.to_thread(entered.wait, 10)
            guard = asyncio.ensure_future(
                archive.write(lambda c: c.execute("INSERT INTO commit_guard VALUES (?)", (1,)))
            )
            people = [
                asyncio.ensure_future(
                    archive.record_participant(ParticipantRecord("g1", f"p{n}", "A", None, None, 1))
                )
                for n in range(20)
            ]
            await asyncio.sleep(0)
            before = archive.commits
            release.set()
            await parked
            outcomes = await asyncio.gather(guard, *people, return_exceptions=True)
            results = await archive.game_results("g1")
            assert results is not None
            await archive.record_participant(ParticipantRecord("g1", "later", "B", None, None, 2))
            return outcomes, len(results.participants), archive.commits - before

    outcomes, stored, commits = asyncio.run(main())

    assert len(outcomes) == 21
    for outcome in outcomes:
        assert isinstance(outcome, psycopg.errors.RaiseException)
        assert "refused at commit" in str(outcome)
    assert stored == 0
    assert commits == 2  # the parked job's and the later write's; the batch's failed


def test_a_batch_repeated_after_a_lost_commit_answer_is_recorded_once(postgres_url: str) -> None:
    joined = ParticipantRecord("g1", "p1", "Aziza", None, None, 1.0)
    first = [InputRecord(1, 1.0, {"kind": "join"}, participants=(joined,))]
    more = [*first, InputRecord(2, 2.0, {"kind": "start"}, started_at=2.0)]

    async def main() -> None:
        async with open_stores(postgres_url) as stores:
            await stores.archive.record_game(game())
            await stores.archive.record_inputs("g1", first)
            # The game never heard that COMMIT succeeded: it sends the batch again, and more.
            await stores.archive.record_inputs("g1", more)
            saved = await stores.archive.unfinished_games()
            assert [seq for seq, _at, _cmd in saved[0].inputs] == [1, 2]
            results = await stores.archive.game_results("g1")
            assert results is not None and results.started_at == 2.0
            with pytest.raises(InputConflict, match="input 2 is already recorded differently"):
                await stores.archive.record_inputs(
                    "g1", [InputRecord(2, 2.0, {"kind": "something else"})]
                )

    asyncio.run(main())


def test_writes_fail_fast_while_the_server_is_down_and_work_again_when_it_is_back(
    postgres_cluster: PostgresCluster, postgres_url: str
) -> None:
    async def main() -> tuple[list[BaseException | None], int]:
        async with open_stores(postgres_url) as stores:
            await stores.archive.record_game(game())
            postgres_cluster.stop("fast")
            try:
                down = await asyncio.gather(
                    *(
                        stores.archive.record_participant(
                            ParticipantRecord("g1", f"p{n}", "A", None, None, 1)
                        )
                        for n in range(5)
                    ),
                    stores.archive.list_games(),
                    return_exceptions=True,
                )
            finally:
                postgres_cluster.start()
            await stores.archive.record_participant(
                ParticipantRecord("g1", "back", "B", None, None, 2)
            )
            results = await stores.archive.game_results("g1")
            assert results is not None
            return down, len(results.participants)

    down, stored = asyncio.run(main())

    assert all(isinstance(outcome, psycopg.OperationalError) for outcome in down), down
    assert stored == 1  # what failed was not written; what came after was


def test_database_urls_are_checked_and_passwords_kept_out_of_messages() -> None:
    assert redacted("postgresql://quiz:s3cret@db:5432/quiz") == "postgresql://quiz:***@db:5432/quiz"
    assert repr(PostgresArchive("postgresql://quiz:s3cret@db/quiz")).count("s3cret") == 0

    async def main() -> None:
        async with open_stores("postgresql://quiz:s3cret@db:5432/"):
            raise AssertionError("opened")

    with pytest.raises(UnknownDatabase, match="names no database") as caught:
        asyncio.run(main())
    assert "s3cret" not in str(caught.value)


def test_connections_kept_across_a_database_restart_are_replaced_without_a_failure(
    postgres_cluster: PostgresCluster, postgres_url: str
) -> None:
    async def main() -> list[str]:
        async with open_stores(postgres_url) as stores:
            await stores.archive.record_game(game())
            assert [g.game_id for g in await stores.archive.list_games()] == ["g1"]
            postgres_cluster.stop("fast")  # both connections die while idle
            postgres_cluster.start()
            await stores.archive.record_game(game("g2"))  # the first write after: no error
            return [g.game_id for g in await stores.archive.list_games()]

    assert sorted(asyncio.run(main())) == ["g1", "g2"]
