"""The live quiz as a state machine: random command sequences through `QuizGame.handle`.

Hypothesis drives one game (every question type, shuffled options, a fixed seed)
with joins, connections, leaves, answers, host actions with and without a phase
guard, kicks, locks and a clock that only moves forward, and checks after every
command that:

1. a player's answer to a question is kept (`AnswerKept`) at most once;
2. every player's score is the sum of the points of their kept answers;
3. nothing right is visible before the reveal: while a question is open no
   `reveal` or `result` for it has gone out, and no message or screen carries
   its explanation or accepted typed answers (a question's secrets only ever
   appear in that question's own `reveal`);
4. a refused command (`CommandRefused`) changes nothing, and a command whose
   outcome says `changed=False` changes nothing but connection flags and keeps
   no fact;
5. replaying the recorded commands (`changed=True`) at their times on a fresh
   game gives the same state, screens and archive facts (checked in teardown);

and also that no answer is kept after its question's time was up (response time
at most the time limit, paused time excluded).
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from quizkiosk.banks.model import TypedAnswer
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
from quizkiosk.engine.game import AnswerKept, CommandRefused, Disconnect, Outcome
from quizkiosk.engine.players import JoinRefused
from quizkiosk.engine.quiz import QuizGame
from quizkiosk.protocol import AnswerAck, Json, QuestionShown, Result, Reveal, Send

from tests.unit.engine_fixtures import EVERY_TYPE, new_game, right_answer, wrong_answer

SEED = 20240611
GAME_SETTINGS: dict[str, object] = {"shuffle_options": True, "streak_bonus": True}

PHASES = ("lobby", "question", "reveal", "leaderboard", "podium", "ended")
# Every action, and one no quiz knows; `end` rarer, or most games would be over early.
HOST_ACTION = st.sampled_from(
    [
        "start",
        "next",
        "next",
        "next",
        "close",
        "pause",
        "pause",
        "resume",
        "resume",
        "end",
        "rewind",
    ]
)
# What a host may press just as the countdown runs out.
RACING_ACTION = st.sampled_from(["pause", "pause", "next", "close", "resume", "end"])
# Mostly unguarded, so that games move on; every guard (and a wrong one) now and then.
GUARDS = st.sampled_from([None, None, None, None, *PHASES])

NAMES = st.sampled_from(
    [
        "Ann",
        "ann",  # the same name, case-insensitive
        "  Ann\t ",  # trimmed
        "ＡＮＮ",  # NFKC: the same name again
        "An\x00n",  # control characters dropped: Ann
        "Bob",
        "Dilnoza",
        "Olim Karimov",
        "Olim   Karimov",  # inner whitespace collapses
        "",  # name_required
        " \x07 ",  # name_required after cleaning
        "x" * 25,  # field_too_long
    ]
)
STAFF_IDS = st.sampled_from([None, None, "", "T-1", "t-1", " T-1 ", "T-2", "y" * 65])
DEPARTMENTS = st.sampled_from([None, "Therapy", "d" * 65])

# Values no question type takes (checked: every one is invalid for all six types).
INVALID_VALUES = st.sampled_from([99, -1, None, "x" * 201, [], [0, 0], [9], {"a": 1}, 2.5])
# Anything a decoded `answer` may carry: right, wrong, partly right or invalid.
ANY_VALUE = st.one_of(
    st.integers(-1, 5),
    st.booleans(),
    st.sampled_from(["E11.9", " e11.9 ", "E11", ""]),
    st.text(max_size=4),
    st.lists(st.integers(-1, 4), max_size=5),
)
WHO = st.integers(0, 30)
QUESTION_OFFSET = st.sampled_from([0, 0, 0, 0, 1, -1, 2, 7])

QUESTION_KEYS = {
    "type",
    "index",
    "total",
    "kind",
    "text",
    "time_limit",
    "points",
    "image",
    "show_text_on_phones",
    "remaining_ms",
    "paused",
    "choices",
}


def make_game() -> QuizGame:
    return new_game(list(EVERY_TYPE), seed=SEED, **GAME_SETTINGS)


def secrets_of(game: QuizGame) -> dict[int, tuple[str, ...]]:
    """Per question index: texts that must not be seen before that question's reveal."""
    secrets: dict[int, tuple[str, ...]] = {}
    for played in game.plan:
        q = played.question
        words: list[str] = []
        if q.explanation is not None:
            words += [t for t in (q.explanation.uz, q.explanation.ru, q.explanation.en) if t]
        if isinstance(q, TypedAnswer):
            words += q.accepted
        secrets[played.index] = tuple(words)
    return secrets


def dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=repr)


def fingerprint(game: QuizGame) -> tuple[object, dict[str, bool]]:
    """The game's state: (everything but connection flags, connection flags)."""
    players = tuple(
        sorted(
            (
                p.id,
                p.name,
                p.staff_id,
                p.department,
                p.joined_at,
                p.order,
                p.score,
                p.streak,
                p.correct_count,
                p.correct_ms,
                p.left,
                tuple(sorted(p.answered)),
                p.token_hash,
            )
            for p in game.players.values()
        )
    )
    cur = game.current
    current = None
    if cur is not None:
        answers = tuple(
            sorted(
                (pid, repr(a.payload), repr(a.answer), a.points, a.correct, a.response_ms)
                for pid, a in cur.answers.items()
            )
        )
        current = (
            cur.played.index,
            cur.opened_at,
            cur.deadline,
            cur.remaining_when_paused,
            tuple(cur.pauses),
            cur.paused_at,
            cur.closed,
            cur.closed_by,
            answers,
            tuple(sorted(cur.waiting)),
        )
    core = (
        game.phase_name,
        game.locked,
        game.present_count,
        game.started_at,
        game.ended_at,
        players,
        tuple(sorted(game.kicked)),
        current,
        tuple(sorted(game.roster._names)),
        tuple(sorted(game.roster._staff_ids)),
        tuple(sorted(game.roster._banned_names)),
        tuple(sorted(game.roster._banned_staff_ids)),
        game.roster._join_order,
    )
    return core, {p.id: p.connected for p in game.players.values()}


def host_screen_without_connections(game: QuizGame, now: float) -> Json:
    """The projector's screen with `connected` flags blanked (blips are not recorded)."""
    screen = game.host_screen(now)
    player_list = screen.get("player_list")
    assert isinstance(player_list, list)
    screen["player_list"] = [{**entry, "connected": None} for entry in player_list]
    return screen


class QuizMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.game = make_game()
        self.secrets = secrets_of(self.game)
        self.now = 0.0
        self.ids: list[str] = []  # every player id a join was tried with
        self.recorded: list[tuple[Command, float]] = []
        self.facts: list[object] = []  # archive facts, in order
        self.kept: dict[tuple[str, int], AnswerKept] = {}
        self.points: Counter[str] = Counter()
        # Sends (with their JSON) since the last question opened.
        self.since_open: list[tuple[Send, str]] = []
        self.open_index: int | None = None
        self.last_refusal: CommandRefused | None = None

    # ---- helpers ---------------------------------------------------------------------

    def who(self, n: int) -> str:
        """Mostly a player in the game; sometimes anyone ever tried, or a stranger."""
        in_game = sorted(self.game.players)
        if in_game and n < 24:
            return in_game[n % len(in_game)]
        pool = [*self.ids, "ghost"]
        return pool[n % len(pool)]

    def secrets_in(self, text: str) -> set[int]:
        return {i for i, words in self.secrets.items() if any(w in text for w in words)}

    def run(self, command: Command) -> Outcome | None:
        """Hand the command to the game now; check refusals and `changed`."""
        before = fingerprint(self.game)
        self.last_refusal = None
        try:
            outcome = self.game.handle(command, self.now)
        except CommandRefused as refused:
            event(f"refused {command.KIND}: {refused.code}")
            self.last_refusal = refused
            after = fingerprint(self.game)
            assert after == before, f"refused {command!r} ({refused.code}) changed the game"
            return None
        event(f"{command.KIND} handled (changed={outcome.changed})")
        if outcome.changed:
            self.recorded.append((command, self.now))
        else:
            assert fingerprint(self.game)[0] == before[0], (
                f"{command!r} changed the game but is not recorded (changed=False)"
            )
            assert outcome.facts() == [], f"{command!r} kept facts but is not recorded"
        self.observe(outcome)
        return outcome

    def observe(self, outcome: Outcome) -> None:
        for output in outcome.outputs:
            if isinstance(output, Send):
                self.check_send(output)
                continue
            if isinstance(output, Disconnect):
                continue
            self.facts.append(output)
            if isinstance(output, AnswerKept):
                key = (output.player_id, output.question_index)
                assert key not in self.kept, f"a second AnswerKept for {key}: {output!r}"
                self.kept[key] = output
                self.points[output.player_id] += output.points
                limit_ms = self.game.plan[output.question_index].time_limit * 1000
                assert output.response_ms <= limit_ms, (
                    f"answer kept after the time was up: {output!r} (limit {limit_ms} ms)"
                )

    def check_send(self, send: Send) -> None:
        message = send.message
        wire = message.wire()
        if isinstance(message, QuestionShown):
            assert set(wire) <= QUESTION_KEYS, f"question carries {set(wire) - QUESTION_KEYS}"
            if message.index != self.open_index:
                self.open_index = message.index
                self.since_open = []
        if isinstance(message, AnswerAck):
            wire = {k: v for k, v in wire.items() if k != "value"}  # the player's own answer
        text = dumps(wire)
        allowed = {message.index} if isinstance(message, Reveal) else set()
        found = self.secrets_in(text)
        assert found <= allowed, f"secrets of questions {found - allowed} in {text}"
        self.since_open.append((send, text))

    def value_for(self, how: str, bad: object) -> object:
        if self.game.current is None or how == "invalid":
            return bad
        return right_answer(self.game) if how == "right" else wrong_answer(self.game)

    def submit(self, player_id: str, question: int, value: object, how: str = "") -> None:
        first = self.kept.get((player_id, question))
        outcome = self.run(SubmitAnswer(player_id, question, value))
        if outcome is None:
            return
        kept = [f for f in outcome.facts() if isinstance(f, AnswerKept)]
        acks = [s.message for s in outcome.sends() if isinstance(s.message, AnswerAck)]
        assert len(acks) == 1 and acks[0].question == question
        if first is not None:  # a repeat: the first answer's ack again, nothing kept
            assert kept == [] and not outcome.changed
            assert acks[0].value == first.payload
            return
        assert len(kept) == 1 and outcome.changed
        assert kept[0].payload == value and kept[0].received_at == self.now
        if how in ("right", "wrong") and self.game.plan[question].question.type != "poll":
            assert kept[0].correct is (how == "right"), (how, kept[0])

    # ---- players ---------------------------------------------------------------------

    @initialize(count=st.integers(0, 4), start=st.booleans())
    def lobby(self, count: int, start: bool) -> None:
        """Most games have a few players waiting; half of them are started at once."""
        for n in range(count):
            player_id = f"p{len(self.ids)}"
            self.ids.append(player_id)
            joined = self.run(JoinGame(player_id, f"Player {n}", None, None, f"hash-{player_id}"))
            assert joined is not None
        if start:
            assert self.run(HostAction("start")) is not None

    @rule(name=NAMES, staff_id=STAFF_IDS, department=DEPARTMENTS)
    def join(self, name: str, staff_id: str | None, department: str | None) -> None:
        player_id = f"p{len(self.ids)}"
        self.ids.append(player_id)
        outcome = self.run(JoinGame(player_id, name, staff_id, department, f"hash-{player_id}"))
        if outcome is None:
            assert isinstance(self.last_refusal, JoinRefused)
            assert player_id not in self.game.players
        else:
            assert outcome.changed and player_id in self.game.players

    @rule(who=WHO, connected=st.booleans())
    def set_connected(self, who: int, connected: bool) -> None:
        self.run(SetConnected(self.who(who), connected))

    @rule(who=WHO)
    def leave(self, who: int) -> None:
        self.run(LeaveGame(self.who(who)))

    # ---- answers ---------------------------------------------------------------------

    @rule(
        who=WHO,
        how=st.sampled_from(["right", "right", "wrong", "wrong", "invalid"]),
        offset=QUESTION_OFFSET,
        bad=INVALID_VALUES,
    )
    def answer(self, who: int, how: str, offset: int, bad: object) -> None:
        question = (self.game.question_index or 0) + offset  # the open one, or another
        value = self.value_for(how, bad)
        self.submit(self.who(who), question, value, how if offset == 0 else "")

    @rule(who=WHO, value=ANY_VALUE, offset=QUESTION_OFFSET)
    def answer_anything(self, who: int, value: object, offset: int) -> None:
        self.submit(self.who(who), (self.game.question_index or 0) + offset, value)

    @precondition(lambda self: self.game.phase_name == "question")
    @rule(right=st.lists(st.booleans(), min_size=1, max_size=12))
    def everyone_answers(self, right: list[bool]) -> None:
        """Every player in the game answers, in join order, until the question closes."""
        for n, player in enumerate(sorted(self.game.players.values(), key=lambda p: p.order)):
            if self.game.phase_name != "question" or player.left:
                continue
            how = "right" if right[n % len(right)] else "wrong"
            index = self.game.question_index
            assert index is not None
            self.submit(player.id, index, self.value_for(how, None), how)

    # ---- host ------------------------------------------------------------------------

    @rule(action=HOST_ACTION, phase=GUARDS)
    def host(self, action: str, phase: str | None) -> None:
        self.run(HostAction(action, phase))
        if phase is not None and self.last_refusal is None:
            event(f"guarded {action} in {phase} taken")

    @rule(times=st.integers(1, 4))
    def host_next_guarded(self, times: int) -> None:
        """`next` meant for the phase the game is in: never refused until the end."""
        for _ in range(times):
            if self.game.ended:
                return
            assert self.run(HostAction("next", self.game.phase_name)) is not None

    @rule(who=WHO, phase=GUARDS)
    def kick(self, who: int, phase: str | None) -> None:
        self.run(KickPlayer(self.who(who), phase))

    @rule(locked=st.booleans(), phase=GUARDS)
    def lock(self, locked: bool, phase: str | None) -> None:
        self.run(LockLobby(locked, phase))

    # ---- time ------------------------------------------------------------------------

    @rule(
        seconds=st.one_of(
            st.sampled_from([0.0, 0.25, 1.0, 5.0, 19.999, 20.0, 30.0]),
            st.floats(0.0, 40.0, allow_nan=False, allow_infinity=False),
        )
    )
    def advance_clock(self, seconds: float) -> None:
        self.now += seconds

    @precondition(
        lambda self: self.game.next_deadline is not None and self.game.next_deadline >= self.now
    )
    @rule()
    def clock_to_deadline(self) -> None:
        deadline = self.game.next_deadline
        assert deadline is not None
        self.now = deadline

    @precondition(lambda self: self.game.next_deadline is not None)
    @rule(late=st.sampled_from([0.0, 0.0, 0.001, 0.5, 7.0]))
    def tick_at_deadline(self, late: float) -> None:
        deadline = self.game.next_deadline
        index = self.game.question_index
        assert deadline is not None
        self.now = max(self.now, deadline + late)
        outcome = self.run(Tick())
        assert outcome is not None and outcome.changed
        assert self.game.phase_name == "reveal"
        reveals = [s.message for s in outcome.sends() if isinstance(s.message, Reveal)]
        assert len(reveals) == 1
        assert reveals[0].index == index and reveals[0].closed_by == "deadline"

    @precondition(lambda self: self.game.next_deadline is not None)
    @rule(
        action=RACING_ACTION, late=st.sampled_from([0.0, 0.001, 2.0]), who=WHO, later=st.booleans()
    )
    def host_races_the_tick(self, action: str, late: float, who: int, later: bool) -> None:
        """The deadline has come, but a host command (and an answer) are handled before
        its Tick."""
        deadline = self.game.next_deadline
        index = self.game.question_index
        assert deadline is not None and index is not None
        self.now = max(self.now, deadline + late)
        self.run(HostAction(action))
        if later:
            self.now += 0.5
        self.submit(self.who(who), index, self.value_for("right", None), "right")

    @rule()
    def tick_now(self) -> None:
        deadline = self.game.next_deadline
        due = deadline is not None and self.now >= deadline
        outcome = self.run(Tick())
        assert outcome is not None
        assert outcome.changed == due
        if not due:
            assert outcome.outputs == []

    # ---- invariants ------------------------------------------------------------------

    @invariant()
    def score_is_the_sum_of_kept_points(self) -> None:
        for player_id, player in self.game.players.items():
            assert player.score == self.points[player_id], (
                f"{player_id} has {player.score}, kept answers give {self.points[player_id]}"
            )

    @invariant()
    def nothing_sent_reveals_the_open_question(self) -> None:
        if self.game.phase_name != "question":
            return
        index = self.game.question_index
        assert index is not None and index == self.open_index
        for send, text in self.since_open:
            message = send.message
            assert not isinstance(message, Result), f"result while question {index} is open"
            assert not (isinstance(message, Reveal) and message.index == index), (
                f"reveal while question {index} is open"
            )
            assert index not in self.secrets_in(text), f"question {index}'s key in {text}"

    @invariant()
    def screens_hide_the_key(self) -> None:
        game = self.game
        phase = game.phase_name
        index = game.question_index
        allowed = {index} if phase == "reveal" and index is not None else set()
        screens: list[tuple[str, Json]] = [("host", game.host_screen(self.now))]
        # Ids that are not (or no longer) in the game all see what "ghost" sees.
        screens += [(pid, game.player_screen(pid, self.now)) for pid in [*game.players, "ghost"]]
        for who, screen in screens:
            question = screen.get("question")
            if isinstance(question, dict):
                assert set(question) <= QUESTION_KEYS, (who, question)
            shown = {k: v for k, v in screen.items() if k != "my_answer"}  # their own answer
            found = self.secrets_in(dumps(shown))
            assert found <= allowed, f"{who}'s screen in {phase} shows secrets of {found}"
            if phase == "question":
                assert "reveal" not in screen and "result" not in screen, (who, screen)
        if phase == "question":  # scores on screens leave out the open question's points
            assert index is not None
            for player_id, player in game.players.items():
                kept = self.kept.get((player_id, index))
                hidden = kept.points if kept is not None else 0
                screen = game.player_screen(player_id, self.now)
                assert screen["score"] == player.score - hidden, (player_id, screen)

    def teardown(self) -> None:
        if sys.exc_info()[1] is not None:
            return  # a step already failed: report that, not a replay of a broken run
        replay = make_game()
        facts: list[object] = []
        for command, at in self.recorded:
            outcome = replay.handle(command, at)  # a recorded command is never refused
            assert outcome.changed, f"{command!r} at {at} did nothing on replay"
            facts += outcome.facts()
        assert fingerprint(replay)[0] == fingerprint(self.game)[0]
        assert facts == self.facts
        for player_id in [*self.ids, "ghost"]:
            assert dumps(replay.player_screen(player_id, self.now)) == dumps(
                self.game.player_screen(player_id, self.now)
            ), player_id
        assert dumps(host_screen_without_connections(replay, self.now)) == dumps(
            host_screen_without_connections(self.game, self.now)
        )
        event(f"replayed {len(self.recorded) // 10 * 10}+ commands, phase {replay.phase_name}")


TestQuizStateMachine = QuizMachine.TestCase
TestQuizStateMachine.settings = settings(max_examples=150, stateful_step_count=50, deadline=None)
