"""The JSON API under /api/v1 (token or session auth; see /api/v1/openapi.json).

Why one long module: it holds the whole /api/v1 route table and its handlers. Each
handler is short and uses the `authenticated` guard and the JSON helpers at the top.
Split by resource, the one list of routes that a client reads next to openapi.json
would be spread over several files.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from quizkiosk.accounts.store import Trainer
from quizkiosk.archive.records import AnswerTotal, GameResults, TotalsFilter
from quizkiosk.banks.drawn import bank_of_game
from quizkiosk.banks.model import Bank
from quizkiosk.engine.commands import HostAction
from quizkiosk.engine.game import CommandRefused
from quizkiosk.engine.views import texts
from quizkiosk.live.edge import LiveGame as RunningGame
from quizkiosk.live.edge import RedisUnavailable
from quizkiosk.reports.export import answer_rows, csv_text, xlsx_bytes
from quizkiosk.reports.session import session_report
from quizkiosk.reports.staff import heat_cells, needs_of, staff_record, topic_map
from quizkiosk.web.api_models import (
    HEAT,
    SESSION_REPORT,
    STAFF_RECORD,
    AnswerOut,
    AttemptOut,
    BankSummary,
    CreateGame,
    CreateRace,
    CreateRefresher,
    GameCreated,
    GameEnded,
    GameResultsOut,
    LiveGame,
    ParticipantOut,
    RefresherCreated,
    RefresherDraw,
    RefresherPage,
    SessionList,
    SessionOut,
    StandingOut,
    openapi_document,
)
from quizkiosk.web.auth import api_error, current_trainer, state_of
from quizkiosk.web.i18n import choose_language
from quizkiosk.web.pages import PageRenderer
from quizkiosk.web.refresher_start import RefresherRefused, refresher_ask, start_refresher
from quizkiosk.web.report_query import (
    paging,
    refresher_options,
    session_filter,
    totals_filter,
)
from quizkiosk.web.review_totals import fresh_topic_totals
from quizkiosk.web.state import AppState
from quizkiosk.web.trainer_common import may_control, readable_results
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Handler = Callable[[Request, Trainer], Awaitable[Response]]


def authenticated(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        trainer = await current_trainer(request)
        if trainer is None:
            return api_error(401, "unauthenticated", "sign in or send an API token")
        # CSRF is checked for every route by quizkiosk.web.csrf, before this runs.
        return await handler(request, trainer)

    return endpoint


def _json(model: object, status: int = 200) -> JSONResponse:
    from pydantic import BaseModel

    if isinstance(model, BaseModel):
        return JSONResponse(model.model_dump(mode="json"), status_code=status)
    assert isinstance(model, list)
    return JSONResponse([m.model_dump(mode="json") for m in model], status_code=status)


async def list_banks(request: Request, trainer: Trainer) -> Response:
    banks = state_of(request).catalog.banks.values()
    return _json(
        [
            BankSummary(
                id=b.id,
                title=texts(b.title),
                description=texts(b.description),
                tags=b.tags,
                languages=list(b.languages),
                status=b.status,
                source=b.source,
                default_time=b.default_time,
                questions=len(b.questions),
                cases=len(b.cases),
            )
            for b in sorted(banks, key=lambda b: b.id)
        ]
    )


def _invalid(error: ValidationError) -> Response:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return api_error(422, "invalid_request", f"{where}: {first['msg']}")


async def create_game(request: Request, trainer: Trainer) -> Response:
    state = state_of(request)
    try:
        body = CreateGame.model_validate_json(await request.body())
    except ValidationError as error:
        return _invalid(error)
    bank = state.catalog.banks.get(body.bank_id)
    if bank is None:
        return api_error(404, "unknown_bank", f"no bank with id '{body.bank_id}'")
    if not bank.questions:
        return api_error(422, "no_questions", "this bank has no quiz questions")
    return await _created(state, bank, body.settings, trainer, "quiz")


async def create_race(request: Request, trainer: Trainer) -> Response:
    state = state_of(request)
    try:
        body = CreateRace.model_validate_json(await request.body())
    except ValidationError as error:
        return _invalid(error)
    bank = state.catalog.banks.get(body.bank_id)
    if bank is None:
        return api_error(404, "unknown_bank", f"no bank with id '{body.bank_id}'")
    known = {case.id for case in bank.cases}
    unknown = [case_id for case_id in body.settings.case_ids if case_id not in known]
    if unknown:
        return api_error(404, "unknown_case", f"no case '{unknown[0]}' in bank '{bank.id}'")
    return await _created(state, bank, body.settings, trainer, "race")


async def _created(
    state: AppState, bank: Bank, settings: BaseModel, trainer: Trainer, mode: str
) -> Response:
    if state.stopping:
        return api_error(503, "server_stopping", "the server is restarting; try again shortly")
    try:
        actor = await state.registry.create_game(bank, settings, trainer.username, mode)
    except RedisUnavailable:  # scaled out: nothing was started; the trainer tries again
        return api_error(
            503, "unavailable", "Redis cannot be reached: no game was created; try again shortly"
        )
    created = GameCreated(
        game_id=actor.info.game_id,
        pin=actor.info.pin,
        host_token=actor.info.host_token,
        join_url=state.join_url(actor.info.pin),
        host_url=f"{state.base_url}/host/{actor.info.game_id}",
        bank_id=bank.id,
        mode=mode,
    )
    return _json(created, status=201)


async def create_refresher(request: Request, trainer: Trainer) -> Response:
    """POST /api/v1/refreshers: draw a refresher quiz and start it (like POST /games)."""
    state = state_of(request)
    try:
        body = CreateRefresher.model_validate_json(await request.body())
        ask = refresher_ask(
            tags=body.tags,
            bank_ids=body.bank_ids,
            staff_ids=body.staff_ids,
            department=body.department,
            count=body.count,
            weight_missed=body.weight_missed,
        )
        started = await start_refresher(state, trainer, ask)
    except ValidationError as error:
        return _invalid(error)
    except RefresherRefused as refused:
        return api_error(refused.status, refused.code, str(refused))
    actor, drawn = started.actor, started.drawn
    created = RefresherCreated(
        game_id=actor.info.game_id,
        pin=actor.info.pin,
        host_token=actor.info.host_token,
        join_url=state.join_url(actor.info.pin),
        host_url=f"{state.base_url}/host/{actor.info.game_id}",
        bank_id=actor.info.bank_id,
        refresher=RefresherDraw(
            questions=[list(pick) for pick in drawn.picks],
            asked=drawn.asked,
            available=drawn.available,
            repeated=drawn.repeated,
            missed_first=drawn.missed_first,
            weight_missed=started.weighted,
            seed=drawn.seed,
        ),
    )
    return _json(created, status=201)


def _live_game(actor: RunningGame) -> LiveGame:
    return LiveGame(
        game_id=actor.info.game_id,
        pin=actor.info.pin,
        mode=actor.info.mode,
        bank_id=actor.info.bank_id,
        title=actor.info.title,
        owner=actor.info.owner,
        phase=actor.phase,
        players=actor.player_count,
        created_at=actor.info.created_at,
    )


async def list_games(request: Request, trainer: Trainer) -> Response:
    whose = None if trainer.role == "admin" else (trainer.username,)
    actors = await state_of(request).registry.running_games(whose)
    return _json([_live_game(a) for a in actors if may_control(trainer, a.info.owner)])


async def end_game(request: Request, trainer: Trainer) -> Response:
    actor = await state_of(request).registry.find_game(request.path_params["game_id"])
    if actor is None:
        return api_error(404, "unknown_game", "no such game")
    if not may_control(trainer, actor.info.owner):
        return api_error(403, "not_owner", "only the trainer who created this game, or an admin")
    try:
        await actor.act(HostAction("end"))
    except CommandRefused as refused:
        return api_error(409, refused.code, refused.message)
    return _json(GameEnded(game_id=actor.info.game_id, phase=actor.phase))


async def _results_for(request: Request, trainer: Trainer) -> GameResults | Response:
    """The archived results of the game in the path, if this trainer may see them."""
    found = await readable_results(request, trainer, request.path_params["game_id"])
    if isinstance(found, GameResults):
        return found
    if found == "unknown_game":
        return api_error(404, "unknown_game", "no such game")
    return api_error(403, "not_owner", "only the trainer who created this game, or an admin")


async def game_report(request: Request, trainer: Trainer) -> Response:
    """GET /api/v1/games/{id}/report: the session report (quizkiosk.reports.session)."""
    found = await _results_for(request, trainer)
    if isinstance(found, Response):
        return found
    bank = bank_of_game(state_of(request).catalog.banks, found.game.bank_id, found.game.draw)
    report = session_report(found, bank)
    return JSONResponse(SESSION_REPORT.dump_python(report, mode="json"))


async def list_sessions(request: Request, trainer: Trainer) -> Response:
    """GET /api/v1/sessions: past and running sessions, newest first, a page at a time.

    A trainer sees their own sessions; an admin sees everyone's (and may filter by
    `trainer`)."""
    try:
        query = session_filter(request.query_params, trainer)
    except ValueError as error:
        return api_error(422, "invalid_request", str(error))
    found = await state_of(request).archive.list_sessions(query)
    out = SessionList(
        total=found.total,
        page=query.offset // query.limit + 1,
        per_page=query.limit,
        sessions=[SessionOut.model_validate(s, from_attributes=True) for s in found.sessions],
    )
    return _json(out)


async def game_export(request: Request, trainer: Trainer) -> Response:
    """GET /api/v1/games/{id}/export.csv (every answer) or .xlsx (one sheet per view);
    headers in `?lang=` (else the trainer's language)."""
    if request.path_params["format"] not in ("csv", "xlsx"):
        return api_error(404, "unknown_format", "export as .csv or .xlsx")
    found = await _results_for(request, trainer)
    if isinstance(found, Response):
        return found
    state = state_of(request)
    language = choose_language(request)
    renderer: PageRenderer = request.app.state.pages
    gettext = renderer.translations[language].gettext
    bank = bank_of_game(state.catalog.banks, found.game.bank_id, found.game.draw)
    report = session_report(found, bank)
    name = f"quizkiosk-{found.game.game_id}"
    if request.path_params["format"] == "csv":
        return Response(
            csv_text(answer_rows(found, gettext)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        xlsx_bytes(report, found, language, gettext),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


async def _totals(request: Request, query: TotalsFilter) -> tuple[list[AnswerTotal], Any]:
    state = state_of(request)
    return await state.archive.answer_totals(query), topic_map(state.catalog.banks.values())


async def staff_member(request: Request, trainer: Trainer) -> Response:
    """GET /api/v1/staff/{staff_id}: accuracy overall and per topic, weakest first."""
    staff_id = request.path_params["staff_id"]
    try:
        query = totals_filter(request.query_params, trainer, staff_id)
    except ValueError as error:
        return api_error(422, "invalid_request", str(error))
    totals, topics = await _totals(request, query)
    if not totals:
        return api_error(404, "unknown_staff", "no answers from this staff ID in your sessions")
    name = await state_of(request).archive.staff_name(staff_id, query)
    record = staff_record(staff_id, totals, topics, name=name)
    return JSONResponse(STAFF_RECORD.dump_python(record, mode="json"))


async def refreshers(request: Request, trainer: Trainer) -> Response:
    """GET /api/v1/refreshers: who needs a refresher on which topic, by department."""
    try:
        query = totals_filter(request.query_params, trainer, None)
        threshold, least = refresher_options(request.query_params)
        limit, offset = paging(request.query_params, 100, 1000)
    except ValueError as error:
        return api_error(422, "invalid_request", str(error))
    state = state_of(request)
    await fresh_topic_totals(state)
    found = await state.archive.staff_below_threshold(query, threshold, least, limit, offset)
    page = RefresherPage(
        total=found.total, page=offset // limit + 1, per_page=limit, needs=needs_of(found.rows)
    )
    return JSONResponse(page.model_dump(mode="json"))


async def department_heat_map(request: Request, trainer: Trainer) -> Response:
    """GET /api/v1/heatmap: accuracy per department and topic, with how many staff."""
    try:
        query = totals_filter(request.query_params, trainer, None)
    except ValueError as error:
        return api_error(422, "invalid_request", str(error))
    state = state_of(request)
    await fresh_topic_totals(state)
    cells = heat_cells(await state.archive.department_topics(query))
    return JSONResponse(HEAT.dump_python(cells, mode="json"))


async def _admin_json(request: Request, trainer: Trainer) -> dict[str, Any] | Response:
    if trainer.role != "admin":
        return api_error(403, "not_admin", "only an administrator may change personal data")
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return api_error(422, "invalid_request", "the body must be a JSON object")
    if not isinstance(body, dict):
        return api_error(422, "invalid_request", "the body must be a JSON object")
    return body


def _text_field(body: dict[str, Any], name: str, required: bool) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise ValueError(f"{name}: expected text of 1 to 64 characters")
    return value.strip()


async def set_participant(request: Request, trainer: Trainer) -> Response:
    """POST /api/v1/participants/{game_id}/{player_id} (admin): correct a participant's
    name or department, or give them a staff ID — merging them into that staff record."""
    body = await _admin_json(request, trainer)
    if isinstance(body, Response):
        return body
    try:
        staff_id = _text_field(body, "staff_id", required=False)
        name = _text_field(body, "name", required=False)
        department = _text_field(body, "department", required=False)
    except ValueError as error:
        return api_error(422, "invalid_request", str(error))
    found = await state_of(request).archive.set_participant(
        request.path_params["game_id"],
        request.path_params["player_id"],
        staff_id=staff_id,
        name=name,
        department=department,
    )
    if not found:
        return api_error(404, "unknown_participant", "no such participant")
    return JSONResponse({"updated": True})


async def erase_staff(request: Request, trainer: Trainer) -> Response:
    """POST /api/v1/staff/{staff_id}/erase (admin): erase the name, staff ID and department
    everywhere; the answers stay, anonymous, in the statistics."""
    body = await _admin_json(request, trainer)
    if isinstance(body, Response):
        return body
    erased = await state_of(request).archive.erase_staff(request.path_params["staff_id"])
    if not erased:
        return api_error(404, "unknown_staff", "no participant has this staff ID")
    return JSONResponse({"erased": erased})


async def game_results(request: Request, trainer: Trainer) -> Response:
    found = await _results_for(request, trainer)
    if isinstance(found, Response):
        return found
    results = found
    game = results.game
    return _json(
        GameResultsOut(
            game_id=game.game_id,
            pin=game.pin,
            mode=game.mode,
            bank_id=game.bank_id,
            trainer=game.trainer,
            settings=game.settings,
            question_ids=game.question_ids,
            created_at=game.created_at,
            started_at=results.started_at,
            ended_at=results.ended_at,
            participants=[
                ParticipantOut(
                    player_id=p.player_id, name=p.name, staff_id=p.staff_id, department=p.department
                )
                for p in results.participants
            ],
            answers=[
                AnswerOut(
                    player_id=a.player_id,
                    question_index=a.question_index,
                    question_id=a.question_id,
                    payload=a.payload,
                    answer=a.answer,
                    received_at=a.received_at,
                    response_ms=a.response_ms,
                    correct=a.correct,
                    points=a.points,
                )
                for a in results.answers
            ],
            attempts=[
                AttemptOut(
                    player_id=a.player_id,
                    step_index=a.step_index,
                    step_id=a.step_id,
                    attempt=a.attempt,
                    payload=a.payload,
                    answer=a.answer,
                    received_at=a.received_at,
                    race_ms=a.race_ms,
                    correct=a.correct,
                )
                for a in results.attempts
            ],
            standings=[
                StandingOut(
                    player_id=s.player_id, rank=s.rank, score=s.score, correct_count=s.correct_count
                )
                for s in results.standings
            ],
        )
    )


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


routes = [
    Route("/api/v1/openapi.json", openapi, methods=["GET"]),
    Route("/api/v1/banks", authenticated(list_banks), methods=["GET"]),
    Route("/api/v1/games", authenticated(list_games), methods=["GET"]),
    Route("/api/v1/games", authenticated(create_game), methods=["POST"]),
    Route("/api/v1/races", authenticated(create_race), methods=["POST"]),
    Route("/api/v1/games/{game_id}/end", authenticated(end_game), methods=["POST"]),
    Route("/api/v1/games/{game_id}/results", authenticated(game_results), methods=["GET"]),
    Route("/api/v1/games/{game_id}/report", authenticated(game_report), methods=["GET"]),
    Route("/api/v1/sessions", authenticated(list_sessions), methods=["GET"]),
    Route("/api/v1/staff/{staff_id}", authenticated(staff_member), methods=["GET"]),
    Route("/api/v1/refreshers", authenticated(refreshers), methods=["GET"]),
    Route("/api/v1/refreshers", authenticated(create_refresher), methods=["POST"]),
    Route("/api/v1/heatmap", authenticated(department_heat_map), methods=["GET"]),
    Route(
        "/api/v1/participants/{game_id}/{player_id}",
        authenticated(set_participant),
        methods=["POST"],
    ),
    Route("/api/v1/staff/{staff_id}/erase", authenticated(erase_staff), methods=["POST"]),
    Route(
        "/api/v1/games/{game_id}/export.{format:str}",
        authenticated(game_export),
        methods=["GET"],
    ),
]
