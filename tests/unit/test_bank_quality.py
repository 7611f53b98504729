"""The bank-quality check: each warning on a small bank, `quality_ok`, the CLI and the page texts."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from quizkiosk.banks.loader import parse_bank_text
from quizkiosk.banks.model import Bank
from quizkiosk.banks.quality import (
    ABSOLUTE_WORD,
    KEY_POSITION,
    LONGEST_CORRECT,
    MESSAGES,
    MSG_LONGEST_MULTI,
    MSG_LONGEST_RARE,
    MSG_LONGEST_RATE,
    MSG_MULTI_LONGER,
    MSG_MULTI_SHORTER,
    MSG_THROWAWAY,
    NEAR_DUPLICATE,
    THROWAWAY_DISTRACTOR,
    BankSource,
    PluralMsgid,
    QualityWarning,
    check_quality,
    key_position_limit,
    longer_right_band,
    longest_correct_band,
    open_warnings,
    quality_of_bank,
)
from quizkiosk.banks.yaml_writer import dump_bank_yaml
from quizkiosk.web.i18n import LANGUAGES, load_catalogs, load_translations

# ---- small banks written inline -------------------------------------------------------------

# Options of equal length and unrelated stems, so that only the check under test can fire.
LETTERS = ("Alpha", "Bravo", "Delta", "Kilos", "Oscar", "Romeo")
STEMS = (
    "Which code fits a chronic cough",
    "Where is a lab referral saved",
    "Who signs the sick-leave certificate",
    "When does follow-up start after a stroke",
    "What does the patient app show first",
    "How long is an e-prescription valid",
    "Which field holds the blood pressure",
    "Why merge two cards of one patient",
    "Which group fits a smoker with obesity",
    "What is checked before closing a course",
    "Which document opens the birth record",
    "How are vaccinations entered today",
)
_stems = itertools.cycle(STEMS)


def stem(qid: str) -> dict[str, str]:
    return text(f"{next(_stems)} ({qid})?")


def text(en: str) -> dict[str, str]:
    return {"uz": f"{en} (uz)", "en": en}


def single(qid: str, correct: int, options: int = 4, **extra: Any) -> dict[str, Any]:
    return {
        "id": qid,
        "type": "single",
        "text": stem(qid),
        "options": [text(f"{LETTERS[n]} {qid}") for n in range(options)],
        "correct": correct,
        "explanation": text("Because."),
        **extra,
    }


def multi(qid: str, correct: list[int], options: list[str] | None = None) -> dict[str, Any]:
    shown = options or [f"{LETTERS[n]} {qid}" for n in range(4)]
    return {
        "id": qid,
        "type": "multi",
        "text": stem(qid),
        "options": [text(o) for o in shown],
        "correct": correct,
        "explanation": text("Because."),
    }


def truefalse(qid: str, en: str, ru: str = "Утверждение", uz: str = "Tasdiq") -> dict[str, Any]:
    return {
        "id": qid,
        "type": "truefalse",
        "text": {"uz": uz, "ru": ru, "en": en},
        "correct": False,
        "explanation": text("Because."),
    }


def typed(qid: str, accepted: list[str]) -> dict[str, Any]:
    return {
        "id": qid,
        "type": "typed",
        "text": stem(qid),
        "accepted": accepted,
        "explanation": text("Because."),
    }


def bank(bank_id: str, questions: list[dict[str, Any]], **extra: Any) -> Bank:
    return Bank.model_validate(
        {
            "id": bank_id,
            "title": text("Test"),
            "description": text("Test bank"),
            "source": "unit tests",
            "languages": ["uz", "ru", "en"],
            "questions": questions,
            **extra,
        }
    )


def warnings(*banks: Bank, code: str | None = None) -> list[QualityWarning]:
    found = open_warnings(check_quality([BankSource(b, f"{b.id}.yaml") for b in banks]))
    return [w for w in found if code is None or w.code == code]


# ---- key-position ---------------------------------------------------------------------------


def test_key_position_limit_follows_the_documented_formula() -> None:
    assert key_position_limit(6, 4) == 3  # ceil(1.5 * 6 / 4)
    assert key_position_limit(6, 6) == 2  # never below 2
    assert key_position_limit(20, 4) == 8


def test_key_position_warns_when_one_position_holds_too_many_keys() -> None:
    crowded = bank("b", [single(f"q{n}", 1 if n < 5 else 2) for n in range(6)])
    [warning] = warnings(crowded, code=KEY_POSITION)
    assert warning.path == ()
    assert warning.params["position"] == 1 and warning.params["count"] == 5
    assert warning.params["limit"] == 3 and warning.params["spread"] == "1: 5, 2: 1, 3: 0, 4: 0"
    balanced = bank("b", [single(f"q{n}", n % 4 + 1) for n in range(6)])
    assert warnings(balanced, code=KEY_POSITION) == []


def test_key_position_counts_case_steps_with_the_questions() -> None:
    steps = [single(f"s{n}", 2) for n in range(4)]
    case = {"id": "c", "title": text("Case"), "story": text("Story"), "steps": steps}
    mixed = bank("b", [single("q1", 2), single("q2", 2)], cases=[case])
    [warning] = warnings(mixed, code=KEY_POSITION)
    assert warning.params["count"] == 6


def test_key_position_is_not_judged_on_too_few_questions() -> None:
    few = bank("b", [single(f"q{n}", 1) for n in range(5)])
    assert warnings(few, code=KEY_POSITION) == []


def test_key_position_warns_when_a_position_is_never_the_key() -> None:
    keys = [1, 1, 2, 2, 3, 3, 1, 2]  # 8 questions, 4 options: at most 3 each, none at 4
    never = bank("b", [single(f"q{n}", key) for n, key in enumerate(keys)])
    [warning] = warnings(never, code=KEY_POSITION)
    assert warning.params["positions"] == "4"
    seven = bank("b", [single(f"q{n}", key) for n, key in enumerate(keys[:7])])
    assert warnings(seven, code=KEY_POSITION) == []  # 7 < 2 * 4: too few to expect every position


def test_key_position_warns_about_a_multi_select_position_right_too_often_or_never() -> None:
    last_always = bank("b", [multi(f"m{n}", [n % 3 + 1, 4]) for n in range(4)])
    found = warnings(last_always, code=KEY_POSITION)
    assert [(w.params["position"], w.params.get("count")) for w in found] == [(4, 4)]
    first_never = bank("b", [multi(f"m{n}", [n % 3 + 2]) for n in range(4)])
    found = warnings(first_never, code=KEY_POSITION)
    assert [w.params["position"] for w in found] == [1]
    spread = bank("b", [multi(f"m{n}", [n % 4 + 1, (n + 1) % 4 + 1]) for n in range(4)])
    assert warnings(spread, code=KEY_POSITION) == []


# ---- longest-correct ------------------------------------------------------------------------


def long_key(qid: str, correct: int) -> dict[str, Any]:
    question = single(qid, correct, options=3)
    question["options"][correct - 1] = text(f"A much longer right answer for {qid}")
    return question


def long_distractor(qid: str, correct: int) -> dict[str, Any]:
    question = single(qid, correct, options=3)
    question["options"][correct % 3] = text(f"A much longer wrong answer for {qid}")
    return question


def test_longest_correct_band_is_chance_plus_or_minus_1_645_standard_deviations() -> None:
    # 6 questions of 3 options: mean 2, sd 1.155, so 2 ± 1.9 -> 1 to 3.
    assert longest_correct_band([1 / 3] * 6) == (1, 3)
    # 10 of 4 options: mean 2.5, sd 1.37 -> 1 to 4; 6 of 4 options: 0 to 3.
    assert longest_correct_band([1 / 4] * 10) == (1, 4)
    assert longest_correct_band([1 / 4] * 6) == (0, 3)
    # Questions whose options share the longest length cannot have the key the longest.
    assert longest_correct_band([0.0] * 6) == (0, 0)


def test_longest_correct_warns_when_the_key_is_too_often_the_longest_option() -> None:
    four_of_six = [long_key(f"q{n}", n % 3 + 1) for n in range(4)]
    four_of_six += [long_distractor(f"q{n}", n % 3 + 1) for n in range(4, 6)]
    found = warnings(bank("b", four_of_six), code=LONGEST_CORRECT)
    # Measured per language: the fixture's options have Uzbek and English.
    assert [w.params["language"] for w in found] == ["uz", "en"]
    for warning in found:
        assert warning.template == MSG_LONGEST_RATE and warning.path == ()
        assert (warning.params["count"], warning.params["total"]) == (4, 6)
        assert warning.params["limit"] == 3
    three_of_six = [*four_of_six[1:], long_distractor("q0", 1)]
    assert warnings(bank("b", three_of_six), code=LONGEST_CORRECT) == []


def test_longest_correct_warns_when_the_key_is_almost_never_the_longest_option() -> None:
    never = [long_distractor(f"q{n}", n % 3 + 1) for n in range(6)]
    found = warnings(bank("b", never), code=LONGEST_CORRECT)
    assert [(w.template, w.params["count"], w.params["limit"]) for w in found] == [
        (MSG_LONGEST_RARE, 0, 1)
    ] * 2
    once = [long_key("q0", 1), *never[1:]]
    assert warnings(bank("b", once), code=LONGEST_CORRECT) == []
    # Options of equal length give no cue either way.
    ties = [single(f"q{n}", n % 3 + 1, options=3) for n in range(6)]
    assert warnings(bank("b", ties), code=LONGEST_CORRECT) == []


def test_longest_correct_is_counted_in_each_language_the_players_read() -> None:
    questions = [long_key(f"q{n}", n % 3 + 1) for n in range(6)]
    for question in questions:
        # Russian as long as Uzbek (the key the longest); in English a wrong option is.
        key = question["correct"] - 1
        for n, option in enumerate(question["options"]):
            option["ru"] = option["uz"]
            option["en"] = "Medium one" if n == key else "Short"
        question["options"][(key + 1) % 3]["en"] = "A wrong answer, the longest"
    found = warnings(bank("b", questions), code=LONGEST_CORRECT)
    assert [(w.params["language"], w.template) for w in found] == [
        ("uz", MSG_LONGEST_RATE),
        ("ru", MSG_LONGEST_RATE),
        ("en", MSG_LONGEST_RARE),
    ]
    assert "ru: the right answer is the longest option in 6 of 6" in found[1].message


def test_longest_correct_ignores_two_option_questions() -> None:
    two_options = []
    for n in range(6):
        question = single(f"q{n}", n % 2 + 1, options=2)
        question["options"][n % 2] = text("A much longer right answer")
        two_options.append(question)
    assert warnings(bank("b", two_options), code=LONGEST_CORRECT) == []


def test_longest_correct_warns_about_a_multi_select_whose_right_options_are_all_longer() -> None:
    options = ["Referral for a blood test", "Chest X-ray request", "Salary", "Phone"]
    [warning] = warnings(bank("b", [multi("m1", [1, 2], options)]), code=LONGEST_CORRECT)
    assert warning.path == ("questions", 0)
    assert (warning.template, warning.params) == (MSG_LONGEST_MULTI, {"languages": "uz, en"})
    options[2] = "Stamped paper form to the lab"
    assert warnings(bank("b", [multi("m1", [1, 2], options)]), code=LONGEST_CORRECT) == []


def test_a_multi_select_cue_in_one_language_only_is_named_with_it() -> None:
    question = multi("m1", [1, 2], ["Blood test", "X-ray", "Salary form", "Phone model"])
    question["options"][0]["ru"] = "Общий анализ крови"
    question["options"][1]["ru"] = "Рентгенограмма"
    question["options"][2]["ru"] = "Зарплата"
    question["options"][3]["ru"] = "Телефон"
    [warning] = warnings(bank("b", [question]), code=LONGEST_CORRECT)
    assert warning.params == {"languages": "ru"}


def test_longer_right_band_uses_the_mann_whitney_variance() -> None:
    # 4 questions of 2 right and 2 wrong: 16 pairs, mean 8, variance 4 * 4 * 5 / 12.
    assert longer_right_band([(2, 2, 4)] * 4) == (4, 12)
    # Tied pairs are left out of the mean and the variance.
    assert longer_right_band([(2, 2, 2)] * 4) == (1, 7)


def four_multis(right: str, wrong: str) -> list[dict[str, Any]]:
    """Four multi-selects, options 1 and 3 right, with the given right and wrong texts
    (the wrong texts vary a little, so that pairs are not tied)."""
    return [
        multi(f"m{n}", [1, 3], [f"{right}", f"{wrong}", f"{right}{n}", f"{wrong}{n}"])
        for n in range(4)
    ]


def test_multi_select_right_options_systematically_shorter_or_longer_are_a_cue() -> None:
    shorter = warnings(bank("b", four_multis("Ab", "Abcdefgh")), code=LONGEST_CORRECT)
    assert [(w.template, w.params["language"]) for w in shorter] == [
        (MSG_MULTI_SHORTER, "uz"),
        (MSG_MULTI_SHORTER, "en"),
    ]
    assert (shorter[1].params["count"], shorter[1].params["total"]) == (0, 16)
    assert shorter[1].params["limit"] == 4
    longer = warnings(bank("b", four_multis("Abcdefgh", "Ab")), code=LONGEST_CORRECT)
    assert [w.template for w in longer if w.path == ()] == [MSG_MULTI_LONGER] * 2
    mixed = [multi(f"m{n}", [1, 3], ["Ab", "Abcdef", "Abcdefgh", "Abcd"]) for n in range(4)]
    assert warnings(bank("b", mixed), code=LONGEST_CORRECT) == []


# ---- absolute-word --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("en", "ru", "uz", "found"),
    [
        ("The record is NEVER changed.", "Запись меняют.", "Yozuv oʻzgaradi.", "“NEVER” (en)"),
        ("The record is changed.", "Запись всегда меняют.", "Yozuv oʻzgaradi.", "“всегда” (ru)"),
        (
            "The record is changed.",
            "Запись меняют.",
            "Yozuv har doim oʻzgaradi.",
            "“har doim” (uz)",
        ),
        ("Do it at  once.", "Запись меняют.", "Yozuv oʻzgaradi.", "“at  once” (en)"),
        ("The record is changed.", "Запись всё равно меняют.", "Yozuv.", "“всё равно” (ru)"),
        ("The record is changed.", "Запись меняют сразу.", "Yozuv.", "“сразу” (ru)"),
        ("The record is changed.", "Запись меняют.", "Yozuv hamisha oʻzgaradi.", "“hamisha” (uz)"),
        ("The record is changed.", "Запись меняют.", "Yozuv doimo oʻzgaradi.", "“doimo” (uz)"),
    ],
    ids=["en", "ru", "uz", "phrase", "vsyo-ravno", "srazu", "hamisha", "doimo"],
)
def test_absolute_word_in_any_language_of_a_true_false_statement(
    en: str, ru: str, uz: str, found: str
) -> None:
    [warning] = warnings(bank("b", [truefalse("t1", en, ru, uz)]), code=ABSOLUTE_WORD)
    assert warning.params["words"] == found
    assert warning.path[:3] == ("questions", 0, "text")


def test_absolute_word_matches_whole_words_in_true_false_statements_only() -> None:
    quiet = bank(
        "b",
        [
            truefalse("t1", "Nevertheless the nurse checks the card.", "Упрощённо."),
            single("s1", 1, text=text("Which entry is always required")),
        ],
    )
    assert warnings(quiet, code=ABSOLUTE_WORD) == []


# ---- near-duplicate -------------------------------------------------------------------------


def test_near_duplicate_texts_across_banks_are_reported_on_both() -> None:
    first = bank("one", [truefalse("t1", "A referral needs the doctor's signature.")])
    second = bank("two", [truefalse("t9", "a referral needs the doctors signature")])
    found = warnings(first, second, code=NEAR_DUPLICATE)
    assert sorted((w.bank_id, w.params["other"]) for w in found) == [
        ("one", "two/t9"),
        ("two", "one/t1"),
    ]
    other = bank("two", [truefalse("t9", "Lab results reach the e-card the next day.")])
    assert warnings(first, other, code=NEAR_DUPLICATE) == []


def test_near_duplicate_typed_questions_accepting_the_same_answers() -> None:
    first = bank("one", [typed("c1", ["E11.9"])])
    second = bank("two", [typed("c2", ["e11,9"])])
    found = warnings(first, second, code=NEAR_DUPLICATE)
    assert {(w.subject, w.path[-1]) for w in found} == {("c1", "accepted"), ("c2", "accepted")}
    third = bank("two", [typed("c2", ["E11.65"])])
    assert [w.path[-1] for w in warnings(first, third, code=NEAR_DUPLICATE)] == []


# ---- throwaway-distractor -------------------------------------------------------------------


def with_option(qid: str, wrong: str, correct: int = 1) -> dict[str, Any]:
    question = single(qid, correct)
    question["options"][1] = text(wrong)
    return question


def test_throwaway_distractor_used_in_three_questions_across_banks() -> None:
    first = bank("one", [with_option("q1", "Salary."), with_option("q2", "salary")])
    second = bank("two", [with_option("q3", "SALARY")])
    found = warnings(first, second, code=THROWAWAY_DISTRACTOR)
    assert len(found) == 3
    assert all(w.params["count"] == 3 and w.path[-2:] == ("options", 1) for w in found)
    only_two = bank("two", [with_option("q3", "Overtime pay")])
    assert warnings(first, only_two, code=THROWAWAY_DISTRACTOR) == []


def test_a_right_option_is_no_distractor() -> None:
    first = bank("one", [with_option("q1", "I10"), with_option("q2", "I10")])
    second = bank("two", [with_option("q3", "I10", correct=2)])
    assert warnings(first, second, code=THROWAWAY_DISTRACTOR) == []


# ---- quality_ok -----------------------------------------------------------------------------

REASON = "‘never’ is the point of this item (reviewed)"


def test_quality_ok_on_a_question_accepts_its_warning() -> None:
    statement = truefalse("t1", "Backdating is never allowed.")
    accepted = bank("b", [{**statement, "quality_ok": {ABSOLUTE_WORD: REASON}}])
    assert warnings(accepted) == []
    [warning] = check_quality([BankSource(accepted)])
    assert (warning.code, warning.accepted) == (ABSOLUTE_WORD, REASON)
    other_code = bank("b", [{**statement, "quality_ok": {NEAR_DUPLICATE: REASON}}])
    assert [w.code for w in warnings(other_code)] == [ABSOLUTE_WORD]


def test_quality_ok_on_the_bank_accepts_bank_wide_counts_only() -> None:
    questions = [single(f"q{n}", 1) for n in range(6)] + [truefalse("t1", "Never.")]
    accepted = bank("b", questions, quality_ok={KEY_POSITION: "reviewed"})
    assert [w.code for w in warnings(accepted)] == [ABSOLUTE_WORD]


def test_quality_ok_on_the_bank_accepts_every_use_of_a_repeated_distractor() -> None:
    questions = [with_option(f"q{n}", "None of these") for n in range(3)]
    accepted = bank("b", questions, quality_ok={THROWAWAY_DISTRACTOR: "reviewed"})
    assert warnings(accepted, code=THROWAWAY_DISTRACTOR) == []
    assert len(warnings(bank("b", questions), code=THROWAWAY_DISTRACTOR)) == 3


HEADER = """\
id: qb
title: {uz: Sinov, en: Test}
description: {uz: Tavsif, en: Description}
source: unit tests
languages: [uz, en]
"""


def parsed(body: str) -> tuple[Bank | None, list[str]]:
    loaded, problems = parse_bank_text(HEADER + body, "qb.yaml", None)
    return loaded, [str(p) for p in problems if p.severity == "error"]


QUESTION = """\
questions:
  - id: t1
    type: truefalse
    text: {uz: Hech qachon, en: Never}
    correct: false
    explanation: {uz: Chunki, en: Because}
"""


@pytest.mark.parametrize(
    ("quality_ok", "where", "message"),
    [
        (
            "    quality_ok: {absolute-words: ok}\n",
            "questions[1].quality_ok",
            "unknown quality code",
        ),
        ("    quality_ok: {key-position: ok}\n", "questions[1].quality_ok", "not checked on a"),
        ("    quality_ok: {absolute-word: ' '}\n", "questions[1].quality_ok", "needs the reason"),
    ],
)
def test_a_bad_quality_ok_on_a_question_is_a_located_error(
    quality_ok: str, where: str, message: str
) -> None:
    loaded, errors = parsed(QUESTION + quality_ok)
    assert loaded is None
    [error] = errors
    assert error.startswith(f"qb.yaml:12: {where}: ") and message in error


def test_a_question_code_on_the_bank_is_a_located_error() -> None:
    loaded, errors = parsed("quality_ok:\n  absolute-word: ok\n" + QUESTION)
    assert loaded is None
    assert errors == [
        "qb.yaml:6: quality_ok: 'absolute-word' is not checked on the bank; "
        "accept it in the quality_ok of the question or step"
    ]


def test_quality_ok_survives_writing_the_bank_back_to_yaml() -> None:
    loaded, errors = parsed(
        "quality_ok: {key-position: reviewed}\n"
        + QUESTION
        + "    quality_ok: {absolute-word: ok}\n"
    )
    assert loaded is not None, errors
    text_out = dump_bank_yaml(loaded)
    assert text_out.index("quality_ok:") < text_out.index("questions:")
    again, _ = parse_bank_text(text_out, "again.yaml", None)
    assert again == loaded


# ---- located output -------------------------------------------------------------------------


def test_warnings_are_located_by_file_line_and_field_path() -> None:
    source_text = HEADER + QUESTION
    loaded, _ = parse_bank_text(source_text, "qb.yaml", None)
    assert loaded is not None
    [warning] = check_quality([BankSource.from_text(loaded, "qb.yaml", source_text)])
    assert str(warning) == (
        "qb.yaml:9: questions[1].text.en: [absolute-word] The true-or-false statement contains "
        "a cue word that gives the answer away: “Never” (en), “Hech qachon” (uz)."
    )


def test_the_console_gets_one_banks_warnings_checked_against_all_banks() -> None:
    first = bank("one", [with_option("q1", "Salary"), with_option("q2", "Salary")])
    second = bank("two", [with_option("q3", "Salary"), truefalse("t1", "Never.")])
    result = quality_of_bank([first, second], "one")
    assert [(w.bank_id, w.code) for w in result.open] == [("one", THROWAWAY_DISTRACTOR)] * 2
    assert result.accepted == []
    assert {w.code for w in quality_of_bank([first, second], "two").open} == {
        THROWAWAY_DISTRACTOR,
        ABSOLUTE_WORD,
    }


# ---- the command line -----------------------------------------------------------------------


def quizkiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizkiosk.cli", *args], capture_output=True, text=True, check=False
    )


def test_check_quality_prints_warnings_and_still_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "qb.yaml"
    path.write_text(HEADER + QUESTION, encoding="utf-8")
    plain = quizkiosk("banks", "check", str(path))
    assert plain.returncode == 0 and "[absolute-word]" not in plain.stdout
    result = quizkiosk("banks", "check", "--quality", str(path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:9: questions[1].text.en: [absolute-word] ")
    assert lines[1] == "quality warnings by code: absolute-word 1"
    assert lines[-1] == "1 files checked: 0 errors, 0 warnings, 1 quality warnings"


def test_check_quality_counts_accepted_warnings_and_fails_only_on_errors(tmp_path: Path) -> None:
    accepted = tmp_path / "accepted.yaml"
    accepted.write_text(
        HEADER + QUESTION + "    quality_ok: {absolute-word: reviewed}\n", encoding="utf-8"
    )
    result = quizkiosk("banks", "check", "--quality", str(accepted))
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "1 files checked: 0 errors, 0 warnings, 0 quality warnings (1 accepted with quality_ok)"
    ]
    broken = tmp_path / "broken.yaml"
    broken.write_text(HEADER + QUESTION.replace("correct: false", "correct: maybe"), "utf-8")
    assert quizkiosk("banks", "check", "--quality", str(broken)).returncode == 1


# ---- the messages are translated ------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize("message", MESSAGES)
def test_every_warning_message_is_translated_with_the_same_placeholders(
    message: str | PluralMsgid,
) -> None:
    translations = load_translations()
    catalogs = load_catalogs()
    msgid = message.singular if isinstance(message, PluralMsgid) else message
    for language in LANGUAGES:
        if isinstance(message, PluralMsgid):
            forms = [
                translations[language].ngettext(message.singular, message.plural, n)
                for n in (1, 3, 5)
            ]
        else:
            forms = [catalogs[language].get(message, "")]
        for translated in forms:
            assert translated, f"{language}: no translation of {msgid!r}"
            assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(msgid))


def test_the_repeated_distractor_message_has_plural_forms() -> None:
    first = bank("one", [with_option(f"q{n}", "Salary") for n in range(21)])
    warning = warnings(first, code=THROWAWAY_DISTRACTOR)[0]
    assert (warning.template, warning.plural) == (MSG_THROWAWAY.singular, MSG_THROWAWAY.plural)
    assert "is a distractor in 21 questions" in warning.message
    russian = load_translations()["ru"]
    forms = {
        n: russian.ngettext(MSG_THROWAWAY.singular, MSG_THROWAWAY.plural, n) for n in (3, 5, 21)
    }
    assert "%(count)s вопросах" in forms[3] and "%(count)s вопросах" in forms[5]
    assert "%(count)s вопросе " in forms[21]
