"""Reading a Kahoot! quiz spreadsheet into a bank, one question per row.

Kahoot has one language, so its texts become the Uzbek (base) text; problems
are pointed at Kahoot's own column headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from quizkiosk.banks.model import MAX_OPTIONS
from quizkiosk.banks.problems import FieldPath
from quizkiosk.banks.xlsx.cells import _cell_text, _Cells, _option_numbers, _Report, _seconds
from quizkiosk.banks.xlsx.import_common import ImportResult, _finish, _metadata_defaults, _rows
from quizkiosk.banks.xlsx.layout import Sheet

# The real Kahoot template has its header on row 8; people insert rows above
# it, so look further down, but not through a whole sheet.
_KAHOOT_HEADER_SEARCH_ROWS = 60


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
