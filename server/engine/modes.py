"""Which game modes exist, and how each builds its game from a bank."""

from __future__ import annotations

from pydantic import BaseModel
from quizkiosk.banks.model import Bank
from quizkiosk.engine.game import Game
from quizkiosk.engine.quiz import QuizGame
from quizkiosk.engine.race import RaceGame
from quizkiosk.engine.settings import GameSettings, RaceSettings

MODES = ("quiz", "race")


class UnknownMode(ValueError):
    pass


def settings_for(mode: str, data: dict[str, object]) -> BaseModel:
    """A mode's settings from their stored (or submitted) JSON; ValidationError if wrong."""
    if mode == "quiz":
        return GameSettings.model_validate(data)
    if mode == "race":
        return RaceSettings.model_validate(data)
    raise UnknownMode(f"unknown game mode {mode!r}")


def build_game(mode: str, bank: Bank, settings: BaseModel, seed: int) -> Game:
    """A new game of `mode` from `bank`; the same arguments always build the same game."""
    if mode == "quiz" and isinstance(settings, GameSettings):
        questions = [(q, bank.time_for(q)) for q in bank.questions]
        return QuizGame(questions, settings, seed)
    if mode == "race" and isinstance(settings, RaceSettings):
        return RaceGame(bank, settings, seed)
    raise UnknownMode(f"unknown game mode {mode!r} (or settings of another mode)")


def played_ids(mode: str, bank: Bank, settings: BaseModel) -> list[str]:
    """The ids of what a game of `mode` asks, in order (kept with the game's record)."""
    if isinstance(settings, RaceSettings):
        return [
            f"{case_id}/{step.id}"
            for case_id in settings.case_ids
            for step in bank.case(case_id).steps
        ]
    return [q.id for q in bank.questions]
