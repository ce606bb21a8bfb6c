"""One-time sign-in links and the limits on asking for them.

A link's secret is random (256 bits) and only its sha256 is stored; it works once (an atomic update marks it
used, so two clicks at once cannot both sign in) and until it expires. Requests for links are counted per
email address and per client in the store (hashed keys), so the limits hold across workers and nodes; they are
counted whether or not the address belongs to a user, so the limits reveal nothing either."""
from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from locator.auth import _aware, hash_token
from locator.errors import LocatorError
from locator.models import SignInAttempt, SignInLink, User, utcnow

MAX_TOKEN = 200


class RateLimited(LocatorError):
    status = 429
    code = "too_many_requests"


class LinkProblem(enum.Enum):
    """Why a link does not sign anyone in, with the status and the words its page shows."""

    INVALID = (400, "This sign-in link is not valid. Check that you opened the whole link, or ask for a new one.")
    EXPIRED = (410, "This sign-in link has expired. Links work for a short time only; ask for a new one.")
    USED = (410, "This sign-in link has already been used. Each link works once; ask for a new one.")

    @property
    def status(self) -> int:
        return self.value[0]

    @property
    def message(self) -> str:
        return self.value[1]


def create_link(session: Session, user: User, lifetime: timedelta, next_path: str | None = None) -> str:
    """Store a new link for the user and return its secret in clear (for the email only)."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(SignInLink(token_hash=hash_token(raw), user_id=user.id, next_path=next_path, created_at=now,
                           expires_at=now + lifetime))
    session.flush()
    return raw


def link_problem(session: Session, raw: str) -> LinkProblem | None:
    """What is wrong with the link (None: it would sign its user in now); changes nothing."""
    link, user = _find(session, raw)
    return _problem(link, user)


def consume_link(session: Session, raw: str) -> tuple[User, str | None] | LinkProblem:
    """Use the link: (its user, where to go next), or the problem. Marked used in one conditional update."""
    link, user = _find(session, raw)
    problem = _problem(link, user)
    if problem is not None:
        return problem
    now = utcnow()
    marked = session.execute(update(SignInLink).where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
                             .values(used_at=now))
    if marked.rowcount != 1:  # another request used it a moment ago
        session.expire(link)
        return LinkProblem.USED
    user.last_sign_in_at = now
    return user, link.next_path


def record_request(session: Session, email: str, client: str, per_address: int, per_client: int,
                   window: timedelta) -> None:
    """Count a request for a link (whether or not the address is a user's); RateLimited when this address or
    this client has asked too often within the window. Old counts are deleted on the way."""
    now = utcnow()
    session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - window))
    keys = {_key("address", email.strip().lower()): per_address, _key("client", client): per_client}
    for key, limit in keys.items():
        count = session.scalar(select(func.count(SignInAttempt.id)).where(SignInAttempt.key_hash == key,
                                                                          SignInAttempt.at >= now - window))
        if count >= limit:
            minutes = max(1, int(window.total_seconds() // 60))
            raise RateLimited(f"Too many sign-in requests. Please wait {minutes} minutes and try again.")
    session.add_all(SignInAttempt(key_hash=key, at=now) for key in keys)
    session.flush()


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8")).hexdigest()


def _find(session: Session, raw: str) -> tuple[SignInLink | None, User | None]:
    if not isinstance(raw, str) or not raw or len(raw) > MAX_TOKEN:
        return None, None
    row = session.execute(select(SignInLink, User).join(User, User.id == SignInLink.user_id)
                          .where(SignInLink.token_hash == hash_token(raw))).first()
    return (row[0], row[1]) if row else (None, None)


def _problem(link: SignInLink | None, user: User | None) -> LinkProblem | None:
    if link is None or user is None or user.disabled_at is not None:
        return LinkProblem.INVALID
    if link.used_at is not None:
        return LinkProblem.USED
    if _aware(link.expires_at) <= utcnow():
        return LinkProblem.EXPIRED
    return None

