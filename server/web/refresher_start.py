"""Starting a refresher quiz in seconds: from the console's quick form, from the
refresher list (`POST /console/refreshers/start`) and through the API
(`POST /api/v1/refreshers`) — one path for all three.

It reads what was asked (`RefresherAsk`), looks up what these people saw in their last
refresher and what they missed before (in the sessions this trainer may read), draws
the questions (`quizkiosk.reports.refresher_draw`, pure and seeded) and starts an
ordinary quiz from the drawn bank (`quizkiosk.banks.drawn`), recording the draw with
the game. A request that cannot be served raises `RefresherRefused`, whose English text
the API sends and whose msgid (with its values) the console shows in the trainer's
language; nothing is created then.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from quizkiosk.accounts.store import Trainer
from quizkiosk.archive.records import TotalsFilter
from quizkiosk.banks.drawn import drawn_bank
from quizkiosk.engine.settings import GameSettings
from quizkiosk.live.actor import GameActor
from quizkiosk.live.edge import RedisUnavailable
from quizkiosk.reports.refresher_draw import (
    DEFAULT_COUNT,
    MAX_COUNT,
    MIN_COUNT,
    Drawn,
    Misses,
    banks_with_tags,
    candidates,
    draw,
    misses_from,
    seen_in,
)
from quizkiosk.web.bank_pages import REDIS_DOWN
from quizkiosk.web.i18n import N_
from quizkiosk.web.state import AppState
from quizkiosk.web.trainer_common import report_owners

MAX_TAGS, MAX_BANKS, MAX_STAFF = 20, 20, 500
TEXT_MAX = 64


@dataclass(eq=False)
class RefresherRefused(ValueError):
    """Why no refresher was started: `message` is a msgid filled from `values`."""

    status: int
    code: str
    message: str
    values: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.values if self.values else self.message


@dataclass(frozen=True, slots=True)
class RefresherAsk:
    tags: tuple[str, ...] = ()
    bank_ids: tuple[str, ...] = ()  # empty: every bank with questions on the tags
    staff_ids: tuple[str, ...] = ()  # who it is for (from the refresher list)
    department: str | None = None
    count: int = DEFAULT_COUNT
    weight_missed: bool = False


def _texts(values: Sequence[str], most: int, code: str, message: str) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(cleaned) > most or any(len(v) > TEXT_MAX for v in cleaned):
        raise RefresherRefused(422, code, message, {"most": most, "chars": TEXT_MAX})
    return cleaned


def refresher_ask(
    *,
    tags: Sequence[str],
    bank_ids: Sequence[str],
    staff_ids: Sequence[str],
    department: str | None,
    count: str | int | None,
    weight_missed: bool,
) -> RefresherAsk:
    """The checked request, from the form's or the API's fields."""
    if count is None or count == "":
        number = DEFAULT_COUNT
    elif isinstance(count, int):
        number = count
    elif count.strip().isdigit():
        number = int(count.strip())
    else:
        number = -1
    if not MIN_COUNT <= number <= MAX_COUNT:
        raise RefresherRefused(
            422,
            "invalid_count",
            N_("The number of questions must be a whole number from %(low)s to %(high)s."),
            {"low": MIN_COUNT, "high": MAX_COUNT},
        )
    place = (department or "").strip()
    if len(place) > TEXT_MAX:
        raise RefresherRefused(422, "invalid_department", N_("The department name is too long."))
    return RefresherAsk(
        tags=_texts(
            tags,
            MAX_TAGS,
            "invalid_tags",
            N_("Choose at most %(most)s topics of at most %(chars)s characters each."),
        ),
        bank_ids=_texts(
            bank_ids,
            MAX_BANKS,
            "invalid_banks",
            N_("Choose at most %(most)s banks of at most %(chars)s characters each."),
        ),
        staff_ids=_texts(
            staff_ids,
            MAX_STAFF,
            "invalid_staff",
            N_("Give at most %(most)s staff IDs of at most %(chars)s characters each."),
        ),
        department=place or None,
        count=number,
        weight_missed=weight_missed,
    )


@dataclass(frozen=True, slots=True)
class StartedRefresher:
    actor: GameActor
    drawn: Drawn
    weighted: bool  # whether earlier answers weighted the draw (someone was named)


async def start_refresher(state: AppState, trainer: Trainer, ask: RefresherAsk) -> StartedRefresher:
    """Draw the questions and start the quiz; RefresherRefused if it cannot be done."""
    banks = state.catalog.banks
    if not ask.tags and not ask.bank_ids:
        raise RefresherRefused(422, "choose_topic", N_("Choose at least one topic or bank."))
    unknown = [bank_id for bank_id in ask.bank_ids if bank_id not in banks]
    if unknown:
        raise RefresherRefused(
            404, "unknown_bank", N_("There is no bank %(bank)s."), {"bank": unknown[0]}
        )
    bank_ids = ask.bank_ids or tuple(banks_with_tags(banks.values(), ask.tags))
    pool = candidates([banks[bank_id] for bank_id in bank_ids], ask.tags)
    if not pool:
        raise RefresherRefused(
            422, "no_questions", N_("There are no quiz questions on these topics in these banks.")
        )
    if state.stopping:
        raise RefresherRefused(
            503, "server_stopping", N_("The server is restarting. Press Start again in a moment.")
        )
    seen = set()
    for game in await state.archive.last_refreshers(
        ask.staff_ids, ask.department, trainer.username
    ):
        seen |= seen_in(game.question_ids, game.bank_id)
    misses = await _misses(state, trainer, ask) if ask.weight_missed else None
    drawn = draw(pool, count=ask.count, seed=secrets.randbits(32), seen_last=seen, misses=misses)
    record = _draw_record(ask, bank_ids, drawn, weighted=misses is not None)
    # Named staff must give their staff ID, so the next refresher knows what they saw.
    settings = GameSettings(require_staff_id=bool(ask.staff_ids))
    try:
        actor = await state.registry.create_game(
            drawn_bank(banks, drawn.picks), settings, trainer.username, "quiz", draw=record
        )
    except RedisUnavailable as error:  # scaled out: nothing was started
        raise RefresherRefused(503, "unavailable", REDIS_DOWN) from error
    return StartedRefresher(actor, drawn, weighted=misses is not None)


async def _misses(
    state: AppState, trainer: Trainer, ask: RefresherAsk
) -> Mapping[tuple[str, str], Misses] | None:
    """What these staff (else this department) got wrong before, in the sessions this
    trainer may read; None when the request names nobody (nothing to weight by)."""
    owners = report_owners(trainer)
    if ask.staff_ids:
        totals = []
        for staff_id in ask.staff_ids:
            query = TotalsFilter(staff_id=staff_id, trainers=owners)
            totals += await state.archive.answer_totals(query)
        return misses_from(totals)
    if ask.department is not None:
        query = TotalsFilter(department=ask.department, trainers=owners)
        return misses_from(await state.archive.answer_totals(query))
    return None


def _draw_record(
    ask: RefresherAsk, bank_ids: Sequence[str], drawn: Drawn, *, weighted: bool
) -> dict[str, object]:
    return {
        "questions": [list(pick) for pick in drawn.picks],
        "bank_ids": list(bank_ids),
        "tags": list(ask.tags),
        "staff_ids": list(ask.staff_ids),
        "department": ask.department,
        "count": ask.count,
        "weight_missed": weighted,
        "seed": drawn.seed,
        "available": drawn.available,
        "repeated": drawn.repeated,
        "missed_first": drawn.missed_first,
    }
