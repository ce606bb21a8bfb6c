"""Users: a partner's users (bound to one partner; a partner may have several), sellers and admins. Emails are
stored lower-cased and are unique; a disabled user keeps its row (the history names it) but cannot sign in."""
from __future__ import annotations

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from locator.auth import USER
from locator.errors import LocatorError
from locator.ingest.schema import EMAIL_RE
from locator.models import USER_ROLES, Partner, SignInLink, User, WebSession, utcnow
from locator.untrusted import control_character, quote

MAX_EMAIL = 254


class AccountError(LocatorError):
    status = 400
    code = "invalid_account"


def normalise_email(raw: object) -> str:
    """The address lower-cased and stripped, or AccountError naming the field `email`."""
    value = raw.strip() if isinstance(raw, str) else ""
    if not value:
        raise AccountError("enter an email address", field="email")
    if len(value) > MAX_EMAIL or control_character(value) or not EMAIL_RE.match(value):
        raise AccountError(f"not an email address: {quote(value, 80)}", field="email")
    return value.lower()


def find_user(session: Session, email: str) -> User | None:
    """The user with this address (any case), or None; an address that is not one finds nobody."""
    try:
        key = normalise_email(email)
    except AccountError:
        return None
    return session.scalar(select(User).where(User.email == key))


def find_partner(session: Session, ref: str) -> Partner | None:
    """A partner by its external id (the import's `id`) or by its slug."""
    ref = (ref or "").strip()
    if not ref or len(ref) > 160 or control_character(ref):
        return None
    return session.scalar(select(Partner).where(or_(Partner.external_id == ref, Partner.slug == ref))
                          .order_by(Partner.external_id != ref).limit(1))


def create_user(session: Session, email: str, role: str, partner: Partner | None = None) -> User:
    """A new enabled user; partner users need their partner, sellers and admins have none."""
    key = normalise_email(email)
    if role not in USER_ROLES:
        raise AccountError(f"role must be one of {', '.join(USER_ROLES)}", field="role")
    if role == "partner" and partner is None:
        raise AccountError("a partner user needs a partner (its id or slug)", field="partner")
    if role != "partner" and partner is not None:
        raise AccountError(f"a {role} is not bound to a partner", field="partner")
    if session.scalar(select(User.id).where(User.email == key)) is not None:
        raise AccountError("there is already a user with this email address", field="email")
    user = User(email=key, role=role, partner_id=partner.id if partner else None, created_at=utcnow())
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[tuple[User, Partner | None]]:
    """Every user with its partner (None for sellers and admins), by email."""
    rows = session.execute(select(User, Partner).outerjoin(Partner, Partner.id == User.partner_id).order_by(User.email))
    return [(user, partner) for user, partner in rows]


def disable_user(session: Session, user: User) -> None:
    """Disable the user: its sessions end now and its unused links stop working."""
    now = utcnow()
    if user.disabled_at is None:
        user.disabled_at = now
    session.execute(update(WebSession).where(WebSession.principal_kind == USER, WebSession.principal_id == user.id,
                                             WebSession.revoked_at.is_(None)).values(revoked_at=now))
    session.execute(delete(SignInLink).where(SignInLink.user_id == user.id, SignInLink.used_at.is_(None)))


def ensure_partner_user(session: Session, partner: Partner, email: str) -> User | None:
    """The partner's first user, for an import naming one: created unless the partner already has users or
    the address already belongs to someone (then None)."""
    if session.scalar(select(func.count(User.id)).where(User.partner_id == partner.id)):
        return None
    if find_user(session, email) is not None:
        return None
    return create_user(session, email, "partner", partner)
