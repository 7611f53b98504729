"""Who is calling: API tokens, session cookies, CSRF; safe redirects and form limits.

The login, logout and setup forms that use these live in `quizkiosk.web.login`.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from quizkiosk.accounts.store import Trainer
from quizkiosk.web.cookies import CSRF_COOKIE, SESSION_COOKIE
from quizkiosk.web.state import AppState
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

MAX_FIELD_BYTES = 16 * 1024
ENCODED_SLASH = re.compile(r"%(2f|5c)", re.IGNORECASE)


def state_of(request: Request) -> AppState:
    state: AppState = request.app.state.kiosk
    return state


async def current_trainer(request: Request) -> Trainer | None:
    """The trainer behind a Bearer API token or a session cookie, if any."""
    accounts = state_of(request).accounts
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return await accounts.trainer_for_token(header[7:].strip())
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        return await accounts.trainer_for_session(session_id)
    return None


def ensure_csrf_cookie(request: Request, response: Response) -> str:
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    response.set_cookie(CSRF_COOKIE, token, httponly=False, samesite="strict", path="/")
    return token


def set_session_cookie(response: Response, session_id: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, session_id, httponly=True, samesite="lax", path="/", max_age=12 * 3600
    )


def api_error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def client_address(request: Request) -> str:
    # Behind a trusted proxy uvicorn has already put the forwarded address here.
    return request.client.host if request.client else "unknown"


def safe_next_path(target: str | None, default: str = "/console") -> str:
    """`target` if it is a path on this site, else `default` (no open redirects).

    Browsers treat `\\` like `/` and ignore tabs and newlines in URLs, so
    `/\\evil.example` or `/\t/evil.example` would leave the site: anything but a
    plain absolute path is refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    if ENCODED_SLASH.search(target):
        return default  # harmless for browsers today; refused in case a proxy decodes it
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return default
    if parts.path.startswith("//"):
        return default
    return target


async def read_form(request: Request) -> FormData:
    """The posted form, parsed with limits: no file parts, few small fields.

    The body size itself is capped earlier, by the body-limit middleware.
    """
    return await request.form(max_files=0, max_fields=64, max_part_size=MAX_FIELD_BYTES)
