"""The JSON API: authentication, ownership, and responses that match the OpenAPI document."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
import pytest

from tests.integration.conftest import RunningServer


@pytest.fixture(scope="module")
def openapi(server: RunningServer) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{server.base_url}/api/v1/openapi.json").json()
    return document


def check_against_openapi(
    openapi: dict[str, Any], path: str, method: str, response: httpx.Response
) -> None:
    operation = openapi["paths"][path][method]
    declared = operation["responses"][str(response.status_code)]
    schema = declared["content"]["application/json"]["schema"]
    resolver_doc = {**schema, "components": openapi["components"]}
    jsonschema.validate(response.json(), resolver_doc)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/banks"),
        ("GET", "/api/v1/games"),
        ("POST", "/api/v1/games"),
        ("POST", "/api/v1/games/x/end"),
        ("GET", "/api/v1/games/x/results"),
    ],
)
def test_every_endpoint_requires_authentication(
    server: RunningServer, method: str, path: str
) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong-token-123"}):
        response = httpx.request(method, f"{server.base_url}{path}", headers=headers, json={})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"


def test_responses_match_the_openapi_document(
    server: RunningServer, openapi: dict[str, Any]
) -> None:
    with server.api() as api:
        banks = api.get("/api/v1/banks")
        check_against_openapi(openapi, "/api/v1/banks", "get", banks)
        assert {b["id"] for b in banks.json()} == {"every-type", "icd10-coding", "race-fixture"}
        created = api.post("/api/v1/games", json={"bank_id": "icd10-coding"})
        check_against_openapi(openapi, "/api/v1/games", "post", created)
        game_id = created.json()["game_id"]
        listed = api.get("/api/v1/games")
        check_against_openapi(openapi, "/api/v1/games", "get", listed)
        assert game_id in [g["game_id"] for g in listed.json()]
        ended = api.post(f"/api/v1/games/{game_id}/end")
        check_against_openapi(openapi, "/api/v1/games/{game_id}/end", "post", ended)
        results = api.get(f"/api/v1/games/{game_id}/results")
        check_against_openapi(openapi, "/api/v1/games/{game_id}/results", "get", results)
        missing = api.post("/api/v1/games", json={"bank_id": "nope"})
        assert missing.status_code == 404
        check_against_openapi(openapi, "/api/v1/games", "post", missing)
        bad = api.post(
            "/api/v1/games", json={"bank_id": "icd10-coding", "settings": {"scoring": "fastest"}}
        )
        assert bad.status_code == 422
        assert bad.json()["error"]["message"].startswith("settings.scoring")
        check_against_openapi(openapi, "/api/v1/games", "post", bad)
        again = api.post(f"/api/v1/games/{game_id}/end")
        assert again.status_code == 409
        check_against_openapi(openapi, "/api/v1/games/{game_id}/end", "post", again)


def test_only_the_owner_or_an_admin_controls_a_game(server: RunningServer) -> None:
    mine = server.create_game(token=server.trainer_token)
    admins = server.create_game()
    with server.api(server.trainer_token) as doctor:
        listed = {g["game_id"] for g in doctor.get("/api/v1/games").json()}
        assert mine["game_id"] in listed and admins["game_id"] not in listed
        refused = doctor.post(f"/api/v1/games/{admins['game_id']}/end")
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "not_owner"
        assert doctor.get(f"/api/v1/games/{admins['game_id']}/results").status_code == 403
        assert doctor.post(f"/api/v1/games/{mine['game_id']}/end").status_code == 200
    with server.api() as admin:
        assert admin.post(f"/api/v1/games/{admins['game_id']}/end").status_code == 200
        assert admin.get(f"/api/v1/games/{mine['game_id']}/results").status_code == 200


def test_health_check(server: RunningServer) -> None:
    response = httpx.get(f"{server.base_url}/healthz")
    assert response.status_code == 200 and response.text == "ok"
