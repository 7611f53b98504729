"""The one place that sets security headers, on every HTTP response.

Pages, the JSON API, static files, media and QR codes all pass through here,
so a new route cannot ship without them.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Same-origin only: no inline script, no third-party anything, never framed.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'; object-src 'none'"
)
# Bank images (SVG may carry script) and QR codes: shown as images, never run.
IMAGE_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
IMAGE_PREFIXES = ("/media/",)
# Live pages and API answers are never stored: a shared PC keeps nothing in its
# cache or back/forward cache, and the projector page carries the host token.
NO_STORE_TYPES = ("text/html", "application/json")


def policy_for(path: str) -> str:
    if path.startswith(IMAGE_PREFIXES) or path.endswith(".svg"):
        return IMAGE_POLICY
    return PAGE_POLICY


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Content-Security-Policy"] = policy_for(path)
                content_type = headers.get("content-type", "")
                if "cache-control" not in headers and content_type.startswith(NO_STORE_TYPES):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
