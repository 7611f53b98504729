"""docs/protocol.md lists every message, error code, close code and phase of the wire.

What is on the wire is read from the code, not from a list kept by hand: message types
from `quizkiosk.protocol` (the client models' `type` literals, every `ServerMessage`),
close codes from its `CLOSE_*` constants and any number a socket is closed with, phases
from `PhaseName`, and error codes from every place that refuses something on a socket
(`CommandRefused`, `JoinRefused`, `ProtocolError`, `ErrorMsg`, `error_message`,
`send_error`, and error dicts relayed between workers), found by walking the source.
The objects nested in server messages are the TypedDicts of `quizkiosk.protocol`:
every key of each must be named in the doc, and no message field may be untyped JSON.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from quizkiosk import protocol

T = TypeVar("T")
ROOT = Path(__file__).parents[2]
SERVER = ROOT / "server"
DOC = ROOT / "docs" / "protocol.md"

# Where socket refusals are made: the decoder, the engine, the live core, the scaled-out
# plumbing and the two socket endpoints (the HTTP API has its own codes, in OpenAPI).
SOCKET_SOURCES = [
    SERVER / "protocol.py",
    *sorted((SERVER / "engine").rglob("*.py")),
    *sorted((SERVER / "live").rglob("*.py")),
    *sorted((SERVER / "scale").rglob("*.py")),
    *sorted((SERVER / "web").glob("ws_*.py")),
]

# The call that refuses, and which argument carries the code.
REFUSALS = {
    "CommandRefused": 0,
    "JoinRefused": 0,
    "ProtocolError": 0,
    "ErrorMsg": 0,
    "error_message": 0,
    "send_error": 1,
}
CLOSERS = {"close", "close_soon", "shutdown", "close_all", "abandon"}

# Places that pass on a code made elsewhere (collected where it is made): a worker
# relaying the refusal the game's owner sent back.
RELAYS = {("live/edge.py", "_forward")}


# ---- reading the code -------------------------------------------------------------------


@dataclass
class Module:
    path: Path
    tree: ast.Module
    parents: dict[ast.AST, ast.AST]

    @property
    def name(self) -> str:
        return self.path.relative_to(SERVER).as_posix()

    def function_of(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None


def load(path: Path) -> Module:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    return Module(path, tree, parents)


MODULES = [load(path) for path in SOCKET_SOURCES]


def called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for given in call.keywords:
        if given.arg == keyword:
            return given.value
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    return None


def functions_named(name: str) -> Iterator[tuple[Module, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for module in MODULES:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
                yield module, node


class Unresolved(Exception):
    pass


def strings(expr: ast.expr, module: Module, seen: frozenset[int] = frozenset()) -> set[str] | None:
    """The string constants `expr` can be; None when it passes on a code from elsewhere
    (`refused.code`). Raises Unresolved when it cannot tell."""
    if id(expr) in seen:
        return set()
    seen = seen | {id(expr)}
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        found = set()
        for branch in (expr.body, expr.orelse):
            got = strings(branch, module, seen)
            if got is not None:
                found |= got
        return found
    if isinstance(expr, ast.Attribute) and expr.attr == "code":
        return None  # re-sends a refusal raised (and collected) elsewhere
    if isinstance(expr, ast.Name):
        return name_strings(expr, module, seen)
    raise Unresolved(f"{module.name}:{expr.lineno}: {ast.unparse(expr)}")


def name_strings(name: ast.Name, module: Module, seen: frozenset[int]) -> set[str] | None:
    function = module.function_of(name)
    if function is None:
        raise Unresolved(f"{module.name}:{name.lineno}: {name.id}")
    parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    keyword_only = [a.arg for a in function.args.kwonlyargs]
    if name.id in parameters or name.id in keyword_only:
        return parameter_strings(function, name.id, module, seen)
    found: set[str] = set()
    assigned = False
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name.id:
                assigned = True
                found |= strings(node.value, module, seen) or set()
            elif isinstance(target, ast.Tuple):
                for index, element in enumerate(target.elts):
                    if isinstance(element, ast.Name) and element.id == name.id:
                        assigned = True
                        found |= unpacked_strings(node.value, index, module, seen)
    if not assigned:
        raise Unresolved(f"{module.name}:{name.lineno}: {name.id} is never assigned")
    return found


def unpacked_strings(value: ast.expr, index: int, module: Module, seen: frozenset[int]) -> set[str]:
    """`a, b = value`: what element `index` can be."""
    if isinstance(value, ast.Tuple):
        return strings(value.elts[index], module, seen) or set()
    if isinstance(value, ast.Call) and (callee := called_name(value)) is not None:
        found: set[str] = set()
        for where, function in functions_named(callee):
            for node in ast.walk(function):
                if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                    found |= strings(node.value.elts[index], where, seen) or set()
        if found:
            return found
    raise Unresolved(f"{module.name}:{value.lineno}: {ast.unparse(value)}")


def parameter_strings(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    parameter: str,
    module: Module,
    seen: frozenset[int],
) -> set[str]:
    """What the callers of `function` pass as `parameter`."""
    parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if parameters and parameters[0] in ("self", "cls"):
        parameters = parameters[1:]
    position = parameters.index(parameter) if parameter in parameters else 10**6
    found: set[str] = set()
    calls = 0
    for caller in MODULES:
        for node in ast.walk(caller.tree):
            if isinstance(node, ast.Call) and called_name(node) == function.name:
                given = argument(node, position, parameter)
                if given is not None:
                    calls += 1
                    found |= strings(given, caller, seen) or set()
    if not calls:
        raise Unresolved(f"{module.name}: nobody calls {function.name} with {parameter}")
    return found


def error_codes() -> set[str]:
    codes: set[str] = set()
    for module in MODULES:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Dict):  # {"code": ..., "message": ...} relayed on
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "code":
                        codes |= strings(value, module) or set()
            if not isinstance(node, ast.Call) or called_name(node) not in REFUSALS:
                continue
            function = module.function_of(node)
            if function is not None and (module.name, function.name) in RELAYS:
                continue
            name = called_name(node)
            assert name is not None
            code = argument(node, REFUSALS[name], "code")
            assert code is not None, f"{module.name}:{node.lineno}: which code?"
            codes |= strings(code, module) or set()
    return codes


def close_codes() -> set[int]:
    codes = {
        value
        for name, value in vars(protocol).items()
        if name.startswith("CLOSE_") and isinstance(value, int)
    }
    for module in MODULES:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call) and called_name(node) in CLOSERS:
                code = argument(node, 0, "code")
                if isinstance(code, ast.Constant) and isinstance(code.value, int):
                    codes.add(code.value)
    return codes


def subclasses(root: type[T]) -> set[type[T]]:
    found: set[type[T]] = set()
    for sub in root.__subclasses__():
        found |= {sub} | subclasses(sub)
    return found


def client_types() -> set[str]:
    types: set[str] = set()
    for model in subclasses(protocol._Message):
        types |= set(typing.get_args(model.model_fields["type"].annotation))
    return types


def server_types() -> set[str]:
    return {message.TYPE for message in subclasses(protocol.ServerMessage)}


def phases() -> set[str]:
    return set(typing.get_args(protocol.PhaseName))


def nested_objects() -> dict[str, type]:
    """Every TypedDict defined in quizkiosk.protocol: the shapes of nested objects."""
    return {
        name: value
        for name, value in vars(protocol).items()
        if isinstance(value, type)
        and typing.is_typeddict(value)
        and value.__module__ == protocol.__name__
    }


def nested_keys() -> list[tuple[str, str]]:
    """(shape, key) for every key of every nested object, inherited keys included."""
    return sorted(
        (name, key)
        for name, shape in nested_objects().items()
        for key in typing.get_type_hints(shape)
    )


def holds_untyped_json(hint: object) -> bool:
    """Whether a type is, or is built from, the catch-all `Json` (dict[str, object])."""
    return hint == protocol.Json or any(holds_untyped_json(arg) for arg in typing.get_args(hint))


# ---- reading the doc ----------------------------------------------------------------------

TEXT = DOC.read_text(encoding="utf-8")


def json_types() -> set[str]:
    """Every `"type": "…"` in the doc's examples."""
    return set(re.findall(r'"type":\s*"([a-z_]+)"', TEXT))


def table_rows(header: str) -> list[str]:
    """The first cells of the Markdown table whose header row starts with `header`."""
    lines = TEXT.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(line.split("|")[1])
    return rows


def documented_error_codes() -> set[str]:
    return {code for cell in table_rows("| code | when |") for code in re.findall(r"`(\w+)`", cell)}


def documented_close_codes() -> set[int]:
    return {int(cell) for cell in table_rows("| code | meaning |")}


def documented_names() -> set[str]:
    """Every name the doc quotes: `key` in the prose, "key" in the JSON examples."""
    return set(re.findall(r'[`"]([a-z_]+)[`"]', TEXT))


def documented_phases() -> set[str]:
    """The list after "Every command may carry `phase` (one of"."""
    listed = re.search(r"Every command may carry `phase` \(one of ([^;)]*)", TEXT)
    assert listed is not None, "the Commands section no longer lists the phases"
    return set(re.findall(r"`(\w+)`", listed.group(1)))


# ---- the tests ----------------------------------------------------------------------------


def test_the_code_is_read_as_expected() -> None:
    # So an empty set never passes for "all documented": a few we know are there.
    assert {"join", "answer", "host", "team", "kick"} <= client_types()
    assert {"welcome", "race_step", "race_rank", "error"} <= server_types()
    assert {"too_late", "bad_host_token", "not_saved", "step_locked", "invalid_team"} <= (
        error_codes()
    )
    assert {1000, 1011, 4000, 4012} <= close_codes()
    assert "race" in phases()
    assert {"StandingEntry", "PlacingEntry", "TeamEntry", "RaceCase", "GameSummary"} <= set(
        nested_objects()
    )
    assert ("GameSummary", "settings") in nested_keys()  # inherited keys count too


@pytest.mark.parametrize("kind", sorted(client_types()))
def test_every_client_message_is_documented_with_an_example(kind: str) -> None:
    assert kind in json_types(), f'no {{"type": "{kind}"}} in docs/protocol.md'


@pytest.mark.parametrize("kind", sorted(server_types()))
def test_every_server_message_is_documented_with_an_example(kind: str) -> None:
    assert kind in json_types(), f'no {{"type": "{kind}"}} in docs/protocol.md'


@pytest.mark.parametrize("code", sorted(error_codes()))
def test_every_error_code_is_in_the_table_of_errors(code: str) -> None:
    assert code in documented_error_codes(), f"`{code}` missing from the error table"


@pytest.mark.parametrize("code", sorted(close_codes()))
def test_every_close_code_is_in_the_table_of_close_codes(code: int) -> None:
    assert code in documented_close_codes(), f"close code {code} missing from the table"


@pytest.mark.parametrize("phase", sorted(phases()))
def test_every_phase_a_command_may_name_is_listed(phase: str) -> None:
    assert phase in documented_phases(), f"phase `{phase}` missing from the Commands section"


@pytest.mark.parametrize(("shape", "key"), nested_keys())
def test_every_key_of_every_nested_object_is_documented(shape: str, key: str) -> None:
    # docs/protocol.md documents both modes' messages, so race objects are there too.
    assert key in documented_names(), f"`{key}` of {shape} missing from docs/protocol.md"


@pytest.mark.parametrize(
    "message", sorted(subclasses(protocol.ServerMessage), key=lambda m: m.TYPE)
)
def test_no_field_of_a_server_message_is_untyped_json(
    message: type[protocol.ServerMessage],
) -> None:
    hints = typing.get_type_hints(message)
    untyped = [f.name for f in dataclasses.fields(message) if holds_untyped_json(hints[f.name])]
    assert not untyped, f"{message.TYPE}: {untyped} typed Json, not a TypedDict of protocol.py"


def test_the_doc_names_no_message_the_server_does_not_know() -> None:
    assert json_types() <= client_types() | server_types()
