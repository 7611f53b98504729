"""What each side is shown: public question payloads (never the answer) and reveals.

Texts go out in all three languages in one payload, so one encoded frame serves
every player whatever language their device chose.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from server.banks.model import (
    AnyQuestion,
    LocalizedText,
    MultiSelect,
    Ordering,
    Poll,
    SingleChoice,
    TrueFalse,
    TypedAnswer,
)

Texts = dict[str, str]


def texts(text: LocalizedText) -> Texts:
    return {lang: value for lang in ("uz", "ru", "en") if (value := getattr(text, lang))}


@dataclass(frozen=True, slots=True)
class PlayedQuestion:
    """A bank question as this game plays it: its time and the order options are shown."""

    index: int
    question: AnyQuestion
    time_limit: int  # seconds
    display_order: tuple[int, ...]  # display position -> bank index (options or steps)

    @property
    def choices(self) -> list[LocalizedText]:
        q = self.question
        if isinstance(q, SingleChoice | MultiSelect | Poll):
            return q.options
        if isinstance(q, Ordering):
            return q.steps
        return []


def plan_question(
    index: int, question: AnyQuestion, time_limit: int, shuffle: bool, rng: random.Random
) -> PlayedQuestion:
    count = (
        len(question.steps)
        if isinstance(question, Ordering)
        else len(getattr(question, "options", []))
    )
    order = list(range(count))
    if isinstance(question, Ordering):
        # Steps must never be shown already in the right order: that would give it away.
        while order == sorted(order):
            rng.shuffle(order)
    elif shuffle and isinstance(question, SingleChoice | MultiSelect):
        rng.shuffle(order)
    return PlayedQuestion(index, question, time_limit, tuple(order))


def public_question(
    played: PlayedQuestion, total: int, show_text_on_phones: bool
) -> dict[str, object]:
    """The open question as sent before the reveal: no correct answer, no explanation."""
    q = played.question
    payload: dict[str, object] = {
        "index": played.index,
        "total": total,
        "kind": q.type,
        "text": texts(q.text),
        "time_limit": played.time_limit,
        "points": q.points if q.scored else 0,
        "image": q.image,
        "show_text_on_phones": show_text_on_phones,
    }
    if isinstance(q, SingleChoice | MultiSelect | Poll | Ordering):
        payload["choices"] = [texts(played.choices[i]) for i in played.display_order]
    return payload


def to_bank_answer(played: PlayedQuestion, value: object) -> object:
    """Map an answer in display positions to bank indexes; leave other shapes as they are."""
    q = played.question
    order = played.display_order

    def bank_index(position: object) -> object:
        if (
            isinstance(position, int)
            and not isinstance(position, bool)
            and 0 <= position < len(order)
        ):
            return order[position]
        return position  # out of range: left for validate_answer to refuse with a reason

    if isinstance(q, SingleChoice | Poll):
        return bank_index(value)
    if isinstance(q, MultiSelect | Ordering) and isinstance(value, list):
        return [bank_index(v) for v in value]
    return value


def correct_display_answer(played: PlayedQuestion) -> object:
    """The right answer in display positions, for the reveal."""
    q = played.question
    position_of = {bank: pos for pos, bank in enumerate(played.display_order)}
    if isinstance(q, SingleChoice | MultiSelect):
        return sorted(position_of[i] for i in q.correct_indexes)
    if isinstance(q, TrueFalse):
        return q.correct
    if isinstance(q, Ordering):
        return [position_of[i] for i in range(len(q.steps))]
    if isinstance(q, TypedAnswer):
        return list(q.accepted)
    return None


def reveal_payload(
    played: PlayedQuestion, distribution: list[int], answered: int, correct: int
) -> dict[str, object]:
    q = played.question
    return {
        "index": played.index,
        "kind": q.type,
        "correct": correct_display_answer(played),
        "explanation": texts(q.explanation) if q.explanation else None,
        "distribution": distribution,
        "answered": answered,
        "correct_count": correct,
    }
