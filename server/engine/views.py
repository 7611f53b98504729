"""What each side is shown: public question payloads (never the answer) and reveals.

Texts go out in all three languages in one payload, so one encoded frame serves
every player whatever language their device chose.  What differs by question
type (display order, choices, the key) comes from `quizkiosk.engine.questions`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from quizkiosk.banks.model import AnyQuestion, LocalizedText
from quizkiosk.engine.questions import AnswerKey, type_of

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
        """The options or steps in bank order (empty when the type has none)."""
        return type_of(self.question).choices(self.question)


def plan_question(
    index: int, question: AnyQuestion, time_limit: int, shuffle: bool, rng: random.Random
) -> PlayedQuestion:
    order = type_of(question).plan(question, shuffle, rng)
    return PlayedQuestion(index, question, time_limit, order)


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
    choices = type_of(q).public_choices(q, played.display_order)
    if choices is not None:
        payload["choices"] = [texts(choice) for choice in choices]
    return payload


def to_bank_answer(played: PlayedQuestion, value: object) -> object:
    """Map an answer in display positions to bank indexes; leave other shapes as they are."""
    q = played.question
    return type_of(q).to_bank(q, played.display_order, value)


def correct_display_answer(played: PlayedQuestion) -> object:
    """The right answer in display positions, for the reveal."""
    q = played.question
    return type_of(q).reveal_key(q, played.display_order)


def answer_key(question: AnyQuestion) -> AnswerKey:
    """The question with its key, in bank order, for the trainer's bank pages (never players).

    Here rather than imported from `quizkiosk.engine.questions` by the web layer, which
    may only see the engine through this module (docs/architecture.md).
    """
    return type_of(question).answer_key(question)


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
