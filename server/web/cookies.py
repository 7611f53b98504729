"""Names of the cookies the web edge sets, in one place."""

from __future__ import annotations

SESSION_COOKIE = "qk_session"  # a signed-in trainer (HttpOnly)
CSRF_COOKIE = "qk_csrf"  # the double-submit CSRF token (readable by the page)
