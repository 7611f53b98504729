"""The browser JavaScript (kiosk_ui/static/js): ESLint and node's unit tests in tests/js.

The tools come from the npm registry (package.json, package-lock.json); `npm ci` installs
them into node_modules/ when it is missing. Without node and npm the tests skip locally
and fail under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parents[1]
JS_TESTS = ROOT / "tests" / "js"
ESLINT = ROOT / "node_modules" / ".bin" / "eslint"


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}
    return subprocess.run(
        list(args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env=env,
    )


def tool(name: str) -> str:
    found = shutil.which(name)
    require_tool(found is not None, f"{name} is not installed (apt-get install nodejs npm)")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """ESLint and its configs, installed exactly as package-lock.json pins them."""
    npm = tool("npm")
    tool("node")
    if not ESLINT.exists():
        result = run(npm, "ci", "--no-audit", "--no-fund", timeout=600)
        require_tool(result.returncode == 0, f"npm ci failed:\n{result.stdout}{result.stderr}")
    return ROOT / "node_modules"


def test_eslint_is_clean(node_modules: Path) -> None:
    # ESLint's own binary, not `npx eslint`: npx takes --max-warnings as its own option
    # and drops it, so warnings would pass.
    result = run(str(ESLINT), "--max-warnings=0")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_javascript_unit_tests_pass() -> None:
    files = sorted(str(path.relative_to(ROOT)) for path in JS_TESTS.glob("*.test.mjs"))
    assert files, "no tests/js/*.test.mjs"
    result = run(tool("node"), "--test", "--test-reporter=tap", *files)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"^# pass (\d+)$", output, re.MULTILINE)
    failed = re.search(r"^# fail (\d+)$", output, re.MULTILINE)
    assert passed and int(passed.group(1)) > 0, output  # node really ran the tests
    assert failed and int(failed.group(1)) == 0, output
