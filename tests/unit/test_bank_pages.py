"""What the console's bank page shows of a bank, and the settings its quiz form asks for."""

from __future__ import annotations

import pytest
from quizkiosk.banks.model import AnyQuestion, Bank, CaseScenario
from quizkiosk.engine.settings import GameSettings
from quizkiosk.web.bank_pages import bank_view, case_view, question_view, settings_from_form
from starlette.datastructures import FormData

from tests.unit.engine_fixtures import MULTI, ORDER, POLL, SINGLE, TRUE_FALSE, TYPED, lt

CASE_STEPS = [SINGLE, TYPED, MULTI, ORDER]


def demo_bank(*questions: AnyQuestion) -> Bank:
    case = CaseScenario(id="case", title=lt("case"), story=lt("story"), steps=CASE_STEPS)
    return Bank(
        id="demo",
        title=lt("Demo"),
        description=lt("About"),
        source="tests",
        languages=["uz", "ru"],
        default_time=25,
        tags=["test"],
        questions=list(questions),
        cases=[case],
    )


def test_options_are_lettered_with_shapes_and_the_right_one_marked() -> None:
    view = question_view(demo_bank(SINGLE), 3, SINGLE, "ru")
    assert (view.number, view.id, view.kind, view.kind_label) == (
        3,
        "single",
        "single",
        "Single choice",
    )
    assert view.text == "single? ru"
    assert view.explanation == "single because ru"
    assert [(o.letter, o.shape, o.text, o.correct) for o in view.options] == [
        ("A", "triangle", "option 0 ru", False),
        ("B", "diamond", "option 1 ru", True),  # `correct: 2` counts from one
        ("C", "circle", "option 2 ru", False),
        ("D", "square", "option 3 ru", False),
    ]
    assert view.accepted == []


def test_points_and_time_come_from_the_question_or_the_bank() -> None:
    bank = demo_bank(MULTI, POLL)
    multi = question_view(bank, 1, MULTI, "uz")
    assert (multi.points, multi.time) == (2, 25)  # no time of its own: the bank's default
    assert [o.correct for o in multi.options] == [True, False, True, False]
    timed = SINGLE.model_copy(update={"time": 40})
    assert question_view(bank, 1, timed, "uz").time == 40
    poll = question_view(bank, 2, POLL, "uz")
    assert (poll.points, poll.kind_label) == (0, "Poll (not scored)")  # polls are not scored


def test_order_steps_are_numbered_true_false_is_msgids_and_typed_lists_its_answers() -> None:
    bank = demo_bank(ORDER, TRUE_FALSE, TYPED)
    order = question_view(bank, 1, ORDER, "en")
    assert [o.letter for o in order.options] == ["1", "2", "3", "4"]
    assert all(o.correct for o in order.options)
    true_false = question_view(bank, 2, TRUE_FALSE, "en")
    # Plain msgids, translated by the template.
    assert [(o.text, o.correct) for o in true_false.options] == [("True", True), ("False", False)]
    typed = question_view(bank, 3, TYPED, "en")
    assert (typed.options, typed.accepted) == ([], ["E11.9"])


def test_a_case_numbers_its_steps_from_one() -> None:
    bank = demo_bank(SINGLE)
    view = case_view(bank, bank.cases[0], "ru")
    assert (view.id, view.title, view.story) == ("case", "case ru", "story ru")
    assert [(step.number, step.id) for step in view.steps] == [
        (1, "single"),
        (2, "typed"),
        (3, "multi"),
        (4, "order"),
    ]


def test_bank_view_counts_questions_and_cases_and_knows_its_languages() -> None:
    bank = demo_bank(SINGLE, MULTI, POLL)
    view = bank_view(bank, "ru")
    assert (view.id, view.title, view.description) == ("demo", "Demo ru", "About ru")
    assert (view.question_count, view.case_count, view.default_time) == (3, 1, 25)
    assert (view.languages, view.tags, view.source) == (["uz", "ru"], ["test"], "tests")
    assert view.has_language is True
    assert bank_view(bank, "en").has_language is False  # English text exists, but not listed


def test_settings_from_form_reads_scoring_time_and_checkboxes() -> None:
    form = FormData(
        [
            ("scoring", "accuracy"),
            ("time_mode", "custom"),
            ("time_per_question", "45"),
            ("require_staff_id", "on"),
            ("streak_bonus", "on"),
        ]
    )
    assert settings_from_form(form) == GameSettings(
        scoring="accuracy",
        time_per_question=45,
        require_staff_id=True,
        streak_bonus=True,
        # A checkbox left out of the form is off, even where the default is on.
        show_question_on_phones=False,
    )


def test_settings_from_form_keeps_the_banks_times_unless_custom_is_chosen() -> None:
    form = FormData([("time_mode", "bank"), ("time_per_question", "abc")])
    settings = settings_from_form(form)
    assert (settings.scoring, settings.time_per_question) == ("speed", None)


@pytest.mark.parametrize("seconds", ["", "abc", "4", "601", "12.5"])
def test_settings_from_form_refuses_a_custom_time_out_of_range(seconds: str) -> None:
    form = FormData([("time_mode", "custom"), ("time_per_question", seconds)])
    with pytest.raises(ValueError):
        settings_from_form(form)


def test_settings_from_form_refuses_an_unknown_scoring() -> None:
    with pytest.raises(ValueError):
        settings_from_form(FormData([("scoring", "luck")]))
