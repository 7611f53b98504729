"""Reconnecting never reveals early, and waiting phones see the room fill up."""

from __future__ import annotations

import asyncio

from tests.integration.conftest import Client, RunningServer, host, player


def test_a_resume_after_answering_shows_the_answer_but_not_its_score(server: RunningServer) -> None:
    async def main() -> None:
        game = server.create_game(scoring="accuracy")
        projector = await host(server, game)
        first = await player(server, game["pin"], "First")
        await player(server, game["pin"], "Second")
        # The count reaches waiting phones at once, then at most once a second.
        lobby = await first.expect("lobby", timeout=3, players=2)
        assert lobby["locked"] is False
        token = first.received[0]["resume_token"]
        await projector.send({"type": "start"})
        question = await first.expect("question", index=0)
        right = [c["en"] for c in question["choices"]].index("B")
        await first.send({"type": "answer", "question": 0, "value": right})
        await first.expect("answer_ack")
        await first.close()
        again = await Client.connect(server, "/ws/play")
        await again.send({"type": "resume", "protocol": 1, "token": token})
        welcome = await again.expect("welcome")
        assert welcome["screen"]["my_answer"] == right
        assert welcome["screen"]["score"] == 0  # 1000 is earned, but not told before the reveal
        await projector.send({"type": "close"})
        result = await again.expect("result")
        assert result["score"] == 1000 and result["correct"] is True

    asyncio.run(main())
