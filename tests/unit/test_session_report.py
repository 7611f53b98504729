"""A session's report, from archived results and its bank: what the room got wrong and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from quizkiosk.archive.records import (
    AnswerRecord,
    GameRecord,
    GameResults,
    ParticipantRecord,
    StandingRecord,
)
from quizkiosk.banks.loader import load_banks
from quizkiosk.reports.session import session_report

BANK = load_banks([Path(__file__).parents[1] / "integration"]).banks["every-type"]
IDS = ["single", "multi", "truefalse", "order", "typed", "poll"]


def answer(
    player: str, index: int, answer: object, correct: bool | None, ms: int = 1000
) -> AnswerRecord:
    return AnswerRecord(
        game_id="g",
        player_id=player,
        question_index=index,
        question_id=IDS[index],
        payload=answer,
        received_at=0.0,
        response_ms=ms,
        correct=correct,
        points=1000 if correct else 0,
        answer=answer,
    )


def results() -> GameResults:
    game = GameRecord("g", "123456", "every-type", "quiz", {}, "nurse", 0.0, IDS)
    people = [
        ParticipantRecord("g", p, p.title(), f"T-{p}", "Therapy", 0.0)
        for p in ("ann", "bob", "cat")
    ]
    answers = [
        # single: key is bank option 1 ("B"); ann right, bob and cat chose option 0 ("A")
        answer("ann", 0, 1, True, 2000),
        answer("bob", 0, 0, False, 4000),
        answer("cat", 0, 0, False, 6000),
        # truefalse (key false): everyone right
        answer("ann", 2, False, True),
        answer("bob", 2, False, True),
        answer("cat", 2, False, True),
        # multi: ann right, bob partly
        answer("ann", 1, [1, 3], True),
        answer("bob", 1, [1], False),
        # poll: no right answer
        answer("ann", 5, 0, None),
    ]
    standings = [
        StandingRecord("ann", 1, 3000, 3),
        StandingRecord("bob", 2, 1000, 1),
        StandingRecord("cat", 3, 1000, 1),
    ]
    return GameResults(game, 0.0, 100.0, people, answers, standings)


def test_questions_come_hardest_first_with_percent_right_and_mean_time() -> None:
    report = session_report(results(), BANK)
    order = [q.question_id for q in report.questions]
    assert order[:3] == ["single", "multi", "truefalse"]  # 33 %, 50 %, 100 %
    single = report.questions[0]
    assert single.answered == 3 and single.correct == 1
    assert single.percent_correct == pytest.approx(100 / 3)
    assert single.mean_response_ms == pytest.approx(4000)
    poll = next(q for q in report.questions if q.question_id == "poll")
    assert poll.percent_correct is None


def test_the_distribution_is_in_bank_terms_and_shows_the_misconception() -> None:
    single = session_report(results(), BANK).questions[0]
    assert [(c.label["en"], c.count, c.correct) for c in single.choices] == [
        ("A", 2, False),  # the wrong option most people chose
        ("B", 1, True),
        ("C", 0, False),
    ]


def test_participants_by_rank_with_their_accuracy_and_answers() -> None:
    report = session_report(results(), BANK)
    assert [(p.name, p.rank, p.correct, p.answered) for p in report.participants] == [
        ("Ann", 1, 3, 4),
        ("Bob", 2, 1, 3),
        ("Cat", 3, 1, 2),
    ]
    assert report.participants[0].accuracy == pytest.approx(100.0)
    assert report.participants[2].accuracy == pytest.approx(50.0)
    assert report.mean_accuracy == pytest.approx((100 + 100 / 3 + 50) / 3)
    assert [a.question_id for a in report.participants[0].answers] == [
        "single",
        "multi",
        "truefalse",
        "poll",
    ]


def test_item_statistics_come_from_first_attempts() -> None:
    report = session_report(results(), BANK)
    stats = {q.question_id: q.statistics for q in report.questions}
    assert stats["single"] is not None and stats["single"].facility == pytest.approx(100 / 3)
    assert stats["truefalse"] is not None and "too_easy" in stats["truefalse"].flags
    assert stats["poll"] is None  # not scored
    assert report.internal_consistency is None  # three people are too few
