"""Item analysis against numbers worked out by hand (Moodle's definitions)."""

from __future__ import annotations

import math

import pytest
from quizkiosk.reports.analysis import accuracy_band, internal_consistency, item_statistics

# Five participants, two items; q2 partly credited for E.
SCORES = {
    "A": {"q1": 1.0, "q2": 1.0},
    "B": {"q1": 1.0, "q2": 0.0},
    "C": {"q1": 0.0, "q2": 1.0},
    "D": {"q1": 0.0, "q2": 0.0},
    "E": {"q1": 1.0, "q2": 0.5},
}


def test_facility_is_the_mean_score_in_percent() -> None:
    q1, q2 = item_statistics(SCORES, ["q1", "q2"])
    assert q1.facility == pytest.approx(60.0)  # 3 of 5
    assert q2.facility == pytest.approx(50.0)  # (1 + 0 + 1 + 0 + 0.5) / 5


def test_discrimination_is_the_correlation_with_the_rest_of_the_test() -> None:
    # q1 = [1,1,0,0,1], rest (= q2) = [1,0,1,0,0.5]
    # mean q1 0.6, mean rest 0.5; cov = sum((x-.6)(y-.5))/4
    #   = (.4*.5 + .4*-.5 + -.6*.5 + -.6*-.5 + .4*0)/4 = 0
    q1, _ = item_statistics(SCORES, ["q1", "q2"])
    assert q1.discrimination == pytest.approx(0.0, abs=1e-9)
    assert "weak_discrimination" in q1.flags


def test_a_discriminating_item_and_its_efficiency() -> None:
    scores = {
        "A": {"q1": 1.0, "q2": 1.0, "q3": 1.0},
        "B": {"q1": 1.0, "q2": 1.0, "q3": 0.0},
        "C": {"q1": 0.0, "q2": 1.0, "q3": 0.0},
        "D": {"q1": 0.0, "q2": 0.0, "q3": 0.0},
        "E": {"q1": 1.0, "q2": 0.0, "q3": 1.0},
    }
    q1 = item_statistics(scores, ["q1", "q2", "q3"])[0]
    # x = [1,1,0,0,1]; rest = [2,1,1,0,1]; mean x .6, mean rest 1.0
    # cov = (.4*1 + .4*0 + -.6*0 + -.6*-1 + .4*0)/4 = 1.0/4 = .25
    # var x = (3*.16 + 2*.36)/4 = .3 ; var rest = (1+0+0+1+0)/4 = .5
    assert q1.discrimination == pytest.approx(100 * 0.25 / math.sqrt(0.3 * 0.5))
    # best pairing: sorted x [0,0,1,1,1] with sorted rest [0,1,1,1,2]:
    # cov_max = (-.6*-1 + -.6*0 + .4*0 + .4*0 + .4*1)/4 = 1.0/4 = .25 -> efficiency 100
    assert q1.discriminative_efficiency == pytest.approx(100.0)


def test_flags_for_items_too_hard_or_too_easy() -> None:
    scores = {f"p{n}": {"easy": 1.0, "hard": 0.0 if n else 1.0} for n in range(10)}
    easy, hard = item_statistics(scores, ["easy", "hard"])
    assert "too_easy" in easy.flags and easy.facility == 100.0
    assert "too_hard" in hard.flags and hard.facility == pytest.approx(10.0)


def test_internal_consistency_needs_enough_people_and_matches_the_formula() -> None:
    assert internal_consistency(SCORES, ["q1", "q2"]) is None  # only five people
    scores = {
        f"p{n}": {"a": float(n >= 3), "b": float(n >= 5), "c": float(n >= 4)} for n in range(10)
    }
    # a: 7 ones, b: 5, c: 6 of 10; totals: n<3:0, 3:1, 4:2, n>=5:3
    totals = [0, 0, 0, 1, 2, 3, 3, 3, 3, 3]
    mean = sum(totals) / 10
    var_total = sum((t - mean) ** 2 for t in totals) / 9

    def var(ones: int) -> float:
        m = ones / 10
        return (ones * (1 - m) ** 2 + (10 - ones) * m**2) / 9

    expected = 100 * 3 / 2 * (1 - (var(7) + var(5) + var(6)) / var_total)
    assert internal_consistency(scores, ["a", "b", "c"]) == pytest.approx(expected)


def test_accuracy_bands() -> None:
    assert [accuracy_band(p) for p in (0, 39.9, 40, 69.9, 70, 89.9, 90, 100)] == [
        "low",
        "low",
        "fair",
        "fair",
        "good",
        "good",
        "excellent",
        "excellent",
    ]
