"""The game actor on a manual clock: nothing is shown before it is durable, counts are
throttled, a failing archive never gets a false ack, and the countdown obeys pauses.

The archive here is a small in-memory stand-in whose commits the test opens and
closes by hand (or makes fail): the real SQLite archive is tested on its own and
through the real server.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from quizkiosk.archive.records import InputRecord
from quizkiosk.engine.commands import HostAction, JoinGame, SubmitAnswer
from quizkiosk.live.actor import GameActor, GameInfo
from quizkiosk.live.clock import ManualClock
from quizkiosk.live.connection import Connection

from tests.unit.engine_fixtures import SINGLE, TRUE_FALSE, new_game


class GatedArchive:
    """Commits only when the test lets them through; can be told to fail."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.gate.set()
        self.failing = False
        self.inputs: list[InputRecord] = []

    async def record_inputs(self, game_id: str, inputs: list[InputRecord]) -> None:
        await self.gate.wait()
        if self.failing:
            raise OSError("disk full")
        self.inputs += inputs


class Phone:
    """A connection whose frames the test reads."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []

        async def send_text(frame: str) -> None:
            self.frames.append(json.loads(frame))

        async def close(code: int, reason: str) -> None:
            return None

        self.connection = Connection(send_text, close)

    def types(self) -> list[str]:
        return [frame["type"] for frame in self.frames]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [frame for frame in self.frames if frame["type"] == kind]


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def new_actor(
    players: int, archive: GatedArchive, clock: ManualClock, questions: list[Any] | None = None
) -> tuple[GameActor, list[Phone], Phone]:
    game = new_game(questions or [SINGLE, TRUE_FALSE], shuffle_options=False)
    info = GameInfo("g1", "123456", "bank", {"uz": "B"}, "nurse", "host-token", 0.0, "quiz")
    actor = GameActor(info, game, archive, clock)  # type: ignore[arg-type]
    projector = Phone()
    await actor.attach_host(projector.connection, "http://x/join?pin=123456")
    phones = []
    for n in range(players):
        phone = Phone()
        command = JoinGame(f"p{n}", f"Player {n}", None, None, f"hash{n}")
        await actor.join(command, f"p{n}", f"token{n}", phone.connection)
        phones.append(phone)
    await actor.wait_idle()
    await settle()
    return actor, phones, projector


def test_the_ack_and_the_reveal_wait_for_the_commit_and_the_ack_comes_first() -> None:
    async def main() -> None:
        archive, clock = GatedArchive(), ManualClock()
        actor, (phone,), projector = await new_actor(1, archive, clock)
        await actor.act(HostAction("start"))
        await settle()
        archive.gate.clear()  # the disk is slow
        await actor.act(SubmitAnswer("p0", 0, 2))  # the last answer: the question closes
        await settle()
        assert "answer_ack" not in phone.types() and "reveal" not in phone.types()
        assert "reveal" not in projector.types()
        archive.gate.set()
        await actor.wait_idle()
        await settle()
        after_question = phone.types()[phone.types().index("question") :]
        assert after_question[:3] == ["question", "answer_ack", "reveal"]
        assert [a.player_id for i in archive.inputs for a in i.answers] == ["p0"]

    asyncio.run(main())


def test_answered_counts_reach_the_host_a_few_times_a_second_and_before_the_reveal() -> None:
    async def main() -> None:
        archive, clock = GatedArchive(), ManualClock()
        actor, _, projector = await new_actor(6, archive, clock)
        await actor.act(HostAction("start"))
        for n in range(5):
            await actor.act(SubmitAnswer(f"p{n}", 0, 1))
        await actor.wait_idle()
        await settle()
        counts = [frame["answered"] for frame in projector.of("answered")]
        assert counts == [0]  # the question's first count; the rest wait for the interval
        clock.advance(0.25)
        await settle()
        assert [frame["answered"] for frame in projector.of("answered")] == [0, 5]
        await actor.act(SubmitAnswer("p5", 0, 1))  # everyone has answered: reveal
        await actor.wait_idle()
        await settle()
        tail = projector.types()[-2:]
        assert tail == ["answered", "reveal"]  # the waiting count is flushed first
        assert projector.of("answered")[-1]["answered"] == 6

    asyncio.run(main())


def test_a_failing_archive_gets_not_saved_never_a_false_ack() -> None:
    async def main() -> None:
        archive, clock = GatedArchive(), ManualClock()
        actor, (phone, _), _ = await new_actor(2, archive, clock)
        await actor.act(HostAction("start"))
        await actor.wait_idle()
        archive.failing = True
        await actor.act(SubmitAnswer("p0", 0, 2))
        await asyncio.sleep(0.05)
        assert phone.of("error")[-1]["code"] == "not_saved"
        assert phone.of("error")[-1]["question"] == 0
        assert phone.of("answer_ack") == []
        archive.failing = False  # the disk is back: the actor retries by itself
        await asyncio.wait_for(actor.wait_idle(), timeout=5)
        await settle()
        assert phone.of("answer_ack") == [{"type": "answer_ack", "question": 0, "value": 2}]
        assert len([a for i in archive.inputs for a in i.answers]) == 1

    asyncio.run(main())


def test_the_countdown_stops_while_paused_and_the_deadline_closes_the_question() -> None:
    async def main() -> None:
        archive, clock = GatedArchive(), ManualClock()
        actor, (phone,), projector = await new_actor(1, archive, clock)
        await actor.act(HostAction("start"))  # SINGLE has 20 s
        clock.advance(5)
        await actor.act(HostAction("pause"))
        clock.advance(100)
        await settle()
        assert "reveal" not in projector.types()
        await actor.act(HostAction("resume"))
        clock.advance(14.9)
        await settle()
        assert "reveal" not in projector.types()
        clock.advance(0.2)
        await settle()
        await actor.wait_idle()
        await settle()
        reveal = projector.of("reveal")
        assert len(reveal) == 1 and reveal[0]["closed_by"] == "deadline"
        assert phone.of("result")[0]["answered"] is False

    asyncio.run(main())


def test_a_second_connection_of_the_same_player_replaces_the_first() -> None:
    async def main() -> None:
        archive, clock = GatedArchive(), ManualClock()
        actor, (old,), _ = await new_actor(1, archive, clock)
        new = Phone()
        await actor.resume("p0", "token0", new.connection)
        await actor.wait_idle()
        await settle()
        assert old.connection.close_code == 4009
        assert new.types()[0] == "welcome" and new.frames[0]["resumed"] is True

    asyncio.run(main())
