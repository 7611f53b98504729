"""Put in order: the bank lists the steps in the right order; players see them shuffled."""

from __future__ import annotations

import random
from collections.abc import Sequence

from quizkiosk.banks.model import LocalizedText, Ordering
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
    bank_indexes,
    positions,
    right_and_wrong,
)


class OrderingType:
    name = "order"

    def plan(self, question: Ordering, shuffle: bool, rng: random.Random) -> Order:
        # Shuffled whatever the game's setting: steps shown already in the right order
        # would give the answer away.  The bank has at least three steps, so this ends.
        order = list(range(len(question.steps)))
        while order == sorted(order):
            rng.shuffle(order)
        return tuple(order)

    def choices(self, question: Ordering) -> list[LocalizedText]:
        return question.steps

    def public_choices(self, question: Ordering, order: Order) -> list[LocalizedText]:
        return [question.steps[i] for i in order]

    def validate(self, question: Ordering, answer: object) -> None:
        if not isinstance(answer, list) or sorted(answer) != list(range(len(question.steps))):
            raise InvalidAnswer("expected every step number exactly once")

    def check(self, question: Ordering, answer: object) -> Verdict:
        self.validate(question, answer)
        # All or nothing: a half-right sequence is still a wrong procedure.
        return RIGHT if answer == list(range(len(question.steps))) else WRONG

    def to_bank(self, question: Ordering, order: Order, value: object) -> object:
        return bank_indexes(order, value)

    def reveal_key(self, question: Ordering, order: Order) -> object:
        # The display positions of the steps, in the right order.
        position_of = positions(order)
        return [position_of[i] for i in range(len(question.steps))]

    def distribution(
        self, question: Ordering, order: Order, answers: Sequence[GivenAnswer]
    ) -> list[int]:
        return right_and_wrong(answers)

    def answer_key(self, question: Ordering) -> AnswerKey:
        # Listed in the right order; the steps are numbered, not lettered.
        return AnswerKey(lines=tuple(KeyLine(step, True) for step in question.steps), numbered=True)


TYPE: QuestionType[Ordering] = OrderingType()
