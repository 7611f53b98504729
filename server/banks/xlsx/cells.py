"""Cell values: what a trainer typed in one cell, read as a bank value or reported there.

Text, whole numbers, seconds, option numbers, true/false and escaped lists are read
here; a cell that cannot be read raises `_CellError`, which `_Cells` turns into a
problem at that sheet, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from quizkiosk.banks.model import LANGUAGES
from quizkiosk.banks.problems import FieldPath, Problem

T = TypeVar("T")

MIN_SECONDS, MAX_SECONDS = 5, 600

# Words a trainer may type for true/false, in the three bank languages.
_TRUE_WORDS = frozenset({"true", "yes", "ha", "to'g'ri", "да", "верно", "правда", "1"})
_FALSE_WORDS = frozenset({"false", "no", "yo'q", "noto'g'ri", "нет", "неверно", "ложь", "0"})
_APOSTROPHES = re.compile(r"[ʻʼ‘’`´]")


class _CellError(ValueError):
    """A cell whose value cannot be read; the message says what is wrong."""


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
