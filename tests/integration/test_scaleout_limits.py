"""Scaled out, limits and sessions hold across workers: three workers on one Redis and
one PostgreSQL. Spreading wrong PINs or wrong passwords over the workers gets no more
tries than one worker allows, and a trainer signed in on one worker is signed in (and
out) on all of them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.conftest import Client
from tests.integration.scaleout import ScaledOut, scaled_out

WRONG_PINS_ALLOWED = 20  # ServerConfig.join_attempts_per_minute
LOGINS_ALLOWED = 10  # ServerConfig.login_attempts_per_minute


@pytest.fixture
def cluster(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    postgres_url: str,
) -> Iterator[ScaledOut]:
    yield from scaled_out(tmp_path_factory, monkeypatch, postgres_url)


def browser(base_url: str, source: str) -> httpx.Client:
    client = httpx.Client(
        base_url=base_url,
        transport=httpx.HTTPTransport(local_address=source),
        timeout=10,
        follow_redirects=False,
    )
    client.cookies.set("qk_csrf", "token-1")
    return client


def log_in(client: httpx.Client, password: str, username: str = "nurse") -> httpx.Response:
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": "token-1"}
    )


def test_wrong_pins_and_passwords_spread_over_workers_are_limited_as_one(
    cluster: ScaledOut,
) -> None:
    workers = cluster.workers

    async def guess_pins() -> list[str]:
        codes = []
        for n in range(WRONG_PINS_ALLOWED + 1):
            worker = workers[n % len(workers)]
            guesser = await Client.connect(worker, "/ws/play", local_addr=("127.0.0.5", 0))
            pin = f"{300000 + n}"
            await guesser.send({"type": "join", "protocol": 1, "pin": pin, "name": "X"})
            codes.append((await guesser.expect("error"))["code"])
            await guesser.close()
        return codes

    codes = asyncio.run(guess_pins())
    assert codes[:-1] == ["unknown_pin"] * WRONG_PINS_ALLOWED
    assert codes[-1] == "too_many_attempts"  # the 21st, on whichever worker

    statuses = []
    for n in range(LOGINS_ALLOWED + 1):
        with browser(workers[n % len(workers)].base_url, "127.0.0.6") as client:
            statuses.append(log_in(client, "wrong", username="ghost").status_code)
    assert statuses[:-1] == [401] * LOGINS_ALLOWED
    assert statuses[-1] == 429
    # Another address, and another account, are not held up by it.
    with browser(workers[1].base_url, "127.0.0.7") as client:
        assert log_in(client, "nurse-pass-1").status_code == 303


def test_a_session_made_on_one_worker_works_and_ends_on_every_worker(
    cluster: ScaledOut,
) -> None:
    first, second, third = cluster.workers
    with browser(first.base_url, "127.0.0.8") as client:
        assert log_in(client, "nurse-pass-1").status_code == 303
        cookies = dict(client.cookies)
    for worker in (second, third):
        with browser(worker.base_url, "127.0.0.8") as client:
            client.cookies.update(cookies)
            assert client.get("/console").status_code == 200
    with browser(second.base_url, "127.0.0.8") as client:
        client.cookies.update(cookies)
        assert client.post("/logout", data={"csrf_token": "token-1"}).status_code == 303
    with browser(third.base_url, "127.0.0.8") as client:
        client.cookies.update(cookies)
        refused = client.get("/console")
        assert refused.status_code in (302, 303, 307) and "/login" in refused.headers["location"]
