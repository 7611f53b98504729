"""Scaled out, the engines and the processes misbehave: three workers behind nginx.

- A worker paused past its lease (SIGSTOP, then SIGCONT) has lost the game to another
  worker: it writes nothing more to the archive (fenced by the epoch), acknowledges
  nothing, and its sockets are told to reconnect (4012); they resume on the new owner.
- Redis restarted mid-game (its data kept): the workers reconnect, the sockets on
  other workers are resynced, and the game carries on to the end, nothing acked lost.
- Redis restarted without its data: the owner lets the game go, a worker takes it
  over from PostgreSQL (epoch 2), the phones resume and nothing acked is lost.
- The owner stopped with SIGTERM: the game is handed over, its sockets resume, the
  other workers' sockets stay open.
- PostgreSQL stopped mid-question: forwarded answers are told `not_saved`, never
  acknowledged falsely, and acknowledged once it is back.
- Redis restarted without its data after a game ended: its PIN still reads as ended
  (the workers seed the recently ended PINs again from the archive), not as unknown.
- Redis down: a new game (API, console form, refresher) is refused clearly (503
  `unavailable`, a translated message on the bank page), nothing is half-made, and the
  same request works once Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from tests.integration.conftest import Client
from tests.integration.scaleout import ScaledOut, scaled_out
from tests.integration.test_crash_recovery import answer_for, press, results
from tests.integration.test_login import login
from tests.integration.test_scaleout_game import join, projector_on, resume_on
from tests.postgres_server import PostgresCluster

LEASE_SECONDS = 5.0  # quizkiosk.scale.lease.LEASE_TTL_SECONDS
# Part of the Uzbek translation of the Start forms' message (bank_pages.REDIS_DOWN).
UZBEK_NO_REDIS = "Redis bilan bogʻlana olmayapti"


@pytest.fixture
def cluster(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    postgres_url: str,
) -> Iterator[ScaledOut]:
    yield from scaled_out(tmp_path_factory, monkeypatch, postgres_url)


def query(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return list(conn.execute(sql, params).fetchall())


def game_epoch(url: str, game_id: str) -> int:
    return int(query(url, "SELECT epoch FROM games WHERE id = %s", game_id)[0][0])


def inputs_of(url: str, game_id: str) -> list[tuple[int, int]]:
    """(seq, epoch) of every recorded input of the game, in order."""
    rows = query(url, "SELECT seq, epoch FROM game_inputs WHERE game_id = %s ORDER BY seq", game_id)
    return [(int(seq), int(epoch)) for seq, epoch in rows]


async def answered(phone: Client, question: int, kind: str, n: int) -> object:
    await phone.send({"type": "answer", "question": question, "value": answer_for(kind, n)})
    return (await phone.expect("answer_ack", question=question, timeout=20))["value"]


def test_a_paused_ex_owner_cannot_write_after_another_worker_took_over(
    cluster: ScaledOut,
) -> None:
    owner, first, second = cluster.workers
    url = cluster.database_url

    async def main() -> None:
        game = owner.create_game(time_per_question=120)
        game_id = game["game_id"]
        projector = await projector_on(first.ws_url, game)
        away = [
            await join(w.ws_url, game["pin"], f"Away{n}") for n, w in enumerate([first, second])
        ]
        local = await join(owner.ws_url, game["pin"], "Local")
        local_token = local.received[-1]["resume_token"]
        await press(projector, {"type": "start"})
        question = await away[0].expect("question", index=0, timeout=10)
        kind = question["kind"]
        await local.expect("question", index=0, timeout=10)
        assert await answered(away[0], 0, kind, 0) is not None
        assert game_epoch(url, game_id) == 1

        os.kill(owner.process.pid, signal.SIGSTOP)
        try:
            deadline = time.monotonic() + 4 * LEASE_SECONDS
            while game_epoch(url, game_id) < 2:  # another worker took the game over
                assert time.monotonic() < deadline, cluster.logs()
                await asyncio.sleep(0.2)
            # The phone on the paused worker answers: its frame waits in that worker's
            # socket. A phone elsewhere answers and is acknowledged by the new owner.
            await local.send({"type": "answer", "question": 0, "value": answer_for(kind, 1)})
            await away[1].expect("welcome", resumed=True, timeout=15)
            assert await answered(away[1], 0, kind, 2) is not None
            before = inputs_of(url, game_id)
        finally:
            os.kill(owner.process.pid, signal.SIGCONT)

        # Woken up, the ex-owner finds its lease gone: its socket is told to reconnect,
        # and its answer is neither acknowledged nor written.
        assert await local.closed_with(timeout=15) == 4012
        assert not [m for m in local.received if m["type"] == "answer_ack"]
        await asyncio.sleep(1.0)
        after = inputs_of(url, game_id)
        assert after == before  # nothing more written by anyone meanwhile
        epochs = [epoch for _, epoch in after]
        assert epochs == sorted(epochs) and epochs[-1] == 2  # no epoch-1 write after the fence

        # The phone resumes through nginx (on a worker that can run the game) and answers.
        back = await resume_on(cluster.proxy_ws, local_token)
        assert back.received[-1]["screen"].get("my_answer") is None
        acked = await answered(back, 0, kind, 1)
        await press(projector, {"type": "end"})
        await projector.expect("ended", timeout=10)
        archived = results(first, game_id)
        mine = [
            a for a in archived["answers"] if a["player_id"] == back.received[0]["player"]["id"]
        ]
        assert [a["payload"] for a in mine] == [acked]

    asyncio.run(main())
    assert "lost the lease of game" in owner.log() or "fenced out" in owner.log()


def test_redis_restarted_mid_game_and_the_game_carries_on(cluster: ScaledOut) -> None:
    owner, other = cluster.workers[0], cluster.workers[1]
    players = 9

    async def main() -> None:
        game = owner.create_game(time_per_question=120)
        projector = await projector_on(other.ws_url, game)
        phones = [
            await join(cluster.workers[n % 3].ws_url, game["pin"], f"Staff{n}")
            for n in range(players)
        ]
        ids = [phone.received[-1]["player"]["id"] for phone in phones]
        await press(projector, {"type": "start"})
        question = await phones[0].expect("question", index=0, timeout=10)
        acked: dict[tuple[str, int], object] = {}
        for n in range(0, players, 2):
            acked[(ids[n], 0)] = await answered(phones[n], 0, question["kind"], n)

        cluster.redis.restart(keep_data=True)

        # The rest answer: forwarded ones are resent until Redis answers again.
        for n in range(1, players, 2):
            acked[(ids[n], 0)] = await answered(phones[n], 0, question["kind"], n)
        await projector.expect("reveal", timeout=20)
        await press(projector, {"type": "next", "phase": "reveal"})
        await projector.expect("leaderboard", timeout=10)
        await press(projector, {"type": "next", "phase": "leaderboard"})
        shown = await phones[0].expect("question", index=1, timeout=10)
        for n, phone in enumerate(phones):
            if n > 0:
                await phone.expect("question", index=1, timeout=10)
            acked[(ids[n], 1)] = await answered(phone, 1, shown["kind"], n)
        await projector.expect("reveal", timeout=10)
        await press(projector, {"type": "end"})
        await projector.expect("ended", timeout=10)
        archived = results(other, game["game_id"])
        kept = {(a["player_id"], a["question_index"]): a["payload"] for a in archived["answers"]}
        assert kept == acked

    asyncio.run(main())


def test_sigterm_of_the_owner_hands_the_game_over_and_other_sockets_stay_open(
    cluster: ScaledOut,
) -> None:
    owner, other = cluster.workers[0], cluster.workers[1]
    players = 9

    async def main() -> None:
        game = owner.create_game(time_per_question=120)
        projector = await projector_on(other.ws_url, game)
        phones = [
            await join(cluster.workers[n % 3].ws_url, game["pin"], f"Staff{n}")
            for n in range(players)
        ]
        ids = [phone.received[-1]["player"]["id"] for phone in phones]
        tokens = [phone.received[-1]["resume_token"] for phone in phones]
        await press(projector, {"type": "start"})
        question = await phones[1].expect("question", index=0, timeout=10)
        kind = question["kind"]
        acked: dict[tuple[str, int], object] = {}
        for n in range(0, players, 2):
            acked[(ids[n], 0)] = await answered(phones[n], 0, kind, n)

        owner.terminate()  # the graceful stop: answers flushed, the lease given back

        for n in range(players):
            if n % 3 == 0:  # on the stopped worker: told to reconnect, and they do
                assert await phones[n].closed_with(timeout=10) == 4012
                phones[n] = await resume_on(cluster.proxy_ws, tokens[n])
            else:  # elsewhere: the socket stays open and gets the new owner's screen
                await phones[n].expect("welcome", resumed=True, timeout=20)
                assert phones[n].socket.close_code is None
        await projector.expect("host_welcome", timeout=20)
        for n, phone in enumerate(phones):
            mine = phone.received[-1]["screen"].get("my_answer")
            if (ids[n], 0) in acked:
                assert mine == acked[(ids[n], 0)]
            else:
                acked[(ids[n], 0)] = await answered(phone, 0, kind, n)
        await projector.expect("reveal", timeout=15)
        await press(projector, {"type": "end"})
        await projector.expect("ended", timeout=10)
        archived = results(other, game["game_id"])
        kept = {(a["player_id"], a["question_index"]): a["payload"] for a in archived["answers"]}
        assert kept == acked

    asyncio.run(main())
    assert "Traceback" not in owner.log()
    assert "took over game" in cluster.logs()


def test_postgresql_stopped_mid_question_forwarded_answers_wait_and_are_acked(
    postgres_cluster: PostgresCluster, cluster: ScaledOut
) -> None:
    owner, other = cluster.workers[0], cluster.workers[1]
    players = 6

    async def main() -> None:
        game = owner.create_game(time_per_question=120)
        projector = await projector_on(other.ws_url, game)
        # Every phone on a worker that does not run the game: each answer is forwarded.
        phones = [
            await join(cluster.workers[1 + n % 2].ws_url, game["pin"], f"Staff{n}")
            for n in range(players)
        ]
        ids = [phone.received[-1]["player"]["id"] for phone in phones]
        await press(projector, {"type": "start"})
        question = await phones[0].expect("question", index=0, timeout=10)
        kind = question["kind"]
        acked: dict[tuple[str, int], object] = {}
        acked[(ids[0], 0)] = await answered(phones[0], 0, kind, 0)

        postgres_cluster.stop("fast")
        try:
            for n in range(1, players):
                await phones[n].send(
                    {"type": "answer", "question": 0, "value": answer_for(kind, n)}
                )
            for n in range(1, players):  # told at once, never a false ack
                await phones[n].expect("error", timeout=15, code="not_saved", question=0)
                assert not [m for m in phones[n].received if m["type"] == "answer_ack"]
        finally:
            postgres_cluster.start()

        for n in range(1, players):  # once it is back, the acks come through the relay
            acked[(ids[n], 0)] = (await phones[n].expect("answer_ack", timeout=30))["value"]
        reveal = await projector.expect("reveal", timeout=15)
        assert reveal["answered"] == players
        await press(projector, {"type": "end"})
        await projector.expect("ended", timeout=10)
        archived = results(other, game["game_id"])
        kept = {(a["player_id"], a["question_index"]): a["payload"] for a in archived["answers"]}
        assert kept == acked

    asyncio.run(main())


def test_while_redis_is_down_a_join_is_refused_clearly_and_works_once_it_is_back(
    cluster: ScaledOut,
) -> None:
    owner, other = cluster.workers[0], cluster.workers[1]

    async def main() -> None:
        game = owner.create_game(time_per_question=120)
        phone = await Client.connect(other, "/ws/play")
        cluster.redis.stop(keep_data=True)
        try:
            await phone.send({"type": "join", "protocol": 1, "pin": game["pin"], "name": "Ann"})
            refused = await phone.expect("error", timeout=15)
            assert refused["code"] == "unavailable"
        finally:
            cluster.redis.start()
        # The same socket, still open, joins once Redis is back.
        await phone.send({"type": "join", "protocol": 1, "pin": game["pin"], "name": "Ann"})
        welcome = await phone.expect("welcome", timeout=20)
        assert welcome["player"]["name"] == "Ann"

    asyncio.run(main())


def test_redis_restarted_without_its_data_and_the_game_carries_on(cluster: ScaledOut) -> None:
    owner, other = cluster.workers[0], cluster.workers[1]
    players = 6

    async def main() -> None:
        game = owner.create_game(time_per_question=120)
        projector = await projector_on(other.ws_url, game)
        phones = [
            await join(cluster.workers[n % 3].ws_url, game["pin"], f"Staff{n}")
            for n in range(players)
        ]
        ids = [phone.received[-1]["player"]["id"] for phone in phones]
        tokens = [phone.received[-1]["resume_token"] for phone in phones]
        await press(projector, {"type": "start"})
        question = await phones[0].expect("question", index=0, timeout=10)
        kind = question["kind"]
        acked: dict[tuple[str, int], object] = {}
        for n in range(0, players, 2):
            acked[(ids[n], 0)] = await answered(phones[n], 0, kind, n)

        cluster.redis.restart(keep_data=False)  # leases, PINs, tokens, streams: all gone

        # The owner finds its lease gone and lets the game go; a worker takes it over
        # from PostgreSQL. Phones whose socket was closed resume through nginx.
        await asyncio.sleep(2 * LEASE_SECONDS)
        for n, phone in enumerate(phones):
            if phone.socket.close_code is not None or n % 3 == 0:
                with contextlib.suppress(Exception):
                    await phone.close()
                phones[n] = await resume_on(cluster.proxy_ws, tokens[n])
        for n, phone in enumerate(phones):
            if (ids[n], 0) not in acked:
                acked[(ids[n], 0)] = await answered(phone, 0, kind, n)
        projector = await projector_on(cluster.proxy_ws, game)
        await press(projector, {"type": "end"})
        await projector.expect("ended", timeout=10)
        archived = results(other, game["game_id"])
        kept = {(a["player_id"], a["question_index"]): a["payload"] for a in archived["answers"]}
        assert kept == acked
        assert game_epoch(cluster.database_url, game["game_id"]) >= 2

    asyncio.run(main())


def running_games(client: httpx.Client) -> list[str]:
    response = client.get("/api/v1/games")
    assert response.status_code == 200, response.text
    return [game["game_id"] for game in response.json()]


def test_while_redis_is_down_a_new_game_is_refused_clearly_and_created_once_it_is_back(
    cluster: ScaledOut,
) -> None:
    worker = cluster.workers[1]
    api = worker.api()
    console = httpx.Client(base_url=worker.base_url, timeout=30)
    assert login(console, "nurse", "nurse-pass-1").status_code == 303
    form = {"bank_id": "every-type", "time_mode": "bank", "csrf_token": "token-1"}
    cluster.redis.stop(keep_data=True)
    try:
        refused = api.post("/api/v1/games", json={"bank_id": "every-type"})
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["code"] == "unavailable"
        assert "Redis" in refused.json()["error"]["message"]

        refresher = api.post("/api/v1/refreshers", json={"bank_ids": ["every-type"]})
        assert refresher.status_code == 503, refresher.text
        assert refresher.json()["error"]["code"] == "unavailable"

        page = console.post("/console/games?lang=uz", data=form)
        assert page.status_code == 503
        assert UZBEK_NO_REDIS in page.text
        english = console.post("/console/games?lang=en", data=form)
        assert english.status_code == 503
        assert "cannot reach Redis" in english.text
    finally:
        cluster.redis.start()
    # Nothing was half-made: no game runs, and every worker's log is clean.
    assert running_games(api) == []
    created = api.post("/api/v1/games", json={"bank_id": "every-type"})
    assert created.status_code == 201, created.text
    assert running_games(api) == [created.json()["game_id"]]
    started = console.post("/console/games", data=form)
    assert started.status_code == 303
    assert started.headers["location"].startswith("/host/")
    assert "Traceback" not in cluster.logs()
    api.close()
    console.close()


def test_after_redis_lost_its_data_an_ended_pin_still_reads_as_ended(
    cluster: ScaledOut,
) -> None:
    owner, other = cluster.workers[0], cluster.workers[1]
    game = owner.create_game(time_per_question=120)
    with owner.api() as api:
        assert api.post(f"/api/v1/games/{game['game_id']}/end").status_code in (200, 204)

    async def join_error() -> str:
        phone = await Client.connect(other, "/ws/play")
        try:
            await phone.send({"type": "join", "protocol": 1, "pin": game["pin"], "name": "Late"})
            return str((await phone.expect("error", timeout=15))["code"])
        finally:
            await phone.close()

    async def main() -> None:
        assert await join_error() == "game_ended"
        cluster.redis.restart(keep_data=False)
        # Each worker looks once a second; until then the PIN may read as unknown.
        codes = []
        for _ in range(10):
            await asyncio.sleep(1.0)
            codes.append(await join_error())
            if codes[-1] == "game_ended":
                break
        assert codes[-1] == "game_ended", codes

    asyncio.run(main())
