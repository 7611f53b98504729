"""Who is in a game: joining rules and rankings."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from quizkiosk.engine.game import CommandRefused

MAX_NAME_LENGTH = 24
MAX_FIELD_LENGTH = 64


class JoinRefused(CommandRefused):
    """A join that may not happen (name taken, lobby locked, …)."""


@dataclass(slots=True)
class Player:
    id: str
    name: str
    staff_id: str | None
    department: str | None
    joined_at: float
    order: int
    score: int = 0
    streak: int = 0
    correct_count: int = 0
    correct_ms: int = 0  # total response time of correct answers: breaks ties
    connected: bool = True
    # Left on purpose (`leave`, e.g. "next person" on a shared PC): stays in the
    # results but is no longer waited for; coming back with the token undoes it.
    left: bool = False
    answered: set[int] = field(default_factory=set)
    token_hash: str = ""  # SHA-256 of the player's resume token (never the token itself)


def clean_display_text(raw: str, limit: int) -> str:
    """Trim, drop control characters and collapse inner whitespace runs."""
    kept = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    cleaned = " ".join(kept.split())
    if len(cleaned) > limit:
        raise JoinRefused("field_too_long", f"at most {limit} characters")
    return cleaned


def clean_name(raw: str) -> str:
    name = clean_display_text(raw, MAX_NAME_LENGTH)
    if not name:
        raise JoinRefused("name_required", "enter your name (1 to 24 characters)")
    return name


def clean_optional(raw: str | None, code: str, label: str, required: bool) -> str | None:
    value = clean_display_text(raw or "", MAX_FIELD_LENGTH) if raw is not None else ""
    if not value:
        if required:
            raise JoinRefused(code, f"{label} is required for this game")
        return None
    return value


def name_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


@dataclass(frozen=True, slots=True)
class Standing:
    player_id: str
    name: str
    rank: int
    score: int
    correct_count: int


def rank_players(players: list[Player]) -> list[Standing]:
    """Competition ranking: by score, then faster correct answers; full ties share a rank."""
    ordered = sorted(players, key=lambda p: (-p.score, p.correct_ms, p.order))
    standings: list[Standing] = []
    previous: tuple[int, int] | None = None
    rank = 0
    for position, player in enumerate(ordered, start=1):
        key = (player.score, player.correct_ms)
        if key != previous:
            rank = position
            previous = key
        standings.append(Standing(player.id, player.name, rank, player.score, player.correct_count))
    return standings
