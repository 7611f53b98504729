"""Per-topic totals of scored answers: what the refresher list and the heat map read.

Summing a million answers per staff member and question, then rolling the sums up by
topic, takes seconds. Instead the archive keeps one row per participant of a session
and topic (table `topic_totals`, migration 8) — answered, right, and who they were —
recomputed for the participants a transaction touches, in that same transaction
(`recompute_players`, called by SqliteArchive's writes, so PostgreSQL's too) — except
a live game's own batches: they only queue their session (`mark_stale`), which is
recomputed as a whole when the game ends or before the next roll-up is read.

Topics are the banks' tags, and the banks are not in the archive: the server copies
each question's topics into `question_topics` (`sync_topics`, from
quizkiosk.reports.staff.topic_map). A question the table does not know counts as
"untagged". When the copied topics change (a bank edited, added, removed), the
sessions of the banks concerned are queued in `topic_totals_stale` and recomputed one
session per transaction (`recompute_game`); migration 8 queues every session archived
before it, which is the back-fill.

Every query here is in the SQL both backends accept (quizkiosk.archive.dialect).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizkiosk.archive.records import TotalsFilter

# The bank id under which `question_topics` keeps "bank:question" ids: a refresher
# drawn from several banks (bank id "a+b", quizkiosk.banks.drawn) asks those.
MULTI_BANK = "*"
UNTAGGED = "untagged"
_CHUNK = 400  # players per statement: well below every backend's parameter limit

TopicRow = tuple[str, str, str]  # (bank id, question id, topic)


@dataclass(frozen=True, slots=True)
class StaffTopicTotal:
    """One staff member's scored answers on one topic (in one department), summed."""

    department: str  # '' for none
    staff_id: str
    topic: str
    answered: int
    right: int


@dataclass(frozen=True, slots=True)
class StaffTopicPage:
    rows: list[StaffTopicTotal]
    total: int  # rows on every page


@dataclass(frozen=True, slots=True)
class DepartmentTopicTotal:
    department: str  # '' for none
    topic: str
    answered: int
    right: int
    participants: int  # distinct staff IDs


# -- writes ------------------------------------------------------------------------------

# Facts (scored answers, first attempts of race steps) of `{facts}`'s participants,
# with their topics, summed per participant and topic. `{facts}` restricts both
# branches to one game and maybe some players.
_RECOMPUTE = """
INSERT INTO topic_totals (game_id, player_id, topic, staff_id, department, trainer,
                          created_at, answered, correct_count)
SELECT f.game_id, f.player_id, COALESCE(qt.topic, 'untagged'), COALESCE(p.staff_id, ''),
       COALESCE(p.department, ''), g.trainer, g.created_at, COUNT(*), SUM(f.correct)
FROM (
    SELECT game_id, player_id, question_id, correct FROM answers
    WHERE correct IS NOT NULL AND {facts}
    UNION ALL
    SELECT game_id, player_id, step_id, correct FROM attempts
    WHERE attempt = 1 AND {facts}
) AS f
JOIN games g ON g.id = f.game_id
JOIN participants p ON p.game_id = f.game_id AND p.player_id = f.player_id
LEFT JOIN question_topics qt
    ON qt.bank_id = (CASE WHEN g.bank_id LIKE '%+%' THEN '*' ELSE g.bank_id END)
    AND qt.question_id = f.question_id
WHERE p.staff_id IS NOT NULL OR p.department IS NOT NULL
GROUP BY f.game_id, f.player_id, COALESCE(qt.topic, 'untagged'), p.staff_id, p.department,
         g.trainer, g.created_at
"""


def recompute_players(conn: sqlite3.Connection, game_id: str, player_ids: Iterable[str]) -> None:
    """The topic totals of these participants of `game_id`, from their facts now."""
    players = sorted(set(player_ids))
    for start in range(0, len(players), _CHUNK):
        chunk = players[start : start + _CHUNK]
        where = f"game_id = ? AND player_id IN ({', '.join('?' for _ in chunk)})"
        params = (game_id, *chunk)
        conn.execute(f"DELETE FROM topic_totals WHERE {where}", params)
        conn.execute(_RECOMPUTE.format(facts=where), (*params, *params))


def mark_stale(conn: sqlite3.Connection, game_id: str) -> None:
    """Queue a running session whose facts changed. Its totals are recomputed when it
    ends, or before the next roll-up is read (quizkiosk.web.review_totals) — never on
    the way to an answer's acknowledgement: recomputing the touched participants in
    every batch tripled the median ack at 4,000 answers a second (docs/performance.md)."""
    conn.execute(
        "INSERT INTO topic_totals_stale (game_id) VALUES (?) ON CONFLICT (game_id) DO NOTHING",
        (game_id,),
    )


def recompute_game(conn: sqlite3.Connection, game_id: str) -> None:
    """All topic totals of one session, and the session off the queue."""
    conn.execute("DELETE FROM topic_totals WHERE game_id = ?", (game_id,))
    conn.execute(_RECOMPUTE.format(facts="game_id = ?"), (game_id, game_id))
    conn.execute("DELETE FROM topic_totals_stale WHERE game_id = ?", (game_id,))


def forget_staff(conn: sqlite3.Connection, staff_id: str) -> None:
    """An erased staff member: their participants keep no staff ID and no department,
    which roll-ups leave out (their answers stay in the sessions' own reports)."""
    conn.execute("DELETE FROM topic_totals WHERE staff_id = ?", (staff_id,))


def sync_topics(conn: sqlite3.Connection, rows: Collection[TopicRow]) -> int:
    """Make `question_topics` hold exactly `rows`; queue the sessions of every bank whose
    rows changed. Returns how many sessions are queued now."""
    wanted = set(rows)
    held = {
        (str(b), str(q), str(t))
        for b, q, t in conn.execute("SELECT bank_id, question_id, topic FROM question_topics")
    }
    gone = held - wanted
    new = wanted - held
    conn.executemany(
        "DELETE FROM question_topics WHERE bank_id = ? AND question_id = ? AND topic = ?",
        sorted(gone),
    )
    conn.executemany(
        "INSERT INTO question_topics (bank_id, question_id, topic) VALUES (?, ?, ?)",
        sorted(new),
    )
    for bank_id in sorted({bank for bank, _, _ in gone | new}):
        if bank_id == MULTI_BANK:
            where, params = "bank_id LIKE ?", ("%+%",)
        else:
            where, params = "bank_id = ?", (bank_id,)
        conn.execute(
            "INSERT INTO topic_totals_stale (game_id) SELECT id FROM games"
            f" WHERE {where} ON CONFLICT (game_id) DO NOTHING",
            params,
        )
    return int(conn.execute("SELECT COUNT(*) FROM topic_totals_stale").fetchone()[0])


def stale_games(conn: sqlite3.Connection, limit: int) -> list[str]:
    rows = conn.execute(
        "SELECT game_id FROM topic_totals_stale ORDER BY game_id LIMIT ?", (limit,)
    ).fetchall()
    return [str(row[0]) for row in rows]


# -- reads -------------------------------------------------------------------------------


def filter_conditions(
    query: TotalsFilter, *, people: str = "", games: str = "", base: str = "1 = 1"
) -> tuple[str, list[object]]:
    """The WHERE clause of a roll-up for `query`, and its parameters: over
    `topic_totals` (every column on one table) or over participants and games
    (`people="p."`, `games="g."`, as the per-question roll-ups read them)."""
    conditions = [base]
    params: list[object] = []
    for sql, value in (
        (f"{games}trainer = ?", query.trainer),
        (f"{people}staff_id = ?", query.staff_id),
        (f"{people}department = ?", query.department),
        (f"{games}created_at >= ?", query.since),
        (f"{games}created_at < ?", query.until),
    ):
        if value is not None:
            conditions.append(sql)
            params.append(value)
    if query.trainers is not None:
        if query.trainers:
            conditions.append(f"{games}trainer IN ({', '.join('?' for _ in query.trainers)})")
            params.extend(query.trainers)
        else:
            conditions.append("0 = 1")  # nobody's sessions
    return " AND ".join(f"({c})" for c in conditions), params


# Staff below a threshold on a topic, grouped by department, weakest first; the total
# number of such rows rides along on each row (a window over the groups).
_BELOW = """
SELECT department, staff_id, topic, SUM(answered), SUM(correct_count), COUNT(*) OVER ()
FROM topic_totals
WHERE staff_id <> '' AND {where}
GROUP BY staff_id, department, topic
HAVING SUM(answered) >= ? AND 100.0 * SUM(correct_count) < ? * SUM(answered)
ORDER BY {order}
LIMIT ? OFFSET ?
"""
_ACCURACY = "1.0 * SUM(correct_count) / SUM(answered)"
_WEAKEST = f"department, {_ACCURACY}, staff_id, topic"
_BY_TOPIC = f"department, topic, {_ACCURACY}, staff_id"
_BELOW_COUNT = """
SELECT COUNT(*) FROM (
    SELECT staff_id FROM topic_totals
    WHERE staff_id <> '' AND {where}
    GROUP BY staff_id, department, topic
    HAVING SUM(answered) >= ? AND 100.0 * SUM(correct_count) < ? * SUM(answered)
) AS below
"""


def below_threshold(
    conn: sqlite3.Connection,
    query: TotalsFilter,
    threshold: float,
    min_answers: int,
    limit: int,
    offset: int,
    by_topic: bool = False,
) -> StaffTopicPage:
    where, params = filter_conditions(query)
    having = (min_answers, threshold)
    below = _BELOW.format(where=where, order=_BY_TOPIC if by_topic else _WEAKEST)
    rows = conn.execute(below, (*params, *having, limit, offset)).fetchall()
    if rows:
        total = int(rows[0][5])
    else:  # past the last page (or none at all): count without a page
        total = int(
            conn.execute(_BELOW_COUNT.format(where=where), (*params, *having)).fetchone()[0]
        )
    return StaffTopicPage(
        [StaffTopicTotal(str(d), str(s), str(t), int(a), int(r)) for d, s, t, a, r, _ in rows],
        total,
    )


# Per department and topic: answers summed, and the staff IDs counted once each (the
# inner grouping is in the index's order, so it streams; the outer one is small).
_DEPARTMENTS = """
SELECT department, topic, SUM(answered), SUM(correct_count),
       SUM(CASE WHEN staff_id <> '' THEN 1 ELSE 0 END)
FROM (
    SELECT staff_id, department, topic, SUM(answered) AS answered,
           SUM(correct_count) AS correct_count
    FROM topic_totals
    WHERE {where}
    GROUP BY staff_id, department, topic
) AS people
GROUP BY department, topic
ORDER BY department, topic
"""


def by_department(conn: sqlite3.Connection, query: TotalsFilter) -> list[DepartmentTopicTotal]:
    where, params = filter_conditions(query)
    return [
        DepartmentTopicTotal(str(d), str(t), int(a), int(r), int(n))
        for d, t, a, r, n in conn.execute(_DEPARTMENTS.format(where=where), params).fetchall()
    ]
