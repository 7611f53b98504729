"""Translations: gettext catalogs (.po) for Uzbek (default), Russian and English.

Every `.po` file under `kiosk_ui/translations/<lang>/LC_MESSAGES/` is merged into
that language's catalog, so each part of the interface can keep its own file.
Templates call `_()`; the JavaScript modules fetch the same catalog as JSON.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from starlette.requests import Request

LANGUAGES = ("uz", "ru", "en")
DEFAULT_LANGUAGE = "uz"
LANGUAGE_COOKIE = "qk_lang"
LANGUAGE_NAMES = {"uz": "Oʻzbekcha", "ru": "Русский", "en": "English"}
TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "kiosk_ui" / "translations"

Catalog = dict[str, str]


def load_catalogs(directory: Path = TRANSLATIONS_DIR) -> dict[str, Catalog]:
    catalogs: dict[str, Catalog] = {}
    for language in LANGUAGES:
        merged: Catalog = {}
        folder = directory / language / "LC_MESSAGES"
        for po_file in sorted(folder.glob("*.po")) if folder.is_dir() else []:
            with po_file.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            for message in catalog:
                if message.id and isinstance(message.id, str) and message.string:
                    merged[message.id] = str(message.string)
        catalogs[language] = merged
    return catalogs


class Translator:
    def __init__(self, catalogs: dict[str, Catalog]) -> None:
        self.catalogs = catalogs

    def gettext(self, language: str, message: str) -> str:
        """The message in `language`, else in Uzbek, else the English source text."""
        for lang in (language, DEFAULT_LANGUAGE):
            translated = self.catalogs.get(lang, {}).get(message)
            if translated:
                return translated
        return message


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
