"""The banks shipped with the product are complete, trilingual and error-free."""

from __future__ import annotations

from quizkiosk.banks.loader import BUNDLED_BANKS_DIR, load_banks
from quizkiosk.banks.model import LANGUAGES, QUESTION_TYPES

CATALOG = load_banks([BUNDLED_BANKS_DIR])


def test_every_bundled_bank_passes_check_with_no_errors() -> None:
    assert [str(p) for p in CATALOG.problems if p.severity == "error"] == []


def test_bundled_banks_have_no_warnings_either() -> None:
    # Warnings mean a missing translation or explanation: not acceptable in shipped content.
    assert [str(p) for p in CATALOG.problems] == []


def test_at_least_five_banks_of_twelve_questions_in_three_languages() -> None:
    big_banks = [b for b in CATALOG.banks.values() if len(b.questions) >= 12]
    assert len(big_banks) >= 5
    for bank in CATALOG.banks.values():
        assert tuple(bank.languages) == LANGUAGES, bank.id


def test_at_least_four_cases_of_five_to_eight_steps() -> None:
    cases = [c for b in CATALOG.banks.values() for c in b.cases]
    assert len([c for c in cases if 5 <= len(c.steps) <= 8]) >= 4


def test_every_question_type_is_used_and_every_scored_question_is_explained() -> None:
    questions = [q for b in CATALOG.banks.values() for q in b.questions]
    steps = [s for b in CATALOG.banks.values() for c in b.cases for s in c.steps]
    assert {q.type for q in questions} == set(QUESTION_TYPES)
    assert all(q.explanation is not None for q in questions + steps if q.scored)


def test_unreviewed_content_is_marked_sample() -> None:
    for bank in CATALOG.banks.values():
        assert bank.status in ("sample", "reviewed"), bank.id
        assert bank.source.strip(), bank.id
