"""Roll-ups across sessions by topic, against hand-counted totals."""

from __future__ import annotations

import pytest
from quizkiosk.archive.records import AnswerTotal
from quizkiosk.reports.staff import heat_map, refresher_list, staff_record

TOPICS = {
    ("icd", "q1"): ("icd10",),
    ("icd", "q2"): ("icd10",),
    ("card", "q3"): ("e-card", "privacy"),
}
TOTALS = [
    # staff T-1 (Therapy): icd10 2 of 6 right; e-card/privacy 4 of 4
    AnswerTotal("T-1", "Therapy", "icd", "q1", 4, 1, 100.0),
    AnswerTotal("T-1", "Therapy", "icd", "q2", 2, 1, 200.0),
    AnswerTotal("T-1", "Therapy", "card", "q3", 4, 4, 300.0),
    # staff T-2 (Surgery): icd10 3 of 3; e-card 1 of 4
    AnswerTotal("T-2", "Surgery", "icd", "q1", 3, 3, 50.0),
    AnswerTotal("T-2", "Surgery", "card", "q3", 4, 1, 60.0),
    # no staff ID: counts for the department only
    AnswerTotal(None, "Surgery", "icd", "q2", 2, 0, 70.0),
]


def test_a_staff_record_has_accuracy_by_topic_weakest_first() -> None:
    record = staff_record("T-1", TOTALS, TOPICS)
    assert (record.answered, record.right) == (10, 6)
    assert record.accuracy == pytest.approx(60.0)
    assert [(t.topic, t.answered, t.right) for t in record.topics] == [
        ("icd10", 6, 2),
        ("e-card", 4, 4),
        ("privacy", 4, 4),
    ]
    assert record.departments == ("Therapy",) and record.last_seen == 300.0


def test_the_refresher_list_takes_those_below_the_threshold_by_department() -> None:
    needs = refresher_list(TOTALS, TOPICS, threshold=70.0, min_answers=3)
    assert [(n.department, n.staff_id, n.topic, round(n.accuracy)) for n in needs] == [
        ("Surgery", "T-2", "e-card", 25),
        ("Surgery", "T-2", "privacy", 25),
        ("Therapy", "T-1", "icd10", 33),
    ]
    assert refresher_list(TOTALS, TOPICS, threshold=30.0) == needs[:2]
    assert refresher_list(TOTALS, TOPICS, min_answers=7) == []


def test_the_heat_map_counts_answers_and_people_per_department_and_topic() -> None:
    cells = {(c.department, c.topic): c for c in heat_map(TOTALS, TOPICS)}
    surgery_icd = cells[("Surgery", "icd10")]
    assert (surgery_icd.answered, surgery_icd.participants) == (5, 1)
    assert surgery_icd.accuracy == pytest.approx(60.0)
    assert cells[("Therapy", "privacy")].accuracy == 100.0
