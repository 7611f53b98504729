"""Percent right of some answers: the one formula every report uses."""

from __future__ import annotations


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent; None when there is nothing to count."""
    return 100.0 * part / whole if whole else None
