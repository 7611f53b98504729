"""Typed answer: short text compared after normalisation (see quizkiosk.engine.normalize)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from quizkiosk.banks.model import LocalizedText, TypedAnswer
from quizkiosk.engine.normalize import typed_answer_matches
from quizkiosk.engine.questions.base import (
    RIGHT,
    WRONG,
    AnswerKey,
    GivenAnswer,
    InvalidAnswer,
    Order,
    QuestionType,
    Verdict,
    right_and_wrong,
)

MAX_TYPED_LENGTH = 200


class TypedAnswerType:
    name = "typed"

    def plan(self, question: TypedAnswer, shuffle: bool, rng: random.Random) -> Order:
        return ()  # nothing is shown to choose from

    def choices(self, question: TypedAnswer) -> list[LocalizedText]:
        return []

    def public_choices(self, question: TypedAnswer, order: Order) -> list[LocalizedText] | None:
        return None

    def validate(self, question: TypedAnswer, answer: object) -> None:
        if not isinstance(answer, str):
            raise InvalidAnswer("expected text")
        if len(answer) > MAX_TYPED_LENGTH:
            raise InvalidAnswer(f"a typed answer can be at most {MAX_TYPED_LENGTH} characters long")

    def check(self, question: TypedAnswer, answer: object) -> Verdict:
        self.validate(question, answer)
        assert isinstance(answer, str)
        return RIGHT if typed_answer_matches(answer, question.accepted) else WRONG

    def to_bank(self, question: TypedAnswer, order: Order, value: object) -> object:
        return value

    def reveal_key(self, question: TypedAnswer, order: Order) -> object:
        return list(question.accepted)

    def distribution(
        self, question: TypedAnswer, order: Order, answers: Sequence[GivenAnswer]
    ) -> list[int]:
        return right_and_wrong(answers)

    def answer_key(self, question: TypedAnswer) -> AnswerKey:
        return AnswerKey(accepted=tuple(question.accepted))


TYPE: QuestionType[TypedAnswer] = TypedAnswerType()
