"""Scaled out for real: three workers behind nginx on Redis and PostgreSQL.

- A 30-player game with the players spread over every worker and the projector on a
  worker that does not run the game: a full game, every acknowledged answer archived
  once, standings the sums of the points.
- `kill -9` of the worker running the game, mid-question: another worker takes it over,
  every player resumes (through nginx, or stays where they are), the trainer carries
  on to the podium, and no acknowledged answer is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.conftest import Client, RunningServer
from tests.integration.scaleout import ScaledOut, scaled_out
from tests.integration.test_crash_recovery import answer_for, press, results

PLAYERS = 30
QUESTIONS = 6  # every-type bank


@pytest.fixture
def cluster(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    postgres_url: str,
) -> Iterator[ScaledOut]:
    yield from scaled_out(tmp_path_factory, monkeypatch, postgres_url)


async def join(base: str, pin: str, name: str) -> Client:
    client = await Client.connect(base, "/ws/play")
    await client.send({"type": "join", "protocol": 1, "pin": pin, "name": name})
    welcome = await client.expect("welcome", timeout=15)
    assert welcome["player"]["name"] == name
    return client


async def projector_on(base: str, game: dict[str, Any]) -> Client:
    client = await Client.connect(base, "/ws/host")
    await client.send(
        {
            "type": "host",
            "protocol": 1,
            "game_id": game["game_id"],
            "host_token": game["host_token"],
        }
    )
    await client.expect("host_welcome", timeout=15)
    return client


async def resume_on(base: str, token: str) -> Client:
    client = await Client.connect(base, "/ws/play")
    await client.send({"type": "resume", "protocol": 1, "token": token})
    welcome = await client.expect("welcome", timeout=20)
    assert welcome["resumed"] is True
    return client


def spread(cluster: ScaledOut, n: int) -> str:
    """Where player n connects: straight to each worker in turn, or through nginx."""
    if n % 2:
        return cluster.proxy_ws
    return cluster.workers[(n // 2) % len(cluster.workers)].ws_url


def check_archive(
    owner: RunningServer, game_id: str, acked: dict[tuple[str, int], object], ids: list[str]
) -> None:
    archived = results(owner, game_id)
    assert archived["ended_at"] is not None
    kept = {(a["player_id"], a["question_index"]): a["payload"] for a in archived["answers"]}
    assert kept == acked  # every acknowledged answer, once; nothing else
    points: dict[str, int] = {}
    for a in archived["answers"]:
        points[a["player_id"]] = points.get(a["player_id"], 0) + a["points"]
    standings = {s["player_id"]: s["score"] for s in archived["standings"]}
    assert standings == {pid: points.get(pid, 0) for pid in ids}


async def play_to_the_podium(
    projector: Client,
    phones: list[Client],
    ids: list[str],
    acked: dict[tuple[str, int], object],
    first: int,
) -> None:
    """From the reveal of question `first - 1`: every later question, half answering."""
    for index in range(first, QUESTIONS):
        await press(projector, {"type": "next", "phase": "reveal"})
        await projector.expect("leaderboard", timeout=10)
        await press(projector, {"type": "next", "phase": "leaderboard"})
        shown = await phones[0].expect("question", index=index, timeout=10)
        for n in range(0, PLAYERS, 2):
            value = answer_for(shown["kind"], n)
            await phones[n].send({"type": "answer", "question": index, "value": value})
        for n in range(0, PLAYERS, 2):
            ack = await phones[n].expect("answer_ack", question=index, timeout=15)
            acked[(ids[n], index)] = ack["value"]
        await press(projector, {"type": "close", "phase": "question"})
        await projector.expect("reveal", timeout=10)
    await press(projector, {"type": "next", "phase": "reveal"})
    await projector.expect("podium", timeout=10)
    await press(projector, {"type": "next", "phase": "podium"})
    await projector.expect("ended", timeout=10)


def test_a_30_player_game_across_three_workers_behind_nginx(cluster: ScaledOut) -> None:
    owner, other = cluster.workers[0], cluster.workers[1]

    async def main() -> None:
        game = owner.create_game(time_per_question=60, shuffle_options=True)
        projector = await projector_on(other.ws_url, game)  # not the game's worker
        phones = [
            await join(spread(cluster, n), game["pin"], f"Staff{n:02}") for n in range(PLAYERS)
        ]
        ids = [phone.received[-1]["player"]["id"] for phone in phones]
        lobby = await projector.expect("player_joined", timeout=10)
        assert lobby["type"] == "player_joined"
        await press(projector, {"type": "start"})
        acked: dict[tuple[str, int], object] = {}
        for phone in phones:  # the question reaches every worker's sockets
            await phone.expect("question", index=0, timeout=10)
        kind = phones[0].received[-1]["kind"]
        for n, phone in enumerate(phones):
            await phone.send({"type": "answer", "question": 0, "value": answer_for(kind, n)})
        for n, phone in enumerate(phones):
            acked[(ids[n], 0)] = (await phone.expect("answer_ack", timeout=15))["value"]
        reveal = await projector.expect("reveal", timeout=10)
        assert reveal["answered"] == PLAYERS and reveal["closed_by"] == "everyone_answered"
        for phone in phones:  # each phone's own result, relayed to its worker
            await phone.expect("result", timeout=10)
        await play_to_the_podium(projector, phones, ids, acked, first=1)
        check_archive(other, game["game_id"], acked, ids)

    asyncio.run(main())
    assert "Traceback" not in cluster.logs()


def test_kill_9_of_the_owner_mid_question_another_worker_takes_over(cluster: ScaledOut) -> None:
    owner, survivors = cluster.workers[0], cluster.workers[1:]

    async def main() -> None:
        game = owner.create_game(time_per_question=90)
        projector = await projector_on(survivors[0].ws_url, game)
        phones = [
            await join(cluster.workers[n % 3].ws_url, game["pin"], f"Staff{n:02}")
            for n in range(PLAYERS)
        ]
        ids = [phone.received[-1]["player"]["id"] for phone in phones]
        tokens = [phone.received[-1]["resume_token"] for phone in phones]
        await press(projector, {"type": "start"})
        question = await phones[1].expect("question", index=0, timeout=10)
        acked: dict[tuple[str, int], object] = {}
        for n in range(PLAYERS // 2):
            await phones[n].send(
                {"type": "answer", "question": 0, "value": answer_for(question["kind"], n)}
            )
        for n in range(PLAYERS // 2):
            acked[(ids[n], 0)] = (await phones[n].expect("answer_ack", timeout=15))["value"]
        # Five more in flight from sockets on the surviving workers, as the owner dies.
        in_flight = [n for n in range(PLAYERS // 2, PLAYERS) if n % 3 != 0][:5]
        for n in in_flight:
            await phones[n].send(
                {"type": "answer", "question": 0, "value": answer_for(question["kind"], n)}
            )

        owner.kill()

        # Sockets that were on the dead worker come back through nginx; the others stay.
        back: list[Client] = []
        for n, phone in enumerate(phones):
            if n % 3 == 0:
                back.append(await resume_on(cluster.proxy_ws, tokens[n]))
            else:
                back.append(phone)
        for n in range(PLAYERS):
            if n % 3 != 0:  # the new owner sends current screens to the other workers
                await back[n].expect("welcome", timeout=20, resumed=True)
        host_screen = (await projector.expect("host_welcome", timeout=20))["screen"]
        assert host_screen["phase"] == "question"
        waiting = []
        for n, phone in enumerate(back):
            mine = phone.received[-1]["screen"].get("my_answer")
            if (ids[n], 0) in acked:
                assert mine == acked[(ids[n], 0)]  # acknowledged before the crash: kept
            elif mine is not None:
                # An in-flight answer, applied by one owner or the other: the welcome
                # (sent only once it is durable) shows it, as the page then does.
                assert n in in_flight
                acked[(ids[n], 0)] = mine
            else:
                # As the page does when it has no ack: send it (again).
                value = answer_for(question["kind"], n)
                await phone.send({"type": "answer", "question": 0, "value": value})
                waiting.append(n)
        for n in waiting:
            acked[(ids[n], 0)] = (await back[n].expect("answer_ack", timeout=20))["value"]
        reveal = await projector.expect("reveal", timeout=15)
        assert reveal["answered"] == PLAYERS
        await play_to_the_podium(projector, back, ids, acked, first=1)
        check_archive(survivors[1], game["game_id"], acked, ids)

    asyncio.run(main())
    assert "took over game" in cluster.logs()


def test_the_trainers_pages_and_lists_of_a_game_work_on_every_worker(cluster: ScaledOut) -> None:
    owner = cluster.workers[0]
    game = owner.create_game(time_per_question=60)

    async def main() -> None:
        phone = await join(cluster.workers[2].ws_url, game["pin"], "Early")
        for worker in cluster.workers:
            with httpx.Client(base_url=worker.base_url, timeout=10) as client:
                client.cookies.set("qk_csrf", "token-1")
                signed_in = client.post(
                    "/login",
                    data={"username": "nurse", "password": "nurse-pass-1", "csrf_token": "token-1"},
                )
                assert signed_in.status_code == 303
                page = client.get(f"/host/{game['game_id']}")
                assert page.status_code == 200, (worker.base_url, page.text[:300])
                assert game["pin"] in page.text and game["host_token"] in page.text
                qr = client.get(f"/host/{game['game_id']}/qr.svg")
                assert qr.status_code == 200 and qr.text.lstrip().startswith("<")
                assert client.get("/host/no-such-game").status_code == 404
                console = client.get("/console")  # lists the game whichever worker runs it
                assert console.status_code == 200 and game["pin"] in console.text
            with worker.api() as api:
                listed = api.get("/api/v1/games").json()
            assert [(g["game_id"], g["players"]) for g in listed] == [(game["game_id"], 1)]
        # Ended from the API of a worker that does not run it: the owner ends it.
        with cluster.workers[1].api() as api:
            ended = api.post(f"/api/v1/games/{game['game_id']}/end")
        assert ended.status_code == 200, ended.text
        assert ended.json()["phase"] == "ended"
        await phone.expect("ended", timeout=10)
        with cluster.workers[2].api() as api:
            assert api.post(f"/api/v1/games/{game['game_id']}/end").status_code in (404, 409)

    asyncio.run(main())
