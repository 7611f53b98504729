"""Fencing in the archive (scale-out), on both backends (`archive_url`): a new owner
raises the game's epoch before it rebuilds; a group commit of an owner whose epoch is
no longer the game's is refused in the same transaction and writes nothing."""

from __future__ import annotations

import asyncio

import pytest
from quizkiosk.archive.records import (
    AnswerRecord,
    Fenced,
    GameRecord,
    InputRecord,
    ParticipantRecord,
)
from quizkiosk.archive.sqlite import UnknownGameError
from quizkiosk.store import open_archive


def game() -> GameRecord:
    return GameRecord("g1", "123456", "bank", "quiz", {}, "aziza", 1000.0, ["q1"], seed=7)


def join(seq: int, player: str) -> InputRecord:
    return InputRecord(
        seq=seq,
        at=1000.0 + seq,
        command={"type": "join", "player_id": player},
        participants=(ParticipantRecord("g1", player, player, None, None, 1000.0 + seq),),
    )


def answer(seq: int, player: str) -> InputRecord:
    return InputRecord(
        seq=seq,
        at=1000.0 + seq,
        command={"type": "answer", "player_id": player},
        answers=(AnswerRecord("g1", player, 0, "q1", {"choice": 0}, 1000.0 + seq, 900, True, 950),),
    )


def test_an_owner_at_the_game_epoch_writes_and_an_ex_owner_is_refused(archive_url: str) -> None:
    async def main() -> None:
        archive = open_archive(archive_url)
        await archive.open()
        try:
            await archive.record_game(game())
            assert await archive.game_epoch("g1") == 0
            assert await archive.fence("g1", 1) == 1
            await archive.record_inputs("g1", [join(1, "ann")], epoch=1)
            # A new owner takes over: epoch 2. From now on epoch 1 writes nothing.
            assert await archive.fence("g1", 2) == 2
            with pytest.raises(Fenced):
                await archive.record_inputs("g1", [join(2, "bob"), answer(3, "ann")], epoch=1)
            await archive.record_inputs("g1", [answer(2, "ann")], epoch=2)
            # A late fence of an older owner never lowers the epoch.
            assert await archive.fence("g1", 1) == 2
            assert await archive.game_epoch("g1") == 2
            results = await archive.game_results("g1")
            assert results is not None
            assert [p.player_id for p in results.participants] == ["ann"]
            assert [(a.player_id, a.received_at) for a in results.answers] == [("ann", 1002.0)]
            saved = {s.game.game_id: s for s in await archive.unfinished_games()}
            assert [seq for seq, _, _ in saved["g1"].inputs] == [1, 2]
        finally:
            await archive.close()

    asyncio.run(main())


def test_a_refused_batch_does_not_hold_up_other_writes_in_the_same_group(
    archive_url: str,
) -> None:
    async def main() -> None:
        archive = open_archive(archive_url)
        await archive.open()
        try:
            await archive.record_game(game())
            await archive.fence("g1", 3)
            fenced, kept = await asyncio.gather(
                archive.record_inputs("g1", [join(1, "old")], epoch=2),
                archive.record_inputs("g1", [join(1, "new")], epoch=3),
                return_exceptions=True,
            )
            assert isinstance(fenced, Fenced) and kept is None
            results = await archive.game_results("g1")
            assert results is not None
            assert [p.player_id for p in results.participants] == ["new"]
        finally:
            await archive.close()

    asyncio.run(main())


def test_without_an_epoch_nothing_is_checked_and_fencing_an_unknown_game_fails(
    archive_url: str,
) -> None:
    async def main() -> None:
        archive = open_archive(archive_url)
        await archive.open()
        try:
            await archive.record_game(game())
            await archive.fence("g1", 5)
            await archive.record_inputs("g1", [join(1, "ann")])  # the embedded default
            with pytest.raises(UnknownGameError):
                await archive.fence("nope", 1)
            with pytest.raises(UnknownGameError):
                await archive.record_inputs("nope", [join(1, "ann")], epoch=1)
            assert await archive.game_epoch("nope") == 0
        finally:
            await archive.close()

    asyncio.run(main())


def test_a_takeover_reads_the_one_game_it_rebuilds(archive_url: str) -> None:
    async def main() -> None:
        archive = open_archive(archive_url)
        await archive.open()
        try:
            await archive.record_game(game())
            other = GameRecord("g2", "654321", "bank", "quiz", {}, "aziza", 1001.0, ["q1"], seed=8)
            await archive.record_game(other)
            await archive.record_inputs("g1", [join(1, "ann"), answer(2, "ann")])
            (saved,) = await archive.unfinished_games("g1")
            assert saved.game.game_id == "g1"
            assert [(seq, command["type"]) for seq, _, command in saved.inputs] == [
                (1, "join"),
                (2, "answer"),
            ]
            assert len(await archive.unfinished_games()) == 2
            await archive.record_end("g1", 1100.0, [])
            assert await archive.unfinished_games("g1") == []  # ended: nothing to take over
            assert await archive.unfinished_games("nope") == []
        finally:
            await archive.close()

    asyncio.run(main())
