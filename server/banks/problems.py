"""Problems found in a bank, each tied to a file, a line and a field path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
FieldPath = tuple[str | int, ...]


def render_path(path: FieldPath) -> str:
    """`("questions", 2, "options", 0, "ru")` -> `questions[3].options[1].ru`.

    List positions are shown counted from 1, as a trainer counts them.
    """
    rendered = ""
    for part in path:
        if isinstance(part, int):
            rendered += f"[{part + 1}]"
        else:
            rendered += f".{part}" if rendered else part
    return rendered or "(bank)"


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    path: FieldPath
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        label = "" if self.severity == "error" else "warning: "
        return f"{where}: {render_path(self.path)}: {label}{self.message}"
