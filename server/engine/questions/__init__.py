"""Question types: one module each, found by the bank's `type` field.

Quiz questions and case steps alike go through `type_of`, so adding a type means
adding a module and one entry below, not a branch in every module that plays it.
"""

from __future__ import annotations

from typing import Any

from quizkiosk.banks.model import AnyQuestion
from quizkiosk.engine.questions import multi, order, poll, single, truefalse, typed
from quizkiosk.engine.questions.base import (
    AnswerKey,
    GivenAnswer,
    InvalidAnswer,
    KeyLine,
    Order,
    QuestionType,
    Verdict,
)

__all__ = [
    "AnswerKey",
    "GivenAnswer",
    "InvalidAnswer",
    "KeyLine",
    "Order",
    "QuestionType",
    "Verdict",
    "type_of",
]

# Each module's TYPE is checked against QuestionType[its own question class]; the
# registry widens them to Any because the key, not the static type, pairs a question
# with its module (tests check that every `type` maps to the module of its name).
_ALL: tuple[QuestionType[Any], ...] = (
    single.TYPE,
    multi.TYPE,
    truefalse.TYPE,
    order.TYPE,
    typed.TYPE,
    poll.TYPE,
)
_BY_NAME: dict[str, QuestionType[Any]] = {kind.name: kind for kind in _ALL}


def type_of(question: AnyQuestion) -> QuestionType[Any]:
    """The module that plays `question`, chosen by its `type` field."""
    return _BY_NAME[question.type]
