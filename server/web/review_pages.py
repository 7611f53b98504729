"""The trainer's review pages in the console, after the seminar:

- GET /console/sessions — every past and running session, filtered, a page at a time;
- GET /console/sessions/{game_id} — one session's report (quiz or case race);
- GET /console/staff/{staff_id} — one staff member across sessions, by topic;
- GET /console/refreshers — who is below a threshold on which topic, by department,
  with a "Start refresher" form per topic (POST /console/refreshers/start);
- GET /console/heatmap — accuracy per department and topic.

The figures come from quizkiosk.reports, the same functions as the JSON API's; who may
see what is `trainer_common`'s guard, and the filters are `report_query`'s. A bad query
parameter gets a 400 page that says which one and why.
"""

from __future__ import annotations

from typing import Any

from quizkiosk.accounts.store import Trainer
from quizkiosk.archive.records import AnswerTotal, TotalsFilter
from quizkiosk.banks.drawn import bank_of_game
from quizkiosk.reports.analysis import (
    MIN_PARTICIPANTS_FOR_CIC,
    MIN_PARTICIPANTS_FOR_DISCRIMINATION,
    TOO_EASY,
    TOO_HARD,
    WEAK_DISCRIMINATION,
)
from quizkiosk.reports.history import staff_history
from quizkiosk.reports.race import race_report
from quizkiosk.reports.session import session_report
from quizkiosk.reports.staff import heat_cells, needs_of, staff_record, topic_map
from quizkiosk.web import review_views as views
from quizkiosk.web.auth import current_trainer, state_of
from quizkiosk.web.i18n import N_, choose_language
from quizkiosk.web.report_query import (
    BadParameter,
    paging,
    refresher_options,
    session_filter,
    totals_filter,
)
from quizkiosk.web.review_totals import fresh_topic_totals
from quizkiosk.web.trainer_common import (
    message_page,
    readable_results,
    render,
    renderer_of,
    to_login,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

REFRESHER_QUESTIONS = 8  # the refresher form's default number of questions
REFRESHER_ROWS = 200  # staff-and-topic rows per page of the refresher list


def _gettext(request: Request) -> views.Gettext:
    return renderer_of(request).translations[choose_language(request)].gettext


def _page(request: Request, template: str, trainer: Trainer, **context: Any) -> Response:
    return render(request, template, trainer=trainer, v=views, **context)


def _bad_parameter(request: Request, trainer: Trainer, error: BadParameter) -> Response:
    """400: which filter field is wrong and what it expects, in the visitor's language."""
    return _page(
        request,
        "trainer_review_error.html",
        trainer,
        status=400,
        field_label=views.PARAMETER_LABELS.get(error.name, error.name),
        problem=error.message,
        problem_values=error.values,
        back=request.url.path,
    )


async def _totals(request: Request, query: TotalsFilter) -> tuple[list[AnswerTotal], Any]:
    state = state_of(request)
    return await state.archive.answer_totals(query), topic_map(state.catalog.banks.values())


def _bank_titles(request: Request, lang: str) -> dict[str, str]:
    banks = state_of(request).catalog.banks.values()
    return {b.id: b.title.get(lang) for b in banks}


async def sessions_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    if trainer is None:
        return to_login(request)
    try:
        query = session_filter(request.query_params, trainer)
    except BadParameter as error:
        return _bad_parameter(request, trainer, error)
    found = await state_of(request).archive.list_sessions(query)
    page = query.offset // query.limit + 1
    pages = max(1, -(-found.total // query.limit))
    kept = {k: v for k, v in request.query_params.items() if k not in ("page", "lang") and v}
    return _page(
        request,
        "trainer_review_sessions.html",
        trainer,
        sessions=found.sessions,
        total=found.total,
        page=page,
        pages=pages,
        kept=kept,
        params=request.query_params,
        bank_titles=_bank_titles(request, choose_language(request)),
    )


async def report_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    if trainer is None:
        return to_login(request)
    found = await readable_results(request, trainer, request.path_params["game_id"])
    if found == "unknown_game":
        return message_page(
            request,
            404,
            N_("Session not found"),
            N_("There is no session with this address."),
            trainer,
        )
    if found == "not_owner":
        return message_page(
            request,
            403,
            N_("Not your session"),
            N_("Only the trainer who ran this session, or an administrator, can see its report."),
            trainer,
        )
    assert not isinstance(found, str)
    lang = choose_language(request)
    gettext = _gettext(request)
    bank = bank_of_game(state_of(request).catalog.banks, found.game.bank_id, found.game.draw)
    report = session_report(found, bank)
    race = race_report(found, report.questions) if found.game.mode == "race" else None
    by_index = {q.index: q for q in report.questions}
    return _page(
        request,
        "trainer_review_report.html",
        trainer,
        report=report,
        race=race,
        questions_by_index=by_index,
        bank_title=_bank_titles(request, lang).get(report.bank_id, report.bank_id),
        chart=(
            views.step_chart(race.steps, lang, gettext)
            if race
            else views.question_chart(report, lang, gettext)
        ),
        thresholds={
            "too_hard": TOO_HARD,
            "too_easy": TOO_EASY,
            "weak": WEAK_DISCRIMINATION,
            "cic_people": MIN_PARTICIPANTS_FOR_CIC,
            "discrimination_people": MIN_PARTICIPANTS_FOR_DISCRIMINATION,
        },
        translate=gettext,
    )


async def staff_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    if trainer is None:
        return to_login(request)
    staff_id = request.path_params["staff_id"]
    try:
        query = totals_filter(request.query_params, trainer, staff_id)
        threshold, _ = refresher_options(request.query_params)
    except BadParameter as error:
        return _bad_parameter(request, trainer, error)
    totals, topics = await _totals(request, query)
    if not totals:
        return message_page(
            request,
            404,
            N_("No record for this staff ID"),
            N_("Nobody with this staff ID answered in the sessions you can see."),
            trainer,
        )
    name = await state_of(request).archive.staff_name(staff_id, query)
    record = staff_record(staff_id, totals, topics, name=name)
    history = staff_history(await state_of(request).archive.session_totals(query), topics)
    weakest = [t.topic for t in record.topics]
    return _page(
        request,
        "trainer_review_staff.html",
        trainer,
        record=record,
        history=history,
        threshold=threshold,
        weak_topics=[t for t in record.topics if t.accuracy < threshold][:3],
        chart=views.history_chart(history, weakest, threshold, _gettext(request)),
        chart_topics=weakest[: views.MAX_TOPIC_LINES],
        params=request.query_params,
    )


async def refreshers_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    if trainer is None:
        return to_login(request)
    try:
        query = totals_filter(request.query_params, trainer, None)
        threshold, least = refresher_options(request.query_params)
        limit, offset = paging(request.query_params, REFRESHER_ROWS, REFRESHER_ROWS)
    except BadParameter as error:
        return _bad_parameter(request, trainer, error)
    state = state_of(request)
    await fresh_topic_totals(state)
    found = await state.archive.staff_below_threshold(
        query, threshold, least, limit, offset, by_topic=True
    )
    kept = {k: v for k, v in request.query_params.items() if k not in ("page", "lang") and v}
    return _page(
        request,
        "trainer_review_refreshers.html",
        trainer,
        groups=views.refresher_groups(needs_of(found.rows)),
        total=found.total,
        page=offset // limit + 1,
        pages=max(1, -(-found.total // limit)),
        kept=kept,
        threshold=threshold,
        least=least,
        count=REFRESHER_QUESTIONS,
        params=request.query_params,
    )


async def heatmap_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    if trainer is None:
        return to_login(request)
    try:
        query = totals_filter(request.query_params, trainer, None)
    except BadParameter as error:
        return _bad_parameter(request, trainer, error)
    state = state_of(request)
    await fresh_topic_totals(state)
    return _page(
        request,
        "trainer_review_heatmap.html",
        trainer,
        grid=views.heat_grid(heat_cells(await state.archive.department_topics(query))),
        params=request.query_params,
    )


routes: list[BaseRoute] = [
    Route("/console/sessions", sessions_page, methods=["GET"]),
    Route("/console/sessions/{game_id}", report_page, methods=["GET"]),
    Route("/console/staff/{staff_id}", staff_page, methods=["GET"]),
    Route("/console/refreshers", refreshers_page, methods=["GET"]),
    Route("/console/heatmap", heatmap_page, methods=["GET"]),
]
