"""What every game mode offers the live layer, and what it hands back.

A game takes a command and the time, and returns an `Outcome`: messages to send
(typed in `quizkiosk.protocol`, addressed to everyone, the hosts, the players or one
player), facts the archive must keep, players to disconnect, and whether the
command changed the game (only those are recorded for replay). The live layer
knows nothing else about a mode: the registry, the actor and the hub work the
same for the live quiz and the case race.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from quizkiosk.engine.commands import Command
from quizkiosk.protocol import ModeSummary, Screen, Send, ServerMessage

PODIUM_SIZE = 3  # places on the podium and in the final message, in every mode


class CommandRefused(Exception):
    """A command that is not allowed now; `code` is sent to the client."""

    def __init__(self, code: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra  # more fields for the error message (e.g. retry_after_ms)


# ---- facts for the archive --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParticipantJoined:
    player_id: str
    name: str
    staff_id: str | None
    department: str | None
    joined_at: float


@dataclass(frozen=True, slots=True)
class AnswerKept:
    """An accepted answer, both as the player sent it and in bank terms."""

    player_id: str
    question_index: int
    question_id: str
    payload: object  # display positions, as sent
    answer: object  # bank terms: which bank option(s) / step order, independent of shuffling
    received_at: float
    response_ms: int
    correct: bool | None
    points: int


@dataclass(frozen=True, slots=True)
class AttemptKept:
    """One attempt at a case-race step (every attempt is kept, right or wrong)."""

    player_id: str
    step_index: int  # in the race, from 0
    step_id: str  # "case id/step id" in the bank
    attempt: int  # 1, 2, ... for this player and step
    payload: object  # display positions, as sent
    answer: object  # bank terms
    received_at: float
    race_ms: int  # the player's race clock at this attempt
    correct: bool


@dataclass(frozen=True, slots=True)
class FinalStanding:
    player_id: str
    rank: int
    score: int
    correct_count: int


@dataclass(frozen=True, slots=True)
class GameStarted:
    at: float


@dataclass(frozen=True, slots=True)
class GameFinished:
    at: float
    standings: tuple[FinalStanding, ...]


Fact = ParticipantJoined | AnswerKept | AttemptKept | GameStarted | GameFinished


@dataclass(frozen=True, slots=True)
class Disconnect:
    """Close this player's connection (after what is queued for it) with `code`."""

    player_id: str
    code: int
    reason: str


Output = Send | Fact | Disconnect


@dataclass(slots=True)
class Outcome:
    outputs: list[Output] = field(default_factory=list)
    # True when the command changed the game: it is recorded, and replayed after a restart.
    changed: bool = False

    def sends(self) -> list[Send]:
        return [o for o in self.outputs if isinstance(o, Send)]

    def facts(self) -> list[Fact]:
        return [o for o in self.outputs if not isinstance(o, Send | Disconnect)]


class Game(Protocol):
    """One live game of any mode: pure, deterministic for the same seed and inputs."""

    mode: str

    def handle(self, command: Command, now: float) -> Outcome:
        """Apply `command` at `now`; raise CommandRefused (changing nothing) if it may not."""
        ...

    @property
    def next_deadline(self) -> float | None:
        """When the live layer must send a `Tick` next (None: no timer needed)."""
        ...

    @property
    def ended(self) -> bool: ...

    @property
    def phase_name(self) -> str:
        """Where the game is (lobby, question, …, ended), for lists and guards."""
        ...

    @property
    def player_count(self) -> int:
        """Players in the game now (joined, not kicked, not left)."""
        ...

    def summary(self) -> ModeSummary:
        """The `game` object of welcome messages."""
        ...

    def player_screen(self, player_id: str, now: float) -> Screen:
        """What this player's device should show now (for a (re)connect)."""
        ...

    def host_screen(self, now: float) -> Screen:
        """What the projector should show now."""
        ...

    def open_question_for(self, player_id: str, now: float) -> ServerMessage | None:
        """The question a (re)connecting player is to answer now, if any."""
        ...

    def player_token_hashes(self) -> dict[str, str]:
        """Resume-token hash of every player still in the game (not kicked)."""
        ...

    def player_name(self, player_id: str) -> str | None: ...

    def was_kicked(self, player_id: str) -> bool: ...

    def forget_connections(self) -> None:
        """After a restart nobody is connected yet (connections are not replayed)."""
        ...
