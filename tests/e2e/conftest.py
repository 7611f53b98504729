"""Real Chromium (Debian's package) driven by Playwright against a real server.

`playwright install` cannot download browsers here, so the tests launch the system
Chromium by its path.  Without it the tests skip locally and fail under CI=true.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_tool
from tests.integration.conftest import RunningServer, start_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 640}
PROJECTOR = {"width": 1920, "height": 1080}
PC = {"width": 1280, "height": 720}


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


# Module scope: Playwright's sync API keeps an event loop running while it is open,
# which would stop later tests in the same process from calling asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    require_tool(path is not None, "Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - part of the test extras
        require_tool(False, "the playwright package is not installed")
        raise
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from start_server(tmp_path_factory)


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot as a test artifact (test-artifacts/screenshots/NAME.png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def serious_accessibility_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (vendored from npm, injected from disk) and keep serious/critical ones.

    The pages forbid inline scripts (CSP); contexts that run this are opened with
    `bypass_csp=True` so the test can inject axe.
    """
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
