"""Backends chosen by URL: the SQLite default, and a clear refusal for anything else."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from quizkiosk.store import UnknownDatabase, open_stores, sqlite_path, sqlite_url


def test_sqlite_urls_name_relative_and_absolute_files() -> None:
    assert sqlite_path("sqlite:///quiz.sqlite3") == Path("quiz.sqlite3")
    assert sqlite_path("sqlite:////srv/quiz/a%20b.sqlite3") == Path("/srv/quiz/a b.sqlite3")
    assert sqlite_url(Path("/srv/q.sqlite3")) == "sqlite:////srv/q.sqlite3"
    with pytest.raises(UnknownDatabase):
        sqlite_path("sqlite://host/x.db")
    with pytest.raises(UnknownDatabase):
        sqlite_path("sqlite:///")


def test_an_unknown_scheme_is_refused_with_the_known_ones() -> None:
    async def main() -> None:
        async with open_stores("mysql://localhost/quiz"):
            raise AssertionError("opened")

    with pytest.raises(UnknownDatabase, match="this build knows: sqlite"):
        asyncio.run(main())


def test_the_sqlite_stores_keep_accounts_and_results_in_one_file(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "quiz.sqlite3")

    async def main() -> None:
        async with open_stores(url) as stores:
            await stores.accounts.create_trainer("aziza", "long-password", "admin")
            assert await stores.archive.list_games() == []
        async with open_stores(url) as stores:
            assert [t.username for t in await stores.accounts.list_trainers()] == ["aziza"]

    asyncio.run(main())
    assert (tmp_path / "quiz.sqlite3").exists()
