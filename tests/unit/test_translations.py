"""Every text people see is in the gettext catalogues, in Uzbek, Russian and English.

The msgids are found the way `pybabel extract` finds them (babel.cfg), so the tests fail
when messages.pot, a language's messages.po or its compiled messages.mo is out of date;
README.md ("Translations") has the commands that bring them up to date.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from gettext import GNUTranslations, c2py
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import babel
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from quizkiosk.web.i18n import (
    DOMAIN,
    LANGUAGE_COOKIE,
    LANGUAGES,
    TRANSLATIONS_DIR,
    choose_language,
    load_catalogs,
    load_translations,
    read_template,
)
from quizkiosk.web.pages import PLURAL_RULE_KEY, PLURALS_KEY, javascript_catalog, page_environment
from starlette.requests import Request

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "kiosk_ui"
JS_DIR = UI / "static" / "js"
UNMARKED_JS = TRANSLATIONS_DIR / "unmarked_js_messages.js"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Jinja2's newstyle gettext always formats: a % is either %(name)s or %%.
BARE_PERCENT = re.compile(r"%(?!\(\w+\)s|%)")
PLURAL_FORMS = {
    "uz": (2, "(n != 1)"),
    "ru": (
        3,
        "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
    ),
    "en": (2, "(n != 1)"),
}
COUNTS = range(0, 1001)

Key = str | tuple[str, ...]


def po_path(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def entries(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def key_of(message: Message) -> Key:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def forms_of(message: Message) -> list[str]:
    string = message.string
    return [string] if isinstance(string, str) else [str(form) for form in string]


def extract(subtree: str = "") -> dict[Key, list[str]]:
    """msgid (or (singular, plural)) -> where it is used, as `pybabel extract` finds them."""
    version = tuple(int(part) for part in babel.__version__.split(".")[:2])
    assert version >= (2, 18), "babel.cfg's per-format keywords need Babel 2.18 or newer"
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[Key, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        if filename.startswith(subtree):
            key: Key = message if isinstance(message, str) else tuple(message)
            found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


EXTRACTED = extract()
TEMPLATE = read_template()
CATALOGUES = {language: read_catalogue(language) for language in LANGUAGES}


def test_the_extraction_finds_the_texts_of_every_kind_of_source() -> None:
    where = [place for places in EXTRACTED.values() for place in places]
    assert sum(p.startswith("server/") for p in where) > 30
    assert sum(p.startswith("kiosk_ui/templates/") for p in where) > 150
    assert sum(p.startswith("kiosk_ui/static/js/") for p in where) > 60
    assert any(isinstance(key, tuple) for key in EXTRACTED)  # ngettext / tn


def test_messages_pot_is_up_to_date() -> None:
    in_template = {key_of(m) for m in entries(TEMPLATE)}
    missing = sorted(map(str, set(EXTRACTED) - in_template))
    unused = sorted(map(str, in_template - set(EXTRACTED)))
    assert (missing, unused) == ([], []), "run `pybabel extract` (README.md, Translations)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_has_exactly_the_messages_of_the_template(language: str) -> None:
    in_template = {key_of(m) for m in entries(TEMPLATE)}
    in_catalogue = {key_of(m) for m in entries(CATALOGUES[language])}
    assert sorted(map(str, in_template ^ in_catalogue)) == [], "run `pybabel update`"


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_uzbek_and_russian_translate_every_message(language: str) -> None:
    untranslated = [
        m.id for m in entries(CATALOGUES[language]) if not all(f.strip() for f in forms_of(m))
    ]
    assert untranslated == []


def test_english_needs_no_translations() -> None:
    # The msgids are English: an empty msgstr shows the msgid, so copying it is noise.
    copies = [
        m.id
        for m in entries(CATALOGUES["en"])
        if forms_of(m) == ([m.id] if isinstance(m.id, str) else list(m.id))
    ]
    assert copies == []
    shown = load_translations()["en"]
    for message in entries(TEMPLATE):
        if isinstance(message.id, str):
            assert shown.gettext(message.id) == message.id
        else:
            one, many = message.id[0], message.id[1]
            assert [shown.ngettext(one, many, n) for n in (1, 2, 5)] == [one, many, many]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy(language: str) -> None:
    catalog = CATALOGUES[language]
    assert not catalog.fuzzy  # a fuzzy header makes `pybabel compile` skip the language
    assert [m.id for m in entries(catalog) if m.fuzzy] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_msgid(language: str) -> None:
    wrong = []
    for message in entries(CATALOGUES[language]):
        source = message.id if isinstance(message.id, str) else message.id[-1]
        expected = sorted(PLACEHOLDER.findall(source))
        for form in forms_of(message):
            if form and sorted(PLACEHOLDER.findall(form)) != expected:
                wrong.append((message.id, form))
        for text in [
            *([message.id] if isinstance(message.id, str) else message.id),
            *forms_of(message),
        ]:
            if BARE_PERCENT.search(text):
                wrong.append((message.id, text))
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_are_safe_to_use_as_markup(language: str) -> None:
    # Newstyle gettext marks a translation safe (only the %(name)s values are escaped).
    unsafe = [
        text
        for message in entries(CATALOGUES[language])
        for text in forms_of(message)
        if re.search(r"[<>&\"]", text)
    ]
    assert unsafe == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_header_and_entries(language: str) -> None:
    count, expression = PLURAL_FORMS[language]
    catalog = CATALOGUES[language]
    assert catalog.num_plurals == count
    header, expected = c2py(catalog.plural_expr), c2py(expression)
    assert [header(n) for n in COUNTS] == [expected(n) for n in COUNTS]
    wrong = [
        m.id for m in entries(catalog) if not isinstance(m.id, str) and len(forms_of(m)) != count
    ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogues_are_up_to_date(language: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, CATALOGUES[language])
    compiled.seek(0)
    fresh = GNUTranslations(compiled)
    with po_path(language).with_suffix(".mo").open("rb") as handle:
        committed = GNUTranslations(handle)

    def texts(translations: GNUTranslations) -> dict[Any, str]:
        catalog: dict[Any, str] = translations._catalog  # type: ignore[attr-defined]
        return {key: text for key, text in catalog.items() if key != ""}

    assert texts(committed) == texts(fresh), "run `pybabel compile` (README.md, Translations)"
    assert committed.info()["plural-forms"] == fresh.info()["plural-forms"]


def test_uzbek_uses_the_modifier_letter_for_o_and_g() -> None:
    # oʻ and gʻ are written with U+02BB, not with an ASCII apostrophe or a backtick.
    texts = [form for m in entries(CATALOGUES["uz"]) for form in forms_of(m)]
    assert [s for s in texts if re.search(r"[OoGg]['`‘’]", s)] == []


# ---- what the pages and the JavaScript get --------------------------------------------------


def test_russian_falls_back_to_uzbek_and_english_to_the_msgid(tmp_path: Path) -> None:
    for language, texts in {
        "uz": {"Only in Uzbek": "Faqat oʻzbekcha", "Both": "Ikkalasi"},
        "ru": {"Both": "Оба"},
        "en": {},
    }.items():
        catalog = Catalog(locale=language, fuzzy=False)
        for msgid, text in texts.items():
            catalog.add(msgid, text)
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / f"{DOMAIN}.mo").open("wb") as handle:
            write_mo(handle, catalog)
    loaded = load_translations(tmp_path)
    assert loaded["ru"].gettext("Both") == "Оба"
    assert loaded["ru"].gettext("Only in Uzbek") == "Faqat oʻzbekcha"
    assert loaded["en"].gettext("Only in Uzbek") == "Only in Uzbek"
    assert loaded["uz"].gettext("Nowhere") == "Nowhere"


def test_a_missing_compiled_catalogue_is_an_error_not_silent_english(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="pybabel compile"):
        load_translations(tmp_path)


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("ru", ["1 участник", "2 участника", "5 участников", "11 участников", "21 участник"]),
        (
            "uz",
            ["1 ishtirokchi", "2 ishtirokchi", "5 ishtirokchi", "11 ishtirokchi", "21 ishtirokchi"],
        ),
        ("en", ["1 player", "2 players", "5 players", "11 players", "21 players"]),
    ],
)
def test_templates_show_counts_with_the_language_plural(language: str, shown: list[str]) -> None:
    env = page_environment(load_translations()[language])
    template = env.from_string('{{ ngettext("%(num)s player", "%(num)s players", n) }}')
    assert [template.render(n=n) for n in (1, 2, 5, 11, 21)] == shown


def test_template_gettext_fills_and_escapes_named_values() -> None:
    env = page_environment(load_translations()["ru"])
    rendered = env.from_string('{{ _("Trainer: %(name)s", name=who) }}').render(who="<b>Ann</b>")
    assert rendered == "Тренер: &lt;b&gt;Ann&lt;/b&gt;"


def test_load_catalogs_gives_the_text_each_language_shows() -> None:
    catalogs = load_catalogs()
    assert catalogs["en"]["Your name"] == "Your name"
    assert catalogs["ru"]["Your name"] == "Ваше имя"
    assert set(catalogs["uz"]) == {m.id for m in entries(TEMPLATE) if isinstance(m.id, str)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_javascript_catalogue_keeps_plain_msgids_and_adds_plurals(language: str) -> None:
    translations = load_translations()[language]
    catalog = javascript_catalog(language, translations, TEMPLATE)
    plurals = catalog.pop(PLURALS_KEY)
    assert catalog.pop(PLURAL_RULE_KEY) == language
    assert catalog["Your name"] == translations.gettext("Your name")  # what t() reads
    assert all(isinstance(text, str) and text for text in catalog.values())
    count = PLURAL_FORMS[language][0]
    assert {len(forms) for forms in plurals.values()} == {count}
    assert set(plurals) == {m.id[0] for m in entries(TEMPLATE) if not isinstance(m.id, str)}
    assert not any(msgid.startswith("__") for msgid in catalog)


def node_path() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("node is not installed")  # .ci/run does not install node yet
    return found


def test_plural_js_picks_the_same_form_as_the_catalogues(tmp_path: Path) -> None:
    node = node_path()
    module = tmp_path / "plural.mjs"  # .mjs: an ES module whatever node's default
    shutil.copy(JS_DIR / "plural.js", module)
    catalogs = {
        language: javascript_catalog(language, load_translations()[language], TEMPLATE)
        for language in LANGUAGES
    }
    script = f"""
import {{ pluralIndex, pluralForm }} from {json.dumps(module.as_uri())};
const catalogs = {json.dumps(catalogs)};
const counts = Array.from({{ length: {len(COUNTS)} }}, (_, n) => n);
const out = {{}};
for (const lang of {json.dumps(list(LANGUAGES))}) {{
  out[lang] = {{
    index: counts.map((n) => pluralIndex(lang, n)),
    players: [1, 3, 25].map((n) => pluralForm(catalogs[lang], "%(num)s player", "%(num)s players", n)),
    unknown: [1, 3].map((n) => pluralForm(catalogs[lang], "%(num)s cat", "%(num)s cats", n)),
  }};
}}
out.nothing = [1, 2].map((n) => pluralForm({{}}, "one", "many", n));
console.log(JSON.stringify(out));
"""
    # A file, not `node -e`: the catalogues are longer than one command-line argument may be.
    checker = tmp_path / "check.mjs"
    checker.write_text(script, encoding="utf-8")
    result = subprocess.run(
        [node, str(checker)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    answer = json.loads(result.stdout)
    for language in LANGUAGES:
        rule = c2py(CATALOGUES[language].plural_expr)
        assert answer[language]["index"] == [rule(n) for n in COUNTS], language
        assert answer[language]["unknown"] == ["%(num)s cat", "%(num)s cats"]
        translations = load_translations()[language]
        expected = [
            translations.ngettext("%(num)s player", "%(num)s players", n) for n in (1, 3, 25)
        ]
        assert answer[language]["players"] == expected
    assert answer["nothing"] == ["one", "many"]


# ---- texts the extraction cannot see by itself ----------------------------------------------


def in_javascript(msgid: str) -> bool:
    """Is msgid a string literal ("…" or '…') of some module in kiosk_ui/static/js?"""
    sources = [script.read_text(encoding="utf-8") for script in JS_DIR.glob("*.js")]
    return any(f"{q}{msgid}{q}" in source for source in sources for q in "\"'")


def test_the_unmarked_javascript_list_holds_only_texts_that_need_it() -> None:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        _, options_map = parse_mapping_cfg(handle)
    keywords = options_map["kiosk_ui/translations/*.js"]["keywords"]
    listed = extract_from_file(
        "javascript", UNMARKED_JS, keywords={"N_": None, "tn": keywords["tn"]}
    )
    from_modules = set(extract("kiosk_ui/static/js/"))
    marked_now = []  # a module marks it itself: delete the line
    unused = []  # no module uses it: delete the line
    for _lineno, message, _comments, _context in listed:
        key: Key = message if isinstance(message, str) else tuple(message)
        if key in from_modules:
            marked_now.append(key)
        elif isinstance(message, str) and not in_javascript(message):
            unused.append(key)
    assert (marked_now, unused) == ([], [])


class I18nAttributes(HTMLParser):
    """data-i18n="msgid" (and -aria-label, -placeholder, -title) values in a template."""

    def __init__(self) -> None:
        super().__init__()
        self.msgids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            is_msgid = name.startswith("data-i18n") and name != "data-i18n-args"
            # A value with a Jinja expression in it is not a msgid.
            if is_msgid and value and "{" not in value:
                self.msgids.add(value)


def test_data_i18n_attributes_in_templates_name_known_msgids() -> None:
    parser = I18nAttributes()
    for template in sorted((UI / "templates").glob("*.html")):
        parser.feed(template.read_text(encoding="utf-8"))
    assert len(parser.msgids) > 20
    assert sorted(parser.msgids - set(EXTRACTED)) == []


# ---- which language a page is in --------------------------------------------------------------


def request_with(query: str = "", cookie: str = "", accept: str = "") -> Request:
    headers = []
    if cookie:
        headers.append((b"cookie", f"{LANGUAGE_COOKIE}={cookie}".encode()))
    if accept:
        headers.append((b"accept-language", accept.encode()))
    scope = {"type": "http", "method": "GET", "path": "/join", "query_string": query.encode()}
    return Request({**scope, "headers": headers})


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "chosen"),
    [
        ("lang=ru", "en", "en-US", "ru"),  # the switch wins
        ("lang=xx", "en", "ru", "en"),  # an unknown ?lang= is ignored
        ("", "en", "ru", "en"),  # then the device's remembered choice
        ("", "fr", "ru-RU,ru;q=0.9", "ru"),  # then the browser's languages, in order
        ("", "", "de-DE, en;q=0.5", "en"),
        ("", "", "de, fr", "uz"),  # else Uzbek
        ("", "", "", "uz"),
    ],
)
def test_choose_language(query: str, cookie: str, accept: str, chosen: str) -> None:
    assert choose_language(request_with(query, cookie, accept)) == chosen
