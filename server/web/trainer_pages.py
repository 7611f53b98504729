"""Trainer-side pages: login, setup, console, projector and remote.

The POST handlers for /login, /logout and /setup live in `server.web.auth`; the
pages here show their forms and post to them.  Starting and ending a game from the
console are small form handlers of their own (same CSRF double-submit check).
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import segno
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.staticfiles import StaticFiles

from server.accounts.store import Trainer
from server.banks.loader import MEDIA_DIR
from server.banks.model import AnyQuestion, Bank, CaseScenario
from server.banks.quality import quality_of_bank
from server.engine.commands import HostAction
from server.engine.game import CommandRefused
from server.engine.settings import GameSettings
from server.engine.views import answer_key
from server.live.actor import GameActor, GameStopped
from server.web.api import may_control
from server.web.auth import current_trainer, read_form, safe_next_path, state_of
from server.web.i18n import N_, choose_language
from server.web.pages import PageRenderer

LETTERS = "ABCDEF"
SHAPES = ("triangle", "diamond", "circle", "square", "star", "hexagon")
# Each choice the form offers, with the msgid that explains it in one line.
SCORING_CHOICES = (
    ("speed", N_("Speed"), N_("Right answers earn 500 to 1000 points: the faster, the more.")),
    (
        "accuracy",
        N_("Accuracy"),
        N_("Every right answer earns 1000 points; speed only breaks ties."),
    ),
)
KIND_LABELS = {
    "single": N_("Single choice"),
    "multi": N_("Multiple choice"),
    "truefalse": N_("True or false"),
    "order": N_("Put in order"),
    "typed": N_("Typed answer"),
    "poll": N_("Poll (not scored)"),
}
# The case race form (POST /console/races, server/web/race_pages.py).
TEAM_CHOICES = (
    ("none", N_("No teams"), N_("Everyone races for themselves.")),
    (
        "department",
        N_("Teams by department"),
        N_("Each player gives a department when joining; it is their team."),
    ),
    (
        "host",
        N_("Teams set by you"),
        N_("In the lobby, click a name on the big screen to put that player in a team."),
    ),
)
RACE_CHECKBOXES = (
    ("race_require_staff_id", N_("Ask each player for a staff ID")),
    ("race_require_department", N_("Ask each player for a department")),
    ("race_shuffle_options", N_("Shuffle the answer options")),
)
CHECKBOXES = (
    ("require_staff_id", N_("Ask each player for a staff ID")),
    ("require_department", N_("Ask each player for a department")),
    ("shuffle_options", N_("Shuffle the answer options")),
    ("show_question_on_phones", N_("Show the question text on phones too")),
    ("streak_bonus", N_("Streak bonus: +100 for each right answer in a row (up to +500)")),
)


# ---- helpers --------------------------------------------------------------------------


def _pages(request: Request) -> PageRenderer:
    renderer: PageRenderer = request.app.state.pages
    return renderer


def _render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    return _pages(request).render(request, template, status=status, **context)


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/console"  # a form posted after the session expired: start from the console
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _message(
    request: Request, status: int, title: str, text: str, trainer: Trainer | None = None
) -> Response:
    """A small page that says what went wrong (`title` and `text` are msgids)."""
    return _render(
        request, "trainer_message.html", status=status, title=title, text=text, trainer=trainer
    )


def _address(join_url: str) -> str:
    """What to type into a phone's address bar: host, port and /join, no scheme."""
    parts = urlsplit(join_url)
    return f"{parts.netloc}{parts.path}"


# ---- views of bank content for the templates --------------------------------------------


@dataclass(frozen=True)
class OptionView:
    letter: str
    shape: str
    text: str
    correct: bool


@dataclass(frozen=True)
class QuestionView:
    number: int
    id: str
    kind: str
    kind_label: str
    text: str
    points: int
    time: int
    image: str | None
    options: list[OptionView] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    explanation: str | None = None


@dataclass(frozen=True)
class CaseView:
    id: str
    title: str
    story: str
    steps: list[QuestionView]


@dataclass(frozen=True)
class BankView:
    id: str
    title: str
    description: str
    status: str
    source: str
    languages: list[str]
    tags: list[str]
    default_time: int
    question_count: int
    case_count: int
    has_language: bool  # the bank has text in the visitor's language


def question_view(bank: Bank, number: int, q: AnyQuestion, lang: str) -> QuestionView:
    key = answer_key(q)
    options = [
        OptionView(
            str(i + 1) if key.numbered else LETTERS[i],
            SHAPES[i],
            # A plain str is a msgid ("True", "False"): the template translates it.
            line.text if isinstance(line.text, str) else line.text.get(lang),
            line.correct,
        )
        for i, line in enumerate(key.lines)
    ]
    return QuestionView(
        number=number,
        id=q.id,
        kind=q.type,
        kind_label=KIND_LABELS[q.type],
        text=q.text.get(lang),
        points=q.points if q.scored else 0,
        time=bank.time_for(q),
        image=q.image,
        options=options,
        accepted=list(key.accepted),
        explanation=q.explanation.get(lang) if q.explanation else None,
    )


def case_view(bank: Bank, case: CaseScenario, lang: str) -> CaseView:
    steps = [question_view(bank, n, step, lang) for n, step in enumerate(case.steps, start=1)]
    return CaseView(case.id, case.title.get(lang), case.story.get(lang), steps)


def bank_view(bank: Bank, lang: str) -> BankView:
    return BankView(
        id=bank.id,
        title=bank.title.get(lang),
        description=bank.description.get(lang),
        status=bank.status,
        source=bank.source,
        languages=list(bank.languages),
        tags=list(bank.tags),
        default_time=bank.default_time,
        question_count=len(bank.questions),
        case_count=len(bank.cases),
        has_language=lang in bank.languages,
    )


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


def game_view(actor: GameActor, lang: str) -> GameView:
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


# ---- login and first-run setup ------------------------------------------------------------


async def login_page(request: Request) -> Response:
    state = state_of(request)
    if not await state.accounts.has_any_trainer():
        lang = request.query_params.get("lang")
        return RedirectResponse(f"/setup?lang={quote(lang)}" if lang else "/setup", 303)
    target = safe_next_path(request.query_params.get("next"))
    trainer = await current_trainer(request)
    return _render(request, "trainer_login.html", next=target, trainer=trainer)


async def setup_page(request: Request) -> Response:
    if await state_of(request).accounts.has_any_trainer():
        return _message(
            request,
            200,
            N_("Setup is already done"),
            N_(
                "An administrator account exists. Sign in with it, or ask the administrator "
                "for an account."
            ),
        )
    return _render(request, "trainer_setup.html")


# ---- the console ----------------------------------------------------------------------


async def console_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    if trainer is None:
        return _to_login(request)
    state = state_of(request)
    lang = choose_language(request)
    banks = [bank_view(b, lang) for b in sorted(state.catalog.banks.values(), key=lambda b: b.id)]
    games = [
        game_view(a, lang)
        for a in state.registry.live_games()
        if a.phase != "ended" and may_control(trainer, a.info.owner)
    ]
    games.sort(key=lambda g: g.created_at, reverse=True)
    return _render(request, "trainer_console.html", trainer=trainer, banks=banks, games=games)


def _is_race_form(form: FormData | None) -> bool:
    """The bank page's "Start a case race" form (POST /console/races), not the quiz's."""
    return form is not None and ("race_minutes" in form or "case_id" in form)


@dataclass(frozen=True)
class RaceCaseChoice:
    id: str
    title: str
    steps: int
    chosen: bool


def _race_form(bank: Bank, lang: str, form: FormData | None) -> dict[str, Any]:
    """What the "Start a case race" form shows: every case (all chosen at first), the
    race time, the penalty, teams and the checkboxes, as posted after an error."""
    posted = form if _is_race_form(form) else None
    chosen = {str(value) for value in posted.getlist("case_id")} if posted else None
    cases = [
        RaceCaseChoice(c.id, c.title.get(lang), len(c.steps), chosen is None or c.id in chosen)
        for c in bank.cases
    ]
    values = {"race_minutes": "15", "penalty_seconds": "10", "teams": "none"}
    if posted is not None:
        values.update({k: str(v) for k, v in posted.items() if isinstance(v, str)})
    else:
        values["race_shuffle_options"] = "on"
    return {"cases": cases, "fields": values}


def _form_values(form: FormData | None) -> dict[str, str]:
    defaults = {"scoring": "speed", "time_mode": "bank", "time_per_question": "20"}
    if form is None:
        return {**defaults, "show_question_on_phones": "on"}
    values = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    return {**defaults, **values}


def _bank_page(
    request: Request,
    trainer: Trainer,
    bank: Bank,
    status: int = 200,
    error: str | None = None,
    form: FormData | None = None,
) -> Response:
    lang = choose_language(request)
    race_error = _is_race_form(form)
    return _render(
        request,
        "trainer_bank.html",
        status=status,
        trainer=trainer,
        bank=bank_view(bank, lang),
        questions=[question_view(bank, n, q, lang) for n, q in enumerate(bank.questions, 1)],
        cases=[case_view(bank, c, lang) for c in bank.cases],
        quality=quality_of_bank(state_of(request).catalog.banks.values(), bank.id),
        values=_form_values(None if race_error else form),
        scoring_choices=SCORING_CHOICES,
        checkboxes=CHECKBOXES,
        error=None if race_error else error,
        race=_race_form(bank, lang, form),
        race_error=error if race_error else None,
        team_choices=TEAM_CHOICES,
        race_checkboxes=RACE_CHECKBOXES,
        # After a failed POST the language switch must lead back to the bank page.
        switch_path=f"/console/banks/{bank.id}" if request.method == "POST" else None,
    )


async def bank_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    if trainer is None:
        return _to_login(request)
    bank = state_of(request).catalog.banks.get(request.path_params["bank_id"])
    if bank is None:
        return _message(
            request,
            404,
            N_("Bank not found"),
            N_("There is no question bank with this name."),
            trainer,
        )
    return _bank_page(request, trainer, bank)


def settings_from_form(form: FormData) -> GameSettings:
    """The game settings a console form asks for; raises ValueError when they are wrong."""
    time_limit: int | None = None
    if form.get("time_mode") == "custom":
        time_limit = int(str(form.get("time_per_question") or ""))
    try:
        return GameSettings.model_validate(
            {
                "scoring": str(form.get("scoring") or "speed"),
                "time_per_question": time_limit,
                **{name: name in form for name, _ in CHECKBOXES},
            }
        )
    except ValidationError as error:
        raise ValueError(str(error)) from error


async def start_game(request: Request) -> Response:
    """POST /console/games: create a live game and open its projector screen."""
    trainer = await current_trainer(request)
    if trainer is None:
        return _to_login(request)
    state = state_of(request)
    form = await read_form(request)
    bank = state.catalog.banks.get(str(form.get("bank_id") or ""))
    if bank is None:
        return _message(
            request,
            404,
            N_("Bank not found"),
            N_("There is no question bank with this name."),
            trainer,
        )
    if not bank.questions:
        error = N_("This bank has no quiz questions (only case scenarios).")
        return _bank_page(request, trainer, bank, 422, error, form)
    try:
        settings = settings_from_form(form)
    except ValueError:
        error = N_("Time per question must be a whole number of seconds from 5 to 600.")
        return _bank_page(request, trainer, bank, 422, error, form)
    if state.stopping:
        error = N_("The server is restarting. Press Start again in a moment.")
        return _bank_page(request, trainer, bank, 503, error, form)
    actor = await state.registry.create_game(bank, settings, trainer.username)
    return RedirectResponse(f"/host/{actor.info.game_id}", status_code=303)


async def end_game(request: Request) -> Response:
    """POST /console/games/{game_id}/end: the console's End button."""
    trainer = await current_trainer(request)
    if trainer is None:
        return _to_login(request)
    actor = state_of(request).registry.games.get(request.path_params["game_id"])
    if actor is None:
        return _message(
            request, 404, N_("Game not found"), N_("This game is not running."), trainer
        )
    if not may_control(trainer, actor.info.owner):
        return _not_owner(request, trainer)
    # Already ended is fine: the console shows the list as it is now.
    with contextlib.suppress(CommandRefused, GameStopped):
        await actor.act(HostAction("end"))
    return RedirectResponse("/console", status_code=303)


# ---- projector and remote ---------------------------------------------------------------


def _not_owner(request: Request, trainer: Trainer) -> Response:
    return _message(
        request,
        403,
        N_("Not your game"),
        N_("Only the trainer who started this game, or an administrator, can run it."),
        trainer,
    )


async def _host_page(request: Request, template: str) -> Response:
    trainer = await current_trainer(request)
    if trainer is None:
        return _to_login(request)
    state = state_of(request)
    actor = state.registry.games.get(request.path_params["game_id"])
    if actor is None:
        return _message(
            request, 404, N_("Game not found"), N_("This game is not running."), trainer
        )
    if not may_control(trainer, actor.info.owner):
        return _not_owner(request, trainer)
    if actor.info.mode == "race":
        template = RACE_TEMPLATES.get(template, template)
    lang = choose_language(request)
    join_url = state.join_url(actor.info.pin)
    config = {
        "game_id": actor.info.game_id,
        "host_token": actor.info.host_token,  # for the WebSocket hello; never shown
        "pin": actor.info.pin,
        "join_url": join_url,
        "lang": lang,
        "total": actor.summary()["total"],
        "title": actor.info.title,
    }
    return _render(
        request,
        template,
        trainer=trainer,
        game=game_view(actor, lang),
        config=config,
        join_address=_address(join_url),
    )


async def projector_page(request: Request) -> Response:
    return await _host_page(request, "host_projector.html")


async def remote_page(request: Request) -> Response:
    return await _host_page(request, "host_remote.html")


# A case race has pages of its own (the race track instead of questions).
RACE_TEMPLATES = {
    "host_projector.html": "host_race.html",
    "host_remote.html": "host_remote_race.html",
}


def qr_svg(data: str) -> bytes:
    code = segno.make(data, error="m")
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        border=2,
        dark="#000000",
        light="#ffffff",
        xmldecl=False,
        omitsize=True,
        svgclass="qr",
        title=data,
    )
    return buffer.getvalue()


async def qr_code(request: Request) -> Response:
    """GET /host/{game_id}/qr.svg: the QR code of the game's join page, for its host only.

    Served only to whoever may run the game, so it cannot be used to find out
    which PINs are live.
    """
    trainer = await current_trainer(request)
    actor = state_of(request).registry.games.get(request.path_params["game_id"])
    if trainer is None or actor is None or not may_control(trainer, actor.info.owner):
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(
        qr_svg(state_of(request).join_url(actor.info.pin)),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, no-cache"},
    )


class MediaFiles(StaticFiles):
    """Bank images. Starlette's static files, but a path with a NUL byte is simply absent
    (the operating system would refuse it with an error, not a "no such file")."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if "\x00" in path:
            return "", None
        return super().lookup_path(path)

    async def check_config(self) -> None:
        # A banks folder without media/ simply has no images: every path is a 404.
        if self.directory is not None and Path(self.directory).is_dir():
            await super().check_config()


def media_app(banks_dir: Path) -> MediaFiles:
    """GET /media/{path}: images of the question banks (the banks folder's media/)."""
    return MediaFiles(directory=banks_dir / MEDIA_DIR, check_dir=False)


routes: list[BaseRoute] = [
    Route("/login", login_page, methods=["GET"]),
    Route("/setup", setup_page, methods=["GET"]),
    Route("/console", console_page, methods=["GET"]),
    Route("/console/banks/{bank_id}", bank_page, methods=["GET"]),
    Route("/console/games", start_game, methods=["POST"]),
    Route("/console/games/{game_id}/end", end_game, methods=["POST"]),
    Route("/host/{game_id}", projector_page, methods=["GET"]),
    Route("/remote/{game_id}", remote_page, methods=["GET"]),
    Route("/host/{game_id}/qr.svg", qr_code, methods=["GET"]),
]
