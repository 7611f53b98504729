"""The import rules of docs/architecture.md ("What may import what"), checked on every run.

The rules are read from the page itself, so the page and the check cannot drift apart:
every part of server/ (each folder, and each module at its top) must have a line there,
and every folder of the repository and of server/ a row in its table of folders.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
SERVER = ROOT / "server"
DOC = ROOT / "docs" / "architecture.md"


def section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def rules_in_the_doc() -> dict[str, tuple[str, ...]]:
    """part -> the server modules (prefixes) it may import besides itself.

    `web → live, engine.commands / game, banks (why)` allows quizkiosk.live,
    quizkiosk.engine.commands, quizkiosk.engine.game and quizkiosk.banks: notes in
    parentheses are dropped, `a.b / c` is short for `a.b, a.c`.
    """
    block = section("What may import what").split("```")[1]
    rules: dict[str, tuple[str, ...]] = {}
    for line in re.split(r"\n(?=\S)", block.strip()):  # an indented line continues one
        part, arrow, targets = line.partition("→")
        assert arrow, f"not a rule: {line!r}"
        allowed: list[str] = []
        for item in re.sub(r"\([^)]*\)", "", " ".join(targets.split())).split(","):
            first, *more = [name.strip() for name in item.split("/") if name.strip()] or [""]
            if first:
                package = first.rpartition(".")[0]
                allowed += [first, *(f"{package}.{name}" for name in more)]
        assert part.strip() not in rules, f"two lines for {part.strip()}"
        rules[part.strip()] = tuple(f"quizkiosk.{name}" for name in allowed)
    return rules


def parts_of_the_server() -> set[str]:
    folders = {path.parent.name for path in SERVER.glob("*/__init__.py")}
    modules = {path.stem for path in SERVER.glob("*.py")} - {"__init__"}
    return folders | modules


def layer_of(path: Path) -> str:
    relative = path.relative_to(SERVER)
    return relative.parts[0].removesuffix(".py")


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return [name for name in found if name.startswith(("quizkiosk.", "server"))]


def test_the_page_has_one_rule_for_each_part_of_the_server() -> None:
    assert set(rules_in_the_doc()) == parts_of_the_server()


def test_the_rules_read_from_the_page() -> None:
    rules = rules_in_the_doc()
    assert rules["protocol"] == ()
    assert rules["live"] == (
        "quizkiosk.engine",
        "quizkiosk.archive",
        "quizkiosk.protocol",
        "quizkiosk.banks",
        "quizkiosk.scale",
    )
    assert rules["web"][:3] == (
        "quizkiosk.live",
        "quizkiosk.engine.commands",
        "quizkiosk.engine.game",
    )
    assert rules["config"] == ("quizkiosk.banks.loader",)


def test_every_part_imports_only_what_the_architecture_allows() -> None:
    rules = rules_in_the_doc()
    broken = []
    for path in sorted(SERVER.rglob("*.py")):
        layer = layer_of(path)  # server/__init__.py has no line: it may import nothing
        own = f"quizkiosk.{layer}"
        for module in imports_of(path):
            if module == own or module.startswith(own + "."):
                continue
            if not module.startswith(rules.get(layer, ())):
                broken.append(f"{path.relative_to(ROOT)} imports {module}")
    assert broken == []


def test_the_table_of_folders_names_every_folder() -> None:
    table = section("The folders")
    ignored = [
        line.strip().rstrip("/")
        for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    folders = [
        f"{path.name}/"
        for path in ROOT.iterdir()
        if path.is_dir()
        and (not path.name.startswith(".") or path.name == ".ci")
        and not any(fnmatch.fnmatch(path.name, pattern) for pattern in ignored)
    ]
    in_server = [f"server/{path.parent.name}/" for path in SERVER.glob("*/__init__.py")] + [
        f"server/{path.name}" for path in SERVER.glob("*.py") if path.name != "__init__.py"
    ]
    missing = [name for name in folders + in_server if f"`{name}`" not in table]
    assert sorted(missing) == []


def test_the_engine_does_no_io() -> None:
    forbidden = ("asyncio", "socket", "sqlite3", "time", "starlette", "websockets", "threading")
    found = []
    for path in sorted((SERVER / "engine").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in forbidden]
    assert found == []


def test_the_code_imports_itself_as_quizkiosk_never_by_its_folder_name() -> None:
    """`server/` is only where the source lives; installed, the package is `quizkiosk`
    and a module named `server` does not exist."""
    by_folder = [
        f"{path.relative_to(SERVER.parent)} imports {module}"
        for path in sorted(SERVER.rglob("*.py"))
        for module in imports_of(path)
        if module == "server" or module.startswith("server.")
    ]
    assert by_folder == []
