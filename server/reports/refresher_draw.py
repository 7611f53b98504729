"""Drawing a refresher quiz: N questions on some topics, from one or more banks.

Pure (no I/O, no clock): the caller gives the banks, what these staff (or this
department) answered before, what they saw in their last refresher, and a seed; the
same arguments always draw the same questions, so the seed is recorded with the game.

The rules, in order:
1. Candidates are the scored questions (polls teach nothing to check) of the chosen
   banks whose topics meet the chosen tags. A question's topics are its own tags,
   else its bank's (as in `quizkiosk.reports.staff`).
2. What the same people saw in their last refresher is left out — unless too few
   questions remain; then the missing places are filled from it, and the draw says
   how many were repeated. If even that is too few, it draws all there are, and says so.
3. Weighted toward what they missed: questions these people answered wrong before
   come first, the most often missed first; the rest are drawn at random.
4. The drawn questions are then shuffled, so the missed ones are not all at the start.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from quizkiosk.archive.records import AnswerTotal
from quizkiosk.banks.drawn import Pick, source_question
from quizkiosk.banks.model import Bank, Poll

DEFAULT_COUNT = 8
MIN_COUNT, MAX_COUNT = 1, 50
COUNT_CHOICES = (5, 8, 10)  # what the console offers; the API takes any MIN..MAX


@dataclass(frozen=True, slots=True)
class Misses:
    """Earlier answers of these people to one question."""

    answered: int
    wrong: int

    @property
    def rate(self) -> float:
        return self.wrong / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class Drawn:
    picks: tuple[Pick, ...]  # in the order the quiz asks them
    asked: int  # how many questions were asked for
    available: int  # candidates on these topics in these banks
    repeated: int  # picks they saw in their last refresher (too few fresh ones)
    missed_first: int  # picks chosen because these people had missed them
    seed: int

    @property
    def short(self) -> bool:
        """Fewer questions than asked for: the topics have no more."""
        return len(self.picks) < self.asked


def topics_of(bank: Bank, question_tags: Sequence[str]) -> tuple[str, ...]:
    return tuple(question_tags) or tuple(bank.tags) or ("untagged",)


def banks_with_tags(banks: Iterable[Bank], tags: Iterable[str]) -> list[str]:
    """Ids of the banks with at least one scored question on one of `tags`."""
    wanted = set(tags)
    return [
        bank.id
        for bank in sorted(banks, key=lambda b: b.id)
        if any(
            not isinstance(q, Poll) and wanted & set(topics_of(bank, q.tags))
            for q in bank.questions
        )
    ]


def candidates(banks: Sequence[Bank], tags: Iterable[str]) -> list[Pick]:
    """Scored questions of `banks` on any of `tags` (every scored one if no tags)."""
    wanted = set(tags)
    found: list[Pick] = []
    for bank in sorted(banks, key=lambda b: b.id):
        for question in bank.questions:
            if isinstance(question, Poll):
                continue
            if wanted and not wanted & set(topics_of(bank, question.tags)):
                continue
            found.append((bank.id, question.id))
    return found


def misses_from(totals: Iterable[AnswerTotal]) -> dict[Pick, Misses]:
    """Earlier answers summed per question (in its own bank's terms)."""
    sums: dict[Pick, list[int]] = {}
    for total in totals:
        entry = sums.setdefault(source_question(total.bank_id, total.question_id), [0, 0])
        entry[0] += total.answered
        entry[1] += total.answered - total.right
    return {pick: Misses(answered, wrong) for pick, (answered, wrong) in sums.items()}


def seen_in(question_ids: Iterable[str], bank_id: str) -> set[Pick]:
    """The picks of an earlier game's question ids (a refresher's, or a whole bank's)."""
    return {source_question(bank_id, question_id) for question_id in question_ids}


def draw(
    pool: Sequence[Pick],
    *,
    count: int,
    seed: int,
    seen_last: Iterable[Pick] = (),
    misses: Mapping[Pick, Misses] | None = None,
) -> Drawn:
    """`count` questions from `pool` by the module's rules; `misses` None: no weighting."""
    if not MIN_COUNT <= count <= MAX_COUNT:
        raise ValueError(f"count must be from {MIN_COUNT} to {MAX_COUNT}")
    rng = random.Random(seed)
    unique = sorted(set(pool))  # the caller's order must not change the draw
    seen = set(seen_last)
    fresh = [pick for pick in unique if pick not in seen]
    stale = [pick for pick in unique if pick in seen]
    rng.shuffle(fresh)
    rng.shuffle(stale)
    if misses is not None:
        fresh = _missed_first(fresh, misses)
        stale = _missed_first(stale, misses)
    chosen = (fresh + stale)[:count]
    repeated = sum(1 for pick in chosen if pick in seen)
    missed = 0
    if misses is not None:
        missed = sum(1 for pick in chosen if pick in misses and misses[pick].wrong > 0)
    rng.shuffle(chosen)
    return Drawn(
        picks=tuple(chosen),
        asked=count,
        available=len(unique),
        repeated=repeated,
        missed_first=missed,
        seed=seed,
    )


def _missed_first(picks: list[Pick], misses: Mapping[Pick, Misses]) -> list[Pick]:
    # A stable sort keeps the shuffled order among questions missed equally often.
    def key(pick: Pick) -> tuple[float, int]:
        found = misses.get(pick)
        if found is None or found.wrong == 0:
            return (1.0, 0)
        return (-found.rate, -found.wrong)

    return sorted(picks, key=key)
