"""Exports read back cell by cell: CSV (every answer) and XLSX (one sheet per view),
with headers in the trainer's language."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from quizkiosk.reports.export import answer_rows, csv_text, xlsx_bytes
from quizkiosk.reports.session import session_report
from quizkiosk.web.i18n import load_translations

from tests.unit.test_session_report import BANK, results

RUSSIAN = load_translations()["ru"].gettext


def test_the_csv_has_every_answer_with_russian_headers() -> None:
    text = csv_text(answer_rows(results(), RUSSIAN))
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["Участник", RUSSIAN("Staff ID"), RUSSIAN("Department")]
    assert rows[0][1] != "Staff ID" and rows[0][7] == "Верно"  # translated, not the msgid
    assert len(rows) == 1 + len(results().answers)
    first = rows[1]
    assert first[0] == "Ann" and first[1] == "T-ann" and first[3] == "1" and first[4] == "single"
    assert first[6] == "1" and first[7] == "да" and first[8] == "2000"


def test_the_workbook_has_four_sheets_read_back_cell_by_cell() -> None:
    data = xlsx_bytes(session_report(results(), BANK), results(), "ru", RUSSIAN)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Обзор", RUSSIAN("Questions"), "Участники", RUSSIAN("Answers")]
    overview = book["Обзор"]
    assert overview["A1"].value == "Занятие" and overview["B1"].value == "g"
    assert overview["B5"].value == 3  # participants
    questions = book.worksheets[1]
    assert questions["A1"].value == RUSSIAN("Question") != "Question"
    assert questions["B2"].value == "single"  # the hardest first
    assert questions["F2"].value == 33.3
    people = book["Участники"]
    assert [people.cell(row=r, column=2).value for r in (2, 3, 4)] == ["Ann", "Bob", "Cat"]
    assert people["H4"].value == 50.0
    answers = book.worksheets[3]
    assert answers.max_row == 1 + len(results().answers)
