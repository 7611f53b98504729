"""Typed WebSocket messages, decoded at the edge (documented in docs/protocol.md).

Every client message is one JSON object with a `type`.  Decoding never raises
anything but `ProtocolError`, whose `code` and `message` go back to the client;
the connection and the game carry on.

Why one long module: the design asks for every wire message, both ways, in one place
(docs/protocol.md follows it message by message), so that the server, the docs and
outside clients agree on one list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Annotated, ClassVar, Literal, NotRequired, TypedDict

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 16 * 1024

# WebSocket close codes (docs/protocol.md, "Limits and errors").
CLOSE_NORMAL = 1000  # `leave`, or the client went away
CLOSE_SERVER_ERROR = 1011  # an unexpected error on the server: reconnect and resume
CLOSE_ENDED = 4000  # the game is over and no longer kept: do not reconnect
CLOSE_KICKED = 4003
CLOSE_TOO_SLOW = 4008
CLOSE_REPLACED = 4009
CLOSE_JOIN_TIMEOUT = 4010
CLOSE_RESTARTING = 4012  # the server is stopping or restarting: reconnect and resume
CLOSE_TOO_MANY_SOCKETS = 4029

MAX_NESTING = 32  # deeper JSON than this is refused before it is parsed


def _any_text(value: object) -> object:
    """A JSON string as it came, except that a lone surrogate (JSON allows "\\ud800",
    Python text cannot be encoded with one) becomes U+FFFD: such a token can never be
    right, and the check that knows why refuses it like any other wrong one."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


# A PIN of any shape: one that is not a live game's (six digits or not) is refused as
# unknown_pin, and counted as a wrong guess, by the registry, not by the decoder.
Pin = str
# Tokens and game ids of any length (the frame limit bounds them) and any characters:
# a wrong one is refused by the check that knows why (unknown_token, bad_host_token),
# never by the decoder with a validator's wording.
Token = Annotated[str, BeforeValidator(_any_text)]
GameId = Token
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

PhaseName = Literal["lobby", "question", "reveal", "leaderboard", "podium", "race", "ended"]


class HostHello(_Message):
    type: Literal["host"]
    protocol: int
    game_id: GameId
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


class TeamMsg(_Message):
    """Case race with host-set teams: put a player in a team (empty: no team)."""

    type: Literal["team"]
    player_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    team: Annotated[str, StringConstraints(max_length=40)]
    phase: PhaseName | None = None


HostMessage = Annotated[
    HostHello | HostCommand | Kick | Lock | TeamMsg | Ping, Field(discriminator="type")
]

PLAYER_TYPES = ("join", "resume", "answer", "ping", "leave")
HOST_TYPES = (
    "host",
    "start",
    "next",
    "close",
    "pause",
    "resume",
    "end",
    "kick",
    "lock",
    "team",
    "ping",
)
HOST_ONLY_TYPES = frozenset(HOST_TYPES) - {"ping", "resume"}

_player_adapter: TypeAdapter[Join | Resume | Answer | Ping | Leave] = TypeAdapter(PlayerMessage)
_host_adapter: TypeAdapter[HostHello | HostCommand | Kick | Lock | TeamMsg | Ping] = TypeAdapter(
    HostMessage
)


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


def decode_host(raw: str | bytes) -> HostHello | HostCommand | Kick | Lock | TeamMsg | Ping:
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


# ---- server -> clients -----------------------------------------------------------------
#
# Every message the server sends is one of these typed shapes (docs/protocol.md
# documents each). The engine builds them; the live layer only encodes each once
# per audience and delivers it. The objects nested in them are typed here too, as
# TypedDicts (plain dicts on the wire, so the JSON is what the dict holds, in the order
# it was built); docs/protocol.md names every key of each. A message embedded whole in
# another (a screen's `question`, a race screen's `track`) is that message's `wire()`.

Json = dict[str, object]
# One text in every language: {"uz": ..., "ru": ..., "en": ...}. A map by language, not
# an object with fixed keys: a language the bank has no text in is left out.
Texts = dict[str, str]


class PlayerRef(TypedDict):
    """A player as `welcome` and `player_joined` name them."""

    id: str
    # Always a name: `welcome` goes only to a player who is in the game. The engine's
    # name lookup also answers for unknown ids (with None), hence the type.
    name: str | None


class StandingEntry(TypedDict):
    """One player on a quiz board: `leaderboard`, `podium` and `ended` (`top`)."""

    rank: int
    name: str
    score: int
    id: str


class PlayerListEntry(TypedDict):
    """One player in a host screen's `player_list` (those who left are not listed)."""

    id: str
    name: str
    connected: bool
    team: NotRequired[str | None]  # case race only: the player's team, or null


class AnsweredCounts(TypedDict):
    """A quiz host screen's `answered`: the `answered` message without its type."""

    answered: int
    expected: int


class CaseSummary(TypedDict):
    """One case of a race, in the `game` object's `cases`."""

    id: str
    title: Texts
    steps: int


class ModeSummary(TypedDict):
    """The game mode's part of the `game` object (the engine's `summary()`)."""

    mode: str  # quiz or race
    total: int  # questions, or a race's steps
    cases: NotRequired[list[CaseSummary]]  # case race only, in the order they are raced
    phase: str
    locked: bool
    # The settings the game was started with, as the API takes them (quiz and race
    # settings differ; their fields are documented with POST /api/v1/games and /races).
    settings: dict[str, object]


class GameSummary(ModeSummary):
    """The `game` object of `welcome` and `host_welcome`: the mode's part, and which
    game it is (the live layer adds these)."""

    id: str
    pin: str
    title: Texts


class QuizScreen(TypedDict):
    """What a quiz's `welcome` / `host_welcome` shows now (`screen`)."""

    phase: str
    score: int  # 0 on the host's screen
    rank: int | None  # None for the host, and for someone not (or no longer) ranked
    players: int
    question: NotRequired[Json | None]  # a `question` message (open question)
    my_answer: NotRequired[object]  # the value already given to it, or None
    reveal: NotRequired[Json]  # a `reveal` message
    result: NotRequired[Json]  # a `result` message (a player who was in the question)
    board: NotRequired[Json]  # a `leaderboard` or `podium` message
    answered: NotRequired[AnsweredCounts]  # host, while a question is open or revealed
    player_list: NotRequired[list[PlayerListEntry]]  # host


class RaceScreen(TypedDict):
    """What a case race's `welcome` / `host_welcome` shows now (`screen`)."""

    phase: str
    players: int
    remaining_ms: int
    paused: bool
    step: NotRequired[int]  # a participant's steps done
    finished: NotRequired[Json]  # a `race_finished` message
    race_step: NotRequired[Json]  # a `race_step` message: the step to answer now
    top: NotRequired[list[PlacingEntry]]  # after the end
    rank: NotRequired[Json]  # a `race_rank` message, after the end
    track: NotRequired[Json]  # host: a `race_track` message
    player_list: NotRequired[list[PlayerListEntry]]  # host


# A screen is the one of its game's mode: the welcome of a quiz carries a QuizScreen,
# of a race a RaceScreen.
Screen = QuizScreen | RaceScreen


class RaceCase(TypedDict):
    """The case a `race_step` belongs to: which of the race's cases, and where in it."""

    id: str
    number: int  # this case's number in the race, from 1
    of: int  # cases in the race
    title: Texts
    story: Texts
    steps: int  # steps in this case
    step: int  # this step's number in the case, from 1


class PlacingEntry(TypedDict):
    """One participant in a race's ranking: `race_track` lanes and finishers, the
    `top` of `race_over` and of a race's end screen."""

    id: str
    name: str
    rank: int
    finished: bool
    steps: int  # steps done
    time_ms: int | None  # a finisher's race time
    first_try: int  # steps right at the first attempt
    team: str | None


class TeamEntry(TypedDict):
    """One team in a race's `teams` (races with teams only)."""

    rank: int
    name: str
    members: int
    progress: float  # the members' mean steps done, to 2 decimals
    finished: bool  # all members have, or the race is over
    all_finished: bool


class HardestStep(TypedDict):
    """`race_track.hardest`: the step most often wrong at the first attempt so far."""

    index: int
    case: Texts  # the case's title
    step: int  # its number in the case, from 1
    text: Texts
    wrong_first: int


class ErrorExtra(TypedDict, total=False):
    """The fields an `error` may carry besides its code and message."""

    question: int  # it answers an `answer`
    command: str  # it answers a host command
    retry_after: int  # seconds, with too_many_attempts
    retry_after_ms: int  # with step_locked


@dataclass(frozen=True, slots=True)
class ServerMessage:
    TYPE: ClassVar[str] = ""

    def wire(self) -> Json:
        """The message as JSON data, `type` first."""
        data: Json = {"type": self.TYPE}
        for item in fields(self):
            data[item.name] = getattr(self, item.name)
        return data


@dataclass(frozen=True, slots=True)
class Welcome(ServerMessage):
    TYPE: ClassVar[str] = "welcome"
    protocol: int
    resumed: bool
    player: PlayerRef
    resume_token: str
    game: GameSummary
    screen: Screen


@dataclass(frozen=True, slots=True)
class HostWelcome(ServerMessage):
    TYPE: ClassVar[str] = "host_welcome"
    protocol: int
    game: GameSummary
    join_url: str
    screen: Screen


@dataclass(frozen=True, slots=True)
class QuestionShown(ServerMessage):
    TYPE: ClassVar[str] = "question"
    index: int
    total: int
    kind: str
    text: Texts | None  # None on phones that do not show the text
    time_limit: int
    points: int
    image: str | None
    show_text_on_phones: bool
    remaining_ms: int
    paused: bool
    choices: list[Texts | None] | None = None

    def wire(self) -> Json:
        data = ServerMessage.wire(self)
        if self.choices is None:
            del data["choices"]  # truefalse and typed questions have none
        return data


@dataclass(frozen=True, slots=True)
class AnswerAck(ServerMessage):
    TYPE: ClassVar[str] = "answer_ack"
    question: int
    value: object


@dataclass(frozen=True, slots=True)
class PausedMsg(ServerMessage):
    TYPE: ClassVar[str] = "paused"
    remaining_ms: int


@dataclass(frozen=True, slots=True)
class ResumedMsg(ServerMessage):
    TYPE: ClassVar[str] = "resumed"
    remaining_ms: int


@dataclass(frozen=True, slots=True)
class Reveal(ServerMessage):
    TYPE: ClassVar[str] = "reveal"
    index: int
    kind: str
    correct: object
    explanation: Texts | None
    distribution: list[int]
    answered: int
    correct_count: int
    closed_by: str | None


@dataclass(frozen=True, slots=True)
class Result(ServerMessage):
    TYPE: ClassVar[str] = "result"
    players: int
    correct: bool | None
    answered: bool
    points: int
    score: int
    rank: int


@dataclass(frozen=True, slots=True)
class Leaderboard(ServerMessage):
    TYPE: ClassVar[str] = "leaderboard"
    top: list[StandingEntry]
    players: int


@dataclass(frozen=True, slots=True)
class Podium(ServerMessage):
    TYPE: ClassVar[str] = "podium"
    top: list[StandingEntry]
    players: int


@dataclass(frozen=True, slots=True)
class Rank(ServerMessage):
    TYPE: ClassVar[str] = "rank"
    rank: int
    score: int
    players: int
    correct_count: int


@dataclass(frozen=True, slots=True)
class EndedMsg(ServerMessage):
    TYPE: ClassVar[str] = "ended"
    top: list[StandingEntry]
    players: int


@dataclass(frozen=True, slots=True)
class Kicked(ServerMessage):
    TYPE: ClassVar[str] = "kicked"
    message: str


@dataclass(frozen=True, slots=True)
class Lobby(ServerMessage):
    TYPE: ClassVar[str] = "lobby"
    locked: bool
    players: int


@dataclass(frozen=True, slots=True)
class Pong(ServerMessage):
    TYPE: ClassVar[str] = "pong"
    server_time: float


@dataclass(frozen=True, slots=True)
class LeftMsg(ServerMessage):
    TYPE: ClassVar[str] = "left"


@dataclass(frozen=True, slots=True)
class PlayerJoined(ServerMessage):
    TYPE: ClassVar[str] = "player_joined"
    player: PlayerRef
    count: int


@dataclass(frozen=True, slots=True)
class PlayerLeft(ServerMessage):
    TYPE: ClassVar[str] = "player_left"
    player_id: str
    kicked: bool
    count: int


@dataclass(frozen=True, slots=True)
class PlayerStatus(ServerMessage):
    TYPE: ClassVar[str] = "player_status"
    player_id: str
    connected: bool


@dataclass(frozen=True, slots=True)
class Answered(ServerMessage):
    """The host's answered count. Coalesced: only the latest goes out, a few a second."""

    TYPE: ClassVar[str] = "answered"
    answered: int
    expected: int


# ---- case race ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RaceStep(ServerMessage):
    """The step this participant is to answer now. Never holds the key or explanation."""

    TYPE: ClassVar[str] = "race_step"
    index: int  # step number in the race, from 0 (what `answer.question` names)
    total: int  # steps in the whole race
    case: RaceCase
    kind: str
    text: Texts
    image: str | None
    attempts: int  # attempts at this step so far
    locked_ms: int  # penalty time left before the step may be answered again
    remaining_ms: int  # race time left (the race clock, pauses excluded)
    choices: list[Texts] | None = None
    # After a wrong attempt (attempts > 0): the step's explanation, which this
    # participant has already been shown — so a reload or another device shows it too.
    explanation: Texts | None = None

    def wire(self) -> Json:
        data = ServerMessage.wire(self)
        if self.choices is None:
            del data["choices"]
        if self.explanation is None:
            del data["explanation"]
        return data


@dataclass(frozen=True, slots=True)
class AttemptResult(ServerMessage):
    """What this participant's attempt at a step came to (only to them)."""

    TYPE: ClassVar[str] = "attempt_result"
    index: int
    correct: bool
    attempts: int
    explanation: Texts | None
    penalty_ms: int  # > 0 after a wrong attempt: the step is locked this long


@dataclass(frozen=True, slots=True)
class RaceFinished(ServerMessage):
    """This participant has done every step right."""

    TYPE: ClassVar[str] = "race_finished"
    time_ms: int
    rank: int
    players: int
    steps: int
    first_try: int  # steps right at the first attempt
    first_try_accuracy: float  # first_try / steps


@dataclass(frozen=True, slots=True)
class RaceTrack(ServerMessage):
    """The projector's race track: a few a second at most, never one per attempt."""

    TYPE: ClassVar[str] = "race_track"
    phase: str  # lobby, race or ended
    remaining_ms: int
    paused: bool
    total: int
    participants: int
    lanes: list[PlacingEntry]
    histogram: list[int]
    finishers: list[PlacingEntry]
    hardest: HardestStep | None
    teams: list[TeamEntry]


@dataclass(frozen=True, slots=True)
class RaceOver(ServerMessage):
    """Time is up (or the host ended the race): everyone stops where they are."""

    TYPE: ClassVar[str] = "race_over"
    top: list[PlacingEntry]
    players: int
    teams: list[TeamEntry]


@dataclass(frozen=True, slots=True)
class RaceRank(ServerMessage):
    """This participant's place at the end."""

    TYPE: ClassVar[str] = "race_rank"
    rank: int
    players: int
    finished: bool
    steps: int
    time_ms: int | None
    first_try: int


@dataclass(frozen=True, slots=True)
class ErrorMsg(ServerMessage):
    TYPE: ClassVar[str] = "error"
    code: str
    message: str
    extra: ErrorExtra = field(default_factory=ErrorExtra)

    def wire(self) -> Json:
        return {"type": self.TYPE, "code": self.code, "message": self.message, **self.extra}


# Who a message is for. One frame is encoded per audience, never per player.
@dataclass(frozen=True, slots=True)
class Everyone:
    """Every player and every host screen of the game."""


@dataclass(frozen=True, slots=True)
class Hosts:
    """The projector and remotes."""


@dataclass(frozen=True, slots=True)
class Players:
    """Every player (not the hosts)."""


@dataclass(frozen=True, slots=True)
class OnePlayer:
    player_id: str


Audience = Everyone | Hosts | Players | OnePlayer
EVERYONE, HOSTS, PLAYERS = Everyone(), Hosts(), Players()


@dataclass(frozen=True, slots=True)
class Send:
    to: Audience
    message: ServerMessage
    # > 0: a running count (answered, lobby size): send at most one such message per
    # this many seconds to this audience, always the latest.
    every: float = 0.0


def encode_message(message: ServerMessage) -> str:
    return encode(message.wire())
