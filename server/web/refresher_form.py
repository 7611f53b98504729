"""What the console's quick refresher form offers: the topics of every bank (with how
many quiz questions each has), the banks, the question counts — and, after a refused
start, what the trainer had chosen, so nothing has to be picked again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from quizkiosk.banks.model import Bank, Poll
from quizkiosk.reports.refresher_draw import COUNT_CHOICES, DEFAULT_COUNT, topics_of
from starlette.datastructures import FormData


@dataclass(frozen=True, slots=True)
class TopicChoice:
    tag: str
    questions: int
    checked: bool


@dataclass(frozen=True, slots=True)
class BankChoice:
    id: str
    title: str
    checked: bool


@dataclass(frozen=True, slots=True)
class QuickRefresher:
    topics: tuple[TopicChoice, ...]
    banks: tuple[BankChoice, ...]
    counts: tuple[int, ...]
    count: int
    department: str
    weight_missed: bool
    staff_ids: tuple[str, ...]  # kept from the refresher list's form, if it came from there


def quick_refresher_view(
    banks: Iterable[Bank], lang: str, posted: FormData | None = None
) -> QuickRefresher:
    ordered = sorted(banks, key=lambda b: b.id)
    per_topic: Counter[str] = Counter()
    for bank in ordered:
        for question in bank.questions:
            if not isinstance(question, Poll):
                per_topic.update(topics_of(bank, question.tags))
    tags = set(_values(posted, "tag"))
    chosen_banks = set(_values(posted, "bank_id"))
    count = str(posted.get("count") or "") if posted is not None else ""
    return QuickRefresher(
        topics=tuple(TopicChoice(tag, n, tag in tags) for tag, n in sorted(per_topic.items())),
        banks=tuple(
            BankChoice(b.id, b.title.get(lang), b.id in chosen_banks)
            for b in ordered
            if any(not isinstance(q, Poll) for q in b.questions)
        ),
        counts=COUNT_CHOICES,
        count=int(count) if count.isdigit() else DEFAULT_COUNT,
        department=str(posted.get("department") or "") if posted is not None else "",
        weight_missed=posted is not None and posted.get("weight_missed") == "1",
        staff_ids=tuple(_values(posted, "staff_id")),
    )


def _values(posted: FormData | None, name: str) -> list[str]:
    if posted is None:
        return []
    return [value for value in posted.getlist(name) if isinstance(value, str)]
