"""Trainer login sessions shared by every worker, with logout that takes effect at once.

Today a session is server-side state: the cookie holds a random id, the accounts
database keeps its SHA-256 digest, the trainer and the expiry, and logout deletes it.
Scaled out, the same three operations live here: `create` (at sign-in), `username_for`
(every trainer request, on any worker), `delete` (logout), plus `delete_all_for` to
revoke every session of one trainer. Redis expires sessions by itself; only digests
are stored, so reading Redis does not give anyone a usable cookie.

The caller turns the username into a `Trainer` through the account store, so a
trainer removed or demoted there is refused or demoted on the next request.
"""

from __future__ import annotations

import hashlib
import secrets

from quizkiosk.scale.redis_link import Keys, unavailable_as_error
from redis.asyncio import Redis

SESSION_TTL_SECONDS = 12 * 3600.0  # as the accounts store: a long seminar day
SESSION_ID_BYTES = 32

_CREATE = """
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
"""
_DELETE = """
local username = redis.call('GET', KEYS[1])
if username then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', ARGV[1] .. username, ARGV[2])
end
return username
"""
_DELETE_ALL = """
local digests = redis.call('SMEMBERS', KEYS[1])
for _, digest in ipairs(digests) do
  redis.call('DEL', ARGV[1] .. digest)
end
redis.call('DEL', KEYS[1])
return #digests
"""


def session_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


class SharedSessions:
    def __init__(
        self, redis: Redis, keys: Keys | None = None, *, ttl_seconds: float = SESSION_TTL_SECONDS
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError("a session lifetime must be positive")
        self.redis = redis
        self.keys = keys or Keys()
        self.ttl_ms = max(1, round(ttl_seconds * 1000))
        self._create = redis.register_script(_CREATE)
        self._delete = redis.register_script(_DELETE)
        self._delete_all = redis.register_script(_DELETE_ALL)

    async def create(self, username: str) -> str:
        """A new session id for the cookie; it lasts `ttl_seconds`."""
        if not username:
            raise ValueError("a session belongs to a trainer; the username is empty")
        session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
        digest = session_digest(session_id)
        keys = [self.keys.session(digest), self.keys.sessions_of(username)]
        with unavailable_as_error():
            await self._create(keys=keys, args=[username, digest, self.ttl_ms])
        return session_id

    async def username_for(self, session_id: str) -> str | None:
        """Whose session this is, if it exists and has not expired."""
        if not session_id:
            return None
        with unavailable_as_error():
            found = await self.redis.get(self.keys.session(session_digest(session_id)))
        return str(found) if found is not None else None

    async def delete(self, session_id: str) -> None:
        """Logout: the session stops working on every worker at once."""
        digest = session_digest(session_id)
        with unavailable_as_error():
            await self._delete(
                keys=[self.keys.session(digest)], args=[self.keys.sessions_of(""), digest]
            )

    async def delete_all_for(self, username: str) -> int:
        """Revoke every session of one trainer; returns how many there were."""
        keys = [self.keys.sessions_of(username)]
        with unavailable_as_error():
            count = await self._delete_all(keys=keys, args=[self.keys.session("")])
        return int(count)
