"""Loading and checking bank files: every error names its line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from quizkiosk.banks.loader import load_banks, parse_bank_text
from quizkiosk.banks.model import MultiSelect, Ordering, SingleChoice
from quizkiosk.banks.problems import Problem

HEADER = """\
id: test-bank
title: {uz: Sinov, ru: Тест, en: Test}
description: {uz: Tavsif, ru: Описание, en: Description}
source: unit tests
languages: [uz, ru, en]
"""

GOOD_QUESTION = """\
  - id: q1
    type: single
    text: {uz: Savol, ru: Вопрос, en: Question}
    options:
      - {uz: Bir, ru: Один, en: One}
      - {uz: Ikki, ru: Два, en: Two}
    correct: 2
    explanation: {uz: Chunki, ru: Потому что, en: Because}
"""


def check(body: str, media_root: Path | None = None) -> tuple[object, list[Problem]]:
    return parse_bank_text(HEADER + textwrap.dedent(body), "bank.yaml", media_root)


def errors_of(body: str, media_root: Path | None = None) -> list[str]:
    _, problems = check(body, media_root)
    return [str(p) for p in problems if p.severity == "error"]


def test_a_good_bank_loads_into_typed_objects() -> None:
    bank, problems = check("questions:\n" + GOOD_QUESTION)
    assert problems == []
    assert bank is not None
    question = bank.questions[0]  # type: ignore[attr-defined]
    assert isinstance(question, SingleChoice)
    assert question.correct_indexes == {1}
    assert question.options[1].get("ru") == "Два"


def test_plain_string_is_uzbek_and_missing_translation_falls_back_with_a_warning() -> None:
    bank, problems = check(
        """\
        questions:
          - id: q1
            type: truefalse
            text: Faqat oʻzbekcha
            correct: true
            explanation: {uz: Ha, ru: Да, en: Yes}
        """
    )
    assert bank is not None
    assert bank.questions[0].text.get("en") == "Faqat oʻzbekcha"  # type: ignore[attr-defined]
    assert [str(p) for p in problems] == [
        "bank.yaml:9: questions[1].text.ru: warning: no 'ru' translation; Uzbek text will be shown",
        "bank.yaml:9: questions[1].text.en: warning: no 'en' translation; Uzbek text will be shown",
    ]
    assert all(p.severity == "warning" for p in problems)


def test_unknown_type_is_reported_at_its_line() -> None:
    assert errors_of(
        """\
        questions:
          - id: q1
            type: singel
            text: Savol
        """
    ) == [
        "bank.yaml:8: questions[1].type: unknown question type 'singel' "
        "(expected one of: single, multi, truefalse, order, typed, poll)"
    ]


def test_no_correct_option() -> None:
    assert errors_of(
        """\
        questions:
          - id: q1
            type: single
            text: Savol
            options: [Bir, Ikki]
          - id: q2
            type: multi
            text: Savol
            options: [Bir, Ikki]
            correct: []
        """
    ) == [
        "bank.yaml:7: questions[1].correct: no correct option given "
        "(set `correct` to the option number)",
        "bank.yaml:15: questions[2].correct: no correct option given "
        "(list the right option numbers)",
    ]


def test_correct_option_out_of_range() -> None:
    assert errors_of(
        """\
        questions:
          - id: q1
            type: multi
            text: Savol
            options: [Bir, Ikki, Uch]
            correct: [1, 4]
        """
    ) == [
        "bank.yaml:11: questions[1].correct: correct option 4 is out of range "
        "(options are numbered 1 to 3)"
    ]


def test_duplicate_question_ids_and_case_step_ids() -> None:
    errors = errors_of(
        "questions:\n"
        + GOOD_QUESTION
        + GOOD_QUESTION
        + textwrap.dedent(
            """\
            cases:
              - id: c1
                title: T
                story: S
                steps:
                  - {id: s1, type: truefalse, text: A, correct: true, explanation: E}
                  - {id: s1, type: truefalse, text: B, correct: true, explanation: E}
                  - {id: s3, type: truefalse, text: C, correct: true, explanation: E}
                  - {id: s4, type: truefalse, text: D, correct: true, explanation: E}
            """
        )
    )
    assert errors == [
        "bank.yaml:15: questions[2].id: duplicate question id 'q1'",
        "bank.yaml:29: cases[1].steps[2].id: duplicate step id 's1'",
    ]


def test_duplicate_bank_ids_across_files(tmp_path: Path) -> None:
    text = HEADER + "questions:\n" + GOOD_QUESTION
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    catalog = load_banks([tmp_path])
    assert list(catalog.banks) == ["test-bank"]
    assert [str(p) for p in catalog.problems] == [
        f"{tmp_path / 'b.yaml'}:1: id: duplicate bank id 'test-bank' (also in {tmp_path / 'a.yaml'})"
    ]


def test_empty_text() -> None:
    assert errors_of(
        """\
        questions:
          - id: q1
            type: truefalse
            text: {uz: "   ", ru: Вопрос}
            correct: false
        """
    ) == ["bank.yaml:9: questions[1].text.uz: text is empty"]


def test_ordering_needs_three_steps() -> None:
    assert errors_of(
        """\
        questions:
          - id: q1
            type: order
            text: Tartiblang
            steps: [Birinchi, Ikkinchi]
        """
    ) == ["bank.yaml:10: questions[1].steps: needs 3 to 6 steps, has 2"]


def test_option_count_limits() -> None:
    assert errors_of(
        """\
        questions:
          - id: q1
            type: poll
            text: Fikringiz
            options: [a, b, c, d, e, f, g]
        """
    ) == ["bank.yaml:10: questions[1].options: needs 2 to 6 options, has 7"]


def test_missing_image_file(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "here.png").write_bytes(b"\x89PNG")
    errors = errors_of(
        """\
        questions:
          - id: q1
            type: truefalse
            text: Savol
            correct: true
            image: here.png
          - id: q2
            type: truefalse
            text: Savol
            correct: true
            image: forms/missing.png
        """,
        media_root=tmp_path / "media",
    )
    assert errors == [
        "bank.yaml:16: questions[2].image: image file not found: media/forms/missing.png"
    ]


@pytest.mark.parametrize("image", ["../../etc/passwd", "C:/Windows/win.ini", "D:evil.png"])
def test_image_path_must_stay_inside_media(image: str) -> None:
    errors = errors_of(
        f"""\
        questions:
          - id: q1
            type: truefalse
            text: Savol
            correct: true
            image: {image}
        """
    )
    assert errors == [
        "bank.yaml:11: questions[1].image: image must be a relative path inside "
        "question_banks/media/"
    ]


def test_bad_yaml_reports_its_line() -> None:
    errors = errors_of(
        """\
        questions:
          - id: q1
            text: [unclosed
        """
    )
    assert len(errors) == 1
    assert errors[0].startswith("bank.yaml:9: (bank): bad YAML:")


def test_duplicate_key_is_bad_yaml() -> None:
    assert errors_of(
        """\
        questions:
          - id: q1
            type: truefalse
            text: Savol
            text: Boshqa savol
            correct: true
        """
    ) == ["bank.yaml:10: questions[1].text: duplicate key 'text'"]


def test_unknown_field_is_an_error_so_typos_never_pass() -> None:
    assert errors_of(
        """\
        questions:
          - id: q1
            type: truefalse
            text: Savol
            corect: true
        """
    ) == [
        "bank.yaml:7: questions[1].correct: no correct option given "
        "(set `correct: true` or `correct: false`)",
        "bank.yaml:10: questions[1].corect: unknown field 'corect' "
        "(not part of the bank format; check the spelling)",
    ]


def test_poll_cannot_be_a_case_step_and_steps_need_explanations() -> None:
    errors = errors_of(
        """\
        cases:
          - id: c1
            title: T
            story: S
            steps:
              - {id: s1, type: poll, text: A, options: [x, y]}
              - {id: s2, type: truefalse, text: B, correct: true, explanation: E}
              - {id: s3, type: truefalse, text: C, correct: true, explanation: E}
              - {id: s4, type: truefalse, text: D, correct: true, explanation: E}
        """
    )
    assert errors == [
        "bank.yaml:11: cases[1].steps[1].type: a poll cannot be a case step (case steps are scored)"
    ]
    errors = errors_of(
        """\
        cases:
          - id: c1
            title: T
            story: S
            steps:
              - {id: s1, type: truefalse, text: A, correct: true}
              - {id: s2, type: truefalse, text: B, correct: true, explanation: E}
              - {id: s3, type: truefalse, text: C, correct: true, explanation: E}
              - {id: s4, type: truefalse, text: D, correct: true, explanation: E}
        """
    )
    assert errors == ["bank.yaml:11: cases[1].steps[1]: case step has no explanation"]


def test_case_needs_four_to_ten_steps() -> None:
    assert errors_of(
        """\
        cases:
          - id: c1
            title: T
            story: S
            steps:
              - {id: s1, type: truefalse, text: A, correct: true, explanation: E}
        """
    ) == ["bank.yaml:10: cases[1].steps: needs 4 to 10 steps, has 1"]


def test_points_time_and_languages_are_checked() -> None:
    _, problems = parse_bank_text(
        HEADER.replace("languages: [uz, ru, en]", "languages: [ru]")
        + textwrap.dedent(
            """\
        questions:
          - id: q1
            type: truefalse
            text: Savol
            correct: true
            points: 3
            time: 2
        """
        ),
        "bank.yaml",
        None,
    )
    assert [str(p) for p in problems if p.severity == "error"] == [
        "bank.yaml:5: languages: 'uz' must be among the languages (it is the fallback)",
        "bank.yaml:11: questions[1].points: must be one of 0, 1 or 2, not 3",
        "bank.yaml:12: questions[1].time: Input should be greater than or equal to 5",
    ]


def test_yes_and_no_stay_text() -> None:
    bank, problems = check(
        """\
        questions:
          - id: q1
            type: single
            text: {uz: "Rozimisiz?", ru: "Согласны?", en: "Do you agree?"}
            options: [{uz: Ha, ru: Да, en: Yes}, {uz: Yoʻq, ru: Нет, en: No}]
            correct: 1
            explanation: {uz: E, ru: E, en: E}
        """
    )
    assert problems == []
    assert bank is not None
    assert [o.en for o in bank.questions[0].options] == ["Yes", "No"]  # type: ignore[union-attr]


def test_every_problem_in_a_file_is_reported_not_just_the_first() -> None:
    errors = errors_of(
        """\
        questions:
          - id: q1
            type: single
            text: ""
            options: [Bir, Ikki]
            correct: 5
          - id: q2
            type: order
            text: Savol
            steps: [a]
        """
    )
    assert len(errors) == 3


def test_scored_question_without_explanation_is_a_warning() -> None:
    bank, problems = check(
        """\
        questions:
          - id: q1
            type: typed
            text: {uz: Kod, ru: Код, en: Code}
            accepted: [E11.9]
        """
    )
    assert bank is not None
    assert [str(p) for p in problems] == [
        "bank.yaml:7: questions[1]: warning: no explanation to show at the reveal"
    ]


def test_a_bad_bank_does_not_stop_the_others_from_loading(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(HEADER + "questions:\n" + GOOD_QUESTION, "utf-8")
    (tmp_path / "bad.yaml").write_text("id: [\n", "utf-8")
    (tmp_path / "notes.txt").write_text("ignored", "utf-8")
    catalog = load_banks([tmp_path])
    assert list(catalog.banks) == ["test-bank"]
    assert catalog.has_errors
    assert [p.file for p in catalog.problems] == [str(tmp_path / "bad.yaml")]


def test_loading_keeps_the_written_order() -> None:
    bank, _ = check(
        """\
        questions:
          - id: z
            type: order
            text: {uz: T, ru: T, en: T}
            steps: [{uz: a, ru: a, en: a}, {uz: b, ru: b, en: b}, {uz: c, ru: c, en: c}]
            explanation: {uz: E, ru: E, en: E}
          - id: a
            type: multi
            text: {uz: T, ru: T, en: T}
            options: [{uz: a, ru: a, en: a}, {uz: b, ru: b, en: b}]
            correct: [2, 1]
            explanation: {uz: E, ru: E, en: E}
        """
    )
    assert bank is not None
    first, second = bank.questions  # type: ignore[attr-defined]
    assert isinstance(first, Ordering) and [s.uz for s in first.steps] == ["a", "b", "c"]
    assert isinstance(second, MultiSelect) and second.correct == [2, 1]


@pytest.mark.parametrize("top", ["[]", "just text", "42"])
def test_a_file_that_is_not_a_mapping(top: str) -> None:
    _, problems = parse_bank_text(top, "bank.yaml", None)
    assert [str(p) for p in problems] == [
        "bank.yaml:1: (bank): a bank file must be a YAML mapping (id:, title:, questions:, ...)"
    ]
