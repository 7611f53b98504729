"""A bare `websockets` broadcast server speaking just enough of the protocol for the bots.

It does no validation, scoring, archiving or per-player bookkeeping: it only fans
frames out and acks answers at once.  `live_quiz.py --baseline` runs the same bots and
host driver against it, so the product's figures can be read as ratios to this floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets

from websockets.asyncio.server import ServerConnection, broadcast, serve

QUESTIONS = 6


class Baseline:
    def __init__(self) -> None:
        self.players: set[ServerConnection] = set()
        self.hosts: set[ServerConnection] = set()
        self.phase = "lobby"
        self.index = -1
        self.answered = 0

    def question(self) -> str:
        return json.dumps(
            {
                "type": "question",
                "index": self.index,
                "total": QUESTIONS,
                "kind": "single",
                "text": None,
                "choices": [None] * 4,
                "time_limit": 30,
                "remaining_ms": 30000,
                "paused": False,
            }
        )

    async def handle(self, socket: ServerConnection) -> None:
        async for raw in socket:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "host":
                self.hosts.add(socket)
                await socket.send(
                    json.dumps({"type": "host_welcome", "screen": {"player_list": []}})
                )
            elif kind == "join":
                self.players.add(socket)
                await socket.send(
                    json.dumps(
                        {
                            "type": "welcome",
                            "resume_token": secrets.token_hex(8),
                            "player": {"id": "x", "name": message["name"]},
                        }
                    )
                )
                broadcast(
                    self.hosts, json.dumps({"type": "player_joined", "count": len(self.players)})
                )
            elif kind == "answer":
                await socket.send(
                    json.dumps({"type": "answer_ack", "question": message["question"]})
                )
                self.answered += 1
                if self.answered == len(self.players):
                    broadcast(self.hosts | self.players, json.dumps({"type": "reveal"}))
            elif kind in ("start", "next"):
                self.advance()

    def advance(self) -> None:
        everyone = self.hosts | self.players
        if self.phase in ("lobby", "leaderboard"):
            self.index += 1
            self.answered = 0
            self.phase = "question"
            broadcast(everyone, self.question())
        elif self.phase == "question":
            last = self.index == QUESTIONS - 1
            self.phase = "podium" if last else "leaderboard"
            broadcast(everyone, json.dumps({"type": self.phase, "top": []}))
        elif self.phase == "podium":
            self.phase = "ended"
            broadcast(everyone, json.dumps({"type": "ended", "top": []}))


async def main(port: int) -> None:
    baseline = Baseline()
    async with serve(baseline.handle, "127.0.0.1", port, compression=None):
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
