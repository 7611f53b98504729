"""Trainer-side pages: login, setup, console, projector and remote."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
