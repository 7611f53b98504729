"""Every string people see is in the catalogs, in Uzbek, Russian and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from server.web.i18n import LANGUAGES, TRANSLATIONS_DIR, load_catalogs

UI = Path(__file__).resolve().parents[2] / "kiosk_ui"
CATALOGS = load_catalogs()
TEMPLATE_CALL = re.compile(r"""_\(\s*"((?:[^"\\]|\\.)*)"|_\(\s*'((?:[^'\\]|\\.)*)'""")
JS_CALL = re.compile(r"""\b(?:t|setText\([^,]+,)\s*\(?\s*"((?:[^"\\]|\\.)*)"(?=\s*[,)])""")


def po_files() -> list[str]:
    return sorted({p.name for p in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/*.po")})


@pytest.mark.parametrize("name", po_files())
def test_each_catalog_file_has_the_same_messages_in_every_language(name: str) -> None:
    ids = {}
    for language in LANGUAGES:
        with (TRANSLATIONS_DIR / language / "LC_MESSAGES" / name).open("rb") as handle:
            catalog = read_po(handle, locale=language)
        ids[language] = {m.id for m in catalog if m.id}
        empty = [m.id for m in catalog if m.id and not m.string]
        assert empty == [], f"{language}/{name}: untranslated {empty}"
    assert ids["ru"] == ids["uz"] and ids["en"] == ids["uz"]


def test_uzbek_uses_the_modifier_letter_for_o_and_g() -> None:
    # oʻ and gʻ are written with U+02BB, not with an ASCII apostrophe or a backtick.
    wrong = [s for s in CATALOGS["uz"].values() if re.search(r"[OoGg]['`‘’]", s)]
    assert wrong == []


def test_every_template_string_is_translated() -> None:
    missing = set()
    seen = 0
    for template in (UI / "templates").glob("*.html"):
        for match in TEMPLATE_CALL.finditer(template.read_text(encoding="utf-8")):
            seen += 1
            message = match.group(1) or match.group(2)
            for language in LANGUAGES:
                if message not in CATALOGS[language]:
                    missing.add((template.name, language, message))
    assert seen > 100  # the pattern really finds the strings
    assert sorted(missing) == []


def test_every_javascript_string_is_translated() -> None:
    missing = set()
    seen = 0
    for script in (UI / "static" / "js").glob("*.js"):
        for match in JS_CALL.finditer(script.read_text(encoding="utf-8")):
            seen += 1
            message = match.group(1).replace('\\"', '"')
            for language in LANGUAGES:
                if message not in CATALOGS[language]:
                    missing.add((script.name, language, message))
    assert seen > 50
    assert sorted(missing) == []
