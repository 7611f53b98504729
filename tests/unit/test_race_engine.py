"""The case race engine: advancing, penalties and retries, ranking, teams, late joiners,
pauses, time up — and that nobody skips a step or sees a key before answering it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from quizkiosk.banks.loader import load_banks
from quizkiosk.engine.commands import (
    HostAction,
    JoinGame,
    KickPlayer,
    LeaveGame,
    SetConnected,
    SetTeam,
    SubmitAnswer,
    Tick,
)
from quizkiosk.engine.game import AttemptKept, CommandRefused, GameFinished, Outcome
from quizkiosk.engine.race import RaceGame
from quizkiosk.engine.settings import RaceSettings
from quizkiosk.engine.views import correct_display_answer
from quizkiosk.protocol import (
    AttemptResult,
    OnePlayer,
    RaceFinished,
    RaceOver,
    RaceStep,
    RaceTrack,
    Send,
)

BANK = load_banks([Path(__file__).parents[1] / "fixtures" / "race_bank.yaml"]).banks["race-fixture"]
STEPS = 8


def race(**options: object) -> RaceGame:
    values: dict[str, object] = {"case_ids": ["first", "second"], "penalty": 10, **options}
    return RaceGame(BANK, RaceSettings.model_validate(values), seed=3)


def join(game: RaceGame, *names: str, at: float = 0.0, department: str | None = None) -> None:
    for name in names:
        game.handle(JoinGame(name, name.title(), None, department, f"hash-{name}"), at)


def right(game: RaceGame, index: int) -> object:
    key = correct_display_answer(game.steps[index].played)
    kind = game.steps[index].played.question.type
    if kind == "single":
        assert isinstance(key, list)
        return key[0]
    if kind == "typed":
        assert isinstance(key, list)
        return key[0]
    return key


def wrong(game: RaceGame, index: int) -> object:
    kind = game.steps[index].played.question.type
    key = right(game, index)
    if kind == "single":
        assert isinstance(key, int)
        return (key + 1) % len(game.steps[index].played.display_order)
    if kind == "truefalse":
        return not key
    if kind == "typed":
        return "X00"
    if kind == "order":
        assert isinstance(key, list)
        return list(reversed(key))
    assert isinstance(key, list)
    return [p for p in range(4) if p not in key][:1]


def answer(game: RaceGame, player: str, value: object, at: float) -> Outcome:
    runner = game.runners[player]
    return game.handle(SubmitAnswer(player, runner.step, value), at)


def run_through(game: RaceGame, player: str, start: float, every: float = 1.0) -> float:
    at = start
    while game.runners[player].finished_at is None:
        answer(game, player, right(game, game.runners[player].step), at)
        at += every
    return at


def sends(outcome: Outcome, kind: type) -> list[object]:
    return [
        o.message for o in outcome.outputs if isinstance(o, Send) and isinstance(o.message, kind)
    ]


def test_everyone_gets_step_one_at_the_start_and_a_right_answer_advances() -> None:
    game = race()
    join(game, "ann", "bob")
    started = game.handle(HostAction("start"), 100.0)
    first = sends(started, RaceStep)
    assert len(first) == 1 and first[0].index == 0  # one frame for every phone
    outcome = answer(game, "ann", right(game, 0), 105.0)
    result = sends(outcome, AttemptResult)[0]
    assert result.correct and result.penalty_ms == 0 and result.explanation is not None
    assert sends(outcome, RaceStep)[0].index == 1
    assert game.runners["ann"].step == 1 and game.runners["bob"].step == 0


def test_a_wrong_answer_explains_locks_for_the_penalty_and_must_be_put_right() -> None:
    game = race(penalty=10)
    join(game, "ann")
    game.handle(HostAction("start"), 0.0)
    outcome = answer(game, "ann", wrong(game, 0), 2.0)
    result = sends(outcome, AttemptResult)[0]
    assert not result.correct and result.penalty_ms == 10_000
    assert result.explanation == {
        "uz": "RACE-SECRET-1",
        "ru": "RACE-SECRET-1",
        "en": "RACE-SECRET-1",
    }
    assert sends(outcome, RaceStep) == []  # still on step 1
    with pytest.raises(CommandRefused) as locked:
        answer(game, "ann", right(game, 0), 11.0)
    assert locked.value.code == "step_locked"
    assert answer(game, "ann", right(game, 0), 12.0).changed
    attempts = game.runners["ann"].attempts
    assert attempts == {0: 2} and game.runners["ann"].first_try == 0


def test_no_penalty_means_an_immediate_retry() -> None:
    game = race(penalty=0)
    join(game, "ann")
    game.handle(HostAction("start"), 0.0)
    answer(game, "ann", wrong(game, 0), 1.0)
    assert answer(game, "ann", right(game, 0), 1.0).changed


def test_every_attempt_is_kept_with_its_step_and_number() -> None:
    game = race(penalty=0)
    join(game, "ann")
    game.handle(HostAction("start"), 0.0)
    kept = [
        o
        for value in (wrong(game, 0), wrong(game, 0), right(game, 0))
        for o in answer(game, "ann", value, 1.0).outputs
        if isinstance(o, AttemptKept)
    ]
    assert [(k.step_id, k.attempt, k.correct) for k in kept] == [
        ("first/s1", 1, False),
        ("first/s1", 2, False),
        ("first/s1", 3, True),
    ]


def test_answers_for_another_step_or_before_the_start_are_refused() -> None:
    game = race()
    join(game, "ann")
    with pytest.raises(CommandRefused) as early:
        game.handle(SubmitAnswer("ann", 0, 0), 1.0)
    assert early.value.code == "wrong_phase"
    game.handle(HostAction("start"), 2.0)
    with pytest.raises(CommandRefused) as skipping:
        game.handle(SubmitAnswer("ann", 3, 0), 3.0)
    assert skipping.value.code == "wrong_question"
    with pytest.raises(CommandRefused) as bad:
        game.handle(SubmitAnswer("ann", 0, 9), 3.0)
    assert bad.value.code == "invalid_answer"
    assert game.runners["ann"].attempts == {}  # a refusal changes nothing


def test_finishers_rank_by_time_then_the_rest_by_steps_accuracy_and_last_right_step() -> None:
    game = race(penalty=5)
    join(game, "ann", "bob", "cat", "dan", "eve")
    game.handle(HostAction("start"), 0.0)
    run_through(game, "bob", 1.0, every=2.0)  # finishes at 15 s of race time
    run_through(game, "ann", 1.0, every=1.0)  # finishes at 8 s: faster
    for n in range(3):  # cat: 3 steps, all first try
        answer(game, "cat", right(game, n), 20.0 + n)
    answer(game, "dan", wrong(game, 0), 20.0)  # dan: 3 steps, one miss
    for n in range(3):
        answer(game, "dan", right(game, n), 30.0 + n)
    placings = {p.player_id: p for p in game.placings(40.0)}
    assert [p.player_id for p in game.placings(40.0)] == ["ann", "bob", "cat", "dan", "eve"]
    assert placings["ann"].time_ms == 8_000 and placings["bob"].time_ms == 15_000
    assert placings["eve"].steps == 0 and placings["eve"].rank == 5


def test_unfinished_equal_in_steps_and_accuracy_rank_by_their_last_right_step() -> None:
    game = race()
    join(game, "ann", "bob")
    game.handle(HostAction("start"), 0.0)
    for n in range(2):
        answer(game, "ann", right(game, n), 10.0 + n)  # last right step at 11 s
        answer(game, "bob", right(game, n), 5.0 + n)  # at 6 s
    join(game, "cat", at=20.0)  # a late joiner: on their own clock, at 3 s
    for n in range(2):
        answer(game, "cat", right(game, n), 22.0 + n)
    placings = game.placings(30.0)
    assert [(p.player_id, p.rank) for p in placings] == [("cat", 1), ("bob", 2), ("ann", 3)]


def test_finishers_with_equal_times_share_a_rank_listed_in_join_order() -> None:
    game = race(penalty=0)
    join(game, "ann", "bob", "cat")
    game.handle(HostAction("start"), 0.0)
    answer(game, "ann", wrong(game, 0), 1.0)  # accuracy does not split finishers
    at = 1.0
    while game.runners["ann"].finished_at is None:
        for name in ("bob", "ann"):  # bob is always a moment earlier
            answer(game, name, right(game, game.runners[name].step), at)
        at += 1.0
    run_through(game, "cat", 1.5)
    placings = game.placings(20.0)
    assert [(p.player_id, p.rank, p.time_ms) for p in placings] == [
        ("ann", 1, 8_000),
        ("bob", 1, 8_000),
        ("cat", 3, 8_500),
    ]
    assert [f["id"] for f in game.track(20.0).finishers] == ["ann", "bob", "cat"]


def test_equal_progress_shares_a_rank_listed_in_join_order() -> None:
    game = race()
    join(game, "ann", "bob")
    game.handle(HostAction("start"), 0.0)
    answer(game, "bob", right(game, 0), 3.0)
    answer(game, "ann", right(game, 0), 3.0)
    placings = game.placings(4.0)
    assert [(p.player_id, p.rank) for p in placings] == [("ann", 1), ("bob", 1)]


def test_a_late_joiner_starts_at_step_one_with_their_own_clock() -> None:
    game = race()
    join(game, "ann")
    game.handle(HostAction("start"), 0.0)
    join(game, "zed", at=60.0)
    step = game.open_question_for("zed", 60.0)
    assert isinstance(step, RaceStep) and step.index == 0
    finished_at = run_through(game, "zed", 61.0, every=1.0)
    assert finished_at == 69.0
    assert game.placings(70.0)[0].time_ms == 8_000  # from their join, not the start


def test_pause_stops_the_clock_and_answers_and_stretches_penalties() -> None:
    game = race(time_limit=60, penalty=10)
    join(game, "ann")
    game.handle(HostAction("start"), 0.0)
    answer(game, "ann", wrong(game, 0), 5.0)  # locked until race time 15
    game.handle(HostAction("pause"), 10.0)
    game.handle(Tick(), 10.0)  # the track update that was due
    assert game.next_deadline is None  # no time up while paused
    with pytest.raises(CommandRefused) as paused:
        answer(game, "ann", right(game, 0), 20.0)
    assert paused.value.code == "paused"
    game.handle(HostAction("resume"), 110.0)  # 100 s of pause
    assert game.remaining(110.0) == pytest.approx(50.0)
    with pytest.raises(CommandRefused):
        answer(game, "ann", right(game, 0), 114.0)  # race time 14: still locked
    assert answer(game, "ann", right(game, 0), 115.5).changed
    game.handle(Tick(), 116.0)  # the track update
    assert game.next_deadline == pytest.approx(160.0)  # time up: 60 s of race clock


def test_time_up_stops_everyone_where_they_are() -> None:
    game = race(time_limit=60)
    join(game, "ann", "bob")
    game.handle(HostAction("start"), 0.0)
    answer(game, "ann", right(game, 0), 5.0)
    assert game.handle(Tick(), 59.0).changed is False
    over = game.handle(Tick(), 60.0)
    assert over.changed and game.ended
    final = sends(over, RaceOver)[0]
    assert [entry["id"] for entry in final.top] == ["ann", "bob"]
    finished = next(o for o in over.outputs if isinstance(o, GameFinished))
    assert [(s.player_id, s.rank, s.score) for s in finished.standings] == [
        ("ann", 1, 1),
        ("bob", 2, 0),
    ]
    with pytest.raises(CommandRefused) as late:
        game.handle(SubmitAnswer("bob", 0, right(game, 0)), 61.0)
    assert late.value.code == "too_late"


def test_teams_by_department_progress_by_mean_steps_and_finish_together() -> None:
    game = race(teams="department")
    join(game, "ann", "bob", department="Therapy")
    join(game, "cat", department="Surgery")
    game.handle(HostAction("start"), 0.0)
    run_through(game, "cat", 1.0)
    answer(game, "ann", right(game, 0), 2.0)
    teams = game.team_standings(20.0)
    assert [(t["name"], t["progress"], t["all_finished"]) for t in teams] == [
        ("Surgery", 8.0, True),
        ("Therapy", 0.5, False),
    ]


def test_when_time_is_up_every_team_counts_as_finished() -> None:
    game = race(teams="department", time_limit=60)
    join(game, "ann", department="Therapy")
    join(game, "bob", "cat", department="Surgery")
    game.handle(HostAction("start"), 0.0)
    run_through(game, "ann", 1.0)
    answer(game, "bob", right(game, 0), 10.0)
    running = game.team_standings(30.0)
    assert [(t["name"], t["finished"], t["all_finished"]) for t in running] == [
        ("Therapy", True, True),
        ("Surgery", False, False),
    ]
    over = sends(game.handle(Tick(), 60.0), RaceOver)[0]
    assert [(t["name"], t["progress"], t["finished"], t["all_finished"]) for t in over.teams] == [
        ("Therapy", 8.0, True, True),
        ("Surgery", 0.5, True, False),
    ]


def test_the_host_sets_teams_in_the_lobby_when_the_race_says_so() -> None:
    game = race(teams="host")
    join(game, "ann", "bob")
    game.handle(SetTeam("ann", "Red"), 1.0)
    game.handle(SetTeam("bob", "Blue"), 1.0)
    game.handle(HostAction("start"), 2.0)
    assert {t["name"] for t in game.team_standings(3.0)} == {"Red", "Blue"}
    plain = race()
    join(plain, "ann")
    with pytest.raises(CommandRefused) as refused:
        plain.handle(SetTeam("ann", "Red"), 1.0)
    assert refused.value.code == "no_teams"


def test_teams_are_set_only_in_the_lobby() -> None:
    game = race(teams="host")
    join(game, "ann", "bob")
    game.handle(SetTeam("ann", "Red"), 1.0)
    game.handle(HostAction("start"), 2.0)
    with pytest.raises(CommandRefused) as racing:
        game.handle(SetTeam("bob", "Red"), 3.0)
    assert racing.value.code == "wrong_phase"
    game.handle(HostAction("end"), 4.0)
    with pytest.raises(CommandRefused) as ended:
        game.handle(SetTeam("ann", "Blue"), 5.0)
    assert ended.value.code == "game_ended"
    assert game.teams == {"ann": "Red"}


def test_a_kicked_runner_is_taken_off_the_track_and_out_of_their_team() -> None:
    game = race(teams="host")
    join(game, "ann", "bob", "cat")
    game.handle(SetTeam("ann", "Red"), 0.5)
    game.handle(SetTeam("bob", "Red"), 0.5)
    game.handle(HostAction("start"), 1.0)
    answer(game, "bob", right(game, 0), 2.0)
    game.handle(KickPlayer("bob"), 3.0)
    track = game.track(4.0)
    assert [lane["id"] for lane in track.lanes] == ["ann", "cat"]
    assert track.participants == 2 and track.histogram[:2] == [2, 0]
    assert [(t["name"], t["members"]) for t in track.teams] == [("Red", 1)]
    assert game.player_count == 2


def test_a_runner_who_leaves_keeps_their_place_and_can_come_back() -> None:
    game = race(teams="host", penalty=0)
    join(game, "ann", "bob", "cat")
    for name, team in (("ann", "Red"), ("bob", "Blue"), ("cat", "Blue")):
        game.handle(SetTeam(name, team), 0.5)
    game.handle(HostAction("start"), 1.0)
    run_through(game, "ann", 2.0)  # finishes, then "next person" on the shared PC
    answer(game, "cat", right(game, 0), 2.0)
    game.handle(LeaveGame("ann"), 20.0)
    game.handle(LeaveGame("cat"), 20.0)
    assert game.player_count == 1  # in the game now: bob
    track = game.track(21.0)
    assert [lane["id"] for lane in track.lanes] == ["ann", "cat", "bob"]
    assert track.participants == 3 and track.histogram[1] == 1 and track.histogram[STEPS] == 1
    assert [(t["name"], t["members"], t["all_finished"]) for t in track.teams] == [
        ("Red", 1, True),
        ("Blue", 2, False),
    ]
    game.handle(SetConnected("cat", True), 22.0)  # comes back with the token
    assert game.player_count == 2
    assert answer(game, "cat", right(game, 1), 23.0).changed  # on the step they left at


def test_track_updates_are_batched_not_one_per_attempt() -> None:
    game = race()
    join(game, "ann", "bob")
    game.handle(HostAction("start"), 0.0)
    for at in (1.0, 1.1, 1.2):
        outcome = answer(game, "ann", right(game, game.runners["ann"].step), at)
        assert sends(outcome, RaceTrack) == []
    assert game.next_deadline == pytest.approx(1.5)
    update = game.handle(Tick(), 1.5)
    assert not update.changed  # shows only; nothing to record
    track = sends(update, RaceTrack)[0]
    assert track.histogram[:4] == [1, 0, 0, 1] and track.lanes[0]["id"] == "ann"


def test_the_hardest_step_is_the_one_most_often_wrong_first_time() -> None:
    game = race(penalty=0)
    join(game, "ann", "bob", "cat")
    game.handle(HostAction("start"), 0.0)
    for player in ("ann", "bob"):
        answer(game, player, wrong(game, 0), 1.0)
    answer(game, "cat", right(game, 0), 1.0)
    answer(game, "cat", wrong(game, 1), 2.0)
    hardest = game.track(3.0).hardest
    assert hardest is not None and hardest["index"] == 0 and hardest["wrong_first"] == 2


def test_finishing_tells_the_participant_their_time_rank_and_accuracy() -> None:
    game = race(penalty=0)
    join(game, "ann")
    game.handle(HostAction("start"), 0.0)
    answer(game, "ann", wrong(game, 0), 0.5)
    at = run_through(game, "ann", 1.0)
    assert at == 9.0
    last = game.player_screen("ann", 10.0)["finished"]
    assert last == RaceFinished(8_000, 1, 1, STEPS, 7, 0.875).wire()


# ---- properties -----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.booleans(), st.floats(0.1, 5.0)), max_size=80))
def test_nobody_skips_a_step_or_finishes_with_a_step_never_answered_right(
    moves: list[tuple[int, bool, float]],
) -> None:
    game = race(penalty=2)
    join(game, "p0", "p1", "p2")
    game.handle(HostAction("start"), 0.0)
    now = 0.0
    right_steps: dict[str, set[int]] = {f"p{n}": set() for n in range(3)}
    seen_before_answer: list[str] = []
    for who, correct, wait in moves:
        now += wait
        player = f"p{who}"
        runner = game.runners[player]
        if runner.finished_at is not None or game.ended:
            continue
        step = runner.step
        value = right(game, step) if correct else wrong(game, step)
        try:
            outcome = game.handle(SubmitAnswer(player, step, value), now)
        except CommandRefused as refused:
            assert refused.code in ("step_locked", "too_late")
            continue
        for out in outcome.outputs:
            if isinstance(out, Send) and isinstance(out.message, RaceStep):
                # A step sent to someone: its key and explanation are not in it.
                seen_before_answer.append(json.dumps(out.message.wire()))
            if isinstance(out, Send) and isinstance(out.to, OnePlayer):
                assert out.to.player_id == player  # progress goes only to its owner
        if correct:
            right_steps[player].add(step)
        assert game.runners[player].step == len(right_steps[player])  # never skipped
    for player, runner in game.runners.items():
        if runner.finished_at is not None:
            assert right_steps[player] == set(range(STEPS))
    assert not any("RACE-SECRET" in frame for frame in seen_before_answer)


def test_step_messages_and_screens_never_carry_the_key() -> None:
    game = race()
    join(game, "ann")
    game.handle(HostAction("start"), 0.0)
    frames = [json.dumps(game.player_screen("ann", 1.0)), json.dumps(game.host_screen(1.0))]
    for index in range(STEPS):
        frames.append(
            json.dumps(game._step_message(game.steps[index], game.runners["ann"], 1.0).wire())
        )
    assert not any("RACE-SECRET" in frame or "J20.9" in frame for frame in frames)


def test_replaying_the_recorded_commands_gives_the_same_race() -> None:
    game = race(penalty=3)
    recorded = []

    def apply(command: object, at: float) -> None:
        outcome = game.handle(command, at)  # type: ignore[arg-type]
        if outcome.changed:
            recorded.append((command, at))

    for name in ("ann", "bob"):
        apply(JoinGame(name, name, None, None, "h"), 0.0)
    apply(HostAction("start"), 1.0)
    apply(SubmitAnswer("ann", 0, wrong(game, 0)), 2.0)
    apply(SubmitAnswer("bob", 0, right(game, 0)), 2.5)
    apply(HostAction("pause"), 3.0)
    apply(HostAction("resume"), 8.0)
    apply(SubmitAnswer("ann", 0, right(game, 0)), 12.0)
    apply(Tick(), 12.5)
    again = race(penalty=3)
    for command, at in recorded:
        again.handle(command, at)  # type: ignore[arg-type]
    assert again.player_screen("ann", 20.0) == game.player_screen("ann", 20.0)
    assert again.host_screen(20.0) == game.host_screen(20.0)


def test_a_resume_after_a_wrong_try_brings_back_its_explanation_and_the_lock() -> None:
    game = race(penalty=10)
    join(game, "ann")
    game.handle(HostAction("start"), 0.0)
    before = game.open_question_for("ann", 1.0)
    assert before is not None and before.explanation is None  # not answered yet
    answer(game, "ann", wrong(game, 0), 2.0)
    after = game.open_question_for("ann", 5.0)
    assert after is not None and after.attempts == 1 and after.locked_ms == 7_000
    assert after.explanation == {
        "uz": "RACE-SECRET-1",
        "ru": "RACE-SECRET-1",
        "en": "RACE-SECRET-1",
    }
    assert after.remaining_ms == 895_000
    with pytest.raises(CommandRefused) as locked:
        answer(game, "ann", right(game, 0), 5.0)
    assert locked.value.extra == {"retry_after_ms": 7_000}
    assert game.track(5.0).phase == "race"
