"""Drawing a refresher: topics, banks, what they missed, what they saw last time, the
seed; and the drawn bank a refresher game is played from."""

from __future__ import annotations

import pytest
from quizkiosk.archive.records import AnswerTotal
from quizkiosk.banks.drawn import (
    DrawnQuestionMissing,
    bank_of_game,
    drawn_bank,
    recorded_picks,
    source_question,
)
from quizkiosk.banks.model import Bank, LocalizedText, Poll, TrueFalse
from quizkiosk.engine.modes import build_game, played_ids
from quizkiosk.engine.settings import GameSettings
from quizkiosk.reports.refresher_draw import (
    Misses,
    banks_with_tags,
    candidates,
    draw,
    misses_from,
    seen_in,
)
from quizkiosk.reports.staff import staff_record, topic_map


def _question(qid: str, tags: list[str], time: int | None = None) -> TrueFalse:
    return TrueFalse(
        id=qid,
        type="truefalse",
        text=LocalizedText(uz=f"{qid}?"),
        correct=True,
        explanation=LocalizedText(uz="because"),
        tags=tags,
        time=time,
    )


def _bank(bank_id: str, tags: list[str], questions: list[TrueFalse | Poll]) -> Bank:
    return Bank(
        id=bank_id,
        title=LocalizedText(uz=f"{bank_id} uz", ru=f"{bank_id} ru"),
        description=LocalizedText(uz="about"),
        tags=tags,
        source="test",
        default_time=20,
        questions=questions,
    )


POLL = Poll(
    id="poll",
    type="poll",
    text=LocalizedText(uz="how was it?"),
    options=[LocalizedText(uz="good"), LocalizedText(uz="bad")],
    tags=["icd10"],
)
ICD = _bank(
    "icd",
    ["icd10"],
    [_question(f"i{n}", []) for n in range(1, 7)] + [_question("lab1", ["lab"], time=45), POLL],
)
CARD = _bank("card", ["e-card"], [_question("c1", []), _question("c2", ["icd10"])])
BANKS = {"icd": ICD, "card": CARD}


def test_candidates_are_the_scored_questions_on_the_topics_own_tags_before_the_banks() -> None:
    assert candidates([ICD, CARD], ["icd10"]) == [("card", "c2")] + [
        ("icd", f"i{n}") for n in range(1, 7)
    ]
    assert candidates([ICD], ["lab"]) == [("icd", "lab1")]
    assert candidates([CARD], []) == [("card", "c1"), ("card", "c2")]  # no tags: all scored
    assert banks_with_tags(BANKS.values(), ["icd10"]) == ["card", "icd"]
    assert banks_with_tags(BANKS.values(), ["lab"]) == ["icd"]
    assert banks_with_tags(BANKS.values(), ["nothing"]) == []


def test_the_same_seed_draws_the_same_set_and_another_seed_usually_another() -> None:
    pool = candidates([ICD, CARD], ["icd10"])
    first = draw(pool, count=5, seed=42)
    assert first == draw(list(reversed(pool)), count=5, seed=42)  # pool order is irrelevant
    assert len(first.picks) == 5 and len(set(first.picks)) == 5
    assert set(first.picks) <= set(pool)
    assert first.seed == 42 and first.available == 7
    assert (first.repeated, first.missed_first, first.short) == (0, 0, False)
    others = {draw(pool, count=5, seed=seed).picks for seed in range(20)}
    assert len(others) > 1


def test_what_they_saw_in_their_last_refresher_is_not_drawn_again() -> None:
    pool = candidates([ICD], ["icd10"])  # i1..i6
    seen = {("icd", "i1"), ("icd", "i2"), ("icd", "i3")}
    for seed in range(30):
        drawn = draw(pool, count=3, seed=seed, seen_last=seen)
        assert set(drawn.picks) == {("icd", "i4"), ("icd", "i5"), ("icd", "i6")}
        assert drawn.repeated == 0


def test_too_few_fresh_questions_fill_up_from_the_last_refresher_and_say_how_many() -> None:
    pool = candidates([ICD], ["icd10"])
    seen = {("icd", f"i{n}") for n in range(1, 5)}  # only i5, i6 are fresh
    drawn = draw(pool, count=5, seed=7, seen_last=seen)
    assert {("icd", "i5"), ("icd", "i6")} <= set(drawn.picks)
    assert len(drawn.picks) == 5 and drawn.repeated == 3 and not drawn.short


def test_a_pool_smaller_than_asked_draws_everything_and_says_it_is_short() -> None:
    drawn = draw(candidates([CARD], ["e-card"]), count=8, seed=1)
    assert sorted(drawn.picks) == [("card", "c1")]
    assert drawn.short and drawn.asked == 8 and drawn.available == 1
    empty = draw([], count=5, seed=1)
    assert empty.picks == () and empty.short


def test_weighting_puts_what_they_missed_first_the_most_missed_first() -> None:
    pool = candidates([ICD], ["icd10"])
    misses = {
        ("icd", "i4"): Misses(answered=4, wrong=4),  # always wrong
        ("icd", "i2"): Misses(answered=4, wrong=2),
        ("icd", "i6"): Misses(answered=5, wrong=0),  # always right: no weight
    }
    for seed in range(30):
        drawn = draw(pool, count=2, seed=seed, misses=misses)
        assert set(drawn.picks) == {("icd", "i4"), ("icd", "i2")}
        assert drawn.missed_first == 2
        one = draw(pool, count=1, seed=seed, misses=misses)
        assert one.picks == (("icd", "i4"),)
    unweighted = {draw(pool, count=2, seed=seed).picks for seed in range(30)}
    assert any(set(p) != {("icd", "i4"), ("icd", "i2")} for p in unweighted)


def test_missed_questions_already_seen_last_time_still_wait_for_fresh_ones() -> None:
    pool = candidates([ICD], ["icd10"])
    misses = {("icd", "i1"): Misses(3, 3)}
    drawn = draw(pool, count=5, seed=3, seen_last={("icd", "i1")}, misses=misses)
    assert ("icd", "i1") not in drawn.picks and drawn.missed_first == 0


def test_misses_are_summed_per_question_in_its_own_banks_terms() -> None:
    totals = [
        AnswerTotal("T-1", "Therapy", "icd", "i1", 3, 1, 10.0),
        AnswerTotal("T-2", "Therapy", "icd", "i1", 2, 2, 10.0),
        # answered in a refresher drawn from two banks
        AnswerTotal("T-1", "Therapy", "card+icd", "icd:i1", 1, 0, 20.0),
    ]
    assert misses_from(totals) == {("icd", "i1"): Misses(answered=6, wrong=3)}
    assert seen_in(["icd:i2", "card:c1"], "card+icd") == {("icd", "i2"), ("card", "c1")}
    assert seen_in(["i2"], "icd") == {("icd", "i2")}


def test_a_count_outside_the_range_is_refused() -> None:
    with pytest.raises(ValueError):
        draw([("icd", "i1")], count=0, seed=1)
    with pytest.raises(ValueError):
        draw([("icd", "i1")], count=51, seed=1)


# ---- the drawn bank ----------------------------------------------------------------------


def test_a_draw_from_one_bank_keeps_its_id_and_question_ids_in_the_drawn_order() -> None:
    bank = drawn_bank(BANKS, [("icd", "i3"), ("icd", "lab1"), ("icd", "i1")])
    assert bank.id == "icd" and [q.id for q in bank.questions] == ["i3", "lab1", "i1"]
    assert bank.time_for(bank.questions[1]) == 45 and bank.time_for(bank.questions[0]) == 20
    settings = GameSettings()
    assert played_ids("quiz", bank, settings) == ["i3", "lab1", "i1"]
    game = build_game("quiz", bank, settings, seed=5)
    assert len(game.plan) == 3  # type: ignore[attr-defined]


def test_a_draw_from_several_banks_qualifies_ids_and_keeps_each_questions_time_and_topics() -> None:
    bank = drawn_bank(BANKS, [("card", "c1"), ("icd", "lab1"), ("icd", "i2")])
    assert bank.id == "card+icd"
    assert [q.id for q in bank.questions] == ["card:c1", "icd:lab1", "icd:i2"]
    assert [q.tags for q in bank.questions] == [["e-card"], ["lab"], ["icd10"]]
    assert [bank.time_for(q) for q in bank.questions] == [20, 45, 20]
    assert bank.title.uz == "card uz + icd uz" and bank.title.ru == "card ru + icd ru"
    assert source_question(bank.id, "icd:lab1") == ("icd", "lab1")
    assert source_question("icd", "i1") == ("icd", "i1")


def test_the_drawn_banks_hash_covers_only_what_the_game_asks() -> None:
    picks = [("icd", "i1"), ("icd", "i2")]
    before = drawn_bank(BANKS, picks).content_hash()
    changed = ICD.model_copy(update={"questions": [*ICD.questions, _question("i9", [])]})
    assert drawn_bank({"icd": changed}, picks).content_hash() == before
    reworded = ICD.model_copy(update={"questions": [_question("i1", ["lab"]), *ICD.questions[1:]]})
    assert drawn_bank({"icd": reworded}, picks).content_hash() != before


def test_a_pick_that_is_gone_is_reported_and_the_report_falls_back_to_the_bank() -> None:
    with pytest.raises(DrawnQuestionMissing):
        drawn_bank(BANKS, [("icd", "gone")])
    with pytest.raises(DrawnQuestionMissing):
        drawn_bank(BANKS, [("nobank", "i1")])
    with pytest.raises(DrawnQuestionMissing):
        recorded_picks({"questions": "i1"})
    draw_record: dict[str, object] = {"questions": [["icd", "i2"], ["card", "c2"]]}
    assert recorded_picks(draw_record) == [("icd", "i2"), ("card", "c2")]
    found = bank_of_game(BANKS, "card+icd", draw_record)
    assert found is not None and [q.id for q in found.questions] == ["icd:i2", "card:c2"]
    assert bank_of_game(BANKS, "icd", {"questions": [["icd", "gone"]]}) is ICD
    assert bank_of_game(BANKS, "icd", None) is ICD


def test_roll_ups_find_the_topics_of_questions_asked_in_a_refresher_of_several_banks() -> None:
    totals = [AnswerTotal("T-1", "Therapy", "card+icd", "icd:lab1", 2, 0, 5.0)]
    record = staff_record("T-1", totals, topic_map(BANKS.values()))
    assert [(t.topic, t.answered) for t in record.topics] == [("lab", 2)]
