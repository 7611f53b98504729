"""True or false: the answer is a boolean, there are no options to order."""

from __future__ import annotations

import random
from collections.abc import Sequence

from quizkiosk.banks.model import LocalizedText, TrueFalse
from quizkiosk.engine.questions.base import (
    RIGHT,
    WRONG,
    AnswerKey,
    GivenAnswer,
    InvalidAnswer,
    KeyLine,
    Order,
    QuestionType,
    Verdict,
)


class TrueFalseType:
    name = "truefalse"

    def plan(self, question: TrueFalse, shuffle: bool, rng: random.Random) -> Order:
        return ()  # the phones always show true and false the same way: nothing to order

    def choices(self, question: TrueFalse) -> list[LocalizedText]:
        return []

    def public_choices(self, question: TrueFalse, order: Order) -> list[LocalizedText] | None:
        return None

    def validate(self, question: TrueFalse, answer: object) -> None:
        if not isinstance(answer, bool):
            raise InvalidAnswer("expected true or false")

    def check(self, question: TrueFalse, answer: object) -> Verdict:
        self.validate(question, answer)
        return RIGHT if answer is question.correct else WRONG

    def to_bank(self, question: TrueFalse, order: Order, value: object) -> object:
        return value

    def reveal_key(self, question: TrueFalse, order: Order) -> object:
        return question.correct

    def distribution(
        self, question: TrueFalse, order: Order, answers: Sequence[GivenAnswer]
    ) -> list[int]:
        # Two bars, true first, as the phones show the buttons.
        return [
            sum(1 for a in answers if a.payload is True),
            sum(1 for a in answers if a.payload is False),
        ]

    def answer_key(self, question: TrueFalse) -> AnswerKey:
        # "True" and "False" are msgids: the page translates them.
        return AnswerKey(
            lines=(
                KeyLine("True", question.correct is True),
                KeyLine("False", question.correct is False),
            )
        )


TYPE: QuestionType[TrueFalse] = TrueFalseType()
