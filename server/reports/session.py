"""The report of one session, built from its archived results and its bank.

Pure: give it what the archive holds for a game (quizkiosk.archive.records.GameResults)
and the bank it was played from, and it returns the leaderboard, every question's
facts — right answers, which option people chose in bank terms (the misconception),
mean response time — the item analysis (quizkiosk.reports.analysis), and each
participant's answers. Hardest questions come first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from quizkiosk.archive.records import AnswerRecord, GameResults
from quizkiosk.banks.model import AnyQuestion, Bank, MultiSelect, Ordering, Poll, SingleChoice
from quizkiosk.reports.analysis import ItemStatistics, internal_consistency, item_statistics
from quizkiosk.reports.percent import percent


@dataclass(frozen=True, slots=True)
class ChoiceCount:
    label: dict[str, str]  # the option's text in every language (or the typed text)
    count: int
    correct: bool


@dataclass(frozen=True, slots=True)
class QuestionReport:
    index: int
    question_id: str
    kind: str
    text: dict[str, str]
    tags: tuple[str, ...]
    answered: int
    correct: int
    percent_correct: float | None  # None for polls
    mean_response_ms: float | None
    choices: tuple[ChoiceCount, ...]  # in bank order; typed answers by their normalised text
    statistics: ItemStatistics | None


@dataclass(frozen=True, slots=True)
class AnswerLine:
    question_index: int
    question_id: str
    answer: object
    correct: bool | None
    response_ms: int
    points: int


@dataclass(frozen=True, slots=True)
class ParticipantReport:
    player_id: str
    name: str
    staff_id: str | None
    department: str | None
    rank: int | None
    score: int
    answered: int
    correct: int
    accuracy: float | None  # percent of scored questions answered right
    answers: tuple[AnswerLine, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SessionReport:
    game_id: str
    mode: str
    bank_id: str
    trainer: str
    started_at: float | None
    ended_at: float | None
    participants: tuple[ParticipantReport, ...]  # by rank
    questions: tuple[QuestionReport, ...]  # hardest (lowest percent right) first
    internal_consistency: float | None
    mean_accuracy: float | None


def _texts(text: object) -> dict[str, str]:
    return {lang: value for lang in ("uz", "ru", "en") if (value := getattr(text, lang, None))}


def _bank_questions(bank: Bank | None) -> dict[str, AnyQuestion]:
    if bank is None:
        return {}
    found: dict[str, AnyQuestion] = {q.id: q for q in bank.questions}
    for case in bank.cases:
        for step in case.steps:
            found[f"{case.id}/{step.id}"] = step
    return found


def _choices(question: AnyQuestion | None, answers: list[object]) -> tuple[ChoiceCount, ...]:
    """How often each option was chosen (bank order), whatever order it was shown in."""
    if isinstance(question, SingleChoice | MultiSelect | Poll):
        counts = Counter[int]()
        for answer in answers:
            picked = answer if isinstance(answer, list) else [answer]
            counts.update(p for p in picked if isinstance(p, int) and not isinstance(p, bool))
        right = question.correct_indexes if isinstance(question, SingleChoice | MultiSelect) else ()
        return tuple(
            ChoiceCount(_texts(option), counts[i], i in right)
            for i, option in enumerate(question.options)
        )
    if isinstance(question, Ordering):
        right_order = list(range(len(question.steps)))
        correct = sum(1 for a in answers if a == right_order)
        return (
            ChoiceCount({"en": "right order"}, correct, True),
            ChoiceCount({"en": "another order"}, len(answers) - correct, False),
        )
    counts_by_text = Counter(str(a) for a in answers)
    return tuple(
        ChoiceCount({"en": text}, count, False) for text, count in counts_by_text.most_common(10)
    )


def session_report(results: GameResults, bank: Bank | None) -> SessionReport:
    game = results.game
    questions_by_id = _bank_questions(bank)
    scored_answers = [a for a in results.answers if a.correct is not None]
    # First (and only) attempts as 0/1 scores for the item analysis.
    scores: dict[str, dict[str, float]] = {}
    for a in scored_answers:
        scores.setdefault(a.player_id, {})[f"{a.question_index}"] = 1.0 if a.correct else 0.0
    scored_items = sorted({f"{a.question_index}" for a in scored_answers}, key=int)
    statistics = {s.item: s for s in item_statistics(scores, scored_items)}
    by_index: dict[int, list[AnswerRecord]] = {}
    for a in results.answers:
        by_index.setdefault(a.question_index, []).append(a)
    question_reports = []
    for index, question_id in enumerate(game.question_ids):
        answers = by_index.get(index, [])
        question = questions_by_id.get(question_id)
        scored = [a for a in answers if a.correct is not None]
        correct = sum(1 for a in scored if a.correct)
        question_reports.append(
            QuestionReport(
                index=index,
                question_id=question_id,
                kind=question.type if question else "unknown",
                text=_texts(question.text) if question else {"en": question_id},
                tags=tuple(question.tags) if question else (),
                answered=len(answers),
                correct=correct,
                percent_correct=percent(correct, len(scored)),
                mean_response_ms=(
                    sum(a.response_ms for a in answers) / len(answers) if answers else None
                ),
                choices=_choices(question, [a.answer for a in answers]),
                statistics=statistics.get(f"{index}"),
            )
        )
    question_reports.sort(
        key=lambda q: (q.percent_correct is None, q.percent_correct or 0.0, q.index)
    )
    standings = {s.player_id: s for s in results.standings}
    answers_of: dict[str, list[AnswerRecord]] = {}
    for a in results.answers:
        answers_of.setdefault(a.player_id, []).append(a)
    people = []
    for p in results.participants:
        mine = answers_of.get(p.player_id, [])
        scored_mine = [a for a in mine if a.correct is not None]
        right = sum(1 for a in scored_mine if a.correct)
        standing = standings.get(p.player_id)
        people.append(
            ParticipantReport(
                player_id=p.player_id,
                name=p.name,
                staff_id=p.staff_id,
                department=p.department,
                rank=standing.rank if standing else None,
                score=standing.score if standing else sum(a.points for a in mine),
                answered=len(mine),
                correct=right,
                accuracy=percent(right, len(scored_mine)),
                answers=tuple(
                    AnswerLine(
                        a.question_index,
                        a.question_id,
                        a.answer,
                        a.correct,
                        a.response_ms,
                        a.points,
                    )
                    for a in sorted(mine, key=lambda a: a.question_index)
                ),
            )
        )
    people.sort(key=lambda r: (r.rank is None, r.rank or 0, r.name))
    accuracies = [p.accuracy for p in people if p.accuracy is not None]
    return SessionReport(
        game_id=game.game_id,
        mode=game.mode,
        bank_id=game.bank_id,
        trainer=game.trainer,
        started_at=results.started_at,
        ended_at=results.ended_at,
        participants=tuple(people),
        questions=tuple(question_reports),
        internal_consistency=internal_consistency(scores, scored_items),
        mean_accuracy=sum(accuracies) / len(accuracies) if accuracies else None,
    )
