"""The filters of the review: query parameters → archive queries, for the JSON API and
the console's review pages alike.

Who may see what is decided by `trainer_common.report_owners`; this module only reads
the parameters. A bad one raises `BadParameter`, whose English text the API sends and
whose msgid (with its values) a page shows in the visitor's language.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from quizkiosk.accounts.store import Trainer
from quizkiosk.archive.records import SessionFilter, TotalsFilter
from quizkiosk.reports.staff import MIN_ANSWERS_FOR_A_TOPIC, REFRESHER_THRESHOLD
from quizkiosk.web.i18n import N_
from quizkiosk.web.trainer_common import report_owners, sessions_owner

DAY_SECONDS = 86_400
MODES = ("quiz", "race")


@dataclass(eq=False)
class BadParameter(ValueError):
    """A query parameter that cannot be used: `message` is a msgid filled from `values`."""

    name: str
    message: str
    values: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.name}: {self.message % self.values}"


def day(text: str | None, name: str) -> float | None:
    """'2026-11-30' → that day's midnight (UTC), as unix seconds."""
    if not text:
        return None
    try:
        found = datetime.date.fromisoformat(text)
    except ValueError as error:
        raise BadParameter(name, N_("expected a date like 2026-11-30")) from error
    return datetime.datetime.combine(found, datetime.time(), datetime.UTC).timestamp()


def whole(text: str | None, name: str, low: int, high: int, default: int) -> int:
    if text is None or text == "":
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise BadParameter(
            name,
            N_("expected a whole number from %(low)s to %(high)s"),
            {"low": low, "high": high},
        )
    return int(text)


def percent(text: str | None, name: str, default: float) -> float:
    if text is None or text == "":
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 100:
        raise BadParameter(name, N_("expected a percentage from 1 to 100"))
    return value


def _until(params: Mapping[str, str]) -> float | None:
    until = day(params.get("to"), "to")
    return until + DAY_SECONDS if until is not None else None  # `to` is inclusive


def paging(params: Mapping[str, str], default: int, most: int) -> tuple[int, int]:
    """`page` (from 1) and `per_page` → (limit, offset)."""
    per_page = whole(params.get("per_page"), "per_page", 1, most, default)
    page = whole(params.get("page"), "page", 1, 100_000, 1)
    return per_page, (page - 1) * per_page


def session_filter(params: Mapping[str, str], trainer: Trainer) -> SessionFilter:
    """`from`, `to`, `bank`, `trainer` (admins), `department`, `mode`, `page`, `per_page`."""
    per_page, offset = paging(params, 25, 100)
    mode = params.get("mode") or None
    if mode is not None and mode not in MODES:
        raise BadParameter("mode", N_("expected quiz or race"))
    return SessionFilter(
        trainer=sessions_owner(trainer, params.get("trainer")),
        trainers=report_owners(trainer),
        bank_id=params.get("bank") or None,
        department=params.get("department") or None,
        mode=mode,
        since=day(params.get("from"), "from"),
        until=_until(params),
        limit=per_page,
        offset=offset,
    )


def totals_filter(
    params: Mapping[str, str], trainer: Trainer, staff_id: str | None
) -> TotalsFilter:
    """`from` and `to` over the sessions this trainer may see."""
    return TotalsFilter(
        trainers=report_owners(trainer),
        staff_id=staff_id,
        since=day(params.get("from"), "from"),
        until=_until(params),
    )


def refresher_options(params: Mapping[str, str]) -> tuple[float, int]:
    """`threshold` (percent, default 70) and `min_answers` (default 3)."""
    threshold = percent(params.get("threshold"), "threshold", REFRESHER_THRESHOLD)
    least = whole(params.get("min_answers"), "min_answers", 1, 1000, MIN_ANSWERS_FOR_A_TOPIC)
    return threshold, least
