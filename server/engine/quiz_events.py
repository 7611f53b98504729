"""What happens in a live quiz, as the state machine reports it (internal to the engine).

`quizkiosk.engine.quiz_present` turns these into messages and archive facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from quizkiosk.engine.players import Player, Standing

LEADERBOARD_SIZE = 10  # players on a leaderboard


class Phase(StrEnum):
    LOBBY = "lobby"
    QUESTION = "question"
    REVEAL = "reveal"
    LEADERBOARD = "leaderboard"
    PODIUM = "podium"
    ENDED = "ended"


# ---- events -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Joined:
    player: Player


@dataclass(frozen=True, slots=True)
class Left:
    player_id: str
    kicked: bool


@dataclass(frozen=True, slots=True)
class Returned:
    """A player who had left came back with their resume token."""

    player: Player


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    """A player's phone dropped off or came back (the projector marks them)."""

    player_id: str
    connected: bool


@dataclass(frozen=True, slots=True)
class LobbyChanged:
    locked: bool


@dataclass(frozen=True, slots=True)
class Started:
    at: float


@dataclass(frozen=True, slots=True)
class QuestionOpened:
    payload: dict[str, object]
    deadline: float


@dataclass(frozen=True, slots=True)
class Paused:
    remaining: float


@dataclass(frozen=True, slots=True)
class Resumed:
    deadline: float


@dataclass(frozen=True, slots=True)
class AcceptedAnswer:
    player_id: str
    question_index: int
    question_id: str
    payload: object  # as the player sent it (display positions)
    answer: object  # in bank terms (bank option indexes / step order)
    received_at: float
    response_ms: int
    correct: bool | None
    points: int
    score_after: int


@dataclass(frozen=True, slots=True)
class AnswerAccepted:
    answer: AcceptedAnswer
    repeat: bool  # a second answer to the same question: same ack, no new score


@dataclass(frozen=True, slots=True)
class AnsweredCount:
    answered: int
    expected: int


@dataclass(frozen=True, slots=True)
class PlayerResult:
    player_id: str
    correct: bool | None
    points: int
    score: int
    rank: int
    answered: bool


@dataclass(frozen=True, slots=True)
class QuestionClosed:
    reveal: dict[str, object]
    results: list[PlayerResult]
    by_player: dict[str, PlayerResult] = field(default_factory=dict, compare=False)

    def result_of(self, player_id: str) -> PlayerResult | None:
        if not self.by_player and self.results:
            self.by_player.update((r.player_id, r) for r in self.results)
        return self.by_player.get(player_id)


@dataclass(frozen=True, slots=True)
class LeaderboardShown:
    top: list[Standing]
    standings: list[Standing]
    final: bool  # the podium


@dataclass(frozen=True, slots=True)
class Ended:
    at: float
    standings: list[Standing]


Event = (
    Joined
    | Returned
    | ConnectionChanged
    | Left
    | LobbyChanged
    | Started
    | QuestionOpened
    | Paused
    | Resumed
    | AnswerAccepted
    | AnsweredCount
    | QuestionClosed
    | LeaderboardShown
    | Ended
)
