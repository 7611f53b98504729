"""A real `quizkiosk serve --database postgresql://…` on a throwaway PostgreSQL cluster:
a game survives `kill -9` of the server, and survives the database going away mid-question
(answers get `not_saved`, never a false ack, and are acknowledged once it is back)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.integration.conftest import RunningServer, host, player, start_server
from tests.integration.test_crash_recovery import answer_for, crash_mid_question, press, results
from tests.postgres_server import PostgresCluster


def serve_on(
    url: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunningServer]:
    # `trainers add` / `token` read the environment; `serve` gets the option itself.
    monkeypatch.setenv("QUIZKIOSK_DATABASE", url)
    return start_server(tmp_path_factory, True, "--database", url)


def stored(url: str, sql: str) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_kill_9_mid_question_and_the_game_is_rebuilt_from_postgresql(
    postgres_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = serve_on(postgres_url, tmp_path_factory, monkeypatch)
    server = next(started)

    # A full game of 30 players: kill -9 mid-question, restart on the same database,
    # everyone resumes, the trainer goes on to the podium; archive == acked, standings
    # == sums of points (asserted inside).
    asyncio.run(crash_mid_question(server, server.kill))

    assert not list(server.data_dir.glob("*.sqlite3*"))  # nothing went to a SQLite file
    assert stored(postgres_url, "SELECT COUNT(*) FROM games WHERE ended_at IS NOT NULL") == 1
    assert stored(postgres_url, "SELECT COUNT(*) FROM answers") > 30
    for _ in started:
        pass


def test_postgresql_stopped_mid_question_answers_wait_and_the_game_carries_on(
    postgres_cluster: PostgresCluster,
    postgres_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = serve_on(postgres_url, tmp_path_factory, monkeypatch)
    server = next(started)
    players = 6

    async def main() -> None:
        game = server.create_game(time_per_question=120)
        projector = await host(server, game)
        phones = [await player(server, game["pin"], f"Staff{n}") for n in range(players)]
        ids = [phone.received[0]["player"]["id"] for phone in phones]
        await projector.send({"type": "start"})
        question = await phones[0].expect("question", index=0)
        acked: dict[tuple[str, int], object] = {}
        for n in range(2):  # two answer while the database is up
            await phones[n].send(
                {"type": "answer", "question": 0, "value": answer_for("single", n)}
            )
            acked[(ids[n], 0)] = (await phones[n].expect("answer_ack"))["value"]

        postgres_cluster.stop("fast")
        try:
            for n in range(2, players):
                value = answer_for(question["kind"], n)
                await phones[n].send({"type": "answer", "question": 0, "value": value})
            # Every answer that meets the outage is told `not_saved` (the page keeps the
            # answer and says so), whichever failing batch it landed in; none is acked.
            for n in range(2, players):
                await phones[n].expect("error", timeout=15, code="not_saved", question=0)
                assert not [m for m in phones[n].received if m["type"] == "answer_ack"]
        finally:
            postgres_cluster.start()

        # Back: the waiting answers are written and only now acknowledged.
        for n in range(2, players):
            acked[(ids[n], 0)] = (await phones[n].expect("answer_ack", timeout=30))["value"]
            kinds = [m.get("code", m["type"]) for m in phones[n].received]
            assert kinds.index("not_saved") < kinds.index("answer_ack")  # never the other way
        reveal = await projector.expect("reveal", timeout=15)
        assert reveal["answered"] == players
        # ...and the game carries on: the next question, everyone answers, then the end.
        await press(projector, {"type": "next", "phase": "reveal"})
        await projector.expect("leaderboard")
        await press(projector, {"type": "next", "phase": "leaderboard"})
        shown = await phones[0].expect("question", index=1)
        for n, phone in enumerate(phones):
            await phone.send(
                {"type": "answer", "question": 1, "value": answer_for(shown["kind"], n)}
            )
        for n, phone in enumerate(phones):
            acked[(ids[n], 1)] = (await phone.expect("answer_ack"))["value"]
        await projector.expect("reveal")
        await press(projector, {"type": "end"})
        await projector.expect("ended")

        archived = results(server, game["game_id"])
        kept = {(a["player_id"], a["question_index"]): a["payload"] for a in archived["answers"]}
        assert kept == acked  # every acknowledged answer, once; nothing else
        assert archived["ended_at"] is not None

    asyncio.run(main())
    assert "could not record game" in server.log()  # the outage was real, and logged
    for _ in started:
        pass
