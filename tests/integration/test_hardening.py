"""Each attack an outside security and fault probe found, sent as the probe sent it.

Every test asserts the refusal, the clear error, and that honest players and
trainers are not affected.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import select
import signal
import socket
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx
import pytest
import websockets

from tests.integration.conftest import (
    Client,
    RunningServer,
    host,
    player,
    start_server,
)

CSRF = {"qk_csrf": "token-1"}


def login(client: httpx.Client, username: str, password: str, **extra: str) -> httpx.Response:
    client.cookies.set("qk_csrf", "token-1")
    form = {"username": username, "password": password, "csrf_token": "token-1", **extra}
    return client.post("/login", data=form)


def from_address(server: RunningServer, address: str) -> httpx.Client:
    """An HTTP client whose requests come from another loopback address."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.base_url, transport=transport, timeout=30)


# ---- 1. login rate limit -------------------------------------------------------------


def test_forty_parallel_wrong_passwords_are_limited_before_the_password_check(
    own_server: RunningServer,
) -> None:
    def attempt(_: int) -> int:
        with httpx.Client(base_url=own_server.base_url, timeout=30) as client:
            return login(client, "nurse", "wrong-password").status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(attempt, range(40)))
    assert statuses.count(401) == 10  # the per-address and per-account limit
    assert statuses.count(429) == 30
    # A trainer at another desk (another address) signs in to another account at once.
    with from_address(own_server, "127.0.0.2") as client:
        assert login(client, "doctor", "doctor-pass-1").status_code == 303


def test_one_accounts_success_never_clears_another_accounts_failures(
    own_server: RunningServer,
) -> None:
    # The probe: 9 wrong for `nurse`, 1 right as `doctor`, repeated.
    statuses: list[int] = []
    with httpx.Client(base_url=own_server.base_url) as client:
        for _ in range(3):
            statuses += [login(client, "nurse", f"guess-{n}").status_code for n in range(9)]
            statuses.append(login(client, "doctor", "doctor-pass-1").status_code)
            client.cookies.clear()
    wrong_guesses_checked = statuses.count(401)
    assert wrong_guesses_checked == 10, statuses  # not 27
    assert statuses[9] == 303  # the honest login in the first round worked
    assert 429 in statuses
    # The nurse herself, from another address, is blocked for her account only briefly:
    with from_address(own_server, "127.0.0.3") as other:
        response = login(other, "nurse", "nurse-pass-1")
        assert response.status_code == 429  # the account is under attack: wait a minute
        assert int(response.headers["Retry-After"]) >= 1
        assert login(other, "doctor", "doctor-pass-1").status_code == 303


# ---- 2. speed points on reconnect ---------------------------------------------------------


def test_resume_and_answer_in_one_write_does_not_earn_full_speed_points(
    server: RunningServer,
) -> None:
    async def main() -> None:
        game = server.create_game(time_per_question=20, shuffle_options=False)
        projector = await host(server, game)
        honest = await player(server, game["pin"], "Honest")
        sleeper = await player(server, game["pin"], "Sleeper")
        welcome = sleeper.received[0]
        token = welcome["resume_token"]
        await sleeper.close()  # the phone is asleep when the question opens
        await projector.send({"type": "start"})
        question = await honest.expect("question", index=0)
        assert question["kind"] == "single"
        await asyncio.sleep(2.0)
        await honest.send({"type": "answer", "question": 0, "value": 1})  # B, the right one
        await honest.expect("answer_ack")
        woken = await Client.connect(server, "/ws/play")
        # Back to back, no wait: the answer arrives with the resume.
        await woken.send({"type": "resume", "protocol": 1, "token": token})
        await woken.send({"type": "answer", "question": 0, "value": 1})
        await woken.expect("answer_ack")
        await projector.send({"type": "close"})
        honest_result = await honest.expect("result")
        woken_result = await woken.expect("result")
        assert honest_result["correct"] and woken_result["correct"]
        assert woken_result["points"] <= honest_result["points"] < 1000

    asyncio.run(main())


# ---- 3. PIN enumeration ----------------------------------------------------------------------


def test_the_qr_code_is_only_for_the_games_host_and_reveals_no_pin(server: RunningServer) -> None:
    game = server.create_game()
    anonymous = httpx.Client(base_url=server.base_url)
    # The old address answered 200 for a live PIN, 404 otherwise: now it is gone for all.
    assert anonymous.get(f"/qr/{game['pin']}.svg").status_code == 404
    assert anonymous.get("/qr/000000.svg").status_code == 404
    assert anonymous.get(f"/host/{game['game_id']}/qr.svg").status_code == 404
    assert anonymous.get("/host/no-such-game/qr.svg").status_code == 404
    with server.api(server.trainer_token) as other_trainer:
        assert other_trainer.get(f"/host/{game['game_id']}/qr.svg").status_code == 404
    with server.api() as owner:
        qr = owner.get(f"/host/{game['game_id']}/qr.svg")
        assert qr.status_code == 200
        assert qr.headers["content-type"].startswith("image/svg+xml")
        assert game["pin"] in qr.text  # the join address, as the title
        assert qr.headers["x-content-type-options"] == "nosniff"


def test_wrong_pins_are_limited_per_address(own_server: RunningServer) -> None:
    async def main() -> None:
        codes = []
        for n in range(25):
            guesser = await Client.connect(own_server, "/ws/play")  # a new socket each time
            await guesser.send({"type": "join", "protocol": 1, "pin": f"{100000 + n}", "name": "X"})
            codes.append((await guesser.expect("error"))["code"])
            await guesser.close()
        assert codes[:20] == ["unknown_pin"] * 20
        assert set(codes[20:]) == {"too_many_attempts"}

    asyncio.run(main())


# ---- 4. forwarded addresses ----------------------------------------------------------------


def test_forwarded_for_is_ignored_without_a_trusted_proxy(own_server: RunningServer) -> None:
    async def main() -> None:
        codes = []
        for n in range(22):
            # Rotating the header would make every guess look like a new phone.
            headers = {"X-Forwarded-For": f"10.1.{n}.{n}"}
            guesser = await Client.connect(own_server, "/ws/play", additional_headers=headers)
            await guesser.send({"type": "join", "protocol": 1, "pin": "999999", "name": "X"})
            codes.append((await guesser.expect("error"))["code"])
            await guesser.close()
        assert codes[-1] == "too_many_attempts"

    asyncio.run(main())


# ---- 5. deeply nested JSON --------------------------------------------------------------------


@pytest.mark.parametrize("frame", ["[" * 1100 + "]" * 1100, '{"a":' * 1000 + "1" + "}" * 1000])
def test_deeply_nested_json_is_refused_and_the_connection_stays(
    server: RunningServer, frame: str
) -> None:
    async def main() -> None:
        game = server.create_game()
        client = await player(server, game["pin"], f"Nested{len(frame)}")
        await client.send(frame)
        error = await client.expect("error")
        assert error["code"] == "bad_message"
        assert "nested deeper than 32 levels" in error["message"]
        await client.send({"type": "ping"})
        await client.expect("pong")

    asyncio.run(main())
    assert "RecursionError" not in server.log()
    assert "Traceback" not in server.log()


def test_frame_limit_counts_bytes_not_characters(server: RunningServer) -> None:
    async def main() -> None:
        game = server.create_game()
        client = await player(server, game["pin"], "Emoji")
        value = "😀" * 5000  # 5,000 characters, 20,000 bytes
        await client.send({"type": "answer", "question": 0, "value": value})
        assert (await client.expect("error"))["code"] == "too_large"

    asyncio.run(main())


# ---- 6. media paths -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/media/%00", "/media/x.svg%00.png", "/media/../pyproject.toml"])
def test_odd_media_paths_are_simply_not_found(server: RunningServer, path: str) -> None:
    response = httpx.get(f"{server.base_url}{path}")
    assert response.status_code == 404
    assert "Traceback" not in server.log()


# ---- 7. open redirect ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/\\evil.example",
        "//evil.example",
        "/\\/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\t/evil.example",
        "\\\\evil.example",
        "/%5Cevil.example",
    ],
)
def test_next_never_leads_off_the_site(server: RunningServer, target: str) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        signed_in = login(client, "nurse", "nurse-pass-1", next=target)
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == "/console"
        page = client.get(f"/login?next={quote(target, safe='')}")
        assert page.status_code == 200
        # Every link, form action and hidden field stays on this site.
        for attribute in re.findall(r'(?:href|action|value)="([^"]*)"', page.text):
            if attribute.startswith("data:"):
                continue  # the inline favicon
            resolved = urljoin(server.base_url + "/login", html.unescape(attribute))
            assert urlsplit(resolved).netloc == urlsplit(server.base_url).netloc, attribute
            assert not resolved.startswith("javascript:"), attribute


def test_a_path_on_the_site_is_a_fine_next(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        signed_in = login(client, "nurse", "nurse-pass-1", next="/console/banks/icd10-coding")
        assert signed_in.headers["location"] == "/console/banks/icd10-coding"


# ---- 8. uploads before the CSRF check ---------------------------------------------------------


def raw_post(server: RunningServer, path: str, headers: dict[str, str], body: bytes) -> str:
    """Send the headers and the start of a body; return the status line the server
    answers with before the rest of the (declared) body has been sent."""
    port = int(server.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        sock.sendall(head.encode() + body)
        answer = sock.recv(4096).decode("latin-1")
    return answer.split("\r\n", 1)[0]


@pytest.mark.parametrize("path", ["/login", "/logout", "/setup", "/console/games"])
def test_an_anonymous_upload_is_refused_before_it_is_read(server: RunningServer, path: str) -> None:
    forty_mb = str(40 * 1024 * 1024)
    multipart = "multipart/form-data; boundary=xyz"
    # No CSRF cookie: refused at once (by its size or the missing cookie), unread.
    status = raw_post(
        server, path, {"Content-Type": multipart, "Content-Length": forty_mb}, b"--xyz\r\n"
    )
    assert status.split(" ", 1)[1].startswith(("403", "413")), status
    small = b"--xyz\r\n"
    status = raw_post(
        server, path, {"Content-Type": multipart, "Content-Length": str(len(small))}, small
    )
    assert status.endswith("403 Forbidden"), status
    # With a cookie, a body over the cap is refused by its declared size.
    status = raw_post(
        server,
        path,
        {"Content-Type": multipart, "Content-Length": forty_mb, "Cookie": "qk_csrf=t"},
        b"--xyz\r\n",
    )
    assert status.endswith("413 Request Entity Too Large") or status.endswith(
        "413 Content Too Large"
    ), status


def stream_post(
    server: RunningServer, path: str, headers: dict[str, str], head: bytes, total: int
) -> tuple[str | None, int]:
    """POST `head` padded with spaces to `total` bytes, sent chunked, one chunk at a
    time, and stop as soon as the server has something to say. Returns what the server
    answered (None if it dropped the connection without an answer) and how many bytes
    of the body had been sent by then."""
    body = head + b" " * (total - len(head))
    request = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    request += "Transfer-Encoding: chunked\r\n"
    request += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sent = 0
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        try:
            sock.sendall(request.encode())
            while sent < total:
                readable, writable, _ = select.select([sock], [sock], [], 10)
                if readable:
                    break  # an answer (or the close) while the body is still coming
                assert writable, "the server neither read the body nor answered"
                piece = body[sent : sent + 16 * 1024]
                sock.sendall(b"%x\r\n%b\r\n" % (len(piece), piece))
                sent += len(piece)
            else:
                sock.sendall(b"0\r\n\r\n")
            answer = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return None, sent
        with contextlib.suppress(OSError):  # the rest of the answer, up to the close
            while (more := sock.recv(65536)) and len(answer) < 65536:
                answer += more
    return (answer.decode("latin-1") or None), sent


STREAMED = 32 * 1024 * 1024  # far more than the caps, and than loopback buffers hold


def test_a_streamed_form_over_the_cap_is_refused_before_it_is_all_read(
    server: RunningServer,
) -> None:
    # A sign-in that would succeed, padded past the form cap (64 KiB).
    form = b"username=nurse&password=nurse-pass-1&csrf_token=token-1&pad="
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": "qk_csrf=token-1"}
    answer, sent = stream_post(server, "/login", headers, form, STREAMED)
    assert sent < STREAMED  # refused while streaming: the rest was never read
    if answer is not None:  # else the server dropped the connection, which is as good
        assert answer.startswith("HTTP/1.1 413 "), answer[:200]
        assert "too_large" in answer and "set-cookie" not in answer.lower()


def test_a_streamed_api_body_over_the_cap_creates_nothing(server: RunningServer) -> None:
    def game_ids() -> set[str]:
        with server.api() as client:
            return {game["game_id"] for game in client.get("/api/v1/games").json()}

    before = game_ids()
    # A request that would create a game, padded with JSON whitespace past the cap (1 MiB).
    create = b'{"bank_id": "every-type", "settings": {}}'
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {server.admin_token}"}
    answer, sent = stream_post(server, "/api/v1/games", headers, create, STREAMED)
    assert sent < STREAMED
    if answer is not None:
        assert answer.startswith("HTTP/1.1 413 "), answer[:200]
        assert "too_large" in answer
    assert game_ids() == before
    # The same request, not padded, does create one: the padding alone was refused.
    answer, sent = stream_post(server, "/api/v1/games", headers, create, len(create) + 10)
    assert answer is not None and answer.startswith("HTTP/1.1 201 "), answer
    assert len(game_ids() - before) == 1


def test_file_parts_in_a_sign_in_form_are_refused(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        client.cookies.set("qk_csrf", "token-1")
        response = client.post(
            "/login",
            data={"username": "nurse", "password": "x", "csrf_token": "token-1"},
            files={"upload": ("a.bin", b"\0" * 1000)},
        )
        assert response.status_code == 400


def test_csrf_failures_on_a_browser_form_show_a_page(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        client.cookies.set("qk_csrf", "token-1")
        response = client.post(
            "/login",
            data={"username": "nurse", "password": "x", "csrf_token": "other"},
            headers={"Accept": "text/html", "Accept-Language": "en"},
        )
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert "The form has expired" in response.text


# ---- 9. a Wi-Fi blip ---------------------------------------------------------------------------


def test_a_wifi_blip_does_not_close_the_question(server: RunningServer) -> None:
    async def main() -> None:
        game = server.create_game(time_per_question=20)
        projector = await host(server, game)
        phones = [await player(server, game["pin"], f"Blip{n}") for n in range(4)]
        tokens = [phone.received[0]["resume_token"] for phone in phones]
        await projector.send({"type": "start"})
        for phone in phones:
            await phone.expect("question", index=0)
        await phones[0].send({"type": "answer", "question": 0, "value": 0})
        await phones[0].expect("answer_ack")
        for phone in phones[1:]:  # the access point restarts
            await phone.close()
        with pytest.raises(TimeoutError):
            await projector.expect("reveal", timeout=2.0)
        back = []
        for token in tokens[1:]:
            phone = await Client.connect(server, "/ws/play")
            await phone.send({"type": "resume", "protocol": 1, "token": token})
            await phone.expect("question", index=0)
            back.append(phone)
        for phone in back:
            await phone.send({"type": "answer", "question": 0, "value": 1})
            await phone.expect("answer_ack")
        reveal = await projector.expect("reveal")
        assert reveal["answered"] == 4
        assert reveal["closed_by"] == "everyone_answered"

    asyncio.run(main())


def test_leave_tells_the_host_and_the_room_stops_waiting(server: RunningServer) -> None:
    async def main() -> None:
        game = server.create_game(time_per_question=20)
        projector = await host(server, game)
        stays = await player(server, game["pin"], "Stays")
        goes = await player(server, game["pin"], "Goes")
        await projector.send({"type": "start"})
        await stays.expect("question", index=0)
        await stays.send({"type": "answer", "question": 0, "value": 0})
        await stays.expect("answer_ack")
        await goes.send({"type": "leave"})
        await goes.expect("left")
        assert await goes.closed_with() == 1000
        left = await projector.expect("player_left")
        assert left["count"] == 1 and left["kicked"] is False
        reveal = await projector.expect("reveal")
        assert reveal["closed_by"] == "everyone_answered"

    asyncio.run(main())


# ---- 10. graceful stop ----------------------------------------------------------------------


def test_sigterm_closes_every_socket_with_server_restarting(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    started = start_server(tmp_path_factory)
    server = next(started)

    async def main() -> None:
        game = server.create_game()
        projector = await host(server, game)
        phone = await player(server, game["pin"], "Phone")
        waiting = await Client.connect(server, "/ws/play")  # not joined yet
        server.process.send_signal(signal.SIGTERM)
        codes = await asyncio.gather(
            projector.closed_with(), phone.closed_with(), waiting.closed_with()
        )
        assert codes == [4012, 4012, 4012]

    asyncio.run(main())
    # uvicorn re-raises the signal once it has shut down cleanly.
    assert server.process.wait(timeout=10) in (0, -signal.SIGTERM)
    assert "Traceback" not in server.log()


async def refused_at_once(server: RunningServer) -> bool:
    """Open a socket: True if the server closes it at once with 4012 (it is stopping),
    False if it is let in (then it is closed again from here)."""
    probe = await Client.connect(server, "/ws/play")
    try:
        code = await probe.closed_with(timeout=0.3)
    except TimeoutError:
        await probe.close()
        return False
    assert code == 4012, code
    return True


def test_while_sigterm_waits_for_answers_to_commit_no_game_or_socket_is_taken(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    started = start_server(tmp_path_factory)
    server = next(started)
    game = server.create_game(time_per_question=60)
    database = server.data_dir / "quizkiosk.sqlite3"
    assert database.exists()
    # Another process holds the database's write lock (as a backup tool might) for a
    # moment: the answer below is accepted but cannot commit, so the graceful stop
    # waits for it, and the test looks at the server while it is stopping.
    blocker = sqlite3.connect(database, isolation_level=None, timeout=5)

    def games() -> set[str]:
        with server.api() as client:
            return {g["game_id"] for g in client.get("/api/v1/games").json()}

    async def main() -> None:
        projector = await host(server, game)
        phone = await player(server, game["pin"], "Phone")
        await projector.send({"type": "start"})
        await phone.expect("question", index=0)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            await phone.send({"type": "answer", "question": 0, "value": 1})
            await asyncio.sleep(0.2)  # the answer reaches the game and waits for its commit
            server.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 3
            while not await refused_at_once(server):  # until the stop has begun
                assert time.monotonic() < deadline, "the server never began to stop"
            running = games()
            # A new game through the API is refused with 503 server_stopping…
            with server.api() as client:
                response = client.post(
                    "/api/v1/games", json={"bank_id": "every-type", "settings": {}}
                )
            assert response.status_code == 503, response.text
            assert response.json()["error"]["code"] == "server_stopping"
            assert games() == running  # nothing was created
            # …and so is a new socket, while the stop still waits for the answer.
            assert await refused_at_once(server)
            with pytest.raises(TimeoutError):
                await phone.expect("answer_ack", timeout=0.3)
            assert server.process.poll() is None
        finally:
            blocker.execute("ROLLBACK")
        # The answer commits, is acknowledged, then every socket hears "restarting".
        await phone.expect("answer_ack", question=0)
        codes = await asyncio.gather(projector.closed_with(), phone.closed_with())
        assert codes == [4012, 4012]

    try:
        asyncio.run(main())
    finally:
        blocker.close()
    assert server.process.wait(timeout=10) in (0, -signal.SIGTERM)


# ---- lesser ------------------------------------------------------------------------------------


def test_sockets_that_never_join_are_closed_and_each_address_has_a_cap(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    started = start_server(
        tmp_path_factory, True, "--join-timeout", "1", "--max-sockets-per-address", "3"
    )
    server = next(started)

    async def main() -> None:
        silent = await Client.connect(server, "/ws/play")
        began = time.monotonic()
        assert await silent.closed_with() == 4010
        assert 0.8 < time.monotonic() - began < 4
        game = server.create_game()
        kept = [await player(server, game["pin"], f"Cap{n}") for n in range(3)]
        extra = await Client.connect(server, "/ws/play")
        assert await extra.closed_with() == 4029
        # Another address is not affected, and joined sockets are not timed out.
        other = await Client.connect(server, "/ws/play", local_addr=("127.0.0.2", 0))
        await other.send({"type": "join", "protocol": 1, "pin": game["pin"], "name": "Other"})
        await other.expect("welcome")
        await asyncio.sleep(1.2)
        for phone in [*kept, other]:
            await phone.send({"type": "ping"})
            await phone.expect("pong")

    asyncio.run(main())
    for _ in started:
        pass


def test_every_response_has_the_security_headers(server: RunningServer) -> None:
    paths = ["/join", "/login", "/api/v1/openapi.json", "/static/css/base.css", "/media/none.png"]
    for path in paths:
        response = httpx.get(f"{server.base_url}{path}")
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"] or (
            "sandbox" in response.headers["content-security-policy"]
        ), path
    media = httpx.get(f"{server.base_url}/media/none.svg")
    assert "sandbox" in media.headers["content-security-policy"]
    assert httpx.get(f"{server.base_url}/api/v1/openapi.json").headers["cache-control"] == (
        "no-store"
    )


def host_error(server: RunningServer, frames: list[dict[str, Any]]) -> dict[str, Any]:
    async def main() -> dict[str, Any]:
        client = await Client.connect(server, "/ws/host")
        for frame in frames:
            await client.send(frame)
        return await client.expect("error")

    return asyncio.run(main())


def test_short_host_tokens_are_bad_host_tokens(server: RunningServer) -> None:
    error = host_error(
        server, [{"type": "host", "protocol": 1, "game_id": "x", "host_token": "abc"}]
    )
    assert error["code"] == "bad_host_token"


ODD_TOKENS = {
    "empty": "",
    "129 characters": "x" * 129,
    "10,000 characters": "x" * 10_000,
    "not ASCII": "токен",
    "a lone surrogate": "\ud800",
}


def a_plain_refusal(error: dict[str, Any], code: str) -> None:
    assert error["code"] == code, error
    for internals in ("String should", "Input should", "characters", "unicode"):
        assert internals not in error["message"], error


@pytest.mark.parametrize("odd", list(ODD_TOKENS.values()), ids=list(ODD_TOKENS))
def test_host_tokens_and_game_ids_of_any_length_are_bad_host_tokens(
    server: RunningServer, odd: str
) -> None:
    game = server.create_game(time_per_question=20)
    right_game_wrong_token = {"game_id": game["game_id"], "host_token": odd}
    wrong_game_right_token = {"game_id": odd, "host_token": game["host_token"]}
    for hello in (right_game_wrong_token, wrong_game_right_token):
        error = host_error(server, [{"type": "host", "protocol": 1, **hello}])
        a_plain_refusal(error, "bad_host_token")


@pytest.mark.parametrize("pin", ["12a", "1234567", "", "١٢٣٤٥٦"])
def test_a_pin_of_the_wrong_shape_is_an_unknown_pin(server: RunningServer, pin: str) -> None:
    async def main() -> None:
        game = server.create_game(time_per_question=20)
        phone = await Client.connect(server, "/ws/play")
        await phone.send({"type": "join", "protocol": 1, "pin": pin, "name": "Odd"})
        a_plain_refusal(await phone.expect("error"), "unknown_pin")
        await phone.send({"type": "join", "protocol": 1, "pin": game["pin"], "name": "Odd"})
        await phone.expect("welcome")

    asyncio.run(main())


@pytest.mark.parametrize("odd", list(ODD_TOKENS.values()), ids=list(ODD_TOKENS))
def test_resume_tokens_of_any_length_are_unknown_tokens(server: RunningServer, odd: str) -> None:
    async def main() -> None:
        game = server.create_game(time_per_question=20)
        phone = await Client.connect(server, "/ws/play")
        await phone.send({"type": "resume", "protocol": 1, "token": odd})
        a_plain_refusal(await phone.expect("error"), "unknown_token")
        await phone.send({"type": "resume", "protocol": 1, "token": odd, "pin": game["pin"]})
        a_plain_refusal(await phone.expect("error"), "unknown_token")
        # The connection stays: the same phone may still join.
        await phone.send({"type": "join", "protocol": 1, "pin": game["pin"], "name": "After"})
        await phone.expect("welcome")

    asyncio.run(main())


def test_not_host_says_which_command(server: RunningServer) -> None:
    assert host_error(server, [{"type": "next"}])["command"] == "next"


def test_a_next_meant_for_an_open_question_does_not_skip_the_reveal(
    server: RunningServer,
) -> None:
    async def main() -> None:
        game = server.create_game(time_per_question=20)
        projector = await host(server, game)
        only = await player(server, game["pin"], "Only")
        await projector.send({"type": "start"})
        await only.expect("question", index=0)
        await only.send({"type": "answer", "question": 0, "value": 0})
        await projector.expect("reveal")  # closed by itself: everyone answered
        await projector.send({"type": "next", "phase": "question"})  # pressed just too late
        error = await projector.expect("error")
        assert error["code"] == "wrong_phase" and error["command"] == "next"
        await projector.send({"type": "next", "phase": "reveal"})
        await projector.expect("leaderboard")

    asyncio.run(main())


def test_host_welcome_has_no_players_answer(server: RunningServer) -> None:
    async def main() -> None:
        game = server.create_game(time_per_question=20)
        projector = await host(server, game)
        await player(server, game["pin"], "Someone")
        await projector.send({"type": "start"})
        await projector.expect("question")
        again = await host(server, game)
        screen = again.received[-1]["screen"]
        assert screen["phase"] == "question" and "my_answer" not in screen

    asyncio.run(main())


def test_long_typed_answers_get_a_human_reason(server: RunningServer) -> None:
    async def main() -> None:
        game = server.create_game(time_per_question=20)
        projector = await host(server, game)
        phone = await player(server, game["pin"], "Typist")
        await projector.send({"type": "start"})
        index = 0
        while True:
            question = await phone.expect("question", index=index, timeout=10)
            if question["kind"] == "typed":
                break
            await projector.send({"type": "close"})
            await projector.expect("reveal")
            await projector.send({"type": "next"})
            await projector.expect("leaderboard")
            await projector.send({"type": "next"})
            index += 1
        await phone.send({"type": "answer", "question": index, "value": "x" * 300})
        error = await phone.expect("error")
        assert error["code"] == "invalid_answer"
        assert error["message"] == "a typed answer can be at most 200 characters long"

    asyncio.run(main())


@pytest.mark.parametrize("path", ["/ws/nope", "/ws/play/extra", "/ws", "/join"])
def test_a_socket_to_any_other_path_is_refused(server: RunningServer, path: str) -> None:
    """Only /ws/play and /ws/host skip the HTTP stack; every other socket path is refused
    by the router, as before, without an error in the log."""

    async def main() -> None:
        url = server.ws_url.split("/ws/")[0] + path
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(url)
        assert refused.value.response.status_code == 403

    asyncio.run(main())
    assert "Traceback" not in server.log()
