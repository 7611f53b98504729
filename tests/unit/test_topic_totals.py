"""The archive's per-topic totals (migration 8, quizkiosk.archive.topic_totals), on both
backends (`archive_url`): kept up to date as answers are recorded, the same figures as
the per-question roll-up (quizkiosk.reports.staff.refresher_list / heat_map) they
replace, filtered and paged; consistent after erasure, a merge, a bank's tags changing;
and back-filled for an archive written before them."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from urllib.parse import urlsplit

from quizkiosk.archive import topic_totals
from quizkiosk.archive.migrations import MIGRATIONS
from quizkiosk.archive.records import (
    AnswerRecord,
    AttemptRecord,
    GameRecord,
    InputRecord,
    ParticipantRecord,
    TotalsFilter,
)
from quizkiosk.archive.sqlite import SqliteArchive
from quizkiosk.archive.topic_totals import MULTI_BANK, TopicRow
from quizkiosk.reports.staff import heat_cells, heat_map, needs_of, refresher_list
from quizkiosk.store import open_archive

DAY = 86_400.0
# Bank "icd": q1 on coding, q2 on coding and e-card; "card": q1 on e-card, the race step
# c/s1 on lab. A refresher drawn from both asks "icd:q1" and "card:q1".
TOPICS: set[TopicRow] = {
    ("icd", "q1", "coding"),
    ("icd", "q2", "coding"),
    ("icd", "q2", "e-card"),
    ("card", "q1", "e-card"),
    ("card", "c/s1", "lab"),
    (MULTI_BANK, "icd:q1", "coding"),
    (MULTI_BANK, "card:q1", "e-card"),
}


def topic_map_of(rows: set[TopicRow]) -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], list[str]] = {}
    for bank, question, topic in sorted(rows):
        if bank != MULTI_BANK:
            found.setdefault((bank, question), []).append(topic)
    return {key: tuple(topics) for key, topics in found.items()}


def answer(game: str, player: str, index: int, question: str, correct: bool) -> AnswerRecord:
    return AnswerRecord(game, player, index, question, 0, 0.0, 100, correct, 0, 0)


def person(game: str, player: str, staff: str | None, department: str | None) -> ParticipantRecord:
    return ParticipantRecord(game, player, f"Name of {player}", staff, department, 0.0)


async def play(
    archive: SqliteArchive,
    game_id: str,
    bank: str,
    trainer: str,
    day: int,
    people: Sequence[ParticipantRecord],
    answers: Sequence[AnswerRecord] = (),
    attempts: Sequence[AttemptRecord] = (),
    mode: str = "quiz",
) -> None:
    await archive.record_game(
        GameRecord(game_id, f"1{day:05}", bank, mode, {}, trainer, day * DAY, [])
    )
    # Two batches, as a game records them: joins, then answers (the second batch
    # repeats one answer, as a resend after a reconnect does: counted once).
    await archive.record_inputs(game_id, [InputRecord(1, 0.0, {"k": 1}, tuple(people))])
    await archive.record_inputs(
        game_id,
        [
            InputRecord(2, 1.0, {"k": 2}, (), tuple(answers), tuple(attempts)),
            InputRecord(3, 2.0, {"k": 3}, (), tuple(answers[:1]), ()),
        ],
    )


async def fill(archive: SqliteArchive) -> None:
    await archive.sync_topics(TOPICS)
    await play(
        archive,
        "g1",
        "icd",
        "aziza",
        1,
        [
            person("g1", "p1", "S1", "Therapy"),
            person("g1", "p2", "S2", "Therapy"),
            person("g1", "p3", None, "Surgery"),  # no staff ID: the department still counts
            person("g1", "p4", None, None),  # nobody known: left out of every roll-up
        ],
        [
            answer("g1", "p1", 0, "q1", False),
            answer("g1", "p1", 1, "q2", False),
            answer("g1", "p2", 0, "q1", True),
            answer("g1", "p2", 1, "q2", True),
            answer("g1", "p3", 0, "q1", False),
            answer("g1", "p4", 0, "q1", True),
        ],
    )
    await play(
        archive,
        "g2",
        "card",
        "bobur",
        5,
        [person("g2", "a", "S1", "Therapy"), person("g2", "b", "S3", "Surgery")],
        attempts=[
            AttemptRecord("g2", "a", 0, "c/s1", 1, 0, 0, 0.0, 10, False),
            AttemptRecord("g2", "a", 0, "c/s1", 2, 1, 1, 0.0, 20, True),  # not a first try
            AttemptRecord("g2", "b", 0, "c/s1", 1, 1, 1, 0.0, 10, True),
        ],
        mode="race",
    )
    await play(
        archive,
        "g3",
        "card+icd",  # a refresher drawn from both banks
        "aziza",
        9,
        [person("g3", "x", "S1", "Therapy"), person("g3", "y", "S2", "Therapy")],
        [
            answer("g3", "x", 0, "icd:q1", False),
            answer("g3", "x", 1, "card:q1", True),
            answer("g3", "y", 0, "icd:q1", False),
            answer("g3", "y", 1, "card:q1", False),
        ],
    )
    # Running sessions only queue themselves; the totals are recomputed before a roll-up
    # is read, as the server does (quizkiosk.web.review_totals).
    while await archive.recompute_stale_topics(100):
        pass


def run(archive_url: str, work: object) -> object:
    async def main() -> object:
        archive = open_archive(archive_url)
        await archive.open()
        try:
            await fill(archive)
            return await work(archive)  # type: ignore[operator]
        finally:
            await archive.close()

    return asyncio.run(main())


async def both_ways(archive: SqliteArchive, query: TotalsFilter) -> tuple[object, ...]:
    """The topic totals' figures and the per-question roll-up's, for one filter."""
    totals = await archive.answer_totals(query)
    topics = topic_map_of(TOPICS)
    page = await archive.staff_below_threshold(query, 70.0, 1, 1000, 0)
    cells = await archive.department_topics(query)
    return (
        needs_of(page.rows),
        refresher_list(totals, topics, threshold=70.0, min_answers=1),
        heat_cells(cells),
        heat_map(totals, topics),
        page.total,
    )


def test_topic_totals_give_the_per_question_roll_ups_figures(archive_url: str) -> None:
    async def work(archive: SqliteArchive) -> list[tuple[object, ...]]:
        return [
            await both_ways(archive, query)
            for query in (
                TotalsFilter(),
                TotalsFilter(trainer="aziza"),
                TotalsFilter(trainers=("bobur",)),
                TotalsFilter(trainers=()),
                TotalsFilter(since=2 * DAY),
                TotalsFilter(until=6 * DAY),
                TotalsFilter(department="Therapy"),
            )
        ]

    results = run(archive_url, work)
    assert isinstance(results, list)
    for needs, expected_needs, cells, expected_cells, total in results:
        assert needs == expected_needs
        assert cells == expected_cells
        assert total == len(expected_needs)
    # By hand, over everything: S1 answered q1 ✗, q2 ✗ (coding 0/2, e-card 0/1), c/s1 ✗
    # first try (lab 0/1), icd:q1 ✗, card:q1 ✓ (coding 0/3, e-card 1/2).
    needs, _, cells, _, _ = results[0]
    s1 = {(n.topic, n.answered, round(n.accuracy)) for n in needs if n.staff_id == "S1"}
    assert s1 == {("coding", 3, 0), ("e-card", 2, 50), ("lab", 1, 0)}
    # S2: coding q1 ✓ q2 ✓ icd:q1 ✗ = 2/3 (67 %), e-card q2 ✓ card:q1 ✗ = 1/2.
    s2 = {(n.topic, n.answered, round(n.accuracy)) for n in needs if n.staff_id == "S2"}
    assert s2 == {("coding", 3, 67), ("e-card", 2, 50)}
    therapy_coding = next(c for c in cells if (c.department, c.topic) == ("Therapy", "coding"))
    assert (therapy_coding.answered, therapy_coding.participants) == (6, 2)
    assert round(therapy_coding.accuracy) == 33  # S1 0/3, S2 2/3
    surgery_coding = next(c for c in cells if (c.department, c.topic) == ("Surgery", "coding"))
    assert (surgery_coding.answered, surgery_coding.participants) == (1, 0)  # p3: no staff ID


def test_refresher_rows_come_a_page_at_a_time_with_the_total(archive_url: str) -> None:
    async def work(archive: SqliteArchive) -> tuple[object, ...]:
        every = await archive.staff_below_threshold(TotalsFilter(), 70.0, 1, 100, 0)
        first = await archive.staff_below_threshold(TotalsFilter(), 70.0, 1, 2, 0)
        second = await archive.staff_below_threshold(TotalsFilter(), 70.0, 1, 2, 2)
        past = await archive.staff_below_threshold(TotalsFilter(), 70.0, 1, 2, 50)
        by_topic = await archive.staff_below_threshold(
            TotalsFilter(), 70.0, 1, 100, 0, by_topic=True
        )
        fewest = await archive.staff_below_threshold(TotalsFilter(), 70.0, 3, 100, 0)
        return every, first, second, past, by_topic, fewest

    every, first, second, past, by_topic, fewest = run(archive_url, work)  # type: ignore[misc]
    assert every.total == 5 and len(every.rows) == 5
    assert first.total == 5 and first.rows == every.rows[:2]
    assert second.total == 5 and second.rows == every.rows[2:4]
    assert past.total == 5 and past.rows == []
    assert [r.department for r in every.rows] == sorted(r.department for r in every.rows)
    keys = [(r.department, r.topic) for r in by_topic.rows]
    assert keys == sorted(keys)
    assert {(r.staff_id, r.topic) for r in fewest.rows} == {("S1", "coding"), ("S2", "coding")}


def test_erasure_and_merges_keep_the_topic_totals_consistent(archive_url: str) -> None:
    async def work(archive: SqliteArchive) -> tuple[object, ...]:
        # p3 joined without a staff ID: an admin merges them into S3 (and fixes nothing else).
        assert await archive.set_participant("g1", "p3", staff_id="S3")
        merged = await both_ways(archive, TotalsFilter())
        erased = await archive.erase_staff("S1")
        after_erasure = await both_ways(archive, TotalsFilter())
        return erased, merged, after_erasure

    erased, merged, after = run(archive_url, work)  # type: ignore[misc]
    assert erased == 3
    for needs, expected_needs, cells, expected_cells, _ in (merged, after):
        assert needs == expected_needs and cells == expected_cells
    assert any(n.staff_id == "S3" and n.topic == "coding" for n in merged[0])
    assert not any(n.staff_id == "S1" for n in after[0])
    assert not any(c.department == "Therapy" and c.topic == "lab" for c in after[2])


def test_a_bank_whose_tags_change_is_recomputed(archive_url: str) -> None:
    retagged = (TOPICS - {("icd", "q1", "coding")}) | {("icd", "q1", "referrals")}

    async def work(archive: SqliteArchive) -> tuple[object, ...]:
        queued = await archive.sync_topics(retagged)
        done = await archive.recompute_stale_topics(100)
        again = await archive.recompute_stale_topics(100)
        unchanged = await archive.sync_topics(retagged)
        page = await archive.staff_below_threshold(TotalsFilter(), 70.0, 1, 100, 0)
        return queued, done, again, unchanged, page

    queued, done, again, unchanged, page = run(archive_url, work)  # type: ignore[misc]
    assert (queued, done, again, unchanged) == (1, 1, 0, 0)  # only the icd session
    s1 = {(r.topic, r.answered) for r in page.rows if r.staff_id == "S1"}
    assert ("referrals", 1) in s1 and ("coding", 2) in s1  # q2 and the refresher's icd:q1


def test_migration_8_back_fills_an_archive_written_before_it(archive_url: str) -> None:
    write_version_7_archive(archive_url)

    async def main() -> tuple[object, ...]:
        archive = open_archive(archive_url)
        await archive.open()
        try:
            before = await archive.staff_below_threshold(TotalsFilter(), 70.0, 1, 100, 0)
            queued = await archive.sync_topics(TOPICS)
            while await archive.recompute_stale_topics(1):
                pass
            after = await archive.staff_below_threshold(TotalsFilter(), 70.0, 1, 100, 0)
            totals = await archive.answer_totals(TotalsFilter())
        finally:
            await archive.close()
        return before, queued, after, totals

    before, queued, after, totals = asyncio.run(main())
    assert before.total == 0  # nothing summed until the topics are known
    assert queued == 2
    expected = refresher_list(totals, topic_map_of(TOPICS), threshold=70.0, min_answers=1)  # type: ignore[arg-type]
    assert needs_of(after.rows) == expected  # type: ignore[attr-defined]
    assert {(n.staff_id, n.topic) for n in expected} == {("S1", "coding"), ("S1", "e-card")}


def write_version_7_archive(url: str) -> None:
    """Two sessions written with the schema as it was before migration 8."""
    statements: list[tuple[str, tuple[object, ...]]] = [
        (
            "INSERT INTO games (id, pin, bank_id, mode, trainer, created_at)"
            " VALUES (?, ?, ?, 'quiz', 'aziza', ?)",
            (game, pin, bank, at),
        )
        for game, pin, bank, at in (("old1", "1", "icd", DAY), ("old2", "2", "card", 2 * DAY))
    ]
    statements += [
        (
            "INSERT INTO participants (game_id, player_id, name, staff_id, department,"
            " joined_at) VALUES (?, 'p', 'Ann', 'S1', 'Therapy', 0)",
            (game,),
        )
        for game in ("old1", "old2")
    ]
    statements += [
        (
            "INSERT INTO answers (game_id, player_id, question_index, question_id, payload,"
            " received_at, response_ms, correct, points) VALUES (?, 'p', ?, ?, '0', 0, 0, ?, 0)",
            row,
        )
        for row in (("old1", 0, "q1", 0), ("old1", 1, "q2", 1), ("old2", 0, "q1", 0))
    ]
    if urlsplit(url).scheme == "sqlite":
        from quizkiosk.archive.migrations import migrate

        conn = sqlite3.connect(urlsplit(url).path, isolation_level=None)
        migrate(conn, MIGRATIONS[:7])
        for sql, params in statements:
            conn.execute(sql, params)
        conn.close()
        return
    from quizkiosk.archive.postgres_connection import PortableConnection, connect
    from quizkiosk.archive.postgres_schema import migrate as migrate_postgres

    raw = connect(url)
    migrate_postgres(raw, MIGRATIONS[:7])
    portable = PortableConnection(raw)
    for sql, params in statements:
        portable.execute(sql, params)
    raw.commit()
    raw.close()


def test_a_staff_record_names_the_name_given_last_and_none_once_erased(archive_url: str) -> None:
    async def work(archive: SqliteArchive) -> tuple[object, ...]:
        latest = await archive.staff_name("S1", TotalsFilter())
        bobur = await archive.staff_name("S1", TotalsFilter(trainers=("bobur",)))
        nobody = await archive.staff_name("S1", TotalsFilter(trainers=("carol",)))
        await archive.erase_staff("S1")
        erased = await archive.staff_name("S1", TotalsFilter())
        return latest, bobur, nobody, erased

    assert run(archive_url, work) == ("Name of x", "Name of a", None, None)


def test_a_live_game_only_queues_its_session_and_its_end_makes_the_totals_exact(
    archive_url: str,
) -> None:
    """Nothing is recomputed on the way to an answer's acknowledgement: a running game's
    batches queue the session; the batch that ends it recomputes it and takes it off."""

    async def work(archive: SqliteArchive) -> tuple[object, ...]:
        people = [person("g9", "p1", "S9", "Therapy")]
        await play(archive, "g9", "icd", "aziza", 10, people, [answer("g9", "p1", 0, "q1", True)])
        queued = await archive.read(lambda conn: topic_totals.stale_games(conn, 100))
        rows_while_running = await archive.read(
            lambda conn: conn.execute(
                "SELECT COUNT(*) FROM topic_totals WHERE game_id = 'g9'"
            ).fetchone()[0]
        )
        await archive.record_inputs("g9", [InputRecord(4, 3.0, {"k": 4}, ended_at=3.0)])
        queued_after = await archive.read(lambda conn: topic_totals.stale_games(conn, 100))
        totals = await archive.read(
            lambda conn: conn.execute(
                "SELECT staff_id, topic, answered, correct_count FROM topic_totals"
                " WHERE game_id = 'g9'"
            ).fetchall()
        )
        return queued, rows_while_running, queued_after, [tuple(row) for row in totals]

    queued, rows_while_running, queued_after, totals = run(archive_url, work)  # type: ignore[misc]
    assert queued == ["g9"]
    assert rows_while_running == 0
    assert queued_after == []
    assert totals == [("S9", "coding", 1, 1)]
