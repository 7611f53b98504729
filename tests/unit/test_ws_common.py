"""Socket admission (quizkiosk.web.ws_common.admitted): every way a game socket ends
carries the close code docs/protocol.md gives it."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import cast

import pytest
from quizkiosk.live.connection import Connection
from quizkiosk.web.state import AppState
from quizkiosk.web.ws_common import admitted
from starlette.websockets import WebSocket, WebSocketState


@dataclass
class Address:
    host: str = "10.0.0.7"


@dataclass
class FakeSocket:
    """What `admitted` uses of a Starlette WebSocket."""

    client: Address = field(default_factory=Address)
    application_state: WebSocketState = WebSocketState.CONNECTING
    closed_with: list[int] = field(default_factory=list)

    async def accept(self) -> None:
        self.application_state = WebSocketState.CONNECTED

    async def send_text(self, text: str) -> None:
        pass

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed_with.append(code)
        self.application_state = WebSocketState.DISCONNECTED


@dataclass
class Config:
    max_sockets_per_address: int = 2


@dataclass
class State:
    """What `admitted` uses of AppState."""

    config: Config = field(default_factory=Config)
    open_sockets: Counter[str] = field(default_factory=Counter)
    connections: set[Connection] = field(default_factory=set)
    stopping: bool = False


class Boom(Exception):
    pass


def test_a_server_error_in_a_handler_closes_with_1011_so_the_page_reconnects() -> None:
    async def main() -> None:
        socket, state = FakeSocket(), State()
        with pytest.raises(Boom):  # still raised, so the server logs it
            async with admitted(cast(WebSocket, socket), cast(AppState, state)) as connection:
                assert connection is not None
                raise Boom("a bug")
        assert socket.closed_with == [1011]
        assert state.open_sockets == Counter() and state.connections == set()

    asyncio.run(main())


def test_a_handler_that_returns_closes_with_1000() -> None:
    async def main() -> None:
        socket, state = FakeSocket(), State()
        async with admitted(cast(WebSocket, socket), cast(AppState, state)) as connection:
            assert connection is not None
            assert state.open_sockets["10.0.0.7"] == 1
        assert socket.closed_with == [1000]
        assert state.open_sockets == Counter()

    asyncio.run(main())


def test_while_the_server_stops_a_new_socket_is_closed_with_4012() -> None:
    async def main() -> None:
        socket, state = FakeSocket(), State(stopping=True)
        async with admitted(cast(WebSocket, socket), cast(AppState, state)) as connection:
            assert connection is None
        assert socket.closed_with == [4012]
        assert state.open_sockets == Counter()

    asyncio.run(main())


def test_one_socket_too_many_from_an_address_is_closed_with_4029() -> None:
    async def main() -> None:
        state = State(config=Config(max_sockets_per_address=1))
        first, second = FakeSocket(), FakeSocket()
        async with admitted(cast(WebSocket, first), cast(AppState, state)) as kept:
            assert kept is not None
            async with admitted(cast(WebSocket, second), cast(AppState, state)) as refused:
                assert refused is None
            assert second.closed_with == [4029]
        assert first.closed_with == [1000]

    asyncio.run(main())
