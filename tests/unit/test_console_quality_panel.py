"""The console's bank page shows the quality check: open warnings, accepted ones with the
reviewer's reason, and a plain "no warnings" line for a clean bank."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from quizkiosk.banks.loader import BUNDLED_BANKS_DIR
from quizkiosk.config import ServerConfig
from quizkiosk.web.app import create_app
from quizkiosk.web.i18n import load_translations
from starlette.testclient import TestClient

CSRF = "csrf-for-the-test"
PASSWORD = "nurse-pass-1"
REASON = "Backdating is never allowed: the word is the point (reviewed)"

# A false statement with "never" in it: one open absolute-word warning.
OPEN_BANK = """\
id: cue-open
title: {uz: Sinov, ru: Тест, en: Test}
description: {uz: Tavsif, ru: Описание, en: Description}
source: unit tests
languages: [uz, ru, en]
questions:
  - id: t1
    type: truefalse
    text: {uz: Yozuv oʻzgarmaydi, ru: Запись не меняется, en: The record is never changed}
    correct: false
    explanation: {uz: Chunki, ru: Потому что, en: Because}
"""
# The same cue, accepted after review.
ACCEPTED_BANK = (
    OPEN_BANK.replace("cue-open", "cue-accepted")
    .replace("The record is never changed", "Backdating is never allowed")
    .replace("correct: false", "correct: true")
    + f"    quality_ok: {{absolute-word: '{REASON}'}}\n"
)
# The same wrong option in three questions: a repeated distractor, counted in the message.
REPEATED_BANK = """\
id: repeated
title: {uz: Sinov, ru: Тест, en: Test}
description: {uz: Tavsif, ru: Описание, en: Description}
source: unit tests
languages: [uz, ru, en]
questions:
""" + "".join(
    f"""\
  - id: q{n}
    type: single
    text: {{uz: {uz}, ru: {ru}, en: {en}}}
    options:
      - {{uz: Toʻgʻri {n}, ru: Верно {n}, en: Right {n}}}
      - {{uz: Oylik maosh, ru: Зарплата, en: Salary}}
    correct: 1
    explanation: {{uz: Chunki, ru: Потому что, en: Because}}
"""
    for n, (uz, ru, en) in enumerate(
        [
            ("Kim imzolaydi", "Кто подписывает", "Who signs"),
            ("Qayerda saqlanadi", "Где хранится", "Where is it kept"),
            ("Qachon yopiladi", "Когда закрывают", "When is it closed"),
        ]
    )
)
BUNDLED = "privacy-security"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("console")
    banks = root / "banks"
    banks.mkdir()
    (banks / "cue-open.yaml").write_text(OPEN_BANK, encoding="utf-8")
    (banks / "cue-accepted.yaml").write_text(ACCEPTED_BANK, encoding="utf-8")
    (banks / "repeated.yaml").write_text(REPEATED_BANK, encoding="utf-8")
    shutil.copy(BUNDLED_BANKS_DIR / f"{BUNDLED}.yaml", banks)
    data = root / "data"
    subprocess.run(
        [sys.executable, "-m", "quizkiosk.cli", "trainers", "add", "nurse", "--password-stdin"],
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
        check=True,
        env={**os.environ, "QUIZKIOSK_DATA_DIR": str(data)},
    )
    with TestClient(create_app(ServerConfig(data_dir=data, banks_dir=banks))) as client:
        client.cookies.set("qk_csrf", CSRF)
        form = {"username": "nurse", "password": PASSWORD, "csrf_token": CSRF}
        assert client.post("/login", data=form, follow_redirects=False).status_code == 303
        yield client


def quality_panel(client: TestClient, bank_id: str, language: str = "en") -> str:
    page = client.get(f"/console/banks/{bank_id}?lang={language}")
    assert page.status_code == 200
    panel = re.search(r'<section[^>]*data-testid="quality".*?</section>', page.text, re.DOTALL)
    assert panel, "no quality panel on the bank page"
    return panel.group(0)


def items(panel: str, testid: str) -> list[str]:
    return re.findall(rf'<li data-testid="{testid}".*?</li>', panel, re.DOTALL)


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_an_open_warning_is_listed_with_its_code_and_translated_message(
    console: TestClient, language: str
) -> None:
    panel = quality_panel(console, "cue-open", language)
    [warning] = items(panel, "quality-warning")
    assert 'data-code="absolute-word"' in warning and 'data-question-id="t1"' in warning
    translated = load_translations()[language].gettext(
        "The true-or-false statement contains a cue word that gives the answer away: %(words)s."
    ) % {"words": "“never” (en)"}
    assert translated in html.unescape(re.sub(r"\s+", " ", warning))
    assert items(panel, "quality-accepted") == []


def test_an_accepted_warning_is_listed_apart_with_the_reviewers_reason(
    console: TestClient,
) -> None:
    panel = quality_panel(console, "cue-accepted")
    assert items(panel, "quality-warning") == []
    assert "No quality warnings" in panel
    [accepted] = items(panel, "quality-accepted")
    assert 'data-code="absolute-word"' in accepted
    assert f"Reason: {REASON}" in accepted


def test_a_bundled_bank_shows_no_quality_warnings(console: TestClient) -> None:
    panel = quality_panel(console, BUNDLED)
    assert items(panel, "quality-warning") == [] and items(panel, "quality-accepted") == []
    assert "No quality warnings: key positions, answer lengths" in panel


def test_a_count_in_a_warning_takes_the_languages_plural_form(console: TestClient) -> None:
    warnings = items(quality_panel(console, "repeated", "ru"), "quality-warning")
    assert len(warnings) == 3
    assert all('data-code="throwaway-distractor"' in w for w in warnings)
    assert "служит отвлекающим в 3 вопросах" in warnings[0]
