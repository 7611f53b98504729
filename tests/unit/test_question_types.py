"""Every question type through the one QuestionType protocol (quizkiosk.engine.questions).

Each test walks one type through everything the engine asks of it: the display
order it plans, the choices sent before the reveal (never the key), checking an
answer right, wrong and malformed, mapping display positions to bank terms, the
key shown at the reveal, and the reveal chart.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

import pytest
from quizkiosk.banks.model import QUESTION_TYPES, AnyQuestion
from quizkiosk.engine.questions import InvalidAnswer, Verdict, type_of
from quizkiosk.engine.questions import multi as multi_module
from quizkiosk.engine.questions import order as order_module
from quizkiosk.engine.questions import poll as poll_module
from quizkiosk.engine.questions import single as single_module
from quizkiosk.engine.questions import truefalse as truefalse_module
from quizkiosk.engine.questions import typed as typed_module
from quizkiosk.engine.views import PlayedQuestion, public_question

from tests.unit.engine_fixtures import (
    EVERY_TYPE,
    MULTI,
    ORDER,
    POLL,
    SINGLE,
    TRUE_FALSE,
    TYPED,
)

RIGHT = Verdict(correct=True, credit=1.0)
WRONG = Verdict(correct=False, credit=0.0)
SEED = 11


@dataclass(frozen=True)
class Given:
    """An accepted answer as the reveal chart sees it."""

    payload: object
    correct: bool | None


def shuffled(count: int, seed: int) -> tuple[int, ...]:
    """What one `rng.shuffle` of a fresh Random(seed) gives: replays rely on that exact draw."""
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return tuple(order)


def rng_untouched(rng: random.Random, seed: int) -> bool:
    return rng.getstate() == random.Random(seed).getstate()


def refusal(question: AnyQuestion, answer: object) -> str:
    """The reason `check` gives for refusing `answer`: the exact text a player is sent."""
    with pytest.raises(InvalidAnswer) as refused:
        type_of(question).check(question, answer)
    return str(refused.value)


def public_wire(question: AnyQuestion, order: tuple[int, ...]) -> str:
    """The open question exactly as it goes out before the reveal."""
    return json.dumps(public_question(PlayedQuestion(0, question, 20, order), 1, True))


def assert_no_key_on_the_wire(question: AnyQuestion, order: tuple[int, ...]) -> dict[str, object]:
    payload: dict[str, object] = json.loads(public_wire(question, order))
    assert "correct" not in payload
    assert "explanation" not in payload
    assert question.explanation is not None
    assert question.explanation.uz not in json.dumps(payload)
    return payload


def test_every_bank_type_has_its_own_module() -> None:
    assert sorted(q.type for q in EVERY_TYPE) == sorted(QUESTION_TYPES)
    modules = {
        "single": single_module.TYPE,
        "multi": multi_module.TYPE,
        "truefalse": truefalse_module.TYPE,
        "order": order_module.TYPE,
        "typed": typed_module.TYPE,
        "poll": poll_module.TYPE,
    }
    for question in EVERY_TYPE:
        kind = type_of(question)
        assert kind is modules[question.type]
        assert kind.name == question.type


def test_single_choice() -> None:
    kind = type_of(SINGLE)  # options 0-3; the right one is bank index 1
    # Plan: bank order unless asked to shuffle, then exactly one shuffle.
    rng = random.Random(SEED)
    assert kind.plan(SINGLE, False, rng) == (0, 1, 2, 3)
    assert rng_untouched(rng, SEED)
    assert kind.plan(SINGLE, True, random.Random(SEED)) == shuffled(4, SEED)

    order = (2, 0, 3, 1)  # the right option is shown at position 3
    assert kind.public_choices(SINGLE, order) == [SINGLE.options[i] for i in order]
    payload = assert_no_key_on_the_wire(SINGLE, order)
    assert payload["choices"] == [
        {"uz": "option 2 uz", "ru": "option 2 ru", "en": "option 2 en"},
        {"uz": "option 0 uz", "ru": "option 0 ru", "en": "option 0 en"},
        {"uz": "option 3 uz", "ru": "option 3 ru", "en": "option 3 en"},
        {"uz": "option 1 uz", "ru": "option 1 ru", "en": "option 1 en"},
    ]

    assert kind.to_bank(SINGLE, order, 3) == 1
    assert kind.to_bank(SINGLE, order, 0) == 2
    assert kind.to_bank(SINGLE, order, 7) == 7  # left for validate to refuse
    assert kind.to_bank(SINGLE, order, True) is True

    assert kind.check(SINGLE, kind.to_bank(SINGLE, order, 3)) == RIGHT
    assert kind.check(SINGLE, kind.to_bank(SINGLE, order, 1)) == WRONG
    assert refusal(SINGLE, kind.to_bank(SINGLE, order, 7)) == "option 7 does not exist"
    assert refusal(SINGLE, True) == "expected an option number"

    assert kind.reveal_key(SINGLE, order) == [3]
    answers = [Given(3, True), Given(3, True), Given(0, False)]
    assert kind.distribution(SINGLE, order, answers) == [1, 0, 0, 2]
    assert [line.correct for line in kind.answer_key(SINGLE).lines] == [False, True, False, False]


def test_multi_select() -> None:
    kind = type_of(MULTI)  # options 0-3; bank indexes 0 and 2 are right
    rng = random.Random(SEED)
    assert kind.plan(MULTI, False, rng) == (0, 1, 2, 3)
    assert rng_untouched(rng, SEED)
    assert kind.plan(MULTI, True, random.Random(SEED)) == shuffled(4, SEED)

    order = (3, 1, 0, 2)  # the right options are shown at positions 2 and 3
    assert kind.public_choices(MULTI, order) == [MULTI.options[i] for i in order]
    assert_no_key_on_the_wire(MULTI, order)

    assert kind.to_bank(MULTI, order, [2, 3]) == [0, 2]
    assert kind.to_bank(MULTI, order, [0, 9]) == [3, 9]
    assert kind.to_bank(MULTI, order, 2) == 2  # not a list: left for validate to refuse

    assert kind.check(MULTI, kind.to_bank(MULTI, order, [3, 2])) == RIGHT
    assert kind.check(MULTI, kind.to_bank(MULTI, order, [2])) == Verdict(False, 0.5)
    assert kind.check(MULTI, kind.to_bank(MULTI, order, [2, 0])) == WRONG  # a miss cancels a hit
    for answer, reason in [
        (2, "expected a list of option numbers"),
        ([], "pick at least one option"),
        ([0, 0], "an option is picked twice"),
        ([0, 9], "option 9 does not exist"),
    ]:
        assert refusal(MULTI, answer) == reason

    assert kind.reveal_key(MULTI, order) == [2, 3]
    answers = [Given([2, 3], True), Given([2], False), Given([0], False)]
    assert kind.distribution(MULTI, order, answers) == [1, 0, 2, 1]
    assert [line.correct for line in kind.answer_key(MULTI).lines] == [True, False, True, False]


def test_true_false() -> None:
    kind = type_of(TRUE_FALSE)  # the statement is true
    rng = random.Random(SEED)
    assert kind.plan(TRUE_FALSE, True, rng) == ()
    assert rng_untouched(rng, SEED)

    assert kind.public_choices(TRUE_FALSE, ()) is None
    assert "choices" not in assert_no_key_on_the_wire(TRUE_FALSE, ())

    assert kind.to_bank(TRUE_FALSE, (), True) is True
    assert kind.to_bank(TRUE_FALSE, (), 0) == 0

    assert kind.check(TRUE_FALSE, True) == RIGHT
    assert kind.check(TRUE_FALSE, False) == WRONG
    for malformed in (1, "true", None):
        assert refusal(TRUE_FALSE, malformed) == "expected true or false"

    assert kind.reveal_key(TRUE_FALSE, ()) is True
    answers = [Given(True, True), Given(True, True), Given(False, False)]
    assert kind.distribution(TRUE_FALSE, (), answers) == [2, 1]
    key = kind.answer_key(TRUE_FALSE)
    assert [(line.text, line.correct) for line in key.lines] == [("True", True), ("False", False)]


def test_ordering() -> None:
    kind = type_of(ORDER)  # steps 0-3, written in the right order
    # Shuffled even when the game does not shuffle, and never shown solved: a seed
    # whose first shuffle leaves the steps in order must be shuffled again.
    solved_first = next(s for s in range(10_000) if shuffled(4, s) == (0, 1, 2, 3))
    rng = random.Random(solved_first)
    twin = random.Random(solved_first)
    again = list(range(4))
    twin.shuffle(again)
    twin.shuffle(again)
    assert kind.plan(ORDER, False, rng) == tuple(again) != (0, 1, 2, 3)
    assert rng.getstate() == twin.getstate()
    for seed in range(50):
        planned = kind.plan(ORDER, False, random.Random(seed))
        assert planned != (0, 1, 2, 3)
        assert sorted(planned) == [0, 1, 2, 3]

    order = (2, 0, 3, 1)
    assert kind.public_choices(ORDER, order) == [ORDER.steps[i] for i in order]
    assert_no_key_on_the_wire(ORDER, order)

    assert kind.to_bank(ORDER, order, [1, 3, 0, 2]) == [0, 1, 2, 3]
    assert kind.to_bank(ORDER, order, 5) == 5

    assert kind.check(ORDER, kind.to_bank(ORDER, order, [1, 3, 0, 2])) == RIGHT
    assert kind.check(ORDER, kind.to_bank(ORDER, order, [0, 1, 2, 3])) == WRONG
    for malformed in ([0, 1, 2], [0, 0, 1, 2], 3, [0, 1, 2, 3, 4]):
        assert refusal(ORDER, malformed) == "expected every step number exactly once"

    assert kind.reveal_key(ORDER, order) == [1, 3, 0, 2]
    answers = [Given([1, 3, 0, 2], True), Given([0, 1, 2, 3], False), Given([1, 3, 0, 2], True)]
    assert kind.distribution(ORDER, order, answers) == [2, 1]
    key = kind.answer_key(ORDER)
    assert key.numbered
    assert [line.text for line in key.lines] == ORDER.steps
    assert all(line.correct for line in key.lines)


def test_typed_answer() -> None:
    kind = type_of(TYPED)  # accepts "E11.9"
    rng = random.Random(SEED)
    assert kind.plan(TYPED, True, rng) == ()
    assert rng_untouched(rng, SEED)

    assert kind.public_choices(TYPED, ()) is None
    assert "choices" not in assert_no_key_on_the_wire(TYPED, ())
    assert "E11.9" not in public_wire(TYPED, ())

    assert kind.to_bank(TYPED, (), "e11.9") == "e11.9"

    assert kind.check(TYPED, "E11.9") == RIGHT
    assert kind.check(TYPED, " e11.9 ") == RIGHT
    assert kind.check(TYPED, "x" * 200) == WRONG
    assert refusal(TYPED, 5) == "expected text"
    assert refusal(TYPED, "x" * 201) == "a typed answer can be at most 200 characters long"

    assert kind.reveal_key(TYPED, ()) == ["E11.9"]
    answers = [Given("E11.9", True), Given("I10", False), Given("e11.9", True)]
    assert kind.distribution(TYPED, (), answers) == [2, 1]
    key = kind.answer_key(TYPED)
    assert key.accepted == ("E11.9",)
    assert key.lines == ()


def test_poll() -> None:
    kind = type_of(POLL)  # options 0-2, none right
    rng = random.Random(SEED)
    assert kind.plan(POLL, True, rng) == (0, 1, 2)  # never shuffled, even when asked
    assert rng_untouched(rng, SEED)

    order = (2, 0, 1)
    assert kind.public_choices(POLL, order) == [POLL.options[i] for i in order]
    payload = json.loads(public_wire(POLL, order))
    assert "correct" not in payload
    assert payload["points"] == 0

    assert kind.to_bank(POLL, order, 0) == 2
    assert kind.to_bank(POLL, order, 3) == 3

    assert kind.check(POLL, kind.to_bank(POLL, order, 1)) == Verdict(correct=None, credit=0.0)
    assert refusal(POLL, kind.to_bank(POLL, order, 3)) == "option 3 does not exist"
    assert refusal(POLL, "a") == "expected an option number"

    assert kind.reveal_key(POLL, order) is None
    answers = [Given(0, None), Given(2, None), Given(2, None)]
    assert kind.distribution(POLL, order, answers) == [1, 0, 2]
    assert [line.correct for line in kind.answer_key(POLL).lines] == [False, False, False]
