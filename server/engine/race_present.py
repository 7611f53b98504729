"""What a case race shows: its step messages, the ranking, the track, its screens.

Pure functions of the race's state (quizkiosk.engine.race). Nothing here ever puts a
step's key or explanation into a step message or a screen: a participant sees a
step's explanation only in the `attempt_result` of their own attempt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizkiosk.engine.game import PODIUM_SIZE
from quizkiosk.engine.race_model import Placing, RacePhase, RaceStepPlan, Runner
from quizkiosk.engine.views import public_question, texts
from quizkiosk.protocol import (
    HardestStep,
    ModeSummary,
    PlacingEntry,
    RaceFinished,
    RaceRank,
    RaceScreen,
    RaceStep,
    RaceTrack,
    TeamEntry,
)

if TYPE_CHECKING:
    from quizkiosk.engine.race import RaceGame

TRACK_LANES = 12  # participants drawn as lanes; the rest are in the histogram


def step_message(game: RaceGame, plan: RaceStepPlan, runner: Runner, now: float) -> RaceStep:
    payload = public_question(plan.played, len(game.steps), True)
    choices = payload.get("choices")
    case = plan.case
    locked = max(0.0, runner.locked_until - game.race_time(now)) if runner.player_id else 0.0
    attempts = runner.attempts.get(plan.index, 0)
    explanation = plan.played.question.explanation
    return RaceStep(
        index=plan.index,
        total=len(game.steps),
        case={
            "id": case.id,
            "number": plan.case_number,
            "of": game.case_count,
            "title": texts(case.title),
            "story": texts(case.story),
            "steps": len(case.steps),
            "step": plan.step_in_case,
        },
        kind=plan.played.question.type,
        text=texts(plan.played.question.text),
        image=plan.played.question.image,
        attempts=attempts,
        locked_ms=round(locked * 1000),
        remaining_ms=round(game.remaining(now) * 1000),
        choices=choices if isinstance(choices, list) else None,
        # Only once this participant has answered the step (and got it wrong).
        explanation=texts(explanation) if attempts and explanation else None,
    )


def finished_message(game: RaceGame, runner: Runner, now: float) -> RaceFinished:
    placing = next(p for p in placings(game, now) if p.player_id == runner.player_id)
    steps = len(game.steps)
    return RaceFinished(
        time_ms=placing.time_ms or 0,
        rank=placing.rank,
        players=len(game.runners),
        steps=steps,
        first_try=runner.first_try,
        first_try_accuracy=round(runner.first_try / steps, 3),
    )


def placings(game: RaceGame, now: float) -> list[Placing]:
    """Everyone's place now (see the module docstring for the order)."""
    rows = []
    for runner in game.runners.values():
        player = game.roster.players.get(runner.player_id)
        if player is None:
            continue
        if runner.finished_at is not None:
            time_ms = round((runner.finished_at - runner.started_at) * 1000)
            key: tuple[object, ...] = (0, time_ms)
        else:
            time_ms = None
            last = runner.last_correct_at
            # Times compare to the millisecond, on the participant's own clock: the
            # same numbers the archive keeps (race_ms), so a report can rank again.
            last_ms = round((last - runner.started_at) * 1000) if last is not None else 10**12
            key = (1, -runner.step, -round(runner.accuracy(), 6), last_ms)
        rows.append((key, player.order, runner, player, time_ms))
    rows.sort(key=lambda row: (row[0], row[1]))
    placings: list[Placing] = []
    previous: tuple[object, ...] | None = None
    rank = 0
    for position, (key, _, runner, player, time_ms) in enumerate(rows, start=1):
        if key != previous:
            rank, previous = position, key
        placings.append(
            Placing(
                player.id,
                player.name,
                rank,
                runner.finished_at is not None,
                runner.step,
                time_ms,
                runner.first_try,
                game.teams.get(player.id),
            )
        )
    return placings


def team_standings(game: RaceGame, now: float) -> list[TeamEntry]:
    """Teams by: all members finished (by the last one's time), then mean steps done.

    A member who left on purpose still counts with the steps they had done (a kicked
    one is no longer in `game.teams`); time up counts every team as finished."""
    if game.settings.teams == "none":
        return []
    members: dict[str, list[Runner]] = {}
    for player_id, team in game.teams.items():
        runner = game.runners.get(player_id)
        if runner is not None and player_id in game.roster.players:
            members.setdefault(team, []).append(runner)
    rows = []
    for team, runners in members.items():
        done = all(r.finished_at is not None for r in runners)
        progress = sum(r.step for r in runners) / len(runners)
        last = max((r.finished_at or 0.0) - r.started_at for r in runners) if done else None
        rows.append((0 if done else 1, last or 0.0, -progress, team, len(runners), progress, done))
    rows.sort()
    return [
        {
            "rank": place,
            "name": team,
            "members": size,
            "progress": round(progress, 2),
            "finished": done or game.phase == RacePhase.ENDED,
            "all_finished": done,
        }
        for place, (_, _, _, team, size, progress, done) in enumerate(rows, start=1)
    ]


def track(game: RaceGame, now: float) -> RaceTrack:
    ranked = placings(game, now)
    histogram = [0] * (len(game.steps) + 1)
    for runner in game.runners.values():
        histogram[runner.step] += 1
    finishers = sorted((p for p in ranked if p.finished), key=lambda p: (p.time_ms or 0, p.rank))
    hardest: HardestStep | None = None
    if game.wrong_first:
        index = max(game.wrong_first, key=lambda i: (game.wrong_first[i], -i))
        plan = game.steps[index]
        hardest = {
            "index": index,
            "case": texts(plan.case.title),
            "step": plan.step_in_case,
            "text": texts(plan.played.question.text),
            "wrong_first": game.wrong_first[index],
        }
    return RaceTrack(
        phase=game.phase.value,
        remaining_ms=round(game.remaining(now) * 1000),
        paused=game.paused_at is not None,
        total=len(game.steps),
        participants=len(ranked),
        lanes=[placing_json(p) for p in ranked[:TRACK_LANES]],
        histogram=histogram,
        finishers=[placing_json(p) for p in finishers[:PODIUM_SIZE]],
        hardest=hardest,
        teams=team_standings(game, now),
    )


def summary(game: RaceGame) -> ModeSummary:
    return {
        "mode": game.mode,
        "total": len(game.steps),
        "cases": [
            {"id": s.case.id, "title": texts(s.case.title), "steps": len(s.case.steps)}
            for s in game.steps
            if s.step_in_case == 1
        ],
        "phase": game.phase.value,
        "locked": game.locked,
        "settings": game.settings.model_dump(),
    }


def player_screen(game: RaceGame, player_id: str, now: float) -> RaceScreen:
    screen: RaceScreen = {
        "phase": game.phase.value,
        "players": game.player_count,
        "remaining_ms": round(game.remaining(now) * 1000),
        "paused": game.paused_at is not None,
    }
    runner = game.runners.get(player_id)
    if runner is not None:
        screen["step"] = runner.step
        if runner.finished_at is not None:
            screen["finished"] = finished_message(game, runner, now).wire()
        elif game.phase == RacePhase.RACE:
            screen["race_step"] = step_message(game, game.steps[runner.step], runner, now).wire()
    if game.phase == RacePhase.ENDED:
        ranked = placings(game, now)
        screen["top"] = [placing_json(p) for p in ranked[:PODIUM_SIZE]]
        mine = next((p for p in ranked if p.player_id == player_id), None)
        if mine is not None:
            screen["rank"] = RaceRank(
                mine.rank,
                len(ranked),
                mine.finished,
                mine.steps,
                mine.time_ms,
                mine.first_try,
            ).wire()
    return screen


def host_screen(game: RaceGame, now: float) -> RaceScreen:
    screen: RaceScreen = {
        "phase": game.phase.value,
        "players": game.player_count,
        "remaining_ms": round(game.remaining(now) * 1000),
        "paused": game.paused_at is not None,
        "track": track(game, now).wire(),
        "player_list": [
            {
                "id": p.id,
                "name": p.name,
                "connected": p.connected,
                "team": game.teams.get(p.id),
            }
            for p in game.roster.present()
        ],
    }
    return screen


def placing_json(placing: Placing) -> PlacingEntry:
    return {
        "id": placing.player_id,
        "name": placing.name,
        "rank": placing.rank,
        "finished": placing.finished,
        "steps": placing.steps,
        "time_ms": placing.time_ms,
        "first_try": placing.first_try,
        "team": placing.team,
    }
