"""Look-ups and checks for the tests that pin the content of bundled question banks.

The test_content_* modules each load their own banks into a catalog and pin answer
keys and wording. These helpers find a case, a step or an answer key in the catalog
or bank they are given, read a localized text, and walk every item and text of a bank.
The checks of a whole bank or catalog return what they find (an empty list when all is
well), so a test asserts `== []` and a failure lists every offender at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from quizkiosk.banks.loader import BankCatalog
from quizkiosk.banks.model import (
    AnyQuestion,
    Bank,
    CaseScenario,
    LocalizedText,
    MultiSelect,
    SingleChoice,
    TrueFalse,
)
from quizkiosk.banks.quality import BankSource, absolute_words_in, check_quality

LANGS = ("uz", "ru", "en")

# "check how your DMED version does it", in any grammatical case.
DMED_HEDGE = {"uz": r"DMED versiya", "ru": r"верси[яиюей]+ DMED", "en": r"DMED version"}


def find_case(catalog: BankCatalog, bank_id: str, case_id: str) -> CaseScenario:
    return catalog.banks[bank_id].case(case_id)


def find_step(catalog: BankCatalog, bank_id: str, case_id: str, step_id: str) -> AnyQuestion:
    for step in find_case(catalog, bank_id, case_id).steps:
        if step.id == step_id:
            return step
    raise KeyError(step_id)


def step_index(case: CaseScenario, step_id: str) -> int:
    """Where the step stands in its case, counting from 0."""
    return [step.id for step in case.steps].index(step_id)


def as_single(question: AnyQuestion) -> SingleChoice:
    assert isinstance(question, SingleChoice), question.id
    return question


def key_option(question: AnyQuestion) -> LocalizedText:
    """The right option of a single-choice question."""
    single = as_single(question)
    assert single.correct is not None
    return single.options[single.correct - 1]


def distractors(question: AnyQuestion) -> list[LocalizedText]:
    """The wrong options of a single-choice question."""
    single = as_single(question)
    return [option for n, option in enumerate(single.options, 1) if n != single.correct]


def right_options(question: AnyQuestion) -> list[LocalizedText]:
    """The right options of a multi-select question."""
    assert isinstance(question, MultiSelect), question.id
    return [question.options[n - 1] for n in question.correct]


def wrong_options(question: AnyQuestion) -> list[LocalizedText]:
    """The wrong options of a multi-select question."""
    assert isinstance(question, MultiSelect), question.id
    return [o for n, o in enumerate(question.options, 1) if n not in question.correct]


def en(text: LocalizedText | None) -> str:
    """The English text, lower-cased; it must be there."""
    assert text is not None and text.en is not None
    return text.en.lower()


def all_languages(text: LocalizedText | None) -> Iterator[tuple[str, str]]:
    """(language, text) for each of LANGS; every one must be there."""
    assert text is not None
    for language in LANGS:
        value = getattr(text, language)
        assert isinstance(value, str), language
        yield language, value


def bank_items(bank: Bank) -> Iterator[tuple[str, AnyQuestion]]:
    """Every question and case step of the bank, labelled `id` or `case-id/step-id`."""
    for question in bank.questions:
        yield question.id, question
    for case in bank.cases:
        for step in case.steps:
            yield f"{case.id}/{step.id}", step


def bank_texts(bank: Bank) -> Iterator[LocalizedText]:
    """Every localized text of the bank: titles, stories, stems, explanations, options, steps."""
    yield from (bank.title, bank.description)
    for case in bank.cases:
        yield from (case.title, case.story)
    for _, item in bank_items(bank):
        yield item.text
        if item.explanation is not None:
            yield item.explanation
        yield from getattr(item, "options", [])
        yield from getattr(item, "steps", [])


def quality_warnings(catalog: BankCatalog, files: Mapping[str, Path]) -> list[str]:
    """The quality check's warnings for the catalog's banks, read with their files' lines."""
    sources = [
        BankSource.from_text(catalog.banks[bank_id], str(path), path.read_text(encoding="utf-8"))
        for bank_id, path in files.items()
    ]
    return [str(warning) for warning in check_quality(sources)]


def quality_accepted(catalog: BankCatalog) -> list[str]:
    """Where the catalog accepts a quality warning: each bank, and `bank-id/item`, with quality_ok."""
    banks = list(catalog.banks.values())
    return [bank.id for bank in banks if bank.quality_ok] + [
        f"{bank.id}/{label}"
        for bank in banks
        for label, item in bank_items(bank)
        if item.quality_ok
    ]


def unexplained_steps(bank: Bank) -> list[str]:
    """`case-id/step-id` of each case step with no explanation, or one missing a language."""
    return [
        f"{case.id}/{step.id}"
        for case in bank.cases
        for step in case.steps
        if step.explanation is None or step.explanation.missing(LANGS)
    ]


def absolute_cues_in_true_false(bank: Bank) -> list[tuple[str, str, list[str]]]:
    """(item, language, words) for each true/false statement that uses an absolute cue word."""
    return [
        (label, language, words)
        for label, item in bank_items(bank)
        if isinstance(item, TrueFalse)
        for language, text in all_languages(item.text)
        if (words := absolute_words_in(text, language))
    ]


def glossary_slips(bank: Bank) -> list[str]:
    """Texts with a term the glossary rules out.

    No "dispanser hisob"; and one word each, gipertenziya / gipertenziv (not
    gipertoniya / gipertonik), so no "gipertoni" in Uzbek and no "гипертони" in Russian.
    """
    slips: list[str] = []
    for text in bank_texts(bank):
        uz = text.uz.lower()
        if "dispanser hisob" in uz or "gipertoni" in uz:
            slips.append(text.uz)
        if "гипертони" in (text.ru or "").lower():
            slips.append(text.ru or "")
    return slips
