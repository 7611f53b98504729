"""Every input to a game, as data.

The web edge decodes a socket message (or a console form, or an API call) into
one of these, authorises it, and hands it to the game's actor; a timer firing
is a `Tick`. The actor gives each command and the current time to the engine,
and records the accepted ones, so a game can be rebuilt by replaying them and
another process could run it from the same record.

Each command serialises to a small JSON object (`to_record` / `from_record`);
that is the form kept in the archive, so field names here are part of the
stored format: add fields with defaults, never rename.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Command:
    KIND: ClassVar[str] = ""


@dataclass(frozen=True, slots=True)
class JoinGame(Command):
    """A new player. The id and the resume token's hash are chosen by the live layer
    (randomly) and recorded, so a replay gives the same players the same ids."""

    KIND: ClassVar[str] = "join"
    player_id: str
    name: str
    staff_id: str | None
    department: str | None
    token_hash: str


@dataclass(frozen=True, slots=True)
class SetConnected(Command):
    """A player's phone came (back) or went. Coming back after `LeaveGame` rejoins."""

    KIND: ClassVar[str] = "connected"
    player_id: str
    connected: bool


@dataclass(frozen=True, slots=True)
class LeaveGame(Command):
    KIND: ClassVar[str] = "leave"
    player_id: str


@dataclass(frozen=True, slots=True)
class SubmitAnswer(Command):
    """An answer, in display positions, to the question (or step) numbered `question`."""

    KIND: ClassVar[str] = "answer"
    player_id: str
    question: int
    value: object


@dataclass(frozen=True, slots=True)
class HostAction(Command):
    """A host's button: start, next, close, pause, resume or end.

    `phase`, when given, makes the action apply only in that phase.
    """

    KIND: ClassVar[str] = "host"
    action: str
    phase: str | None = None


@dataclass(frozen=True, slots=True)
class KickPlayer(Command):
    KIND: ClassVar[str] = "kick"
    player_id: str
    phase: str | None = None


@dataclass(frozen=True, slots=True)
class LockLobby(Command):
    KIND: ClassVar[str] = "lock"
    locked: bool
    phase: str | None = None


@dataclass(frozen=True, slots=True)
class SetTeam(Command):
    """The host puts a player in a team (case race with host-set teams)."""

    KIND: ClassVar[str] = "team"
    player_id: str
    team: str
    phase: str | None = None


@dataclass(frozen=True, slots=True)
class Tick(Command):
    """The clock: a deadline the engine asked for has come."""

    KIND: ClassVar[str] = "tick"


COMMAND_TYPES: tuple[type[Command], ...] = (
    JoinGame,
    SetConnected,
    LeaveGame,
    SubmitAnswer,
    HostAction,
    KickPlayer,
    LockLobby,
    SetTeam,
    Tick,
)
_BY_KIND = {command.KIND: command for command in COMMAND_TYPES}


def to_record(command: Command) -> dict[str, object]:
    return {"kind": command.KIND, **asdict(command)}


def from_record(record: dict[str, object]) -> Command:
    """The command a stored record describes; ValueError if it is not one."""
    kind = record.get("kind")
    command_type = _BY_KIND.get(str(kind))
    if command_type is None:
        raise ValueError(f"unknown command kind {kind!r}")
    names = {item.name for item in fields(command_type)}
    return command_type(**{k: v for k, v in record.items() if k in names})
