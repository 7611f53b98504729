"""The one owner of a live game: its engine state, its timer, its record and its sockets.

Inputs arrive as commands (quizkiosk.engine.commands) and run one at a time in the
actor's own task. For each, the actor gives the engine the command and the
clock's time; the engine returns an Outcome. What changed the game is recorded
(the command, its time and its facts: new participants, answers, start, end) and
group-committed to the archive; the Outcome's messages are held until that
record — and every record before it — is durable, and only then handed to the
hub. So an acknowledged answer is on disk, a reveal never goes out before the
answers it counts are, and nobody ever sees a screen that a crash could take back.

The actor knows no game mode: everything mode-specific is behind `Game`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from quizkiosk.archive.records import (
    AnswerRecord,
    Archive,
    AttemptRecord,
    InputRecord,
    ParticipantRecord,
    StandingRecord,
)
from quizkiosk.engine.commands import Command, SetConnected, Tick, to_record
from quizkiosk.engine.game import (
    AnswerKept,
    AttemptKept,
    Disconnect,
    Game,
    GameFinished,
    GameStarted,
    Outcome,
    ParticipantJoined,
)
from quizkiosk.live.clock import Clock, Timer
from quizkiosk.live.connection import CLOSE_ENDED, CLOSE_REPLACED, CLOSE_RESTARTING, Connection
from quizkiosk.live.hub import Hub
from quizkiosk.protocol import (
    PROTOCOL_VERSION,
    ErrorMsg,
    HostWelcome,
    Json,
    OnePlayer,
    Send,
    ServerMessage,
    Welcome,
    encode_message,
)

log = logging.getLogger(__name__)
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)  # waits between attempts to record, then 5 s each
T = TypeVar("T")


class GameStopped(RuntimeError):
    """The game's actor has stopped (the game ended long ago, or the server is stopping)."""


@dataclass(frozen=True, slots=True)
class GameInfo:
    game_id: str
    pin: str
    bank_id: str
    title: dict[str, str]  # the bank's title in every language
    owner: str
    host_token: str
    created_at: float
    mode: str


@dataclass(frozen=True, slots=True)
class _ToConnection:
    """A message for one connection that is not a player of the hub (a host's welcome)."""

    connection: Connection
    message: ServerMessage


@dataclass(frozen=True, slots=True)
class _Attach:
    """Route a player's messages to this connection from here on (in delivery order, so
    nothing meant for the room reaches the phone before its welcome)."""

    player_id: str
    connection: Connection


_Deliverable = Send | Disconnect | _ToConnection | _Attach


class GameActor:
    def __init__(
        self,
        info: GameInfo,
        game: Game,
        archive: Archive,
        clock: Clock,
        *,
        recorded: int = 0,
        on_ended: Callable[[GameActor], None] | None = None,
    ) -> None:
        """`recorded`: how many inputs of this game are already in the archive (a rebuilt
        game continues their numbering)."""
        self.info = info
        self.game = game
        self.archive = archive
        self.clock = clock
        self.hub = Hub(clock)
        self._on_ended = on_ended
        self._ended_reported = game.ended
        self._inbox: asyncio.Queue[tuple[Callable[[], Any], asyncio.Future[Any]]] = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name=f"game-{info.game_id}")
        self._timer: Timer | None = None
        self._timer_deadline: float | None = None
        # Recording: inputs accepted but not yet durable, and what waits for them.
        self._seq = recorded
        self._durable_seq = recorded
        self._told_not_saved = recorded  # answers up to here have heard "not saved yet"
        self._unrecorded: list[InputRecord] = []
        self._held: deque[tuple[int, list[_Deliverable]]] = deque()
        self._recorder: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._reschedule_timer()

    # ---- the mailbox -------------------------------------------------------------

    async def _call(self, work: Callable[[], T]) -> T:
        """Run `work` inside the actor, after everything posted before it."""
        if self._task.done():
            raise GameStopped("this game is no longer running")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await self._inbox.put((work, future))
        return await future

    async def _run(self) -> None:
        while True:
            work, future = await self._inbox.get()
            if future.cancelled():
                continue
            try:
                future.set_result(work())
            except Exception as error:  # the caller turns refusals into error messages
                future.set_exception(error)

    # ---- inputs (what the web edge calls) ---------------------------------------------

    async def act(self, command: Command, at: float | None = None) -> None:
        """Apply a command (answer, leave, a host button, …); raises CommandRefused.

        `at`: when the command reached the server (an answer is judged by when it
        arrived, not by how long it waited behind others); default: now.
        """
        await self._call(lambda: self._step(command, at))

    async def join(self, command: Command, player_id: str, token: str, conn: Connection) -> None:
        """A new player (a JoinGame command) on `conn`; welcomed once the join is durable."""

        def welcome() -> list[_Deliverable]:
            return [_Attach(player_id, conn), *self._welcome(player_id, token, resumed=False)]

        await self._call(lambda: self._step(command, lead=welcome))

    async def resume(self, player_id: str, token: str, conn: Connection) -> None:
        def welcome() -> list[_Deliverable]:
            return [_Attach(player_id, conn), *self._welcome(player_id, token, resumed=True)]

        await self._call(lambda: self._step(SetConnected(player_id, True), lead=welcome))

    async def detach(self, player_id: str, conn: Connection) -> None:
        def work() -> None:
            if self.hub.detach_player(player_id, conn):
                self._step(SetConnected(player_id, False))

        with contextlib.suppress(GameStopped):
            await self._call(work)

    async def attach_host(self, conn: Connection, join_url: str) -> None:
        def work() -> None:
            self.hub.hosts.add(conn)
            welcome = HostWelcome(
                protocol=PROTOCOL_VERSION,
                game=self.summary(),
                join_url=join_url,
                screen=self.game.host_screen(self.clock.now()),
            )
            self._hold([_ToConnection(conn, welcome)])

        await self._call(work)

    async def detach_host(self, conn: Connection) -> None:
        with contextlib.suppress(GameStopped):
            await self._call(lambda: self.hub.hosts.discard(conn))

    # ---- inside the actor ----------------------------------------------------------------

    def _step(
        self,
        command: Command,
        at: float | None = None,
        lead: Callable[[], list[_Deliverable]] | None = None,
    ) -> Outcome:
        """Apply `command`; record it if it changed the game; hold its messages until durable.

        `lead` (after the command is applied) gives messages that go out before the
        command's own — a joining player's welcome before the lobby count, say.
        """
        now = self.clock.now() if at is None else at
        outcome = self.game.handle(command, now)  # raises CommandRefused, changing nothing
        if outcome.changed:
            self._seq += 1
            self._unrecorded.append(self._input_record(self._seq, now, command, outcome))
            self._start_recorder()
        first = lead() if lead is not None else []
        self._hold(first + [o for o in outcome.outputs if isinstance(o, Send | Disconnect)])
        self._reschedule_timer()
        if self.game.ended and not self._ended_reported:
            self._ended_reported = True
            if self._on_ended is not None:
                self._on_ended(self)
        return outcome

    def _attach_player(self, player_id: str, conn: Connection) -> None:
        old = self.hub.attach_player(player_id, conn)
        if old is not None:
            old.close_soon(CLOSE_REPLACED, "this player connected from another tab or device")

    def _welcome(self, player_id: str, token: str, resumed: bool) -> list[_Deliverable]:
        now = self.clock.now()
        welcome = Welcome(
            protocol=PROTOCOL_VERSION,
            resumed=resumed,
            player={"id": player_id, "name": self.game.player_name(player_id)},
            resume_token=token,
            game=self.summary(),
            screen=self.game.player_screen(player_id, now),
        )
        sends: list[_Deliverable] = [Send(OnePlayer(player_id), welcome)]
        question = self.game.open_question_for(player_id, now)
        if question is not None:
            # Also as its own frame, so a client handles every question the same way.
            sends.append(Send(OnePlayer(player_id), question))
        return sends

    @property
    def phase(self) -> str:
        return self.game.phase_name

    @property
    def player_count(self) -> int:
        return self.game.player_count

    def summary(self) -> Json:
        return {
            "id": self.info.game_id,
            "pin": self.info.pin,
            "title": self.info.title,
            **self.game.summary(),
        }

    # ---- recording, then delivery ------------------------------------------------------

    def _input_record(self, seq: int, at: float, command: Command, outcome: Outcome) -> InputRecord:
        game_id = self.info.game_id
        participants: list[ParticipantRecord] = []
        answers: list[AnswerRecord] = []
        attempts: list[AttemptRecord] = []
        started_at: float | None = None
        ended_at: float | None = None
        standings: tuple[StandingRecord, ...] = ()
        for fact in outcome.facts():
            if isinstance(fact, ParticipantJoined):
                participants.append(
                    ParticipantRecord(
                        game_id,
                        fact.player_id,
                        fact.name,
                        fact.staff_id,
                        fact.department,
                        fact.joined_at,
                    )
                )
            elif isinstance(fact, AnswerKept):
                answers.append(
                    AnswerRecord(
                        game_id=game_id,
                        player_id=fact.player_id,
                        question_index=fact.question_index,
                        question_id=fact.question_id,
                        payload=fact.payload,
                        received_at=fact.received_at,
                        response_ms=fact.response_ms,
                        correct=fact.correct,
                        points=fact.points,
                        answer=fact.answer,
                    )
                )
            elif isinstance(fact, AttemptKept):
                attempts.append(
                    AttemptRecord(
                        game_id=game_id,
                        player_id=fact.player_id,
                        step_index=fact.step_index,
                        step_id=fact.step_id,
                        attempt=fact.attempt,
                        payload=fact.payload,
                        answer=fact.answer,
                        received_at=fact.received_at,
                        race_ms=fact.race_ms,
                        correct=fact.correct,
                    )
                )
            elif isinstance(fact, GameStarted):
                started_at = fact.at
            elif isinstance(fact, GameFinished):
                ended_at = fact.at
                standings = tuple(
                    StandingRecord(s.player_id, s.rank, s.score, s.correct_count)
                    for s in fact.standings
                )
        return InputRecord(
            seq=seq,
            at=at,
            command=to_record(command),
            participants=tuple(participants),
            answers=tuple(answers),
            attempts=tuple(attempts),
            started_at=started_at,
            ended_at=ended_at,
            standings=standings,
        )

    def _start_recorder(self) -> None:
        self._idle.clear()
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._record_all())

    async def _record_all(self) -> None:
        failures = 0
        while self._unrecorded:
            batch = list(self._unrecorded)
            try:
                await self.archive.record_inputs(self.info.game_id, batch)
            except Exception:
                log.exception("could not record game %s; will retry", self.info.game_id)
                # Every answer that meets the outage hears it, not only the first batch's.
                self._tell_not_saved([r for r in batch if r.seq > self._told_not_saved])
                self._told_not_saved = batch[-1].seq
                await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
                failures += 1
                continue
            failures = 0
            del self._unrecorded[: len(batch)]
            self._durable_seq = batch[-1].seq
            self._release()
        self._idle.set()

    def _tell_not_saved(self, batch: list[InputRecord]) -> None:
        # Never a false ack: the acks wait; the players hear at once that it is not saved yet.
        for record in batch:
            for answer in record.answers:
                error = ErrorMsg(
                    "not_saved",
                    "your answer is not saved yet; the server keeps trying — you may answer again",
                    {"question": answer.question_index},
                )
                self.hub.send_to_player(answer.player_id, encode_message(error))

    def _hold(self, items: list[_Deliverable]) -> None:
        """Deliver `items` once every input recorded so far is durable (in order)."""
        if not items:
            return
        if not self._held and self._durable_seq >= self._seq:
            self._deliver(items)
            return
        self._held.append((self._seq, items))

    def _release(self) -> None:
        while self._held and self._held[0][0] <= self._durable_seq:
            _, items = self._held.popleft()
            self._deliver(items)

    def _deliver(self, items: list[_Deliverable]) -> None:
        for item in items:
            if isinstance(item, Disconnect):
                self.hub.disconnect(item.player_id, item.code, item.reason)
            elif isinstance(item, _ToConnection):
                item.connection.send(encode_message(item.message))
            elif isinstance(item, _Attach):
                self._attach_player(item.player_id, item.connection)
            else:
                self.hub.deliver(item)

    # ---- the clock ------------------------------------------------------------------

    def _reschedule_timer(self) -> None:
        deadline = self.game.next_deadline
        if deadline == self._timer_deadline:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._timer_deadline = deadline
        if deadline is not None:
            self._timer = self.clock.call_at(deadline, self._on_deadline)

    def _on_deadline(self) -> None:
        self._timer = None
        self._timer_deadline = None
        task = asyncio.get_running_loop().create_task(self._tick())
        task.add_done_callback(_log_failure)

    async def _tick(self) -> None:
        with contextlib.suppress(GameStopped):
            await self.act(Tick())

    # ---- life and death ---------------------------------------------------------------

    async def wait_idle(self) -> None:
        """Wait until every accepted input is durable (and its messages delivered)."""
        await self._idle.wait()

    async def stop(self, restarting: bool = False) -> None:
        """Stop: recorded inputs are flushed first, then every socket is told why —
        the game is over (4000), or the server is restarting and they should come back."""
        await self.wait_idle()
        code, reason = (
            (CLOSE_RESTARTING, "the server is restarting; reconnect")
            if restarting
            else (CLOSE_ENDED, "the game is over")
        )
        await self.hub.close_all(code, reason)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self._timer is not None:
            self._timer.cancel()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a game timer failed", exc_info=task.exception())


__all__ = ["GameActor", "GameInfo", "GameStopped"]
