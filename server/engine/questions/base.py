"""The one protocol every question type implements, and the pieces several types share.

A type module answers every per-type question the engine and the trainer pages
ask, so a quiz question, a case step or a new type all go through the same code
instead of through `isinstance` switches spread over several modules.

Two coordinate systems meet here.  *Bank terms* are 0-based indexes into the
bank's own option or step list; *display positions* are what a player saw on the
screen.  `display_order[position]` is the bank index shown at that position.
Answers are checked in bank terms; what goes out on the wire is in positions.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from quizkiosk.banks.model import LocalizedText

Order = tuple[int, ...]  # display position -> bank index (options or steps)


class InvalidAnswer(ValueError):
    """The answer does not have the shape this question type takes."""


@dataclass(frozen=True, slots=True)
class Verdict:
    correct: bool | None  # None for polls: there is nothing to be right about
    credit: float  # share of the question's points earned, 0.0 to 1.0


POLL_VERDICT = Verdict(correct=None, credit=0.0)
RIGHT = Verdict(correct=True, credit=1.0)
WRONG = Verdict(correct=False, credit=0.0)


class GivenAnswer(Protocol):
    """What the reveal chart needs of an accepted answer (the engine's `AcceptedAnswer`).

    A protocol rather than the class itself, so the type modules do not depend on
    the game's event types.
    """

    @property
    def payload(self) -> object: ...  # as the player sent it, in display positions

    @property
    def correct(self) -> bool | None: ...


@dataclass(frozen=True, slots=True)
class KeyLine:
    """One line of the answer key a trainer reviews on the bank pages."""

    # A str is a msgid the page translates: "True" and "False" have no bank text.
    text: LocalizedText | str
    correct: bool


@dataclass(frozen=True, slots=True)
class AnswerKey:
    """A question with its key, in bank order, for the trainer's review (never sent to players)."""

    lines: tuple[KeyLine, ...] = ()
    numbered: bool = False  # steps are numbered 1, 2, ...; options are lettered A, B, ...
    accepted: tuple[str, ...] = ()  # typed answers: every accepted spelling


# Contravariant: a type module takes its own question class as an argument only.
Q_contra = TypeVar("Q_contra", contravariant=True)


class QuestionType(Protocol[Q_contra]):
    """Everything the engine does differently for one kind of question."""

    @property
    def name(self) -> str: ...  # the bank's `type` field ("single", "multi", ...)

    def plan(self, question: Q_contra, shuffle: bool, rng: random.Random) -> Order:
        """The display order this game shows the options or steps in.

        Replays rebuild a game from its seed, so a type must draw from `rng` in
        exactly the same sequence for the same question and settings, always.
        """
        ...

    def choices(self, question: Q_contra) -> list[LocalizedText]:
        """The options or steps in bank order (empty when the type has none)."""
        ...

    def public_choices(self, question: Q_contra, order: Order) -> list[LocalizedText] | None:
        """What players see to answer with, in display order; None: the type shows no choices.

        Sent before the reveal, so it must never carry the key.
        """
        ...

    def validate(self, question: Q_contra, answer: object) -> None:
        """Raise InvalidAnswer with a reason if `answer` (in bank terms) cannot answer it."""
        ...

    def check(self, question: Q_contra, answer: object) -> Verdict:
        """Validate the answer (in bank terms), then judge it."""
        ...

    def to_bank(self, question: Q_contra, order: Order, value: object) -> object:
        """Map an answer in display positions to bank terms; leave other shapes as they are.

        Malformed values pass through unchanged so `validate` refuses them with a reason.
        """
        ...

    def reveal_key(self, question: Q_contra, order: Order) -> object:
        """The right answer in display positions, as the reveal sends it (JSON-ready)."""
        ...

    def distribution(
        self, question: Q_contra, order: Order, answers: Sequence[GivenAnswer]
    ) -> list[int]:
        """The counts on the reveal chart."""
        ...

    def answer_key(self, question: Q_contra) -> AnswerKey:
        """The question's key for the trainer's bank pages."""
        ...


# ---- shared by the types whose answers are option or step numbers ----------------------


def unshuffled(count: int) -> Order:
    return tuple(range(count))


def bank_index(order: Order, position: object) -> object:
    """The bank index shown at `position`, or `position` itself when it is not one."""
    if isinstance(position, int) and not isinstance(position, bool) and 0 <= position < len(order):
        return order[position]
    return position  # out of range: left for validate to refuse with a reason


def bank_indexes(order: Order, value: object) -> object:
    """A list of positions mapped to bank indexes; any other shape left as it is."""
    if isinstance(value, list):
        return [bank_index(order, v) for v in value]
    return value


def positions(order: Order) -> dict[int, int]:
    """Bank index -> the display position it was shown at."""
    return {bank: pos for pos, bank in enumerate(order)}


def require_index(value: object, count: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswer("expected an option number")
    if not 0 <= value < count:
        raise InvalidAnswer(f"option {value} does not exist")


def count_picks(order: Order, answers: Sequence[GivenAnswer]) -> list[int]:
    """How many players picked each display position (one pick or a list of picks)."""
    counts = [0] * len(order)
    for answer in answers:
        picked = answer.payload if isinstance(answer.payload, list) else [answer.payload]
        for position in picked:
            # Payloads were validated when accepted; the guard keeps the chart safe anyway.
            if isinstance(position, int) and 0 <= position < len(counts):
                counts[position] += 1
    return counts


def right_and_wrong(answers: Sequence[GivenAnswer]) -> list[int]:
    """For answers with no options to chart: how many got it right, how many did not."""
    right = sum(1 for a in answers if a.correct)
    return [right, len(answers) - right]


def option_key(options: Sequence[LocalizedText], correct: frozenset[int]) -> AnswerKey:
    return AnswerKey(lines=tuple(KeyLine(o, i in correct) for i, o in enumerate(options)))


def options_order(count: int, shuffle: bool, rng: random.Random) -> Order:
    """Options in bank order, or shuffled once when the game asks for it.

    Exactly one `rng.shuffle` when shuffling and none otherwise: replays depend on it.
    """
    order = list(range(count))
    if shuffle:
        rng.shuffle(order)
    return tuple(order)
