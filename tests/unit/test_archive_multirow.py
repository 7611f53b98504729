"""Many rows in a few statements (quizkiosk.archive.multirow), on a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from quizkiosk.archive.multirow import CHUNK, insert_rows

INSERT = "INSERT INTO t (k, name, score) VALUES (?, ?, ?) ON CONFLICT (k) DO NOTHING"
UPSERT = """
INSERT INTO t (k, name, score)
VALUES (?, ?, ?)
ON CONFLICT (k) DO UPDATE SET name = excluded.name, score = excluded.score
"""


def table(tmp_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None)
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, name TEXT, score REAL)")
    return conn


def statements_run(conn: sqlite3.Connection, work: Callable[[], None]) -> list[str]:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        work()
    finally:
        conn.set_trace_callback(None)
    return seen


@pytest.mark.parametrize("count", [0, 1, 2, 3, CHUNK - 1, CHUNK, CHUNK + 1, 200])
def test_every_row_is_inserted_with_its_types(tmp_path: Path, count: int) -> None:
    conn = table(tmp_path)
    rows = [(n, f"name {n}" if n % 3 else None, n / 7) for n in range(count)]

    insert_rows(conn, INSERT, rows)

    assert conn.execute("SELECT k, name, score FROM t ORDER BY k").fetchall() == rows


def test_a_batch_costs_a_few_statements_not_one_per_row(tmp_path: Path) -> None:
    conn = table(tmp_path)
    rows = [(n, "x", 0.0) for n in range(200)]

    run = statements_run(conn, lambda: insert_rows(conn, INSERT, rows))

    assert len(run) == 4  # 64 + 64 + 64 + 8
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (200,)


def test_rows_are_applied_in_order_like_executemany(tmp_path: Path) -> None:
    rows = [(1, "first", 1.0), (2, "other", 2.0), (1, "renamed", 3.0), (1, "last", 4.0)]
    for number, statement in enumerate((INSERT, UPSERT)):
        one_by_one, together = tmp_path / f"one-{number}", tmp_path / f"together-{number}"
        one_by_one.mkdir()
        together.mkdir()
        many, rows_at_once = table(one_by_one), table(together)
        many.executemany(statement, rows)
        insert_rows(rows_at_once, statement, rows)
        query = "SELECT k, name, score FROM t ORDER BY k"
        assert rows_at_once.execute(query).fetchall() == many.execute(query).fetchall()
        many.close()
        rows_at_once.close()


def test_a_statement_without_one_values_row_is_refused(tmp_path: Path) -> None:
    conn = table(tmp_path)
    with pytest.raises(ValueError, match="not an INSERT"):
        insert_rows(conn, "UPDATE t SET name = ? WHERE k = ?", [("a", 1)])
