"""`dump_bank_yaml` and `write_text_atomically`, written as their specification.

A bank written out as YAML must read back as the same bank, look like the
hand-written examples in docs/question-banks.md, and never be left half-written
on disk.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quizkiosk.banks.loader import BUNDLED_BANKS_DIR, load_banks, parse_bank_text
from quizkiosk.banks.model import Bank
from quizkiosk.banks.yaml_writer import (
    BANK_KEYS,
    QUESTION_KEYS,
    dump_bank_yaml,
    write_text_atomically,
)


def tri(uz: str, ru: str | None = None, en: str | None = None) -> dict[str, str]:
    text = {"uz": uz, "ru": ru, "en": en}
    return {lang: value for lang, value in text.items() if value is not None}


def every_type_bank() -> Bank:
    """One question of every type, partial translations, and a case."""
    step = {
        "type": "truefalse",
        "text": tri("Bemor kartasi ochiqmi?", "Карта пациента открыта?"),
        "correct": True,
        "explanation": tri("Ha, avval kartani oching."),
    }
    return Bank.model_validate(
        {
            "id": "referrals-lab",
            "title": tri("Yoʻllanmalar", "Направления", "Referrals"),
            "description": tri("Laboratoriya va\nboshqa muassasalar", en="Lab\nand other"),
            "tags": ["referrals", "lab"],
            "default_time": 25,
            "status": "reviewed",
            "source": "Polyclinic trainer notes",
            "languages": ["uz", "ru", "en"],
            "questions": [
                {
                    "id": "disp-01",
                    "type": "single",
                    "text": tri("Dispanser nazorati qachon?", "Когда диспансерный учёт?"),
                    "options": [tri("Birinchi tashrifda"), tri("Tashxisdan keyin", "После")],
                    "correct": 2,
                    "explanation": tri("Tashxis qoʻyilgach."),
                    "time": 40,
                    "points": 2,
                    "tags": ["dispensary"],
                    "image": "referrals/form.png",
                },
                {
                    "id": "lab-02",
                    "type": "multi",
                    "text": tri("Qaysilari tahlil?"),
                    "options": [tri("Qon"), tri("Siydik"), tri("Retsept")],
                    "correct": [1, 2],
                    "points": 0,
                },
                {
                    "id": "tf-03",
                    "type": "truefalse",
                    "text": tri("Imzo kerakmi?"),
                    "correct": False,
                },
                {
                    "id": "ord-04",
                    "type": "order",
                    "text": tri("Tartib"),
                    "steps": [tri("Bemorni toping"), tri("Yoʻllanma yarating"), tri("Saqlang")],
                },
                {
                    "id": "icd-05",
                    "type": "typed",
                    "text": tri("Qandli diabet 2-tur kodi?"),
                    "accepted": ["E11.9", "E119"],
                },
                {
                    "id": "poll-06",
                    "type": "poll",
                    "text": tri("DMED qulaymi?"),
                    "options": [tri("Ha"), tri("Yoʻq")],
                },
            ],
            "cases": [
                {
                    "id": "case-diabetes",
                    "title": tri("Qandli diabet"),
                    "story": tri("Bemor 54 yosh.\nNazoratga keldi."),
                    "tags": ["dispensary"],
                    "steps": [{"id": f"s{n}", **step} for n in range(1, 5)],
                }
            ],
        }
    )


def reparsed(text: str) -> Bank:
    bank, problems = parse_bank_text(text, "dumped.yaml", media_root=None)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert bank is not None, errors
    return bank


def test_dumped_bank_parses_back_to_an_equal_bank() -> None:
    bank = every_type_bank()
    assert reparsed(dump_bank_yaml(bank)) == bank


def test_keys_follow_the_documented_order() -> None:
    data = yaml.safe_load(dump_bank_yaml(every_type_bank()))
    assert list(data) == list(BANK_KEYS)
    for question in data["questions"]:
        assert list(question) == [key for key in QUESTION_KEYS if key in question]
    assert list(data["cases"][0]) == ["id", "title", "story", "tags", "steps"]


def test_none_empty_and_default_values_are_left_out() -> None:
    text = dump_bank_yaml(every_type_bank())
    data = yaml.safe_load(text)
    assert "null" not in text
    assert data["questions"][1]["text"] == {"uz": "Qaysilari tahlil?"}  # no ru/en: None
    multi, true_false = data["questions"][1], data["questions"][2]
    assert "tags" not in multi and "time" not in multi and "explanation" not in multi
    assert multi["points"] == 0  # a practice question keeps its 0
    assert "points" not in true_false  # 1 is the default
    assert true_false["correct"] is False  # false is a value, not "empty"


def test_always_writes_the_settings_a_trainer_should_see() -> None:
    bank = Bank.model_validate(
        {
            "id": "b",
            "title": "T",
            "description": "D",
            "source": "S",
            "questions": [{"id": "q", "type": "truefalse", "text": "X", "correct": True}],
        }
    )
    data = yaml.safe_load(dump_bank_yaml(bank))
    assert data["default_time"] == 30
    assert data["status"] == "sample"
    assert data["languages"] == ["uz"]
    assert "cases" not in data and "tags" not in data


def test_unicode_is_written_as_is_and_long_lines_are_not_wrapped() -> None:
    long_text = "Yoʻllanma " * 40
    bank = every_type_bank().model_copy(update={"title": every_type_bank().title})
    data = bank.model_dump()
    data["questions"][0]["text"] = {"uz": long_text.strip(), "ru": "Направление ў қ ғ ҳ"}
    bank = Bank.model_validate(data)
    text = dump_bank_yaml(bank)
    assert "Yoʻllanmalar" in text and "Направление ў қ ғ ҳ" in text
    assert "\\u" not in text and "\\x" not in text
    assert any(line.strip() == f"uz: {long_text.strip()}" for line in text.splitlines())
    assert reparsed(text) == bank


def test_multi_line_texts_are_literal_blocks() -> None:
    text = dump_bank_yaml(every_type_bank())
    assert "uz: |-\n        Bemor 54 yosh.\n        Nazoratga keldi." in text
    assert reparsed(text).cases[0].story.uz == "Bemor 54 yosh.\nNazoratga keldi."


def test_lists_are_indented_under_their_key_and_scalar_lists_are_inline() -> None:
    text = dump_bank_yaml(every_type_bank())
    assert "\nquestions:\n  - id: disp-01\n" in text
    assert "tags: [referrals, lab]" in text
    assert "accepted: [E11.9, E119]" in text


@pytest.mark.parametrize(
    "tricky",
    [
        *["true", "no", "yes", "null", "~", "1", "1.5", "0x1F", "1e3", "2024-01-01", "12:30"],
        *["- a", "#x", "a: b", "a #b", "'q", '"q', "@x", "*x", "&x", "!x", "%x", "{a}", "[a]"],
        *["?", "|", ">", "a\\b", "tab\there", "ends with colon:", "  spaced  "],
    ],
)
def test_texts_that_look_like_other_yaml_values_stay_texts(tricky: str) -> None:
    data = every_type_bank().model_dump()
    data["questions"][4]["accepted"] = [tricky, "x"]
    data["questions"][0]["options"][0] = {"uz": tricky, "ru": tricky}
    data["tags"] = [tricky]
    bank = Bank.model_validate(data)
    assert reparsed(dump_bank_yaml(bank)) == bank


BUNDLED = sorted(load_banks([BUNDLED_BANKS_DIR]).banks.values(), key=lambda bank: bank.id)


@pytest.mark.parametrize(
    "bank",
    BUNDLED or [pytest.param(None, marks=pytest.mark.skip(reason="no bundled bank loads yet"))],
    ids=[bank.id for bank in BUNDLED] or ["none"],
)
def test_every_bundled_bank_round_trips(bank: Bank) -> None:
    assert reparsed(dump_bank_yaml(bank)) == bank


# --- property: any valid bank round-trips ----------------------------------

# Lone surrogates cannot be encoded as UTF-8 at all, so no bank holds them.
any_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30).filter(
    lambda s: bool(s.strip())
)
identifiers = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,12}", fullmatch=True)
localized = st.fixed_dictionaries({"uz": any_text}, optional={"ru": any_text, "en": any_text})
options = st.lists(localized, min_size=2, max_size=6)


def _question(kind: str, body: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    common = st.fixed_dictionaries(
        {"type": st.just(kind), "text": localized},
        optional={
            "explanation": localized,
            "time": st.integers(5, 600),
            "points": st.sampled_from([0, 1, 2]),
            "tags": st.lists(any_text, max_size=3),
            "image": st.sampled_from(["a.png", "cases/b c.jpg"]),
        },
    )
    return st.tuples(common, body).map(lambda parts: {**parts[0], **parts[1]})


def _with_correct(draw_options: list[dict[str, str]], multi: bool) -> st.SearchStrategy[Any]:
    numbers = st.integers(1, len(draw_options))
    if multi:
        picked = st.lists(numbers, min_size=1, max_size=len(draw_options), unique=True)
        return picked.map(lambda correct: {"options": draw_options, "correct": correct})
    return numbers.map(lambda correct: {"options": draw_options, "correct": correct})


questions = st.one_of(
    _question("single", options.flatmap(lambda o: _with_correct(o, multi=False))),
    _question("multi", options.flatmap(lambda o: _with_correct(o, multi=True))),
    _question("truefalse", st.builds(lambda c: {"correct": c}, st.booleans())),
    _question(
        "order", st.builds(lambda s: {"steps": s}, st.lists(localized, min_size=3, max_size=6))
    ),
    _question(
        "typed", st.builds(lambda a: {"accepted": a}, st.lists(any_text, min_size=1, max_size=3))
    ),
    _question("poll", st.builds(lambda o: {"options": o}, options)),
)


def _numbered(items: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    # Unique ids keep the bank valid; the ids themselves are tested elsewhere.
    return [{**item, "id": f"{prefix}{n}"} for n, item in enumerate(items, start=1)]


case_steps = st.lists(
    questions.filter(lambda q: q["type"] != "poll").map(
        lambda q: {**q, "explanation": q.get("explanation", {"uz": "why"})}
    ),
    min_size=4,
    max_size=5,
).map(lambda steps: _numbered(steps, "s"))
cases = st.fixed_dictionaries(
    {"title": localized, "story": localized, "steps": case_steps},
    optional={"tags": st.lists(any_text, max_size=2)},
)
banks = st.fixed_dictionaries(
    {
        "id": identifiers,
        "title": localized,
        "description": localized,
        "source": any_text,
        "questions": st.lists(questions, min_size=1, max_size=4).map(lambda q: _numbered(q, "q")),
    },
    optional={
        "tags": st.lists(any_text, max_size=3),
        "default_time": st.integers(5, 600),
        "status": st.sampled_from(["draft", "sample", "reviewed"]),
        "languages": st.sampled_from([["uz"], ["uz", "ru"], ["ru", "uz", "en"]]),
        "cases": st.lists(cases, max_size=2).map(lambda c: _numbered(c, "c")),
    },
).map(Bank.model_validate)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(banks)
def test_any_valid_bank_round_trips(bank: Bank) -> None:
    assert reparsed(dump_bank_yaml(bank)) == bank


# --- write_text_atomically --------------------------------------------------


def test_writes_utf8_text(tmp_path: Path) -> None:
    target = tmp_path / "bank.yaml"
    write_text_atomically(target, "title: Yoʻllanma — Направление\n")
    assert target.read_text(encoding="utf-8") == "title: Yoʻllanma — Направление\n"
    assert os.listdir(tmp_path) == ["bank.yaml"]  # no temporary file left behind


def test_new_files_are_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "bank.yaml"
    write_text_atomically(target, "x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_replacing_keeps_the_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "bank.yaml"
    target.write_text("old")
    target.chmod(0o600)
    write_text_atomically(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_reader_of_the_old_file_never_sees_a_partial_new_one(tmp_path: Path) -> None:
    target = tmp_path / "bank.yaml"
    target.write_text("old content\n" * 100)
    with target.open() as reader:
        write_text_atomically(target, "new\n")
        # The old file was replaced, not truncated and rewritten in place.
        assert reader.read() == "old content\n" * 100
    assert target.read_text() == "new\n"


@pytest.mark.parametrize("failing", ["fsync", "replace", "chmod"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "bank.yaml"
    target.write_text("old")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="disk full"):
        write_text_atomically(target, "new " * 10_000)
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["bank.yaml"]


def test_a_failed_first_write_leaves_no_file_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_text_atomically(tmp_path / "bank.yaml", "new")
    assert os.listdir(tmp_path) == []


def test_text_that_cannot_be_encoded_does_not_touch_the_file(tmp_path: Path) -> None:
    target = tmp_path / "bank.yaml"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomically(target, "lone surrogate \ud800")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["bank.yaml"]
