"""The case race's state: its phases, its planned steps, each runner's progress, a placing."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from quizkiosk.banks.model import CaseScenario
from quizkiosk.engine.views import PlayedQuestion


class RacePhase(StrEnum):
    LOBBY = "lobby"
    RACE = "race"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class RaceStepPlan:
    index: int  # in the race, from 0
    case_number: int  # from 1
    case: CaseScenario
    step_in_case: int  # from 1
    played: PlayedQuestion


@dataclass(slots=True)
class Runner:
    """One participant's progress."""

    player_id: str
    started_at: float  # race time (seconds of race clock) when they got step 1
    step: int = 0  # the next step to answer; == number of steps done
    attempts: dict[int, int] = field(default_factory=dict)
    first_try: int = 0
    locked_until: float = 0.0  # race time
    finished_at: float | None = None  # race time
    last_correct_at: float | None = None  # race time

    def steps_attempted(self) -> int:
        return len(self.attempts)

    def accuracy(self) -> float:
        tried = self.steps_attempted()
        return self.first_try / tried if tried else 0.0


@dataclass(frozen=True, slots=True)
class Placing:
    player_id: str
    name: str
    rank: int
    finished: bool
    steps: int
    time_ms: int | None  # finishers: their race time
    first_try: int
    team: str | None
