"""Writing workbooks in our template layout: the blank template and a bank's export.

An export is what `import_workbook` reads back, so both follow `layout`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.datavalidation import DataValidation
from quizkiosk.banks.model import (
    LANGUAGES,
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
from quizkiosk.banks.xlsx.cells import join_escaped
from quizkiosk.banks.xlsx.layout import (
    ACCEPTED_SEPARATOR,
    BANK_KEYS,
    BANK_SHEET,
    CASE_COLUMNS,
    CASE_STEP_COLUMNS,
    CASE_STEPS_SHEET,
    CASES_SHEET,
    INSTRUCTIONS_SHEET,
    QUESTION_COLUMNS,
    QUESTIONS_SHEET,
    TAG_SEPARATOR,
    Sheet,
)
from quizkiosk.banks.yaml_writer import write_bytes_atomically

# Drop-downs and formats cover this many rows; plenty for one bank.
_TEMPLATE_ROWS = 1000

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
