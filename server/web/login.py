"""Signing in and out, and the first-run setup: GET /login and /setup show the forms,
POST /login, /setup and /logout handle them (the CSRF guard has checked their token).

Failed logins and wrong setup codes are counted per address (and username) before the
slow password check, so parallel guesses cannot slip through.
"""

from __future__ import annotations

from urllib.parse import quote

from quizkiosk.accounts.store import AccountError, Trainer, WrongSetupCode
from quizkiosk.web.auth import (
    api_error,
    client_address,
    current_trainer,
    read_form,
    safe_next_path,
    set_session_cookie,
    state_of,
)
from quizkiosk.web.cookies import SESSION_COOKIE
from quizkiosk.web.i18n import N_
from quizkiosk.web.state import AppState
from quizkiosk.web.trainer_common import message_page, render
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

# ---- the pages ------------------------------------------------------------------------


async def login_page(request: Request) -> Response:
    state = state_of(request)
    if not await state.accounts.has_any_trainer():
        lang = request.query_params.get("lang")
        return RedirectResponse(f"/setup?lang={quote(lang)}" if lang else "/setup", 303)
    target = safe_next_path(request.query_params.get("next"))
    trainer = await current_trainer(request)
    return render(request, "trainer_login.html", next=target, trainer=trainer)


async def setup_page(request: Request) -> Response:
    if await state_of(request).accounts.has_any_trainer():
        return message_page(
            request,
            200,
            N_("Setup is already done"),
            N_(
                "An administrator account exists. Sign in with it, or ask the administrator "
                "for an account."
            ),
        )
    return render(request, "trainer_setup.html")


# ---- the forms ------------------------------------------------------------------------


def _too_many(message: str, retry_after: int) -> Response:
    response = api_error(429, "too_many_attempts", message)
    response.headers["Retry-After"] = str(retry_after)
    return response


async def login_form(request: Request) -> Response:
    """POST /login: username, password (and csrf_token, checked by the CSRF guard)."""
    state = state_of(request)
    form = await read_form(request)
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    address = client_address(request)
    # Counted before the slow password check, so parallel guesses cannot slip through.
    attempt = await state.login_attempts.begin(address, username)
    if attempt is None:
        return _too_many(
            "too many failed logins; wait a minute",
            await state.login_attempts.retry_after(address, username),
        )
    trainer = await state.accounts.verify_login(username, password)
    if trainer is None:
        return api_error(401, "bad_login", "wrong username or password")
    await attempt.succeeded()
    return await _signed_in(state, trainer, str(form.get("next") or "/console"))


async def _signed_in(state: AppState, trainer: Trainer, target: str) -> Response:
    response = RedirectResponse(safe_next_path(target), status_code=303)
    set_session_cookie(response, await state.accounts.create_session(trainer.username))
    return response


async def logout_form(request: Request) -> Response:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await state_of(request).accounts.delete_session(session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def setup_form(request: Request) -> Response:
    """POST /setup: the one-time setup code creates the first admin account."""
    state = state_of(request)
    form = await read_form(request)
    address = client_address(request)
    attempt = await state.login_attempts.begin(address, "")
    if attempt is None:
        return _too_many(
            "too many wrong codes; wait a minute",
            await state.login_attempts.retry_after(address, ""),
        )
    try:
        trainer = await state.accounts.claim_setup_code(
            str(form.get("code") or ""),
            str(form.get("username") or "").strip(),
            str(form.get("password") or ""),
        )
    except WrongSetupCode as error:
        return api_error(403, "bad_setup_code", str(error))
    except AccountError as error:
        await attempt.succeeded()  # the code was right; only the new account was refused
        return api_error(422, "invalid_account", str(error))
    await attempt.succeeded()
    return await _signed_in(state, trainer, "/console")


# The POST routes come first, as they did when app.py listed them before the pages: a
# request with another method is answered 405 with the same Allow header as before.
routes: list[BaseRoute] = [
    Route("/login", login_form, methods=["POST"]),
    Route("/logout", logout_form, methods=["POST"]),
    Route("/setup", setup_form, methods=["POST"]),
    Route("/login", login_page, methods=["GET"]),
    Route("/setup", setup_page, methods=["GET"]),
]
