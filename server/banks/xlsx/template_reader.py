"""Reading our own template (sheets Bank, Questions, Cases, Case steps) into a bank.

Each row becomes bank-file data; the bank rules' problems are then pointed back
at the template's sheet, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from quizkiosk.banks.model import LANGUAGES, MAX_OPTIONS, QUESTION_TYPES
from quizkiosk.banks.problems import FieldPath
from quizkiosk.banks.xlsx.cells import (
    _cell_text,
    _Cells,
    _header_name,
    _option_numbers,
    _Report,
    _seconds,
    _truth,
    _whole_number,
    split_escaped,
)
from quizkiosk.banks.xlsx.import_common import (
    ImportResult,
    _find_sheet,
    _finish,
    _metadata_defaults,
    _rows,
)
from quizkiosk.banks.xlsx.layout import (
    ACCEPTED_SEPARATOR,
    BANK_KEYS,
    BANK_SHEET,
    CASE_COLUMNS,
    CASE_STEP_COLUMNS,
    CASE_STEPS_SHEET,
    CASES_SHEET,
    OPTION_COLUMNS,
    QUESTION_COLUMNS,
    QUESTIONS_SHEET,
    TAG_SEPARATOR,
)

_NOT_CORRECT = {
    "order": "`correct` is not used for order questions: write the steps in the right order",
    "typed": "`correct` is not used for typed questions: list the answers under `accepted`",
    "poll": "`correct` is not used for polls: a poll has no right answer",
}


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
