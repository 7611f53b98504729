"""How a simulated player knows the right answer: it reads the same banks the server does.

The server never sends the answer before the reveal, so a bot finds the question in
the banks by its text and works out the right answer in the positions it was shown.
Case race steps are found by their case id and step number (checked against the text),
in every bank of the folder.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

from quizkiosk.banks.loader import load_banks
from quizkiosk.banks.model import (
    AnyQuestion,
    MultiSelect,
    Ordering,
    Poll,
    SingleChoice,
    TrueFalse,
    TypedAnswer,
)

CaseStep = tuple[str, int, AnyQuestion]  # case id, step number (from 1), the step


class AnswerKey:
    def __init__(self, questions: list[AnyQuestion], case_steps: Iterable[CaseStep] = ()) -> None:
        self._by_text = {q.text.uz: q for q in questions}
        # Case ids are unique within a bank, not across banks: keep every candidate.
        self._steps: dict[tuple[str, int], list[AnyQuestion]] = {}
        self._steps_by_text: dict[str, AnyQuestion] = {}
        for case_id, number, step in case_steps:
            self._steps.setdefault((case_id, number), []).append(step)
            self._steps_by_text.setdefault(step.text.uz, step)

    @classmethod
    def from_banks(cls, folder: Path) -> AnswerKey:
        catalog = load_banks([folder])
        banks = list(catalog.banks.values())
        return cls(
            [q for bank in banks for q in bank.questions],
            [
                (case.id, number, step)
                for bank in banks
                for case in bank.cases
                for number, step in enumerate(case.steps, start=1)
            ],
        )

    @property
    def case_step_count(self) -> int:
        return sum(len(steps) for steps in self._steps.values())

    def step_answer(self, message: dict[str, object], right: bool, rng: random.Random) -> object:
        """An answer to a `race_step` message: right (if the key knows the step) or a
        plausible wrong one — another option, one option too many or too few, two steps
        swapped, the opposite, a near-miss code."""
        kind = str(message.get("kind"))
        shown = _shown(message)
        step = self._find_step(message)
        if step is None or None in shown:
            return _random_answer(kind, len(shown), rng)
        if right:
            return _answer_for(step, shown, True, rng)
        return _plausible_wrong(step, shown, rng)

    def _find_step(self, message: dict[str, object]) -> AnyQuestion | None:
        text = message.get("text")
        uz = text.get("uz") if isinstance(text, dict) else None
        case = message.get("case")
        if isinstance(case, dict):
            candidates = self._steps.get((str(case.get("id")), _int(case.get("step"))), [])
            for step in candidates:
                if step.text.uz == uz:
                    return step
        return self._steps_by_text.get(uz) if isinstance(uz, str) else None

    def answer(self, message: dict[str, object], right: bool, rng: random.Random) -> object:
        """An answer to a `question` message: right (if the key knows it) or wrong."""
        kind = str(message.get("kind"))
        choices = message.get("choices")
        shown = (
            [c.get("uz") if isinstance(c, dict) else None for c in choices]
            if isinstance(choices, list)
            else []
        )
        text = message.get("text")
        question = self._by_text.get(text.get("uz", "")) if isinstance(text, dict) else None
        if question is None or None in shown:
            return _random_answer(kind, len(shown), rng)
        return _answer_for(question, shown, right, rng)


def _shown(message: dict[str, object]) -> list[str | None]:
    """The Uzbek text of each choice, in display order."""
    choices = message.get("choices")
    if not isinstance(choices, list):
        return []
    return [c.get("uz") if isinstance(c, dict) else None for c in choices]


def _int(value: object) -> int:
    return value if isinstance(value, int) else -1


def _positions(question: AnyQuestion, shown: list[str | None]) -> list[int]:
    """Display positions of the right options (or of the steps, in the right order)."""
    if isinstance(question, Ordering):
        return [shown.index(step.uz) for step in question.steps]
    if isinstance(question, SingleChoice | MultiSelect):
        return sorted(shown.index(question.options[i].uz) for i in question.correct_indexes)
    return []


def _answer_for(
    question: AnyQuestion, shown: list[str | None], right: bool, rng: random.Random
) -> object:
    if isinstance(question, Poll):
        return rng.randrange(len(question.options))
    if isinstance(question, TrueFalse):
        return question.correct if right else not question.correct
    if isinstance(question, TypedAnswer):
        return question.accepted[0] if right else "bilmayman"
    positions = _positions(question, shown)
    if right:
        return positions[0] if isinstance(question, SingleChoice) else positions
    if isinstance(question, SingleChoice):
        return rng.choice([i for i in range(len(shown)) if i not in positions])
    if isinstance(question, MultiSelect):
        wrong = [i for i in range(len(shown)) if i not in positions]
        return sorted(rng.sample(wrong, 1)) if wrong else positions[:-1]
    return list(reversed(positions))


def _random_answer(kind: str, count: int, rng: random.Random) -> object:
    if kind == "truefalse":
        return rng.random() < 0.5
    if kind == "typed":
        return "bilmayman"
    if kind == "multi":
        return sorted(rng.sample(range(count), rng.randint(1, count)))
    if kind == "order":
        order = list(range(count))
        rng.shuffle(order)
        return order
    return rng.randrange(max(count, 1))


def _plausible_wrong(question: AnyQuestion, shown: list[str | None], rng: random.Random) -> object:
    """A wrong answer a person might give: close to the right one, never right."""
    if isinstance(question, TrueFalse):
        return not question.correct
    if isinstance(question, TypedAnswer):
        return _near_miss(question.accepted)
    if isinstance(question, Poll):  # never in a case; any option will do
        return rng.randrange(len(question.options))
    positions = _positions(question, shown)
    if isinstance(question, SingleChoice):
        return rng.choice([i for i in range(len(shown)) if i not in positions])
    if isinstance(question, MultiSelect):
        wrong = [i for i in range(len(shown)) if i not in positions]
        options: list[list[int]] = []
        if wrong:  # one option too many
            options.append(sorted([*positions, rng.choice(wrong)]))
        if len(positions) > 1:  # one right option missed
            missed = rng.choice(positions)
            options.append([p for p in positions if p != missed])
        return rng.choice(options) if options else wrong[:1]
    # Ordering: two neighbouring steps swapped.
    order = list(positions)
    at = rng.randrange(len(order) - 1)
    order[at], order[at + 1] = order[at + 1], order[at]
    return order


def _near_miss(accepted: list[str]) -> str:
    """The first accepted answer with its last digit changed (J20.9 -> J20.0), so it is
    wrong however it is normalised; `bilmayman` ("I don't know") for answers without digits."""
    wanted = {_comparable(a) for a in accepted}
    text = accepted[0]
    digits = [i for i, char in enumerate(text) if char.isdigit()]
    if digits:
        at = digits[-1]
        for shift in range(1, 10):
            guess = text[:at] + str((int(text[at]) + shift) % 10) + text[at + 1 :]
            if _comparable(guess) not in wanted:
                return guess
    return "bilmayman"


def _comparable(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())
