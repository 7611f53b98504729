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

Why one long module: the mailbox, the input records, the outputs held until they are
durable and the timer all read and change the same fields of one task. The rule "an
output leaves only after its record and every earlier one is on disk" comes from how
they work together; split across files, it could no longer be checked in one place.
Delivery (hub), connections, the clock and the registry are already elsewhere.
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
    Fenced,
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
    GameSummary,
    HostWelcome,
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


class GameMoved(GameStopped):
    """Scaled out: another worker runs the game now; reconnect (and resume) there."""


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
        epoch: int | None = None,
        on_fenced: Callable[[GameActor], None] | None = None,
        timers: bool = True,
    ) -> None:
        """`recorded`: how many inputs of this game are already in the archive (a rebuilt
        game continues their numbering). Scaled out: `epoch` is this owner's fencing
        token, written with every input; `on_fenced` is told when the archive refused
        a batch because a newer owner took the game over; `timers` False leaves the
        game's clock stopped until `start_timers` (a takeover applies the forwarded
        commands that arrived before a deadline first)."""
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
        self.epoch = epoch
        self._on_fenced = on_fenced
        self._durable_waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._timers_on = timers
        self.abandoned = False
        self._reschedule_timer()

    # ---- the mailbox -------------------------------------------------------------

    async def _call(self, work: Callable[[], T]) -> T:
        """Run `work` inside the actor, after everything posted before it."""
        if self.abandoned:
            raise GameMoved("this game is now run by another worker")
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

    async def act_durably(
        self, command: Command, at: float | None = None, request_id: str | None = None
    ) -> None:
        """As `act`, and return only once the command's input is durable (a forwarded
        command is answered then). `request_id` is recorded with the input, so a
        redelivery after a takeover is recognised (see `request_ids`)."""

        def work() -> int:
            self._step(command, at, request_id=request_id)
            return self._seq

        await self.until_durable(await self._call(work))

    async def until_durable(self, seq: int) -> None:
        """Wait until every input up to `seq` is durable; raises Fenced if it never will
        be here (a newer owner took the game over)."""
        if self._durable_seq >= seq:
            return
        if self.abandoned:
            raise Fenced(f"game {self.info.game_id} is no longer run here")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._durable_waiters.append((seq, future))
        await future

    def start_timers(self) -> None:
        """Start the game's clock (after a takeover's pending commands are applied)."""

        def work() -> None:
            self._timers_on = True
            self._reschedule_timer()

        self._inbox.put_nowait((work, asyncio.get_running_loop().create_future()))

    async def run_inside(self, work: Callable[[], T]) -> T:
        """Run `work` in the actor's turn (the scaled-out wiring's own steps)."""
        return await self._call(work)

    async def join(
        self,
        command: Command,
        player_id: str,
        token: str,
        conn: Connection,
        request_id: str | None = None,
    ) -> int:
        """A new player (a JoinGame command) on `conn`; welcomed once the join is durable.
        Returns the input's number (see `until_durable`)."""

        def welcome() -> list[_Deliverable]:
            return [_Attach(player_id, conn), *self._welcome(player_id, token, resumed=False)]

        def work() -> int:
            self._step(command, lead=welcome, request_id=request_id)
            return self._seq

        return await self._call(work)

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
        request_id: str | None = None,
    ) -> Outcome:
        """Apply `command`; record it if it changed the game; hold its messages until durable.

        `lead` (after the command is applied) gives messages that go out before the
        command's own — a joining player's welcome before the lobby count, say.
        """
        now = self.clock.now() if at is None else at
        outcome = self.game.handle(command, now)  # raises CommandRefused, changing nothing
        if outcome.changed:
            self._seq += 1
            record = self._input_record(self._seq, now, command, outcome, request_id)
            self._unrecorded.append(record)
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
    def game_id(self) -> str:
        return self.info.game_id

    @property
    def pin(self) -> str:
        return self.info.pin

    @property
    def phase(self) -> str:
        return self.game.phase_name

    @property
    def player_count(self) -> int:
        return self.game.player_count

    def summary(self) -> GameSummary:
        return {
            "id": self.info.game_id,
            "pin": self.info.pin,
            "title": self.info.title,
            **self.game.summary(),
        }

    # ---- recording, then delivery ------------------------------------------------------

    def _input_record(
        self,
        seq: int,
        at: float,
        command: Command,
        outcome: Outcome,
        request_id: str | None = None,
    ) -> InputRecord:
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
        stored = to_record(command)
        if request_id is not None:
            # Replay ignores keys it does not know; a takeover reads these back.
            stored["request"] = request_id
        return InputRecord(
            seq=seq,
            at=at,
            command=stored,
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
                if self.epoch is None:
                    await self.archive.record_inputs(self.info.game_id, batch)
                else:
                    await self.archive.record_inputs(self.info.game_id, batch, epoch=self.epoch)
            except Fenced:
                # A newer owner runs the game: nothing held here may ever be sent.
                log.warning("game %s: fenced out by a newer owner", self.info.game_id)
                self._fail_waiters()
                if self._on_fenced is not None:
                    self._on_fenced(self)
                return
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
            self._wake_waiters()
        self._idle.set()

    def _wake_waiters(self) -> None:
        waiting = []
        for seq, future in self._durable_waiters:
            if seq <= self._durable_seq:
                if not future.done():
                    future.set_result(None)
            else:
                waiting.append((seq, future))
        self._durable_waiters = waiting

    def _fail_waiters(self) -> None:
        for _, future in self._durable_waiters:
            if not future.done():
                future.set_exception(Fenced(f"game {self.info.game_id} was taken over"))
        self._durable_waiters = []

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
        if not self._timers_on:
            return
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

    async def abandon(self, code: int, reason: str) -> None:
        """Stop at once, without recording or sending anything held (this worker lost
        the game to another): local sockets are closed with `code` and come back
        through whichever worker now runs it."""
        self.abandoned = True
        self._unrecorded.clear()
        self._held.clear()
        self._fail_waiters()
        if self._recorder is not None:
            self._recorder.cancel()
        if self._timer is not None:
            self._timer.cancel()
        self._timers_on = False
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        while not self._inbox.empty():  # callers waiting on the mailbox hear why
            _, future = self._inbox.get_nowait()
            if not future.done():
                future.set_exception(GameMoved("this game is now run by another worker"))
        await self.hub.close_all(code, reason)
        self._idle.set()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a game timer failed", exc_info=task.exception())


__all__ = ["GameActor", "GameInfo", "GameMoved", "GameStopped"]
