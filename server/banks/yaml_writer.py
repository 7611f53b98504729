"""Write a `Bank` back out as YAML a trainer can read and edit by hand.

The output follows the field order of docs/question-banks.md, leaves out
empty and default values, keeps Uzbek and Russian letters as they are (no
`\\u` escapes) and never wraps lines, so a diff of a re-exported bank shows
only what really changed.  `parse_bank_text(dump_bank_yaml(bank), ...)` gives
back an equal bank.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import yaml
from pydantic import BaseModel
from quizkiosk.banks.model import LANGUAGES, Bank, CaseScenario, LocalizedText

BANK_KEYS = (
    "id",
    "title",
    "description",
    "tags",
    "default_time",
    "status",
    "source",
    "languages",
    "questions",
    "cases",
)
QUESTION_KEYS = (
    "id",
    "type",
    "text",
    "options",
    "steps",
    "accepted",
    "correct",
    "explanation",
    "time",
    "points",
    "tags",
    "image",
    "quality_ok",
)
# A bank's reviewed `quality_ok` notes (rare) are written just before its
# questions, where a reader of the file meets them first.
_BANK_ORDER = (
    *BANK_KEYS[: BANK_KEYS.index("questions")],
    "quality_ok",
    *BANK_KEYS[BANK_KEYS.index("questions") :],
)
CASE_KEYS = ("id", "title", "story", "tags", "image", "steps")

# Values equal to the model default that only add noise to a hand-edited file.
# `default_time`, `status` and `languages` are always written: a trainer
# should see them.
_QUIET_DEFAULTS: dict[str, object] = {"points": 1}

# New files get ordinary read permissions; mkstemp alone would create 0600.
_NEW_FILE_MODE = 0o644


class _BankDumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as in the docs."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # PyYAML puts `- item` flush with the parent key by default; the docs
        # (and most editors) indent it, which is easier to read.
        super().increase_indent(flow, False)


# YAML also breaks lines at these; PyYAML writes them raw into plain, quoted
# and block scalars, and reading them back folds them into spaces or "\n".
# Only double quotes (which escape them) keep them exactly.
_OTHER_LINE_BREAKS = frozenset("\r\x85\u2028\u2029")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style: str | None = None
    if _OTHER_LINE_BREAKS.intersection(data):
        style = '"'
    elif "\n" in data:
        # Multi-line stories read best as literal blocks.  PyYAML falls back
        # to a quoted style by itself when a block cannot hold the text exactly.
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_list(dumper: yaml.SafeDumper, data: list[object]) -> yaml.SequenceNode:
    # Short scalar lists (tags, languages, correct, accepted) stay on one line
    # like `tags: [referrals, lab]` in the docs; lists of mappings are blocks.
    flow = all(isinstance(item, str | int | float | bool) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_BankDumper.add_representer(str, _represent_str)
_BankDumper.add_representer(list, _represent_list)


def dump_bank_yaml(bank: Bank) -> str:
    """The bank as human-friendly YAML in the documented key order."""
    return yaml.dump(
        bank_to_data(bank),
        Dumper=_BankDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=float("inf"),
    )


def bank_to_data(bank: Bank) -> dict[str, object]:
    """Plain dicts and lists in bank-file shape, ready for any YAML dumper."""
    return _model_data(bank)


def _model_data(model: BaseModel) -> dict[str, object]:
    fields = type(model).model_fields
    order = _key_order(model)
    # Fields the docs do not list yet still get written (after the known
    # ones) so a newer model never loses data here.
    names = [name for name in order if name in fields]
    names += [name for name in fields if name not in order]
    data: dict[str, object] = {}
    for name in names:
        value = _plain(getattr(model, name))
        if not _omitted(name, value):
            data[name] = value
    return data


def _key_order(model: BaseModel) -> tuple[str, ...]:
    if isinstance(model, Bank):
        return _BANK_ORDER
    if isinstance(model, CaseScenario):
        return CASE_KEYS
    return QUESTION_KEYS


def _omitted(name: str, value: object) -> bool:
    if value is None or value == [] or value == {}:
        return True
    return name in _QUIET_DEFAULTS and value == _QUIET_DEFAULTS[name]


def _plain(value: object) -> object:
    if isinstance(value, LocalizedText):
        return localized_data(value)
    if isinstance(value, BaseModel):
        return _model_data(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def localized_data(text: LocalizedText) -> dict[str, str]:
    """`{uz: ..., ru: ..., en: ...}` without the languages the text lacks."""
    data: dict[str, str] = {}
    for language in LANGUAGES:
        value = getattr(text, language)
        if isinstance(value, str):
            data[language] = value
    return data


def write_text_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) so readers see the old or the new file, never half."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file next to `path`, then rename it over `path`.

    The rename is atomic because both names are in the same directory (same
    file system).  If anything fails the temporary file is removed and `path`
    is left as it was.
    """
    mode = path.stat().st_mode & 0o7777 if path.exists() else _NEW_FILE_MODE
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp_file:
            temp_file.write(data)
            temp_file.flush()
            # Without fsync a power cut right after the rename can leave an
            # empty file behind on some file systems.
            os.fsync(temp_file.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable.  Directories cannot be opened like
    # this on Windows; there the rename is as durable as it gets.
    # Some file systems (network shares) refuse it; the new file is in place
    # either way, so that is no reason to report the write as failed.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
