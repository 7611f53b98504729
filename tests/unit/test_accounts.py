"""Trainer accounts on a real SQLite file and a real PostgreSQL database (`archive_url`):
hashing, logins, tokens, sessions, setup code."""

from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from argon2 import PasswordHasher
from quizkiosk.accounts import (
    InvalidPassword,
    InvalidRole,
    InvalidUsername,
    Trainer,
    TrainerStore,
    UnknownTrainer,
    UsernameTaken,
    WrongSetupCode,
)
from quizkiosk.accounts.passwords import SETUP_CODE_ALPHABET, default_hasher
from quizkiosk.archive import SqliteArchive
from quizkiosk.store import open_archive

T = TypeVar("T")

# Cheap parameters keep the suite fast; one test checks the production defaults.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def run_with(
    place: Path | str,
    scenario: Callable[[TrainerStore, SqliteArchive], Awaitable[T]],
    *,
    hasher: PasswordHasher = FAST,
    clock: Callable[[], float] | None = None,
) -> T:
    async def main() -> T:
        archive = SqliteArchive(place) if isinstance(place, Path) else open_archive(place)
        await archive.open()
        try:
            store = TrainerStore(archive, hasher=hasher, clock=clock or Clock())
            return await scenario(store, archive)
        finally:
            await archive.close()

    return asyncio.run(main())


async def column(archive: SqliteArchive, sql: str) -> list[object]:
    return await archive.read(lambda conn: [row[0] for row in conn.execute(sql)])


# -- passwords and logins ---------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_with_the_production_parameters(archive_url: str) -> None:
    async def scenario(store: TrainerStore, archive: SqliteArchive) -> list[object]:
        await store.create_trainer("aziza", "parol-12345", "trainer")
        return await column(archive, "SELECT password_hash FROM trainers")

    [stored] = run_with(archive_url, scenario, hasher=default_hasher())

    assert isinstance(stored, str)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "parol-12345" not in stored


def test_login_succeeds_only_with_the_right_password(archive_url: str) -> None:
    clock = Clock()

    async def scenario(store: TrainerStore, archive: SqliteArchive) -> None:
        created = await store.create_trainer("Aziza.K", "parol-12345", "admin")
        assert created == Trainer("Aziza.K", "admin", clock.now)
        assert await store.verify_login("Aziza.K", "parol-12345") == created
        assert await store.verify_login("aziza.k", "parol-12345") == created  # any case
        assert await store.verify_login("Aziza.K", "parol-12346") is None
        assert await store.verify_login("Aziza.K", "") is None
        assert await store.verify_login("bobur", "parol-12345") is None
        assert await store.verify_login("x", "parol-12345") is None  # not even a valid name

    run_with(archive_url, scenario, clock=clock)


def test_a_hash_made_with_old_parameters_is_upgraded_at_the_next_login(archive_url: str) -> None:
    path = archive_url
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)

    async def create(store: TrainerStore, archive: SqliteArchive) -> list[object]:
        await store.create_trainer("aziza", "parol-12345")
        return await column(archive, "SELECT password_hash FROM trainers")

    async def login(store: TrainerStore, archive: SqliteArchive) -> list[object]:
        assert await store.verify_login("aziza", "wrong-password") is None
        assert await column(archive, "SELECT password_hash FROM trainers") == old  # untouched
        assert await store.verify_login("aziza", "parol-12345") is not None
        return await column(archive, "SELECT password_hash FROM trainers")

    old = run_with(path, create)
    new = run_with(path, login, hasher=stronger)

    assert str(old[0]).startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert str(new[0]).startswith("$argon2id$v=19$m=2048,t=2,p=1$")
    assert run_with(path, lambda store, _: store.verify_login("aziza", "parol-12345")) is not None


def test_listing_trainers(archive_url: str) -> None:
    async def scenario(store: TrainerStore, archive: SqliteArchive) -> list[str]:
        assert not await store.has_any_trainer()
        await store.create_trainer("bobur", "parol-12345")
        await store.create_trainer("aziza", "parol-12345", "admin")
        assert await store.has_any_trainer()
        return [f"{t.username}:{t.role}" for t in await store.list_trainers()]

    assert run_with(archive_url, scenario) == ["aziza:admin", "bobur:trainer"]


# -- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "password", "role", "error", "message"),
    [
        (
            "ab",
            "parol-12345",
            "trainer",
            InvalidUsername,
            "Username must be 3 to 32 characters long (this one has 2).",
        ),
        (
            "a" * 33,
            "parol-12345",
            "trainer",
            InvalidUsername,
            "Username must be 3 to 32 characters long (this one has 33).",
        ),
        (
            "aziza karimova",
            "parol-12345",
            "trainer",
            InvalidUsername,
            "Username may contain only Latin letters, digits, '.', '_' and '-' (no spaces).",
        ),
        (
            "азиза",
            "parol-12345",
            "trainer",
            InvalidUsername,
            "Username may contain only Latin letters, digits, '.', '_' and '-' (no spaces).",
        ),
        (
            "aziza\n",
            "parol-12345",
            "trainer",
            InvalidUsername,
            "Username may contain only Latin letters, digits, '.', '_' and '-' (no spaces).",
        ),
        (
            "aziza",
            "1234567",
            "trainer",
            InvalidPassword,
            "Password must be at least 8 characters long.",
        ),
        (
            "aziza",
            "x" * 257,
            "trainer",
            InvalidPassword,
            "Password must be at most 256 characters long.",
        ),
        (
            "aziza",
            "parol-12345",
            "boss",
            InvalidRole,
            "Role must be 'admin' or 'trainer', not 'boss'.",
        ),
    ],
)
def test_account_rules_are_explained(
    archive_url: str,
    username: str,
    password: str,
    role: str,
    error: type[Exception],
    message: str,
) -> None:
    async def scenario(store: TrainerStore, archive: SqliteArchive) -> None:
        with pytest.raises(error) as caught:
            await store.create_trainer(username, password, role)  # type: ignore[arg-type]
        assert str(caught.value) == message
        assert not await store.has_any_trainer()

    run_with(archive_url, scenario)


def test_the_edges_of_the_rules_are_allowed(archive_url: str) -> None:
    async def scenario(store: TrainerStore, archive: SqliteArchive) -> None:
        await store.create_trainer("a.b", "12345678")
        await store.create_trainer("A_b-9" * 6 + "xy", "p" * 256)

    run_with(archive_url, scenario)


def test_a_username_is_taken_whatever_its_case(archive_url: str) -> None:
    async def scenario(store: TrainerStore, archive: SqliteArchive) -> None:
        await store.create_trainer("aziza", "parol-12345")
        with pytest.raises(UsernameTaken, match=re.escape("Username 'AZIZA' is already taken.")):
            await store.create_trainer("AZIZA", "parol-12345")

    run_with(archive_url, scenario)


# -- API tokens and sessions ------------------------------------------------------------


def test_api_token_lifecycle(archive_url: str) -> None:
    async def scenario(store: TrainerStore, archive: SqliteArchive) -> None:
        aziza = await store.create_trainer("aziza", "parol-12345")
        token = await store.create_api_token("AZIZA")
        other = await store.create_api_token("aziza")

        assert token != other
        assert len(token) == 43  # 32 random bytes, URL-safe base64
        assert await store.trainer_for_token(token) == aziza
        assert await store.trainer_for_token(other) == aziza
        assert await store.trainer_for_token(token[:-1]) is None
        assert await store.trainer_for_token("") is None
        stored = await column(archive, "SELECT token_hash FROM api_tokens")
        assert hashlib.sha256(token.encode()).hexdigest() in stored
        assert token not in stored
        with pytest.raises(UnknownTrainer, match=re.escape("There is no trainer 'bobur'.")):
            await store.create_api_token("bobur")

    run_with(archive_url, scenario)


def test_session_lifecycle_with_expiry(archive_url: str) -> None:
    clock = Clock()

    async def scenario(store: TrainerStore, archive: SqliteArchive) -> None:
        aziza = await store.create_trainer("aziza", "parol-12345")
        session = await store.create_session("aziza")
        assert await store.trainer_for_session(session) == aziza
        assert await store.trainer_for_session(session + "x") is None
        assert session not in await column(archive, "SELECT session_hash FROM sessions")

        clock.now += 12 * 3600 - 1
        assert await store.trainer_for_session(session) == aziza
        clock.now += 1
        assert await store.trainer_for_session(session) is None  # expired after 12 h

        fresh = await store.create_session("aziza")  # also sweeps the expired one
        assert await column(archive, "SELECT COUNT(*) FROM sessions") == [1]
        await store.delete_session(fresh)
        assert await store.trainer_for_session(fresh) is None
        await store.delete_session(fresh)  # logging out twice is harmless
        with pytest.raises(UnknownTrainer):
            await store.create_session("bobur")

    run_with(archive_url, scenario, clock=clock)


# -- first-run setup code ---------------------------------------------------------------


def test_the_setup_code_creates_the_first_admin_once(archive_url: str) -> None:
    async def scenario(store: TrainerStore, archive: SqliteArchive) -> None:
        first = await store.ensure_setup_code()
        code = await store.ensure_setup_code()  # a restart prints a new code...
        assert first is not None and code is not None
        assert len(code) == 8 and set(code) <= set(SETUP_CODE_ALPHABET)
        assert code not in await column(archive, "SELECT code_hash FROM setup_code")
        if first != code:
            with pytest.raises(WrongSetupCode):  # ...and the old one stops working
                await store.claim_setup_code(first, "aziza", "parol-12345")

        with pytest.raises(WrongSetupCode) as caught:
            await store.claim_setup_code(
                "AAAAAAAA" if code != "AAAAAAAA" else "BBBBBBBB", "aziza", "parol-12345"
            )
        assert str(caught.value) == (
            "That setup code is not valid; it may have been used already or replaced."
        )
        with pytest.raises(InvalidPassword):
            await store.claim_setup_code(code, "aziza", "short")
        assert not await store.has_any_trainer()

        typed = f" {code[:4].lower()}-{code[4:]} "  # as someone might type it
        admin = await store.claim_setup_code(typed, "aziza", "parol-12345")
        assert (admin.username, admin.role) == ("aziza", "admin")
        assert await store.verify_login("aziza", "parol-12345") == admin

        with pytest.raises(WrongSetupCode):
            await store.claim_setup_code(code, "bobur", "parol-12345")
        assert await store.ensure_setup_code() is None
        assert [t.username for t in await store.list_trainers()] == ["aziza"]

    run_with(archive_url, scenario)


def test_no_setup_code_once_a_trainer_exists(archive_url: str) -> None:
    async def scenario(store: TrainerStore, archive: SqliteArchive) -> None:
        code = await store.ensure_setup_code()
        assert code is not None
        await store.create_trainer("aziza", "parol-12345", "admin")  # e.g. from the CLI
        with pytest.raises(WrongSetupCode):
            await store.claim_setup_code(code, "intruder", "parol-12345")
        assert await store.ensure_setup_code() is None
        assert await column(archive, "SELECT COUNT(*) FROM setup_code") == [0]

    run_with(archive_url, scenario)


def test_two_racing_claims_make_one_admin(archive_url: str) -> None:
    async def scenario(
        store: TrainerStore, archive: SqliteArchive
    ) -> tuple[Trainer | BaseException, ...]:
        code = await store.ensure_setup_code()
        assert code is not None
        return await asyncio.gather(
            store.claim_setup_code(code, "aziza", "parol-12345"),
            store.claim_setup_code(code, "bobur", "parol-12345"),
            return_exceptions=True,
        )

    outcomes = run_with(archive_url, scenario)

    assert sum(isinstance(o, Trainer) for o in outcomes) == 1
    assert sum(isinstance(o, WrongSetupCode) for o in outcomes) == 1


def test_accounts_share_the_archive_file(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    run_with(path, lambda store, _: store.create_trainer("aziza", "parol-12345"))

    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT username, role FROM trainers").fetchall() == [
            ("aziza", "trainer")
        ]
    conn.close()
