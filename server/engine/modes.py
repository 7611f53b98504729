"""Which game modes exist, and how each builds its game from a bank."""

from __future__ import annotations

from server.banks.model import Bank
from server.engine.game import Game
from server.engine.quiz import QuizGame
from server.engine.settings import GameSettings

MODES = ("quiz",)


class UnknownMode(ValueError):
    pass


def build_game(mode: str, bank: Bank, settings: GameSettings, seed: int) -> Game:
    """A new game of `mode` from `bank`; the same arguments always build the same game."""
    if mode == "quiz":
        questions = [(q, bank.time_for(q)) for q in bank.questions]
        return QuizGame(questions, settings, seed)
    raise UnknownMode(f"unknown game mode {mode!r}")


def played_ids(mode: str, bank: Bank) -> list[str]:
    """The ids of what a game of `mode` asks, in order (kept with the game's record)."""
    return [q.id for q in bank.questions]
