"""What both readers share: sheets and rows, the metadata a sheet leaves out, and the final check.

The template reader and the Kahoot! reader each build a plain bank dict; this
module fills in its defaults and validates it like a YAML file, with every
problem placed at its sheet and row.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from quizkiosk.banks.loader import validate_bank_document
from quizkiosk.banks.model import LANGUAGES, Bank
from quizkiosk.banks.problems import FieldPath, Problem
from quizkiosk.banks.xlsx.cells import _Report
from quizkiosk.banks.xlsx.layout import _SHEET_ORDER, Sheet
from quizkiosk.banks.yamlsource import YamlDocument

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


@dataclass
class ImportResult:
    """The imported bank (None if there is any error) and every problem found."""

    bank: Bank | None
    problems: list[Problem] = field(default_factory=list)
    source_format: Literal["template", "kahoot"] | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _find_sheet(workbook: Workbook, name: str) -> Sheet | None:
    for worksheet in workbook.worksheets:
        if str(worksheet.title).strip().casefold() == name.casefold():
            return worksheet
    return None


def _rows(worksheet: Sheet) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(Excel row number, cell values) for every row of a sheet."""
    rows: Iterator[tuple[object, ...]] = worksheet.iter_rows(values_only=True)
    yield from enumerate(rows, start=1)


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
