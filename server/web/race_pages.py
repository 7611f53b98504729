"""Starting a case race from the console's bank page (POST /console/races).

The form: `bank_id`, one or more `case_id` (played in the bank's order), `race_minutes`
(1–120), `penalty_seconds` (0–120), `teams` (none / department / host) and the
checkboxes `race_require_staff_id`, `race_require_department`,
`race_shuffle_options`. The projector page is the same /host/{game} as a quiz's.
"""

from __future__ import annotations

from pydantic import ValidationError
from quizkiosk.banks.model import Bank
from quizkiosk.engine.settings import RaceSettings
from quizkiosk.live.edge import RedisUnavailable
from quizkiosk.web.auth import state_of
from quizkiosk.web.bank_pages import REDIS_DOWN, bank_page_response, posted_bank
from quizkiosk.web.i18n import N_
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

# The msgids the bank page shows for a form it refuses (RaceFormError).
NO_CASE = N_("Choose at least one case for the race.")
UNKNOWN_CASE = N_("There is no such case in this bank.")
BAD_NUMBERS = N_("The race time must be 1 to 120 minutes and the penalty 0 to 120 seconds.")

RACE_CHECKBOXES = (
    ("race_require_staff_id", "require_staff_id"),
    ("race_require_department", "require_department"),
    ("race_shuffle_options", "shuffle_options"),
)


class RaceFormError(ValueError):
    """`str(error)` is a msgid the bank page shows."""


def race_settings_from_form(form: FormData, bank: Bank) -> RaceSettings:
    chosen = [str(value) for value in form.getlist("case_id")]
    order = [case.id for case in bank.cases]
    if not chosen:
        raise RaceFormError(NO_CASE)
    if any(case_id not in order for case_id in chosen):
        raise RaceFormError(UNKNOWN_CASE)
    try:
        minutes = int(str(form.get("race_minutes") or "15"))
        penalty = int(str(form.get("penalty_seconds") or "10"))
    except ValueError as error:
        raise RaceFormError(BAD_NUMBERS) from error
    try:
        return RaceSettings.model_validate(
            {
                "case_ids": sorted(set(chosen), key=order.index),
                "time_limit": minutes * 60,
                "penalty": penalty,
                "teams": str(form.get("teams") or "none"),
                **{setting: field in form for field, setting in RACE_CHECKBOXES},
            }
        )
    except ValidationError as error:
        raise RaceFormError(BAD_NUMBERS) from error


async def start_race(request: Request) -> Response:
    posted = await posted_bank(request)
    if isinstance(posted, Response):
        return posted
    trainer, form, bank = posted
    state = state_of(request)
    try:
        settings = race_settings_from_form(form, bank)
    except RaceFormError as error:
        return bank_page_response(request, trainer, bank, 422, str(error), form)
    if state.stopping:
        restarting = "The server is restarting. Press Start again in a moment."
        return bank_page_response(request, trainer, bank, 503, restarting, form)
    try:
        actor = await state.registry.create_game(bank, settings, trainer.username, "race")
    except RedisUnavailable:  # scaled out: nothing was started; the trainer tries again
        return bank_page_response(request, trainer, bank, 503, REDIS_DOWN, form)
    return RedirectResponse(f"/host/{actor.info.game_id}", status_code=303)


routes: list[BaseRoute] = [Route("/console/races", start_race, methods=["POST"])]
