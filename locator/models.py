"""The store's tables: partners with offices, seller tokens and browser sessions, the change log the index follows."""
from __future__ import annotations

from datetime import datetime, timezone

from geoalchemy2 import Geometry
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


LIST_FIELDS = ("types", "services", "segments", "languages", "certifications", "industries", "countries_served",
               "regions_served")


class Partner(Base):
    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(500))
    logo_url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(60))
    track: Mapped[str] = mapped_column(String(10), default="open")
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    segments: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    industries: Mapped[list[str]] = mapped_column(JSON, default=list)
    countries_served: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions_served: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 3166-2 first-level codes served remotely
    social: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    service_area = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=True)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    internal: Mapped[dict] = mapped_column(JSON, default=dict)
    completeness: Mapped[int] = mapped_column(Integer, default=0)
    completeness_breakdown: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    offices: Mapped[list["Office"]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="Office.position"
    )

    def __repr__(self) -> str:
        return f"<Partner {self.external_id} {self.name!r}>"


class Office(Base):
    __tablename__ = "office"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=True)
    headquarters: Mapped[bool] = mapped_column(Boolean, default=False)
    geocode_source: Mapped[str | None] = mapped_column(String(40))
    # Its ISO 3166-2 first-level region ("US-TX"): given, or derived from its place at import (locator.ingest.regions);
    # `locator reindex` fills it in where a point has none.
    region_code: Mapped[str | None] = mapped_column(String(6))

    partner: Mapped[Partner] = relationship(back_populates="offices")


class Change(Base):
    """One write to a partner; its id is the change marker every node's index follows."""

    __tablename__ = "change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    op: Mapped[str] = mapped_column(String(10))  # upsert | delete
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SellerToken(Base):
    __tablename__ = "seller_token"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default="seller")
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A signed-in browser session. The cookie carries a random id; only its sha256 is stored. A session
    belongs to a principal (`principal_kind`, `principal_id`: today a seller token) and ends when revoked
    (sign-out) or idle too long; each request checks it, as it checks the principal itself."""

    __tablename__ = "web_session"
    __table_args__ = (UniqueConstraint("id_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64))
    principal_kind: Mapped[str] = mapped_column(String(20))
    principal_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GeocodeCache(Base):
    __tablename__ = "geocode_cache"

    query: Mapped[str] = mapped_column(String(300), primary_key=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- Accounts (issue 11): users who sign in by emailed one-time links ------------------------------------------

USER_ROLES = ("partner", "seller", "admin")


class User(Base):
    """A person who signs in by email: a partner's user (bound to one partner; a partner may have several),
    a seller or an admin. The email is stored lower-cased, so it is unique case-insensitively."""

    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInLink(Base):
    """A one-time sign-in link: only the sha256 of its secret is stored; used once, before it expires."""

    __tablename__ = "sign_in_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    next_path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInAttempt(Base):
    """One request for a sign-in link, counted per address and per client (keys are sha256 hashes) to
    rate-limit them across workers and nodes; rows older than the window are deleted as new ones come."""

    __tablename__ = "sign_in_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


# ---------------------------------------------------------------- partner portal: revisions, audit trail, logos


class Revision(Base):
    """A partner's submitted edit of its public profile: pending until an admin approves or rejects it.
    `proposed` holds the public fields as submitted, `base` the live values they were edited from, `fields`
    the names that differ (only those are applied on approval)."""

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)  # pending|approved|rejected|superseded
    proposed: Mapped[dict] = mapped_column(JSON, default=dict)
    base: Mapped[dict] = mapped_column(JSON, default=dict)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_by_id: Mapped[int | None] = mapped_column(Integer)
    submitted_by: Mapped[str] = mapped_column(String(300))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[str | None] = mapped_column(String(300))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """One change to a partner: who (a user, or import:<file>), when, what kind, and each changed field's
    old and new value (import-format values). Kept when the partner is deleted (no foreign key)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    external_id: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(300))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # import|submitted|approved|rejected|admin_edit|restore|delete
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # field → {"old": ..., "new": ...}
    revision_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Logo(Base):
    """An uploaded logo, re-encoded, addressed by the sha256 of its bytes (served at /logos/<sha256>.<ext>)."""

    __tablename__ = "logo"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- Search insights (issue 12 items 4-5): public searches, recorded without personal data ----------------------
# Written in batches by locator.insights.recorder; no coordinates, no near text, no client address.


class SearchRecord(Base):
    """One public search: its hour, the place coarsened to a city, region or country, filters, text, count."""

    __tablename__ = "search_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    search_id: Mapped[str] = mapped_column(String(16), unique=True)  # random; carried on result links (?from=)
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)  # the start of its UTC hour
    surface: Mapped[str] = mapped_column(String(10))  # api | page | embed
    place_kind: Mapped[str | None] = mapped_column(String(10))  # city | region | country
    place: Mapped[str | None] = mapped_column(String(200))  # the coarsened place's label
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    q: Mapped[str] = mapped_column(String(80), default="")  # cleaned: no emails, no long digit runs
    filters: Mapped[str] = mapped_column(String(500), default="")  # "language=de service=kubernetes", sorted
    total: Mapped[int] = mapped_column(Integer, default=0)


class ResultEvent(Base):
    """A partner shown at a position of a recorded search, or a profile view (from a search, or not)."""

    __tablename__ = "result_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    search_id: Mapped[str | None] = mapped_column(String(16), index=True)
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # shown | view
    position: Mapped[int | None] = mapped_column(Integer)  # 1-based over all pages
    partner_ref: Mapped[str] = mapped_column(String(120), index=True)  # the partner's external id


# ---------------------------------------------------------------- leads (issue 12): contact requests to partners

LEAD_STATUSES = ("new", "contacted", "qualified", "won", "lost")
LEAD_SOURCES = ("page", "widget", "iframe")


class Lead(Base):
    """A customer's contact request to a partner. `reference` (L-7K3Q-9XM2) is what people quote; `search` holds
    the search parameters that led there (never the visitor), `position` the partner's place in those results,
    `origin` the host page's origin for embeds. No IP address is kept."""

    __tablename__ = "lead"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower-cased: `locator forget` finds it
    company: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)  # services vocabulary codes
    message: Mapped[str] = mapped_column(Text)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(10))  # page | widget | iframe
    origin: Mapped[str | None] = mapped_column(String(300))
    search: Mapped[dict] = mapped_column(JSON, default=dict)  # parameter → [values]
    position: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LeadRoute(Base):
    """A partner's lead address (a portal setting): where its contact requests go instead of its public email."""

    __tablename__ = "lead_route"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# --- Published index (issue 13): a node's finished build, packed, for fresh nodes to copy ----------------------
# Written by locator.search.published after a full build; a node with no usable index copies the newest one of
# its own format, checks it against `sha256`, unpacks it and follows the change log from `marker`.


class PublishedIndex(Base):
    """One published build: `chunks` rows of PublishedIndexChunk hold its packed bytes (`size`, `sha256`)."""

    __tablename__ = "published_index"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    format: Mapped[str] = mapped_column(String(40), index=True)  # snapshot format and schema (published.format_tag)
    marker: Mapped[int] = mapped_column(Integer)  # the change id the build reflects
    partners: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    chunks: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(String(64))  # HMAC with the nodes' secret key (published.sign)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PublishedIndexChunk(Base):
    """A slice (published.CHUNK bytes at most) of a published build's packed bytes, in `seq` order."""

    __tablename__ = "published_index_chunk"

    index_id: Mapped[int] = mapped_column(ForeignKey("published_index.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
