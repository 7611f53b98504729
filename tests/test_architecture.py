"""The import rules of docs/architecture.md ("What may import what"), checked on every run."""

from __future__ import annotations

import ast
from pathlib import Path

SERVER = Path(__file__).parents[1] / "server"

# layer -> the server modules (prefixes) it may import, besides itself
ALLOWED: dict[str, tuple[str, ...]] = {
    "protocol": (),
    "resources": (),
    "engine": ("quizkiosk.protocol", "quizkiosk.banks.model"),
    "live": (
        "quizkiosk.engine",
        "quizkiosk.archive",
        "quizkiosk.protocol",
        "quizkiosk.banks",
        "quizkiosk.scale",
    ),
    "archive": (),
    "reports": ("quizkiosk.archive", "quizkiosk.banks"),
    "accounts": ("quizkiosk.archive",),
    "store": ("quizkiosk.archive", "quizkiosk.accounts"),
    "banks": ("quizkiosk.engine.normalize", "quizkiosk.resources"),
    "web": (
        "quizkiosk.live",
        "quizkiosk.engine.commands",
        "quizkiosk.engine.game",
        "quizkiosk.engine.settings",
        "quizkiosk.engine.modes",
        "quizkiosk.engine.views",
        "quizkiosk.protocol",
        "quizkiosk.archive",
        "quizkiosk.accounts",
        "quizkiosk.store",
        "quizkiosk.reports",
        "quizkiosk.banks",
        "quizkiosk.config",
        "quizkiosk.resources",
    ),
    "bots": ("quizkiosk.protocol", "quizkiosk.banks"),
    "scale": ("quizkiosk.protocol", "quizkiosk.engine.commands"),
}


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


def test_every_layer_imports_only_what_the_architecture_allows() -> None:
    broken = []
    for path in sorted(SERVER.rglob("*.py")):
        layer = layer_of(path)
        if layer not in ALLOWED:
            continue  # cli and config sit on top and may use anything
        own = f"quizkiosk.{layer}"
        for module in imports_of(path):
            if module == own or module.startswith(own + "."):
                continue
            if not module.startswith(ALLOWED[layer]):
                broken.append(f"{path.relative_to(SERVER.parent)} imports {module}")
    assert broken == []


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
