"""Spreadsheet import and export of question banks, written as their specification.

Trainers fill in our template or bring a Kahoot! quiz spreadsheet; every bad
row is reported by workbook, sheet, Excel row and column, and a workbook we
export imports back to the very same bank.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from quizkiosk.banks.loader import BUNDLED_BANKS_DIR, load_banks
from quizkiosk.banks.model import Bank, MultiSelect, SingleChoice
from quizkiosk.banks.problems import Problem
from quizkiosk.banks.xlsx import (
    BANK_KEYS,
    CASE_STEP_COLUMNS,
    QUESTION_COLUMNS,
    ImportResult,
    export_bank,
    import_workbook,
    join_escaped,
    sanitised_id,
    split_escaped,
    write_template,
)

# --- Kahoot! quiz spreadsheets ----------------------------------------------

QUESTION = "Question - max 120 characters"
ANSWERS = [f"Answer {n} - max 75 characters" for n in range(1, 5)]
TIME = "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs"
CORRECT = "Correct answer(s) - choose at least one"
KAHOOT_INSTRUCTIONS = [
    None,
    "Quiz template",
    "Add questions, at least two answer alternatives, time limit and choose correct answers "
    "(at least one). Have fun creating your awesome quiz!",
    "Remember: questions have a limit of 120 characters and answers can have 75 characters "
    "max. If several answers are correct, separate them with a comma.",
    "See an example question below (don't forget to overwrite this with your first question!)",
    "And remember, if you're not using Excel you need to export to .xlsx format",
    None,
]
KAHOOT_HEADER_ROW = len(KAHOOT_INSTRUCTIONS) + 1  # row 8, as in Kahoot's own file


def write_kahoot(path: Path, rows: Sequence[Sequence[object]], sheet: str = "Kahoot") -> None:
    """Kahoot's layout: instructions in column B, header on row 8, numbers in column A."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row, text in enumerate(KAHOOT_INSTRUCTIONS, start=1):
        worksheet.cell(row=row, column=2, value=text)
    for column, header in enumerate([QUESTION, *ANSWERS, TIME, CORRECT], start=2):
        worksheet.cell(row=KAHOOT_HEADER_ROW, column=column, value=header)
    # Kahoot numbers 100 rows in column A whether they are used or not.
    for number in range(1, len(rows) + 4):
        worksheet.cell(row=KAHOOT_HEADER_ROW + number, column=1, value=number)
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=2):
            worksheet.cell(row=KAHOOT_HEADER_ROW + offset, column=column, value=value)
    workbook.save(path)


def errors_of(result: ImportResult) -> list[Problem]:
    return [p for p in result.problems if p.severity == "error"]


def test_kahoot_rows_become_single_and_multi_questions_with_their_times(tmp_path: Path) -> None:
    path = tmp_path / "Dispanser quiz.xlsx"
    write_kahoot(
        path,
        [
            ["Kim dispanser hisobini yuritadi?", "Qabul", "Shifokor", "Statistika", "Kassa", 30, 2],
            ["Qaysilari laboratoriya tahlili?", "Qon", "Siydik", "Retsept", None, 60, "1,2"],
            ["Yoʻllanma imzolanadimi?", "Ha", "Yoʻq", None, None, 20, 1],
            ["Tahlil natijasi qayerda?", "Kartada", "Arxivda", "Telefonda", None, None, "3, 1"],
        ],
    )

    result = import_workbook(path)

    assert errors_of(result) == []
    bank = result.bank
    assert bank is not None
    assert result.source_format == "kahoot"
    assert (bank.id, bank.title.uz) == ("Dispanser-quiz", "Dispanser quiz")
    assert (bank.status, bank.languages) == ("draft", ["uz"])
    assert bank.source == "Imported from Dispanser quiz.xlsx"
    first, second, third, fourth = bank.questions
    assert [q.id for q in bank.questions] == ["q1", "q2", "q3", "q4"]
    assert isinstance(first, SingleChoice) and isinstance(third, SingleChoice)
    assert isinstance(second, MultiSelect) and isinstance(fourth, MultiSelect)
    assert first.correct == 2 and first.time == 30
    assert [o.uz for o in first.options] == ["Qabul", "Shifokor", "Statistika", "Kassa"]
    assert first.text.uz == "Kim dispanser hisobini yuritadi?" and first.text.ru is None
    assert second.correct == [1, 2] and second.time == 60
    assert [o.uz for o in second.options] == ["Qon", "Siydik", "Retsept"]
    assert len(third.options) == 2 and third.time == 20
    assert fourth.correct == [3, 1]
    assert fourth.time is None  # an empty time limit means the bank's default_time


def test_kahoot_without_explanations_imports_with_warnings_only(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xlsx"
    write_kahoot(path, [["Savol?", "A", "B", None, None, 20, 1]])
    result = import_workbook(path)
    assert result.bank is not None
    assert [str(p) for p in result.problems] == [
        f"quiz.xlsx[Kahoot]:{KAHOOT_HEADER_ROW + 1}: questions[1]: "
        "warning: no explanation to show at the reveal"
    ]


def test_kahoot_header_is_found_by_its_text_wherever_it_is(tmp_path: Path) -> None:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = "Sheet1"
    worksheet.append(["some notes"])
    worksheet.append(["QUESTION", "answer 1", "Answer 2", "TIME LIMIT", "correct answer(s)"])
    worksheet.append(["2+2?", "3", 4, 5, 2.0])  # numbers as Excel stores them
    path = tmp_path / "moved.xlsx"
    workbook.save(path)

    result = import_workbook(path)

    assert result.bank is not None
    question = result.bank.questions[0]
    assert isinstance(question, SingleChoice)
    assert [o.uz for o in question.options] == ["3", "4"]
    assert question.correct == 2 and question.time == 5


def test_kahoot_empty_middle_answers_are_skipped_and_correct_numbers_follow(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gaps.xlsx"
    write_kahoot(path, [["Savol?", "A", None, "C", "D", 20, "4"]])
    result = import_workbook(path)
    assert result.bank is not None
    question = result.bank.questions[0]
    assert isinstance(question, SingleChoice)
    assert [o.uz for o in question.options] == ["A", "C", "D"]
    assert question.correct == 3  # Kahoot's answer 4 is our third option


def test_every_bad_kahoot_row_is_reported_by_sheet_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xlsx"
    write_kahoot(
        path,
        [
            ["Yaxshi savol?", "A", "B", None, None, 20, 1],  # row 9 is fine
            ["Beshinchi?", "A", "B", "C", None, 20, 5],  # row 10
            ["Vaqt?", "A", "B", None, None, "abc", 1],  # row 11
            [None, "A", "B", None, None, 20, 1],  # row 12
            ["Uzoq?", "A", "B", None, None, 1000, 1],  # row 13
            ["Javobsiz?", "A", "B", None, None, 20, None],  # row 14
            ["Bitta javob?", "A", None, None, None, 20, 1],  # row 15
            ["Toʻrtinchi?", "A", "B", None, "D", 20, 3],  # row 16
            ["Harf?", "A", "B", None, None, 20, "B"],  # row 17
        ],
    )

    result = import_workbook(path)

    assert result.bank is None
    found = [(p.file, p.line, p.path, p.message) for p in errors_of(result)]
    sheet = "quiz.xlsx[Kahoot]"
    assert found == [
        (sheet, 10, (CORRECT,), "correct answer 5, but the question has only 3 answers"),
        (sheet, 11, (TIME,), "time limit (seconds) must be a whole number, not 'abc'"),
        (sheet, 12, (QUESTION,), "question text is empty"),
        (sheet, 13, (TIME,), "time limit 1000 s is outside 5–600 seconds"),
        (sheet, 14, (CORRECT,), "no correct answer given (write its number, e.g. 2, or 1,3)"),
        (sheet, 15, (ANSWERS[1],), "a question needs at least 2 answers, this row has 1"),
        (sheet, 16, (CORRECT,), "correct answer 3, but answer 3 is empty"),
        (sheet, 17, (CORRECT,), "write option numbers like 2 or 1,3, not 'B'"),
    ]
    assert str(errors_of(result)[0]) == (
        f"quiz.xlsx[Kahoot]:10: {CORRECT}: correct answer 5, but the question has only 3 answers"
    )


def test_bank_id_argument_overrides_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xlsx"
    write_kahoot(path, [["Savol?", "A", "B", None, None, 20, 1]])
    result = import_workbook(path, bank_id="my-bank")
    assert result.bank is not None and result.bank.id == "my-bank"


def test_a_bad_bank_id_argument_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xlsx"
    write_kahoot(path, [["Savol?", "A", "B", None, None, 20, 1]])
    result = import_workbook(path, bank_id="no spaces please")
    assert result.bank is None
    assert [(p.path, p.line) for p in errors_of(result)] == [(("id",), None)]


@pytest.mark.parametrize(
    ("stem", "bank_id"),
    [
        ("Dispanser quiz (2)", "Dispanser-quiz-2"),
        ("Тест №1", "Test-No1"),
        ("Yoʻllanmalar", "Yollanmalar"),
        ("Ўқув ҳафтаси", "Oquv-haftasi"),
        ("###", "imported-bank"),
        ("x" * 80, "x" * 64),
    ],
)
def test_bank_ids_from_file_names_fit_the_id_pattern(stem: str, bank_id: str) -> None:
    assert sanitised_id(stem) == bank_id


def test_an_unknown_spreadsheet_is_one_clear_problem(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["name", "phone"])
    path = tmp_path / "contacts.xlsx"
    workbook.save(path)
    result = import_workbook(path)
    assert result.bank is None
    assert len(result.problems) == 1
    assert result.problems[0].file == "contacts.xlsx"
    assert "not a question-bank spreadsheet" in result.problems[0].message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.xlsx", b"just text", "cannot read the spreadsheet"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
    ],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_reported(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = import_workbook(path)
    assert result.bank is None
    assert message in result.problems[0].message


# --- our template -------------------------------------------------------------


def test_template_has_instructions_bank_questions_and_case_sheets(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    workbook = load_workbook(path)

    assert workbook.sheetnames == ["Instructions", "Bank", "Questions", "Cases", "Case steps"]
    instructions = "\n".join(
        str(value) for row in workbook["Instructions"].iter_rows(values_only=True) for value in row
    )
    assert "varagʻi" in instructions and "Лист" in instructions and "Sheet" in instructions
    bank_keys = [row[0] for row in workbook["Bank"].iter_rows(min_row=2, values_only=True)]
    assert bank_keys == list(BANK_KEYS)
    questions = workbook["Questions"]
    header = [cell.value for cell in questions[1]]
    assert header == list(QUESTION_COLUMNS)
    assert header[:5] == ["id", "type", "text_uz", "text_ru", "text_en"]
    assert header[-4:] == ["time", "points", "tags", "image"]
    assert all(cell.font.bold for cell in questions[1])
    assert questions.freeze_panes == "C2"
    assert questions.column_dimensions["C"].width >= 30
    assert questions.max_row == 1  # no example rows among the data
    [type_choices] = [dv for dv in questions.data_validations.dataValidation]
    assert type_choices.formula1 == '"single,multi,truefalse,order,typed,poll"'
    assert "B2" in type_choices.sqref
    steps = workbook["Case steps"]
    assert [cell.value for cell in steps[1]] == list(CASE_STEP_COLUMNS)
    [step_choices] = [dv for dv in steps.data_validations.dataValidation]
    assert "poll" not in step_choices.formula1  # a poll cannot be a case step


def test_an_empty_template_imports_as_a_bank_without_questions(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    result = import_workbook(path)
    assert result.bank is None
    assert [str(p) for p in result.problems] == [
        "template.xlsx[Questions]: (bank): the bank has no questions and no cases"
    ]


def fill(sheet: Any, rows: Sequence[dict[str, object]]) -> None:
    """Write rows under the sheet's header row, by column name."""
    header = [cell.value for cell in sheet[1]]
    for offset, row in enumerate(rows, start=2):
        for name, value in row.items():
            sheet.cell(row=offset, column=header.index(name) + 1, value=value)


def fill_bank_sheet(sheet: Any, values: dict[str, object]) -> None:
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]


def test_a_filled_in_template_imports(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    workbook = load_workbook(path)
    fill_bank_sheet(
        workbook["Bank"],
        {
            "id": "lab-basics",
            "title_uz": "Laboratoriya",
            "title_ru": "Лаборатория",
            "description_uz": "Tahlillar",
            "description_ru": "Анализы",
            "tags": "lab, referrals",
            "default_time": 25,
            "status": "sample",
            "source": "Trainer notes",
            "languages": "uz, ru",
        },
    )
    fill(
        workbook["Questions"],
        [
            {
                "id": "lab-01",
                "type": "single",
                "text_uz": "Qon tahlili qayerda?",
                "text_ru": "Где анализ крови?",
                "option1_uz": "Kartada",
                "option1_ru": "В карте",
                "option2_uz": "Arxivda",
                "option2_ru": "В архиве",
                "correct": 1,
                "explanation_uz": "Natija kartaga yoziladi.",
                "explanation_ru": "Результат пишется в карту.",
                "time": 40,
                "points": 2,
                "tags": "lab",
            },
            {
                "type": "Typed",  # ids may be left empty, types in any case
                "text_uz": "Qandli diabet kodi?",
                "text_ru": "Код диабета?",
                "accepted": "E11.9 | E119",
                "explanation_uz": "E11.9",
                "explanation_ru": "E11.9",
            },
            {},  # empty rows are skipped
            {
                "id": "tf",
                "type": "truefalse",
                "text_uz": "Imzo kerakmi?",
                "text_ru": "Нужна подпись?",
                "correct": "yoʻq",
                "explanation_uz": "Yoʻq.",
                "explanation_ru": "Нет.",
                "points": 0,
            },
        ],
    )
    workbook.save(path)

    result = import_workbook(path)

    assert [str(p) for p in result.problems] == []
    assert result.source_format == "template"
    assert result.bank == Bank.model_validate(
        {
            "id": "lab-basics",
            "title": {"uz": "Laboratoriya", "ru": "Лаборатория"},
            "description": {"uz": "Tahlillar", "ru": "Анализы"},
            "tags": ["lab", "referrals"],
            "default_time": 25,
            "status": "sample",
            "source": "Trainer notes",
            "languages": ["uz", "ru"],
            "questions": [
                {
                    "id": "lab-01",
                    "type": "single",
                    "text": {"uz": "Qon tahlili qayerda?", "ru": "Где анализ крови?"},
                    "options": [
                        {"uz": "Kartada", "ru": "В карте"},
                        {"uz": "Arxivda", "ru": "В архиве"},
                    ],
                    "correct": 1,
                    "explanation": {
                        "uz": "Natija kartaga yoziladi.",
                        "ru": "Результат пишется в карту.",
                    },
                    "time": 40,
                    "points": 2,
                    "tags": ["lab"],
                },
                {
                    "id": "q2",
                    "type": "typed",
                    "text": {"uz": "Qandli diabet kodi?", "ru": "Код диабета?"},
                    "accepted": ["E11.9", "E119"],
                    "explanation": {"uz": "E11.9", "ru": "E11.9"},
                },
                {
                    "id": "tf",
                    "type": "truefalse",
                    "text": {"uz": "Imzo kerakmi?", "ru": "Нужна подпись?"},
                    "correct": False,
                    "explanation": {"uz": "Yoʻq.", "ru": "Нет."},
                    "points": 0,
                },
            ],
        }
    )


def test_a_template_with_only_questions_gets_default_metadata(tmp_path: Path) -> None:
    path = tmp_path / "Referrals week 1.xlsx"
    write_template(path)
    workbook = load_workbook(path)
    fill(
        workbook["Questions"],
        [{"type": "truefalse", "text_uz": "X?", "text_en": "X?", "correct": True}],
    )
    workbook.save(path)

    bank = import_workbook(path).bank

    assert bank is not None
    assert (bank.id, bank.title.uz) == ("Referrals-week-1", "Referrals week 1")
    assert bank.description.uz == bank.source == "Imported from Referrals week 1.xlsx"
    assert bank.status == "draft"
    assert bank.languages == ["uz", "en"]  # the languages actually filled in


def test_every_bad_template_cell_is_reported_by_sheet_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bank.xlsx"
    write_template(path)
    workbook = load_workbook(path)
    fill_bank_sheet(workbook["Bank"], {"default_time": 3, "status": "final"})
    two = {"option1_uz": "A", "option2_uz": "B", "explanation_uz": "E"}
    three = {**two, "option3_uz": "C"}
    fill(
        workbook["Questions"],
        [
            {"id": "ok", "type": "single", "text_uz": "Yaxshi?", "correct": 1, **two},  # row 2
            {"id": "q3", "type": "singel", "text_uz": "Tur?", "correct": 1, **two},  # row 3
            {"id": "q4", "type": "multi", "text_uz": "Koʻp?", "correct": "1,x", **two},  # row 4
            {"id": "q5", "type": "single", "text_uz": "Besh?", "correct": 5, **three},  # row 5
            {
                "id": "q6",
                "type": "single",
                "text_uz": "V?",
                "correct": 1,
                "time": "soon",
                "points": 3,
                **two,
            },
            {"id": "q7", "type": "truefalse", "text_uz": "Ha?", "correct": "maybe"},  # row 7
            {"id": "q8", "type": "single", "option1_uz": "A", "option3_uz": "C", "correct": 1},
            {"id": "ok", "type": "order", "text_uz": "Tartib", "correct": 1, **three},  # row 9
        ],
    )
    fill(workbook["Cases"], [{"id": "case-1", "title_uz": "Holat", "story_uz": "Hikoya"}])
    fill(
        workbook["Case steps"],
        [{"case_id": "nope", "type": "truefalse", "text_uz": "S?", "correct": True}],
    )
    workbook.save(path)

    result = import_workbook(path)

    assert result.bank is None
    found = [(p.file, p.line, p.path, p.message) for p in errors_of(result)]
    bank_sheet, questions, cases, steps = (
        f"bank.xlsx[{name}]" for name in ("Bank", "Questions", "Cases", "Case steps")
    )
    assert found == [
        (bank_sheet, BANK_KEYS.index("default_time") + 2, ("default_time",),
         "default_time 3 s is outside 5–600 seconds"),
        (bank_sheet, BANK_KEYS.index("status") + 2, ("status",),
         "must be one of 'draft', 'sample' or 'reviewed', not 'final'"),
        (questions, 3, ("type",), "unknown question type 'singel' (expected one of: "
         "single, multi, truefalse, order, typed, poll)"),
        (questions, 4, ("correct",), "write option numbers like 2 or 1,3, not '1,x'"),
        (questions, 5, ("correct",), "correct option 5 is out of range (options are numbered "
         "1 to 3)"),
        (questions, 6, ("time",), "time (seconds) must be a whole number, not 'soon'"),
        (questions, 6, ("points",), "must be one of 0, 1 or 2, not 3"),
        (questions, 7, ("correct",), "write true or false, not 'maybe'"),
        (questions, 8, ("text_uz",), "question text is empty (fill in text_uz)"),
        (questions, 8, ("option2_uz",), "option 2 is empty but option 3 is filled (no gaps "
         "between options)"),
        (questions, 9, ("correct",), "`correct` is not used for order questions: write the "
         "steps in the right order"),
        (questions, 9, ("id",), "duplicate question id 'ok'"),
        (cases, 2, ("steps",), "needs 4 to 10 steps, has 0"),
        (steps, 2, ("case_id",), "no case with id 'nope' in the Cases sheet"),
    ]  # fmt: skip


def test_unknown_template_columns_are_warned_about_and_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bank.xlsx"
    write_template(path)
    workbook = load_workbook(path)
    questions = workbook["Questions"]
    questions.cell(row=1, column=len(QUESTION_COLUMNS) + 1, value="Notes")
    fill(questions, [{"type": "truefalse", "text_uz": "X?", "correct": True, "Notes": "mine"}])
    workbook.save(path)
    result = import_workbook(path)
    assert result.bank is not None
    assert [str(p) for p in result.problems if p.line == 1] == [
        "bank.xlsx[Questions]:1: Notes: warning: column 'Notes' is not part of the template "
        "and is ignored"
    ]


# --- export ---------------------------------------------------------------------


def tri(uz: str) -> dict[str, str]:
    return {"uz": uz, "ru": f"{uz} (ru)", "en": f"{uz} (en)"}


def every_type_bank() -> Bank:
    """Every question type and a case, fully translated and explained."""

    def question(qid: str, kind: str, **fields: object) -> dict[str, object]:
        return {
            "id": qid,
            "type": kind,
            "text": tri(f"Savol {qid}"),
            "explanation": tri("Izoh"),
            **fields,
        }

    steps = [
        question("s1", "single", options=[tri("A"), tri("B")], correct=2),
        question("s2", "multi", options=[tri("A"), tri("B"), tri("C")], correct=[3, 1]),
        question("s3", "truefalse", correct=False),
        question("s4", "order", steps=[tri("1"), tri("2"), tri("3")]),
        question("s5", "typed", accepted=["E11.9", "E119"]),
    ]
    return Bank.model_validate(
        {
            "id": "every-type",
            "title": tri("Hamma turlar"),
            "description": tri("Ikki qatorli\ntavsif"),
            "tags": ["dispensary", "lab tests"],
            "default_time": 45,
            "status": "reviewed",
            "source": "Unit test; DMED seminar",
            "languages": ["uz", "ru", "en"],
            "questions": [
                question("disp-01", "single", options=[tri(str(n)) for n in range(6)], correct=6,
                         time=600, points=2, tags=["dispensary"], image="disp/form.png"),
                question("lab-02", "multi", options=[tri("Qon"), tri("Siydik")], correct=[1, 2],
                         points=0),
                question("tf-03", "truefalse", correct=True, time=5),
                question("ord-04", "order", steps=[tri(f"Qadam {n}") for n in range(1, 7)]),
                question("icd-05", "typed", accepted=["E11.9", "e 11 9", "Е11.9"]),
                question("poll-06", "poll", options=[tri("Ha"), tri("Yoʻq")]),
                question("007", "single", options=[tri("=1+1"), tri("2")], correct=1),
            ],
            "cases": [
                {
                    "id": "case-diabetes",
                    "title": tri("Qandli diabet"),
                    "story": tri("Bemor 54 yosh.\nNazoratga keldi."),
                    "tags": ["dispensary"],
                    "image": "cases/diabetes.png",
                    "steps": steps,
                },
                {
                    "id": "case-2",
                    "title": tri("Ikkinchi"),
                    "story": tri("Hikoya"),
                    "steps": steps[:4],
                },
            ],
        }
    )  # fmt: skip


def round_trip(bank: Bank, tmp_path: Path) -> ImportResult:
    path = tmp_path / f"{bank.id}.xlsx"
    export_bank(bank, path)
    return import_workbook(path)


def test_export_then_import_gives_the_same_bank(tmp_path: Path) -> None:
    bank = every_type_bank()
    result = round_trip(bank, tmp_path)
    assert [str(p) for p in result.problems] == []  # fully translated and explained
    assert result.bank == bank


def test_export_puts_every_language_in_its_own_column(tmp_path: Path) -> None:
    path = tmp_path / "bank.xlsx"
    export_bank(every_type_bank(), path)
    workbook = load_workbook(path)
    questions = workbook["Questions"]
    header = [cell.value for cell in questions[1]]
    first = {name: cell.value for name, cell in zip(header, questions[2], strict=True)}
    assert first["text_uz"] == "Savol disp-01"
    assert first["text_ru"] == "Savol disp-01 (ru)"
    assert first["option6_en"] == "5 (en)"
    assert (first["correct"], first["time"], first["points"]) == (6, 600, 2)
    steps = workbook["Case steps"]
    assert [row[0] for row in steps.iter_rows(min_row=2, values_only=True)] == (
        ["case-diabetes"] * 5 + ["case-2"] * 4
    )


def test_export_replaces_an_existing_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "bank.xlsx"
    path.write_bytes(b"an old export")
    export_bank(every_type_bank(), path)
    assert os.listdir(tmp_path) == ["bank.xlsx"]
    assert load_workbook(path).sheetnames[0] == "Instructions"


def test_export_refuses_text_excel_cannot_store(tmp_path: Path) -> None:
    data = every_type_bank().model_dump()
    data["questions"][0]["text"]["uz"] = "bell \x07"
    path = tmp_path / "bank.xlsx"
    with pytest.raises(ValueError, match="control character"):
        export_bank(Bank.model_validate(data), path)
    assert os.listdir(tmp_path) == []  # nothing half-written


def _bundled_banks() -> list[Bank]:
    return sorted(load_banks([BUNDLED_BANKS_DIR]).banks.values(), key=lambda bank: bank.id)


BUNDLED = _bundled_banks()


@pytest.mark.parametrize(
    "bank",
    BUNDLED or [pytest.param(None, marks=pytest.mark.skip(reason="no bundled bank loads yet"))],
    ids=[bank.id for bank in BUNDLED] or ["none"],
)
def test_every_bundled_bank_survives_export_and_import(bank: Bank, tmp_path: Path) -> None:
    result = round_trip(bank, tmp_path)
    assert errors_of(result) == []
    assert result.bank == bank


# --- separators inside cells -------------------------------------------------------


@given(st.lists(st.text(min_size=1).filter(lambda s: s.strip() == s and s != ""), max_size=5))
def test_joined_lists_split_back_into_the_same_items(items: list[str]) -> None:
    for separator in ("|", ","):
        assert split_escaped(join_escaped(items, separator), separator) == items


def test_separators_can_be_escaped_in_cells() -> None:
    assert split_escaped(r"a \| b | c\\d | e\x", "|") == ["a | b", "c\\d", "e\\x"]
    assert split_escaped(" lab,  referrals ,", ",") == ["lab", "referrals"]
    assert split_escaped(None, ",") == []
