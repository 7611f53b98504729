"""Poll: an opinion question with options, no right answer, never scored."""

from __future__ import annotations

import random
from collections.abc import Sequence

from quizkiosk.banks.model import LocalizedText, Poll
from quizkiosk.engine.questions.base import (
    POLL_VERDICT,
    AnswerKey,
    GivenAnswer,
    Order,
    QuestionType,
    Verdict,
    bank_index,
    count_picks,
    option_key,
    require_index,
    unshuffled,
)


class PollType:
    name = "poll"

    def plan(self, question: Poll, shuffle: bool, rng: random.Random) -> Order:
        # Never shuffled, even when the game shuffles options: there is no key whose
        # position could be learnt, and the author's order (often a scale) reads best.
        return unshuffled(len(question.options))

    def choices(self, question: Poll) -> list[LocalizedText]:
        return question.options

    def public_choices(self, question: Poll, order: Order) -> list[LocalizedText]:
        return [question.options[i] for i in order]

    def validate(self, question: Poll, answer: object) -> None:
        require_index(answer, len(question.options))

    def check(self, question: Poll, answer: object) -> Verdict:
        self.validate(question, answer)
        return POLL_VERDICT

    def to_bank(self, question: Poll, order: Order, value: object) -> object:
        return bank_index(order, value)

    def reveal_key(self, question: Poll, order: Order) -> object:
        return None

    def distribution(
        self, question: Poll, order: Order, answers: Sequence[GivenAnswer]
    ) -> list[int]:
        return count_picks(order, answers)

    def answer_key(self, question: Poll) -> AnswerKey:
        return option_key(question.options, frozenset())


TYPE: QuestionType[Poll] = PollType()
