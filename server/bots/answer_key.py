"""How a simulated player knows the right answer: it reads the same banks the server does.

The server never sends the answer before the reveal, so a bot finds the question in
the banks by its text and works out the right answer in the positions it was shown.
"""

from __future__ import annotations

import random
from pathlib import Path

from server.banks.loader import load_banks
from server.banks.model import (
    AnyQuestion,
    MultiSelect,
    Ordering,
    Poll,
    SingleChoice,
    TrueFalse,
    TypedAnswer,
)


class AnswerKey:
    def __init__(self, questions: list[AnyQuestion]) -> None:
        self._by_text = {q.text.uz: q for q in questions}

    @classmethod
    def from_banks(cls, folder: Path) -> AnswerKey:
        catalog = load_banks([folder])
        return cls([q for bank in catalog.banks.values() for q in bank.questions])

    def answer(self, message: dict[str, object], right: bool, rng: random.Random) -> object:
        """An answer to a `question` message: right (if the key knows it) or wrong."""
        kind = str(message.get("kind"))
        choices = message.get("choices")
        shown = (
            [c.get("uz") if isinstance(c, dict) else None for c in choices]
            if isinstance(choices, list)
            else []
        )
        text = message.get("text")
        question = self._by_text.get(text.get("uz", "")) if isinstance(text, dict) else None
        if question is None or None in shown:
            return _random_answer(kind, len(shown), rng)
        return _answer_for(question, shown, right, rng)


def _positions(question: AnyQuestion, shown: list[str | None]) -> list[int]:
    """Display positions of the right options (or of the steps, in the right order)."""
    if isinstance(question, Ordering):
        return [shown.index(step.uz) for step in question.steps]
    if isinstance(question, SingleChoice | MultiSelect):
        return sorted(shown.index(question.options[i].uz) for i in question.correct_indexes)
    return []


def _answer_for(
    question: AnyQuestion, shown: list[str | None], right: bool, rng: random.Random
) -> object:
    if isinstance(question, Poll):
        return rng.randrange(len(question.options))
    if isinstance(question, TrueFalse):
        return question.correct if right else not question.correct
    if isinstance(question, TypedAnswer):
        return question.accepted[0] if right else "bilmayman"
    positions = _positions(question, shown)
    if right:
        return positions[0] if isinstance(question, SingleChoice) else positions
    if isinstance(question, SingleChoice):
        return rng.choice([i for i in range(len(shown)) if i not in positions])
    if isinstance(question, MultiSelect):
        wrong = [i for i in range(len(shown)) if i not in positions]
        return sorted(rng.sample(wrong, 1)) if wrong else positions[:-1]
    return list(reversed(positions))


def _random_answer(kind: str, count: int, rng: random.Random) -> object:
    if kind == "truefalse":
        return rng.random() < 0.5
    if kind == "typed":
        return "bilmayman"
    if kind == "multi":
        return sorted(rng.sample(range(count), rng.randint(1, count)))
    if kind == "order":
        order = list(range(count))
        rng.shuffle(order)
        return order
    return rng.randrange(max(count, 1))
