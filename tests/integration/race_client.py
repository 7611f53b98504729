"""A race participant for the integration tests: answers each step from its text."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import Client

# The fixture bank's keys (tests/fixtures/race_bank.yaml), by step, in bank terms.
KEY: dict[int, object] = {
    0: "B",
    1: True,
    2: "J20.9",
    3: ["S1", "S2", "S3"],
    4: ["A", "C"],
    5: False,
    6: "A",
    7: "R07.4",
}
STEPS = len(KEY)


def value_for(step: dict[str, Any], right: bool) -> object:
    """The answer to a `race_step` message, in its display positions."""
    index, kind = step["index"], step["kind"]
    key = KEY[index]
    names = [choice["en"] for choice in step.get("choices", [])]
    if kind == "single":
        assert isinstance(key, str)
        position = names.index(key)
        return position if right else (position + 1) % len(names)
    if kind == "multi":
        assert isinstance(key, list)
        picked = [names.index(k) for k in key]
        return picked if right else [p for p in range(len(names)) if p not in picked][:1]
    if kind == "order":
        assert isinstance(key, list)
        ordered = [names.index(k) for k in key]
        return ordered if right else list(reversed(ordered))
    if kind == "truefalse":
        return key if right else not key
    return key if right else "X00.0"


async def attempt(client: Client, step: dict[str, Any], right: bool) -> dict[str, Any]:
    """Answer `step`; returns the `attempt_result` (sent only once it is durable)."""
    await client.send(
        {"type": "answer", "question": step["index"], "value": value_for(step, right)}
    )
    return await client.expect("attempt_result", timeout=15)
