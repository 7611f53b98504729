"""Settings a trainer chooses when starting a game."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from quizkiosk.engine.scoring import ScoringPreset


class GameSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scoring: ScoringPreset = "speed"
    time_per_question: int | None = Field(default=None, ge=5, le=600)
    require_staff_id: bool = False
    require_department: bool = False
    shuffle_options: bool = False
    show_question_on_phones: bool = True
    streak_bonus: bool = False


TeamMode = Literal["none", "department", "host"]


class RaceSettings(BaseModel):
    """A case race: which cases (played one after another), the clock and the penalty."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case_ids: list[str] = Field(min_length=1, max_length=20)
    time_limit: int = Field(default=900, ge=60, le=7200)  # seconds for the whole race
    penalty: int = Field(default=10, ge=0, le=120)  # seconds a wrong step stays locked
    # Teams: none; by the department each player gives at join; or set by the host.
    teams: TeamMode = "none"
    require_staff_id: bool = False
    require_department: bool = False
    shuffle_options: bool = True
