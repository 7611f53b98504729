"""Which game and player a resume token belongs to, for every worker.

A phone may come back through any worker; that worker finds the token's game here and
hands the resume to the game's owner (which still checks, say, that the player was
not kicked). Only SHA-256 digests of tokens are stored, as in the recorded joins. At
the end of a game its tokens are kept as long as players may resume to the final
screen, then Redis forgets them by itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from quizkiosk.scale.redis_link import Keys, unavailable_as_error
from redis.asyncio import Redis


class ResumeTokens:
    def __init__(self, redis: Redis, keys: Keys | None = None) -> None:
        self.redis = redis
        self.keys = keys or Keys()

    async def remember(self, digest: str, game_id: str, player_id: str) -> None:
        if " " in game_id or " " in player_id:
            raise ValueError("game and player ids contain no spaces")
        with unavailable_as_error():
            await self.redis.set(self.keys.resume_token(digest), f"{game_id} {player_id}")

    async def find(self, digest: str) -> tuple[str, str] | None:
        """(game id, player id) of the token with this digest, if known."""
        with unavailable_as_error():
            found = await self.redis.get(self.keys.resume_token(digest))
        if found is None:
            return None
        game_id, _, player_id = str(found).partition(" ")
        return game_id, player_id

    async def expire(self, digests: Iterable[str], after_seconds: float) -> None:
        """The game ended: forget its tokens `after_seconds` from now."""
        milliseconds = max(1, round(after_seconds * 1000))
        with unavailable_as_error():
            async with self.redis.pipeline(transaction=False) as pipe:
                for digest in digests:
                    pipe.pexpire(self.keys.resume_token(digest), milliseconds)
                await pipe.execute()
