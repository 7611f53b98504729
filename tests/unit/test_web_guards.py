"""The web edge's guards, each on a tiny app: CSRF, body limit, security headers, redirects."""

from __future__ import annotations

import pytest
from quizkiosk.web.auth import safe_next_path
from quizkiosk.web.body_limit import BodyLimitMiddleware
from quizkiosk.web.csrf import CsrfMiddleware
from quizkiosk.web.security_headers import IMAGE_POLICY, PAGE_POLICY, SecurityHeadersMiddleware
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient


async def echo_form(request: Request) -> Response:
    form = await request.form()
    return JSONResponse({"name": str(form.get("name"))})


async def page(request: Request) -> Response:
    return Response("<p>hi</p>", media_type="text/html")


async def image(request: Request) -> Response:
    return Response("<svg/>", media_type="image/svg+xml")


def guarded_app() -> TestClient:
    app = Starlette(
        routes=[
            Route("/form", echo_form, methods=["POST"]),
            Route("/api/v1/thing", echo_form, methods=["POST"]),
            Route("/page", page),
            Route("/media/a.svg", image),
            Route("/text", lambda r: PlainTextResponse("ok")),
        ],
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(BodyLimitMiddleware, limit_for=lambda path: 100),
            Middleware(CsrfMiddleware),
        ],
    )
    return TestClient(app)


def test_a_form_post_needs_the_cookie_and_the_matching_field() -> None:
    client = guarded_app()
    assert client.post("/form", data={"name": "a"}).status_code == 403
    client.cookies.set("qk_csrf", "t1")
    assert client.post("/form", data={"name": "a", "csrf_token": "t2"}).status_code == 403
    ok = client.post("/form", data={"name": "a", "csrf_token": "t1"})
    assert ok.status_code == 200 and ok.json() == {"name": "a"}  # the body reached the route
    header = client.post("/form", data={"name": "b"}, headers={"X-CSRF-Token": "t1"})
    assert header.json() == {"name": "b"}


def test_a_csrf_token_with_non_ascii_characters_is_refused_not_an_error() -> None:
    client = guarded_app()
    client.cookies.set("qk_csrf", "t1")
    assert client.post("/form", data={"name": "a", "csrf_token": "tö"}).status_code == 403
    assert client.post("/form", data={"name": "a", "csrf_token": "мой"}).status_code == 403


def test_api_calls_with_a_token_or_no_session_are_not_csrf_checked() -> None:
    client = guarded_app()
    bearer = client.post("/api/v1/thing", data={"name": "x"}, headers={"Authorization": "Bearer k"})
    assert bearer.status_code == 200
    assert client.post("/api/v1/thing", data={"name": "x"}).status_code == 200
    client.cookies.set("qk_session", "s")
    assert client.post("/api/v1/thing", data={"name": "x"}).status_code == 403


def test_a_body_over_the_limit_is_refused_unread() -> None:
    client = guarded_app()
    client.cookies.set("qk_csrf", "t1")
    response = client.post("/form", data={"name": "x" * 200, "csrf_token": "t1"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_every_response_gets_the_security_headers() -> None:
    client = guarded_app()
    for path in ("/page", "/text", "/media/a.svg"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert client.get("/page").headers["content-security-policy"] == PAGE_POLICY
    assert client.get("/page").headers["cache-control"] == "no-store"
    assert client.get("/media/a.svg").headers["content-security-policy"] == IMAGE_POLICY
    refused = client.post("/form", data={})
    assert refused.headers["x-content-type-options"] == "nosniff"  # refusals too


@pytest.mark.parametrize(
    "target",
    [
        "/\\evil.example",
        "//evil.example",
        "/\\/evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "/\n/evil.example",
        "/%5cevil.example",
        "/%2F/evil.example",
        "console",
        "",
    ],
)
def test_next_paths_that_could_leave_the_site_fall_back(target: str) -> None:
    assert safe_next_path(target) == "/console"


@pytest.mark.parametrize("target", ["/console", "/console/banks/x?lang=ru", "/host/abc#top"])
def test_next_paths_on_the_site_are_kept(target: str) -> None:
    assert safe_next_path(target) == target
