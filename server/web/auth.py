"""Who is calling: API tokens, session cookies, CSRF, and the login/setup forms."""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from server.accounts.store import AccountError, Trainer, WrongSetupCode
from server.web.state import AppState

SESSION_COOKIE = "qk_session"
CSRF_COOKIE = "qk_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


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


def uses_session_cookie(request: Request) -> bool:
    return not request.headers.get("authorization", "").lower().startswith("bearer ")


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Double-submit check: the form field (or header) must equal the CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie and submitted and hmac.compare_digest(cookie, submitted))


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


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def login_form(request: Request) -> Response:
    """POST /login: username, password and csrf_token form fields."""
    state = state_of(request)
    form = await request.form()
    if not csrf_ok(request, str(form.get(CSRF_FIELD) or "")):
        return api_error(403, "csrf", "the form has expired; reload the page and try again")
    address = _address(request)
    if state.login_failures.blocked(address):
        retry = state.login_failures.retry_after(address)
        response = api_error(429, "too_many_attempts", "too many failed logins; wait a minute")
        response.headers["Retry-After"] = str(retry)
        return response
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    trainer = await state.accounts.verify_login(username, password)
    if trainer is None:
        state.login_failures.fail(address)
        return api_error(401, "bad_login", "wrong username or password")
    state.login_failures.reset(address)
    return await _signed_in(state, trainer, str(form.get("next") or "/console"))


async def _signed_in(state: AppState, trainer: Trainer, target: str) -> Response:
    if not target.startswith("/") or target.startswith("//"):
        target = "/console"  # never redirect off-site
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, await state.accounts.create_session(trainer.username))
    return response


async def logout_form(request: Request) -> Response:
    form = await request.form()
    if not csrf_ok(request, str(form.get(CSRF_FIELD) or "")):
        return api_error(403, "csrf", "the form has expired; reload the page and try again")
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await state_of(request).accounts.delete_session(session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def setup_form(request: Request) -> Response:
    """POST /setup: the one-time setup code creates the first admin account."""
    state = state_of(request)
    form = await request.form()
    if not csrf_ok(request, str(form.get(CSRF_FIELD) or "")):
        return api_error(403, "csrf", "the form has expired; reload the page and try again")
    address = _address(request)
    if state.login_failures.blocked(address):
        return api_error(429, "too_many_attempts", "too many wrong codes; wait a minute")
    try:
        trainer = await state.accounts.claim_setup_code(
            str(form.get("code") or ""),
            str(form.get("username") or "").strip(),
            str(form.get("password") or ""),
        )
    except WrongSetupCode as error:
        state.login_failures.fail(address)
        return api_error(403, "bad_setup_code", str(error))
    except AccountError as error:
        return api_error(422, "invalid_account", str(error))
    return await _signed_in(state, trainer, "/console")
