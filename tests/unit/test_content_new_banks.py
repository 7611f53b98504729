"""The nursing bank and the births/deaths/disability bank: complete and right on the keys.

Beyond "it loads", these pin the answers that carry the teaching: the nurse
prepares a referral and the doctor signs it, and on a death certificate the
underlying cause is the last line used in Part I.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from quizkiosk.banks.loader import BUNDLED_BANKS_DIR, load_banks
from quizkiosk.banks.model import (
    QUESTION_TYPES,
    AnyQuestion,
    LocalizedText,
    MultiSelect,
    Ordering,
    SingleChoice,
    TrueFalse,
    TypedAnswer,
)
from quizkiosk.engine.normalize import normalize_answer, typed_answer_matches

from tests.unit.bank_content import find_case, find_step, key_option, quality_warnings

NURSING_FILE = BUNDLED_BANKS_DIR / "nursing-it-operator.yaml"
BDD_FILE = BUNDLED_BANKS_DIR / "births-deaths-disability.yaml"
CATALOG = load_banks([NURSING_FILE, BDD_FILE])


def _english(texts: Sequence[LocalizedText]) -> list[str]:
    return [(text.en or "").lower() for text in texts]


def test_both_banks_load_with_no_error_and_no_warning() -> None:
    assert [str(p) for p in CATALOG.problems] == []
    assert set(CATALOG.banks) == {"nursing-it-operator", "births-deaths-disability"}


def test_both_banks_pass_the_quality_check_with_nothing_accepted() -> None:
    # Written to give no answer cues from the start: no warning, and no quality_ok needed.
    # (Duplicates across all bundled banks are covered by `banks check --quality`.)
    files = {"nursing-it-operator": NURSING_FILE, "births-deaths-disability": BDD_FILE}
    assert quality_warnings(CATALOG, files) == []
    assert all(not bank.quality_ok for bank in CATALOG.banks.values())


@pytest.mark.parametrize("bank_id", ["nursing-it-operator", "births-deaths-disability"])
def test_bank_is_a_trilingual_sample_with_an_honest_source(bank_id: str) -> None:
    bank = CATALOG.banks[bank_id]
    assert bank.status == "sample"
    assert bank.languages == ["uz", "ru", "en"]
    assert "review" in bank.source and "DMED version in use" in bank.source


def test_nursing_bank_uses_every_question_type_and_has_enough_questions() -> None:
    bank = CATALOG.banks["nursing-it-operator"]
    assert len(bank.questions) >= 14
    assert {q.type for q in bank.questions} == set(QUESTION_TYPES)


def test_births_deaths_disability_bank_has_enough_questions_of_several_types() -> None:
    bank = CATALOG.banks["births-deaths-disability"]
    assert len(bank.questions) >= 12
    assert {q.type for q in bank.questions} == set(QUESTION_TYPES)


@pytest.mark.parametrize(
    ("bank_id", "case_id", "low", "high"),
    [
        ("nursing-it-operator", "case-morning-nurse-post", 6, 8),
        ("births-deaths-disability", "case-death-certificate-mi", 5, 8),
        ("births-deaths-disability", "case-disability-referral-stroke", 5, 8),
    ],
)
def test_case_has_the_stated_number_of_steps(
    bank_id: str, case_id: str, low: int, high: int
) -> None:
    assert low <= len(find_case(CATALOG, bank_id, case_id).steps) <= high


def test_the_banks_hold_exactly_the_stated_cases() -> None:
    assert [c.id for c in CATALOG.banks["nursing-it-operator"].cases] == ["case-morning-nurse-post"]
    assert [c.id for c in CATALOG.banks["births-deaths-disability"].cases] == [
        "case-death-certificate-mi",
        "case-disability-referral-stroke",
    ]


@pytest.mark.parametrize("bank_id", ["nursing-it-operator", "births-deaths-disability"])
def test_every_scored_item_is_explained_in_all_three_languages(bank_id: str) -> None:
    bank = CATALOG.banks[bank_id]
    items: list[AnyQuestion] = [*bank.questions, *(s for c in bank.cases for s in c.steps)]
    for item in items:
        if item.scored:
            assert item.explanation is not None, item.id
            assert item.explanation.missing(["uz", "ru", "en"]) == [], item.id


@pytest.mark.parametrize("bank_id", ["nursing-it-operator", "births-deaths-disability"])
def test_no_typed_question_repeats_the_icd10_bank_diabetes_or_hypertension_code(
    bank_id: str,
) -> None:
    # E11.9 and I10 are asked as typed questions once each, in icd10-coding only.
    bank = CATALOG.banks[bank_id]
    items: list[AnyQuestion] = [*bank.questions, *(s for c in bank.cases for s in c.steps)]
    for item in items:
        if isinstance(item, TypedAnswer):
            accepted = {normalize_answer(a) for a in item.accepted}
            assert not accepted & {normalize_answer("E11.9"), normalize_answer("I10")}, item.id


# --- the nurse prepares, the doctor signs --------------------------------------------


def test_referral_question_keys_the_nurse_preparing_and_the_doctor_signing() -> None:
    key = key_option(CATALOG.banks["nursing-it-operator"].question("nur-15")).en or ""
    assert "i enter" in key.lower() and "the doctor checks and signs" in key.lower()


def test_case_referral_step_keys_the_doctor_signing_under_their_own_login() -> None:
    step = find_step(CATALOG, "nursing-it-operator", "case-morning-nurse-post", "s7")
    assert isinstance(step, SingleChoice)
    key = (key_option(step).en or "").lower()
    assert "dilfuza prepares it" in key and "signs under his own login" in key
    wrong = [o for i, o in enumerate(_english(step.options)) if i not in step.correct_indexes]
    assert any("e-signature key" in text for text in wrong)


def test_referral_order_has_the_doctor_sign_after_the_nurse_prepares() -> None:
    question = CATALOG.banks["nursing-it-operator"].question("nur-17")
    assert isinstance(question, Ordering)
    steps = _english(question.steps)
    prepares = next(i for i, s in enumerate(steps) if s.startswith("the nurse prepares"))
    signs = next(i for i, s in enumerate(steps) if s.startswith("the doctor signs"))
    assert steps[0].startswith("the doctor decides") and prepares < signs


def test_nurse_may_not_take_an_old_diagnosis_code_or_add_a_diagnosis() -> None:
    old_code = CATALOG.banks["nursing-it-operator"].question("nur-16")
    new_diagnosis = find_step(CATALOG, "nursing-it-operator", "case-morning-nurse-post", "s8")
    assert isinstance(old_code, TrueFalse) and old_code.correct is False
    assert isinstance(new_diagnosis, TrueFalse) and new_diagnosis.correct is False


def test_disability_referral_is_completed_and_signed_by_the_family_doctor() -> None:
    step = find_step(CATALOG, "births-deaths-disability", "case-disability-referral-stroke", "s4")
    assert (key_option(step).en or "").startswith("The family doctor, under their own login")


def test_the_commission_not_the_referring_doctor_decides_on_disability() -> None:
    bank = CATALOG.banks["births-deaths-disability"]
    assert "commission" in (key_option(bank.question("bdd-13")).en or "")
    group_in_referral = find_step(
        CATALOG, "births-deaths-disability", "case-disability-referral-stroke", "s5"
    )
    assert isinstance(group_in_referral, TrueFalse) and group_in_referral.correct is False
    contents = find_step(
        CATALOG, "births-deaths-disability", "case-disability-referral-stroke", "s2"
    )
    assert isinstance(contents, MultiSelect)
    expected_group = next(i for i, o in enumerate(_english(contents.options)) if "group" in o)
    assert expected_group not in contents.correct_indexes


def test_dangerous_blood_pressure_sends_for_the_doctor_now() -> None:
    key = (key_option(CATALOG.banks["nursing-it-operator"].question("nur-07")).en or "").lower()
    assert key.startswith("call the doctor to her now")


# --- the cause-of-death chain: the underlying cause is last in Part I ---------------


def test_underlying_cause_is_written_on_the_lowest_used_line_of_part_i() -> None:
    key = key_option(CATALOG.banks["births-deaths-disability"].question("bdd-07"))
    assert key.en == "On the lowest used line of Part I"
    assert "eng pastki" in key.uz and "нижнюю заполненную строку" in (key.ru or "")


def test_who_example_chain_ends_with_its_underlying_cause() -> None:
    question = CATALOG.banks["births-deaths-disability"].question("bdd-09")
    assert isinstance(question, Ordering)
    assert _english(question.steps) == [
        "bleeding from oesophageal varices",
        "portal hypertension",
        "liver cirrhosis",
        "chronic viral hepatitis b",
    ]


def test_death_case_order_puts_the_underlying_cause_last_in_part_i_then_part_ii() -> None:
    case_id = "case-death-certificate-mi"
    order = find_step(CATALOG, "births-deaths-disability", case_id, "s4")
    assert isinstance(order, Ordering)
    steps = _english(order.steps)
    assert steps[0].startswith("cardiogenic shock")  # line (a): immediate cause
    assert "myocardial infarction" in steps[1]  # line (b): last used line of Part I
    assert "hypertension" in steps[2] and "diabetes" in steps[2]  # Part II

    immediate = key_option(find_step(CATALOG, "births-deaths-disability", case_id, "s1")).en or ""
    underlying = key_option(find_step(CATALOG, "births-deaths-disability", case_id, "s2")).en or ""
    part_ii = key_option(find_step(CATALOG, "births-deaths-disability", case_id, "s3")).en or ""
    assert immediate == "Cardiogenic shock"
    assert "myocardial infarction" in underlying and "line (b)" in underlying
    assert part_ii.startswith("In Part II")


def test_underlying_cause_uses_the_glossary_term_in_uzbek() -> None:
    step = find_step(CATALOG, "births-deaths-disability", "case-death-certificate-mi", "s2")
    assert "oʻlimning boshlangʻich sababi" in step.text.uz
    statistics = CATALOG.banks["births-deaths-disability"].question("bdd-12")
    assert isinstance(statistics, TrueFalse) and statistics.correct is True
    assert "oʻlimning boshlangʻich sababi" in statistics.text.uz


def test_modes_of_dying_are_not_accepted_as_causes() -> None:
    step = find_step(CATALOG, "births-deaths-disability", "case-death-certificate-mi", "s6")
    assert isinstance(step, MultiSelect)
    chosen = {_english(step.options)[i] for i in step.correct_indexes}
    assert chosen == {"cardiac arrest", "respiratory arrest", "asystole"}


@pytest.mark.parametrize(
    ("bank_id", "case_id", "step_id", "answer"),
    [
        ("births-deaths-disability", "case-death-certificate-mi", "s5", "I21.0"),
        ("births-deaths-disability", "case-death-certificate-mi", "s5", "i 21,0"),
        ("nursing-it-operator", "case-morning-nurse-post", "s5", "30"),
    ],
)
def test_typed_case_steps_accept_the_right_answer(
    bank_id: str, case_id: str, step_id: str, answer: str
) -> None:
    step = find_step(CATALOG, bank_id, case_id, step_id)
    assert isinstance(step, TypedAnswer)
    assert typed_answer_matches(answer, step.accepted)


def test_apgar_and_pinfl_typed_questions_accept_the_right_answers() -> None:
    bank = CATALOG.banks["births-deaths-disability"]
    apgar = bank.question("bdd-04")
    assert isinstance(apgar, TypedAnswer)
    assert typed_answer_matches("7", apgar.accepted)
    assert not typed_answer_matches("8", apgar.accepted)
    pinfl = CATALOG.banks["nursing-it-operator"].question("nur-18")
    assert isinstance(pinfl, TypedAnswer)
    for answer in ("JSHSHIR", "pinfl", "ПИНФЛ"):
        assert typed_answer_matches(answer, pinfl.accepted), answer
