"""Scoring presets (formulas documented in docs/scoring.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from quizkiosk.engine.answers import Verdict

ScoringPreset = Literal["speed", "accuracy"]
BASE_POINTS = 1000
STREAK_STEP = 100
STREAK_CAP = 500


@dataclass(frozen=True, slots=True)
class Award:
    points: int
    streak: int  # the player's streak of correct answers after this one


def award(
    *,
    preset: ScoringPreset,
    verdict: Verdict,
    multiplier: int,
    response_ms: int,
    time_limit_ms: int,
    streak_before: int,
    streak_bonus: bool,
) -> Award:
    """Points for one answer.

    speed:    BASE × multiplier × credit × (1 − response / time limit / 2)
    accuracy: BASE × multiplier × credit (time only breaks ties in the ranking)
    A streak bonus of 100 per consecutive correct answer before this one (max 500)
    is added to correct answers when the game turns it on.
    """
    if verdict.correct is None:  # polls: no score, streak untouched
        return Award(points=0, streak=streak_before)
    streak = streak_before + 1 if verdict.correct else 0
    if multiplier == 0 or verdict.credit <= 0:
        return Award(points=0, streak=streak)
    share = verdict.credit * multiplier
    if preset == "speed":
        elapsed = min(max(response_ms, 0), time_limit_ms) / time_limit_ms
        share *= 1 - elapsed / 2
    points = round(BASE_POINTS * share)
    if streak_bonus and verdict.correct:
        points += min(STREAK_STEP * (streak - 1), STREAK_CAP)
    return Award(points=points, streak=streak)
