"""Seller tokens: created once (shown to the operator), stored only as their sha256, revocable."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from locator.models import SellerToken

ROLES = ("seller", "admin")


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
