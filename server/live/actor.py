"""The one owner of a live game: its engine state, its timers and its sockets.

Commands arrive through `call`, run one at a time in the actor's own task, and
the engine's events are fanned out from here: each broadcast is encoded once,
answers are acknowledged only after the archive has committed them, and the
host's answered-count is throttled so no answer costs O(players).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from server.archive.records import (
    AnswerRecord,
    Archive,
    ParticipantRecord,
    StandingRecord,
)
from server.banks.model import Bank
from server.engine.players import Standing
from server.engine.quiz import (
    AcceptedAnswer,
    AnswerAccepted,
    AnsweredCount,
    Ended,
    Event,
    Joined,
    LeaderboardShown,
    Left,
    LobbyChanged,
    Paused,
    Phase,
    QuestionClosed,
    QuestionOpened,
    QuizGame,
    Resumed,
    Returned,
    Started,
)
from server.engine.views import texts
from server.live.connection import (
    CLOSE_ENDED,
    CLOSE_KICKED,
    CLOSE_REPLACED,
    CLOSE_RESTARTING,
    Connection,
)
from server.protocol import encode

log = logging.getLogger(__name__)
COUNT_INTERVAL = 0.25  # seconds between answered-count updates to the host
LOBBY_COUNT_INTERVAL = 1.0  # seconds between player-count updates to waiting phones
T = TypeVar("T")


class GameStopped(RuntimeError):
    """The game's actor has stopped (the game ended long ago, or the server is stopping)."""


@dataclass(slots=True)
class PlayerSession:
    player_id: str
    token: str
    connection: Connection | None = None


@dataclass(frozen=True, slots=True)
class GameInfo:
    game_id: str
    pin: str
    bank: Bank
    owner: str
    host_token: str
    created_at: float


class GameActor:
    def __init__(
        self,
        info: GameInfo,
        game: QuizGame,
        archive: Archive,
        on_ended: Callable[[GameActor], None] | None = None,
    ) -> None:
        self.info = info
        self.game = game
        self.archive = archive
        self._on_ended = on_ended
        self.sessions: dict[str, PlayerSession] = {}
        self.hosts: set[Connection] = set()
        self._inbox: asyncio.Queue[tuple[Callable[[], Any], asyncio.Future[Any]]] = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name=f"game-{info.game_id}")
        self._timer: asyncio.TimerHandle | None = None
        self._timer_deadline: float | None = None
        self._count_pending: AnsweredCount | None = None
        self._count_handle: asyncio.TimerHandle | None = None
        self._last_count_sent = 0.0
        self._lobby_count_handle: asyncio.TimerHandle | None = None
        self._durable: dict[tuple[str, int], asyncio.Future[None]] = {}
        self._background: set[asyncio.Task[None]] = set()

    # ---- the actor loop ----------------------------------------------------------

    async def call(self, command: Callable[[], T]) -> T:
        """Run `command` inside the actor, after every command posted before it."""
        if self._task.done():
            raise GameStopped("this game is no longer running")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await self._inbox.put((command, future))
        return await future

    async def _run(self) -> None:
        while True:
            command, future = await self._inbox.get()
            if future.cancelled():
                continue
            try:
                future.set_result(command())
            except Exception as error:  # the caller turns refusals into error messages
                future.set_exception(error)
            self._reschedule_timer()

    def connections(self) -> list[Connection]:
        players = [s.connection for s in self.sessions.values() if s.connection is not None]
        return [*players, *self.hosts]

    async def stop(self, restarting: bool = False) -> None:
        """Stop the actor. Whoever is still connected is told why, not left hanging:
        the game is over (4000), or the server is restarting and they should come back."""
        code, reason = (
            (CLOSE_RESTARTING, "the server is restarting; reconnect")
            if restarting
            else (CLOSE_ENDED, "the game is over")
        )
        await asyncio.gather(
            *(connection.shutdown(code, reason) for connection in self.connections()),
            return_exceptions=True,
        )
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        for handle in (self._timer, self._count_handle, self._lobby_count_handle):
            if handle is not None:
                handle.cancel()
        for task in list(self._background):
            with contextlib.suppress(Exception):
                await task

    def _reschedule_timer(self) -> None:
        deadline = self.game.next_deadline
        if deadline == self._timer_deadline:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._timer_deadline = deadline
        if deadline is not None:
            delay = max(0.0, deadline - time.time())
            self._timer = asyncio.get_running_loop().call_later(delay, self._on_deadline)

    def _on_deadline(self) -> None:
        self._timer = None
        self._timer_deadline = None
        self._spawn(self._tick())

    async def _tick(self) -> None:
        await self.call(lambda: self.dispatch(self.game.tick(time.time())))

    def _spawn(self, coroutine: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # ---- commands (run inside the actor) ------------------------------------------------

    def new_player_id(self) -> str:
        return secrets.token_urlsafe(6)

    def attach_player(self, session: PlayerSession, connection: Connection) -> None:
        old = session.connection
        if old is not None and old is not connection:
            old.close_soon(CLOSE_REPLACED, "this player connected from another tab or device")
        session.connection = connection
        self._player_status(session.player_id, connected=True)
        self.dispatch(self.game.set_connected(session.player_id, True, time.time()))

    def detach_player(self, session: PlayerSession, connection: Connection) -> None:
        if session.connection is connection:
            session.connection = None
            self._player_status(session.player_id, connected=False)
            self.dispatch(self.game.set_connected(session.player_id, False, time.time()))

    def _player_status(self, player_id: str, connected: bool) -> None:
        # The lobby marks phones that dropped off; one small frame to the host(s).
        player = self.game.players.get(player_id)
        if player is not None and player.connected != connected:
            self._to_hosts(
                {"type": "player_status", "player_id": player_id, "connected": connected}
            )

    def dispatch(self, events: list[Event]) -> list[Event]:
        """Fan out what the engine said happened; returns the events for the caller."""
        for event in events:
            self._dispatch_one(event)
        return events

    def _dispatch_one(self, event: Event) -> None:
        if isinstance(event, Joined):
            player = event.player
            self._spawn(
                self.archive.record_participant(
                    ParticipantRecord(
                        self.info.game_id,
                        player.id,
                        player.name,
                        player.staff_id,
                        player.department,
                        player.joined_at,
                    )
                )
            )
            self._player_joined(player.id, player.name)
        elif isinstance(event, Returned):
            self._player_joined(event.player.id, event.player.name)
        elif isinstance(event, Left):
            self._to_hosts(
                {
                    "type": "player_left",
                    "player_id": event.player_id,
                    "kicked": event.kicked,
                    "count": self.game.present_count,
                }
            )
            self._schedule_lobby_count()
            if event.kicked:
                session = self.sessions.pop(event.player_id, None)
                if session is not None and session.connection is not None:
                    session.connection.send(
                        encode({"type": "kicked", "message": "the host removed you from this game"})
                    )
                    session.connection.close_soon(CLOSE_KICKED, "removed by the host")
        elif isinstance(event, LobbyChanged):
            self._to_all(
                {"type": "lobby", "locked": event.locked, "players": self.game.present_count}
            )
        elif isinstance(event, Started):
            self._spawn(self.archive.record_start(self.info.game_id, event.at))
        elif isinstance(event, QuestionOpened):
            self._broadcast_question(event)
        elif isinstance(event, Paused):
            self._to_all({"type": "paused", "remaining_ms": round(event.remaining * 1000)})
        elif isinstance(event, Resumed):
            remaining = max(0.0, event.deadline - time.time())
            self._to_all({"type": "resumed", "remaining_ms": round(remaining * 1000)})
        elif isinstance(event, AnswerAccepted):
            self._acknowledge(event)
        elif isinstance(event, AnsweredCount):
            self._throttled_count(event)
        elif isinstance(event, QuestionClosed):
            index = int(str(event.reveal["index"]))
            pending = [f for (_, q), f in self._durable.items() if q == index and not f.done()]
            if pending:
                # Acks first, then the reveal: nobody sees the answer before their own
                # answer is safely recorded.
                self._spawn(self._reveal_after(pending, event))
            else:
                self._broadcast_reveal(event)
        elif isinstance(event, LeaderboardShown):
            self._broadcast_board(event)
        elif isinstance(event, Ended):
            self._finish(event)

    def _player_joined(self, player_id: str, name: str) -> None:
        self._to_hosts(
            {
                "type": "player_joined",
                "player": {"id": player_id, "name": name},
                "count": self.game.present_count,
            }
        )
        self._schedule_lobby_count()

    # ---- fan-out -----------------------------------------------------------------

    def _to_hosts(self, message: dict[str, object]) -> None:
        frame = encode(message)
        for connection in list(self.hosts):
            connection.send(frame)

    def _to_players(self, frame: str) -> None:
        for session in self.sessions.values():
            if session.connection is not None:
                session.connection.send(frame)

    def _to_all(self, message: dict[str, object]) -> None:
        frame = encode(message)
        self._to_players(frame)
        for connection in list(self.hosts):
            connection.send(frame)

    def _schedule_lobby_count(self) -> None:
        # Phones waiting in the lobby see the room fill up; one frame a second at most,
        # so a join wave of 300 phones is not 300 broadcasts.
        if self._lobby_count_handle is None and self.game.phase == Phase.LOBBY:
            self._lobby_count_handle = asyncio.get_running_loop().call_later(
                LOBBY_COUNT_INTERVAL, self._flush_lobby_count
            )

    def _flush_lobby_count(self) -> None:
        self._lobby_count_handle = None
        if self.game.phase == Phase.LOBBY:
            frame = encode(
                {"type": "lobby", "locked": self.game.locked, "players": self.game.present_count}
            )
            self._to_players(frame)

    def question_message(self, for_players: bool, now: float) -> dict[str, object] | None:
        payload = self.game.public_question()
        if payload is None:
            return None
        remaining = self.game.remaining(now)
        message: dict[str, object] = {
            "type": "question",
            **payload,
            "remaining_ms": round((remaining or 0.0) * 1000),
            "paused": self.game.current is not None and self.game.current.deadline is None,
        }
        if for_players and not payload["show_text_on_phones"]:
            # Phones show only the answer buttons; the projector shows the question.
            message["text"] = None
            choices = payload.get("choices")
            if isinstance(choices, list):
                message["choices"] = [None] * len(choices)
        return message

    def _broadcast_question(self, event: QuestionOpened) -> None:
        now = time.time()
        host_message = self.question_message(for_players=False, now=now)
        player_message = self.question_message(for_players=True, now=now)
        assert host_message is not None and player_message is not None
        self._to_hosts(host_message)
        self._to_players(encode(player_message))

    def _acknowledge(self, event: AnswerAccepted) -> None:
        answer = event.answer
        key = (answer.player_id, answer.question_index)
        durable = self._durable.get(key)
        if durable is None:
            durable = asyncio.ensure_future(self.archive.record_answer(self._record(answer)))
            self._durable[key] = durable
        self._spawn(self._ack_when_durable(answer, durable))

    def _record(self, answer: AcceptedAnswer) -> AnswerRecord:
        return AnswerRecord(
            game_id=self.info.game_id,
            player_id=answer.player_id,
            question_index=answer.question_index,
            question_id=answer.question_id,
            payload=answer.payload,
            received_at=answer.received_at,
            response_ms=answer.response_ms,
            correct=answer.correct,
            points=answer.points,
        )

    async def _ack_when_durable(
        self, answer: AcceptedAnswer, durable: asyncio.Future[None]
    ) -> None:
        session = self.sessions.get(answer.player_id)
        try:
            await asyncio.shield(durable)
        except Exception:
            log.exception("could not archive an answer")
            if session is not None and session.connection is not None:
                session.connection.send(
                    encode(
                        {
                            "type": "error",
                            "code": "not_saved",
                            "question": answer.question_index,
                            "message": "your answer could not be saved; please answer again",
                        }
                    )
                )
            return
        if session is not None and session.connection is not None:
            session.connection.send(encode(ack_message(answer)))

    def _throttled_count(self, event: AnsweredCount) -> None:
        self._count_pending = event
        if self._count_handle is not None:
            return
        delay = max(0.0, self._last_count_sent + COUNT_INTERVAL - time.time())
        self._count_handle = asyncio.get_running_loop().call_later(delay, self._flush_count)

    def _flush_count(self) -> None:
        self._count_handle = None
        event = self._count_pending
        if event is None:
            return
        self._count_pending = None
        self._last_count_sent = time.time()
        self._to_hosts({"type": "answered", "answered": event.answered, "expected": event.expected})

    async def _reveal_after(
        self, pending: list[asyncio.Future[None]], event: QuestionClosed
    ) -> None:
        await asyncio.gather(*pending, return_exceptions=True)
        await asyncio.sleep(0)  # let the ack tasks queue their frames first
        self._broadcast_reveal(event)

    def _broadcast_reveal(self, event: QuestionClosed) -> None:
        if self._count_handle is not None:
            self._count_handle.cancel()
            self._count_handle = None
            self._flush_count()
        self._to_all({"type": "reveal", **event.reveal})
        for result in event.results:
            session = self.sessions.get(result.player_id)
            if session is not None and session.connection is not None:
                session.connection.send(encode(result_message(result, len(event.results))))

    def _broadcast_board(self, event: LeaderboardShown) -> None:
        self._to_all(board_message(event.top, event.final, len(event.standings)))
        for standing in event.standings:
            session = self.sessions.get(standing.player_id)
            if session is not None and session.connection is not None:
                session.connection.send(encode(rank_message(standing, len(event.standings))))

    def _finish(self, event: Ended) -> None:
        top = event.standings[:3]
        self._to_all(
            {
                "type": "ended",
                "top": [standing_json(s) for s in top],
                "players": len(event.standings),
            }
        )
        for standing in event.standings:
            session = self.sessions.get(standing.player_id)
            if session is not None and session.connection is not None:
                session.connection.send(encode(rank_message(standing, len(event.standings))))
        records = [
            StandingRecord(s.player_id, s.rank, s.score, s.correct_count) for s in event.standings
        ]
        self._spawn(self._record_end(event.at, records))
        if self._on_ended is not None:
            self._on_ended(self)

    async def _record_end(self, at: float, records: list[StandingRecord]) -> None:
        # Answers still in flight are committed first, so the standings match them.
        pending = [f for f in self._durable.values() if not f.done()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        await self.archive.record_end(self.info.game_id, at, records)

    async def wait_idle(self) -> None:
        """Wait until every background write has finished (used at shutdown and in tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    # ---- screens for (re)connecting clients ---------------------------------------------

    def game_summary(self) -> dict[str, object]:
        bank = self.info.bank
        return {
            "id": self.info.game_id,
            "pin": self.info.pin,
            "title": texts(bank.title),
            "total": len(self.game.plan),
            "phase": self.game.phase.value,
            "locked": self.game.locked,
            "settings": self.game.settings.model_dump(),
        }

    def player_screen(self, player_id: str, now: float) -> dict[str, object]:
        game = self.game
        standings = game.public_standings()
        me = next((s for s in standings if s.player_id == player_id), None)
        screen: dict[str, object] = {
            "phase": game.phase.value,
            "score": me.score if me else 0,
            "rank": me.rank if me else None,
            "players": len(standings),
        }
        if game.phase == Phase.QUESTION and player_id:
            screen["question"] = self.question_message(for_players=True, now=now)
            given = game.answer_of(player_id)
            screen["my_answer"] = given.payload if given else None
        elif game.phase == Phase.REVEAL:
            closed = game.last_reveal()
            if closed is not None:
                screen["reveal"] = {"type": "reveal", **closed.reveal}
                mine = next((r for r in closed.results if r.player_id == player_id), None)
                if mine is not None:
                    screen["result"] = result_message(mine, len(closed.results))
        elif game.phase in (Phase.LEADERBOARD, Phase.PODIUM, Phase.ENDED):
            final = game.phase != Phase.LEADERBOARD
            screen["board"] = board_message(standings[: 3 if final else 10], final, len(standings))
        return screen

    def host_screen(self, now: float) -> dict[str, object]:
        screen = self.player_screen("", now)
        if self.game.phase in (Phase.QUESTION, Phase.REVEAL):
            # The projector shows the question's texts under the reveal, too.
            screen["question"] = self.question_message(for_players=False, now=now)
            current = self.game.current
            if current is not None:
                screen["answered"] = {
                    "answered": len(current.answers),
                    "expected": len(current.answers) + len(current.waiting),
                }
        screen["player_list"] = [
            {"id": p.id, "name": p.name, "connected": p.connected}
            for p in sorted(self.game.players.values(), key=lambda p: p.order)
        ]
        return screen


# ---- message shapes (documented in docs/protocol.md) -------------------------------------


def ack_message(answer: AcceptedAnswer) -> dict[str, object]:
    # Says only that the answer is safely recorded: right or wrong waits for the reveal.
    return {"type": "answer_ack", "question": answer.question_index, "value": answer.payload}


def result_message(result: Any, players: int) -> dict[str, object]:
    return {
        "type": "result",
        "players": players,
        "correct": result.correct,
        "answered": result.answered,
        "points": result.points,
        "score": result.score,
        "rank": result.rank,
    }


def standing_json(standing: Standing) -> dict[str, object]:
    return {
        "rank": standing.rank,
        "name": standing.name,
        "score": standing.score,
        "id": standing.player_id,
    }


def board_message(top: list[Standing], final: bool, players: int) -> dict[str, object]:
    return {
        "type": "podium" if final else "leaderboard",
        "top": [standing_json(s) for s in top],
        "players": players,
    }


def rank_message(standing: Standing, players: int) -> dict[str, object]:
    return {
        "type": "rank",
        "rank": standing.rank,
        "score": standing.score,
        "players": players,
        "correct_count": standing.correct_count,
    }


__all__ = ["CLOSE_ENDED", "GameActor", "GameInfo", "PlayerSession"]
