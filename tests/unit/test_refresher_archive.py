"""What refreshers and report sharing keep, on a real SQLite file and a real PostgreSQL
database (`archive_url`): a game's draw, the last refresher of some people, roll-ups
narrowed to some trainers or a department, trainers' polyclinics and the sharing switch."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from argon2 import PasswordHasher
from quizkiosk.accounts import TrainerStore
from quizkiosk.archive import SqliteArchive
from quizkiosk.archive.records import (
    AnswerRecord,
    GameRecord,
    ParticipantRecord,
    SessionFilter,
    TotalsFilter,
)
from quizkiosk.store import open_archive

T = TypeVar("T")
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def run(url: str, scenario: Callable[[SqliteArchive], Awaitable[T]]) -> T:
    async def main() -> T:
        archive = open_archive(url)
        await archive.open()
        try:
            return await scenario(archive)
        finally:
            await archive.close()

    return asyncio.run(main())


def refresher_game(
    game_id: str, at: float, questions: list[str], trainer: str = "aziza"
) -> GameRecord:
    return GameRecord(
        game_id=game_id,
        pin=game_id[-6:].rjust(6, "1"),
        bank_id="icd",
        mode="quiz",
        settings={},
        trainer=trainer,
        created_at=at,
        question_ids=questions,
        seed=7,
        draw={"questions": [["icd", q] for q in questions], "tags": ["icd10"], "seed": 7},
    )


async def took_part(
    archive: SqliteArchive, game_id: str, staff_id: str | None, department: str | None
) -> None:
    player = f"p-{staff_id or department}"
    await archive.record_participant(
        ParticipantRecord(game_id, player, "Name", staff_id, department, 1.0)
    )
    await archive.record_answer(
        AnswerRecord(game_id, player, 0, "q1", 0, 2.0, 1000, correct=False, points=0)
    )


def test_a_games_draw_is_kept_and_read_back(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> tuple[object, object]:
        await archive.record_game(refresher_game("r1", 10.0, ["q2", "q1"]))
        results = await archive.game_results("r1")
        [unfinished] = await archive.unfinished_games()
        assert results is not None
        return results.game.draw, unfinished.game.draw

    from_results, from_unfinished = run(archive_url, scenario)
    expected = {"questions": [["icd", "q2"], ["icd", "q1"]], "tags": ["icd10"], "seed": 7}
    assert from_results == expected and from_unfinished == expected


def test_the_last_refresher_of_each_person_department_or_trainer(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> dict[str, list[str]]:
        await archive.record_game(refresher_game("old", 10.0, ["q1"]))
        await archive.record_game(refresher_game("new", 20.0, ["q2"]))
        await archive.record_game(refresher_game("ward", 30.0, ["q3"], trainer="bobur"))
        whole_bank = refresher_game("bank", 40.0, ["q4"])
        await archive.record_game(
            GameRecord(**{**_fields(whole_bank), "game_id": "bank", "draw": None})
        )
        await took_part(archive, "old", "T-1", "Therapy")
        await took_part(archive, "new", "T-1", "Therapy")
        await took_part(archive, "old", "T-2", None)
        await took_part(archive, "ward", None, "Surgery")
        await took_part(archive, "bank", "T-2", "Surgery")  # not a refresher

        async def ids(staff: list[str], department: str | None, trainer: str) -> list[str]:
            return sorted(
                g.game_id for g in await archive.last_refreshers(staff, department, trainer)
            )

        return {
            "T-1": await ids(["T-1"], None, "x"),
            "T-1,T-2": await ids(["T-1", "T-2", "T-1"], None, "x"),
            "Surgery": await ids([], "Surgery", "x"),
            "nobody named": await ids([], None, "aziza"),
            "unknown": await ids(["T-9"], None, "x"),
        }

    found = run(archive_url, scenario)
    assert found == {
        "T-1": ["new"],
        "T-1,T-2": ["new", "old"],
        "Surgery": ["ward"],
        "nobody named": ["new"],
        "unknown": [],
    }


def _fields(game: GameRecord) -> dict[str, object]:
    return {name: getattr(game, name) for name in GameRecord.__dataclass_fields__}


def test_lists_and_roll_ups_narrowed_to_some_trainers_or_a_department(archive_url: str) -> None:
    async def scenario(archive: SqliteArchive) -> dict[str, object]:
        for game_id, trainer in (("a", "aziza"), ("b", "bobur"), ("s", "sardor")):
            await archive.record_game(refresher_game(game_id, 10.0, ["q1"], trainer=trainer))
            await took_part(archive, game_id, f"T-{game_id}", f"Ward {game_id}")

        async def sessions(trainers: tuple[str, ...] | None) -> list[str]:
            page = await archive.list_sessions(SessionFilter(trainers=trainers))
            return sorted(s.game_id for s in page.sessions)

        async def staff(query: TotalsFilter) -> list[str | None]:
            return sorted(t.staff_id for t in await archive.answer_totals(query))

        return {
            "two trainers": await sessions(("aziza", "bobur")),
            "no trainer": await sessions(()),
            "anyone": await sessions(None),
            "totals of two": await staff(TotalsFilter(trainers=("aziza", "bobur"))),
            "totals of a ward": await staff(TotalsFilter(department="Ward s")),
        }

    found = run(archive_url, scenario)
    assert found == {
        "two trainers": ["a", "b"],
        "no trainer": [],
        "anyone": ["a", "b", "s"],
        "totals of two": ["T-a", "T-b"],
        "totals of a ward": ["T-s"],
    }


def test_polyclinics_and_the_sharing_switch_fill_in_whom_a_trainer_shares_with(
    archive_url: str,
) -> None:
    async def scenario(archive: SqliteArchive) -> dict[str, object]:
        store = TrainerStore(archive, hasher=FAST)
        for name in ("aziza", "bobur", "sardor"):
            await store.create_trainer(name, "parol-12345")
        await store.set_polyclinic("aziza", " Polyclinic  3 ")
        moved = await store.set_polyclinic("BOBUR", "Polyclinic 3")
        await store.set_polyclinic("sardor", "Polyclinic 5")
        session = await store.create_session("aziza")
        before = await store.trainer_for_session(session)
        sharing_before = await store.report_sharing()
        await store.set_report_sharing(True)
        during = await store.trainer_for_session(session)
        token = await store.create_api_token("sardor")
        alone = await store.trainer_for_token(token)
        await store.set_polyclinic("aziza", None)
        outside = await store.trainer_for_session(session)
        await store.set_report_sharing(False)
        return {
            "moved": (moved.username, moved.polyclinic),
            "before": (before.polyclinic, before.shares_with) if before else None,
            "sharing before": sharing_before,
            "during": during.shares_with if during else None,
            "alone": alone.shares_with if alone else None,
            "outside": (outside.polyclinic, outside.shares_with) if outside else None,
            "sharing after": await store.report_sharing(),
            "listed": [(t.username, t.polyclinic) for t in await store.list_trainers()],
        }

    found = run(archive_url, scenario)
    assert found == {
        "moved": ("bobur", "Polyclinic 3"),
        "before": ("Polyclinic 3", ()),  # sharing is off by default
        "sharing before": False,
        "during": ("bobur",),
        "alone": (),
        "outside": (None, ()),
        "sharing after": False,
        "listed": [("aziza", None), ("bobur", "Polyclinic 3"), ("sardor", "Polyclinic 5")],
    }
