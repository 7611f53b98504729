"""Multiple choice: one or more options are right; a partial answer earns partial credit."""

from __future__ import annotations

import random
from collections.abc import Sequence

from quizkiosk.banks.model import LocalizedText, MultiSelect
from quizkiosk.engine.questions.base import (
    AnswerKey,
    GivenAnswer,
    InvalidAnswer,
    Order,
    QuestionType,
    Verdict,
    bank_indexes,
    count_picks,
    option_key,
    options_order,
    positions,
    require_index,
)


class MultiSelectType:
    name = "multi"

    def plan(self, question: MultiSelect, shuffle: bool, rng: random.Random) -> Order:
        return options_order(len(question.options), shuffle, rng)

    def choices(self, question: MultiSelect) -> list[LocalizedText]:
        return question.options

    def public_choices(self, question: MultiSelect, order: Order) -> list[LocalizedText]:
        return [question.options[i] for i in order]

    def validate(self, question: MultiSelect, answer: object) -> None:
        if not isinstance(answer, list):
            raise InvalidAnswer("expected a list of option numbers")
        if not answer:
            raise InvalidAnswer("pick at least one option")
        for index in answer:
            require_index(index, len(question.options))
        if len(set(answer)) != len(answer):
            raise InvalidAnswer("an option is picked twice")

    def check(self, question: MultiSelect, answer: object) -> Verdict:
        self.validate(question, answer)
        assert isinstance(answer, list)
        return multi_verdict(set(answer), question.correct_indexes)

    def to_bank(self, question: MultiSelect, order: Order, value: object) -> object:
        return bank_indexes(order, value)

    def reveal_key(self, question: MultiSelect, order: Order) -> object:
        position_of = positions(order)
        return sorted(position_of[i] for i in question.correct_indexes)

    def distribution(
        self, question: MultiSelect, order: Order, answers: Sequence[GivenAnswer]
    ) -> list[int]:
        return count_picks(order, answers)

    def answer_key(self, question: MultiSelect) -> AnswerKey:
        return option_key(question.options, question.correct_indexes)


def multi_verdict(picked: set[int], right: frozenset[int]) -> Verdict:
    # Each wrong pick cancels a right one, so ticking every option earns no more than guessing.
    hits = len(picked & right)
    misses = len(picked - right)
    credit = max(0.0, (hits - misses) / len(right))
    return Verdict(correct=picked == right, credit=credit)


TYPE: QuestionType[MultiSelect] = MultiSelectType()
