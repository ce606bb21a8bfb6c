"""Seller tokens: created once (shown to the operator), stored only as their sha256, revocable. Browser
sessions: a random id in the cookie, its sha256 in the store, ended by sign-out or inactivity."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from locator.models import SellerToken, WebSession, utcnow

ROLES = ("seller", "admin")
SELLER = "seller_token"  # the principal kind of a seller's browser session
USER = "user"  # the principal kind of a signed-in user's browser session (locator.accounts)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at moves on at most this often (not a write per request)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, role: str = "seller") -> str:
    """Store a new token for `name` and return it in clear (the only time it is known)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    token = secrets.token_urlsafe(32)
    session.add(SellerToken(name=name, role=role, token_hash=hash_token(token)))
    session.flush()
    return token


def verify_token(session: Session, token: str) -> SellerToken | None:
    """The live (not revoked) token with this value, or None."""
    if not token or len(token) > 200:
        return None
    return session.scalar(
        select(SellerToken).where(SellerToken.token_hash == hash_token(token), SellerToken.revoked_at.is_(None))
    )


def start_session(session: Session, principal_kind: str, principal_id: int, idle_minutes: int) -> str:
    """Store a new session for the principal and return its id in clear (for the cookie only). Sessions
    already idle too long (ended ones among them) are deleted on the way."""
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.last_seen_at < now - timedelta(minutes=idle_minutes)))
    raw = secrets.token_urlsafe(32)
    session.add(WebSession(id_hash=hash_token(raw), principal_kind=principal_kind, principal_id=principal_id,
                           created_at=now, last_seen_at=now))
    session.flush()
    return raw


def live_session(session: Session, raw: str, idle_minutes: int) -> WebSession | None:
    """The session with this id unless it was ended or has been idle for `idle_minutes`; a visit moves
    its last_seen_at on (at most once a minute)."""
    if not isinstance(raw, str) or not raw or len(raw) > 200:
        return None
    now = utcnow()
    found = session.scalar(select(WebSession).where(
        WebSession.id_hash == hash_token(raw), WebSession.revoked_at.is_(None),
        WebSession.last_seen_at >= now - timedelta(minutes=idle_minutes)))
    if found is not None and now - _aware(found.last_seen_at) >= TOUCH_EVERY:
        found.last_seen_at = now
    return found


def end_session(session: Session, raw: str) -> None:
    """Revoke the session with this id: every copy of its cookie stops working."""
    if isinstance(raw, str) and raw:
        session.execute(update(WebSession).where(WebSession.id_hash == hash_token(raw), WebSession.revoked_at.is_(None))
                        .values(revoked_at=utcnow()))


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes, PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
