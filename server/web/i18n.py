"""Translations: Uzbek (the default), Russian and English, with GNU gettext catalogues.

The msgids are the English texts. `pybabel extract` (babel.cfg) collects them from the
Python code, the templates and the JavaScript into `kiosk_ui/translations/messages.pot`;
each language has `<lang>/LC_MESSAGES/messages.po` and its compiled `messages.mo`,
which is what runs (README.md, "Translations", has the commands). Templates call `_()`
and `ngettext()` (Jinja2's i18n extension, see pages.py); the JavaScript modules fetch
the same catalogue as JSON (pages.catalog_json).

A Russian text that is missing falls back to Uzbek; English needs no translations at
all: an empty msgstr shows the msgid, which is the English text.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from quizkiosk.resources import ui_folder
from starlette.requests import Request

LANGUAGES = ("uz", "ru", "en")
DEFAULT_LANGUAGE = "uz"
SOURCE_LANGUAGE = "en"  # the msgids
LANGUAGE_COOKIE = "qk_lang"
LANGUAGE_NAMES = {"uz": "Oʻzbekcha", "ru": "Русский", "en": "English"}
TRANSLATIONS_DIR = ui_folder() / "translations"  # installed with the package
DOMAIN = "messages"
TEMPLATE_FILE = f"{DOMAIN}.pot"


def N_(message: str) -> str:
    """Marks a msgid for `pybabel extract` where it is defined; it is translated later,
    where it is shown (a template's `_(label)`)."""
    return message


def load_translations(directory: Path = TRANSLATIONS_DIR) -> dict[str, NullTranslations]:
    """Each language's compiled catalogue, Russian falling back to Uzbek for a missing
    text. English has no fallback: a text it lacks is its msgid, i.e. English."""
    loaded: dict[str, NullTranslations] = {}
    for language in LANGUAGES:
        translations = Translations.load(directory, locales=[language], domain=DOMAIN)
        if not isinstance(translations, Translations):  # Babel's "not found" answer
            raise FileNotFoundError(
                f"{directory}/{language}/LC_MESSAGES/{DOMAIN}.mo is missing: run "
                f"`pybabel compile -d {directory} -D {DOMAIN}` (README.md, Translations)"
            )
        loaded[language] = translations
    for language in LANGUAGES:
        if language not in (DEFAULT_LANGUAGE, SOURCE_LANGUAGE):
            loaded[language].add_fallback(loaded[DEFAULT_LANGUAGE])
    return loaded


def read_template(directory: Path = TRANSLATIONS_DIR) -> Catalog:
    """messages.pot: every msgid the interface uses (singular and plural)."""
    with (directory / TEMPLATE_FILE).open("rb") as handle:
        return read_po(handle)


def load_catalogs(directory: Path = TRANSLATIONS_DIR) -> dict[str, dict[str, str]]:
    """For each language, msgid -> the text the interface shows (singular messages only;
    the English "translation" of a msgid is the msgid itself)."""
    translations = load_translations(directory)
    msgids = [m.id for m in read_template(directory) if m.id and isinstance(m.id, str)]
    return {
        language: {msgid: translations[language].gettext(msgid) for msgid in msgids}
        for language in LANGUAGES
    }


def choose_language(request: Request) -> str:
    """?lang= first (the switch), then the device's remembered choice, then the browser."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in LANGUAGES:
        return remembered
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
