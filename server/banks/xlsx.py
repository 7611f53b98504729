"""Question banks as Excel workbooks: our template, Kahoot! imports and exports.

Trainers who do not write YAML fill in a spreadsheet instead.  Two layouts are
read:

* our template (`write_template`, `export_bank`): sheets "Bank", "Questions",
  "Cases" and "Case steps", one question per row, every language in its own
  column;
* the Kahoot! quiz spreadsheet: a "Question - max 120 characters" column, up to
  four "Answer N" columns, a time limit and the correct answer numbers, below a
  few rows of Kahoot's own instructions.  Kahoot has one language, so its texts
  are imported as the Uzbek (base) text and the bank lists only `uz`.

Either way the rows become a plain bank dict that goes through
`validate_bank_document`, the same rules as a YAML file, with a line map that
points every field at its Excel row.  Problems then name the workbook, the
sheet, the row and the column: `bank.xlsx[Questions]:7: correct: ...`.
"""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeAlias, TypeVar

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError, InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from server.banks.loader import validate_bank_document
from server.banks.model import (
    LANGUAGES,
    MAX_OPTIONS,
    QUESTION_TYPES,
    SCORED_TYPES,
    AnyQuestion,
    Bank,
    CaseScenario,
    LocalizedText,
    MultiSelect,
    Ordering,
    Poll,
    SingleChoice,
    TrueFalse,
    TypedAnswer,
)
from server.banks.problems import FieldPath, Problem
from server.banks.yaml_writer import write_bytes_atomically
from server.banks.yamlsource import YamlDocument

T = TypeVar("T")
# openpyxl ships no type hints; its worksheets and cells are typed as Any.
Sheet: TypeAlias = Any

INSTRUCTIONS_SHEET = "Instructions"
BANK_SHEET = "Bank"
QUESTIONS_SHEET = "Questions"
CASES_SHEET = "Cases"
CASE_STEPS_SHEET = "Case steps"
_SHEET_ORDER = (BANK_SHEET, QUESTIONS_SHEET, CASES_SHEET, CASE_STEPS_SHEET)


def _localized_columns(name: str) -> tuple[str, ...]:
    return tuple(f"{name}_{language}" for language in LANGUAGES)


OPTION_COLUMNS = tuple(
    f"option{number}_{language}" for number in range(1, MAX_OPTIONS + 1) for language in LANGUAGES
)
QUESTION_COLUMNS: tuple[str, ...] = (
    "id",
    "type",
    *_localized_columns("text"),
    *OPTION_COLUMNS,
    "correct",
    "accepted",
    *_localized_columns("explanation"),
    "time",
    "points",
    "tags",
    "image",
)
CASE_COLUMNS: tuple[str, ...] = (
    "id",
    *_localized_columns("title"),
    *_localized_columns("story"),
    "tags",
    "image",
)
CASE_STEP_COLUMNS: tuple[str, ...] = ("case_id", *QUESTION_COLUMNS)
BANK_KEYS: tuple[str, ...] = (
    "id",
    *_localized_columns("title"),
    *_localized_columns("description"),
    "tags",
    "default_time",
    "status",
    "source",
    "languages",
)

ACCEPTED_SEPARATOR = "|"
TAG_SEPARATOR = ","
MIN_SECONDS, MAX_SECONDS = 5, 600

# Drop-downs and formats cover this many rows; plenty for one bank.
_TEMPLATE_ROWS = 1000
# The real Kahoot template has its header on row 8; people insert rows above
# it, so look further down, but not through a whole sheet.
_KAHOOT_HEADER_SEARCH_ROWS = 60

_BANK_HELP = {
    "id": "letters, digits, - _ . (empty: from the file name)",
    "title_uz": "bank title in Uzbek (empty: the file name)",
    "description_uz": "what the bank is about (empty: 'Imported from <file>')",
    "tags": "topic tags, comma-separated",
    "default_time": "seconds per question, 5-600 (empty: 30)",
    "status": "draft | sample | reviewed (empty: draft)",
    "source": "where the content comes from (empty: 'Imported from <file>')",
    "languages": "e.g. uz, ru, en (empty: the languages filled in)",
}

_NOT_CORRECT = {
    "order": "`correct` is not used for order questions: write the steps in the right order",
    "typed": "`correct` is not used for typed questions: list the answers under `accepted`",
    "poll": "`correct` is not used for polls: a poll has no right answer",
}

# Words a trainer may type for true/false, in the three bank languages.
_TRUE_WORDS = frozenset({"true", "yes", "ha", "to'g'ri", "да", "верно", "правда", "1"})
_FALSE_WORDS = frozenset({"false", "no", "yo'q", "noto'g'ri", "нет", "неверно", "ложь", "0"})
_APOSTROPHES = re.compile(r"[ʻʼ‘’`´]")

# File names in Cyrillic still give a readable bank id; the signs ъ and ь
# have no Latin spelling (').
_CYRILLIC_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяўқғҳ"
_CYRILLIC_SPELLINGS = (
    "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch ' y ' e yu ya o q g h"
)
_CYRILLIC = {
    letter: spelling.strip("'")
    for letter, spelling in zip(_CYRILLIC_LETTERS, _CYRILLIC_SPELLINGS.split(), strict=True)
}


class _CellError(ValueError):
    """A cell whose value cannot be read; the message says what is wrong."""


@dataclass
class ImportResult:
    """The imported bank (None if there is any error) and every problem found."""

    bank: Bank | None
    problems: list[Problem] = field(default_factory=list)
    source_format: Literal["template", "kahoot"] | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


# --------------------------------------------------------------------------
# Reading cells


def _cell_text(value: object) -> str | None:
    """The text a trainer sees in a cell; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        # Excel stores every number as a float: 2 comes back as 2.0.
        return str(int(value))
    text = str(value).strip()
    return text or None


def _whole_number(value: object, what: str) -> int | None:
    text = _cell_text(value)
    if text is None:
        return None
    if isinstance(value, bool):
        raise _CellError(f"{what} must be a whole number, not {text}")
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise _CellError(f"{what} must be a whole number, not '{text}'") from None
    if not number.is_integer():
        raise _CellError(f"{what} must be a whole number, not {text}")
    return int(number)


def _seconds(value: object, what: str = "time") -> int | None:
    seconds = _whole_number(value, f"{what} (seconds)")
    if seconds is not None and not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise _CellError(f"{what} {seconds} s is outside {MIN_SECONDS}–{MAX_SECONDS} seconds")
    return seconds


def _option_numbers(value: object) -> list[int] | None:
    """`2`, `1,3` or `1; 3` as option numbers counted from 1."""
    text = _cell_text(value)
    if text is None:
        return None
    # "." separates too: in a Russian-locale Excel, typing 1,3 turns into the
    # decimal number 1.3.
    tokens = [token for token in re.split(r"[,;.\s]+", text) if token]
    if not tokens or not all(token.isdigit() for token in tokens):
        raise _CellError(f"write option numbers like 2 or 1,3, not '{text}'")
    return [int(token) for token in tokens]


def _truth(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _cell_text(value)
    if text is None:
        return None
    word = _APOSTROPHES.sub("'", text).casefold()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise _CellError(f"write true or false, not '{text}'")


def join_escaped(items: Sequence[str], separator: str) -> str:
    """Items joined by `separator`; a separator or backslash inside an item is escaped."""
    escaped = (item.replace("\\", "\\\\").replace(separator, "\\" + separator) for item in items)
    return f"{separator} ".join(escaped) if separator == "," else f" {separator} ".join(escaped)


def split_escaped(text: str | None, separator: str) -> list[str]:
    """The inverse of `join_escaped`; items are stripped and empty ones dropped."""
    if text is None:
        return []
    items: list[str] = []
    current: list[str] = []
    characters = iter(text)
    for character in characters:
        if character == "\\":
            following = next(characters, "")
            if following in (separator, "\\"):
                current.append(following)
            else:
                current += [character, following]
        elif character == separator:
            items.append("".join(current))
            current = []
        else:
            current.append(character)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def _header_name(value: object) -> str | None:
    text = _cell_text(value)
    return text.casefold() if text is not None else None


# --------------------------------------------------------------------------
# Problems and located cells


@dataclass
class _Report:
    """Problems found while reading cells, before the bank rules run."""

    file_name: str
    problems: list[Problem] = field(default_factory=list)

    def label(self, sheet: str) -> str:
        return f"{self.file_name}[{sheet}]"

    def add(
        self,
        sheet: str,
        line: int | None,
        column: str | None,
        message: str,
        severity: Literal["error", "warning"] = "error",
    ) -> None:
        path: FieldPath = (column,) if column else ()
        self.problems.append(Problem(self.label(sheet), line, path, message, severity))


@dataclass
class _Cells:
    """Named cells of one sheet row (or of the key/value "Bank" sheet)."""

    sheet: str
    values: dict[str, object]
    report: _Report
    row: int | None
    rows: dict[str, int] = field(default_factory=dict)  # per cell, for the Bank sheet

    def line(self, column: str) -> int | None:
        return self.rows.get(column, self.row)

    def text(self, column: str) -> str | None:
        return _cell_text(self.values.get(column))

    def error(self, column: str, message: str) -> None:
        self.report.add(self.sheet, self.line(column), column, message)

    def parse(self, column: str, parser: Callable[[object], T]) -> T | None:
        try:
            return parser(self.values.get(column))
        except _CellError as error:
            self.error(column, str(error))
            return None

    def localized(self, name: str) -> dict[str, str] | None:
        text: dict[str, str] = {
            lang: value for lang in LANGUAGES if (value := self.text(f"{name}_{lang}"))
        }
        return text or None

    def is_empty(self) -> bool:
        return all(_cell_text(value) is None for value in self.values.values())


# --------------------------------------------------------------------------
# Import


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


def _find_sheet(workbook: Workbook, name: str) -> Sheet | None:
    for worksheet in workbook.worksheets:
        if str(worksheet.title).strip().casefold() == name.casefold():
            return worksheet
    return None


def _rows(worksheet: Sheet) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(Excel row number, cell values) for every row of a sheet."""
    rows: Iterator[tuple[object, ...]] = worksheet.iter_rows(values_only=True)
    yield from enumerate(rows, start=1)


def _is_template_header(worksheet: Sheet) -> bool:
    header = next(_rows(worksheet), (1, ()))[1]
    names = {_header_name(value) for value in header}
    return {"type", "text_uz"} <= names


def _finish(
    data: dict[str, object],
    lines: dict[FieldPath, int],
    report: _Report,
    place: Callable[[FieldPath], tuple[str, FieldPath]],
    source_format: Literal["template", "kahoot"],
) -> ImportResult:
    """Validate the bank dict like a YAML file and put every problem at its sheet and row."""
    document = YamlDocument(data=data, lines=lines)
    bank, model_problems = validate_bank_document(document, report.file_name, media_root=None)
    problems = list(report.problems)
    # A cell already reported while reading (say, an unreadable `correct`) is
    # left out of the dict, and the model would only repeat "missing".
    reported = {(p.file, p.line, p.path) for p in problems}
    for problem in model_problems:
        sheet, shown_path = place(problem.path)
        located = dataclasses.replace(problem, file=report.label(sheet), path=shown_path)
        if (located.file, located.line, located.path) not in reported:
            problems.append(located)
    labels = [report.label(sheet) for sheet in _SHEET_ORDER]
    problems.sort(key=lambda p: (labels.index(p.file) if p.file in labels else 0, p.line or 0))
    if any(p.severity == "error" for p in problems):
        bank = None
    return ImportResult(bank, problems, source_format)


def _metadata_defaults(data: dict[str, object], path: Path, bank_id: str | None) -> None:
    """Fill what a spreadsheet may leave out, so a questions-only sheet still imports."""
    imported_from = f"Imported from {path.name}"
    if bank_id is not None:
        data["id"] = bank_id
    data.setdefault("id", sanitised_id(path.stem))
    data.setdefault("title", {"uz": path.stem})
    data.setdefault("description", {"uz": imported_from})
    data.setdefault("source", imported_from)
    # An import has not been checked against the DMED screens yet.
    data.setdefault("status", "draft")
    data.setdefault("languages", _languages_used(data))


def _languages_used(data: object) -> list[str]:
    found: set[str] = {"uz"}

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if value and set(value) <= set(LANGUAGES):
                found.update(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return [language for language in LANGUAGES if language in found]


def _latin_letter(character: str) -> str:
    spelling = _CYRILLIC.get(character.lower())
    if spelling is None:
        return character
    return spelling.capitalize() if character.isupper() else spelling


def sanitised_id(name: str) -> str:
    """A bank id (letters, digits, - _ .) made from a file name."""
    latin = "".join(_latin_letter(c) for c in name)
    ascii_text = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_text).strip("-_.")
    return cleaned[:64].strip("-_.") or "imported-bank"


# --- our template ---------------------------------------------------------


def _import_template(workbook: Workbook, path: Path, bank_id: str | None) -> ImportResult:
    report = _Report(path.name)
    lines: dict[FieldPath, int] = {}
    data = _read_bank_sheet(workbook, report, lines)
    data["questions"] = _read_questions(workbook, report, lines)
    cases = _read_cases(workbook, report, lines)
    if cases:
        data["cases"] = cases
    _metadata_defaults(data, path, bank_id)
    return _finish(data, lines, report, _template_place, "template")


def _read_table(
    workbook: Workbook, sheet: str, columns: Sequence[str], report: _Report
) -> list[_Cells]:
    """The non-empty rows of a header-row table, cells named by our column names."""
    worksheet = _find_sheet(workbook, sheet)
    if worksheet is None:
        return []
    rows = _rows(worksheet)
    _, header = next(rows, (1, ()))
    positions: dict[str, int] = {}
    for position, value in enumerate(header):
        name = _header_name(value)
        if name is None or name in positions:
            continue
        if name not in columns:
            # A trainer's own notes column is fine, but a misspelt one
            # ("optoin1_uz") would silently lose data, hence the warning.
            shown = _cell_text(value) or name
            message = f"column '{shown}' is not part of the template and is ignored"
            report.add(sheet, 1, shown, message, "warning")
            continue
        positions[name] = position
    table: list[_Cells] = []
    for number, values in rows:
        named = {name: values[i] if i < len(values) else None for name, i in positions.items()}
        cells = _Cells(sheet, named, report, number)
        if not cells.is_empty():
            table.append(cells)
    return table


def _read_bank_sheet(
    workbook: Workbook, report: _Report, lines: dict[FieldPath, int]
) -> dict[str, object]:
    worksheet = _find_sheet(workbook, BANK_SHEET)
    if worksheet is None:
        return {}
    cells = _Cells(BANK_SHEET, {}, report, None)
    for number, values in _rows(worksheet):
        key = _header_name(values[0] if values else None)
        if key is None or (number == 1 and key == "key"):
            continue
        if key not in BANK_KEYS:
            known = ", ".join(BANK_KEYS)
            report.add(BANK_SHEET, number, key, f"unknown key '{key}' (expected one of: {known})")
        elif key in cells.rows:
            report.add(
                BANK_SHEET, number, key, f"'{key}' is given twice (first on row {cells.rows[key]})"
            )
        else:
            cells.values[key] = values[1] if len(values) > 1 else None
            cells.rows[key] = number
    return _bank_metadata(cells, lines)


def _bank_metadata(cells: _Cells, lines: dict[FieldPath, int]) -> dict[str, object]:
    data: dict[str, object] = {}
    for name in ("title", "description"):
        text = cells.localized(name)
        if text is not None:
            data[name] = text
        for language in LANGUAGES:
            if f"{name}_{language}" in cells.rows:
                lines[(name, language)] = cells.rows[f"{name}_{language}"]
        if f"{name}_uz" in cells.rows:
            lines[(name,)] = cells.rows[f"{name}_uz"]
    for key in ("id", "source"):
        if (value := cells.text(key)) is not None:
            data[key] = value
    if (status := cells.text("status")) is not None:
        data["status"] = status.casefold()
    if (seconds := cells.parse("default_time", lambda v: _seconds(v, "default_time"))) is not None:
        data["default_time"] = seconds
    if tags := split_escaped(cells.text("tags"), TAG_SEPARATOR):
        data["tags"] = tags
    if languages := [
        lang.casefold() for lang in re.split(r"[,;\s]+", cells.text("languages") or "") if lang
    ]:
        data["languages"] = languages
    for key in ("id", "source", "status", "default_time", "tags", "languages"):
        if key in cells.rows:
            lines[(key,)] = cells.rows[key]
    return data


def _read_questions(
    workbook: Workbook, report: _Report, lines: dict[FieldPath, int]
) -> list[dict[str, object]]:
    questions: list[dict[str, object]] = []
    for cells in _read_table(workbook, QUESTIONS_SHEET, QUESTION_COLUMNS, report):
        assert cells.row is not None
        lines[("questions", len(questions))] = cells.row
        questions.append(_question_data(cells))
    _fill_missing_ids(questions, "q")
    return questions


def _read_cases(
    workbook: Workbook, report: _Report, lines: dict[FieldPath, int]
) -> list[dict[str, object]]:
    cases: list[dict[str, object]] = []
    steps: list[list[dict[str, object]]] = []  # parallel to `cases`
    index_of: dict[str, int] = {}
    for cells in _read_table(workbook, CASES_SHEET, CASE_COLUMNS, report):
        assert cells.row is not None
        lines[("cases", len(cases))] = cells.row
        case = _case_data(cells)
        if isinstance(case.get("id"), str):
            # A duplicate case id is reported by the bank rules; its steps go
            # to the first case with that id.
            index_of.setdefault(str(case["id"]), len(cases))
        cases.append(case)
        steps.append([])
    for cells in _read_table(workbook, CASE_STEPS_SHEET, CASE_STEP_COLUMNS, report):
        assert cells.row is not None
        case_id = cells.text("case_id")
        if case_id is None:
            cells.error("case_id", "case_id is empty: write the id of the case this step is in")
        elif case_id not in index_of:
            cells.error("case_id", f"no case with id '{case_id}' in the {CASES_SHEET} sheet")
        else:
            index = index_of[case_id]
            lines[("cases", index, "steps", len(steps[index]))] = cells.row
            steps[index].append(_question_data(cells))
    for case, case_steps in zip(cases, steps, strict=True):
        _fill_missing_ids(case_steps, "s")
        case["steps"] = case_steps
    return cases


def _case_data(cells: _Cells) -> dict[str, object]:
    case: dict[str, object] = {}
    if (case_id := cells.text("id")) is not None:
        case["id"] = case_id
    for name in ("title", "story"):
        if (text := cells.localized(name)) is not None:
            case[name] = text
    if tags := split_escaped(cells.text("tags"), TAG_SEPARATOR):
        case["tags"] = tags
    if (image := cells.text("image")) is not None:
        case["image"] = image
    return case


def _question_data(cells: _Cells) -> dict[str, object]:
    """One question (or case step) row as bank-file data; bad cells are reported and left out."""
    data: dict[str, object] = {}
    if (question_id := cells.text("id")) is not None:
        data["id"] = question_id
    kind = (cells.text("type") or "").casefold()
    if kind:
        # An unknown type is left for the bank rules to report, with the list
        # of known types.
        data["type"] = kind
    text = cells.localized("text")
    if text is None:
        cells.error("text_uz", "question text is empty (fill in text_uz)")
    else:
        data["text"] = text
    if kind in QUESTION_TYPES:
        data.update(_answer_data(cells, kind))
    if (explanation := cells.localized("explanation")) is not None:
        data["explanation"] = explanation
    if (seconds := cells.parse("time", _seconds)) is not None:
        data["time"] = seconds
    if (points := cells.parse("points", lambda v: _whole_number(v, "points"))) is not None:
        data["points"] = points
    if tags := split_escaped(cells.text("tags"), TAG_SEPARATOR):
        data["tags"] = tags
    if (image := cells.text("image")) is not None:
        data["image"] = image
    return data


def _answer_data(cells: _Cells, kind: str) -> dict[str, object]:
    """Options or steps, accepted answers and the correct answer, as `kind` uses them."""
    data: dict[str, object] = {}
    options = _options(cells)
    if kind in ("single", "multi", "poll") and options:
        data["options"] = options
    elif kind == "order" and options:
        data["steps"] = options
    elif options:
        first = next(c for c in OPTION_COLUMNS if cells.text(c) is not None)
        cells.error(first, f"options are not used for {kind} questions (leave them empty)")
    accepted = split_escaped(cells.text("accepted"), ACCEPTED_SEPARATOR)
    if kind == "typed" and accepted:
        data["accepted"] = accepted
    elif accepted and kind != "typed":
        cells.error("accepted", f"accepted answers are only for typed questions, not {kind}")
    correct = _correct(cells, kind)
    if correct is not None:
        data["correct"] = correct
    return data


def _options(cells: _Cells) -> list[dict[str, str]]:
    """option1 … option6 in order; a gap would silently renumber `correct`, so it is an error."""
    options: list[dict[str, str]] = []
    gap: int | None = None
    for number in range(1, MAX_OPTIONS + 1):
        option = cells.localized(f"option{number}")
        if option is None:
            gap = gap or number
            continue
        if gap is not None:
            cells.error(
                f"option{gap}_uz",
                f"option {gap} is empty but option {number} is filled (no gaps between options)",
            )
            gap = None
        options.append(option)
    return options


def _correct(cells: _Cells, kind: str) -> object | None:
    if kind in _NOT_CORRECT:
        if cells.text("correct") is not None:
            cells.error("correct", _NOT_CORRECT[kind])
        return None
    if kind == "truefalse":
        return cells.parse("correct", _truth)
    numbers = cells.parse("correct", _option_numbers)
    if numbers is None or kind == "multi":
        return numbers
    if len(numbers) != 1:
        cells.error(
            "correct", "a single question has one correct option; use type multi for several"
        )
        return None
    return numbers[0]


def _fill_missing_ids(items: list[dict[str, object]], prefix: str) -> None:
    """Rows without an id get q1, q2, … (by position), skipping ids already used."""
    taken = {item["id"] for item in items if isinstance(item.get("id"), str)}
    for position, item in enumerate(items, start=1):
        if "id" in item:
            continue
        candidate, suffix = f"{prefix}{position}", 1
        while candidate in taken:
            suffix += 1
            candidate = f"{prefix}{position}-{suffix}"
        item["id"] = candidate
        taken.add(candidate)


def _template_place(path: FieldPath) -> tuple[str, FieldPath]:
    """The sheet and the column (or the data path, for a whole row) of a bank field."""

    def shown(column: str | None) -> FieldPath:
        return (column,) if column is not None else path

    if len(path) >= 4 and path[0] == "cases" and path[2] == "steps":
        return CASE_STEPS_SHEET, shown(_question_column(path[4:]))
    if len(path) >= 2 and path[0] == "cases":
        return CASES_SHEET, shown(_case_column(path[2:]))
    if len(path) >= 2 and path[0] == "questions":
        return QUESTIONS_SHEET, shown(_question_column(path[2:]))
    if not path or path[0] in ("questions", "cases"):
        return QUESTIONS_SHEET if not path or path[0] == "questions" else CASES_SHEET, path
    return BANK_SHEET, shown(_bank_column(path))


def _language_column(name: str, rest: FieldPath) -> str:
    language = rest[0] if rest and rest[0] in LANGUAGES else "uz"
    return f"{name}_{language}"


def _question_column(rest: FieldPath) -> str | None:
    if not rest:
        return None
    head = rest[0]
    if head in ("text", "explanation"):
        return _language_column(str(head), rest[1:])
    if head in ("options", "steps"):
        if len(rest) == 1 or not isinstance(rest[1], int):
            return "options"
        return _language_column(f"option{rest[1] + 1}", rest[2:])
    if head in ("id", "type", "correct", "accepted", "time", "points", "tags", "image"):
        return str(head)
    return None


def _case_column(rest: FieldPath) -> str | None:
    if not rest:
        return None
    head = rest[0]
    if head in ("title", "story"):
        return _language_column(str(head), rest[1:])
    if head in ("id", "tags", "image", "steps"):
        return str(head)
    return None


def _bank_column(path: FieldPath) -> str | None:
    head = path[0]
    if head in ("title", "description"):
        return _language_column(str(head), path[1:])
    return str(head) if head in BANK_KEYS else None


# --- Kahoot! --------------------------------------------------------------


@dataclass(frozen=True)
class _KahootLayout:
    """Where Kahoot's columns are: header row, and column position → header text."""

    header_row: int
    question: tuple[int, str]
    answers: dict[int, tuple[int, str]]  # answer number -> (position, header)
    correct: tuple[int, str]
    time: tuple[int, str] | None

    def missing_answer_header(self, kept: int) -> str:
        """The answer column to fill when a row has fewer than two answers."""
        return self.answers.get(2 if kept else 1, self.answers[1])[1]


def _find_kahoot_layout(worksheet: Sheet) -> _KahootLayout | None:
    """Find Kahoot's header row by its text, never by a fixed row number."""
    for number, values in _rows(worksheet):
        if number > _KAHOOT_HEADER_SEARCH_ROWS:
            return None
        layout = _kahoot_header(number, values)
        if layout is not None:
            return layout
    return None


def _kahoot_header(number: int, values: tuple[object, ...]) -> _KahootLayout | None:
    found: dict[str, tuple[int, str]] = {}
    answers: dict[int, tuple[int, str]] = {}
    for position, value in enumerate(values):
        header = _cell_text(value)
        if header is None:
            continue
        name = header.casefold()
        answer = re.match(r"answer\s*(\d+)\b", name)
        if answer is not None and 1 <= int(answer.group(1)) <= MAX_OPTIONS:
            answers.setdefault(int(answer.group(1)), (position, header))
        for prefix in ("question", "time limit", "correct answer"):
            if name.startswith(prefix):
                found.setdefault(prefix, (position, header))
    if "question" not in found or "correct answer" not in found or 1 not in answers:
        return None
    return _KahootLayout(
        number, found["question"], answers, found["correct answer"], found.get("time limit")
    )


def _import_kahoot(
    worksheet: Sheet, layout: _KahootLayout, path: Path, bank_id: str | None
) -> ImportResult:
    report = _Report(path.name)
    sheet = str(worksheet.title)
    lines: dict[FieldPath, int] = {}
    questions: list[dict[str, object]] = []
    answer_headers: list[list[str]] = []  # per question: header of each kept answer
    columns = [layout.question, layout.correct, *layout.answers.values()]
    if layout.time is not None:
        columns.append(layout.time)
    for number, values in _rows(worksheet):
        if number <= layout.header_row:
            continue
        named = {header: values[i] if i < len(values) else None for i, header in columns}
        cells = _Cells(sheet, named, report, number)
        # Column A of Kahoot's template holds row numbers; it is not read, so
        # a numbered but otherwise empty row counts as empty.
        if cells.is_empty():
            continue
        question, headers = _kahoot_question(cells, layout)
        lines[("questions", len(questions))] = number
        questions.append({"id": f"q{len(questions) + 1}", **question})
        answer_headers.append(headers)
    data: dict[str, object] = {"questions": questions, "languages": ["uz"]}
    _metadata_defaults(data, path, bank_id)

    def place(field_path: FieldPath) -> tuple[str, FieldPath]:
        return sheet, _kahoot_column(field_path, layout, answer_headers) or field_path

    return _finish(data, lines, report, place, "kahoot")


def _kahoot_question(cells: _Cells, layout: _KahootLayout) -> tuple[dict[str, object], list[str]]:
    """One Kahoot row: one correct answer is `single`, several are `multi`."""
    data: dict[str, object] = {}
    question_header = layout.question[1]
    if (text := cells.text(question_header)) is not None:
        data["text"] = {"uz": text}
    else:
        cells.error(question_header, "question text is empty")
    filled = {n: text for n, (_, h) in sorted(layout.answers.items()) if (text := cells.text(h))}
    if len(filled) < 2:
        missing = layout.missing_answer_header(len(filled))
        cells.error(missing, f"a question needs at least 2 answers, this row has {len(filled)}")
    data["options"] = [{"uz": text} for text in filled.values()]
    correct = _kahoot_correct(cells, layout, filled)
    if correct is not None:
        # Answers left empty are skipped, so numbers shift to the kept ones.
        positions = [list(filled).index(n) + 1 for n in correct]
        data["type"] = "single" if len(positions) == 1 else "multi"
        data["correct"] = positions[0] if len(positions) == 1 else positions
    else:
        data["type"] = "single"
    if layout.time is not None:
        seconds = cells.parse(layout.time[1], lambda v: _seconds(v, "time limit"))
        if seconds is not None:
            data["time"] = seconds
    headers = [layout.answers[n][1] for n in filled]
    return data, headers


def _kahoot_correct(
    cells: _Cells, layout: _KahootLayout, filled: dict[int, str]
) -> list[int] | None:
    header = layout.correct[1]
    numbers = cells.parse(header, _option_numbers)
    if numbers is None:
        if cells.text(header) is None:
            cells.error(header, "no correct answer given (write its number, e.g. 2, or 1,3)")
        return None
    highest = max(filled, default=0)
    for number in numbers:
        if number in filled:
            continue
        if number > highest:
            message = f"correct answer {number}, but the question has only {len(filled)} answers"
        else:
            message = f"correct answer {number}, but answer {number} is empty"
        cells.error(header, message)
        return None
    # "1,1" is harmless in Kahoot; keep each answer once.
    return list(dict.fromkeys(numbers))


def _kahoot_column(
    path: FieldPath, layout: _KahootLayout, answer_headers: list[list[str]]
) -> FieldPath | None:
    if len(path) < 3 or path[0] != "questions" or not isinstance(path[1], int):
        return None
    head = path[2]
    if head == "text":
        return (layout.question[1],)
    if head == "correct":
        return (layout.correct[1],)
    if head == "time" and layout.time is not None:
        return (layout.time[1],)
    if head != "options" or path[1] >= len(answer_headers):
        return None
    headers = answer_headers[path[1]]
    if len(path) == 3:  # too few answers: the same cell as the row's own check
        return (layout.missing_answer_header(len(headers)),)
    if isinstance(path[3], int) and path[3] < len(headers):
        return (headers[path[3]],)
    return None


# --------------------------------------------------------------------------
# Template and export


def write_template(path: Path) -> None:
    """An empty bank workbook with instructions in Uzbek, Russian and English."""
    _save(_build_workbook(None), path)


def export_bank(bank: Bank, path: Path) -> None:
    """The bank in our template layout, written atomically; `import_workbook` reads it back.

    Raises ValueError, before anything is written, for a text with a control
    character that Excel cannot store.
    """
    _save(_build_workbook(bank), path)


def _save(workbook: Workbook, path: Path) -> None:
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_bytes_atomically(path, buffer.getvalue())


def _build_workbook(bank: Bank | None) -> Workbook:
    workbook = Workbook()
    _write_instructions(workbook.active)
    _write_bank_sheet(workbook.create_sheet(BANK_SHEET), bank)
    questions = [_question_cells(q) for q in bank.questions] if bank else []
    cases = [_case_cells(c) for c in bank.cases] if bank else []
    steps = [
        {"case_id": case.id, **_question_cells(step)}
        for case in (bank.cases if bank else [])
        for step in case.steps
    ]
    _write_table(workbook.create_sheet(QUESTIONS_SHEET), QUESTION_COLUMNS, questions, "C2")
    _write_table(workbook.create_sheet(CASES_SHEET), CASE_COLUMNS, cases, "B2")
    _write_table(workbook.create_sheet(CASE_STEPS_SHEET), CASE_STEP_COLUMNS, steps, "D2")
    _add_type_dropdown(workbook[QUESTIONS_SHEET], QUESTION_COLUMNS, QUESTION_TYPES)
    # A poll is never scored, so it cannot be a case step.
    _add_type_dropdown(workbook[CASE_STEPS_SHEET], CASE_STEP_COLUMNS, SCORED_TYPES)
    return workbook


def _localized_cells(name: str, text: LocalizedText | None) -> dict[str, object]:
    if text is None:
        return {}
    return {f"{name}_{lang}": getattr(text, lang) for lang in LANGUAGES}


def _question_cells(question: AnyQuestion) -> dict[str, object]:
    cells: dict[str, object] = {"id": question.id, "type": question.type}
    cells.update(_localized_cells("text", question.text))
    options: list[LocalizedText] = []
    if isinstance(question, SingleChoice | MultiSelect | Poll):
        options = question.options
    elif isinstance(question, Ordering):
        options = question.steps
    for number, option in enumerate(options, start=1):
        cells.update(_localized_cells(f"option{number}", option))
    if isinstance(question, SingleChoice):
        cells["correct"] = question.correct
    elif isinstance(question, MultiSelect):
        cells["correct"] = ",".join(str(n) for n in question.correct)
    elif isinstance(question, TrueFalse):
        cells["correct"] = "true" if question.correct else "false"
    elif isinstance(question, TypedAnswer):
        cells["accepted"] = join_escaped(question.accepted, ACCEPTED_SEPARATOR)
    cells.update(_localized_cells("explanation", question.explanation))
    cells.update(time=question.time, points=question.points, image=question.image)
    cells["tags"] = join_escaped(question.tags, TAG_SEPARATOR) or None
    return cells


def _case_cells(case: CaseScenario) -> dict[str, object]:
    cells: dict[str, object] = {"id": case.id, "image": case.image}
    cells.update(_localized_cells("title", case.title))
    cells.update(_localized_cells("story", case.story))
    cells["tags"] = join_escaped(case.tags, TAG_SEPARATOR) or None
    return cells


def _bank_values(bank: Bank | None) -> dict[str, object]:
    if bank is None:
        return {}
    values: dict[str, object] = {
        "id": bank.id,
        "tags": join_escaped(bank.tags, TAG_SEPARATOR) or None,
        "default_time": bank.default_time,
        "status": bank.status,
        "source": bank.source,
        "languages": ", ".join(bank.languages),
    }
    values.update(_localized_cells("title", bank.title))
    values.update(_localized_cells("description", bank.description))
    return values


def _write_bank_sheet(worksheet: Sheet, bank: Bank | None) -> None:
    values = _bank_values(bank)
    rows = [[key, values.get(key), _BANK_HELP.get(key)] for key in BANK_KEYS]
    _write_table(worksheet, ("key", "value", "help"), [], "B2")
    for number, row in enumerate(rows, start=2):
        for position, value in enumerate(row, start=1):
            _set_cell(worksheet, number, position, value)
    for letter, width in (("A", 16), ("B", 60), ("C", 52)):
        worksheet.column_dimensions[letter].width = width
    status_row = BANK_KEYS.index("status") + 2
    _add_dropdown(worksheet, f"B{status_row}", ("draft", "sample", "reviewed"))


def _write_table(
    worksheet: Sheet,
    columns: Sequence[str],
    rows: Sequence[dict[str, object]],
    freeze: str,
) -> None:
    sheet = worksheet
    bold = Font(bold=True)
    for position, column in enumerate(columns, start=1):
        cell = _set_cell(sheet, 1, position, column)
        cell.font = bold
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = _column_width(column)
    sheet.freeze_panes = freeze
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows, start=2):
        for position, column in enumerate(columns, start=1):
            cell = _set_cell(sheet, number, position, row.get(column))
            cell.alignment = wrap


def _set_cell(worksheet: Sheet, row: int, column: int, value: object) -> Sheet:
    cell: Sheet = worksheet.cell(row=row, column=column)
    try:
        cell.value = value
    except IllegalCharacterError as error:
        message = f"{cell.coordinate}: {value!r} has a control character Excel cannot store"
        raise ValueError(message) from error
    if isinstance(value, str) and value.startswith("="):
        # openpyxl would store "=..." as a formula; bank texts are always text.
        cell.data_type = "s"
    return cell


def _column_width(column: str) -> int:
    if column.startswith(("text_", "explanation_", "story_")):
        return 40
    if column.startswith(("option", "title_")):
        return 24
    widths = {"id": 14, "case_id": 16, "type": 11, "correct": 9, "accepted": 22, "tags": 18}
    return widths.get(column, 20 if column == "image" else 8)


def _add_type_dropdown(worksheet: Sheet, columns: Sequence[str], types: Sequence[str]) -> None:
    letter = get_column_letter(columns.index("type") + 1)
    _add_dropdown(worksheet, f"{letter}2:{letter}{_TEMPLATE_ROWS}", types)


def _add_dropdown(worksheet: Sheet, cells: str, choices: Sequence[str]) -> None:
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Unknown value",
        error="Choose one of: " + ", ".join(choices),
    )
    worksheet.add_data_validation(validation)
    validation.add(cells)


_INSTRUCTIONS: tuple[tuple[str, ...], ...] = (
    (
        "Savollar banki shabloni — DMED Quiz Kiosk (oʻzbekcha)",
        "1. «Bank» varagʻi: id, nom (title_uz), tavsif, teglar, standart vaqt (soniya, 5–600), "
        "status, manba, tillar (masalan: uz, ru, en). Boʻsh qolsa, fayl nomidan olinadi.",
        "2. «Questions» varagʻi: bitta qator — bitta savol. type: single, multi, truefalse, "
        "order, typed yoki poll. id boʻsh boʻlsa: q1, q2, …",
        "3. Variantlar option1…option6 ustunlarida. correct: toʻgʻri variant raqami (2) yoki "
        "bir nechtasi (1,3); truefalse uchun true yoki false. order savolida qadamlarni "
        "toʻgʻri tartibda yozing.",
        "4. typed savol: qabul qilinadigan javoblar accepted ustunida | bilan (E11.9|E119). "
        "Teglar vergul bilan ajratiladi. points: 0, 1 yoki 2.",
        "5. Klinik holatlar: «Cases» varagʻida holat, «Case steps» varagʻida uning qadamlari "
        "(case_id — holat id si). Har bir qadamga izoh (explanation_uz) kerak.",
        "_uz ustunlari majburiy, _ru va _en ixtiyoriy. Boʻsh qatorlar oʻtkazib yuboriladi. "
        "Kahoot! jadvalini ham import qilsa boʻladi: matnlar oʻzbekcha (asosiy) matn boʻladi.",
    ),
    (
        "Шаблон банка вопросов — DMED Quiz Kiosk (русский)",
        "1. Лист «Bank»: id, название (title_uz), описание, теги, время по умолчанию "
        "(секунды, 5–600), статус, источник, языки (например: uz, ru, en). Пустое берётся "
        "из имени файла.",
        "2. Лист «Questions»: одна строка — один вопрос. type: single, multi, truefalse, "
        "order, typed или poll. Пустой id: q1, q2, …",
        "3. Варианты — в столбцах option1…option6. correct: номер верного варианта (2) или "
        "несколько (1,3); для truefalse — true или false. Для order пишите шаги в "
        "правильном порядке.",
        "4. typed: принимаемые ответы в столбце accepted через | (E11.9|E119). Теги — через "
        "запятую. points: 0, 1 или 2.",
        "5. Клинические случаи: лист «Cases» — случай, лист «Case steps» — его шаги "
        "(case_id — id случая). У каждого шага должно быть пояснение (explanation_uz).",
        "Столбцы _uz обязательны, _ru и _en — по желанию. Пустые строки пропускаются. "
        "Можно импортировать и таблицу Kahoot!: её тексты станут узбекским (основным) текстом.",
    ),
    (
        "Question bank template — DMED Quiz Kiosk (English)",
        "1. Sheet 'Bank': id, title (title_uz), description, tags, default time (seconds, "
        "5–600), status, source, languages (e.g. uz, ru, en). Left empty, the file name is "
        "used.",
        "2. Sheet 'Questions': one row per question. type: single, multi, truefalse, order, "
        "typed or poll. An empty id becomes q1, q2, …",
        "3. Options go in option1…option6. correct: the number of the right option (2) or "
        "several (1,3); for truefalse write true or false. For order, write the steps in "
        "the right order.",
        "4. typed: accepted answers in the accepted column, separated by | (E11.9|E119). "
        "Tags are comma-separated. points: 0, 1 or 2.",
        "5. Cases: the case on sheet 'Cases', its steps on sheet 'Case steps' (case_id = the "
        "case's id). Every step needs an explanation (explanation_uz).",
        "_uz columns are required, _ru and _en optional. Empty rows are skipped. A Kahoot! "
        "quiz spreadsheet imports too: its texts become the Uzbek (base) text.",
    ),
)

_EXAMPLE_COLUMNS = (
    "id",
    "type",
    "text_uz",
    "option1_uz",
    "option2_uz",
    "option3_uz",
    "correct",
    "accepted",
)
_EXAMPLES: tuple[tuple[object, ...], ...] = (
    ("disp-01", "single", "Qaysi boʻlimda?", "Qabul", "Dispanser", "Statistika", 2, None),
    ("lab-02", "multi", "Qaysilari tahlil?", "Qon", "Siydik", "Retsept", "1,2", None),
    ("ref-03", "truefalse", "Yoʻllanma imzolanadimi?", None, None, None, "true", None),
    ("ord-04", "order", "Tartibni tiklang", "Bemorni toping", "Yoʻllanma", "Saqlash", None, None),
    ("icd-05", "typed", "Qandli diabet 2-tur kodi?", None, None, None, None, "E11.9|E119"),
    ("poll-06", "poll", "DMED qulaymi?", "Ha", "Yoʻq", None, None, None),
)


def _write_instructions(worksheet: Sheet) -> None:
    sheet = worksheet
    sheet.title = INSTRUCTIONS_SHEET
    sheet.column_dimensions["A"].width = 18
    bold = Font(bold=True)
    row = 1
    for block in _INSTRUCTIONS:
        for position, line in enumerate(block):
            cell = _set_cell(sheet, row, 1, line)
            if position == 0:
                cell.font = bold
            row += 1
        row += 1
    heading = _set_cell(sheet, row, 1, "Examples / Misollar / Примеры (this sheet is not imported)")
    heading.font = bold
    row += 1
    for position, column in enumerate(_EXAMPLE_COLUMNS, start=1):
        _set_cell(sheet, row, position, column).font = bold
    for example in _EXAMPLES:
        row += 1
        for position, value in enumerate(example, start=1):
            _set_cell(sheet, row, position, value)
