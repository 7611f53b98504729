"""What the trainer-side pages share: rendering, the way to the login page, small
message pages, the address players type on their phones, and the one guard for who
may run a game or read its results (the JSON API uses the same guard).

Used by the console, bank, host, login, race and review pages (`console_pages.py`,
`bank_pages.py`, `host_pages.py`, `login.py`, `race_pages.py`, `review_pages.py`)
and by `api.py`.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote, urlsplit

from quizkiosk.accounts.store import Trainer
from quizkiosk.archive.records import GameResults
from quizkiosk.live.edge import LiveGame
from quizkiosk.web.auth import current_trainer, state_of
from quizkiosk.web.i18n import N_
from quizkiosk.web.pages import PageRenderer
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

# ---- who may see what (the one place for these rules) ------------------------------------

ResultsRefusal = Literal["unknown_game", "not_owner"]


def may_control(trainer: Trainer, owner: str) -> bool:
    """Run a game or read its results: the trainer who created it, or an admin."""
    return trainer.role == "admin" or trainer.username == owner


def report_owners(trainer: Trainer) -> tuple[str, ...] | None:
    """Whose sessions' reports `trainer` may read — the one rule for every report page,
    API route, roll-up and export: an admin everyone's (None); a trainer their own and,
    while report sharing is on, those of the trainers of their polyclinic
    (`Trainer.shares_with`, filled in by the account store)."""
    if trainer.role == "admin":
        return None
    return (trainer.username, *trainer.shares_with)


def may_read_reports(trainer: Trainer, owner: str) -> bool:
    """May `trainer` read the report of a session `owner` ran (see `report_owners`)."""
    owners = report_owners(trainer)
    return owners is None or owner in owners


def sessions_owner(trainer: Trainer, asked: str | None = None) -> str | None:
    """The one trainer a list or roll-up is narrowed to, if any: the trainer `asked`
    for when `trainer` may read their reports (an admin anyone's); the rest of the
    limit is `report_owners`."""
    if not asked:
        return None
    return asked if may_read_reports(trainer, asked) else trainer.username


async def readable_results(
    request: Request, trainer: Trainer, game_id: str
) -> GameResults | ResultsRefusal:
    """The archived results of `game_id` if `trainer` may read them, else why not."""
    state = state_of(request)
    actor = state.registry.games.get(game_id)
    if actor is not None:
        await actor.wait_idle()  # include answers whose commit is still in flight
    results = await state.archive.game_results(game_id)
    if results is None:
        return "unknown_game"
    if not may_read_reports(trainer, results.game.trainer):
        return "not_owner"
    return results


# ---- rendering --------------------------------------------------------------------------


def renderer_of(request: Request) -> PageRenderer:
    renderer: PageRenderer = request.app.state.pages
    return renderer


def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    return renderer_of(request).render(request, template, status=status, **context)


def to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/console"  # a form posted after the session expired: start from the console
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def message_page(
    request: Request, status: int, title: str, text: str, trainer: Trainer | None = None
) -> Response:
    """A small page that says what went wrong (`title` and `text` are msgids)."""
    return render(
        request, "trainer_message.html", status=status, title=title, text=text, trainer=trainer
    )


def join_address(join_url: str) -> str:
    """What to type into a phone's address bar: host, port and /join, no scheme."""
    parts = urlsplit(join_url)
    return f"{parts.netloc}{parts.path}"


def not_owner(request: Request, trainer: Trainer) -> Response:
    return message_page(
        request,
        403,
        N_("Not your game"),
        N_("Only the trainer who started this game, or an administrator, can run it."),
        trainer,
    )


async def controlled_game(request: Request) -> tuple[Trainer, LiveGame] | Response:
    """The signed-in trainer and the running game of the path's `game_id`, which they
    may run; else the response to send instead: the way to the login page, "Game not
    found" or "Not your game"."""
    trainer = await current_trainer(request)
    if trainer is None:
        return to_login(request)
    # Scaled out, the game may run on another worker: found there through the archive.
    actor = await state_of(request).registry.find_game(request.path_params["game_id"])
    if actor is None:
        return message_page(
            request, 404, N_("Game not found"), N_("This game is not running."), trainer
        )
    if not may_control(trainer, actor.info.owner):
        return not_owner(request, trainer)
    return trainer, actor
