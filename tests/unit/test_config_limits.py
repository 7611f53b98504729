"""The rate limits a server enforces are the ones in its ServerConfig, not built-in numbers.

Each test starts the real app with limits far below the defaults (20 wrong PINs, 10
logins a minute, 5 messages a second with bursts of 15) and sees the refusal come at
exactly the configured count.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from quizkiosk.config import ServerConfig
from quizkiosk.protocol import PROTOCOL_VERSION
from quizkiosk.web.app import create_app
from starlette.testclient import TestClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CSRF = "csrf-for-the-test"


@contextmanager
def running(tmp_path: Path, **limits: Any) -> Iterator[TestClient]:
    config = ServerConfig(data_dir=tmp_path / "data", banks_dir=FIXTURES, **limits)
    with TestClient(create_app(config)) as client:
        client.cookies.set("qk_csrf", CSRF)
        yield client


def login(client: TestClient, username: str) -> int:
    form = {"username": username, "password": "wrong", "csrf_token": CSRF}
    return client.post("/login", data=form, follow_redirects=False).status_code


def wrong_pin_join() -> str:
    return json.dumps(
        {"type": "join", "protocol": PROTOCOL_VERSION, "pin": "999999", "name": "Aziza"}
    )


def test_wrong_pins_are_refused_after_the_configured_number(tmp_path: Path) -> None:
    codes = []
    with (
        running(tmp_path, join_attempts_per_minute=3) as client,
        client.websocket_connect("/ws/play") as socket,
    ):
        for _ in range(4):
            socket.send_text(wrong_pin_join())
            codes.append(socket.receive_json()["code"])
    assert codes == ["unknown_pin"] * 3 + ["too_many_attempts"]


def test_logins_are_refused_after_the_configured_number_per_address(tmp_path: Path) -> None:
    limits = {"login_attempts_per_minute": 2, "login_attempts_per_account_per_minute": 50}
    with running(tmp_path, **limits) as client:
        assert [login(client, name) for name in ("a", "b", "c")] == [401, 401, 429]


def test_logins_are_refused_after_the_configured_number_per_account(tmp_path: Path) -> None:
    limits = {"login_attempts_per_minute": 50, "login_attempts_per_account_per_minute": 2}
    with running(tmp_path, **limits) as client:
        assert [login(client, name) for name in ("a", "a", "a", "b")] == [401, 401, 429, 401]


def test_socket_messages_beyond_the_configured_burst_are_refused(tmp_path: Path) -> None:
    codes = []
    with (
        running(tmp_path, messages_per_second=0.01, message_burst=2) as client,
        client.websocket_connect("/ws/play") as socket,
    ):
        for _ in range(3):
            socket.send_text(wrong_pin_join())
            codes.append(socket.receive_json()["code"])
    assert codes == ["unknown_pin", "unknown_pin", "rate_limited"]
