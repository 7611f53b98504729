"""Settings a trainer chooses when starting a game."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from server.engine.scoring import ScoringPreset


class GameSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scoring: ScoringPreset = "speed"
    time_per_question: int | None = Field(default=None, ge=5, le=600)
    require_staff_id: bool = False
    require_department: bool = False
    shuffle_options: bool = False
    show_question_on_phones: bool = True
    streak_bonus: bool = False
