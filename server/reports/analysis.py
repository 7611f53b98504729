"""Item analysis of one session, as Moodle's quiz statistics report defines it.

Pure arithmetic on first attempts: each participant's score on each item as a
fraction of the item's maximum (0..1; partial credit counts). For item i with
scores x and the rest of the test r = (total - x):

- facility index F = mean(x) × 100 — how easy the item was;
- discrimination index D = 100 × Pearson r(x, rest) — whether those who did well
  on the rest of the test did well on this item;
- discriminative efficiency E = 100 × Cov(x, rest) / Cov_max(x, rest), where
  Cov_max pairs both lists sorted in the same order — how close D is to the best
  this item's score distribution allows;
- coefficient of internal consistency (the test, not an item) CIC =
  100 × k/(k-1) × (1 - Σ var(x_i) / var(total)).

Flags follow Moodle's guidance: an item too hard (F < 20) or too easy (F > 90) for
this group, or one that does not discriminate (D < 25), deserves a look.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

TOO_HARD = 20.0
TOO_EASY = 90.0
WEAK_DISCRIMINATION = 25.0
MIN_PARTICIPANTS_FOR_CIC = 10  # fewer: the coefficient means little, so none is shown
MIN_PARTICIPANTS_FOR_DISCRIMINATION = 5


@dataclass(frozen=True, slots=True)
class ItemStatistics:
    item: str
    attempts: int
    facility: float | None  # percent
    standard_deviation: float | None  # percent of the item's maximum
    discrimination: float | None  # percent
    discriminative_efficiency: float | None  # percent
    flags: tuple[str, ...]  # "too_hard", "too_easy", "weak_discrimination"


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _variance(values: Sequence[float]) -> float:
    """Sample variance (n - 1), as Moodle uses."""
    n = len(values)
    if n < 2:
        return 0.0
    mean = _mean(values)
    return sum((v - mean) ** 2 for v in values) / (n - 1)


def _covariance(a: Sequence[float], b: Sequence[float]) -> float:
    n = len(a)
    if n < 2:
        return 0.0
    mean_a, mean_b = _mean(a), _mean(b)
    return sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True)) / (n - 1)


def item_statistics(
    scores: dict[str, dict[str, float]], items: Sequence[str]
) -> list[ItemStatistics]:
    """`scores[participant][item]` in 0..1 (first attempt; a missing item counts 0 for
    a participant who answered any item). Participants who answered nothing are left out."""
    people = [p for p, marks in scores.items() if marks]
    totals = {p: sum(scores[p].get(i, 0.0) for i in items) for p in people}
    result = []
    for item in items:
        x = [scores[p].get(item, 0.0) for p in people]
        rest = [totals[p] - scores[p].get(item, 0.0) for p in people]
        attempts = sum(1 for p in people if item in scores[p])
        if not people:
            result.append(ItemStatistics(item, 0, None, None, None, None, ()))
            continue
        facility = 100.0 * _mean(x)
        sd = 100.0 * math.sqrt(_variance(x))
        discrimination: float | None = None
        efficiency: float | None = None
        if len(people) >= MIN_PARTICIPANTS_FOR_DISCRIMINATION:
            var_x, var_rest = _variance(x), _variance(rest)
            cov = _covariance(x, rest)
            if var_x > 0 and var_rest > 0:
                discrimination = 100.0 * cov / math.sqrt(var_x * var_rest)
                best = _covariance(sorted(x), sorted(rest))
                efficiency = 100.0 * cov / best if best > 0 else None
        flags = []
        if facility < TOO_HARD:
            flags.append("too_hard")
        if facility > TOO_EASY:
            flags.append("too_easy")
        if discrimination is not None and discrimination < WEAK_DISCRIMINATION:
            flags.append("weak_discrimination")
        result.append(
            ItemStatistics(item, attempts, facility, sd, discrimination, efficiency, tuple(flags))
        )
    return result


def internal_consistency(scores: dict[str, dict[str, float]], items: Sequence[str]) -> float | None:
    """The test's coefficient of internal consistency (percent), or None with too few
    participants or items, or no spread in the totals."""
    people = [p for p, marks in scores.items() if marks]
    k = len(items)
    if len(people) < MIN_PARTICIPANTS_FOR_CIC or k < 2:
        return None
    totals = [sum(scores[p].get(i, 0.0) for i in items) for p in people]
    var_total = _variance(totals)
    if var_total <= 0:
        return None
    item_variance = sum(_variance([scores[p].get(i, 0.0) for p in people]) for i in items)
    return 100.0 * k / (k - 1) * (1.0 - item_variance / var_total)


def accuracy_band(percent: float) -> str:
    """Wayground-style bands for accuracy: <40, 40–70, 70–90, ≥90."""
    if percent < 40:
        return "low"
    if percent < 70:
        return "fair"
    if percent < 90:
        return "good"
    return "excellent"
