"""Player-side pages: join, phone play page, shared-PC mode."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
