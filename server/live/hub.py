"""Delivery of one game's messages to its sockets.

Each message is encoded once per audience and the same frame is queued on every
connection it is for. Running counts (`Send.every`) are coalesced: at most one
per interval goes out, always the latest, and any that is waiting is flushed
before the next ordinary message to the same screens, so a count never arrives
after the reveal it belongs to. A message to other screens leaves it waiting: the
host's `player_joined` for each join does not push the phones' lobby count out
early (which made a join wave of N players N broadcasts to everyone, O(N²) frames).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from quizkiosk.live.clock import Clock, Timer
from quizkiosk.live.connection import Connection
from quizkiosk.protocol import (
    EVERYONE,
    Audience,
    Everyone,
    Hosts,
    OnePlayer,
    Players,
    Send,
    encode_message,
)


@dataclass(slots=True)
class _Coalesced:
    last_sent: float
    waiting: Send | None = None
    timer: Timer | None = None


# Scaled out: every broadcast frame, once, for the other workers' sockets (the relay).
Tap = Callable[[Audience, str], None]


class Hub:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.players: dict[str, Connection] = {}
        self.hosts: set[Connection] = set()
        self._coalesced: dict[tuple[Audience, str], _Coalesced] = {}
        self.tap: Tap | None = None

    # ---- who is here ---------------------------------------------------------------

    def attach_player(self, player_id: str, connection: Connection) -> Connection | None:
        """Route this player's messages to `connection`; returns the one it replaces."""
        old = self.players.get(player_id)
        self.players[player_id] = connection
        return old if old is not connection else None

    def detach_player(self, player_id: str, connection: Connection) -> bool:
        """Forget `connection` if it is still this player's; True if it was."""
        if self.players.get(player_id) is connection:
            del self.players[player_id]
            return True
        return False

    def forget_relayed(self) -> None:
        """Drop the stand-ins of other workers' sockets (this worker stops running the
        game; those sockets stay open and resync with the next owner)."""
        self.players = {p: c for p, c in self.players.items() if not c.relayed}
        self.hosts = {c for c in self.hosts if not c.relayed}
        self.tap = None

    def connections(self) -> list[Connection]:
        return [*self.players.values(), *self.hosts]

    # ---- delivery ------------------------------------------------------------------

    def deliver(self, send: Send) -> None:
        if send.every > 0:
            self._deliver_coalesced(send)
            return
        if not isinstance(send.to, OnePlayer):
            # A count goes out before the broadcast that follows it on the same screens.
            self.flush_coalesced(send.to)
        self._write(send)

    def send_to_player(self, player_id: str, frame: str) -> None:
        connection = self.players.get(player_id)
        if connection is not None:
            connection.send(frame)

    def disconnect(self, player_id: str, code: int, reason: str) -> None:
        connection = self.players.pop(player_id, None)
        if connection is not None:
            connection.close_soon(code, reason)

    async def close_all(self, code: int, reason: str) -> None:
        for entry in self._coalesced.values():
            if entry.timer is not None:
                entry.timer.cancel()
        await asyncio.gather(
            *(connection.shutdown(code, reason) for connection in self.connections()),
            return_exceptions=True,
        )

    def _write(self, send: Send) -> None:
        frame = encode_message(send.message)
        to = send.to
        if isinstance(to, OnePlayer):
            self.send_to_player(to.player_id, frame)
            return
        if self.tap is not None:
            # Once for every other worker; the sockets they hold are relayed stand-ins
            # here, which take only frames meant for them alone.
            self.tap(to, frame)
        if isinstance(to, Everyone | Players):
            for connection in self.players.values():
                if not connection.relayed:
                    connection.send(frame)
        if isinstance(to, Everyone | Hosts):
            for connection in self.hosts:
                if not connection.relayed:
                    connection.send(frame)

    # ---- running counts --------------------------------------------------------------

    def _deliver_coalesced(self, send: Send) -> None:
        key = (send.to, send.message.TYPE)
        now = self.clock.now()
        entry = self._coalesced.get(key)
        if entry is None or now >= entry.last_sent + send.every:
            if entry is not None and entry.timer is not None:
                entry.timer.cancel()
            self._coalesced[key] = _Coalesced(last_sent=now)
            self._write(send)
            return
        entry.waiting = send
        if entry.timer is None:
            entry.timer = self.clock.call_at(
                entry.last_sent + send.every, lambda: self._flush_one(key)
            )

    def _flush_one(self, key: tuple[Audience, str]) -> None:
        entry = self._coalesced.get(key)
        if entry is None:
            return
        entry.timer = None
        waiting, entry.waiting = entry.waiting, None
        if waiting is not None:
            entry.last_sent = self.clock.now()
            self._write(waiting)

    def flush_coalesced(self, reaching: Audience = EVERYONE) -> None:
        """Send every count that is waiting for its interval now (of those whose
        screens a message to `reaching` also goes to)."""
        for key, entry in self._coalesced.items():
            if entry.waiting is not None and _overlap(key[0], reaching):
                if entry.timer is not None:
                    entry.timer.cancel()
                self._flush_one(key)


def _overlap(a: Audience, b: Audience) -> bool:
    """Whether two broadcast audiences share a screen (Everyone, Hosts, Players)."""
    return isinstance(a, Everyone) or isinstance(b, Everyone) or type(a) is type(b)
