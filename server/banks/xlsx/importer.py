"""The import entry point: open a workbook, tell which layout it has, and hand it to that reader."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from quizkiosk.banks.problems import Problem
from quizkiosk.banks.xlsx.cells import _CellError, _header_name
from quizkiosk.banks.xlsx.import_common import ImportResult, _find_sheet, _rows
from quizkiosk.banks.xlsx.kahoot_reader import _find_kahoot_layout, _import_kahoot
from quizkiosk.banks.xlsx.layout import QUESTIONS_SHEET, Sheet
from quizkiosk.banks.xlsx.template_reader import _import_template


def import_workbook(path: Path, bank_id: str | None = None) -> ImportResult:
    """Read our template or a Kahoot! spreadsheet into a bank, collecting every problem.

    `bank_id` overrides the id written in the file (or derived from its name).
    The bank is None when there is any error; warnings still give a bank.
    """
    try:
        workbook = _open_workbook(path)
    except _CellError as error:
        return ImportResult(None, [Problem(path.name, None, (), str(error))])
    questions_sheet = _find_sheet(workbook, QUESTIONS_SHEET)
    if questions_sheet is not None and _is_template_header(questions_sheet):
        return _import_template(workbook, path, bank_id)
    for worksheet in workbook.worksheets:
        layout = _find_kahoot_layout(worksheet)
        if layout is not None:
            return _import_kahoot(worksheet, layout, path, bank_id)
    message = (
        "not a question-bank spreadsheet: expected our template (a 'Questions' sheet with "
        "id, type, text_uz, ... columns) or a Kahoot! quiz spreadsheet (a row with "
        "'Question', 'Answer 1', ... 'Correct answer(s)' headers)"
    )
    return ImportResult(None, [Problem(path.name, None, (), message)])


def _open_workbook(path: Path) -> Workbook:
    if path.suffix.lower() == ".xls":
        raise _CellError("old .xls files cannot be read: save it as .xlsx in Excel or LibreOffice")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it does not keep (Kahoot's
            # files have some); they do not matter for reading cell values.
            warnings.simplefilter("ignore", UserWarning)
            return load_workbook(path, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as error:
        raise _CellError(f"cannot read the spreadsheet: {error}") from error


def _is_template_header(worksheet: Sheet) -> bool:
    header = next(_rows(worksheet), (1, ()))[1]
    names = {_header_name(value) for value in header}
    return {"type", "text_uz"} <= names
