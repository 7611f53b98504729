"""Checks that need the whole parsed bank: ids, explanations, images, languages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel
from quizkiosk.banks.model import LANGUAGES, Bank, LocalizedText
from quizkiosk.banks.problems import FieldPath, Severity

Finding = tuple[FieldPath, str, Severity]


def duplicate_id_findings(data: dict[str, object]) -> list[Finding]:
    """Duplicate ids, found on the raw data so they show even when a field is broken."""
    findings = _duplicate_ids(data.get("questions"), ("questions",), "question")
    cases = data.get("cases")
    findings += _duplicate_ids(cases, ("cases",), "case")
    if isinstance(cases, list):
        for case_index, case in enumerate(cases):
            if isinstance(case, dict):
                steps_path: FieldPath = ("cases", case_index, "steps")
                findings += _duplicate_ids(case.get("steps"), steps_path, "step")
    return findings


def bank_findings(bank: Bank, media_root: Path | None) -> list[Finding]:
    """Everything a valid model can still get wrong, as errors and warnings."""
    findings: list[Finding] = []
    for case_index, case in enumerate(bank.cases):
        steps_path: FieldPath = ("cases", case_index, "steps")
        for step_index, step in enumerate(case.steps):
            if step.explanation is None:
                findings.append(
                    ((*steps_path, step_index), "case step has no explanation", "error")
                )
    for index, question in enumerate(bank.questions):
        if question.scored and question.explanation is None:
            findings.append(
                (("questions", index), "no explanation to show at the reveal", "warning")
            )
    if media_root is not None:
        findings += _missing_images(bank, media_root)
    findings += _language_gaps(bank)
    return findings


def _duplicate_ids(items: object, path: FieldPath, what: str) -> list[Finding]:
    seen: set[str] = set()
    findings: list[Finding] = []
    if not isinstance(items, list):
        return findings
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        item_id = item["id"]
        if item_id in seen:
            findings.append(((*path, index, "id"), f"duplicate {what} id '{item_id}'", "error"))
        seen.add(item_id)
    return findings


def _missing_images(bank: Bank, media_root: Path) -> list[Finding]:
    findings: list[Finding] = []
    for path, value in _walk(bank, ()):
        is_image = bool(path) and path[-1] == "image" and isinstance(value, str)
        if is_image and not (media_root / str(value)).is_file():
            findings.append((path, f"image file not found: {media_root.name}/{value}", "error"))
    return findings


def _language_gaps(bank: Bank) -> list[Finding]:
    findings: list[Finding] = []
    declared = list(bank.languages)
    undeclared = [lang for lang in LANGUAGES if lang not in declared]
    for path, value in _walk(bank, ()):
        if not isinstance(value, LocalizedText):
            continue
        for lang in value.missing(declared):
            findings.append(
                ((*path, lang), f"no '{lang}' translation; Uzbek text will be shown", "warning")
            )
        for lang in undeclared:
            if getattr(value, lang) is not None:
                findings.append(
                    (
                        (*path, lang),
                        f"'{lang}' text given but not in the bank's languages",
                        "warning",
                    )
                )
    return findings


def _walk(value: object, path: FieldPath) -> Iterator[tuple[FieldPath, object]]:
    yield path, value
    if isinstance(value, LocalizedText):
        return
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))
