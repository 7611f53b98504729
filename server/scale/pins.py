"""PINs unique across workers: which game a PIN belongs to, and which PINs ended lately.

A worker creating a game claims a random PIN (`SET NX` with the game id); any worker
looks a PIN up to find the game; the owner releases it when the game ends, and the
PIN is then remembered as ended (the newest `ended_memory` of them), so a late phone
hears "this game has ended" rather than "no such game" — as the single-process
registry does. A PIN that ended may be claimed again by a new game; it is then no
longer "ended".

Claiming is idempotent for the same game: a worker that takes over a game claims its
PIN again without harm.
"""

from __future__ import annotations

import re
import secrets

from quizkiosk.scale.redis_link import Keys, unavailable_as_error
from redis.asyncio import Redis

ENDED_PIN_MEMORY = 500  # as many as the single-process registry remembers
PIN_PATTERN = re.compile(r"\d{6}")

_CLAIM = """
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then return 1 end
if current then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
return 1
"""
# Ended PINs are ordered by the server's clock, so every worker agrees on which are oldest.
_FORGET_OLDEST = """
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[1])
if extra > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, extra - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
  redis.call('HDEL', KEYS[1], unpack(old))
end
"""
_RELEASE = (
    """
if redis.call('GET', KEYS[3]) ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[3])
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[2], t[1] + t[2] / 1000000, ARGV[3])
"""
    + _FORGET_OLDEST
    + "return 1\n"
)
# Seeding from the archive at start (oldest first): a PIN that is live or already
# remembered is left as it is; KEYS[3] marks the data as seeded (a Redis that lost its
# data has no mark). ARGV: memory, the PIN keys' prefix, then pin, game, ...
_REMEMBER = (
    """
redis.call('SET', KEYS[3], '1')
local t = redis.call('TIME')
local now = t[1] + t[2] / 1000000
local count = (#ARGV - 2) / 2
for i = 1, count do
  local pin, game = ARGV[1 + 2 * i], ARGV[2 + 2 * i]
  if redis.call('EXISTS', ARGV[2] .. pin) == 0 and redis.call('HEXISTS', KEYS[1], pin) == 0 then
    redis.call('HSET', KEYS[1], pin, game)
    redis.call('ZADD', KEYS[2], now - (count - i) / 1000, pin)
  end
end
"""
    + _FORGET_OLDEST
)


class PinsExhausted(RuntimeError):
    """No free PIN was found in many tries (a million PINs nearly all in use)."""


class PinDirectory:
    def __init__(
        self, redis: Redis, keys: Keys | None = None, *, ended_memory: int = ENDED_PIN_MEMORY
    ) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        self.ended_memory = ended_memory
        self._claim = redis.register_script(_CLAIM)
        self._release = redis.register_script(_RELEASE)
        self._remember = redis.register_script(_REMEMBER)

    async def claim(self, pin: str, game_id: str) -> bool:
        """Give `pin` to `game_id`; False if another live game has it."""
        _check_pin(pin)
        keys = [self.keys.pin(pin), self.keys.ended_pins(), self.keys.ended_order()]
        with unavailable_as_error():
            return int(await self._claim(keys=keys, args=[game_id, pin])) == 1

    async def claim_new(self, game_id: str, tries: int = 50) -> str:
        """A fresh random PIN for a new game (six digits, never starting with 0)."""
        for _ in range(tries):
            pin = f"{secrets.randbelow(900_000) + 100_000}"
            if await self.claim(pin, game_id):
                return pin
        raise PinsExhausted(f"no free PIN after {tries} tries")

    async def game_for(self, pin: str) -> str | None:
        """The live game with this PIN, if any."""
        if not PIN_PATTERN.fullmatch(pin):
            return None
        with unavailable_as_error():
            found = await self.redis.get(self.keys.pin(pin))
        return str(found) if found is not None else None

    async def release(self, pin: str, game_id: str) -> bool:
        """The game ended: free its PIN and remember it as ended. False (and nothing
        changes) if the PIN is not this game's."""
        _check_pin(pin)
        keys = [self.keys.ended_pins(), self.keys.ended_order(), self.keys.pin(pin)]
        with unavailable_as_error():
            result = await self._release(keys=keys, args=[self.ended_memory, game_id, pin])
        return int(result) == 1

    async def ended_game(self, pin: str) -> str | None:
        """The game a recently ended PIN belonged to, if it is still remembered."""
        if not PIN_PATTERN.fullmatch(pin):
            return None
        with unavailable_as_error():
            found = await self.redis.hget(self.keys.ended_pins(), pin)
        return str(found) if found is not None else None

    async def has_ended(self, pin: str) -> bool:
        return await self.ended_game(pin) is not None

    async def remember_ended(self, ended: list[tuple[str, str]]) -> None:
        """Seed the ended PINs from the archive (`(pin, game id)`, newest first, as
        `Archive.recently_ended` gives them); PINs live or known already stay as they are."""
        for pin, _ in ended:
            _check_pin(pin)
        oldest_first = list(reversed(ended[: self.ended_memory]))
        args: list[str | int] = [self.ended_memory, self.keys.pin("")]
        for pin, game_id in oldest_first:
            args += [pin, game_id]
        keys = [self.keys.ended_pins(), self.keys.ended_order(), self._seeded_key()]
        with unavailable_as_error():
            await self._remember(keys=keys, args=args)

    async def seeded(self) -> bool:
        """Whether this Redis has been seeded with the ended PINs: False after it lost
        its data (restarted empty), until `remember_ended` seeds it again."""
        with unavailable_as_error():
            return int(await self.redis.exists(self._seeded_key())) == 1

    def _seeded_key(self) -> str:
        return self.keys.ended_pins() + ":seeded"


def _check_pin(pin: str) -> None:
    if not PIN_PATTERN.fullmatch(pin):
        raise ValueError(f"a PIN is six digits, not {pin!r}")
