"""The case race: everyone works through the same patient cases at their own pace.

Pure, like the quiz: `handle(command, now)` applies a command and returns an
Outcome. The rules (docs/case-race.md):

- The host starts the race; every participant gets step 1 and moves on by answering
  each step right. A wrong answer shows that step's explanation and locks the step
  for the penalty; it must then be answered right, so every finisher has done every
  step right. Every attempt is kept.
- The race has one clock (time limit, pauses); a late joiner starts at step 1 with
  their own clock. When time is up, everyone stops where they are.
- Ranking: finishers by finishing time (penalties included), then the unfinished by
  steps completed, first-try accuracy, and the time of their last right step; equal
  on all of these share a rank (listed in join order).
- A kicked participant is taken off the track (ranking, histogram, teams); one who
  leaves on purpose (shared PC, "next person") keeps their place there with the steps
  done so far, as a quiz player who leaves keeps their score, and goes on from the
  same step if they come back with their token.
- Host-set teams are set in the lobby only.
- Nothing about a step — its key, its explanation — leaves before that participant
  has answered it; the projector gets the track (progress only), a few times a second.

Why one long module: it is the race's whole state machine, one `handle` and the
transitions it dispatches to, in the shape of `engine/quiz.py`. The data it works on
is in `race_model`, what it shows in `race_present`; splitting the transitions
further would scatter the rules above over files that each hold half a rule.
"""

from __future__ import annotations

import random

from quizkiosk.banks.model import Bank
from quizkiosk.engine import race_present
from quizkiosk.engine.answers import InvalidAnswer, check_answer
from quizkiosk.engine.commands import (
    Command,
    HostAction,
    JoinGame,
    KickPlayer,
    LeaveGame,
    LockLobby,
    SetConnected,
    SetTeam,
    SubmitAnswer,
    Tick,
)
from quizkiosk.engine.game import (
    PODIUM_SIZE,
    AttemptKept,
    CommandRefused,
    Disconnect,
    FinalStanding,
    GameFinished,
    GameStarted,
    Outcome,
    Output,
    ParticipantJoined,
)
from quizkiosk.engine.players import JoinRefused, Player, clean_display_text
from quizkiosk.engine.race_model import Placing, RacePhase, RaceStepPlan, Runner
from quizkiosk.engine.roster import Roster
from quizkiosk.engine.settings import RaceSettings
from quizkiosk.engine.views import (
    plan_question,
    texts,
    to_bank_answer,
)
from quizkiosk.protocol import (
    CLOSE_KICKED,
    EVERYONE,
    HOSTS,
    PLAYERS,
    AttemptResult,
    Kicked,
    Lobby,
    ModeSummary,
    OnePlayer,
    PausedMsg,
    PlayerJoined,
    PlayerLeft,
    PlayerStatus,
    RaceFinished,
    RaceOver,
    RaceRank,
    RaceScreen,
    RaceStep,
    RaceTrack,
    ResumedMsg,
    Send,
    TeamEntry,
)

TRACK_EVERY = 0.5  # seconds between track updates to the projector, at most
LOBBY_COUNT_EVERY = 1.0
MAX_TEAM_NAME = 40


class RaceGame:
    mode = "race"

    def __init__(self, bank: Bank, settings: RaceSettings, seed: int) -> None:
        self.settings = settings
        rng = random.Random(seed)
        cases = [bank.case(case_id) for case_id in settings.case_ids]
        steps: list[RaceStepPlan] = []
        for case_number, case in enumerate(cases, start=1):
            for step_number, question in enumerate(case.steps, start=1):
                index = len(steps)
                played = plan_question(
                    index, question, bank.time_for(question), settings.shuffle_options, rng
                )
                steps.append(RaceStepPlan(index, case_number, case, step_number, played))
        if not steps:
            raise ValueError("a race needs at least one step")
        self.steps = steps
        self.case_count = len(cases)
        self.roster = Roster(
            settings.require_staff_id,
            settings.require_department or settings.teams == "department",
        )
        self.phase = RacePhase.LOBBY
        self.locked = False
        self.runners: dict[str, Runner] = {}
        self.teams: dict[str, str] = {}  # player id -> team name
        self.started_at: float | None = None  # wall clock
        self.paused_at: float | None = None
        self.paused_total = 0.0
        self.ended_at: float | None = None
        self.wrong_first: dict[int, int] = {}  # step -> wrong first attempts
        self._track_due: float | None = None

    # ---- the clock ---------------------------------------------------------------

    def race_time(self, now: float) -> float:
        """Seconds of race clock: wall time since the start, less every pause."""
        if self.started_at is None:
            return 0.0
        until = self.paused_at if self.paused_at is not None else now
        if self.ended_at is not None:
            until = min(until, self.ended_at)
        return max(0.0, until - self.started_at - self.paused_total)

    def remaining(self, now: float) -> float:
        if self.started_at is None:
            return float(self.settings.time_limit)
        return max(0.0, self.settings.time_limit - self.race_time(now))

    @property
    def next_deadline(self) -> float | None:
        """Time up (unless paused), or the next track update, whichever comes first."""
        if self.phase != RacePhase.RACE or self.started_at is None:
            return None
        due: list[float] = []
        if self.paused_at is None:
            due.append(self.started_at + self.paused_total + self.settings.time_limit)
        if self._track_due is not None:
            due.append(self._track_due)
        return min(due) if due else None

    # ---- the Game interface ---------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self.phase == RacePhase.ENDED

    @property
    def phase_name(self) -> str:
        return self.phase.value

    @property
    def player_count(self) -> int:
        return self.roster.present_count

    def handle(self, command: Command, now: float) -> Outcome:
        if isinstance(command, SubmitAnswer):
            return self._answer(command, now)
        if isinstance(command, JoinGame):
            return self._join(command, now)
        if isinstance(command, SetConnected):
            return self._set_connected(command, now)
        if isinstance(command, LeaveGame):
            return self._leave(command.player_id, now)
        if isinstance(command, Tick):
            return self._tick(now)
        phase = getattr(command, "phase", None)
        if phase is not None and phase != self.phase.value:
            name = getattr(command, "action", command.KIND)
            raise CommandRefused(
                "wrong_phase", f"'{name}' was meant for {phase}, not {self.phase.value}"
            )
        if isinstance(command, KickPlayer):
            return self._kick(command.player_id, now)
        if isinstance(command, LockLobby):
            return self._lock(command.locked)
        if isinstance(command, SetTeam):
            return self._set_team(command, now)
        if isinstance(command, HostAction):
            return self._host(command.action, now)
        raise CommandRefused("unknown_type", f"a race does not take '{command.KIND}'")

    # ---- players ---------------------------------------------------------------------

    def _join(self, command: JoinGame, now: float) -> Outcome:
        if self.phase == RacePhase.ENDED:
            raise JoinRefused("game_ended", "this game has ended")
        if self.locked:
            raise JoinRefused("lobby_locked", "the host has locked this game")
        player = self.roster.add(
            command.player_id,
            command.name,
            command.staff_id,
            command.department,
            now,
            command.token_hash,
        )
        if self.settings.teams == "department" and player.department:
            self.teams[player.id] = player.department
        outputs: list[Output] = [
            ParticipantJoined(
                player.id, player.name, player.staff_id, player.department, player.joined_at
            ),
            *self._joined_messages(player),
        ]
        if self.phase == RacePhase.RACE:
            # A late joiner starts at step 1 with their own clock.
            self.runners[player.id] = Runner(player.id, started_at=self.race_time(now))
            self._track_changed(now)
        return Outcome(outputs, changed=True)

    def _joined_messages(self, player: Player) -> list[Output]:
        joined = PlayerJoined({"id": player.id, "name": player.name}, self.player_count)
        return [Send(HOSTS, joined), *self._lobby_count()]

    def _lobby_count(self) -> list[Output]:
        if self.phase != RacePhase.LOBBY:
            return []
        lobby = Lobby(self.locked, self.player_count)
        return [Send(PLAYERS, lobby, every=LOBBY_COUNT_EVERY)]

    def _set_connected(self, command: SetConnected, now: float) -> Outcome:
        changed, returned = self.roster.set_connected(command.player_id, command.connected)
        player = self.roster.players.get(command.player_id)
        if player is None:
            return Outcome()
        if returned:
            if self.phase == RacePhase.RACE and player.id not in self.runners:
                self.runners[player.id] = Runner(player.id, self.race_time(now))
            self._track_changed(now)
            return Outcome(self._joined_messages(player), changed=True)
        if changed:
            return Outcome([Send(HOSTS, PlayerStatus(player.id, command.connected))])
        return Outcome()

    def _leave(self, player_id: str, now: float) -> Outcome:
        if self.roster.leave(player_id) is None:
            return Outcome()
        self._track_changed(now)
        left = PlayerLeft(player_id, False, self.player_count)
        return Outcome([Send(HOSTS, left), *self._lobby_count()], changed=True)

    def _kick(self, player_id: str, now: float) -> Outcome:
        if self.phase == RacePhase.ENDED:
            raise CommandRefused("game_ended", "the game has ended")
        self.roster.kick(player_id)
        self.runners.pop(player_id, None)
        self.teams.pop(player_id, None)
        self._track_changed(now)
        return Outcome(
            [
                Send(HOSTS, PlayerLeft(player_id, True, self.player_count)),
                *self._lobby_count(),
                Send(OnePlayer(player_id), Kicked("the host removed you from this game")),
                Disconnect(player_id, CLOSE_KICKED, "removed by the host"),
            ],
            changed=True,
        )

    def _lock(self, locked: bool) -> Outcome:
        if self.phase == RacePhase.ENDED:
            raise CommandRefused("game_ended", "the game has ended")
        self.locked = locked
        return Outcome([Send(EVERYONE, Lobby(locked, self.player_count))], changed=True)

    def _set_team(self, command: SetTeam, now: float) -> Outcome:
        if self.settings.teams != "host":
            raise CommandRefused("no_teams", "this race does not have teams set by the host")
        if self.phase == RacePhase.ENDED:
            raise CommandRefused("game_ended", "the game has ended")
        if self.phase != RacePhase.LOBBY:
            raise CommandRefused("wrong_phase", "teams are set in the lobby, before the start")
        if command.player_id not in self.roster.players:
            raise CommandRefused("unknown_player", "no such player in this game")
        try:
            team = clean_display_text(command.team, MAX_TEAM_NAME)
        except JoinRefused as error:
            raise CommandRefused("invalid_team", error.message) from error
        if team:
            self.teams[command.player_id] = team
        else:
            self.teams.pop(command.player_id, None)
        self._track_changed(now)
        return Outcome([Send(HOSTS, self.track(now))], changed=True)

    # ---- host buttons ----------------------------------------------------------------

    def _host(self, action: str, now: float) -> Outcome:
        if action in ("start", "next") and self.phase == RacePhase.LOBBY:
            return self._start(now)
        if action == "end":
            if self.phase == RacePhase.ENDED:
                raise CommandRefused("game_ended", "the game has already ended")
            return self._finish(now)
        if action == "pause":
            if self.phase != RacePhase.RACE:
                raise CommandRefused("wrong_phase", f"cannot pause during {self.phase.value}")
            if self.paused_at is not None:
                raise CommandRefused("already_paused", "the race is already paused")
            self.paused_at = now
            remaining = round(self.remaining(now) * 1000)
            return Outcome([Send(EVERYONE, PausedMsg(remaining))], changed=True)
        if action == "resume":
            if self.phase != RacePhase.RACE or self.paused_at is None:
                raise CommandRefused("not_paused", "the race is not paused")
            self.paused_total += now - self.paused_at
            self.paused_at = None
            remaining = round(self.remaining(now) * 1000)
            return Outcome([Send(EVERYONE, ResumedMsg(remaining))], changed=True)
        raise CommandRefused("wrong_phase", f"cannot {action} during {self.phase.value}")

    def _start(self, now: float) -> Outcome:
        self.phase = RacePhase.RACE
        self.started_at = now
        for player in self.roster.present():
            self.runners[player.id] = Runner(player.id, started_at=0.0)
        self._track_due = None
        # Step 1 is the same for everyone: one frame for all phones.
        return Outcome(
            [
                GameStarted(now),
                Send(PLAYERS, self._step_message(self.steps[0], Runner("", 0.0), now)),
                Send(HOSTS, self.track(now)),
            ],
            changed=True,
        )

    def _finish(self, now: float) -> Outcome:
        if self.phase == RacePhase.RACE and self.paused_at is not None:
            self.paused_total += now - self.paused_at
            self.paused_at = None
        self.phase = RacePhase.ENDED
        self.ended_at = now
        self._track_due = None
        placings = self.placings(now)
        count = len(placings)
        outputs: list[Output] = [
            Send(
                EVERYONE,
                RaceOver(
                    [race_present.placing_json(p) for p in placings[:PODIUM_SIZE]],
                    count,
                    self.team_standings(now),
                ),
            ),
        ]
        for p in placings:
            rank = RaceRank(p.rank, count, p.finished, p.steps, p.time_ms, p.first_try)
            outputs.append(Send(OnePlayer(p.player_id), rank))
        outputs.append(
            GameFinished(
                now,
                tuple(FinalStanding(p.player_id, p.rank, p.steps, p.first_try) for p in placings),
            )
        )
        return Outcome(outputs, changed=True)

    def _tick(self, now: float) -> Outcome:
        if self.phase != RacePhase.RACE:
            return Outcome()
        if self.paused_at is None and self.remaining(now) <= 0:
            return self._finish(now)  # time is up: everyone stops where they are
        if self._track_due is not None and now >= self._track_due:
            self._track_due = None
            return Outcome([Send(HOSTS, self.track(now))])  # not recorded: shows only
        return Outcome()

    def _track_changed(self, now: float) -> None:
        if self.phase == RacePhase.RACE and self._track_due is None:
            self._track_due = now + TRACK_EVERY

    # ---- answers -----------------------------------------------------------------------

    def _answer(self, command: SubmitAnswer, now: float) -> Outcome:
        player_id, index = command.player_id, command.question
        if player_id not in self.roster.players:
            code = "kicked" if player_id in self.roster.kicked else "not_joined"
            raise CommandRefused(code, "join the game before answering")
        if self.phase == RacePhase.LOBBY:
            raise CommandRefused("wrong_phase", "the race has not started yet")
        if self.phase == RacePhase.ENDED:
            raise CommandRefused("too_late", "the race is over")
        if self.remaining(now) <= 0:
            raise CommandRefused("too_late", "time is up for this race")
        if self.paused_at is not None:
            raise CommandRefused("paused", "the host has paused the race")
        runner = self.runners.get(player_id)
        if runner is None:
            runner = self.runners[player_id] = Runner(player_id, self.race_time(now))
        if runner.finished_at is not None:
            raise CommandRefused("already_finished", "you have finished the race")
        if index != runner.step:
            raise CommandRefused(
                "wrong_question", f"that step is not yours to answer now (yours: {runner.step})"
            )
        clock = self.race_time(now)
        if clock < runner.locked_until:
            wait = round((runner.locked_until - clock) * 1000)
            raise CommandRefused(
                "step_locked",
                f"this step is locked for {wait} ms after a wrong answer",
                retry_after_ms=wait,
            )
        plan = self.steps[index]
        try:
            bank_value = to_bank_answer(plan.played, command.value)
            verdict = check_answer(plan.played.question, bank_value)
        except InvalidAnswer as error:
            raise CommandRefused("invalid_answer", str(error)) from error
        attempt = runner.attempts.get(index, 0) + 1
        runner.attempts[index] = attempt
        right = bool(verdict.correct)
        kept = AttemptKept(
            player_id=player_id,
            step_index=index,
            step_id=f"{plan.case.id}/{plan.played.question.id}",
            attempt=attempt,
            payload=command.value,
            answer=bank_value,
            received_at=now,
            race_ms=round((clock - runner.started_at) * 1000),
            correct=right,
        )
        explanation = plan.played.question.explanation
        penalty = 0 if right else self.settings.penalty
        outputs: list[Output] = [
            kept,
            Send(
                OnePlayer(player_id),
                AttemptResult(
                    index,
                    right,
                    attempt,
                    texts(explanation) if explanation else None,
                    penalty * 1000,
                ),
            ),
        ]
        if right:
            if attempt == 1:
                runner.first_try += 1
            runner.step += 1
            runner.last_correct_at = clock
            if runner.step == len(self.steps):
                runner.finished_at = clock
                outputs.append(Send(OnePlayer(player_id), self._finished_message(runner, now)))
            else:
                outputs.append(
                    Send(
                        OnePlayer(player_id),
                        self._step_message(self.steps[runner.step], runner, now),
                    )
                )
        else:
            runner.locked_until = clock + penalty
            if attempt == 1:
                self.wrong_first[index] = self.wrong_first.get(index, 0) + 1
        self._track_changed(now)
        return Outcome(outputs, changed=True)

    # ---- what people see (quizkiosk.engine.race_present) ---------------------------------

    def placings(self, now: float) -> list[Placing]:
        return race_present.placings(self, now)

    def team_standings(self, now: float) -> list[TeamEntry]:
        return race_present.team_standings(self, now)

    def track(self, now: float) -> RaceTrack:
        return race_present.track(self, now)

    def summary(self) -> ModeSummary:
        return race_present.summary(self)

    def player_screen(self, player_id: str, now: float) -> RaceScreen:
        return race_present.player_screen(self, player_id, now)

    def host_screen(self, now: float) -> RaceScreen:
        return race_present.host_screen(self, now)

    def _step_message(self, plan: RaceStepPlan, runner: Runner, now: float) -> RaceStep:
        return race_present.step_message(self, plan, runner, now)

    def _finished_message(self, runner: Runner, now: float) -> RaceFinished:
        return race_present.finished_message(self, runner, now)

    def open_question_for(self, player_id: str, now: float) -> RaceStep | None:
        runner = self.runners.get(player_id)
        if self.phase != RacePhase.RACE or runner is None or runner.finished_at is not None:
            return None
        return self._step_message(self.steps[runner.step], runner, now)

    def player_token_hashes(self) -> dict[str, str]:
        return self.roster.token_hashes()

    def player_name(self, player_id: str) -> str | None:
        player = self.roster.players.get(player_id)
        return player.name if player else None

    def was_kicked(self, player_id: str) -> bool:
        return player_id in self.roster.kicked

    def forget_connections(self) -> None:
        for player in self.roster.players.values():
            player.connected = False
