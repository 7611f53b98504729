"""How an answer is checked (pure; see docs/question-banks.md).

Answers arrive here in bank terms: option and step numbers are 0-based indexes
into the bank's own lists, whatever order a player saw them in.  The rule of each
question type lives in its module under `quizkiosk.engine.questions`.
"""

from __future__ import annotations

from quizkiosk.banks.model import AnyQuestion
from quizkiosk.engine.questions import type_of
from quizkiosk.engine.questions.base import InvalidAnswer, Verdict
from quizkiosk.engine.questions.typed import MAX_TYPED_LENGTH

__all__ = ["MAX_TYPED_LENGTH", "InvalidAnswer", "Verdict", "check_answer", "validate_answer"]


def check_answer(question: AnyQuestion, answer: object) -> Verdict:
    """Validate the answer's shape for this question, then judge it."""
    return type_of(question).check(question, answer)


def validate_answer(question: AnyQuestion, answer: object) -> None:
    """Raise InvalidAnswer with a reason if `answer` cannot answer `question`."""
    type_of(question).validate(question, answer)
