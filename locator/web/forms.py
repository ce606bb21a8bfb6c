"""What every form shares: the session's CSRF token (a hidden field in each POST form) and its check, and the
`next` address a sign-in may return to (a path on this site only)."""
from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

from locator.untrusted import control_character

MAX_NEXT = 500


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="The form has expired or did not come from this site; please try again.")


def safe_next(value: object) -> str | None:
    """A path on this site to return to after sign-in, or None: never another site (//host, /\\host, scheme:)."""
    if not isinstance(value, str) or not value or len(value) > MAX_NEXT or control_character(value):
        return None
    if not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value:
        return None
    return value
