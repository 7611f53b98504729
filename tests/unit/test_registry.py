"""Live games: unique PINs, resume tokens, and memory given back after a game ends."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from server.archive.sqlite import SqliteArchive
from server.banks.loader import load_banks
from server.engine.settings import GameSettings
from server.live.registry import GameRegistry

BANKS = Path(__file__).parents[1] / "integration"


def test_pins_are_unique_and_ended_games_are_dropped_after_a_while(tmp_path: Path) -> None:
    async def main() -> None:
        archive = SqliteArchive(tmp_path / "a.sqlite3")
        await archive.open()
        registry = GameRegistry(archive, keep_ended_seconds=0.05)
        bank = load_banks([BANKS]).banks["every-type"]
        actors = [await registry.create_game(bank, GameSettings(), "nurse") for _ in range(30)]
        assert len({a.info.pin for a in actors}) == 30
        first = actors[0]
        session = registry.new_session(first, "p1")
        first.game.join("p1", "Aziza", None, None, time.time())
        assert registry.session_for_token(session.token) == (first, session)
        await first.call(lambda: first.dispatch(first.game.end(time.time())))
        assert registry.by_pin(first.info.pin) is None
        assert registry.pin_has_ended(first.info.pin)
        assert registry.session_for_token(session.token) is not None  # still resumable
        await asyncio.sleep(0.2)
        assert first.info.game_id not in registry.games
        assert registry.session_for_token(session.token) is None
        await registry.close()
        await archive.close()

    asyncio.run(main())


def test_a_stopped_game_refuses_commands_instead_of_hanging(tmp_path: Path) -> None:
    from server.live.actor import GameStopped

    async def main() -> None:
        archive = SqliteArchive(tmp_path / "a.sqlite3")
        await archive.open()
        registry = GameRegistry(archive)
        bank = load_banks([BANKS]).banks["every-type"]
        actor = await registry.create_game(bank, GameSettings(), "nurse")
        await actor.stop()
        try:
            await asyncio.wait_for(actor.call(lambda: None), timeout=1)
        except GameStopped:
            pass
        else:
            raise AssertionError("a stopped game accepted a command")
        await archive.close()

    asyncio.run(main())
