"""Load bank files into typed `Bank` objects, collecting every problem.

A bad bank never stops the others: each file is loaded on its own and its
problems are reported next to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from quizkiosk.banks.lint import Finding, bank_findings, duplicate_id_findings
from quizkiosk.banks.model import QUESTION_TYPES, SCORED_TYPES, Bank
from quizkiosk.banks.problems import FieldPath, Problem
from quizkiosk.banks.yamlsource import YamlDocument, YamlSourceError, parse_yaml
from quizkiosk.resources import bundled_banks_folder

BANK_SUFFIXES = (".yaml", ".yml")
MEDIA_DIR = "media"
# Installed as the package quizkiosk.question_banks (quizkiosk.resources says why).
BUNDLED_BANKS_DIR = bundled_banks_folder()


@dataclass
class BankFile:
    path: Path
    bank: Bank | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


@dataclass
class BankCatalog:
    files: list[BankFile] = field(default_factory=list)

    @property
    def banks(self) -> dict[str, Bank]:
        return {f.bank.id: f.bank for f in self.files if f.bank is not None}

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def has_errors(self) -> bool:
        return any(f.errors for f in self.files)


def media_root_for(bank_path: Path) -> Path:
    return bank_path.parent / MEDIA_DIR


def parse_bank_text(
    text: str, file_label: str, media_root: Path | None
) -> tuple[Bank | None, list[Problem]]:
    """Validate bank YAML text; the bank is None if there is any error."""
    try:
        document = parse_yaml(text)
    except YamlSourceError as error:
        return None, [Problem(file_label, error.line, error.path, error.message)]
    return validate_bank_document(document, file_label, media_root)


def validate_bank_document(
    document: YamlDocument, file_label: str, media_root: Path | None
) -> tuple[Bank | None, list[Problem]]:
    """Every problem of a parsed document, and the bank if there is no error."""
    data = document.data
    if not isinstance(data, dict):
        message = "a bank file must be a YAML mapping (id:, title:, questions:, ...)"
        return None, [Problem(file_label, 1, (), message)]

    def located(findings: list[Finding]) -> list[Problem]:
        return [
            Problem(file_label, document.line_of(path), path, message, severity)
            for path, message, severity in findings
        ]

    problems = located(duplicate_id_findings(data))
    try:
        bank = Bank.model_validate(data)
    except ValidationError as error:
        problems += [_problem_from_pydantic(d, document, file_label) for d in error.errors()]
        problems.sort(key=lambda p: p.line or 0)
        return None, problems
    problems += located(bank_findings(bank, media_root))
    problems.sort(key=lambda p: p.line or 0)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return bank, problems


def load_bank_file(path: Path, media_root: Path | None = None) -> BankFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return BankFile(path, None, [Problem(str(path), None, (), f"cannot read file: {error}")])
    bank, problems = parse_bank_text(text, str(path), media_root or media_root_for(path))
    return BankFile(path, bank, problems)


def bank_paths(sources: Iterable[Path]) -> list[Path]:
    paths: list[Path] = []
    for source in sources:
        if source.is_dir():
            paths += sorted(p for p in source.iterdir() if p.suffix in BANK_SUFFIXES)
        else:
            paths.append(source)
    return paths


def load_banks(sources: Iterable[Path]) -> BankCatalog:
    catalog = BankCatalog()
    owners: dict[str, Path] = {}
    for path in bank_paths(sources):
        if not path.exists():
            catalog.files.append(
                BankFile(path, None, [Problem(str(path), None, (), "no such file")])
            )
            continue
        loaded = load_bank_file(path)
        if loaded.bank is not None and loaded.bank.id in owners:
            loaded.problems.append(
                Problem(
                    str(path),
                    1,
                    ("id",),
                    f"duplicate bank id '{loaded.bank.id}' (also in {owners[loaded.bank.id]})",
                )
            )
            loaded.bank = None
        elif loaded.bank is not None:
            owners[loaded.bank.id] = path
        catalog.files.append(loaded)
    return catalog


def _data_path(loc: tuple[int | str, ...], data: object) -> tuple[FieldPath, str | None]:
    """Drop pydantic's union-tag parts from `loc`; also return the tag seen, if any."""
    path: list[str | int] = []
    current = data
    tag: str | None = None
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part not in current:
            if current.get("type") == part:
                tag = part
                continue
            if part in ("str", "LocalizedText") or part.startswith("function-"):
                continue
        path.append(part)
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            current = None
    return tuple(path), tag


def _problem_from_pydantic(
    detail: ErrorDetails, document: YamlDocument, file_label: str
) -> Problem:
    path, _ = _data_path(tuple(detail["loc"]), document.data)
    if detail["type"] in ("union_tag_invalid", "union_tag_not_found"):
        path = (*path, "type")
    return Problem(file_label, document.line_of(path), path, _friendly_message(detail, path))


def _friendly_message(detail: ErrorDetails, path: FieldPath) -> str:
    kind = detail["type"]
    field_name = next((p for p in reversed(path) if isinstance(p, str)), "")
    context = detail.get("ctx") or {}
    value = detail.get("input")
    if kind == "extra_forbidden":
        return f"unknown field '{field_name}' (not part of the bank format; check the spelling)"
    if kind == "missing":
        return f"missing required field '{field_name}'"
    if kind == "union_tag_invalid":
        in_case = "steps" in path
        if in_case and value and isinstance(value, dict) and value.get("type") == "poll":
            return "a poll cannot be a case step (case steps are scored)"
        allowed = SCORED_TYPES if in_case else QUESTION_TYPES
        return (
            f"unknown question type '{context.get('tag')}' (expected one of: {', '.join(allowed)})"
        )
    if kind == "union_tag_not_found":
        return f"missing field 'type' (one of: {', '.join(QUESTION_TYPES)})"
    if kind in ("too_short", "too_long"):
        limits = {
            "options": "2 to 6 options",
            "steps": "3 to 6 steps",
            "accepted": "at least one accepted answer",
        }
        wanted = limits.get(field_name, "a different number of items")
        if len(path) == 3 and path[0] == "cases" and field_name == "steps":
            wanted = "4 to 10 steps"
        return f"needs {wanted}, has {context.get('actual_length')}"
    if kind == "literal_error":
        return f"must be one of {context.get('expected')}, not {value!r}"
    if kind == "string_pattern_mismatch":
        return "ids use letters, digits, '-', '_' and '.', start with a letter or digit, max 64"
    message = str(detail["msg"])
    return message.removeprefix("Value error, ")
