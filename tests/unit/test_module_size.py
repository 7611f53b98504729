"""Modules fit on a few screens: none under server/ is over 500 lines without a reason.

A longer module says why it is one module, in a paragraph of its docstring that starts
with "Why one long module:" (as server/protocol.py does). The same rule holds for the
JavaScript (tests/js/modules.test.mjs).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "server"
MAX_LINES = 500
REASON = "Why one long module:"
# A reason is a sentence or two, not the marker alone.
MIN_REASON_CHARS = 80


def long_modules() -> list[Path]:
    return sorted(
        path
        for path in SERVER.rglob("*.py")
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    )


def reason_of(path: Path) -> str | None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    for paragraph in docstring.split("\n\n"):
        if paragraph.startswith(REASON):
            return " ".join(paragraph.removeprefix(REASON).split())
    return None


def test_the_rule_sees_the_long_modules() -> None:
    assert SERVER / "protocol.py" in long_modules()  # 600 lines, with its reason


@pytest.mark.parametrize("relative", [str(path.relative_to(SERVER)) for path in long_modules()])
def test_a_long_module_says_why_it_is_one_module(relative: str) -> None:
    reason = reason_of(SERVER / relative)
    assert reason is not None, f"server/{relative} is over {MAX_LINES} lines: write why"
    assert len(reason) >= MIN_REASON_CHARS, f"server/{relative}: {reason!r} is not a reason"
