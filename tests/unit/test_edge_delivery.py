"""Scaled out, without Redis in the way: what the owner's hub publishes for other
workers' sockets, and how a worker delivers relayed frames to its own sockets."""

from __future__ import annotations

import asyncio

from quizkiosk.live.clock import ManualClock
from quizkiosk.live.connection import Connection
from quizkiosk.live.edge import EdgeRouter
from quizkiosk.live.hub import Hub
from quizkiosk.live.relayed import RelayedConnection, close_frame, host_audience, parse_close
from quizkiosk.protocol import EVERYONE, Audience, Hosts, Lobby, OnePlayer, Players, Send
from quizkiosk.scale.forwarding import CommandForwarder
from quizkiosk.scale.relay import Relayed
from redis.asyncio import Redis


class Socket:
    """A connection whose frames and close code are kept for the test."""

    def __init__(self) -> None:
        self.frames: list[str] = []
        self.closed: list[int] = []

        async def send_text(frame: str) -> None:
            self.frames.append(frame)

        async def close(code: int, reason: str) -> None:
            self.closed.append(code)

        self.connection = Connection(send_text, close)


def router() -> EdgeRouter:
    # A client that is never used here: delivery needs no Redis call.
    return EdgeRouter("w1", CommandForwarder(Redis(), "w1"))


def test_close_frames_name_their_socket_and_other_frames_are_not_closes() -> None:
    assert parse_close(close_frame("w1.7", 4003, "removed by the host")) == (
        "w1.7",
        4003,
        "removed by the host",
    )
    assert parse_close('{"type":"close"}') is None
    assert parse_close("close w1.7 not-a-code") is None


def test_relayed_frames_reach_only_the_sockets_they_are_for() -> None:
    async def main() -> None:
        edge = router()
        ann, bob, projector = Socket(), Socket(), Socket()
        edge.add_player("g", "ann", "t-ann", "w1.1", ann.connection)
        edge.add_player("g", "bob", "t-bob", "w1.2", bob.connection)
        edge.add_host("g", "w1.3", projector.connection, "http://x/join?pin=1")
        frames: list[tuple[Audience, str]] = [
            (OnePlayer("ann"), "ack-ann"),
            (Players(), "question"),
            (Hosts(), "count"),
            (EVERYONE, "reveal"),
            (host_audience("w1.3"), "host-welcome"),
            (OnePlayer("carol"), "for-another-worker"),
        ]
        for seq, (audience, frame) in enumerate(frames, start=1):
            edge.deliver(Relayed("g", seq, audience, frame))
        edge.deliver(Relayed("other-game", 1, EVERYONE, "not-ours"))
        await asyncio.sleep(0)
        assert ann.frames == ["ack-ann", "question", "reveal"]
        assert bob.frames == ["question", "reveal"]
        assert projector.frames == ["count", "reveal", "host-welcome"]

    asyncio.run(main())


def test_a_close_closes_only_the_socket_it_names() -> None:
    async def main() -> None:
        edge = router()
        old, new = Socket(), Socket()
        edge.add_player("g", "ann", "t-ann", "w1.1", old.connection)
        # Ann came back on a new socket of this worker before the old one's close arrived.
        edge.add_player("g", "ann", "t-ann", "w1.2", new.connection)
        edge.deliver(Relayed("g", 1, OnePlayer("ann"), close_frame("w1.1", 4009, "replaced")))
        await asyncio.sleep(0.01)
        assert new.closed == [] and not new.connection.closed
        edge.deliver(Relayed("g", 2, OnePlayer("ann"), close_frame("w1.2", 4003, "kicked")))
        await asyncio.sleep(0.01)
        assert new.closed == [4003]

    asyncio.run(main())


def test_the_owner_publishes_a_broadcast_once_and_a_remote_sockets_own_frames_to_it() -> None:
    async def main() -> None:
        published: list[tuple[Audience, str]] = []
        hub = Hub(ManualClock())
        hub.tap = lambda audience, frame: published.append((audience, frame))
        local = Socket()
        remote = RelayedConnection(
            lambda audience, frame: published.append((audience, frame)), OnePlayer("bob"), "w2.5"
        )
        hub.attach_player("ann", local.connection)
        hub.attach_player("bob", remote)
        hub.deliver(Send(Players(), Lobby(locked=False, players=2)))
        hub.send_to_player("bob", "ack-bob")
        hub.send_to_player("ann", "ack-ann")
        hub.disconnect("bob", 4003, "removed")
        await asyncio.sleep(0)
        assert [a for a, _ in published] == [Players(), OnePlayer("bob"), OnePlayer("bob")]
        assert published[1][1] == "ack-bob"
        assert parse_close(published[2][1]) == ("w2.5", 4003, "removed")
        assert len(local.frames) == 2 and local.frames[1] == "ack-ann"  # never published

    asyncio.run(main())
