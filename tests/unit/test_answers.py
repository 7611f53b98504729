"""The checking rule of every question type (docs/question-banks.md)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from quizkiosk.banks.model import (
    LocalizedText,
    MultiSelect,
    Ordering,
    Poll,
    SingleChoice,
    TrueFalse,
    TypedAnswer,
)
from quizkiosk.engine.answers import InvalidAnswer, Verdict, check_answer


def texts(count: int) -> list[LocalizedText]:
    return [LocalizedText(uz=f"variant {n}") for n in range(count)]


SINGLE = SingleChoice(
    id="s", type="single", text=LocalizedText(uz="?"), options=texts(4), correct=3
)
MULTI = MultiSelect(
    id="m", type="multi", text=LocalizedText(uz="?"), options=texts(5), correct=[1, 3, 4]
)
TRUE_FALSE = TrueFalse(id="t", type="truefalse", text=LocalizedText(uz="?"), correct=False)
ORDER = Ordering(id="o", type="order", text=LocalizedText(uz="?"), steps=texts(4))
TYPED = TypedAnswer(id="y", type="typed", text=LocalizedText(uz="?"), accepted=["I10", "I 10"])
POLL = Poll(id="p", type="poll", text=LocalizedText(uz="?"), options=texts(3))


def test_single_choice_is_right_only_for_the_correct_option() -> None:
    assert check_answer(SINGLE, 2) == Verdict(correct=True, credit=1.0)
    for wrong in (0, 1, 3):
        assert check_answer(SINGLE, wrong) == Verdict(correct=False, credit=0.0)


@pytest.mark.parametrize(
    ("picked", "correct", "credit"),
    [
        ([0, 2, 3], True, 1.0),
        ([3, 0, 2], True, 1.0),
        ([0, 2], False, 2 / 3),
        ([0], False, 1 / 3),
        ([0, 2, 3, 1], False, 2 / 3),
        ([0, 1], False, 0.0),
        ([1, 4], False, 0.0),
        ([0, 1, 2, 3, 4], False, 1 / 3),
    ],
)
def test_multi_select_partial_credit(picked: list[int], correct: bool, credit: float) -> None:
    verdict = check_answer(MULTI, picked)
    assert verdict.correct is correct
    assert verdict.credit == pytest.approx(credit)


def test_an_empty_multi_select_is_not_an_answer() -> None:
    # It would use up the player's one answer on nothing.
    with pytest.raises(InvalidAnswer, match="pick at least one option"):
        check_answer(MULTI, [])


@given(st.sets(st.integers(min_value=0, max_value=4), min_size=1))
def test_multi_select_credit_is_between_zero_and_one_and_full_only_when_exact(
    picked: set[int],
) -> None:
    verdict = check_answer(MULTI, sorted(picked))
    assert 0.0 <= verdict.credit <= 1.0
    assert (verdict.credit == 1.0) == (picked == {0, 2, 3}) == verdict.correct


def test_true_false() -> None:
    assert check_answer(TRUE_FALSE, False).correct is True
    assert check_answer(TRUE_FALSE, True).correct is False


@given(st.permutations([0, 1, 2, 3]))
def test_ordering_is_all_or_nothing(order: list[int]) -> None:
    verdict = check_answer(ORDER, list(order))
    assert verdict.correct is (list(order) == [0, 1, 2, 3])
    assert verdict.credit == (1.0 if verdict.correct else 0.0)


def test_typed_answer_uses_normalisation() -> None:
    assert check_answer(TYPED, "i10").correct is True
    assert check_answer(TYPED, "I.10").correct is True
    assert check_answer(TYPED, "I11").correct is False


def test_poll_is_never_right_or_wrong_and_never_scores() -> None:
    for option in range(3):
        assert check_answer(POLL, option) == Verdict(correct=None, credit=0.0)


@pytest.mark.parametrize(
    ("question", "answer", "reason"),
    [
        (SINGLE, 4, "option 4 does not exist"),
        (SINGLE, -1, "option -1 does not exist"),
        (SINGLE, True, "expected an option number"),
        (SINGLE, "1", "expected an option number"),
        (MULTI, 1, "expected a list of option numbers"),
        (MULTI, [1, 1], "an option is picked twice"),
        (MULTI, [7], "option 7 does not exist"),
        (TRUE_FALSE, 1, "expected true or false"),
        (ORDER, [0, 1, 2], "expected every step number exactly once"),
        (ORDER, [0, 1, 1, 3], "expected every step number exactly once"),
        (TYPED, 10, "expected text"),
        (TYPED, "x" * 201, "a typed answer can be at most 200 characters long"),
        (MULTI, [], "pick at least one option"),
        (POLL, 3, "option 3 does not exist"),
    ],
)
def test_malformed_answers_are_refused_with_a_reason(
    question: object, answer: object, reason: str
) -> None:
    with pytest.raises(InvalidAnswer, match=f"^{reason}$"):
        check_answer(question, answer)  # type: ignore[arg-type]
