"""The live-quiz state machine: pure, no I/O, no clock but the `now` it is given.

`handle(command, now)` is the one entry point the live layer uses: it applies a
command (quizkiosk.engine.commands) and returns an Outcome of typed messages and
archive facts (built by quizkiosk.engine.quiz_present). The methods it calls (join,
answer, host commands, tick) return the internal events of
quizkiosk.engine.quiz_events; unit tests drive them directly too.

Why one long module: the quiz's rules live in one state machine whose phases share
the open question, the players and the cached rankings; split apart, every rule would
need a second file open to be read. Its events, messages and screens are already
elsewhere (quiz_events, quiz_present), as are question types and scoring.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from quizkiosk.banks.model import AnyQuestion
from quizkiosk.engine.answers import InvalidAnswer, check_answer
from quizkiosk.engine.commands import (
    Command,
    HostAction,
    JoinGame,
    KickPlayer,
    LeaveGame,
    LockLobby,
    SetConnected,
    SubmitAnswer,
    Tick,
)
from quizkiosk.engine.game import PODIUM_SIZE, CommandRefused, Outcome
from quizkiosk.engine.players import (
    JoinRefused,
    Standing,
    rank_players,
)
from quizkiosk.engine.questions import type_of
from quizkiosk.engine.quiz_events import (
    LEADERBOARD_SIZE,
    AcceptedAnswer,
    AnswerAccepted,
    AnsweredCount,
    ConnectionChanged,
    Ended,
    Event,
    Joined,
    LeaderboardShown,
    Left,
    LobbyChanged,
    Paused,
    Phase,
    PlayerResult,
    QuestionClosed,
    QuestionOpened,
    Resumed,
    Returned,
    Started,
)
from quizkiosk.engine.quiz_present import (
    host_screen,
    player_screen,
    present,
    question_message,
    summary,
)
from quizkiosk.engine.roster import Roster
from quizkiosk.engine.scoring import award
from quizkiosk.engine.settings import GameSettings
from quizkiosk.engine.views import (
    PlayedQuestion,
    plan_question,
    public_question,
    reveal_payload,
    to_bank_answer,
)
from quizkiosk.protocol import ModeSummary, QuestionShown, QuizScreen

__all__ = [
    "AcceptedAnswer",
    "AnswerAccepted",
    "AnsweredCount",
    "CommandRefused",
    "ConnectionChanged",
    "Ended",
    "Event",
    "Joined",
    "LeaderboardShown",
    "Left",
    "LobbyChanged",
    "Paused",
    "Phase",
    "PlayerResult",
    "QuestionClosed",
    "QuestionOpened",
    "QuizGame",
    "Resumed",
    "Returned",
    "Started",
]


@dataclass(slots=True)
class _OpenQuestion:
    played: PlayedQuestion
    opened_at: float
    deadline: float | None  # None while paused
    remaining_when_paused: float = 0.0
    pauses: list[tuple[float, float]] = field(default_factory=list)  # (start, end)
    paused_at: float | None = None
    answers: dict[str, AcceptedAnswer] = field(default_factory=dict)
    # Players in the game who have not answered yet, connected or not (a Wi-Fi blip
    # is not an answer): kept up to date so that the "everyone has answered" check
    # costs O(1) per answer, not O(players).
    waiting: set[str] = field(default_factory=set)
    closed: bool = False
    # Why it closed: "deadline", "everyone_answered" or "host".
    closed_by: str | None = None

    def paused_between(self, start: float, end: float) -> float:
        total = 0.0
        spans = [*self.pauses]
        if self.paused_at is not None:
            spans.append((self.paused_at, end))
        for pause_start, pause_end in spans:
            total += max(0.0, min(end, pause_end) - max(start, pause_start))
        return total


class QuizGame:
    def __init__(
        self,
        questions: list[tuple[AnyQuestion, int]],
        settings: GameSettings,
        seed: int,
    ) -> None:
        """`questions` pairs each question with its time limit in seconds."""
        if not questions:
            raise ValueError("a game needs at least one question")
        self.settings = settings
        rng = random.Random(seed)
        self.plan = [
            plan_question(i, q, settings.time_per_question or limit, settings.shuffle_options, rng)
            for i, (q, limit) in enumerate(questions)
        ]
        self.phase = Phase.LOBBY
        self.locked = False
        self.roster = Roster(settings.require_staff_id, settings.require_department)
        self.players = self.roster.players  # the same dict: who is in the game
        self.kicked = self.roster.kicked
        self.current: _OpenQuestion | None = None
        self.started_at: float | None = None
        self.ended_at: float | None = None
        # Cached rankings (see standings()): bumped when scores or players change.
        self._version = 0
        self._roster_version = 0
        self._standings: tuple[int, list[Standing]] | None = None
        self._public: tuple[tuple[int, int], list[Standing]] | None = None
        self._public_index: tuple[list[Standing], dict[str, Standing]] | None = None
        self._closed_event: tuple[tuple[int, int], QuestionClosed] | None = None

    # ---- queries ---------------------------------------------------------------

    @property
    def question_index(self) -> int | None:
        return self.current.played.index if self.current else None

    @property
    def next_deadline(self) -> float | None:
        """When the actor must call `tick` (the open question's deadline)."""
        if self.phase == Phase.QUESTION and self.current and not self.current.closed:
            return self.current.deadline
        return None

    @property
    def present_count(self) -> int:
        """Players in the game now (joined, not kicked, not left)."""
        return self.roster.present_count

    def standings(self) -> list[Standing]:
        """Everyone ranked now; computed once per change of scores or players, so a
        burst of resumes or a reveal costs one ranking, not one per player."""
        if self._standings is None or self._standings[0] != self._version:
            self._standings = (self._version, rank_players(list(self.players.values())))
        return self._standings[1]

    def public_standings(self) -> list[Standing]:
        """Standings as everybody may know them now.

        While a question is open, the points of answers already given are left out:
        a score that moved would tell a player whether their answer was right. That
        ranking changes only when players come or go (answers are left out of it), so
        it is kept until then.
        """
        current = self.current
        if self.phase != Phase.QUESTION or current is None or not current.answers:
            return self.standings()
        key = (self._roster_version, current.played.index)
        if self._public is None or self._public[0] != key:
            self._public = (key, self._standings_without(current))
        return self._public[1]

    def public_standing_of(self, player_id: str) -> Standing | None:
        """One player's public standing, without a scan of everyone."""
        standings = self.public_standings()
        if self._public_index is None or self._public_index[0] is not standings:
            self._public_index = (standings, {s.player_id: s for s in standings})
        return self._public_index[1].get(player_id)

    def _standings_without(self, current: _OpenQuestion) -> list[Standing]:
        before = []
        for player in self.players.values():
            given = current.answers.get(player.id)
            if given is None:
                before.append(player)
                continue
            right = bool(given.correct)
            before.append(
                replace(
                    player,
                    score=player.score - given.points,
                    correct_count=player.correct_count - right,
                    correct_ms=player.correct_ms - (given.response_ms if right else 0),
                )
            )
        return rank_players(before)

    def public_question(self) -> dict[str, object] | None:
        if self.current is None:
            return None
        return public_question(
            self.current.played, len(self.plan), self.settings.show_question_on_phones
        )

    def remaining(self, now: float) -> float | None:
        if self.current is None or self.current.closed:
            return None
        if self.current.deadline is None:
            return self.current.remaining_when_paused
        return max(0.0, self.current.deadline - now)

    def answer_of(self, player_id: str) -> AcceptedAnswer | None:
        if self.current is None:
            return None
        return self.current.answers.get(player_id)

    def last_reveal(self) -> QuestionClosed | None:
        """The reveal of the question just closed (kept, so each resume costs nothing)."""
        current = self.current
        if current is None or not current.closed:
            return None
        key = (self._version, current.played.index)
        if self._closed_event is None or self._closed_event[0] != key:
            self._closed_event = (key, self._close_event(current))
        return self._closed_event[1]

    # ---- players ---------------------------------------------------------------

    def join(
        self,
        player_id: str,
        name: str,
        staff_id: str | None,
        department: str | None,
        now: float,
        token_hash: str = "",
    ) -> list[Event]:
        if self.phase == Phase.ENDED:
            raise JoinRefused("game_ended", "this game has ended")
        if self.locked:
            raise JoinRefused("lobby_locked", "the host has locked this game")
        player = self.roster.add(player_id, name, staff_id, department, now, token_hash)
        self._players_changed()
        if self.current is not None and not self.current.closed:
            self.current.waiting.add(player_id)
        return [Joined(player)]

    def set_connected(self, player_id: str, connected: bool, now: float) -> list[Event]:
        """A player's connection came or went. Dropping off changes nothing in the game:
        the question stays open for them until it closes for everyone."""
        player = self.players.get(player_id)
        if player is None:
            return []
        changed, returned = self.roster.set_connected(player_id, connected)
        if returned:
            current = self.current
            if current is not None and not current.closed and player_id not in current.answers:
                current.waiting.add(player_id)
            return [Returned(player), self._count()]
        return [ConnectionChanged(player_id, connected)] if changed else []

    def leave(self, player_id: str, now: float) -> list[Event]:
        """The player left on purpose: they keep their results and are no longer waited for."""
        if self.roster.leave(player_id) is None:
            return []
        if self.current is not None:
            self.current.waiting.discard(player_id)
        events: list[Event] = [Left(player_id, kicked=False)]
        if self.phase == Phase.QUESTION:
            events.append(self._count())
        return events + self._maybe_close_when_all_answered(now)

    # ---- host commands --------------------------------------------------------

    def start(self, now: float) -> list[Event]:
        self._require(Phase.LOBBY, "start")
        self.started_at = now
        return [Started(now), *self._open(0, now)]

    def next(self, now: float) -> list[Event]:
        """The host's one "go on" button: it does what comes next in this phase."""
        if self.phase == Phase.LOBBY:
            return self.start(now)
        if self.phase == Phase.QUESTION:
            return self.close(now)
        if self.phase == Phase.REVEAL:
            last = self.current is not None and self.current.played.index == len(self.plan) - 1
            self.phase = Phase.PODIUM if last else Phase.LEADERBOARD
            return [self._board(final=last)]
        if self.phase == Phase.LEADERBOARD:
            assert self.current is not None
            return self._open(self.current.played.index + 1, now)
        if self.phase == Phase.PODIUM:
            return self.end(now)
        raise CommandRefused("game_ended", "the game has ended")

    def close(self, now: float) -> list[Event]:
        self._require(Phase.QUESTION, "close the question")
        assert self.current is not None
        return self._close(now, "host")

    def pause(self, now: float) -> list[Event]:
        self._require(Phase.QUESTION, "pause")
        current = self.current
        assert current is not None
        if current.deadline is None:
            raise CommandRefused("already_paused", "the countdown is already paused")
        if now >= current.deadline:
            # Time is up and the Tick that closes the question is due: pausing now would
            # take answers after the deadline (a paused question has none to be late for).
            raise CommandRefused("wrong_phase", "time is up for this question")
        current.remaining_when_paused = max(0.0, current.deadline - now)
        current.deadline = None
        current.paused_at = now
        return [Paused(current.remaining_when_paused)]

    def resume(self, now: float) -> list[Event]:
        self._require(Phase.QUESTION, "resume")
        current = self.current
        assert current is not None
        if current.deadline is not None or current.paused_at is None:
            raise CommandRefused("not_paused", "the countdown is not paused")
        current.pauses.append((current.paused_at, now))
        current.paused_at = None
        current.deadline = now + current.remaining_when_paused
        return [Resumed(current.deadline)]

    def kick(self, player_id: str, now: float) -> list[Event]:
        if self.phase == Phase.ENDED:
            # The final standings are written: nobody leaves them afterwards.
            raise CommandRefused("game_ended", "the game has ended")
        self.roster.kick(player_id)  # CommandRefused if unknown
        self._players_changed()
        if self.current is not None:
            self.current.waiting.discard(player_id)
        events: list[Event] = [Left(player_id, kicked=True)]
        if self.phase == Phase.QUESTION:
            events.append(self._count())
        return events + self._maybe_close_when_all_answered(now)

    def set_locked(self, locked: bool) -> list[Event]:
        if self.phase == Phase.ENDED:
            raise CommandRefused("game_ended", "the game has ended")
        self.locked = locked
        return [LobbyChanged(locked)]

    def end(self, now: float) -> list[Event]:
        if self.phase == Phase.ENDED:
            raise CommandRefused("game_ended", "the game has already ended")
        events: list[Event] = []
        if self.phase == Phase.QUESTION:
            events += self._close(now, "host")
        self.phase = Phase.ENDED
        self.ended_at = now
        return [*events, Ended(now, self.standings())]

    # ---- answers -------------------------------------------------------------

    def answer(
        self,
        player_id: str,
        question_index: int,
        value: object,
        received_at: float,
    ) -> list[Event]:
        """An answer the server received at `received_at`.

        Response time runs from when the question was opened (the moment it was
        sent to everyone), whatever the player's connection did since: a phone
        that reconnects mid-question does not get a fresh clock.
        """
        player = self.players.get(player_id)
        if player is None:
            code = "kicked" if player_id in self.kicked else "not_joined"
            raise CommandRefused(code, "join the game before answering")
        current = self.current
        if current is None or current.played.index != question_index:
            raise CommandRefused("wrong_question", "that question is not open")
        earlier = current.answers.get(player_id)
        if earlier is not None:
            return [AnswerAccepted(earlier, repeat=True)]
        # After the deadline it is "too late" whether or not the reveal has gone out yet;
        # "closed" is for a question closed before its deadline (host, everyone answered).
        if current.deadline is not None and received_at > current.deadline:
            raise CommandRefused("too_late", "time is up for this question")
        if current.closed or self.phase != Phase.QUESTION:
            raise CommandRefused("question_closed", "this question is closed")
        played = current.played
        try:
            bank_value = to_bank_answer(played, value)
            verdict = check_answer(played.question, bank_value)
        except InvalidAnswer as error:
            raise CommandRefused("invalid_answer", str(error)) from error
        shown = current.opened_at
        waited = received_at - shown - current.paused_between(shown, received_at)
        response_ms = max(0, round(waited * 1000))
        result = award(
            preset=self.settings.scoring,
            verdict=verdict,
            multiplier=played.question.points,
            response_ms=response_ms,
            time_limit_ms=played.time_limit * 1000,
            streak_before=player.streak,
            streak_bonus=self.settings.streak_bonus,
        )
        player.streak = result.streak
        player.score += result.points
        self._version += 1  # scores moved: the full ranking is out of date
        player.answered.add(question_index)
        if verdict.correct:
            player.correct_count += 1
            player.correct_ms += response_ms
        accepted = AcceptedAnswer(
            player_id=player_id,
            question_index=question_index,
            question_id=played.question.id,
            payload=value,
            answer=bank_value,
            received_at=received_at,
            response_ms=response_ms,
            correct=verdict.correct,
            points=result.points,
            score_after=player.score,
        )
        current.answers[player_id] = accepted
        current.waiting.discard(player_id)
        events: list[Event] = [AnswerAccepted(accepted, repeat=False), self._count()]
        return events + self._maybe_close_when_all_answered(received_at)

    def tick(self, now: float) -> list[Event]:
        """The clock: closes the open question once its deadline has passed."""
        deadline = self.next_deadline
        if deadline is not None and now >= deadline:
            return self._close(now, "deadline")
        return []

    # ---- the Game interface --------------------------------------------------------

    mode = "quiz"

    def handle(self, command: Command, now: float) -> Outcome:
        """Apply one command (see quizkiosk.engine.commands); refusals change nothing."""
        events, changed = self._apply(command, now)
        return Outcome(present(self, events, now), changed)

    def _apply(self, command: Command, now: float) -> tuple[list[Event], bool]:
        if isinstance(command, SubmitAnswer):
            events = self.answer(command.player_id, command.question, command.value, now)
            repeat = bool(events) and isinstance(events[0], AnswerAccepted) and events[0].repeat
            return events, not repeat
        if isinstance(command, JoinGame):
            joined = self.join(
                command.player_id,
                command.name,
                command.staff_id,
                command.department,
                now,
                command.token_hash,
            )
            return joined, True
        if isinstance(command, SetConnected):
            events = self.set_connected(command.player_id, command.connected, now)
            # Only coming back after leaving changes the game; a plain blip is not kept.
            return events, any(isinstance(e, Returned) for e in events)
        if isinstance(command, LeaveGame):
            return self.leave(command.player_id, now), True
        if isinstance(command, Tick):
            events = self.tick(now)
            return events, bool(events)
        self._check_phase_guard(command)
        if isinstance(command, KickPlayer):
            return self.kick(command.player_id, now), True
        if isinstance(command, LockLobby):
            return self.set_locked(command.locked), True
        if isinstance(command, HostAction):
            actions = {
                "start": self.start,
                "next": self.next,
                "close": self.close,
                "pause": self.pause,
                "resume": self.resume,
                "end": self.end,
            }
            action = actions.get(command.action)
            if action is None:
                raise CommandRefused("unknown_type", f"unknown host action '{command.action}'")
            return action(now), True
        raise CommandRefused("unknown_type", f"a quiz does not take '{command.KIND}'")

    def _check_phase_guard(self, command: HostAction | KickPlayer | LockLobby | Command) -> None:
        phase = getattr(command, "phase", None)
        if phase is not None and phase != self.phase.value:
            name = getattr(command, "action", command.KIND)
            raise CommandRefused(
                "wrong_phase", f"'{name}' was meant for {phase}, not {self.phase.value}"
            )

    @property
    def ended(self) -> bool:
        return self.phase == Phase.ENDED

    @property
    def phase_name(self) -> str:
        return self.phase.value

    @property
    def player_count(self) -> int:
        return self.roster.present_count

    def summary(self) -> ModeSummary:
        return summary(self)

    def player_screen(self, player_id: str, now: float) -> QuizScreen:
        return player_screen(self, player_id, now)

    def host_screen(self, now: float) -> QuizScreen:
        return host_screen(self, now)

    def open_question_for(self, player_id: str, now: float) -> QuestionShown | None:
        if self.phase != Phase.QUESTION:
            return None
        return question_message(self, for_players=True, now=now)

    def player_token_hashes(self) -> dict[str, str]:
        return {p.id: p.token_hash for p in self.players.values() if p.token_hash}

    def player_name(self, player_id: str) -> str | None:
        player = self.players.get(player_id)
        return player.name if player else None

    def was_kicked(self, player_id: str) -> bool:
        return player_id in self.kicked

    def forget_connections(self) -> None:
        for player in self.players.values():
            player.connected = False

    # ---- internals -------------------------------------------------------------

    def _players_changed(self) -> None:
        self._version += 1
        self._roster_version += 1

    def _require(self, phase: Phase, action: str) -> None:
        if self.phase != phase:
            raise CommandRefused("wrong_phase", f"cannot {action} during {self.phase.value}")

    def _open(self, index: int, now: float) -> list[Event]:
        played = self.plan[index]
        deadline = now + played.time_limit
        waiting = {p.id for p in self.players.values() if not p.left}
        self.current = _OpenQuestion(played, opened_at=now, deadline=deadline, waiting=waiting)
        self.phase = Phase.QUESTION
        payload = self.public_question()
        assert payload is not None
        return [QuestionOpened(payload, deadline), self._count()]

    def _count(self) -> AnsweredCount:
        current = self.current
        answered = len(current.answers) if current else 0
        expected = answered + len(current.waiting) if current else self.roster.present_count
        return AnsweredCount(answered, expected)

    def _maybe_close_when_all_answered(self, now: float) -> list[Event]:
        current = self.current
        if self.phase != Phase.QUESTION or current is None or current.closed:
            return []
        if current.waiting or not current.answers:
            return []
        return self._close(now, "everyone_answered")

    def _close(self, now: float, reason: str) -> list[Event]:
        current = self.current
        assert current is not None
        current.closed = True
        current.closed_by = reason
        if current.paused_at is not None:
            current.pauses.append((current.paused_at, now))
            current.paused_at = None
        self.phase = Phase.REVEAL
        # No answer breaks the streak only on a question worth points: a practice
        # question (points 0) and a poll left unanswered leave it as it was
        # (docs/scoring.md). `scored` stays as it is: the results use it.
        question = current.played.question
        if question.scored and question.points > 0:
            for player in self.players.values():
                if player.id not in current.answers:
                    player.streak = 0
        return [self._close_event(current)]

    def _close_event(self, current: _OpenQuestion) -> QuestionClosed:
        played = current.played
        answers = current.answers
        distribution = _distribution(played, list(answers.values()))
        correct = sum(1 for a in answers.values() if a.correct)
        reveal = {
            **reveal_payload(played, distribution, len(answers), correct),
            "closed_by": current.closed_by,
        }
        scored = played.question.scored
        results = []
        for standing in self.standings():
            given = answers.get(standing.player_id)
            results.append(
                PlayerResult(
                    player_id=standing.player_id,
                    correct=given.correct if given else (False if scored else None),
                    points=given.points if given else 0,
                    score=standing.score,
                    rank=standing.rank,
                    answered=given is not None,
                )
            )
        return QuestionClosed(reveal, results)

    def _board(self, final: bool) -> LeaderboardShown:
        standings = self.standings()
        size = PODIUM_SIZE if final else LEADERBOARD_SIZE
        return LeaderboardShown(standings[:size], standings, final)


def _distribution(played: PlayedQuestion, answers: list[AcceptedAnswer]) -> list[int]:
    """Counts shown on the reveal chart (in display positions where the type has options)."""
    q = played.question
    return type_of(q).distribution(q, played.display_order, answers)
