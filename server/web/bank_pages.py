"""The console's bank page (GET /console/banks/{bank_id}): a bank's questions and case
scenarios, its quality check, and the forms that start a quiz or a case race from it.

The forms post to /console/games (`console_pages.py`) and /console/races
(`race_pages.py`); when one is refused, they show this page again with the error and
what was posted (`bank_page_response`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from pydantic import ValidationError
from quizkiosk.accounts.store import Trainer
from quizkiosk.banks.model import AnyQuestion, Bank, CaseScenario
from quizkiosk.banks.quality import quality_of_bank
from quizkiosk.engine.settings import GameSettings
from quizkiosk.engine.views import answer_key
from quizkiosk.web.auth import current_trainer, read_form, state_of
from quizkiosk.web.i18n import N_, choose_language
from quizkiosk.web.pages import STATIC_DIR
from quizkiosk.web.trainer_common import message_page, render, to_login
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route


def read_option_glyphs(sprite: Path) -> tuple[tuple[str, str], ...]:
    """(letter, shape) of each answer option in order, read from the sprite that draws the
    shapes on every page (kiosk_ui/static/glyphs.svg: one <symbol id=SHAPE data-letter=X>
    each), so the letters and shapes live in one place for the server and glyphs.js."""
    symbols = ElementTree.parse(sprite).getroot().iter("{http://www.w3.org/2000/svg}symbol")
    return tuple((symbol.attrib["data-letter"], symbol.attrib["id"]) for symbol in symbols)


OPTION_GLYPHS = read_option_glyphs(STATIC_DIR / "glyphs.svg")
# Scaled out, a new game needs Redis (its PIN and lease); the Start forms say so.
REDIS_DOWN = N_(
    "The game could not be started: the server cannot reach Redis, which all the servers "
    "of this training centre share. Press Start again in a moment."
)
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
            str(i + 1) if key.numbered else OPTION_GLYPHS[i][0],
            OPTION_GLYPHS[i][1],
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


# ---- the page and its forms ------------------------------------------------------------


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


def bank_page_response(
    request: Request,
    trainer: Trainer,
    bank: Bank,
    status: int = 200,
    error: str | None = None,
    form: FormData | None = None,
) -> Response:
    lang = choose_language(request)
    race_error = _is_race_form(form)
    return render(
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


def _bank_not_found(request: Request, trainer: Trainer) -> Response:
    title, text = N_("Bank not found"), N_("There is no question bank with this name.")
    return message_page(request, 404, title, text, trainer)


async def bank_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    if trainer is None:
        return to_login(request)
    bank = state_of(request).catalog.banks.get(request.path_params["bank_id"])
    if bank is None:
        return _bank_not_found(request, trainer)
    return bank_page_response(request, trainer, bank)


async def posted_bank(request: Request) -> tuple[Trainer, FormData, Bank] | Response:
    """The signed-in trainer, the form they posted and the bank its `bank_id` names (the
    forms that start a quiz or a race); else the response to send instead: the way to
    the login page or "Bank not found"."""
    trainer = await current_trainer(request)
    if trainer is None:
        return to_login(request)
    form = await read_form(request)
    bank = state_of(request).catalog.banks.get(str(form.get("bank_id") or ""))
    if bank is None:
        return _bank_not_found(request, trainer)
    return trainer, form, bank


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


routes: list[BaseRoute] = [
    Route("/console/banks/{bank_id}", bank_page, methods=["GET"]),
]
