"""Request and response shapes of the JSON API; the OpenAPI document is built from them.

Why one long module: `openapi_document()` lists these models and names them in its
responses, so a new field, model or response is added in this one file, next to the
document that publishes it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.json_schema import models_json_schema
from quizkiosk.engine.settings import GameSettings, RaceSettings
from quizkiosk.reports.session import SessionReport
from quizkiosk.reports.staff import HeatCell, RefresherNeed, StaffRecord

# The session report is a tree of frozen dataclasses (quizkiosk.reports.session): pydantic
# dumps it to JSON and gives its schema, so the API and the report share one shape.
SESSION_REPORT: TypeAdapter[SessionReport] = TypeAdapter(SessionReport)
STAFF_RECORD: TypeAdapter[StaffRecord] = TypeAdapter(StaffRecord)
HEAT: TypeAdapter[list[HeatCell]] = TypeAdapter(list[HeatCell])


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(_Model):
    code: str
    message: str


class ErrorResponse(_Model):
    error: ErrorBody


class BankSummary(_Model):
    id: str
    title: dict[str, str]
    description: dict[str, str]
    tags: list[str]
    languages: list[str]
    status: str
    source: str
    default_time: int
    questions: int
    cases: int


class CreateGame(_Model):
    bank_id: str = Field(min_length=1, max_length=64)
    settings: GameSettings = Field(default_factory=GameSettings)


class CreateRace(_Model):
    bank_id: str = Field(min_length=1, max_length=64)
    settings: RaceSettings = Field(
        description="case_ids (played one after another), time_limit and penalty in seconds, "
        "teams: none | department | host"
    )


class GameCreated(_Model):
    game_id: str
    pin: str
    host_token: str
    join_url: str
    host_url: str
    bank_id: str
    mode: str = "quiz"


class CreateRefresher(_Model):
    tags: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="topic tags; a question's topics are its own tags, else its bank's",
    )
    bank_ids: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="banks to draw from; empty: every bank with questions on the tags",
    )
    staff_ids: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="who it is for: what they saw in their last refresher is left out, "
        "and they must give their staff ID to join",
    )
    department: str | None = Field(default=None, max_length=64)
    count: int = Field(default=8, ge=1, le=50, description="how many questions")
    weight_missed: bool = Field(
        default=False,
        description="questions these staff (else this department) got wrong before come first",
    )


class RefresherDraw(_Model):
    questions: list[list[str]] = Field(description="[bank id, question id] in the order asked")
    asked: int
    available: int = Field(description="questions on these topics in these banks")
    repeated: int = Field(
        description="questions from their last refresher, drawn because too few were left"
    )
    missed_first: int = Field(description="questions drawn because they were missed before")
    weight_missed: bool = Field(description="whether earlier answers weighted the draw")
    seed: int


class RefresherCreated(GameCreated):
    refresher: RefresherDraw


class LiveGame(_Model):
    game_id: str
    pin: str
    mode: str
    bank_id: str
    title: dict[str, str]
    owner: str
    phase: str
    players: int
    created_at: float


class SessionOut(_Model):
    game_id: str
    pin: str
    bank_id: str
    mode: str
    trainer: str
    created_at: float
    started_at: float | None
    ended_at: float | None
    participants: int
    accuracy: float | None = Field(
        description="percent of scored answers right (a race: of first attempts)"
    )


class SessionList(_Model):
    total: int = Field(description="matching sessions in all pages")
    page: int
    per_page: int
    sessions: list[SessionOut]


class RefresherPage(_Model):
    total: int = Field(description="staff-and-topic rows below the threshold, in all pages")
    page: int
    per_page: int
    needs: list[RefresherNeed] = Field(
        description="by department, weakest first within each department"
    )


class GameEnded(_Model):
    game_id: str
    phase: str


class ParticipantOut(_Model):
    player_id: str
    name: str
    staff_id: str | None
    department: str | None


class AnswerOut(_Model):
    player_id: str
    question_index: int
    question_id: str
    payload: Any = Field(description="the answer as sent, in display positions")
    answer: Any = Field(
        description="the answer in bank terms: bank option indexes (from 0) for single, "
        "multi and poll, bank step indexes in the player's order for order, the text for "
        "typed, true/false for truefalse — independent of how options were shuffled"
    )
    received_at: float
    response_ms: int
    correct: bool | None
    points: int


class AttemptOut(_Model):
    player_id: str
    step_index: int = Field(description="the step's number in the race, from 0")
    step_id: str = Field(description="'case id/step id' in the bank")
    attempt: int = Field(description="1 for the first attempt at this step, then 2, ...")
    payload: Any
    answer: Any
    received_at: float
    race_ms: int = Field(description="the participant's race clock at this attempt")
    correct: bool


class StandingOut(_Model):
    player_id: str
    rank: int
    score: int = Field(description="quiz: points; race: steps completed")
    correct_count: int = Field(description="quiz: right answers; race: steps right first try")


class GameResultsOut(_Model):
    game_id: str
    pin: str
    mode: str
    bank_id: str
    trainer: str
    settings: dict[str, Any]
    question_ids: list[str]
    created_at: float
    started_at: float | None
    ended_at: float | None
    participants: list[ParticipantOut]
    answers: list[AnswerOut]
    standings: list[StandingOut]
    attempts: list[AttemptOut] = Field(description="case race: every attempt at every step")


def _response(model: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
    }


def _list_response(model: str, description: str) -> dict[str, Any]:
    schema = {"type": "array", "items": {"$ref": f"#/components/schemas/{model}"}}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "401": _response("ErrorResponse", "not signed in / no valid API token"),
    "403": _response("ErrorResponse", "signed in, but not allowed"),
}


def openapi_document() -> dict[str, Any]:
    models: list[type[BaseModel]] = [
        ErrorResponse,
        BankSummary,
        CreateGame,
        CreateRace,
        CreateRefresher,
        GameCreated,
        RefresherCreated,
        LiveGame,
        GameEnded,
        GameResultsOut,
        SessionList,
        RefresherPage,
    ]
    _, schemas = models_json_schema(
        [(m, "validation") for m in models], ref_template="#/components/schemas/{model}"
    )
    report_schema = SESSION_REPORT.json_schema(
        mode="serialization", ref_template="#/components/schemas/{model}"
    )
    report_defs = report_schema.pop("$defs", {})
    extra_schemas: dict[str, Any] = {}
    for name, adapter in (
        ("StaffRecord", STAFF_RECORD),
        ("HeatMap", HEAT),
    ):
        schema = adapter.json_schema(ref_template="#/components/schemas/{model}")
        extra_schemas.update(schema.pop("$defs", {}))
        extra_schemas[name] = schema
    game_id = {"name": "game_id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "DMED Quiz Kiosk API", "version": "1"},
        "components": {
            "schemas": {
                **schemas.get("$defs", {}),
                **report_defs,
                "SessionReport": report_schema,
                **extra_schemas,
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "qk_session"},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/v1/banks": {
                "get": {
                    "summary": "List question banks",
                    "responses": {"200": _list_response("BankSummary", "banks"), **_ERRORS},
                }
            },
            "/api/v1/games": {
                "get": {
                    "summary": "List live games (your own; all for an admin)",
                    "responses": {"200": _list_response("LiveGame", "games"), **_ERRORS},
                },
                "post": {
                    "summary": "Create a live quiz from a bank",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/CreateGame"}
                            }
                        },
                    },
                    "responses": {
                        "201": _response("GameCreated", "the game, its PIN and host token"),
                        "404": _response("ErrorResponse", "no such bank"),
                        "422": _response("ErrorResponse", "invalid request"),
                        **_ERRORS,
                    },
                },
            },
            "/api/v1/races": {
                "post": {
                    "summary": "Create a case race from one or more cases of a bank",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/CreateRace"}
                            }
                        },
                    },
                    "responses": {
                        "201": _response("GameCreated", "the race, its PIN and host token"),
                        "404": _response("ErrorResponse", "no such bank or case"),
                        "422": _response("ErrorResponse", "invalid request"),
                        **_ERRORS,
                    },
                },
            },
            "/api/v1/games/{game_id}/end": {
                "post": {
                    "summary": "End a live game",
                    "parameters": [game_id],
                    "responses": {
                        "200": _response("GameEnded", "ended"),
                        "404": _response("ErrorResponse", "no such game"),
                        "409": _response("ErrorResponse", "already ended"),
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/sessions": {
                "get": {
                    "summary": "Past and running sessions, newest first (your own; all for "
                    "an admin)",
                    "parameters": [
                        {"name": name, "in": "query", "required": False, "schema": schema}
                        for name, schema in (
                            ("from", {"type": "string", "format": "date"}),
                            ("to", {"type": "string", "format": "date"}),
                            ("bank", {"type": "string"}),
                            ("trainer", {"type": "string"}),
                            ("department", {"type": "string"}),
                            ("mode", {"type": "string", "enum": ["quiz", "race"]}),
                            ("page", {"type": "integer", "minimum": 1}),
                            ("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                        )
                    ],
                    "responses": {
                        "200": _response("SessionList", "one page"),
                        "422": _response("ErrorResponse", "a bad filter"),
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/staff/{staff_id}": {
                "get": {
                    "summary": "One staff member across sessions: accuracy overall and per "
                    "topic (weakest first), last seen; ?from=&to= dates",
                    "parameters": [
                        {
                            "name": "staff_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _response("StaffRecord", "the record"),
                        "404": _response("ErrorResponse", "no answers from this staff ID"),
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/participants/{game_id}/{player_id}": {
                "post": {
                    "summary": "Admin: correct a participant's name or department, or give "
                    "them a staff ID (merging them into that staff record); JSON body with "
                    "any of staff_id, name, department",
                    "parameters": [
                        game_id,
                        {
                            "name": "player_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {"description": "updated"},
                        "404": _response("ErrorResponse", "no such participant"),
                        "422": _response("ErrorResponse", "invalid request"),
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/staff/{staff_id}/erase": {
                "post": {
                    "summary": "Admin: erase a staff member's name, staff ID and department "
                    "everywhere; their answers stay, anonymous, in the statistics",
                    "parameters": [
                        {
                            "name": "staff_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {"description": "how many participations were erased"},
                        "404": _response("ErrorResponse", "no participant has this staff ID"),
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/refreshers": {
                "post": {
                    "summary": "Start a refresher quiz: `count` questions drawn from banks by "
                    "topic, not what the same people saw in their last refresher, optionally "
                    "what they missed first; the drawn set is recorded with the game",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/CreateRefresher"}
                            }
                        },
                    },
                    "responses": {
                        "201": _response(
                            "RefresherCreated", "the game, its PIN and host token, and the draw"
                        ),
                        "404": _response("ErrorResponse", "no such bank"),
                        "422": _response("ErrorResponse", "invalid request, or no questions"),
                        **_ERRORS,
                    },
                },
                "get": {
                    "summary": "Staff below ?threshold= (default 70) on a topic, by "
                    "department; ?from=&to=, ?min_answers= (default 3), ?page=&per_page= "
                    "(default 100, at most 1000)",
                    "responses": {"200": _response("RefresherPage", "one page"), **_ERRORS},
                },
            },
            "/api/v1/heatmap": {
                "get": {
                    "summary": "Accuracy per department and topic, with staff counts",
                    "responses": {"200": _response("HeatMap", "the cells"), **_ERRORS},
                }
            },
            "/api/v1/games/{game_id}/export.csv": {
                "get": {
                    "summary": "Every answer (a race: every attempt) as CSV, headers in ?lang=",
                    "parameters": [game_id],
                    "responses": {"200": {"description": "text/csv"}, **_ERRORS},
                }
            },
            "/api/v1/games/{game_id}/export.xlsx": {
                "get": {
                    "summary": "The session as XLSX: overview, questions, participants, "
                    "answers; headers in ?lang=",
                    "parameters": [game_id],
                    "responses": {"200": {"description": "an XLSX workbook"}, **_ERRORS},
                }
            },
            "/api/v1/games/{game_id}/report": {
                "get": {
                    "summary": "The session report: leaderboard, questions hardest first "
                    "with answers in bank terms and item analysis, each participant's answers",
                    "parameters": [game_id],
                    "responses": {
                        "200": _response("SessionReport", "the report"),
                        "404": _response("ErrorResponse", "no such game"),
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/games/{game_id}/results": {
                "get": {
                    "summary": "Results of a game from the archive",
                    "parameters": [game_id],
                    "responses": {
                        "200": _response("GameResultsOut", "results"),
                        "404": _response("ErrorResponse", "no such game"),
                        **_ERRORS,
                    },
                }
            },
        },
    }
