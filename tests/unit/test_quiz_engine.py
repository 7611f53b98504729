"""The live-quiz state machine, driven directly with explicit times."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from quizkiosk.engine.players import JoinRefused
from quizkiosk.engine.quiz import (
    AnswerAccepted,
    AnsweredCount,
    CommandRefused,
    ConnectionChanged,
    Ended,
    Joined,
    LeaderboardShown,
    Left,
    Paused,
    Phase,
    QuestionClosed,
    QuestionOpened,
    Resumed,
    Returned,
    Started,
)

from tests.unit.engine_fixtures import (
    EVERY_TYPE,
    MULTI,
    ORDER,
    POLL,
    SINGLE,
    TYPED,
    new_game,
    right_answer,
    wrong_answer,
)


def joined_game(players: int = 3, **settings: object):  # type: ignore[no-untyped-def]
    game = new_game(**settings)
    for n in range(players):
        game.join(f"p{n}", f"Player {n}", None, None, now=0.0)
    return game


# ---- phases -------------------------------------------------------------------


def test_full_walk_through_every_phase() -> None:
    game = joined_game(2)
    assert game.phase == Phase.LOBBY
    events = game.start(now=10.0)
    assert isinstance(events[0], Started)
    assert isinstance(events[1], QuestionOpened) and events[1].deadline == 30.0
    assert game.phase == Phase.QUESTION
    for index in range(len(EVERY_TYPE)):
        assert game.question_index == index
        closed = game.close(now=11.0 + index)
        assert isinstance(closed[0], QuestionClosed)
        assert game.phase == Phase.REVEAL
        board = game.next(now=12.0 + index)
        assert isinstance(board[0], LeaderboardShown)
        last = index == len(EVERY_TYPE) - 1
        assert game.phase == (Phase.PODIUM if last else Phase.LEADERBOARD)
        assert board[0].final is last
        if not last:
            opened = game.next(now=13.0 + index)
            assert isinstance(opened[0], QuestionOpened)
    ended = game.next(now=100.0)
    assert isinstance(ended[0], Ended)
    assert game.phase == Phase.ENDED
    with pytest.raises(CommandRefused) as refused:
        game.next(now=101.0)
    assert refused.value.code == "game_ended"


def test_next_in_lobby_starts_and_next_during_a_question_closes_it() -> None:
    game = joined_game(1)
    game.next(now=0.0)
    assert game.phase == Phase.QUESTION
    game.next(now=1.0)
    assert game.phase == Phase.REVEAL


def test_question_closes_at_its_deadline_by_tick() -> None:
    game = joined_game(2)
    game.start(now=0.0)
    assert game.next_deadline == 20.0
    assert game.tick(now=19.99) == []
    events = game.tick(now=20.0)
    assert isinstance(events[0], QuestionClosed)
    assert game.next_deadline is None


def test_question_closes_early_only_when_everyone_in_the_game_has_answered() -> None:
    game = joined_game(3)
    game.start(now=0.0)
    game.answer("p0", 0, right_answer(game), received_at=1.0)
    game.answer("p1", 0, right_answer(game), received_at=2.0)
    assert game.phase == Phase.QUESTION  # p2 has not answered
    events = game.answer("p2", 0, right_answer(game), received_at=3.0)
    assert isinstance(events[-1], QuestionClosed)
    assert events[-1].reveal["closed_by"] == "everyone_answered"
    assert game.phase == Phase.REVEAL


def test_a_wifi_blip_is_not_an_answer() -> None:
    # The access point restarts: everyone who has not answered drops at once.
    game = joined_game(4)
    game.start(now=0.0)
    game.answer("p0", 0, right_answer(game), received_at=1.0)
    for player in ("p1", "p2", "p3"):
        assert game.set_connected(player, False, now=1.5) == [ConnectionChanged(player, False)]
    assert game.tick(now=2.0) == []
    assert game.phase == Phase.QUESTION
    # They come back before the deadline and can still answer.
    game.set_connected("p1", True, now=5.0)
    accepted = game.answer("p1", 0, wrong_answer(game), received_at=6.0)
    assert isinstance(accepted[0], AnswerAccepted)
    assert game.phase == Phase.QUESTION


def test_players_who_left_on_purpose_are_not_waited_for() -> None:
    game = joined_game(3)
    game.start(now=0.0)
    game.answer("p0", 0, right_answer(game), received_at=1.0)
    game.answer("p1", 0, right_answer(game), received_at=1.5)
    events = game.leave("p2", now=2.0)
    assert isinstance(events[0], Left) and not events[0].kicked
    assert isinstance(events[-1], QuestionClosed)  # the last unanswered player left
    assert game.present_count == 2
    assert "p2" in {s.player_id for s in game.standings()}  # results kept


def test_a_player_who_left_comes_back_with_their_token() -> None:
    game = joined_game(2)
    game.leave("p1", now=0.5)
    assert game.present_count == 1
    events = game.set_connected("p1", True, now=1.0)
    assert isinstance(events[0], Returned)
    assert game.present_count == 2
    game.start(now=2.0)
    game.answer("p0", 0, right_answer(game), received_at=3.0)
    assert game.phase == Phase.QUESTION  # p1 is waited for again


def test_start_only_from_the_lobby() -> None:
    game = joined_game(1)
    game.start(now=0.0)
    with pytest.raises(CommandRefused) as refused:
        game.start(now=1.0)
    assert refused.value.code == "wrong_phase"


def test_pause_freezes_the_countdown_and_resume_restores_it() -> None:
    game = joined_game(1)
    game.start(now=0.0)
    assert isinstance(game.pause(now=5.0)[0], Paused)
    assert game.next_deadline is None
    assert game.tick(now=100.0) == []
    assert game.remaining(now=100.0) == 15.0
    with pytest.raises(CommandRefused):
        game.pause(now=101.0)
    resumed = game.resume(now=200.0)
    assert isinstance(resumed[0], Resumed) and resumed[0].deadline == 215.0
    with pytest.raises(CommandRefused):
        game.resume(now=201.0)


def test_paused_time_does_not_count_against_response_time() -> None:
    game = joined_game(2, scoring="speed")
    game.start(now=0.0)
    game.pause(now=2.0)
    game.resume(now=12.0)
    events = game.answer("p0", 0, right_answer(game), received_at=14.0)
    accepted = events[0]
    assert isinstance(accepted, AnswerAccepted)
    assert accepted.answer.response_ms == 4000


def test_kicked_player_is_removed_and_cannot_rejoin() -> None:
    game = new_game(require_staff_id=True)
    game.join("p0", "Aziza", "S-1", None, now=0.0)
    events = game.kick("p0", now=1.0)
    assert events[0] == Left("p0", kicked=True)
    assert "p0" not in game.players
    for name, staff in (("Aziza", "S-2"), ("Other", "S-1")):
        with pytest.raises(JoinRefused) as refused:
            game.join("p9", name, staff, None, now=2.0)
        assert refused.value.code == "kicked"
    with pytest.raises(CommandRefused) as answer_refused:
        game.start(now=3.0)
        game.answer("p0", 0, 0, received_at=4.0)
    assert answer_refused.value.code == "kicked"


def test_locked_lobby_refuses_joins_until_unlocked() -> None:
    game = joined_game(1)
    game.set_locked(True)
    with pytest.raises(JoinRefused) as refused:
        game.join("p9", "Late", None, None, now=1.0)
    assert refused.value.code == "lobby_locked"
    game.set_locked(False)
    assert isinstance(game.join("p9", "Late", None, None, now=2.0)[0], Joined)


def test_end_during_a_question_closes_it_and_reports_standings() -> None:
    game = joined_game(2)
    game.start(now=0.0)
    game.answer("p1", 0, right_answer(game), received_at=1.0)
    events = game.end(now=2.0)
    assert isinstance(events[0], QuestionClosed)
    assert isinstance(events[1], Ended)
    assert events[1].standings[0].player_id == "p1"
    with pytest.raises(JoinRefused):
        game.join("p8", "After", None, None, now=3.0)


# ---- joining --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("  Aziza  ", "Aziza"),
        ("Dr\u0000 Karimov\n", "Dr Karimov"),
        ("a" * 24, "a" * 24),
        ("Oʻgʻiloy", "Oʻgʻiloy"),
    ],
)
def test_names_are_trimmed_and_control_characters_removed(name: str, cleaned: str) -> None:
    game = new_game()
    events = game.join("p", name, None, None, now=0.0)
    assert isinstance(events[0], Joined) and events[0].player.name == cleaned


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "name_required"), (" \t\n", "name_required"), ("a" * 25, "field_too_long")],
)
def test_bad_names_are_refused(name: str, code: str) -> None:
    with pytest.raises(JoinRefused) as refused:
        new_game().join("p", name, None, None, now=0.0)
    assert refused.value.code == code


def test_names_are_unique_case_insensitively_and_staff_ids_once_per_game() -> None:
    game = new_game()
    game.join("p1", "Aziza", "S-1", None, now=0.0)
    with pytest.raises(JoinRefused) as refused:
        game.join("p2", "AZIZA", None, None, now=0.0)
    assert refused.value.code == "name_taken"
    with pytest.raises(JoinRefused) as refused:
        game.join("p3", "Bobur", "s-1", None, now=0.0)
    assert refused.value.code == "staff_id_taken"


def test_staff_id_and_department_required_when_the_game_asks() -> None:
    game = new_game(require_staff_id=True, require_department=True)
    with pytest.raises(JoinRefused) as refused:
        game.join("p1", "Aziza", None, "Therapy", now=0.0)
    assert refused.value.code == "staff_id_required"
    with pytest.raises(JoinRefused) as refused:
        game.join("p1", "Aziza", "S-1", "  ", now=0.0)
    assert refused.value.code == "department_required"
    player = game.join("p1", "Aziza", "S-1", "Therapy", now=0.0)[0]
    assert isinstance(player, Joined) and player.player.department == "Therapy"


# ---- answers ----------------------------------------------------------------------


def test_answer_before_joining_to_a_closed_or_unknown_question_or_after_the_deadline() -> None:
    game = joined_game(2)
    with pytest.raises(CommandRefused) as refused:
        game.answer("p0", 0, 0, received_at=0.0)
    assert refused.value.code == "wrong_question"
    game.start(now=0.0)
    for player, question, at, code in (
        ("ghost", 0, 1.0, "not_joined"),
        ("p0", 5, 1.0, "wrong_question"),
        ("p0", 0, 20.5, "too_late"),
    ):
        with pytest.raises(CommandRefused) as refused:
            game.answer(player, question, right_answer(game), received_at=at)
        assert refused.value.code == code
    game.close(now=3.0)
    with pytest.raises(CommandRefused) as refused:
        game.answer("p1", 0, 0, received_at=4.0)
    assert refused.value.code == "question_closed"


def test_malformed_answer_is_refused_and_the_player_may_still_answer() -> None:
    game = joined_game(2)
    game.start(now=0.0)
    with pytest.raises(CommandRefused) as refused:
        game.answer("p0", 0, "not an option", received_at=1.0)
    assert refused.value.code == "invalid_answer"
    assert isinstance(game.answer("p0", 0, 0, received_at=2.0)[0], AnswerAccepted)


def test_a_second_answer_gets_the_first_ack_and_no_second_score() -> None:
    game = joined_game(2)
    game.start(now=0.0)
    first = game.answer("p0", 0, right_answer(game), received_at=1.0)[0]
    again = game.answer("p0", 0, wrong_answer(game), received_at=2.0)
    assert again == [AnswerAccepted(first.answer, repeat=True)]  # type: ignore[union-attr]
    assert game.players["p0"].score == first.answer.points  # type: ignore[union-attr]


def test_answered_count_goes_to_the_host_after_each_answer() -> None:
    game = joined_game(3)
    game.start(now=0.0)
    events = game.answer("p0", 0, 0, received_at=1.0)
    assert AnsweredCount(1, 3) in events


def test_response_time_counts_from_when_the_question_opened() -> None:
    game = joined_game(2)
    game.start(now=0.0)
    events = game.answer("p0", 0, right_answer(game), received_at=5.0)
    assert events[0].answer.response_ms == 5000  # type: ignore[union-attr]


def test_reconnecting_mid_question_does_not_restart_the_clock() -> None:
    # p1 was offline when the question opened and answers in the same packet as its
    # resume, 10 s in: it must not be scored as an instant answer.
    game = joined_game(2)
    game.set_connected("p1", False, now=-1.0)
    game.start(now=0.0)
    honest = game.answer("p0", 0, right_answer(game), received_at=10.0)[0]
    game.set_connected("p1", True, now=10.0)
    late = game.answer("p1", 0, right_answer(game), received_at=10.0)[0]
    assert isinstance(honest, AnswerAccepted) and isinstance(late, AnswerAccepted)
    assert late.answer.response_ms == honest.answer.response_ms == 10_000
    assert late.answer.points == honest.answer.points


def test_after_the_deadline_it_is_too_late_even_once_revealed() -> None:
    game = joined_game(2)
    game.start(now=0.0)
    deadline = game.next_deadline
    assert deadline is not None
    game.tick(now=deadline + 0.01)
    assert game.phase == Phase.REVEAL
    with pytest.raises(CommandRefused) as refused:
        game.answer("p0", 0, right_answer(game), received_at=deadline + 0.02)
    assert refused.value.code == "too_late"


def test_an_answer_after_an_early_close_is_question_closed() -> None:
    game = joined_game(2)
    game.start(now=0.0)
    game.close(now=1.0)
    with pytest.raises(CommandRefused) as refused:
        game.answer("p0", 0, right_answer(game), received_at=2.0)
    assert refused.value.code == "question_closed"


# ---- scoring in a game -----------------------------------------------------------------


def test_speed_preset_rewards_earlier_correct_answers() -> None:
    game = new_game([SINGLE], scoring="speed")
    for n in range(3):
        game.join(f"p{n}", f"P{n}", None, None, now=0.0)
    game.start(now=0.0)
    game.answer("p0", 0, right_answer(game), received_at=2.0)
    game.answer("p1", 0, right_answer(game), received_at=10.0)
    game.answer("p2", 0, wrong_answer(game), received_at=1.0)
    scores = {p.id: p.score for p in game.players.values()}
    assert scores == {"p0": 950, "p1": 750, "p2": 0}


def test_accuracy_preset_gives_full_points_and_time_breaks_ties() -> None:
    game = new_game([SINGLE, TYPED], scoring="accuracy")
    for n in range(3):
        game.join(f"p{n}", f"P{n}", None, None, now=0.0)
    game.start(now=0.0)
    game.answer("p0", 0, right_answer(game), received_at=9.0)
    game.answer("p1", 0, right_answer(game), received_at=3.0)
    game.answer("p2", 0, right_answer(game), received_at=3.0)
    standings = game.standings()
    assert [(s.player_id, s.score, s.rank) for s in standings] == [
        ("p1", 1000, 1),
        ("p2", 1000, 1),
        ("p0", 1000, 3),
    ]


def test_multiplier_and_partial_credit() -> None:
    game = new_game([MULTI], scoring="accuracy")
    game.join("p0", "P0", None, None, now=0.0)
    game.join("p1", "P1", None, None, now=0.0)
    game.start(now=0.0)
    right = right_answer(game)
    assert isinstance(right, list)
    game.answer("p0", 0, right, received_at=1.0)
    game.answer("p1", 0, right[:1], received_at=1.0)
    assert game.players["p0"].score == 2000  # points: 2
    assert game.players["p1"].score == 1000  # half the right options


def test_zero_multiplier_and_polls_never_score() -> None:
    zero = SINGLE.model_copy(update={"points": 0, "id": "zero"})
    game = new_game([zero, POLL], scoring="accuracy", streak_bonus=True)
    game.join("p0", "P0", None, None, now=0.0)
    game.start(now=0.0)
    game.answer("p0", 0, right_answer(game), received_at=1.0)
    game.next(now=2.0)
    game.next(now=3.0)
    accepted = game.answer("p0", 1, 1, received_at=4.0)[0]
    assert accepted.answer.correct is None and accepted.answer.points == 0  # type: ignore[union-attr]
    assert game.players["p0"].score == 0


def test_streak_bonus_grows_with_consecutive_correct_answers_and_resets() -> None:
    questions = [SINGLE.model_copy(update={"id": f"q{i}"}) for i in range(4)]
    game = new_game(questions, scoring="accuracy", streak_bonus=True)
    game.join("p0", "P0", None, None, now=0.0)
    game.join("p1", "P1", None, None, now=0.0)
    game.start(now=0.0)
    points = []
    for index, right in enumerate((True, True, False, True)):
        answer = right_answer(game) if right else wrong_answer(game)
        event = game.answer("p0", index, answer, received_at=index * 10 + 1.0)[0]
        points.append(event.answer.points)  # type: ignore[union-attr]
        game.close(now=index * 10 + 2.0)
        if index < 3:
            game.next(now=index * 10 + 3.0)
            game.next(now=index * 10 + 4.0)
    assert points == [1000, 1100, 0, 1000]


def test_an_unanswered_practice_question_neither_builds_nor_breaks_a_streak() -> None:
    # docs/scoring.md: a practice question (points: 0) answered right extends the
    # streak, answered wrong resets it, and left unanswered leaves it as it was;
    # an unanswered question worth points resets it.
    def q(n: int, points: int = 1):  # type: ignore[no-untyped-def]
        return SINGLE.model_copy(update={"id": f"q{n}", "points": points})

    questions = [q(0), q(1), q(2, points=0), q(3), q(4), q(5)]
    game = new_game(questions, scoring="accuracy", streak_bonus=True)
    game.join("p0", "P0", None, None, now=0.0)
    game.join("p1", "P1", None, None, now=0.0)
    game.start(now=0.0)
    streaks = []
    points = []
    results = []
    # right, right, (practice: no answer), right, (scored: no answer), right
    for index, answers in enumerate((True, True, False, True, False, True)):
        if answers:
            event = game.answer("p0", index, right_answer(game), received_at=index * 10 + 1.0)[0]
            points.append(event.answer.points)  # type: ignore[union-attr]
        closed = game.close(now=index * 10 + 2.0)[0]
        assert isinstance(closed, QuestionClosed)
        results.append(next(r for r in closed.results if r.player_id == "p0").correct)
        streaks.append(game.players["p0"].streak)
        if index < len(questions) - 1:
            game.next(now=index * 10 + 3.0)
            game.next(now=index * 10 + 4.0)
    assert streaks == [1, 2, 2, 3, 0, 1]
    assert points == [1000, 1100, 1200, 1000]
    # The results still count a practice question left unanswered as not right.
    assert results == [True, True, False, True, False, True]


# ---- no answer leaks early --------------------------------------------------------------


def _pre_reveal_payloads(game) -> list[str]:  # type: ignore[no-untyped-def]
    return [json.dumps(game.public_question(), ensure_ascii=False)]


@pytest.mark.parametrize("question", EVERY_TYPE, ids=lambda q: q.type)
@pytest.mark.parametrize("shuffle", [False, True])
def test_open_question_payload_never_contains_the_answer(question, shuffle: bool) -> None:  # type: ignore[no-untyped-def]
    game = new_game([question], shuffle_options=shuffle)
    game.join("p0", "P0", None, None, now=0.0)
    opened = game.start(now=0.0)[1]
    assert isinstance(opened, QuestionOpened)
    text = json.dumps(opened.payload, ensure_ascii=False)
    assert "correct" not in opened.payload and "accepted" not in opened.payload
    assert "because" not in text  # the explanation stays hidden until the reveal
    if question is TYPED:
        assert "E11.9" not in text
    if question is ORDER:
        shown = [c["en"] for c in opened.payload["choices"]]  # type: ignore[attr-defined]
        assert shown != [s.en for s in ORDER.steps]
    assert game.public_question() == opened.payload


@given(seed=st.integers(min_value=0, max_value=10_000))
@settings(max_examples=60, deadline=None)
def test_ordering_is_never_shown_in_the_right_order(seed: int) -> None:
    game = new_game([ORDER], seed=seed)
    game.join("p0", "P0", None, None, now=0.0)
    opened = game.start(now=0.0)[1]
    shown = [c["en"] for c in opened.payload["choices"]]  # type: ignore[union-attr, index]
    assert shown != [s.en for s in ORDER.steps]


def test_reveal_shows_the_right_answer_distribution_and_explanation() -> None:
    game = new_game([SINGLE], shuffle_options=True, seed=3)
    for n in range(3):
        game.join(f"p{n}", f"P{n}", None, None, now=0.0)
    game.start(now=0.0)
    right = right_answer(game)
    game.answer("p0", 0, right, received_at=1.0)
    game.answer("p1", 0, right, received_at=1.0)
    closed = game.answer("p2", 0, wrong_answer(game), received_at=1.0)[-1]
    assert isinstance(closed, QuestionClosed)
    assert closed.reveal["correct"] == [right]
    assert closed.reveal["distribution"][right] == 2  # type: ignore[index]
    assert closed.reveal["explanation"] == {
        "uz": "single because uz",
        "ru": "single because ru",
        "en": "single because en",
    }
    assert closed.reveal["correct_count"] == 2
    assert {r.player_id: r.correct for r in closed.results} == {"p0": True, "p1": True, "p2": False}


# ---- properties -----------------------------------------------------------------------

answer_plans = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=4),  # player
        st.booleans(),  # right or wrong
        st.floats(min_value=0.0, max_value=25.0),  # when
    ),
    max_size=30,
)


@given(
    plan=st.lists(answer_plans, min_size=len(EVERY_TYPE), max_size=len(EVERY_TYPE)),
    preset=st.sampled_from(["speed", "accuracy"]),
    streak=st.booleans(),
)
@settings(max_examples=80, deadline=None)
def test_scores_equal_the_sum_of_accepted_points_and_nothing_is_accepted_after_close(
    plan: list[list[tuple[int, bool, float]]], preset: str, streak: bool
) -> None:
    game = new_game(scoring=preset, streak_bonus=streak)
    for n in range(5):
        game.join(f"p{n}", f"P{n}", None, None, now=0.0)
    accepted: dict[tuple[str, int], int] = {}
    now = 0.0
    game.start(now=now)
    for index, answers in enumerate(plan):
        opened_at = now
        for player, right, offset in sorted(answers, key=lambda a: a[2]):
            at = opened_at + offset
            for event in game.tick(at):
                assert isinstance(event, QuestionClosed)
            value = right_answer(game) if right else wrong_answer(game)
            try:
                events = game.answer(f"p{player}", index, value, received_at=at)
            except CommandRefused as refused:
                assert refused.code in ("too_late", "question_closed")
                assert game.phase == Phase.REVEAL or at > opened_at + 20
                continue
            first = events[0]
            assert isinstance(first, AnswerAccepted)
            if first.repeat:  # the first ack again, even after the close
                assert accepted[(first.answer.player_id, index)] == first.answer.points
                continue
            assert at <= opened_at + 20
            accepted[(first.answer.player_id, index)] = first.answer.points
        now = opened_at + 30
        game.tick(now)
        game.next(now)
        if index < len(plan) - 1:
            game.next(now)
    for player in game.players.values():
        assert player.score == sum(p for (pid, _), p in accepted.items() if pid == player.id)


def test_scores_shown_while_a_question_is_open_leave_out_its_answers() -> None:
    # A phone that reconnects after answering must not learn from its score whether it
    # was right before the reveal.
    game = new_game([SINGLE, TYPED], scoring="accuracy")
    game.join("p0", "P0", None, None, now=0.0)
    game.join("p1", "P1", None, None, now=0.0)
    game.start(now=0.0)
    game.answer("p0", 0, right_answer(game), received_at=1.0)
    assert game.players["p0"].score == 1000
    public = {s.player_id: (s.score, s.rank) for s in game.public_standings()}
    assert public == {"p0": (0, 1), "p1": (0, 1)}
    game.answer("p1", 0, wrong_answer(game), received_at=2.0)  # closes it
    revealed = {s.player_id: s.score for s in game.public_standings()}
    assert revealed == {"p0": 1000, "p1": 0}


def test_nobody_can_be_kicked_out_of_final_standings() -> None:
    game = joined_game(2)
    game.start(now=0.0)
    game.end(now=1.0)
    with pytest.raises(CommandRefused) as refused:
        game.kick("p1", now=2.0)
    assert refused.value.code == "game_ended"
    assert {s.player_id for s in game.standings()} == {"p0", "p1"}
