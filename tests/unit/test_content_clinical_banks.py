"""The clinical banks (e-card, referrals, dispensary, ICD-10): the reviewed fixes stay fixed.

A reviewer found an unsafe chest-pain path, a missing "look for the cause" step,
a contradiction about risk-factor groups, giveaway stems, repeated typed codes and
DMED specifics stated without a source. These tests pin the answer keys and texts
that carry those fixes, so a later edit cannot quietly bring a defect back.
"""

from __future__ import annotations

import re

import pytest
from quizkiosk.banks.loader import BUNDLED_BANKS_DIR, load_banks
from quizkiosk.banks.model import SingleChoice, TrueFalse, TypedAnswer
from quizkiosk.engine.normalize import normalize_answer, typed_answer_matches

from tests.unit.bank_content import (
    DMED_HEDGE,
    absolute_cues_in_true_false,
    all_languages,
    bank_items,
    bank_texts,
    distractors,
    en,
    find_case,
    find_step,
    glossary_slips,
    key_option,
    quality_accepted,
    quality_warnings,
    right_options,
    step_index,
    unexplained_steps,
)

CLINICAL_BANKS = ("e-medical-card", "referrals-lab", "dispensary-observation", "icd10-coding")
CLINICAL_FILES = {bank_id: BUNDLED_BANKS_DIR / f"{bank_id}.yaml" for bank_id in CLINICAL_BANKS}
CATALOG = load_banks(list(CLINICAL_FILES.values()))
# The typed-code rule spans every bundled bank, so it needs the whole set.
ALL_BANKS = load_banks([BUNDLED_BANKS_DIR])


# --- the banks as a whole -----------------------------------------------------------------


def test_the_four_banks_load_with_no_error_and_no_warning() -> None:
    assert [str(p) for p in CATALOG.problems] == []
    assert set(CATALOG.banks) == set(CLINICAL_BANKS)


def test_the_four_banks_pass_the_quality_check_with_nothing_accepted() -> None:
    # Fixed in the content, not waved through: no warning and no quality_ok anywhere.
    # (Duplicates across every bundled bank are covered by test_bundled_quality.)
    assert quality_warnings(CATALOG, CLINICAL_FILES) == []
    assert quality_accepted(CATALOG) == []


@pytest.mark.parametrize("bank_id", CLINICAL_BANKS)
def test_true_false_statements_carry_no_absolute_cue_words(bank_id: str) -> None:
    assert absolute_cues_in_true_false(CATALOG.banks[bank_id]) == []


@pytest.mark.parametrize("bank_id", CLINICAL_BANKS)
def test_every_case_has_four_to_ten_steps_and_every_step_is_explained(bank_id: str) -> None:
    for case in CATALOG.banks[bank_id].cases:
        assert 4 <= len(case.steps) <= 10, case.id
    assert unexplained_steps(CATALOG.banks[bank_id]) == []


# --- 1. the chest-pain case: urgent same-day referral, I20.0, call 103 --------------------

CHEST = ("e-medical-card", "case-chest-pain-first-visit")


def test_chest_pain_story_is_new_onset_exertional_pain() -> None:
    story = en(find_case(CATALOG, *CHEST).story)
    assert "first time" in story and "stairs" in story and "54" in story


def test_chest_pain_diagnosis_step_codes_new_onset_angina_as_i20_0() -> None:
    step = find_step(CATALOG, *CHEST, "s4")
    for _, text in all_languages(key_option(step)):
        assert "I20.0" in text
    wrong = " ".join(en(option) for option in distractors(step))
    # Stable angina and "just in case" infarction are distractors, not the key.
    assert "i20.8" in wrong and "i21.9" in wrong


def test_chest_pain_referral_key_is_urgent_same_day_and_teaches_103() -> None:
    step = find_step(CATALOG, *CHEST, "s5")
    key = en(key_option(step))
    assert "same-day" in key and "urgent" in key and "103" in key
    assert "routine" not in key
    for language, text in all_languages(key_option(step)):
        assert "103" in text, language
    for language, text in all_languages(step.explanation):
        assert "103" in text and "I20.0" in text, language


def test_chest_pain_routine_referral_is_a_wrong_option() -> None:
    step = find_step(CATALOG, *CHEST, "s5")
    assert any("routine" in en(option) for option in distractors(step))
    # No step of the case may make a routine (planned) referral the right answer.
    for case_step in find_case(CATALOG, *CHEST).steps:
        if isinstance(case_step, SingleChoice):
            assert "routine" not in en(key_option(case_step)), case_step.id


def test_chest_pain_safety_net_step_says_call_103_for_pain_at_rest() -> None:
    key = en(key_option(find_step(CATALOG, *CHEST, "s6")))
    assert "103" in key and "at rest" in key


def test_icd10_bank_agrees_new_onset_angina_is_i20_0_and_r07_while_unclear() -> None:
    icd = CATALOG.banks["icd10-coding"].question("icd-23")
    assert en(key_option(icd)) == "i20.0"
    assert "unstable" in en(icd.explanation) and "r07.4" in en(icd.explanation)
    symptom = CATALOG.banks["e-medical-card"].question("card-07")
    assert isinstance(symptom, TypedAnswer)
    assert typed_answer_matches("R07.4", symptom.accepted)
    assert "i20.0" in en(symptom.explanation)


# --- 2. the anaemia case looks for the cause before haematology; disp-04 ------------------

ANAEMIA = ("referrals-lab", "case-anaemia-referral")


def test_anaemia_case_has_a_cause_step_before_the_haematology_referral() -> None:
    case = find_case(CATALOG, *ANAEMIA)
    cause = find_step(CATALOG, *ANAEMIA, "s6")
    right = " ".join(en(option) for option in right_options(cause))
    for cause_word in ("menstrual", "pregnan", "gut", "coeliac"):
        assert cause_word in right, cause_word
    referral = find_step(CATALOG, *ANAEMIA, "s8")
    assert "haematology" in en(referral.text)
    assert step_index(case, "s6") < step_index(case, "s8")


def test_anaemia_case_excludes_ongoing_blood_loss_before_referring() -> None:
    case = find_case(CATALOG, *ANAEMIA)
    check = find_step(CATALOG, *ANAEMIA, "s7")
    assert "ongoing blood loss" in en(key_option(check))
    assert any("haematology" in en(option) for option in distractors(check))
    assert step_index(case, "s7") < step_index(case, "s8")
    referral_right = " ".join(en(o) for o in right_options(find_step(CATALOG, *ANAEMIA, "s8")))
    assert "excluded" in referral_right


def test_anaemia_cause_found_refines_the_code() -> None:
    question = CATALOG.banks["referrals-lab"].question("ref-11")
    assert en(key_option(question)) == "d50.0"


def test_disp_04_no_longer_contradicts_the_risk_factor_group() -> None:
    disp = CATALOG.banks["dispensary-observation"]
    statement = disp.question("disp-04")
    assert isinstance(statement, TrueFalse) and statement.correct is False
    for field in (statement.text, statement.explanation):
        assert "only on a confirmed" not in en(field)
        assert "based only on" not in en(field)
    for language, text in all_languages(statement.explanation):
        assert "D-II" in text or "Д-II" in text, language
    # disp-02 and disp-09 teach the same thing: people with risk factors are followed in D-II.
    assert "risk factors" in en(key_option(disp.question("disp-02")))
    assert en(key_option(disp.question("disp-09"))) == "d-ii"


# --- 3. cues: one typed E11.9 and one typed I10; giveaway stems gone ----------------------


@pytest.mark.parametrize("code", ["E11.9", "I10"])
def test_typed_e11_9_and_i10_appear_exactly_once_in_the_bundled_set(code: str) -> None:
    wanted = normalize_answer(code)
    where = [
        f"{bank.id}/{label}"
        for bank in ALL_BANKS.banks.values()
        for label, item in bank_items(bank)
        if isinstance(item, TypedAnswer)
        and wanted in {normalize_answer(answer) for answer in item.accepted}
    ]
    assert len(where) == 1, where
    assert where[0].startswith("icd10-coding/")


def test_giveaway_stems_are_rewritten() -> None:
    card_10 = CATALOG.banks["e-medical-card"].question("card-10")
    assert "at once" not in en(card_10.text) and "save time" not in en(card_10.text)
    disp_12 = CATALOG.banks["dispensary-observation"].question("disp-12")
    assert "simply" not in en(disp_12.text)
    assert isinstance(disp_12, TrueFalse) and disp_12.correct is True
    icd_19 = CATALOG.banks["icd10-coding"].question("icd-19")
    assert "every visit" not in en(icd_19.text)
    moved = find_step(CATALOG, "dispensary-observation", "case-hypertension-moved", "s2")
    assert "anyway" not in en(moved.text)
    assert "uses them now" in en(key_option(moved))


def test_no_silly_throwaway_distractors_remain() -> None:
    silly = ("salary", "football", "phone model", "corrects the code automatically")
    for bank in CATALOG.banks.values():
        for label, item in bank_items(bank):
            for option in getattr(item, "options", []):
                assert not any(word in en(option) for word in silly), (bank.id, label)


# --- 4. DMED specifics without a source are worded as principles --------------------------


@pytest.mark.parametrize("question_id", ["card-04", "card-05", "card-11", "card-12"])
def test_unsourced_dmed_details_say_check_your_dmed_version(question_id: str) -> None:
    question = CATALOG.banks["e-medical-card"].question(question_id)
    for language, text in all_languages(question.explanation):
        assert re.search(DMED_HEDGE[language], text), language


def test_no_allergy_section_or_it_merge_is_stated_as_fact() -> None:
    card = CATALOG.banks["e-medical-card"]
    for text in bank_texts(card):
        assert "allergy section" not in en(text) and "allergies section" not in en(text)
    assert "merge" not in en(key_option(card.question("card-11")))


def test_dispensary_cases_quote_no_menu_reason_labels() -> None:
    labels = re.compile(r"[“\"«](moved|recovered|refused observation)[”\"»]", re.IGNORECASE)
    for text in bank_texts(CATALOG.banks["dispensary-observation"]):
        assert not labels.search(text.en or ""), text.en


# --- 5. terminology follows the glossary -------------------------------------------------


@pytest.mark.parametrize("bank_id", CLINICAL_BANKS)
def test_terminology_is_consistent(bank_id: str) -> None:
    assert glossary_slips(CATALOG.banks[bank_id]) == []


def test_card_04_says_in_russian_that_medical_records_are_not_deleted() -> None:
    # "Медицинские записи", not "медицинская документация" or "записи в карте": the term
    # the glossary uses for what may never be deleted, only corrected with a reason.
    question = CATALOG.banks["e-medical-card"].question("card-04")
    assert isinstance(question, TrueFalse) and question.correct is False
    assert question.explanation is not None and question.explanation.ru is not None
    assert "Медицинские записи не удаляются" in question.explanation.ru


def test_small_wording_fixes() -> None:
    story = find_case(CATALOG, "dispensary-observation", "case-hypertension-moved").story
    assert "qizining yoniga" in story.uz
    assert "developed" in en(CATALOG.banks["icd10-coding"].question("icd-02").text)
