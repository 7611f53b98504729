"""Shared test policy: a missing tool skips outside CI and fails under CI=true."""

from __future__ import annotations

import os

import pytest

# The PostgreSQL fixtures (a throwaway cluster per session), for every test folder.
pytest_plugins = ("tests.postgres_server",)


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(available: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when something the test needs is missing."""
    if available:
        return
    if running_in_ci():
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)
