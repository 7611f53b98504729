"""The one CSRF guard: every unsafe request that rides on cookies must prove it is ours.

Double submit: the `qk_csrf` cookie (set by every page) must equal the
`X-CSRF-Token` header or the form's `csrf_token` field. Calls with an API token
(`Authorization: Bearer`) carry no ambient credential and pass, and so do API
calls with no session cookie (they are refused as unauthenticated). A request
without the CSRF cookie is refused before its body is even parsed. Because this runs
as middleware in front of the router, a new form or export cannot forget it.
"""

from __future__ import annotations

import hmac

from quizkiosk.web.body_limit import replay
from quizkiosk.web.cookies import CSRF_COOKIE, SESSION_COOKIE
from quizkiosk.web.i18n import N_
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def tokens_match(cookie: str | None, submitted: str | None) -> bool:
    # As bytes: compare_digest refuses str with non-ASCII characters (a 500, not a 403).
    return bool(cookie and submitted and hmac.compare_digest(cookie.encode(), submitted.encode()))


def uses_api_token(headers: Headers) -> bool:
    return headers.get("authorization", "").lower().startswith("bearer ")


class CsrfMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookies = HTTPConnection(scope).cookies
        anonymous_api = scope["path"].startswith("/api/") and SESSION_COOKIE not in cookies
        if uses_api_token(headers) or anonymous_api:
            await self.app(scope, receive, send)
            return
        cookie = cookies.get(CSRF_COOKIE)
        if not cookie:
            await refusal(scope)(scope, receive, send)
            return
        submitted = headers.get(CSRF_HEADER)
        if submitted is None and headers.get("content-type", "").startswith(FORM_TYPES):
            original = receive
            body = await Request(scope, original).body()  # capped by BodyLimitMiddleware
            receive = replay(body, original)
            parsed = Request(scope, replay(body, original))
            form = await parsed.form(max_part_size=len(body) + 1)
            field = form.get(CSRF_FIELD)
            submitted = field if isinstance(field, str) else None
            await form.close()
        if not tokens_match(cookie, submitted):
            await refusal(scope)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def refusal(scope: Scope) -> Response:
    """403: JSON for scripts, a page in the visitor's language for a browser form."""
    request = Request(scope)
    if "text/html" in request.headers.get("accept", ""):
        pages = getattr(request.app.state, "pages", None)
        if pages is not None:
            response: Response = pages.render(
                request,
                "trainer_message.html",
                status=403,
                title=N_("The form has expired"),
                text=N_("Go back, reload the page and try again."),
                trainer=None,
            )
            return response
    return JSONResponse(
        {
            "error": {
                "code": "csrf",
                "message": "the form has expired or the X-CSRF-Token header is missing or "
                "wrong; reload the page and try again",
            }
        },
        status_code=403,
    )
