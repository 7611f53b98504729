"""The trainer's console (GET /console): the banks to start a game from and the games
still running, the quick refresher form, with the small form handlers that start a
quiz (POST /console/games), start a refresher (POST /console/refreshers/start) and end a
game (POST /console/games/{game_id}/end).

The forms carry the CSRF double-submit token like every other; a refused start shows
the bank page again (`bank_pages.bank_page_response`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from quizkiosk.accounts.store import Trainer
from quizkiosk.engine.commands import HostAction
from quizkiosk.engine.game import CommandRefused
from quizkiosk.live.actor import GameStopped
from quizkiosk.live.edge import LiveGame, RedisUnavailable
from quizkiosk.web.auth import current_trainer, read_form, state_of
from quizkiosk.web.bank_pages import (
    REDIS_DOWN,
    bank_page_response,
    bank_view,
    posted_bank,
    settings_from_form,
)
from quizkiosk.web.i18n import N_, choose_language
from quizkiosk.web.refresher_form import quick_refresher_view
from quizkiosk.web.refresher_start import RefresherRefused, refresher_ask, start_refresher
from quizkiosk.web.trainer_common import controlled_game, may_control, render, to_login
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route


@dataclass(frozen=True)
class GameView:
    game_id: str
    pin: str
    title: str
    owner: str
    phase: str
    players: int
    created_at: float
    mode: str = "quiz"  # "quiz" or "race"


def game_view(actor: LiveGame, lang: str) -> GameView:
    return GameView(
        game_id=actor.info.game_id,
        pin=actor.info.pin,
        title=actor.info.title.get(lang) or actor.info.title.get("uz", ""),
        owner=actor.info.owner,
        phase=actor.phase,
        players=actor.player_count,
        created_at=actor.info.created_at,
        mode=actor.info.mode,
    )


async def console_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    if trainer is None:
        return to_login(request)
    return await console_response(request, trainer)


async def console_response(
    request: Request,
    trainer: Trainer,
    status: int = 200,
    refresher_error: RefresherRefused | None = None,
    refresher_values: FormData | None = None,
) -> Response:
    """The console; with a refused quick refresher, its error above the form kept filled."""
    state = state_of(request)
    lang = choose_language(request)
    banks = [bank_view(b, lang) for b in sorted(state.catalog.banks.values(), key=lambda b: b.id)]
    # Scaled out, the games other workers run are listed too.
    whose = None if trainer.role == "admin" else (trainer.username,)
    games = [
        game_view(a, lang)
        for a in await state.registry.running_games(whose)
        if a.phase != "ended" and may_control(trainer, a.info.owner)
    ]
    games.sort(key=lambda g: g.created_at, reverse=True)
    return render(
        request,
        "trainer_console.html",
        status=status,
        trainer=trainer,
        banks=banks,
        games=games,
        refresher=quick_refresher_view(state.catalog.banks.values(), lang, refresher_values),
        refresher_error=refresher_error,
    )


async def start_refresher_form(request: Request) -> Response:
    """POST /console/refreshers/start: the quick refresher form (and the refresher list's
    buttons): draw the questions, start the quiz and open its projector screen."""
    trainer = await current_trainer(request)
    if trainer is None:
        return to_login(request)
    form = await read_form(request)
    try:
        ask = refresher_ask(
            tags=_texts_of(form, "tag"),
            bank_ids=_texts_of(form, "bank_id"),
            staff_ids=_texts_of(form, "staff_id"),
            department=str(form.get("department") or ""),
            count=str(form.get("count") or ""),
            weight_missed=form.get("weight_missed") == "1",
        )
        started = await start_refresher(state_of(request), trainer, ask)
    except RefresherRefused as refused:
        return await console_response(request, trainer, refused.status, refused, form)
    drawn = started.drawn
    where = f"/host/{started.actor.info.game_id}"
    if drawn.short or drawn.repeated:  # the projector tells the trainer (host_projector.html)
        where += f"?drawn={len(drawn.picks)}&asked={drawn.asked}&repeated={drawn.repeated}"
    return RedirectResponse(where, status_code=303)


def _texts_of(form: FormData, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str)]


async def start_game(request: Request) -> Response:
    """POST /console/games: create a live game and open its projector screen."""
    posted = await posted_bank(request)
    if isinstance(posted, Response):
        return posted
    trainer, form, bank = posted
    state = state_of(request)
    if not bank.questions:
        error = N_("This bank has no quiz questions (only case scenarios).")
        return bank_page_response(request, trainer, bank, 422, error, form)
    try:
        settings = settings_from_form(form)
    except ValueError:
        error = N_("Time per question must be a whole number of seconds from 5 to 600.")
        return bank_page_response(request, trainer, bank, 422, error, form)
    if state.stopping:
        error = N_("The server is restarting. Press Start again in a moment.")
        return bank_page_response(request, trainer, bank, 503, error, form)
    try:
        actor = await state.registry.create_game(bank, settings, trainer.username, "quiz")
    except RedisUnavailable:  # scaled out: nothing was started; the trainer tries again
        return bank_page_response(request, trainer, bank, 503, REDIS_DOWN, form)
    return RedirectResponse(f"/host/{actor.info.game_id}", status_code=303)


async def end_game(request: Request) -> Response:
    """POST /console/games/{game_id}/end: the console's End button."""
    found = await controlled_game(request)
    if isinstance(found, Response):
        return found
    _, actor = found
    # Already ended is fine: the console shows the list as it is now.
    with contextlib.suppress(CommandRefused, GameStopped):
        await actor.act(HostAction("end"))
    return RedirectResponse("/console", status_code=303)


routes: list[BaseRoute] = [
    Route("/console", console_page, methods=["GET"]),
    Route("/console/games", start_game, methods=["POST"]),
    Route("/console/games/{game_id}/end", end_game, methods=["POST"]),
    Route("/console/refreshers/start", start_refresher_form, methods=["POST"]),
]
