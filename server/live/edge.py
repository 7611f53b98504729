"""The edge of a worker (scaled out): its sockets of games another worker owns.

A socket may land on any worker. For a game it does not own, the worker forwards the
socket's commands to the owner (`RemoteGame`, through `CommandForwarder`) and
delivers the owner's relayed frames to its own sockets (`EdgeRouter.deliver`, fed by
the worker's `RelayListener`). When frames may have been missed (a gap, a new
owner, Redis lost), the router asks the owner for the current screens of its
sockets (`resync`): a fresh welcome each, which supersedes whatever was missed.

Each socket gets a link id (`<worker id>.<n>`): the owner addresses frames meant for
one socket alone — a host's welcome, a close — by it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from quizkiosk.engine.commands import Command, HostAction
from quizkiosk.engine.game import CommandRefused
from quizkiosk.live.actor import GameInfo, GameStopped
from quizkiosk.live.connection import Connection
from quizkiosk.live.relayed import HOST_PREFIX, parse_close
from quizkiosk.protocol import Everyone, Hosts, OnePlayer, Players
from quizkiosk.protocol import Json as MessageJson
from quizkiosk.scale.forwarding import CommandForwarder, ForwardTimeout, Json, Reply

# Re-exported: what the web edge catches when Redis cannot be reached (scaled out).
from quizkiosk.scale.redis_link import RedisUnavailable as RedisUnavailable
from quizkiosk.scale.relay import Relayed, RelayListener

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Player:
    connection: Connection
    token: str
    link_id: str


@dataclass(slots=True)
class _EdgeGame:
    players: dict[str, _Player] = field(default_factory=dict)
    hosts: dict[str, tuple[Connection, str]] = field(default_factory=dict)  # link -> conn, url


class EdgeRouter:
    """This worker's sockets of games owned elsewhere, and the relay that feeds them."""

    def __init__(self, worker_id: str, forwarder: CommandForwarder) -> None:
        self.worker_id = worker_id
        self.forwarder = forwarder
        self.listener: RelayListener | None = None  # set once made (it calls back here)
        self._games: dict[str, _EdgeGame] = {}
        self._links: dict[str, Connection] = {}
        self._numbers = itertools.count(1)
        self._resyncs: set[asyncio.Task[None]] = set()

    def new_link_id(self) -> str:
        return f"{self.worker_id}.{next(self._numbers)}"

    # ---- who is here ---------------------------------------------------------------

    async def follow(self, game_id: str) -> None:
        assert self.listener is not None
        self._games.setdefault(game_id, _EdgeGame())
        await self.listener.follow(game_id)

    def add_player(
        self, game_id: str, player_id: str, token: str, link_id: str, conn: Connection
    ) -> None:
        game = self._games.setdefault(game_id, _EdgeGame())
        game.players[player_id] = _Player(conn, token, link_id)
        self._links[link_id] = conn

    def remove_player(self, game_id: str, player_id: str, link_id: str) -> None:
        self._links.pop(link_id, None)
        game = self._games.get(game_id)
        if game is None:
            return
        found = game.players.get(player_id)
        if found is not None and found.link_id == link_id:
            del game.players[player_id]
        self._forget_if_empty(game_id)

    def add_host(self, game_id: str, link_id: str, conn: Connection, join_base: str) -> None:
        game = self._games.setdefault(game_id, _EdgeGame())
        game.hosts[link_id] = (conn, join_base)
        self._links[link_id] = conn

    def remove_host(self, game_id: str, link_id: str) -> None:
        self._links.pop(link_id, None)
        game = self._games.get(game_id)
        if game is not None:
            game.hosts.pop(link_id, None)
            self._forget_if_empty(game_id)

    def _forget_if_empty(self, game_id: str) -> None:
        game = self._games.get(game_id)
        if game is not None and not game.players and not game.hosts:
            del self._games[game_id]
            if self.listener is not None:
                self.listener.unfollow(game_id)

    # ---- frames from the owner -----------------------------------------------------

    def deliver(self, relayed: Relayed) -> None:
        game = self._games.get(relayed.game_id)
        if game is None:
            return
        to, frame = relayed.audience, relayed.frame
        if isinstance(to, OnePlayer):
            if to.player_id.startswith(HOST_PREFIX):
                link_id = to.player_id[len(HOST_PREFIX) :]
                host = game.hosts.get(link_id)
                if host is not None:
                    self._write(host[0], frame, link_id)
                    if host[0].closed:
                        game.hosts.pop(link_id, None)
                return
            player = game.players.get(to.player_id)
            if player is not None:
                self._write(player.connection, frame, player.link_id)
                if player.connection.closed:
                    game.players.pop(to.player_id, None)
            return
        if isinstance(to, Everyone | Players):
            for player in game.players.values():
                player.connection.send(frame)
        if isinstance(to, Everyone | Hosts):
            for conn, _ in game.hosts.values():
                conn.send(frame)

    def _write(self, conn: Connection, frame: str, link_id: str) -> None:
        close = parse_close(frame)
        if close is None:
            conn.send(frame)
        elif close[0] == link_id:
            conn.close_soon(close[1], close[2])
            self._links.pop(link_id, None)

    def resync(self, game_id: str) -> None:
        """Frames of `game_id` may have been missed: ask its owner for current screens."""
        task = asyncio.get_running_loop().create_task(self._resync(game_id))
        self._resyncs.add(task)
        task.add_done_callback(self._resyncs.discard)

    async def _resync(self, game_id: str) -> None:
        game = self._games.get(game_id)
        if game is None:
            return
        args: Json = {
            "players": {pid: [p.token, p.link_id] for pid, p in game.players.items()},
            "hosts": {link: base for link, (_, base) in game.hosts.items()},
        }
        try:
            await self.forwarder.forward(game_id, "resync", args=args)
        except ForwardTimeout:
            log.warning("game %s: no owner answered a resync", game_id)


class GameHandle(Protocol):
    """What a socket calls on its game: the local `GameActor`, or a `RemoteGame`."""

    @property
    def game_id(self) -> str: ...

    @property
    def pin(self) -> str: ...

    async def join(
        self, command: Command, player_id: str, token: str, conn: Connection
    ) -> object: ...

    async def resume(self, player_id: str, token: str, conn: Connection) -> None: ...

    async def act(self, command: Command, at: float | None = None) -> None: ...

    async def detach(self, player_id: str, conn: Connection) -> None: ...

    async def attach_host(self, conn: Connection, join_url: str) -> None: ...

    async def detach_host(self, conn: Connection) -> None: ...


class RemoteGame:
    """A game owned by another worker, as a socket of this one uses it: the same calls
    as `GameActor`, forwarded; a refusal comes back as `CommandRefused`."""

    def __init__(self, router: EdgeRouter, game_id: str, pin: str) -> None:
        self.router = router
        self.game_id = game_id
        self.pin = pin
        self._links: dict[int, str] = {}  # id(connection) -> its link id

    def _link_of(self, conn: Connection) -> str:
        link = self._links.get(id(conn))
        if link is None:
            link = self._links[id(conn)] = self.router.new_link_id()
        return link

    async def _forward(
        self,
        op: str,
        command: Command | None = None,
        at: float | None = None,
        args: Json | None = None,
    ) -> Reply:
        try:
            reply = await self.router.forwarder.forward(self.game_id, op, command, at=at, args=args)
        except (ForwardTimeout, RedisUnavailable) as error:
            raise CommandRefused(
                "not_saved",
                "not saved yet: the game's server did not answer; try again",
            ) from error
        if reply.error is not None:
            refusal = dict(reply.error)
            code, message = str(refusal.pop("code", "refused")), str(refusal.pop("message", ""))
            if code == "game_ended" and op != "act":
                raise GameStopped(message)
            raise CommandRefused(code, message, **refusal)
        return reply

    async def join(self, command: Command, player_id: str, token: str, conn: Connection) -> None:
        link = self._link_of(conn)
        await self.router.follow(self.game_id)
        self.router.add_player(self.game_id, player_id, token, link, conn)
        try:
            await self._forward("join", command, args={"token": token, "link": link})
        except BaseException:
            self.router.remove_player(self.game_id, player_id, link)
            raise

    async def resume(self, player_id: str, token: str, conn: Connection) -> None:
        link = self._link_of(conn)
        await self.router.follow(self.game_id)
        self.router.add_player(self.game_id, player_id, token, link, conn)
        try:
            await self._forward(
                "resume", args={"player_id": player_id, "token": token, "link": link}
            )
        except BaseException:
            self.router.remove_player(self.game_id, player_id, link)
            raise

    async def act(self, command: Command, at: float | None = None) -> None:
        await self._forward("act", command, at=at)

    async def detach(self, player_id: str, conn: Connection) -> None:
        link = self._links.pop(id(conn), None)
        if link is None:
            return
        self.router.remove_player(self.game_id, player_id, link)
        try:
            await self._forward("detach", args={"player_id": player_id, "link": link})
        except (CommandRefused, GameStopped) as error:
            log.info("game %s: detach not confirmed: %s", self.game_id, error)

    async def attach_host(self, conn: Connection, join_url: str) -> None:
        link = self._link_of(conn)
        await self.router.follow(self.game_id)
        self.router.add_host(self.game_id, link, conn, join_url)
        try:
            await self._forward("attach_host", args={"link": link, "join_url": join_url})
        except BaseException:
            self.router.remove_host(self.game_id, link)
            raise

    async def detach_host(self, conn: Connection) -> None:
        link = self._links.pop(id(conn), None)
        if link is None:
            return
        self.router.remove_host(self.game_id, link)
        try:
            await self._forward("detach_host", args={"link": link})
        except (CommandRefused, GameStopped) as error:
            log.info("game %s: host detach not confirmed: %s", self.game_id, error)


class LiveGame(Protocol):
    """What a trainer's page reads of a running game and may ask of it: the local
    `GameActor`, or a `RemoteGameView` of a game another worker runs."""

    @property
    def info(self) -> GameInfo: ...

    @property
    def phase(self) -> str: ...

    @property
    def player_count(self) -> int: ...

    def summary(self) -> Mapping[str, object]:
        """The `game` object (a local game's `GameSummary`; of a game another worker
        runs, what the archive knows: id, pin, title and total)."""
        ...

    async def act(self, command: Command, at: float | None = None) -> None: ...


class RemoteGameView(RemoteGame):
    """A game another worker runs, as a trainer's page on this worker sees it: what the
    archive says of it (who runs it, its PIN and title, how far it got), and its
    commands forwarded to the owner. The live screens come over the host socket."""

    def __init__(
        self,
        router: EdgeRouter,
        info: GameInfo,
        summary: MessageJson,
        phase: str,
        player_count: int,
    ) -> None:
        super().__init__(router, info.game_id, info.pin)
        self._info = info
        self._summary = summary
        self._phase = phase
        self._players = player_count

    @property
    def info(self) -> GameInfo:
        return self._info

    @property
    def phase(self) -> str:
        return self._phase

    @property
    def player_count(self) -> int:
        return self._players

    def summary(self) -> MessageJson:
        return dict(self._summary)

    async def act(self, command: Command, at: float | None = None) -> None:
        await super().act(command, at)
        if isinstance(command, HostAction) and command.action == "end":
            self._phase = "ended"
