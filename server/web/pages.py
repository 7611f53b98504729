"""HTML pages rendered from kiosk_ui/templates, in the visitor's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from server.web.auth import ensure_csrf_cookie
from server.web.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGE_NAMES,
    LANGUAGES,
    Translator,
    choose_language,
    load_catalogs,
)

UI_DIR = Path(__file__).resolve().parents[2] / "kiosk_ui"
TEMPLATES_DIR = UI_DIR / "templates"
STATIC_DIR = UI_DIR / "static"


class PageRenderer:
    def __init__(self) -> None:
        # Autoescaping is on for every template: names and bank texts are user text.
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES_DIR),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.translator = Translator(load_catalogs())

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        language = choose_language(request)

        def lang_url(code: str) -> str:
            # Keep ?pin= and ?next= when switching language.
            params = {k: v for k, v in request.query_params.items() if k != "lang"}
            return "?" + urlencode({**params, "lang": code})

        def translate(message: str, **values: Any) -> str:
            text = self.translator.gettext(language, message)
            return text % values if values else text

        response = HTMLResponse(status_code=status)
        csrf = ensure_csrf_cookie(request, response)
        body = self.env.get_template(template).render(
            _=translate,
            lang=language,
            languages=LANGUAGES,
            language_names=LANGUAGE_NAMES,
            csrf_token=csrf,
            lang_url=lang_url,
            request=request,
            **context,
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
    """GET /i18n/{lang}.json: the merged catalog for the JavaScript modules."""
    renderer: PageRenderer = request.app.state.pages
    language = request.path_params["lang"]
    if language not in LANGUAGES:
        return JSONResponse({"error": {"code": "unknown_language", "message": language}}, 404)
    merged = {
        **renderer.translator.catalogs.get("uz", {}),
        **renderer.translator.catalogs.get(language, {}),
    }
    return JSONResponse(merged, headers={"Cache-Control": "no-cache"})
