"""Typed-answer normalisation: the same answer typed any way people type it matches."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from quizkiosk.engine.normalize import APOSTROPHES, normalize_answer, typed_answer_matches

uzbek_words = st.text(alphabet="abdefghijklmnopqrstuvxyz", min_size=1, max_size=12)


@given(
    before=uzbek_words,
    after=uzbek_words,
    letter=st.sampled_from("og"),
    mark=st.sampled_from(APOSTROPHES),
)
def test_every_apostrophe_variant_of_o_and_g_normalises_the_same(
    before: str, after: str, letter: str, mark: str
) -> None:
    canonical = f"{before}{letter}\u02bb{after}"
    assert normalize_answer(f"{before}{letter}{mark}{after}") == normalize_answer(canonical)


@given(before=uzbek_words, after=uzbek_words)
def test_cyrillic_uzbek_letters_equal_their_latin_forms(before: str, after: str) -> None:
    assert normalize_answer(f"{before}ў{after}") == normalize_answer(f"{before}o'{after}")
    assert normalize_answer(f"{before}ғ{after}") == normalize_answer(f"{before}g`{after}")


@given(st.text(max_size=40))
def test_normalisation_is_idempotent_and_keeps_only_letters_and_digits(text: str) -> None:
    once = normalize_answer(text)
    assert normalize_answer(once) == once
    assert all(char.isalnum() for char in once)


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.", min_size=1, max_size=10))
def test_case_and_punctuation_never_matter_for_codes(code: str) -> None:
    assert normalize_answer(code) == normalize_answer(code.lower().replace(".", ", "))


def test_o_with_apostrophe_is_a_letter_of_its_own() -> None:
    assert normalize_answer("boʻlim") != normalize_answer("bolim")
    assert normalize_answer("gʻoʻza") == normalize_answer("g'o`za") == normalize_answer("ғўza")


def test_tutuq_belgisi_is_dropped_like_other_punctuation() -> None:
    assert (
        normalize_answer("maʼlumot") == normalize_answer("ma'lumot") == normalize_answer("malumot")
    )


@pytest.mark.parametrize("typed", ["E11.9", "e11,9", "e11.9", " E 11.9 ", "E119", "Е11.9"])
def test_icd10_code_variants_match(typed: str) -> None:
    assert typed_answer_matches(typed, ["E11.9"])


@pytest.mark.parametrize("typed", ["E11", "E11.8", "E10.9", "", "   ", "..."])
def test_wrong_or_empty_codes_do_not_match(typed: str) -> None:
    assert not typed_answer_matches(typed, ["E11.9"])


def test_lookalike_folding_applies_only_to_latin_answers() -> None:
    # "рак" (Cyrillic) must not turn into Latin "pak" and match a Latin answer by accident
    # when the accepted answer is itself Cyrillic.
    assert typed_answer_matches("РАК", ["рак"])
    assert not typed_answer_matches("рак", ["ррр"])
    assert typed_answer_matches("ХКТ-10", ["XKT-10"])  # Cyrillic Х, К, Т typed for XKT


def test_any_accepted_variant_matches() -> None:
    accepted = ["dispanser nazorati", "диспансерное наблюдение", "dispensary observation"]
    assert typed_answer_matches("Dispanser  nazorati!", accepted)
    assert typed_answer_matches("Диспансерное наблюдение", accepted)
    assert not typed_answer_matches("nazorat", accepted)
