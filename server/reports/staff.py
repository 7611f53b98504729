"""Following staff across sessions, by DMED topic: a staff record, the refresher list,
and the department heat map.

Pure: it takes answer totals summed by the archive and the banks (for each question's
topic tags). A question's topics are its own tags, else its bank's. Accuracy is
right ÷ answered, in percent.

The staff record sums one person's totals per question (`staff_record`). The refresher
list and the heat map read the archive's per-topic totals (quizkiosk.archive.
topic_totals), which the archive keeps from the topics `topic_rows` gives it;
`refresher_list` and `heat_map` compute the same figures from per-question totals and
are what those totals are tested against.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from quizkiosk.archive.records import AnswerTotal
from quizkiosk.archive.topic_totals import (
    MULTI_BANK,
    DepartmentTopicTotal,
    StaffTopicTotal,
    TopicRow,
)
from quizkiosk.banks.drawn import QUALIFIER, source_question
from quizkiosk.banks.model import Bank
from quizkiosk.reports.percent import percent

REFRESHER_THRESHOLD = 70.0  # percent: below this on a topic, a refresher is due
MIN_ANSWERS_FOR_A_TOPIC = 3  # fewer answers say too little about a person's topic


@dataclass(frozen=True, slots=True)
class TopicScore:
    topic: str
    answered: int
    right: int

    @property
    def accuracy(self) -> float:
        return percent(self.right, self.answered) or 0.0


@dataclass(frozen=True, slots=True)
class StaffRecord:
    staff_id: str
    departments: tuple[str, ...]
    answered: int
    right: int
    accuracy: float | None
    topics: tuple[TopicScore, ...]  # weakest first
    last_seen: float | None
    name: str | None = None  # the name they gave last; None once erased


@dataclass(frozen=True, slots=True)
class RefresherNeed:
    department: str
    staff_id: str
    topic: str
    accuracy: float
    answered: int


@dataclass(frozen=True, slots=True)
class HeatCell:
    department: str
    topic: str
    accuracy: float
    answered: int
    participants: int


def topic_map(banks: Iterable[Bank]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(bank id, question id) → its topics; case steps as "case id/step id"."""
    topics: dict[tuple[str, str], tuple[str, ...]] = {}
    for bank in banks:
        fallback = tuple(bank.tags) or ("untagged",)
        for q in bank.questions:
            topics[(bank.id, q.id)] = tuple(q.tags) or fallback
        for case in bank.cases:
            for step in case.steps:
                tags = tuple(step.tags) or tuple(case.tags) or fallback
                topics[(bank.id, f"{case.id}/{step.id}")] = tags
    return topics


def topic_rows(banks: Iterable[Bank]) -> set[TopicRow]:
    """What the archive keeps of the banks' topics: (bank id, question id, topic), and
    each question again as a drawn bank of several banks asks it ("bank:question",
    under bank id MULTI_BANK)."""
    rows: set[TopicRow] = set()
    for (bank_id, question_id), topics in topic_map(banks).items():
        for topic in topics:
            rows.add((bank_id, question_id, topic))
            if "/" not in question_id:  # case steps are never drawn into refreshers
                rows.add((MULTI_BANK, f"{bank_id}{QUALIFIER}{question_id}", topic))
    return rows


def needs_of(totals: Iterable[StaffTopicTotal]) -> list[RefresherNeed]:
    """The archive's rows below the threshold as the refresher list shows them."""
    return [
        RefresherNeed(t.department, t.staff_id, t.topic, 100.0 * t.right / t.answered, t.answered)
        for t in totals
        if t.answered
    ]


def heat_cells(totals: Iterable[DepartmentTopicTotal]) -> list[HeatCell]:
    """The archive's per-department topic totals as heat map cells."""
    return [
        HeatCell(t.department, t.topic, 100.0 * t.right / t.answered, t.answered, t.participants)
        for t in totals
        if t.answered
    ]


def _topics_of(
    total: AnswerTotal, topics: Mapping[tuple[str, str], tuple[str, ...]]
) -> tuple[str, ...]:
    # A refresher drawn from several banks keeps "bank:question" ids (quizkiosk.banks.drawn).
    return topics.get(source_question(total.bank_id, total.question_id), ("untagged",))


def staff_record(
    staff_id: str,
    totals: Iterable[AnswerTotal],
    topics: Mapping[tuple[str, str], tuple[str, ...]],
    name: str | None = None,
) -> StaffRecord:
    mine = [t for t in totals if t.staff_id == staff_id]
    by_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for total in mine:
        for topic in _topics_of(total, topics):
            by_topic[topic][0] += total.answered
            by_topic[topic][1] += total.right
    scores = sorted(
        (TopicScore(topic, answered, right) for topic, (answered, right) in by_topic.items()),
        key=lambda s: (s.accuracy, -s.answered, s.topic),
    )
    answered = sum(t.answered for t in mine)
    right = sum(t.right for t in mine)
    return StaffRecord(
        staff_id=staff_id,
        departments=tuple(sorted({t.department for t in mine if t.department})),
        answered=answered,
        right=right,
        accuracy=percent(right, answered),
        topics=tuple(scores),
        last_seen=max((t.last_seen for t in mine), default=None),
        name=name,
    )


def refresher_list(
    totals: Iterable[AnswerTotal],
    topics: Mapping[tuple[str, str], tuple[str, ...]],
    threshold: float = REFRESHER_THRESHOLD,
    min_answers: int = MIN_ANSWERS_FOR_A_TOPIC,
) -> list[RefresherNeed]:
    """Staff below `threshold` on a topic (with at least `min_answers` answers on it),
    grouped by department, weakest first within each department."""
    sums: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for total in totals:
        if total.staff_id is None:
            continue
        department = total.department or ""
        for topic in _topics_of(total, topics):
            entry = sums[(department, total.staff_id, topic)]
            entry[0] += total.answered
            entry[1] += total.right
    needs = [
        RefresherNeed(department, staff_id, topic, 100.0 * right / answered, answered)
        for (department, staff_id, topic), (answered, right) in sums.items()
        if answered >= min_answers and 100.0 * right / answered < threshold
    ]
    needs.sort(key=lambda n: (n.department, n.accuracy, n.staff_id, n.topic))
    return needs


def heat_map(
    totals: Iterable[AnswerTotal], topics: Mapping[tuple[str, str], tuple[str, ...]]
) -> list[HeatCell]:
    """Accuracy per department and topic, with how many staff it is about."""
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    for total in totals:
        department = total.department or ""
        for topic in _topics_of(total, topics):
            entry = sums[(department, topic)]
            entry[0] += total.answered
            entry[1] += total.right
            if total.staff_id:
                people[(department, topic)].add(total.staff_id)
    return sorted(
        (
            HeatCell(
                department,
                topic,
                100.0 * right / answered,
                answered,
                len(people[(department, topic)]),
            )
            for (department, topic), (answered, right) in sums.items()
            if answered
        ),
        key=lambda c: (c.department, c.topic),
    )
