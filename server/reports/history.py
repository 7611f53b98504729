"""One staff member's accuracy per topic, session by session: the staff record's chart.

Pure: it takes what the archive summed per session and question for that person
(quizkiosk.archive.records.SessionTotal) and each question's topics
(quizkiosk.reports.staff.topic_map), and returns one point per session and topic, in
time order — accuracy that session and, so a line reads as a trend rather than noise,
accuracy over every session so far.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from quizkiosk.archive.records import SessionTotal
from quizkiosk.banks.drawn import source_question
from quizkiosk.reports.percent import percent


@dataclass(frozen=True, slots=True)
class TopicPoint:
    game_id: str
    at: float  # the session's creation time
    answered: int
    right: int
    answered_so_far: int
    right_so_far: int

    @property
    def accuracy(self) -> float:
        return percent(self.right, self.answered) or 0.0

    @property
    def accuracy_so_far(self) -> float:
        return percent(self.right_so_far, self.answered_so_far) or 0.0


@dataclass(frozen=True, slots=True)
class SessionPoint:
    game_id: str
    at: float
    answered: int
    right: int

    @property
    def accuracy(self) -> float:
        return percent(self.right, self.answered) or 0.0


@dataclass(frozen=True, slots=True)
class StaffHistory:
    sessions: tuple[SessionPoint, ...]  # oldest first
    topics: dict[str, tuple[TopicPoint, ...]]  # topic → its points, oldest first


def staff_history(
    totals: Iterable[SessionTotal], topics: Mapping[tuple[str, str], tuple[str, ...]]
) -> StaffHistory:
    """`totals`: one staff member's rows (any order)."""
    per_session: dict[tuple[float, str], list[int]] = defaultdict(lambda: [0, 0])
    per_topic: dict[str, dict[tuple[float, str], list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for total in totals:
        key = (total.created_at, total.game_id)
        per_session[key][0] += total.answered
        per_session[key][1] += total.right
        # A refresher drawn from several banks keeps "bank:question" ids.
        source = source_question(total.bank_id, total.question_id)
        for topic in topics.get(source, ("untagged",)):
            per_topic[topic][key][0] += total.answered
            per_topic[topic][key][1] += total.right
    sessions = tuple(
        SessionPoint(game_id, at, answered, right)
        for (at, game_id), (answered, right) in sorted(per_session.items())
    )
    lines: dict[str, tuple[TopicPoint, ...]] = {}
    for topic in sorted(per_topic):
        points = []
        answered_so_far = right_so_far = 0
        for (at, game_id), (answered, right) in sorted(per_topic[topic].items()):
            answered_so_far += answered
            right_so_far += right
            points.append(TopicPoint(game_id, at, answered, right, answered_so_far, right_so_far))
        lines[topic] = tuple(points)
    return StaffHistory(sessions, lines)
