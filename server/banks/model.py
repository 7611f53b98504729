"""Typed question-bank objects, validated by pydantic.

A bank file is YAML; `quizkiosk.banks.loader` turns it into these objects.  Every
rule a trainer can break lives here as a validator, so `banks check`, the live
server and the XLSX importer all agree on what a valid bank is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Language = Literal["uz", "ru", "en"]
LANGUAGES: tuple[Language, ...] = ("uz", "ru", "en")
FALLBACK_LANGUAGE: Language = "uz"

Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Seconds = Annotated[int, Field(ge=5, le=600)]

MIN_OPTIONS, MAX_OPTIONS = 2, 6
MIN_ORDER_STEPS, MAX_ORDER_STEPS = 3, 6
MIN_CASE_STEPS, MAX_CASE_STEPS = 4, 10

# Codes of `quizkiosk banks check --quality` (see quizkiosk.banks.quality).  A
# warning can be accepted after review with `quality_ok: {code: reason}` where
# the warning is located: on the bank for the bank-wide counts, on a question
# or case step for what is wrong with that item.  A repeated distractor may be
# accepted on each question or, for every repeat at once, on the bank.
QUALITY_CODES: tuple[str, ...] = (
    "key-position",
    "longest-correct",
    "absolute-word",
    "near-duplicate",
    "throwaway-distractor",
)
BANK_QUALITY_CODES: tuple[str, ...] = ("key-position", "longest-correct", "throwaway-distractor")
QUESTION_QUALITY_CODES: tuple[str, ...] = (
    "longest-correct",
    "absolute-word",
    "near-duplicate",
    "throwaway-distractor",
)


class _Strict(BaseModel):
    # Typos in a bank must not pass silently: unknown fields are errors.
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_quality_ok(
    value: dict[str, str], allowed: tuple[str, ...], here: str, there: str
) -> dict[str, str]:
    """Known codes, each with the reason a reviewer gave for accepting it."""
    checked: dict[str, str] = {}
    for code, reason in value.items():
        if code not in QUALITY_CODES:
            raise ValueError(
                f"unknown quality code '{code}' (expected one of: {', '.join(QUALITY_CODES)})"
            )
        if code not in allowed:
            raise ValueError(
                f"'{code}' is not checked on {here}; accept it in the quality_ok of {there}"
            )
        if not reason.strip():
            raise ValueError(f"quality_ok '{code}' needs the reason it was accepted after review")
        checked[code] = reason.strip()
    return checked


class LocalizedText(_Strict):
    """A user-visible text in Uzbek (required), Russian and English.

    A plain string in YAML is read as the Uzbek text alone.
    """

    uz: str
    ru: str | None = None
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_uzbek(cls, value: object) -> object:
        if isinstance(value, str):
            return {"uz": value}
        return value

    @field_validator("uz")
    @classmethod
    def _uzbek_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty")
        return value.strip()

    @field_validator("ru", "en")
    @classmethod
    def _translation_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("text is empty (leave the language out instead)")
        return value.strip() if value is not None else None

    def get(self, language: str) -> str:
        """The text in `language`, falling back to Uzbek."""
        text = getattr(self, language, None) if language in LANGUAGES else None
        return text if isinstance(text, str) else self.uz

    def missing(self, languages: Sequence[str]) -> list[str]:
        return [lang for lang in languages if getattr(self, lang, None) is None]


class _QuestionBase(_Strict):
    id: Identifier
    text: LocalizedText
    explanation: LocalizedText | None = None
    time: Seconds | None = None
    points: Literal[0, 1, 2] = 1
    tags: list[Tag] = Field(default_factory=list)
    image: str | None = None
    quality_ok: dict[str, str] = Field(default_factory=dict)

    @field_validator("quality_ok")
    @classmethod
    def _quality_codes_known(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_quality_ok(value, QUESTION_QUALITY_CODES, "a question", "the bank")

    @field_validator("image")
    @classmethod
    def _image_is_relative(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # A drive ("C:evil.png", "C:/Windows/...") makes a path absolute on Windows.
        if (
            value.startswith(("/", "\\"))
            or ":" in value
            or ".." in value.replace("\\", "/").split("/")
        ):
            raise ValueError("image must be a relative path inside question_banks/media/")
        return value

    @property
    def scored(self) -> bool:
        return True


def _check_correct_numbers(numbers: list[int], info: ValidationInfo) -> None:
    options = info.data.get("options")
    if options is None:  # the options are broken; that error is reported already
        return
    for number in numbers:
        if not 1 <= number <= len(options):
            raise ValueError(
                f"correct option {number} is out of range (options are numbered 1 to "
                f"{len(options)})"
            )


class SingleChoice(_QuestionBase):
    """Exactly one option is right; `correct` counts options from 1."""

    type: Literal["single"]
    options: list[LocalizedText] = Field(min_length=MIN_OPTIONS, max_length=MAX_OPTIONS)
    correct: int | None = Field(default=None, validate_default=True)

    @field_validator("correct")
    @classmethod
    def _correct_option_exists(cls, value: int | None, info: ValidationInfo) -> int:
        if value is None:
            raise ValueError("no correct option given (set `correct` to the option number)")
        _check_correct_numbers([value], info)
        return value

    @property
    def correct_indexes(self) -> frozenset[int]:
        assert self.correct is not None
        return frozenset({self.correct - 1})


class MultiSelect(_QuestionBase):
    """One or more options are right; partial answers earn partial credit."""

    type: Literal["multi"]
    options: list[LocalizedText] = Field(min_length=MIN_OPTIONS, max_length=MAX_OPTIONS)
    correct: list[int] = Field(default_factory=list, validate_default=True)

    @field_validator("correct")
    @classmethod
    def _correct_options_exist(cls, value: list[int], info: ValidationInfo) -> list[int]:
        if not value:
            raise ValueError("no correct option given (list the right option numbers)")
        if len(set(value)) != len(value):
            raise ValueError("an option is listed as correct twice")
        _check_correct_numbers(value, info)
        return value

    @property
    def correct_indexes(self) -> frozenset[int]:
        return frozenset(number - 1 for number in self.correct)


class TrueFalse(_QuestionBase):
    type: Literal["truefalse"]
    correct: bool | None = Field(default=None, validate_default=True)

    @field_validator("correct")
    @classmethod
    def _answer_given(cls, value: bool | None) -> bool:
        if value is None:
            raise ValueError("no correct option given (set `correct: true` or `correct: false`)")
        return value


class Ordering(_QuestionBase):
    """Steps are written in the right order; players see them shuffled."""

    type: Literal["order"]
    steps: list[LocalizedText] = Field(min_length=MIN_ORDER_STEPS, max_length=MAX_ORDER_STEPS)


class TypedAnswer(_QuestionBase):
    """A short typed answer compared after normalisation (see quizkiosk.engine.normalize)."""

    type: Literal["typed"]
    accepted: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = Field(
        min_length=1
    )


class Poll(_QuestionBase):
    """An opinion question: no correct answer, never scored."""

    type: Literal["poll"]
    options: list[LocalizedText] = Field(min_length=MIN_OPTIONS, max_length=MAX_OPTIONS)

    @property
    def scored(self) -> bool:
        return False


Question = Annotated[
    SingleChoice | MultiSelect | TrueFalse | Ordering | TypedAnswer | Poll,
    Field(discriminator="type"),
]
ScoredQuestion = Annotated[
    SingleChoice | MultiSelect | TrueFalse | Ordering | TypedAnswer,
    Field(discriminator="type"),
]
AnyQuestion = SingleChoice | MultiSelect | TrueFalse | Ordering | TypedAnswer | Poll
QUESTION_TYPES: tuple[str, ...] = ("single", "multi", "truefalse", "order", "typed", "poll")
SCORED_TYPES: tuple[str, ...] = QUESTION_TYPES[:-1]


class CaseScenario(_Strict):
    """A patient story played step by step in the case race."""

    id: Identifier
    title: LocalizedText
    story: LocalizedText
    tags: list[Tag] = Field(default_factory=list)
    image: str | None = None
    steps: list[ScoredQuestion] = Field(min_length=MIN_CASE_STEPS, max_length=MAX_CASE_STEPS)


class Bank(_Strict):
    id: Identifier
    title: LocalizedText
    description: LocalizedText
    tags: list[Tag] = Field(default_factory=list)
    default_time: Seconds = 30
    status: Literal["draft", "sample", "reviewed"] = "sample"
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    languages: list[Language] = Field(default_factory=lambda: list[Language](["uz"]))
    quality_ok: dict[str, str] = Field(default_factory=dict)
    questions: list[Question] = Field(default_factory=list)
    cases: list[CaseScenario] = Field(default_factory=list)

    @field_validator("quality_ok")
    @classmethod
    def _quality_codes_known(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_quality_ok(value, BANK_QUALITY_CODES, "the bank", "the question or step")

    @field_validator("languages")
    @classmethod
    def _uzbek_always_present(cls, value: list[Language]) -> list[Language]:
        if "uz" not in value:
            raise ValueError("'uz' must be among the languages (it is the fallback)")
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @model_validator(mode="after")
    def _has_content(self) -> Bank:
        if not self.questions and not self.cases:
            raise ValueError("the bank has no questions and no cases")
        return self

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def case(self, case_id: str) -> CaseScenario:
        for case in self.cases:
            if case.id == case_id:
                return case
        raise KeyError(case_id)

    def time_for(self, question: AnyQuestion) -> int:
        return question.time if question.time is not None else self.default_time

    def content_hash(self) -> str:
        """A digest of everything in the bank: a game is rebuilt only from the same content."""
        canonical = json.dumps(
            self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
