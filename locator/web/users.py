"""The signed-in user of a browser session (sign-in by emailed link: locator.web.accounts), and the decorator
that guards a user's pages: not signed in → the sign-in page (then back), signed in with another role → 404."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable

from flask import abort, g, redirect, request, session, url_for

from locator import auth
from locator.models import User as UserRow
from locator.web.context import services
from locator.web.forms import check_csrf, csrf_token, safe_next

__all__ = ["User", "check_csrf", "csrf_token", "current_user", "home_for", "require_user", "start_user_session"]

HOMES = {"partner": "/partner", "admin": "/admin", "seller": "/sellers"}


@dataclass(frozen=True)
class User:
    id: int
    email: str
    role: str
    partner_id: int | None


def current_user() -> User | None:
    """The signed-in user: the cookie's session is live in the store, of a user who is not disabled (once a
    request)."""
    if "current_user" not in g:
        g.current_user = _load_user()
    return g.current_user


def _load_user() -> User | None:
    sid = session.get("sid")
    if not isinstance(sid, str):
        return None
    svc = services()
    with svc.db.session() as db:
        live = auth.live_session(db, sid, svc.config.session_idle_minutes)
        if live is None or live.principal_kind != auth.USER:
            return None
        row = db.get(UserRow, live.principal_id)
        if row is None or row.disabled_at is not None or (row.role == "partner" and row.partner_id is None):
            return None
        return User(row.id, row.email, row.role, row.partner_id)


def require_user(*roles: str) -> Callable:
    """Guard a view: anonymous → 303 to /sign-in?next=<this page> (GET; a form post goes to /sign-in alone); a
    user of another role → 404 (the page is not there for them). The view may call current_user(), then set."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any):
            user = current_user()
            if user is None:
                target = request.full_path.rstrip("?") if request.method == "GET" else None  # a POST is not re-sent
                return redirect(url_for("accounts.sign_in", next=safe_next(target)), code=303)
            if roles and user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return guarded

    return decorate


def home_for(role: str) -> str:
    """Where a user of this role lands after signing in."""
    return HOMES.get(role, "/")


def start_user_session(user_id: int) -> None:
    """Sign the browser in as this user: a new session in the store, a new cookie and CSRF token (nothing from
    before sign-in carries over)."""
    svc = services()
    with svc.db.session() as db:
        sid = auth.start_session(db, auth.USER, user_id, svc.config.session_idle_minutes)
    session.clear()
    session["sid"] = sid
    session["csrf"] = secrets.token_urlsafe(32)
    g.pop("current_user", None)


def end_browser_session() -> None:
    """Sign the browser out (a user's or a seller token's session): the session ends in the store, so every
    copy of the cookie stops working, and the cookie is forgotten."""
    sid = session.get("sid")
    if sid:
        with services().db.session() as db:
            auth.end_session(db, sid)
    session.clear()
    g.pop("current_user", None)
