"""The sessions list (filters, pages, participant counts and accuracy) and the roll-up
totals, from both backends (`archive_url`: a SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import asyncio

from quizkiosk.archive.records import (
    AnswerRecord,
    AnswerTotal,
    AttemptRecord,
    GameRecord,
    InputRecord,
    ParticipantRecord,
    SessionFilter,
    TotalsFilter,
)
from quizkiosk.archive.sqlite import SqliteArchive
from quizkiosk.store import open_archive


def answer(game: str, player: str, index: int, correct: bool) -> AnswerRecord:
    return AnswerRecord(game, player, index, f"q{index}", 0, 0.0, 100, correct, 0, 0)


async def fill(archive: SqliteArchive) -> None:
    for n, (trainer, bank, mode, day) in enumerate(
        [
            ("aziza", "icd", "quiz", 1),
            ("aziza", "icd", "quiz", 2),
            ("bobur", "card", "quiz", 3),
            ("aziza", "card", "race", 4),
        ]
    ):
        game_id = f"g{n}"
        await archive.record_game(
            GameRecord(game_id, f"10000{n}", bank, mode, {}, trainer, day * 86_400.0, [])
        )
        people = tuple(
            ParticipantRecord(game_id, p, p, None, "Therapy" if p == "ann" else "Surgery", 0.0)
            for p in ("ann", "bob")
        )
        answers: tuple[AnswerRecord, ...] = ()
        attempts: tuple[AttemptRecord, ...] = ()
        if mode == "quiz":
            answers = (answer(game_id, "ann", 0, True), answer(game_id, "bob", 0, n == 0))
        else:
            attempts = (
                AttemptRecord(game_id, "ann", 0, "c/s1", 1, 0, 0, 0.0, 10, False),
                AttemptRecord(game_id, "ann", 0, "c/s1", 2, 1, 1, 0.0, 20, True),
                AttemptRecord(game_id, "bob", 0, "c/s1", 1, 1, 1, 0.0, 10, True),
            )
        await archive.record_inputs(
            game_id,
            [InputRecord(1, 0.0, {"kind": "x"}, people, answers, attempts)],
        )


def test_sessions_newest_first_with_counts_accuracy_and_filters(archive_url: str) -> None:
    async def main() -> None:
        archive = open_archive(archive_url)
        await archive.open()
        await fill(archive)
        everything = await archive.list_sessions(SessionFilter())
        assert everything.total == 4
        assert [s.game_id for s in everything.sessions] == ["g3", "g2", "g1", "g0"]
        by_id = {s.game_id: s for s in everything.sessions}
        assert by_id["g0"].participants == 2 and by_id["g0"].accuracy == 100.0
        assert by_id["g1"].accuracy == 50.0
        assert by_id["g3"].accuracy == 50.0  # a race: first attempts (ann wrong, bob right)
        mine = await archive.list_sessions(SessionFilter(trainer="aziza", bank_id="icd"))
        assert [s.game_id for s in mine.sessions] == ["g1", "g0"]
        dated = await archive.list_sessions(SessionFilter(since=2 * 86_400.0, until=4 * 86_400.0))
        assert [s.game_id for s in dated.sessions] == ["g2", "g1"]
        races = await archive.list_sessions(SessionFilter(mode="race"))
        assert [s.game_id for s in races.sessions] == ["g3"]
        by_department = await archive.list_sessions(SessionFilter(department="Therapy"))
        assert by_department.total == 4
        assert (await archive.list_sessions(SessionFilter(department="ENT"))).total == 0
        page_two = await archive.list_sessions(SessionFilter(limit=3, offset=3))
        assert page_two.total == 4 and [s.game_id for s in page_two.sessions] == ["g0"]
        await archive.close()

    asyncio.run(main())


def test_answer_totals_sum_quiz_answers_and_first_race_attempts_per_department(
    archive_url: str,
) -> None:
    async def main() -> tuple[list[AnswerTotal], list[AnswerTotal]]:
        archive = open_archive(archive_url)
        await archive.open()
        try:
            await fill(archive)
            every = await archive.answer_totals(TotalsFilter())
            hers = await archive.answer_totals(TotalsFilter(trainer="aziza"))
        finally:
            await archive.close()
        return sorted(every, key=_key), sorted(hers, key=_key)

    every, hers = asyncio.run(main())

    day = 86_400.0
    assert every == [
        AnswerTotal(None, "Surgery", "card", "c/s1", 1, 1, 4 * day),  # bob's first attempt
        AnswerTotal(None, "Surgery", "card", "q0", 1, 0, 3 * day),
        AnswerTotal(None, "Surgery", "icd", "q0", 2, 1, 2 * day),
        AnswerTotal(None, "Therapy", "card", "c/s1", 1, 0, 4 * day),  # ann's second not counted
        AnswerTotal(None, "Therapy", "card", "q0", 1, 1, 3 * day),
        AnswerTotal(None, "Therapy", "icd", "q0", 2, 2, 2 * day),
    ]
    assert all(type(t.answered) is int and type(t.right) is int for t in every)
    assert [t for t in every if t.last_seen != 3 * day] == hers  # bobur's session left out


def _key(total: AnswerTotal) -> tuple[str, str, str]:
    return (total.department or "", total.bank_id, total.question_id)


def test_the_bank_filter_finds_refreshers_drawn_from_several_banks(archive_url: str) -> None:
    async def main() -> dict[str, list[str]]:
        archive = open_archive(archive_url)
        await archive.open()
        try:
            for n, bank in enumerate(["icd", "card+icd", "icd+lab", "card+icd+lab", "icd_x", "x"]):
                await archive.record_game(
                    GameRecord(f"g{n}", f"10000{n}", bank, "quiz", {}, "aziza", float(n), [])
                )
            found = {}
            for bank in ("icd", "card", "lab", "icd_", "ic", "%"):
                page = await archive.list_sessions(SessionFilter(bank_id=bank))
                found[bank] = sorted(s.bank_id for s in page.sessions)
            return found
        finally:
            await archive.close()

    found = asyncio.run(main())
    assert found["icd"] == ["card+icd", "card+icd+lab", "icd", "icd+lab"]
    assert found["card"] == ["card+icd", "card+icd+lab"]
    assert found["lab"] == ["card+icd+lab", "icd+lab"]
    assert found["icd_"] == [] and found["ic"] == [] and found["%"] == []  # no wildcards
