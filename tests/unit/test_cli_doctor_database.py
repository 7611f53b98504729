"""`quizkiosk doctor --database`: is the PostgreSQL database reachable, are its commits
durable; the embedded SQLite default is left alone (opening it would create it)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from quizkiosk.cli import main
from quizkiosk.cli.doctor import check_database


def test_a_reachable_database_with_durable_commits_is_ok(postgres_url: str) -> None:
    finding = check_database(postgres_url)

    assert finding is not None
    assert finding.level == "OK"
    assert finding.what.startswith("PostgreSQL 1") and "commits are durable" in finding.what


def test_synchronous_commit_off_is_mentioned_and_turned_on_by_quizkiosk(postgres_url: str) -> None:
    name = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')

    finding = check_database(postgres_url)

    assert finding is not None and finding.level == "OK"
    assert "synchronous_commit is off there; quizkiosk turns it on" in finding.what


def test_an_unreachable_database_fails_with_advice_and_no_password() -> None:
    finding = check_database("postgresql://quiz:s3cret@127.0.0.1:1/quiz")

    assert finding is not None and finding.level == "FAIL"
    assert finding.what.startswith("cannot reach the database postgresql://quiz:***@127.0.0.1:1")
    assert "s3cret" not in finding.line() and "pg_hba.conf" in finding.advice


def test_sqlite_is_left_to_the_data_folder_check_and_unknown_schemes_fail(tmp_path: Path) -> None:
    assert check_database(f"sqlite:///{tmp_path}/q.sqlite3") is None
    assert not (tmp_path / "q.sqlite3").exists()
    unknown = check_database("mysql://localhost/quiz")
    assert unknown is not None and unknown.level == "FAIL"


def test_doctor_takes_the_database_option(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["doctor", "--port", "0", "--data-dir", str(tmp_path), "--database", postgres_url])

    assert "OK    PostgreSQL" in capsys.readouterr().out
