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

Pin = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Token = Annotated[str, StringConstraints(min_length=8, max_length=128)]
ShortText = Annotated[str, StringConstraints(max_length=200)]


class ProtocolError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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
    value: int | bool | Annotated[str, StringConstraints(max_length=200)] | list[int]


class Ping(_Message):
    type: Literal["ping"]


class Leave(_Message):
    type: Literal["leave"]


PlayerMessage = Annotated[Join | Resume | Answer | Ping | Leave, Field(discriminator="type")]

# ---- host -> server ---------------------------------------------------------------


class HostHello(_Message):
    type: Literal["host"]
    protocol: int
    game_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    host_token: Token


class HostCommand(_Message):
    type: Literal["start", "next", "close", "pause", "resume", "end"]


class Kick(_Message):
    type: Literal["kick"]
    player_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Lock(_Message):
    type: Literal["lock"]
    locked: bool


HostMessage = Annotated[HostHello | HostCommand | Kick | Lock | Ping, Field(discriminator="type")]

PLAYER_TYPES = ("join", "resume", "answer", "ping", "leave")
HOST_TYPES = ("host", "start", "next", "close", "pause", "resume", "end", "kick", "lock", "ping")
HOST_ONLY_TYPES = frozenset(HOST_TYPES) - {"ping", "resume"}

_player_adapter: TypeAdapter[Join | Resume | Answer | Ping | Leave] = TypeAdapter(PlayerMessage)
_host_adapter: TypeAdapter[HostHello | HostCommand | Kick | Lock | Ping] = TypeAdapter(HostMessage)


def _parse_object(raw: str | bytes) -> dict[str, object]:
    if len(raw) > MAX_FRAME_BYTES:
        raise ProtocolError("too_large", f"message larger than {MAX_FRAME_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
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
        raise ProtocolError("not_host", f"'{kind}' is a host command; players cannot send it")
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
