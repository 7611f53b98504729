"""The review's pure parts against hand-counted fixtures: a race's steps and paths, a
staff member's accuracy per topic session by session, and the SVG charts."""

from __future__ import annotations

import re

import pytest
from quizkiosk.archive.records import (
    AttemptRecord,
    GameRecord,
    GameResults,
    ParticipantRecord,
    SessionTotal,
    StandingRecord,
)
from quizkiosk.reports.history import staff_history
from quizkiosk.reports.race import race_report
from quizkiosk.reports.session import session_report
from quizkiosk.web.charts import Bar, Series, bar_chart, line_chart


def tried(player: str, step: int, attempt: int, race_ms: int, correct: bool) -> AttemptRecord:
    return AttemptRecord("r", player, step, f"c/s{step + 1}", attempt, 0, 0, 0.0, race_ms, correct)


RACE = GameResults(
    game=GameRecord("r", "1", "bank", "race", {}, "aziza", 0.0, ["c/s1", "c/s2"]),
    started_at=0.0,
    ended_at=100.0,
    participants=[
        ParticipantRecord("r", "ann", "Ann", "S-1", "ENT", 0.0),
        ParticipantRecord("r", "bob", "Bob", None, None, 0.0),
        ParticipantRecord("r", "cy", "Cy", None, None, 0.0),  # joined, never answered
    ],
    answers=[],
    standings=[StandingRecord("ann", 1, 2, 2), StandingRecord("bob", 2, 1, 1)],
    attempts=[
        # Ann: step 1 right at 4 s; step 2 wrong at 9 s, right at 15 s.
        tried("ann", 0, 1, 4_000, True),
        tried("ann", 1, 1, 9_000, False),
        tried("ann", 1, 2, 15_000, True),
        # Bob: step 1 wrong at 3 s, wrong again at 8 s, right at 12 s.
        tried("bob", 0, 1, 3_000, False),
        tried("bob", 0, 2, 8_000, False),
        tried("bob", 0, 3, 12_000, True),
    ],
)


def test_a_race_report_counts_first_tries_attempts_and_time_per_step() -> None:
    report = race_report(RACE, session_report(RACE, None).questions)
    first, second = sorted(report.steps, key=lambda s: s.index)
    assert (first.racers, first.first_try_right, first.attempts, first.solved) == (2, 1, 4, 2)
    assert first.percent_first_try == pytest.approx(50.0)
    assert first.mean_time_ms == pytest.approx((4_000 + 12_000) / 2)
    assert (second.racers, second.first_try_right, second.attempts) == (1, 0, 2)
    assert second.mean_time_ms == pytest.approx(11_000)  # from step 1 done (4 s) to 15 s
    assert [s.index for s in report.steps] == [1, 0]  # hardest first


def test_each_racers_path_is_in_the_order_they_finished_the_steps() -> None:
    report = race_report(RACE, session_report(RACE, None).questions)
    ann, bob, cy = report.paths
    assert [(s.index, s.attempts, s.solved, s.time_ms) for s in ann.steps] == [
        (0, 1, True, 4_000),
        (1, 2, True, 11_000),
    ]
    assert (ann.rank, ann.solved, ann.first_try_right, ann.race_ms) == (1, 2, 1, 15_000)
    assert [(s.attempts, s.time_ms) for s in bob.steps] == [(3, 12_000)]
    assert (cy.rank, cy.steps, cy.race_ms) == (None, (), 0)


def test_a_staff_history_has_one_point_per_session_and_topic_in_time_order() -> None:
    topics = {("icd", "q1"): ("icd10",), ("card", "q2"): ("e-card", "privacy")}
    totals = [
        SessionTotal("g2", 200.0, "icd", "q1", 2, 2),
        SessionTotal("g1", 100.0, "icd", "q1", 4, 1),
        SessionTotal("g1", 100.0, "card", "q2", 2, 1),
        SessionTotal("g2", 200.0, "other", "q9", 1, 0),  # not in any bank now
    ]
    history = staff_history(totals, topics)
    assert [(s.game_id, s.answered, s.right) for s in history.sessions] == [
        ("g1", 6, 2),
        ("g2", 3, 2),
    ]
    icd = history.topics["icd10"]
    assert [(p.game_id, p.accuracy) for p in icd] == [("g1", 25.0), ("g2", 100.0)]
    assert icd[-1].accuracy_so_far == pytest.approx(50.0)  # 3 of 6 over both sessions
    assert [p.game_id for p in history.topics["privacy"]] == ["g1"]
    assert history.topics["untagged"][0].accuracy == 0.0


def test_a_line_chart_is_an_accessible_image_with_every_value_as_text() -> None:
    svg = str(
        line_chart(
            "Accuracy <per> topic",
            "One line per topic",
            ["2026-11-01", "2026-11-08"],
            [Series("icd10", [(0, 25.0), (1, 100.0)]), Series('e-"card"', [(1, 50.0)])],
            threshold=70.0,
            threshold_label="70 %",
        )
    )
    assert svg.startswith('<svg class="chart line-chart"') and 'role="img"' in svg
    assert '<title id="chart-title">Accuracy &lt;per&gt; topic</title>' in svg
    assert '<desc id="chart-desc">One line per topic</desc>' in svg
    assert "e-&#34;card&#34;" in svg and 'e-"card"' not in svg  # names are escaped
    tips = re.findall(r"<title>([^<]*)</title>", svg)
    assert "icd10, 2026-11-01: 25\u00a0%" in tips and "icd10, 2026-11-08: 100\u00a0%" in tips
    assert svg.count("<polyline") == 1  # a one-point series is a marker, not a line
    assert 'class="threshold"' in svg and "style=" not in svg  # the CSP allows no inline style


def test_a_bar_chart_prints_each_value_and_bands_the_bars() -> None:
    svg = str(
        bar_chart(
            "Right per question",
            "Share right",
            [Bar("1. Easy", 95.0, "95 %"), Bar("2. Hard", 10.0, "10 %"), Bar("3. Poll", None, "—")],
        )
    )
    assert re.findall(r'class="bar-value"[^>]*>([^<]*)<', svg) == ["95 %", "10 %", "—"]
    assert 'class="bar bar-good"' in svg and 'class="bar bar-low"' in svg
    assert svg.count('class="bar bar-') == 2  # nothing drawn for a value that is not there
