"""Single choice: exactly one option is right."""

from __future__ import annotations

import random
from collections.abc import Sequence

from quizkiosk.banks.model import LocalizedText, SingleChoice
from quizkiosk.engine.questions.base import (
    RIGHT,
    WRONG,
    AnswerKey,
    GivenAnswer,
    Order,
    QuestionType,
    Verdict,
    bank_index,
    count_picks,
    option_key,
    options_order,
    positions,
    require_index,
)


class SingleChoiceType:
    name = "single"

    def plan(self, question: SingleChoice, shuffle: bool, rng: random.Random) -> Order:
        return options_order(len(question.options), shuffle, rng)

    def choices(self, question: SingleChoice) -> list[LocalizedText]:
        return question.options

    def public_choices(self, question: SingleChoice, order: Order) -> list[LocalizedText]:
        return [question.options[i] for i in order]

    def validate(self, question: SingleChoice, answer: object) -> None:
        require_index(answer, len(question.options))

    def check(self, question: SingleChoice, answer: object) -> Verdict:
        self.validate(question, answer)
        return RIGHT if answer in question.correct_indexes else WRONG

    def to_bank(self, question: SingleChoice, order: Order, value: object) -> object:
        return bank_index(order, value)

    def reveal_key(self, question: SingleChoice, order: Order) -> object:
        # A list even though it holds one position: the same shape as multiple choice.
        position_of = positions(order)
        return sorted(position_of[i] for i in question.correct_indexes)

    def distribution(
        self, question: SingleChoice, order: Order, answers: Sequence[GivenAnswer]
    ) -> list[int]:
        return count_picks(order, answers)

    def answer_key(self, question: SingleChoice) -> AnswerKey:
        return option_key(question.options, question.correct_indexes)


TYPE: QuestionType[SingleChoice] = SingleChoiceType()
