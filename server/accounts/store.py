"""Trainer accounts, API tokens, login sessions and the first-run setup code.

They live in the archive's SQLite file (migration 2) and are written through the
archive's single writer, so there is still one connection writing.  Password
hashing is deliberately slow and memory-hungry, so it never runs on the event
loop nor on the writer thread (where it would delay everyone's answers): it runs
in worker threads, at most a few at once, so a burst of logins cannot eat the
laptop's memory.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, cast

from argon2 import PasswordHasher
from quizkiosk.accounts import passwords
from quizkiosk.archive.dialect import INTEGRITY_ERRORS
from quizkiosk.archive.sqlite import SqliteArchive

Role = Literal["admin", "trainer"]
ROLES: tuple[Role, ...] = ("admin", "trainer")
USERNAME_MIN, USERNAME_MAX = 3, 32
PASSWORD_MIN, PASSWORD_MAX = 8, 256  # the cap keeps hashing cost bounded
SESSION_TTL = 12 * 3600.0  # a long seminar day, then log in again
_USERNAME_CHARS = re.compile(r"[A-Za-z0-9._-]+")
POLYCLINIC_MAX = 64
SHARING_SETTING = "share_reports_in_polyclinic"  # server_settings row: "on" or "off"


@dataclass(frozen=True, slots=True)
class Trainer:
    username: str
    role: Role
    created_at: float  # unix seconds
    polyclinic: str | None = None
    # Other trainers whose reports this one may read: those of the same polyclinic,
    # filled in only while report sharing is on (`set_report_sharing`).
    shares_with: tuple[str, ...] = ()


class AccountError(ValueError):
    """A request about accounts was refused; `str(error)` says why, for the person."""


class InvalidUsername(AccountError):
    pass


class InvalidPassword(AccountError):
    pass


class InvalidRole(AccountError):
    pass


class UsernameTaken(AccountError):
    pass


class UnknownTrainer(AccountError):
    pass


class WrongSetupCode(AccountError):
    pass


def check_username(username: str) -> None:
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        raise InvalidUsername(
            f"Username must be {USERNAME_MIN} to {USERNAME_MAX} characters long "
            f"(this one has {len(username)})."
        )
    if not _USERNAME_CHARS.fullmatch(username):
        raise InvalidUsername(
            "Username may contain only Latin letters, digits, '.', '_' and '-' (no spaces)."
        )


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidPassword(f"Password must be at least {PASSWORD_MIN} characters long.")
    if len(password) > PASSWORD_MAX:
        raise InvalidPassword(f"Password must be at most {PASSWORD_MAX} characters long.")


def clean_polyclinic(name: str) -> str:
    """A polyclinic's name as stored: spaces trimmed and collapsed, so that "3-oilaviy
    poliklinika" typed twice is one polyclinic."""
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= POLYCLINIC_MAX:
        raise AccountError(f"Polyclinic name must be 1 to {POLYCLINIC_MAX} characters long.")
    return cleaned


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise InvalidRole(f"Role must be 'admin' or 'trainer', not {role!r}.")
    return role


class AccountStore(Protocol):
    """What the web edge and the CLI need of trainer accounts, whatever the backend."""

    async def create_trainer(
        self, username: str, password: str, role: Role = "trainer"
    ) -> Trainer: ...

    async def verify_login(self, username: str, password: str) -> Trainer | None: ...

    async def list_trainers(self) -> list[Trainer]: ...

    async def has_any_trainer(self) -> bool: ...

    async def create_api_token(self, username: str) -> str: ...

    async def trainer_for_token(self, token: str) -> Trainer | None: ...

    async def create_session(self, username: str) -> str: ...

    async def trainer_for_session(self, session_id: str) -> Trainer | None: ...

    async def delete_session(self, session_id: str) -> None: ...

    async def ensure_setup_code(self) -> str | None: ...

    async def set_polyclinic(self, username: str, polyclinic: str | None) -> Trainer: ...

    async def report_sharing(self) -> bool: ...

    async def set_report_sharing(self, on: bool) -> None: ...

    async def claim_setup_code(self, code: str, username: str, password: str) -> Trainer: ...


class TrainerStore:
    """Accounts over an open SqliteArchive (which the caller opens and closes)."""

    def __init__(
        self,
        archive: SqliteArchive,
        *,
        hasher: PasswordHasher | None = None,
        session_ttl: float = SESSION_TTL,
        clock: Callable[[], float] = time.time,
        parallel_hashes: int = 2,
    ) -> None:
        self._archive = archive
        self._hasher = hasher or passwords.default_hasher()
        self._session_ttl = session_ttl
        self._clock = clock
        self._hash_slots = asyncio.Semaphore(parallel_hashes)  # each hash takes 64 MiB
        self._dummy_hash: str | None = None

    # -- trainers ------------------------------------------------------------------------

    async def create_trainer(self, username: str, password: str, role: Role = "trainer") -> Trainer:
        check_username(username)
        check_password(password)
        role = check_role(role)
        if await self._find(username) is not None:  # cheap check before the costly hash
            raise UsernameTaken(f"Username {username!r} is already taken.")
        trainer = Trainer(username, role, self._clock())
        password_hash = await self._hash(password)

        def work(conn: sqlite3.Connection) -> None:
            _insert_trainer(conn, trainer, password_hash)
            # Once anyone can log in, a first-run code must not create another admin.
            conn.execute("DELETE FROM setup_code")

        await self._archive.write(work)
        return trainer

    async def verify_login(self, username: str, password: str) -> Trainer | None:
        """The trainer if the password is right, else None (never says which part was wrong)."""
        found = await self._find(username) if _plausible(username) else None
        if found is None:
            # Spend the same effort as a real check, so timing does not reveal who exists.
            await self._verify(await self._dummy(), password)
            return None
        trainer, stored_hash = found
        if not await self._verify(stored_hash, password):
            return None
        if passwords.needs_rehash(self._hasher, stored_hash):
            await self._rehash(trainer.username, stored_hash, password)
        return trainer

    async def list_trainers(self) -> list[Trainer]:
        def work(conn: sqlite3.Connection) -> list[Trainer]:
            rows = conn.execute(
                "SELECT username, role, created_at, polyclinic FROM trainers ORDER BY username"
            ).fetchall()
            return [Trainer(*row) for row in rows]

        return await self._archive.read(work)

    async def has_any_trainer(self) -> bool:
        return await self._archive.read(_has_any_trainer)

    # -- polyclinics and report sharing --------------------------------------------------

    async def set_polyclinic(self, username: str, polyclinic: str | None) -> Trainer:
        """Put a trainer in a polyclinic (None: in none); returns the account as stored."""
        name = None if polyclinic is None else clean_polyclinic(polyclinic)

        def work(conn: sqlite3.Connection) -> Trainer:
            canonical = _canonical_username(conn, username)
            conn.execute("UPDATE trainers SET polyclinic = ? WHERE username = ?", (name, canonical))
            found = _one_trainer(conn, f"{_SELECT_TRAINER} WHERE t.username = ?", (canonical,))
            assert found is not None
            return found

        return await self._archive.write(work)

    async def report_sharing(self) -> bool:
        """Whether trainers of one polyclinic read each other's reports (off by default)."""
        return await self._archive.read(_sharing_on)

    async def set_report_sharing(self, on: bool) -> None:
        value = "on" if on else "off"
        await self._archive.write(
            lambda conn: conn.execute(
                "INSERT INTO server_settings (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (SHARING_SETTING, value),
            )
        )

    # -- API tokens and sessions ---------------------------------------------------------

    async def create_api_token(self, username: str) -> str:
        """A new token for scripts; shown to the trainer once, only its digest is kept."""
        token = passwords.new_token()
        now = self._clock()

        def work(conn: sqlite3.Connection) -> None:
            name = _canonical_username(conn, username)
            conn.execute(
                "INSERT INTO api_tokens (token_hash, username, created_at) VALUES (?, ?, ?)",
                (passwords.digest(token), name, now),
            )

        await self._archive.write(work)
        return token

    async def trainer_for_token(self, token: str) -> Trainer | None:
        sql = f"{_SELECT_TRAINER_VIA} api_tokens AS s USING (username) WHERE s.token_hash = ?"
        params = (passwords.digest(token),)
        return await self._archive.read(lambda conn: _one_trainer(conn, sql, params))

    async def create_session(self, username: str) -> str:
        """A new login session id (for a cookie); it expires after `session_ttl`."""
        session_id = passwords.new_token()
        now = self._clock()

        def work(conn: sqlite3.Connection) -> None:
            name = _canonical_username(conn, username)
            conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))  # housekeeping
            conn.execute(
                "INSERT INTO sessions (session_hash, username, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (passwords.digest(session_id), name, now, now + self._session_ttl),
            )

        await self._archive.write(work)
        return session_id

    async def trainer_for_session(self, session_id: str) -> Trainer | None:
        sql = (
            f"{_SELECT_TRAINER_VIA} sessions AS s USING (username)"
            " WHERE s.session_hash = ? AND s.expires_at > ?"
        )
        params = (passwords.digest(session_id), self._clock())
        return await self._archive.read(lambda conn: _one_trainer(conn, sql, params))

    async def delete_session(self, session_id: str) -> None:
        params = (passwords.digest(session_id),)
        await self._archive.write(
            lambda conn: conn.execute("DELETE FROM sessions WHERE session_hash = ?", params)
        )

    # -- first-run setup code ------------------------------------------------------------

    async def ensure_setup_code(self) -> str | None:
        """A fresh one-time code to create the first admin, or None once a trainer exists.

        Each call replaces the previous code (only its digest is stored, so an old one
        cannot be shown again): print it at start-up, on the console of the laptop.
        """
        code = passwords.new_setup_code()
        now = self._clock()

        def work(conn: sqlite3.Connection) -> bool:
            if _has_any_trainer(conn):
                conn.execute("DELETE FROM setup_code")
                return False
            conn.execute(
                "INSERT INTO setup_code (id, code_hash, created_at) VALUES (1, ?, ?)"
                " ON CONFLICT (id) DO UPDATE"
                " SET code_hash = excluded.code_hash, created_at = excluded.created_at",
                (passwords.digest(code), now),
            )
            return True

        return code if await self._archive.write(work) else None

    async def claim_setup_code(self, code: str, username: str, password: str) -> Trainer:
        """Create the first admin with the setup code; the code is then spent."""
        check_username(username)
        check_password(password)
        code_hash = passwords.digest(passwords.normalize_setup_code(code))
        # Check the code before hashing, so wrong guesses cost us almost nothing...
        if not await self._archive.read(lambda conn: _setup_code_valid(conn, code_hash)):
            raise WrongSetupCode(_WRONG_CODE)
        trainer = Trainer(username, "admin", self._clock())
        password_hash = await self._hash(password)

        def work(conn: sqlite3.Connection) -> None:
            # ...and again under the write lock: of two racing claims, only one wins.
            if not _setup_code_valid(conn, code_hash):
                raise WrongSetupCode(_WRONG_CODE)
            _insert_trainer(conn, trainer, password_hash)
            conn.execute("DELETE FROM setup_code")

        await self._archive.write(work)
        return trainer

    # -- helpers -------------------------------------------------------------------------

    async def _find(self, username: str) -> tuple[Trainer, str] | None:
        def work(conn: sqlite3.Connection) -> tuple[Trainer, str] | None:
            row = conn.execute(
                "SELECT username, role, created_at, polyclinic, password_hash FROM trainers"
                " WHERE username = ?",
                (username,),
            ).fetchone()
            if row is None:
                return None
            return _with_colleagues(conn, Trainer(row[0], row[1], row[2], row[3])), row[4]

        return await self._archive.read(work)

    async def _hash(self, password: str) -> str:
        async with self._hash_slots:
            return await asyncio.to_thread(passwords.hash_password, self._hasher, password)

    async def _verify(self, stored_hash: str, password: str) -> bool:
        async with self._hash_slots:
            return await asyncio.to_thread(
                passwords.verify_password, self._hasher, stored_hash, password
            )

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self._hash(passwords.new_token())
        return self._dummy_hash

    async def _rehash(self, username: str, old_hash: str, password: str) -> None:
        new_hash = await self._hash(password)
        # Only replace the hash we verified: a password changed meanwhile must stay.
        await self._archive.write(
            lambda conn: conn.execute(
                "UPDATE trainers SET password_hash = ? WHERE username = ? AND password_hash = ?",
                (new_hash, username, old_hash),
            )
        )


_WRONG_CODE = "That setup code is not valid; it may have been used already or replaced."
_SELECT_TRAINER = "SELECT t.username, t.role, t.created_at, t.polyclinic FROM trainers AS t"
_SELECT_TRAINER_VIA = f"{_SELECT_TRAINER} JOIN"


def _plausible(username: str) -> bool:
    return USERNAME_MIN <= len(username) <= USERNAME_MAX


def _has_any_trainer(conn: sqlite3.Connection) -> bool:
    exists: int = conn.execute("SELECT EXISTS (SELECT 1 FROM trainers)").fetchone()[0]
    return exists == 1


def _setup_code_valid(conn: sqlite3.Connection, code_hash: str) -> bool:
    if _has_any_trainer(conn):
        return False
    row = conn.execute("SELECT code_hash FROM setup_code WHERE id = 1").fetchone()
    return row is not None and passwords.digests_match(row[0], code_hash)


def _canonical_username(conn: sqlite3.Connection, username: str) -> str:
    """The username as it was first spelled (lookups ignore case)."""
    row = conn.execute("SELECT username FROM trainers WHERE username = ?", (username,)).fetchone()
    if row is None:
        raise UnknownTrainer(f"There is no trainer {username!r}.")
    return cast(str, row[0])


def _insert_trainer(conn: sqlite3.Connection, trainer: Trainer, password_hash: str) -> None:
    try:
        conn.execute(
            "INSERT INTO trainers (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
            (trainer.username, trainer.role, password_hash, trainer.created_at),
        )
    except INTEGRITY_ERRORS:
        raise UsernameTaken(f"Username {trainer.username!r} is already taken.") from None


def _one_trainer(conn: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> Trainer | None:
    row = conn.execute(sql, params).fetchone()
    if row is None:
        return None
    return _with_colleagues(conn, Trainer(row[0], row[1], row[2], row[3]))


def _sharing_on(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT value FROM server_settings WHERE name = ?", (SHARING_SETTING,)
    ).fetchone()
    return row is not None and row[0] == "on"


def _with_colleagues(conn: sqlite3.Connection, trainer: Trainer) -> Trainer:
    """`trainer` with `shares_with` filled in (the rule itself: trainer_common)."""
    if trainer.polyclinic is None or not _sharing_on(conn):
        return trainer
    rows = conn.execute(
        "SELECT username FROM trainers WHERE polyclinic = ? AND username <> ? ORDER BY username",
        (trainer.polyclinic, trainer.username),
    ).fetchall()
    return dataclasses.replace(trainer, shares_with=tuple(str(row[0]) for row in rows))
