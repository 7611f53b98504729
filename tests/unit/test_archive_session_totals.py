"""One staff member's answers summed per session and question (the staff record's
chart), from both backends (`archive_url`: a SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import asyncio

import pytest
from quizkiosk.archive.records import (
    AnswerRecord,
    Archive,
    AttemptRecord,
    GameRecord,
    InputRecord,
    ParticipantRecord,
    SessionTotal,
    TotalsFilter,
)
from quizkiosk.store import open_archive

DAY = 86_400.0


async def fill(archive: Archive) -> None:
    """Two quizzes (aziza's, bobur's) and a race, each with S-1 (ann) and S-2 (bob)."""
    for n, (trainer, mode) in enumerate([("aziza", "quiz"), ("bobur", "quiz"), ("aziza", "race")]):
        game_id = f"g{n}"
        await archive.record_game(
            GameRecord(game_id, f"10000{n}", "icd", mode, {}, trainer, (n + 1) * DAY, [])
        )
        people = (
            ParticipantRecord(game_id, "ann", "Ann", "S-1", "ENT", 0.0),
            ParticipantRecord(game_id, "bob", "Bob", "S-2", "ENT", 0.0),
        )
        answers: tuple[AnswerRecord, ...] = ()
        attempts: tuple[AttemptRecord, ...] = ()
        if mode == "quiz":
            answers = tuple(
                AnswerRecord(game_id, who, i, f"q{i}", 0, 0.0, 100, right, 0, 0)
                for who, i, right in [
                    ("ann", 0, True),
                    ("ann", 1, n == 1),
                    ("ann", 2, None),  # a poll: not scored
                    ("bob", 0, False),
                ]
            )
        else:
            attempts = (
                AttemptRecord(game_id, "ann", 0, "c/s1", 1, 0, 0, 0.0, 10, False),
                AttemptRecord(game_id, "ann", 0, "c/s1", 2, 1, 1, 0.0, 20, True),
            )
        await archive.record_inputs(
            game_id, [InputRecord(1, 0.0, {"kind": "x"}, people, answers, attempts)]
        )


def test_session_totals_follow_one_staff_member_session_by_session(archive_url: str) -> None:
    async def main() -> tuple[list[SessionTotal], list[SessionTotal]]:
        archive = open_archive(archive_url)
        await archive.open()
        try:
            await fill(archive)
            every = await archive.session_totals(TotalsFilter(staff_id="S-1"))
            hers = await archive.session_totals(TotalsFilter(staff_id="S-1", trainer="aziza"))
            with pytest.raises(ValueError, match="one staff member"):
                await archive.session_totals(TotalsFilter())
        finally:
            await archive.close()
        return every, hers

    every, hers = asyncio.run(main())
    assert every == [
        SessionTotal("g0", 1 * DAY, "icd", "q0", 1, 1),
        SessionTotal("g0", 1 * DAY, "icd", "q1", 1, 0),
        SessionTotal("g1", 2 * DAY, "icd", "q0", 1, 1),
        SessionTotal("g1", 2 * DAY, "icd", "q1", 1, 1),
        SessionTotal("g2", 3 * DAY, "icd", "c/s1", 1, 0),  # the race: first attempt only
    ]
    assert all(type(t.answered) is int and type(t.right) is int for t in every)
    assert hers == [t for t in every if t.game_id != "g1"]  # bobur's quiz left out
