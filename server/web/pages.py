"""HTML pages rendered from kiosk_ui/templates, in the visitor's language."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from babel.messages.catalog import Catalog
from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from quizkiosk.resources import ui_folder
from quizkiosk.web.auth import ensure_csrf_cookie
from quizkiosk.web.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGE_NAMES,
    LANGUAGES,
    N_,
    choose_language,
    load_translations,
    read_template,
)
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

# Installed as the package quizkiosk.kiosk_ui (quizkiosk.resources says why).
UI_DIR = ui_folder()
TEMPLATES_DIR = UI_DIR / "templates"
STATIC_DIR = UI_DIR / "static"
# Keys of GET /i18n/<lang>.json besides the msgids (which never start with "__").
PLURALS_KEY = "__plurals__"
PLURAL_RULE_KEY = "__plural_rule__"

JsonCatalog = dict[str, Any]


def page_environment(translations: NullTranslations) -> Environment:
    """The templates in one language: `_()` and `ngettext()` are Jinja2's newstyle
    gettext (`%(name)s` filled from keyword arguments, which are escaped)."""
    # Autoescaping is on for every template: names and bank texts are user text.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["N_"] = N_
    return env


def plural_rule(translations: NullTranslations) -> tuple[int, Callable[[int], int]]:
    """nplurals and plural(n) from the catalogue's Plural-Forms header."""
    header = translations.info().get("plural-forms", "nplurals=2; plural=(n != 1);")
    count = re.search(r"nplurals\s*=\s*(\d+)", header)
    expression = re.search(r"plural\s*=\s*([^;]+)", header)
    if count is None or expression is None:
        raise ValueError(f"bad Plural-Forms header: {header!r}")
    return int(count.group(1)), gettext.c2py(expression.group(1))


def javascript_catalog(
    language: str, translations: NullTranslations, template: Catalog
) -> JsonCatalog:
    """What GET /i18n/<lang>.json sends: msgid -> text for every singular message (the
    shape `t()` reads), plus "__plurals__": msgid -> the language's plural forms and
    "__plural_rule__": the language, whose rule kiosk_ui/static/js/plural.js knows."""
    count, plural = plural_rule(translations)
    # One n per plural form, e.g. Russian: 1 (form 0), 2 (form 1), 0 (form 2).
    examples = [next(n for n in range(1000) if plural(n) == form) for form in range(count)]
    singular: dict[str, str] = {}
    plurals: dict[str, list[str]] = {}
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, str):
            singular[message.id] = translations.gettext(message.id)
        else:
            one, many = message.id[0], message.id[1]
            plurals[one] = [translations.ngettext(one, many, n) for n in examples]
    return {**singular, PLURALS_KEY: plurals, PLURAL_RULE_KEY: language}


class PageRenderer:
    def __init__(self) -> None:
        self.translations = load_translations()
        self.envs = {lang: page_environment(self.translations[lang]) for lang in LANGUAGES}
        template = read_template()
        self.javascript_catalogs = {
            lang: javascript_catalog(lang, self.translations[lang], template) for lang in LANGUAGES
        }

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        language = choose_language(request)

        def lang_url(code: str) -> str:
            # Keep ?pin= and ?next= when switching language.
            params = {k: v for k, v in request.query_params.items() if k != "lang"}
            return "?" + urlencode({**params, "lang": code})

        response = HTMLResponse(status_code=status)
        csrf = ensure_csrf_cookie(request, response)
        body = (
            self.envs[language]
            .get_template(template)
            .render(
                lang=language,
                languages=LANGUAGES,
                language_names=LANGUAGE_NAMES,
                csrf_token=csrf,
                lang_url=lang_url,
                request=request,
                **context,
            )
        )
        response.body = response.render(body)
        response.headers["content-length"] = str(len(response.body))
        if request.query_params.get("lang") in LANGUAGES:
            # Remembered per device, for a year.
            response.set_cookie(
                LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax", path="/"
            )
        return response


def catalog_json(request: Request) -> Response:
    """GET /i18n/{lang}.json: the language's catalogue for the JavaScript modules."""
    renderer: PageRenderer = request.app.state.pages
    language = request.path_params["lang"]
    if language not in LANGUAGES:
        return JSONResponse({"error": {"code": "unknown_language", "message": language}}, 404)
    return JSONResponse(
        renderer.javascript_catalogs[language], headers={"Cache-Control": "no-cache"}
    )
