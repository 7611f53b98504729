"""Decoding client messages: every refusal is a ProtocolError with a clear code."""

from __future__ import annotations

import json

import pytest
from quizkiosk.protocol import (
    MAX_FRAME_BYTES,
    Answer,
    HostCommand,
    HostHello,
    ProtocolError,
    Resume,
    decode_host,
    decode_player,
    frame_size,
    nesting_depth,
)


def refusal(decode: object, raw: str | bytes) -> ProtocolError:
    assert callable(decode)
    with pytest.raises(ProtocolError) as raised:
        decode(raw)
    return raised.value


def test_frame_size_counts_utf8_bytes() -> None:
    assert frame_size("abc") == 3
    assert frame_size("😀" * 5000) == 20_000
    assert frame_size(b"\x00" * 10) == 10


def test_a_frame_of_many_multibyte_characters_is_too_large() -> None:
    raw = json.dumps({"type": "answer", "question": 0, "value": "😀" * 5000}, ensure_ascii=False)
    assert len(raw) < MAX_FRAME_BYTES < len(raw.encode())
    assert refusal(decode_player, raw).code == "too_large"


@pytest.mark.parametrize("raw", ["[" * 1100 + "]" * 1100, '{"a":' * 40 + "1" + "}" * 40])
def test_deep_nesting_is_refused_before_parsing(raw: str) -> None:
    error = refusal(decode_player, raw)
    assert error.code == "bad_message"
    assert "nested deeper than 32 levels" in error.message


def test_nesting_depth_is_cheap_for_ordinary_messages() -> None:
    assert nesting_depth('{"type": "answer", "question": 1, "value": [0, 2]}') == 0
    assert nesting_depth("[" * 40 + "]" * 40) == 40


def test_typed_answers_of_any_length_reach_the_engine() -> None:
    # The engine refuses a long one with a human reason (invalid_answer), not the decoder.
    message = decode_player(json.dumps({"type": "answer", "question": 0, "value": "x" * 300}))
    assert isinstance(message, Answer) and message.value == "x" * 300


def test_short_tokens_are_decoded_so_the_right_check_can_refuse_them() -> None:
    hello = decode_host(
        json.dumps({"type": "host", "protocol": 1, "game_id": "g", "host_token": "a"})
    )
    assert isinstance(hello, HostHello)
    resume = decode_player(json.dumps({"type": "resume", "protocol": 1, "token": "abc"}))
    assert isinstance(resume, Resume)


ODD_TOKENS = {
    "empty": "",
    "129 characters": "x" * 129,
    "8,000 characters": "x" * 8_000,  # twice in one frame: still under 16 KiB
    "not ASCII": "токен",
    "a lone surrogate": "\ud800",
    "spaces": " a b ",
}


@pytest.mark.parametrize("token", list(ODD_TOKENS.values()), ids=list(ODD_TOKENS))
def test_tokens_and_game_ids_of_any_length_are_decoded(token: str) -> None:
    # docs/protocol.md: a wrong host token or resume token of any length is refused
    # by the check that knows why (bad_host_token, unknown_token), never as bad_message.
    hello = decode_host(
        json.dumps({"type": "host", "protocol": 1, "game_id": token, "host_token": token})
    )
    assert isinstance(hello, HostHello)
    resume = decode_player(json.dumps({"type": "resume", "protocol": 1, "token": token}))
    assert isinstance(resume, Resume)
    if "\ud800" not in token:  # a lone surrogate cannot be a real token: it is replaced
        assert hello.game_id == token and hello.host_token == token and resume.token == token


def test_a_token_that_is_not_text_is_a_bad_message_in_plain_words() -> None:
    error = refusal(decode_player, '{"type": "resume", "protocol": 1, "token": 5}')
    assert error.code == "bad_message"
    assert "token" in error.message


def test_a_host_command_from_a_player_names_the_command() -> None:
    error = refusal(decode_player, '{"type": "next"}')
    assert error.code == "not_host" and error.extra == {"command": "next"}


def test_host_commands_may_name_the_phase_they_are_meant_for() -> None:
    command = decode_host('{"type": "next", "phase": "question"}')
    assert isinstance(command, HostCommand) and command.phase == "question"
    assert refusal(decode_host, '{"type": "next", "phase": "soon"}').code == "bad_message"
