"""How each question type checks an answer (pure; see docs/question-banks.md).

Answers arrive here in bank terms: option and step numbers are 0-based indexes
into the bank's own lists, whatever order a player saw them in.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.banks.model import (
    AnyQuestion,
    MultiSelect,
    Ordering,
    Poll,
    SingleChoice,
    TrueFalse,
    TypedAnswer,
)
from server.engine.normalize import typed_answer_matches


class InvalidAnswer(ValueError):
    """The answer does not have the shape this question type takes."""


@dataclass(frozen=True, slots=True)
class Verdict:
    correct: bool | None  # None for polls: there is nothing to be right about
    credit: float  # share of the question's points earned, 0.0 to 1.0


POLL_VERDICT = Verdict(correct=None, credit=0.0)
RIGHT = Verdict(correct=True, credit=1.0)
WRONG = Verdict(correct=False, credit=0.0)


def check_answer(question: AnyQuestion, answer: object) -> Verdict:
    """Validate the answer's shape for this question, then judge it."""
    validate_answer(question, answer)
    if isinstance(question, SingleChoice):
        return RIGHT if answer in question.correct_indexes else WRONG
    if isinstance(question, MultiSelect):
        assert isinstance(answer, list)
        return _multi_verdict(set(answer), question.correct_indexes)
    if isinstance(question, TrueFalse):
        return RIGHT if answer is question.correct else WRONG
    if isinstance(question, Ordering):
        return RIGHT if answer == list(range(len(question.steps))) else WRONG
    if isinstance(question, TypedAnswer):
        assert isinstance(answer, str)
        return RIGHT if typed_answer_matches(answer, question.accepted) else WRONG
    return POLL_VERDICT


def _multi_verdict(picked: set[int], right: frozenset[int]) -> Verdict:
    hits = len(picked & right)
    misses = len(picked - right)
    credit = max(0.0, (hits - misses) / len(right))
    return Verdict(correct=picked == right, credit=credit)


MAX_TYPED_LENGTH = 200


def validate_answer(question: AnyQuestion, answer: object) -> None:
    """Raise InvalidAnswer with a reason if `answer` cannot answer `question`."""
    if isinstance(question, SingleChoice | Poll):
        _require_index(answer, len(question.options))
    elif isinstance(question, MultiSelect):
        if not isinstance(answer, list):
            raise InvalidAnswer("expected a list of option numbers")
        if not answer:
            raise InvalidAnswer("pick at least one option")
        for index in answer:
            _require_index(index, len(question.options))
        if len(set(answer)) != len(answer):
            raise InvalidAnswer("an option is picked twice")
    elif isinstance(question, TrueFalse):
        if not isinstance(answer, bool):
            raise InvalidAnswer("expected true or false")
    elif isinstance(question, Ordering):
        if not isinstance(answer, list) or sorted(answer) != list(range(len(question.steps))):
            raise InvalidAnswer("expected every step number exactly once")
    elif isinstance(question, TypedAnswer):
        if not isinstance(answer, str):
            raise InvalidAnswer("expected text")
        if len(answer) > MAX_TYPED_LENGTH:
            raise InvalidAnswer(f"a typed answer can be at most {MAX_TYPED_LENGTH} characters long")


def _require_index(value: object, count: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswer("expected an option number")
    if not 0 <= value < count:
        raise InvalidAnswer(f"option {value} does not exist")
