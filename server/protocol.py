"""Typed WebSocket messages, decoded at the edge (documented in docs/protocol.md).

Every client message is one JSON object with a `type`.  Decoding never raises
anything but `ProtocolError`, whose `code` and `message` go back to the client;
the connection and the game carry on.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 16 * 1024

MAX_NESTING = 32  # deeper JSON than this is refused before it is parsed

Pin = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
# Any length up to 128: a wrong or short token is refused by the check that knows
# why (unknown_token, bad_host_token), not by the decoder.
Token = Annotated[str, StringConstraints(max_length=128)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
# Typed answers have their own length rule, checked by the engine (invalid_answer).
AnswerText = Annotated[str, StringConstraints(max_length=MAX_FRAME_BYTES)]


class ProtocolError(Exception):
    def __init__(self, code: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra  # more fields for the error message, e.g. `command`


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- player -> server -----------------------------------------------------------


class Join(_Message):
    type: Literal["join"]
    protocol: int
    pin: Pin
    name: ShortText
    staff_id: ShortText | None = None
    department: ShortText | None = None


class Resume(_Message):
    type: Literal["resume"]
    protocol: int
    token: Token
    pin: Pin | None = None  # the game the client believes it is in; checked if given


class Answer(_Message):
    type: Literal["answer"]
    question: int = Field(ge=0)
    # The shape depends on the question type; the engine checks it.
    value: int | bool | AnswerText | list[int]


class Ping(_Message):
    type: Literal["ping"]


class Leave(_Message):
    type: Literal["leave"]


PlayerMessage = Annotated[Join | Resume | Answer | Ping | Leave, Field(discriminator="type")]

# ---- host -> server ---------------------------------------------------------------

PhaseName = Literal["lobby", "question", "reveal", "leaderboard", "podium", "ended"]


class HostHello(_Message):
    type: Literal["host"]
    protocol: int
    game_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    host_token: Token


class HostCommand(_Message):
    type: Literal["start", "next", "close", "pause", "resume", "end"]
    # Optional guard: act only if the game is in this phase (else `wrong_phase`).
    phase: PhaseName | None = None


class Kick(_Message):
    type: Literal["kick"]
    player_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    phase: PhaseName | None = None


class Lock(_Message):
    type: Literal["lock"]
    locked: bool
    phase: PhaseName | None = None


HostMessage = Annotated[HostHello | HostCommand | Kick | Lock | Ping, Field(discriminator="type")]

PLAYER_TYPES = ("join", "resume", "answer", "ping", "leave")
HOST_TYPES = ("host", "start", "next", "close", "pause", "resume", "end", "kick", "lock", "ping")
HOST_ONLY_TYPES = frozenset(HOST_TYPES) - {"ping", "resume"}

_player_adapter: TypeAdapter[Join | Resume | Answer | Ping | Leave] = TypeAdapter(PlayerMessage)
_host_adapter: TypeAdapter[HostHello | HostCommand | Kick | Lock | Ping] = TypeAdapter(HostMessage)


def frame_size(raw: str | bytes) -> int:
    """The frame's size in bytes as it came over the wire (UTF-8 for text)."""
    if isinstance(raw, bytes):
        return len(raw)
    if len(raw) * 4 <= MAX_FRAME_BYTES:  # cannot be over, whatever the characters
        return len(raw)
    return len(raw.encode("utf-8", "surrogatepass"))


def nesting_depth(raw: str | bytes) -> int:
    """How deep brackets nest, counted without parsing (brackets inside strings
    count too, which can only over-estimate): cheap, and it never recurses."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return 0  # the usual small message: no need to walk it
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif ch in "]}":
            depth -= 1
    return deepest


def _parse_object(raw: str | bytes) -> dict[str, object]:
    if frame_size(raw) > MAX_FRAME_BYTES:
        raise ProtocolError("too_large", f"message larger than {MAX_FRAME_BYTES} bytes")
    if nesting_depth(raw) > MAX_NESTING:
        raise ProtocolError("bad_message", f"JSON nested deeper than {MAX_NESTING} levels")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise ProtocolError("bad_json", f"not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise ProtocolError("bad_message", "a message must be a JSON object")
    if not isinstance(data.get("type"), str):
        raise ProtocolError("bad_message", "a message needs a string field 'type'")
    return data


def _validation_message(error: ValidationError) -> str:
    parts = []
    for detail in error.errors()[:3]:
        loc = ".".join(str(p) for p in detail["loc"][1:]) or "message"
        if detail["type"] == "extra_forbidden":
            parts.append(f"unexpected field '{loc}'")
        elif detail["type"] == "missing":
            parts.append(f"missing field '{loc}'")
        else:
            parts.append(f"{loc}: {detail['msg']}")
    return "; ".join(parts)


def _check_version(message: BaseModel) -> None:
    version = getattr(message, "protocol", PROTOCOL_VERSION)
    if version != PROTOCOL_VERSION:
        raise ProtocolError(
            "unsupported_protocol",
            f"protocol {version} is not supported; this server speaks {PROTOCOL_VERSION}",
        )


def decode_player(raw: str | bytes) -> Join | Resume | Answer | Ping | Leave:
    data = _parse_object(raw)
    kind = data["type"]
    if kind in HOST_ONLY_TYPES:
        raise ProtocolError(
            "not_host", f"'{kind}' is a host command; players cannot send it", command=kind
        )
    if kind not in PLAYER_TYPES:
        raise ProtocolError("unknown_type", f"unknown message type '{kind}'")
    try:
        message = _player_adapter.validate_python(data)
    except ValidationError as error:
        raise ProtocolError("bad_message", _validation_message(error)) from error
    _check_version(message)
    return message


def decode_host(raw: str | bytes) -> HostHello | HostCommand | Kick | Lock | Ping:
    data = _parse_object(raw)
    kind = data["type"]
    if kind not in HOST_TYPES:
        raise ProtocolError("unknown_type", f"unknown message type '{kind}'")
    try:
        message = _host_adapter.validate_python(data)
    except ValidationError as error:
        raise ProtocolError("bad_message", _validation_message(error)) from error
    _check_version(message)
    return message


def encode(message: dict[str, object]) -> str:
    """One compact JSON text; callers encode a broadcast once and reuse the frame."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def error_message(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"type": "error", "code": code, "message": message, **extra}
