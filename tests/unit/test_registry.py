"""Live games: unique PINs, tokens that survive a restart, rebuilding games, and memory
given back after a game ends."""

from __future__ import annotations

import asyncio
from pathlib import Path

from quizkiosk.archive.sqlite import SqliteArchive
from quizkiosk.banks.loader import load_banks
from quizkiosk.engine.commands import HostAction, JoinGame, SubmitAnswer
from quizkiosk.engine.settings import GameSettings
from quizkiosk.live.actor import GameStopped
from quizkiosk.live.clock import SystemClock
from quizkiosk.live.registry import GameRegistry, token_digest

BANKS = Path(__file__).parents[1] / "integration"
CATALOG = load_banks([BANKS])
BANK = CATALOG.banks["every-type"]
KEY = b"k" * 32


async def join(registry: GameRegistry, actor: object, name: str) -> tuple[str, str]:
    from quizkiosk.live.actor import GameActor
    from quizkiosk.live.connection import Connection

    assert isinstance(actor, GameActor)
    player_id, token = registry.new_player()
    sent: list[str] = []

    async def send_text(frame: str) -> None:
        sent.append(frame)

    async def close(code: int, reason: str) -> None:
        return None

    command = JoinGame(player_id, name, None, None, token_digest(token))
    await actor.join(command, player_id, token, Connection(send_text, close))
    registry.remember_token(actor, player_id, token)
    return player_id, token


def test_pins_are_unique_and_ended_games_are_dropped_after_a_while(tmp_path: Path) -> None:
    async def main() -> None:
        archive = SqliteArchive(tmp_path / "a.sqlite3")
        await archive.open()
        registry = GameRegistry(archive, SystemClock(), KEY, keep_ended_seconds=0.05)
        actors = [
            await registry.create_game(BANK, GameSettings(), "nurse", "quiz") for _ in range(30)
        ]
        assert len({a.info.pin for a in actors}) == 30
        first = actors[0]
        player_id, token = await join(registry, first, "Aziza")
        assert registry.player_for_token(token) == (first, player_id)
        await first.act(HostAction("end"))
        assert registry.by_pin(first.info.pin) is None
        assert registry.pin_has_ended(first.info.pin)
        assert registry.player_for_token(token) is not None  # still resumable
        await asyncio.sleep(0.3)
        assert first.info.game_id not in registry.games
        assert registry.player_for_token(token) is None
        await registry.close()
        await archive.close()

    asyncio.run(main())


def test_a_stopped_game_refuses_commands_instead_of_hanging(tmp_path: Path) -> None:
    async def main() -> None:
        archive = SqliteArchive(tmp_path / "a.sqlite3")
        await archive.open()
        registry = GameRegistry(archive, SystemClock(), KEY)
        actor = await registry.create_game(BANK, GameSettings(), "nurse", "quiz")
        await actor.stop()
        try:
            await asyncio.wait_for(actor.act(HostAction("start")), timeout=1)
        except GameStopped:
            pass
        else:
            raise AssertionError("a stopped game accepted a command")
        await archive.close()

    asyncio.run(main())


def test_host_tokens_are_derived_from_the_key_and_survive_a_restart(tmp_path: Path) -> None:
    async def main() -> None:
        archive = SqliteArchive(tmp_path / "a.sqlite3")
        await archive.open()
        registry = GameRegistry(archive, SystemClock(), KEY)
        actor = await registry.create_game(BANK, GameSettings(), "nurse", "quiz")
        token = actor.info.host_token
        assert registry.host_of(actor.info.game_id, token) is actor
        tampered = token[:-1] + ("y" if token.endswith("x") else "x")
        assert registry.host_of(actor.info.game_id, tampered) is None
        assert GameRegistry(archive, SystemClock(), KEY).host_token(actor.info.game_id) == token
        assert GameRegistry(archive, SystemClock(), b"o" * 32).host_token(actor.info.game_id) != (
            token
        )
        await registry.close()
        await archive.close()

    asyncio.run(main())


def test_a_game_that_had_not_ended_is_rebuilt_from_its_inputs(tmp_path: Path) -> None:
    async def main() -> None:
        archive = SqliteArchive(tmp_path / "a.sqlite3")
        await archive.open()
        registry = GameRegistry(archive, SystemClock(), KEY)
        actor = await registry.create_game(
            BANK, GameSettings(shuffle_options=True), "nurse", "quiz"
        )
        aziza, token = await join(registry, actor, "Aziza")
        bobur, _ = await join(registry, actor, "Bobur")
        await actor.act(HostAction("start"))
        await actor.act(SubmitAnswer(aziza, 0, 1))
        ended = await registry.create_game(BANK, GameSettings(), "nurse", "quiz")
        await ended.act(HostAction("end"))
        before_players = actor.game.player_screen(aziza, 0.0)
        before_host = actor.game.host_screen(0.0)
        await actor.wait_idle()
        await registry.close(restarting=True)  # the process goes away

        again = GameRegistry(archive, SystemClock(), KEY)
        assert await again.recover(CATALOG) == []
        assert list(again.games) == [actor.info.game_id]  # the ended game stays ended
        rebuilt = again.games[actor.info.game_id]
        assert again.by_pin(actor.info.pin) is rebuilt
        assert again.player_for_token(token) == (rebuilt, aziza)
        assert rebuilt.game.player_screen(aziza, 0.0) == before_players
        host = rebuilt.game.host_screen(0.0)
        assert {**host, "player_list": []} == {**before_host, "player_list": []}
        assert [p["connected"] for p in host["player_list"]] == [False, False]  # type: ignore[union-attr]
        # The question is still open: Bobur answers; Aziza's answer is not scored twice.
        await rebuilt.act(SubmitAnswer(bobur, 0, 2))
        await rebuilt.act(SubmitAnswer(aziza, 0, 0))
        await rebuilt.wait_idle()
        results = await archive.game_results(actor.info.game_id)
        assert results is not None
        assert sorted((a.player_id, a.payload) for a in results.answers) == sorted(
            [(aziza, 1), (bobur, 2)]
        )
        await again.close()
        await archive.close()

    asyncio.run(main())


def test_a_game_whose_bank_changed_is_not_rebuilt(tmp_path: Path) -> None:
    async def main() -> None:
        archive = SqliteArchive(tmp_path / "a.sqlite3")
        await archive.open()
        registry = GameRegistry(archive, SystemClock(), KEY)
        actor = await registry.create_game(BANK, GameSettings(), "nurse", "quiz")
        await registry.close(restarting=True)
        # The trainer edits the bank file between the crash and the restart.
        folder = tmp_path / "banks"
        folder.mkdir()
        text = (BANKS / "every_type.yaml").read_text(encoding="utf-8")
        (folder / "every_type.yaml").write_text(
            text.replace("default_time: 60", "default_time: 45"), encoding="utf-8"
        )
        catalog = load_banks([folder])
        again = GameRegistry(archive, SystemClock(), KEY)
        problems = await again.recover(catalog)
        assert len(problems) == 1 and "has changed since the game started" in problems[0]
        assert actor.info.game_id not in again.games
        await archive.close()

    asyncio.run(main())
