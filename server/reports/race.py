"""The case-race part of a session report: each step and each racer's path.

Pure: it takes a race's archived attempts (quizkiosk.archive.records.GameResults) and
the session report's questions (for the steps' texts). Per step: how many racers got it
right the first time, how many attempts it took, and the time spent on it — from the
racer's previous step done (or the start) to this step done, on the racer's own race
clock (`race_ms`). Hardest steps (fewest right first time) come first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quizkiosk.archive.records import AttemptRecord, GameResults
from quizkiosk.reports.percent import percent
from quizkiosk.reports.session import QuestionReport


@dataclass(frozen=True, slots=True)
class StepReport:
    index: int
    step_id: str  # "case id/step id"
    kind: str
    text: dict[str, str]
    racers: int  # who tried it at least once
    first_try_right: int
    percent_first_try: float | None
    attempts: int
    solved: int
    mean_time_ms: float | None  # over the racers who solved it


@dataclass(frozen=True, slots=True)
class PathStep:
    index: int
    step_id: str
    attempts: int
    solved: bool
    time_ms: int  # time spent on it, up to its last attempt


@dataclass(frozen=True, slots=True)
class RacerPath:
    player_id: str
    name: str
    rank: int | None
    steps: tuple[PathStep, ...]  # in the order the racer worked on them
    solved: int
    first_try_right: int
    race_ms: int  # race clock at the last attempt


@dataclass(frozen=True, slots=True)
class RaceReport:
    steps: tuple[StepReport, ...]  # hardest first
    paths: tuple[RacerPath, ...]  # by rank


def _path(attempts: Iterable[AttemptRecord]) -> tuple[PathStep, ...]:
    by_step: dict[int, list[AttemptRecord]] = {}
    for a in attempts:
        by_step.setdefault(a.step_index, []).append(a)
    finished = sorted(
        (max(tries, key=lambda t: t.attempt) for tries in by_step.values()),
        key=lambda last: (last.race_ms, last.step_index),
    )
    path = []
    before = 0
    for last in finished:
        tries = by_step[last.step_index]
        path.append(
            PathStep(
                index=last.step_index,
                step_id=last.step_id,
                attempts=len(tries),
                solved=any(t.correct for t in tries),
                time_ms=max(0, last.race_ms - before),
            )
        )
        before = last.race_ms
    return tuple(path)


def race_report(results: GameResults, questions: Iterable[QuestionReport]) -> RaceReport:
    by_player: dict[str, list[AttemptRecord]] = {}
    for a in results.attempts:
        by_player.setdefault(a.player_id, []).append(a)
    paths = {player: _path(attempts) for player, attempts in by_player.items()}
    first_right = {
        (a.player_id, a.step_index) for a in results.attempts if a.attempt == 1 and a.correct
    }
    steps = []
    for q in questions:
        done = [s for path in paths.values() for s in path if s.index == q.index]
        right = sum(1 for player in paths if (player, q.index) in first_right)
        solved_times = [s.time_ms for s in done if s.solved]
        steps.append(
            StepReport(
                index=q.index,
                step_id=q.question_id,
                kind=q.kind,
                text=q.text,
                racers=len(done),
                first_try_right=right,
                percent_first_try=percent(right, len(done)),
                attempts=sum(s.attempts for s in done),
                solved=len(solved_times),
                mean_time_ms=sum(solved_times) / len(solved_times) if solved_times else None,
            )
        )
    steps.sort(key=lambda s: (s.percent_first_try is None, s.percent_first_try or 0.0, s.index))
    ranks = {s.player_id: s.rank for s in results.standings}
    racers = [
        RacerPath(
            player_id=p.player_id,
            name=p.name,
            rank=ranks.get(p.player_id),
            steps=paths.get(p.player_id, ()),
            solved=sum(1 for s in paths.get(p.player_id, ()) if s.solved),
            first_try_right=sum(1 for key in first_right if key[0] == p.player_id),
            race_ms=max((a.race_ms for a in by_player.get(p.player_id, [])), default=0),
        )
        for p in results.participants
    ]
    racers.sort(key=lambda r: (r.rank is None, r.rank or 0, r.name))
    return RaceReport(tuple(steps), tuple(racers))
