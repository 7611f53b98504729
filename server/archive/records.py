"""What the results archive keeps, and the interface every archive backend offers.

SQLite is the embedded default; PostgreSQL (scaled out) implements the same interface.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from quizkiosk.archive.topic_totals import DepartmentTopicTotal, StaffTopicPage, TopicRow


@dataclass(frozen=True, slots=True)
class GameRecord:
    game_id: str
    pin: str
    bank_id: str
    mode: str  # "quiz" (later also "case_race")
    settings: dict[str, object]
    trainer: str  # username of the trainer who created the game
    created_at: float  # unix seconds
    question_ids: list[str] = field(default_factory=list)
    seed: int | None = None  # the game's random seed (option order): replay needs it
    bank_hash: str | None = None  # content hash of the bank the game was started from
    # A refresher's drawn set and its parameters (quizkiosk.reports.refresher_draw):
    # {"questions": [[bank id, question id], ...], "bank_ids", "tags", "staff_ids",
    # "department", "count", "weight_missed", "seed", ...}; None for a whole bank.
    draw: dict[str, object] | None = None


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    game_id: str
    player_id: str
    name: str
    staff_id: str | None
    department: str | None
    joined_at: float


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    game_id: str
    player_id: str
    question_index: int  # position in the game, from 0
    question_id: str
    payload: object  # the answer as the player sent it (JSON-serialisable)
    received_at: float  # unix seconds, server clock
    response_ms: int
    correct: bool | None  # None for polls
    points: int
    answer: object = None  # in bank terms (bank option indexes, step order), JSON-serialisable


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One attempt at a case-race step."""

    game_id: str
    player_id: str
    step_index: int
    step_id: str
    attempt: int
    payload: object
    answer: object
    received_at: float
    race_ms: int
    correct: bool


@dataclass(frozen=True, slots=True)
class StandingRecord:
    player_id: str
    rank: int
    score: int
    correct_count: int


@dataclass(frozen=True, slots=True)
class GameResults:
    game: GameRecord
    started_at: float | None
    ended_at: float | None
    participants: list[ParticipantRecord]
    answers: list[AnswerRecord]
    standings: list[StandingRecord]
    attempts: list[AttemptRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One accepted input of a game and what it made durable, written atomically."""

    seq: int
    at: float
    command: dict[str, object]
    participants: tuple[ParticipantRecord, ...] = ()
    answers: tuple[AnswerRecord, ...] = ()
    attempts: tuple[AttemptRecord, ...] = ()
    started_at: float | None = None
    ended_at: float | None = None
    standings: tuple[StandingRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class SavedGame:
    """A game that had not ended: its record and every input, in order."""

    game: GameRecord
    inputs: list[tuple[int, float, dict[str, object]]]


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Which sessions a list shows (None: any), newest first, a page at a time."""

    trainer: str | None = None  # a trainer sees only their own; None for an admin
    bank_id: str | None = None
    department: str | None = None  # sessions with at least one participant from it
    mode: str | None = None
    since: float | None = None  # created at or after (unix seconds)
    until: float | None = None  # created before
    # Only sessions of these trainers (a trainer's own and, when reports are shared,
    # their polyclinic's); None: no such limit.
    trainers: tuple[str, ...] | None = None
    limit: int = 25
    offset: int = 0


@dataclass(frozen=True, slots=True)
class SessionSummary:
    game_id: str
    pin: str
    bank_id: str
    mode: str
    trainer: str
    created_at: float
    started_at: float | None
    ended_at: float | None
    participants: int
    accuracy: float | None  # percent of scored answers (races: of first attempts) right


@dataclass(frozen=True, slots=True)
class SessionPage:
    sessions: list[SessionSummary]
    total: int  # matching sessions in all pages


@dataclass(frozen=True, slots=True)
class AnswerTotal:
    """Scored answers of one staff member (or department) to one question, summed."""

    staff_id: str | None
    department: str | None
    bank_id: str
    question_id: str
    answered: int
    right: int
    last_seen: float  # the latest session's creation time


@dataclass(frozen=True, slots=True)
class SessionTotal:
    """One staff member's scored answers to one question in one session, summed."""

    game_id: str
    created_at: float  # the session's creation time
    bank_id: str
    question_id: str
    answered: int
    right: int


@dataclass(frozen=True, slots=True)
class TotalsFilter:
    trainer: str | None = None  # only sessions of this trainer (None: an admin, all)
    staff_id: str | None = None
    since: float | None = None
    until: float | None = None
    trainers: tuple[str, ...] | None = None  # as in SessionFilter
    department: str | None = None  # only answers of participants from this department


class Fenced(RuntimeError):
    """A newer owner of the game (a higher fencing epoch) has taken it over: this
    writer no longer owns it, and nothing of its batch was recorded."""


class Archive(Protocol):
    """Durable results.  Every method returns only after the data is committed."""

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def record_game(self, game: GameRecord) -> None: ...

    async def record_start(self, game_id: str, started_at: float) -> None: ...

    async def record_participant(self, participant: ParticipantRecord) -> None: ...

    async def record_answer(self, answer: AnswerRecord) -> None:
        """Returns once the answer is durably written (writes are group-committed)."""
        ...

    async def record_end(
        self, game_id: str, ended_at: float, standings: list[StandingRecord]
    ) -> None: ...

    async def record_inputs(
        self, game_id: str, inputs: list[InputRecord], epoch: int | None = None
    ) -> None:
        """Append inputs (in seq order) with their facts, in one transaction.

        `epoch`: the writer's fencing token (scale-out). The transaction first checks,
        under a lock on the game's row, that the game's epoch is still this one; if a
        newer owner has raised it, nothing is written and `Fenced` is raised. None (the
        embedded default, one process): no check."""
        ...

    async def fence(self, game_id: str, epoch: int) -> int:
        """A new owner's first write: raise the game's epoch to `epoch` (never lower it);
        returns the game's epoch afterwards (above `epoch` if a newer owner fenced first)."""
        ...

    async def game_epoch(self, game_id: str) -> int:
        """The newest fencing epoch recorded for the game (0: never owned in scale-out)."""
        ...

    async def unfinished_games(self, game_id: str | None = None) -> list[SavedGame]:
        """Every game that has not ended, with its inputs, oldest first (`game_id`: only
        that game, if it has not ended — a takeover rebuilds one game)."""
        ...

    async def list_sessions(self, query: SessionFilter) -> SessionPage:
        """One page of past and running sessions, newest first (indexed queries)."""
        ...

    async def answer_totals(self, query: TotalsFilter) -> list[AnswerTotal]:
        """Scored answers summed per staff member, department and question (quizzes,
        and races' first attempts), for roll-ups across sessions."""
        ...

    async def session_totals(self, query: TotalsFilter) -> list[SessionTotal]:
        """The staff member `query.staff_id`'s scored answers summed per session and
        question (quizzes, and races' first attempts), oldest session first."""
        ...

    async def set_participant(
        self,
        game_id: str,
        player_id: str,
        *,
        staff_id: str | None,
        name: str | None = None,
        department: str | None = None,
    ) -> bool:
        """Correct one participant's personal data or give them a staff ID (a merge into
        a staff record); False if there is no such participant."""
        ...

    async def erase_staff(self, staff_id: str) -> int:
        """Erase a staff member's personal data (name, staff ID, department) everywhere;
        their answers stay, anonymous. Returns how many participations were erased."""
        ...

    async def staff_name(self, staff_id: str, query: TotalsFilter) -> str | None:
        """The name the staff member gave last, in the sessions `query` allows (None:
        none there, or erased)."""
        ...

    async def sync_topics(self, rows: Collection[TopicRow]) -> int:
        """Copy the banks' question topics in (quizkiosk.archive.topic_totals); queue the
        sessions whose topic totals that changes. Returns how many are queued."""
        ...

    async def recompute_stale_topics(self, limit: int) -> int:
        """Recompute the topic totals of up to `limit` queued sessions, one per
        transaction; returns how many it did (0: none queued)."""
        ...

    async def staff_below_threshold(
        self,
        query: TotalsFilter,
        threshold: float,
        min_answers: int,
        limit: int,
        offset: int,
        by_topic: bool = False,
    ) -> StaffTopicPage:
        """Staff below `threshold` percent on a topic (with at least `min_answers`
        answers on it), by department, weakest first (`by_topic`: by department and
        topic, weakest first): one page, and how many in all."""
        ...

    async def department_topics(self, query: TotalsFilter) -> list[DepartmentTopicTotal]:
        """Scored answers per department and topic, and how many staff IDs."""
        ...

    async def last_refreshers(
        self, staff_ids: Sequence[str], department: str | None, trainer: str
    ) -> list[GameRecord]:
        """The refreshers (games with a draw) these people saw last: for each staff ID
        the latest one they took part in, and the latest one with a participant from
        `department`; with neither, `trainer`'s latest refresher. No duplicates."""
        ...

    async def recently_ended(self, limit: int) -> list[tuple[str, str]]:
        """(PIN, game id) of the games that ended last, newest first."""
        ...

    async def game_results(self, game_id: str) -> GameResults | None: ...

    async def list_games(self, trainer: str | None = None) -> list[GameRecord]: ...
