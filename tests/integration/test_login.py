"""Trainer sign-in: hashed passwords, HttpOnly SameSite session cookies, CSRF, rate limits."""

from __future__ import annotations

import contextlib

import httpx
import pytest

from tests.integration.conftest import RunningServer, start_server


def login(
    client: httpx.Client, username: str, password: str, csrf: str | None = "token-1"
) -> httpx.Response:
    if csrf is not None:
        client.cookies.set("qk_csrf", "token-1")
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf or ""}
    )


def test_login_sets_an_httponly_samesite_session_that_authorises_the_api(
    server: RunningServer,
) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        response = login(client, "nurse", "nurse-pass-1")
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert "qk_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert client.get("/api/v1/banks").status_code == 200
        # With a session cookie, changing requests also need the CSRF header.
        no_csrf = client.post("/api/v1/games", json={"bank_id": "every-type"})
        assert no_csrf.status_code == 403 and no_csrf.json()["error"]["code"] == "csrf"
        created = client.post(
            "/api/v1/games", json={"bank_id": "every-type"}, headers={"X-CSRF-Token": "token-1"}
        )
        assert created.status_code == 201
        out = client.post("/logout", data={"csrf_token": "token-1"})
        assert out.status_code == 303
        assert client.get("/api/v1/banks").status_code == 401


def test_login_without_a_matching_csrf_token_is_refused(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        client.cookies.set("qk_csrf", "token-1")
        response = client.post(
            "/login", data={"username": "nurse", "password": "nurse-pass-1", "csrf_token": "other"}
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "csrf"


def test_wrong_passwords_are_refused_and_then_rate_limited(own_server: RunningServer) -> None:
    with httpx.Client(base_url=own_server.base_url) as client:
        codes = [login(client, "nurse", f"wrong-{n}").status_code for n in range(12)]
        assert codes[:10] == [401] * 10
        assert codes[10:] == [429, 429]
        # Even the right password waits until the window has passed.
        assert login(client, "nurse", "nurse-pass-1").status_code == 429


def test_setup_code_is_refused_once_a_trainer_exists(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        client.cookies.set("qk_csrf", "token-1")
        response = client.post(
            "/setup",
            data={
                "code": "ABCDEFGH",
                "username": "boss",
                "password": "long-password",
                "csrf_token": "token-1",
            },
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "bad_setup_code"


def test_first_start_prints_a_one_time_setup_code_that_creates_the_admin(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    started = start_server(tmp_path_factory, with_trainers=False)
    server = next(started)
    printed = server.log()  # printed before the server answers /healthz
    assert "/join" in printed
    line = next(line for line in printed.splitlines() if "setup code" in line)
    code = line.rsplit(":", 1)[1].strip()
    with httpx.Client(base_url=server.base_url) as client:
        client.cookies.set("qk_csrf", "token-1")
        form = {"username": "boss", "password": "long-password", "csrf_token": "token-1"}
        wrong = client.post("/setup", data={**form, "code": "WRONGCOD"})
        assert wrong.status_code == 403
        weak = client.post("/setup", data={**form, "code": code, "password": "short"})
        assert weak.status_code == 422
        assert "at least 8 characters" in weak.json()["error"]["message"]
        made = client.post("/setup", data={**form, "code": code})
        assert made.status_code == 303
        assert client.get("/api/v1/banks").status_code == 200
        client.cookies.clear()
        client.cookies.set("qk_csrf", "token-1")
        reused = client.post("/setup", data={**form, "code": code, "username": "second"})
        assert reused.status_code == 403
    with contextlib.suppress(StopIteration):
        next(started)
