"""Where our template keeps things: sheet names, column names and list separators.

The reader and the writer both follow these, so a change here changes both.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from quizkiosk.banks.model import LANGUAGES, MAX_OPTIONS

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
