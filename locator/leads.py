"""Leads: a customer's contact request to a partner, from its profile page, a result card, the widget or the
iframe. Validated here (the page form and the API share it), stored with where it came from, routed by email to
the partner (its lead address, else its public email), a copy to its channel account manager and a confirmation
to the customer. Bots (honeypot filled, sent faster than a person fills the form) get a normal-looking answer and
nothing is stored or sent. No IP address is kept; `purge` and `forget` delete leads."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import parseaddr
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import urlsplit

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from locator import mail, metrics, vocab
from locator.config import Config
from locator.errors import InvalidParameter, LocatorError
from locator.ingest.schema import EMAIL_RE
from locator.models import LEAD_SOURCES, LEAD_STATUSES, Lead, LeadRoute, Partner, User
from locator.untrusted import control_character

NAME_MAX, COMPANY_MAX, MESSAGE_MAX, EMAIL_MAX, ORIGIN_MAX = 120, 200, 3000, 254, 300
MAX_LINKS = 2  # links in a message; more is what spam looks like
MAX_NEEDS = 10
FORM_MAX_AGE_S = 24 * 3600  # a form token older than this has expired
SEARCH_MAX_VALUES, SEARCH_VALUE_MAX = 40, 200
LINK_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|ru|cn|info|biz|xyz|top)/\S*", re.IGNORECASE)
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread
REFERENCE_RE = re.compile(r"L-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
SEARCH_KEPT = ("q", "near", "lat", "lon", "radius_km", "include_remote", "sort")  # plus every filter's name

# Called with (session, lead) once a lead is stored (in its transaction): search insights count contacts here.
LEAD_LISTENERS: list[Callable[[Session, Lead], None]] = []


class TooManyLeads(LocatorError):
    status = 429
    code = "rate_limited"


@dataclass(frozen=True)
class LeadForm:
    """What the customer typed, checked."""

    name: str
    email: str
    company: str
    message: str
    consent: bool
    country: str | None = None
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """Where a lead came from: page | widget | iframe, the embedding page's origin, the search and the position."""

    source: str = "page"
    origin: str | None = None
    search: dict[str, list[str]] = field(default_factory=dict)
    position: int | None = None


@dataclass(frozen=True)
class Outcome:
    """A submission's result: the lead stored, or (a bot) a made-up reference and nothing stored."""

    reference: str
    lead: Lead | None


# ------------------------------------------------------------------------------------------------ validation


def _text(data: Mapping[str, Any], name: str, limit: int, required: bool = True, multiline: bool = False) -> str:
    raw = data.get(name)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise InvalidParameter(f"{name} must be text", field=name)
    value = raw.strip()
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if required and not value:
        raise InvalidParameter(f"{name} is required", field=name)
    if len(value) > limit:
        raise InvalidParameter(f"{name} is longer than {limit} characters", field=name)
    if control_character(value, "\n\t" if multiline else ""):
        raise InvalidParameter(f"{name} may not hold control characters" + ("" if multiline else " or line breaks"),
                               field=name)
    if any(unicodedata.category(c) in ("Zl", "Zp") for c in value) and not multiline:
        raise InvalidParameter(f"{name} may not hold line breaks", field=name)
    return value


def parse_form(data: Mapping[str, Any]) -> LeadForm:
    """The customer's fields (a JSON object, or a form as a dict with `needs` a list), or InvalidParameter naming
    the first field that is wrong."""
    name = _text(data, "name", NAME_MAX)
    email = _text(data, "email", EMAIL_MAX)
    if not EMAIL_RE.match(email):
        raise InvalidParameter("email is not an email address", field="email")
    company = _text(data, "company", COMPANY_MAX)
    country = _text(data, "country", 2, required=False).upper() or None
    if country is not None and country not in vocab.vocabulary("country"):
        raise InvalidParameter("country must be an ISO 3166-1 alpha-2 code", field="country")
    needs = data.get("needs") or []
    if isinstance(needs, str):
        needs = [needs]
    if not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
        raise InvalidParameter("needs must be a list of service codes", field="needs")
    if len(needs) > MAX_NEEDS:
        raise InvalidParameter(f"needs takes at most {MAX_NEEDS} services", field="needs")
    services = vocab.vocabulary("service")
    for code in needs:
        if code not in services:
            raise InvalidParameter(f"needs: {code[:40]!r} is not a service (see /api/v1/vocabularies)", field="needs")
    message = _text(data, "message", MESSAGE_MAX, multiline=True)
    if len(LINK_RE.findall(message)) > MAX_LINKS:
        raise InvalidParameter(f"message may hold at most {MAX_LINKS} links", field="message")
    consent = data.get("consent")
    if consent not in (True, "1", "true", "on", "yes"):
        raise InvalidParameter("consent is required: agree that your request is shared with the partner",
                               field="consent")
    return LeadForm(name=name, email=email.lower(), company=company, message=message, consent=True,
                    country=country, needs=tuple(dict.fromkeys(needs)))


def clean_origin(value: Any) -> str | None:
    """scheme://host[:port] of an http(s) origin (a path is dropped), or None when it is not one."""
    if not isinstance(value, str) or not value or len(value) > ORIGIN_MAX or control_character(value):
        return None
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.lower()}"


def search_names() -> tuple[str, ...]:
    from locator.search.filters import NAMES

    return (*SEARCH_KEPT, *NAMES)


def clean_search(params: Iterable[tuple[str, Any]]) -> dict[str, list[str]]:
    """The search parameters worth keeping (what was searched, not paging or output), bounded; others dropped."""
    kept: dict[str, list[str]] = {}
    allowed, count = set(search_names()), 0
    for name, value in params:
        if name not in allowed or not isinstance(value, (str, int, float)) or isinstance(value, bool):
            continue
        text = str(value).strip()[:SEARCH_VALUE_MAX]
        if not text or control_character(text) or count >= SEARCH_MAX_VALUES:
            continue
        kept.setdefault(name, []).append(text)
        count += 1
    return kept


def provenance(source: Any, origin: Any = None, search: Iterable[tuple[str, Any]] = (), position: Any = None) -> Provenance:
    """Checked provenance: a bad source is a 400; an origin that is not one, or a position out of range, is dropped."""
    if source not in LEAD_SOURCES:
        raise InvalidParameter(f"source must be one of {', '.join(LEAD_SOURCES)}", field="source")
    if isinstance(position, str) and position.strip().isdigit():
        position = int(position)
    if not isinstance(position, int) or isinstance(position, bool) or not 1 <= position <= 10000:
        position = None
    return Provenance(source, clean_origin(origin) if source != "page" else None, clean_search(search), position)


# ------------------------------------------------------------------------- the form token (minimum fill time)


def _sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def issue_token(secret: str, slug: str, now: float | None = None) -> str:
    """A token given with the form: when it was issued, for which partner, signed (no cookie needed)."""
    issued = int(now if now is not None else time.time())
    return f"{issued}.{_sign(secret, f'lead|{slug}|{issued}')}"


def token_age(secret: str, token: Any, slug: str, now: float | None = None) -> float:
    """Seconds since the token was issued; InvalidParameter (field form_token) when it is not one of ours for
    this partner, or has expired."""
    if not isinstance(token, str) or "." not in token or len(token) > 80:
        raise InvalidParameter("form_token is missing: load the contact form again", field="form_token")
    issued, _, signature = token.partition(".")
    if not issued.isdigit() or not hmac.compare_digest(signature, _sign(secret, f"lead|{slug}|{issued}")):
        raise InvalidParameter("form_token is not valid for this partner: load the contact form again", field="form_token")
    age = (now if now is not None else time.time()) - int(issued)
    if age > FORM_MAX_AGE_S:
        raise InvalidParameter("form_token has expired: load the contact form again", field="form_token")
    return age


def looks_automated(honeypot: Any, age_s: float, min_fill_s: float) -> bool:
    """A filled honeypot field, or a form sent faster than a person fills it."""
    return bool(honeypot) or age_s < min_fill_s


# -------------------------------------------------------------------------------------------------- storing


def new_reference() -> str:
    """L-7K3Q-9XM2: 40 random bits in Crockford base32, easy to read out and to quote in a deal registration."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"L-{chars[:4]}-{chars[4:]}"


def submit(session: Session, config: Config, partner: Partner, form: LeadForm, origin: Provenance,
           now: datetime | None = None) -> Lead:
    """Store the lead (after the per-partner limit); listeners see it in the same transaction."""
    now = now or datetime.now(timezone.utc)
    if config.lead_limit_per_partner > 0:
        recent = session.scalar(select(func.count(Lead.id)).where(
            Lead.partner_id == partner.id, Lead.created_at >= now - timedelta(hours=1)))
        if recent >= config.lead_limit_per_partner:
            metrics.LEADS.labels("refused").inc()
            raise TooManyLeads("this partner has received many requests in the last hour; please try again later")
    reference = new_reference()
    while session.scalar(select(Lead.id).where(Lead.reference == reference)) is not None:
        reference = new_reference()
    lead = Lead(reference=reference, partner_id=partner.id, created_at=now, name=form.name, email=form.email,
                company=form.company, country=form.country, needs=list(form.needs), message=form.message,
                consent=form.consent, source=origin.source, origin=origin.origin, search=origin.search,
                position=origin.position, status="new")
    session.add(lead)
    session.flush()
    for listener in LEAD_LISTENERS:
        listener(session, lead)
    metrics.LEADS.labels("accepted").inc()
    return lead


# ---------------------------------------------------------------------------------------------------- routing


@dataclass(frozen=True)
class Recipients:
    partner: list[str]  # the lead address, else the public email, else the channel team
    account_manager: str | None


def lead_address(session: Session, partner_id: int) -> str | None:
    route = session.get(LeadRoute, partner_id)
    return route.email if route else None


def set_lead_address(session: Session, partner_id: int, email: str | None) -> None:
    """The partner's lead address (None or empty: its public email again)."""
    route = session.get(LeadRoute, partner_id)
    if not email:
        if route is not None:
            session.delete(route)
        return
    if len(email) > EMAIL_MAX or control_character(email) or not EMAIL_RE.match(email):
        raise InvalidParameter("lead_email is not an email address", field="lead_email")
    if route is None:
        session.add(LeadRoute(partner_id=partner_id, email=email.lower()))
    else:
        route.email = email.lower()


def account_manager_email(partner: Partner) -> str | None:
    """The channel account manager's address when the internal field holds one ("Ann <ann@vendor.com>" too);
    a bare name has none to copy."""
    value = (partner.internal or {}).get("channel_account_manager") or ""
    address = parseaddr(value)[1] if isinstance(value, str) else ""
    return address.lower() if address and EMAIL_RE.match(address) and not control_character(address) else None


def channel_team(session: Session) -> list[str]:
    return list(session.scalars(select(User.email).where(User.role == "admin", User.disabled_at.is_(None))
                                .order_by(User.id)))


def recipients(session: Session, partner: Partner) -> Recipients:
    own = lead_address(session, partner.id) or (partner.email or "").strip().lower() or None
    return Recipients([own] if own else channel_team(session), account_manager_email(partner))


def one_line(text: str, limit: int = 120) -> str:
    """Text safe in a mail header: every control or line/paragraph separator a space, cut to `limit`."""
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    cleaned = " ".join(cleaned.split())
    return cleaned[:limit] + ("…" if len(cleaned) > limit else "")


def mail_context(lead: Lead, partner: Partner, base_url: str) -> dict[str, Any]:
    return {"lead": lead, "partner_name": partner.name, "base_url": base_url.rstrip("/"),
            "needs": [vocab.label("service", n) for n in lead.needs],
            "country": vocab.label("country", lead.country) if lead.country else None,
            "search": describe_search(lead.search)}


def notify(config: Config, session: Session, lead: Lead, partner: Partner, base_url: str) -> None:
    """The partner's message, the account manager's copy and the customer's confirmation, each sent off the
    request (a slow mail server does not slow the answer)."""
    to = recipients(session, partner)
    context = mail_context(lead, partner, base_url)
    about = f"Contact request {lead.reference} from {one_line(lead.company, 80)}"
    for address in to.partner:
        mail.send_in_background(config, address, "lead_partner", about, copy=False, **context)
    if to.account_manager and to.account_manager not in to.partner:
        mail.send_in_background(config, to.account_manager, "lead_partner", f"Copy: {about}", copy=True, **context)
    mail.send_in_background(config, lead.email, "lead_confirmation",
                            f"Your request to {one_line(partner.name, 80)} ({lead.reference})", **context)


def describe_search(search: Mapping[str, list[str]]) -> str:
    """The search in a line: 'q: kubernetes · near: Berlin · service: Migration'."""
    kinds = {"language": "language", "service": "service", "segment": "segment", "type": "type", "country": "country",
             "certification": "certification", "industry": "industry"}
    parts = []
    for name, values in (search or {}).items():
        shown = [vocab.label(kinds[name], v) if name in kinds else v for v in values]
        parts.append(f"{name}: {', '.join(shown)}")
    return " · ".join(parts)


# ------------------------------------------------------------------------------------- reading and managing


@dataclass(frozen=True)
class LeadFilter:
    status: str | None = None
    source: str | None = None
    partner: str | None = None  # a name, slug or external id (part of it)
    overdue_days: int | None = None  # only leads still new after this many days
    since: datetime | None = None
    reference: str | None = None


def find(session: Session, filters: LeadFilter = LeadFilter(), partner_id: int | None = None, limit: int = 500,
         now: datetime | None = None) -> list[tuple[Lead, Partner]]:
    """Leads, newest first, with their partner (a partner's own only, with partner_id)."""
    query = select(Lead, Partner).join(Partner, Partner.id == Lead.partner_id)
    if partner_id is not None:
        query = query.where(Lead.partner_id == partner_id)
    if filters.status:
        query = query.where(Lead.status == filters.status)
    if filters.source:
        query = query.where(Lead.source == filters.source)
    if filters.partner:
        like = f"%{filters.partner.lower()}%"
        query = query.where(or_(func.lower(Partner.name).like(like), Partner.slug.like(like),
                                func.lower(Partner.external_id).like(like)))
    if filters.reference:
        query = query.where(Lead.reference == filters.reference.upper())
    if filters.since:
        query = query.where(Lead.created_at >= filters.since)
    if filters.overdue_days is not None:
        cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=filters.overdue_days)
        query = query.where(Lead.status == "new", Lead.created_at <= cutoff)
    return [(lead, partner) for lead, partner in session.execute(query.order_by(Lead.created_at.desc(), Lead.id.desc())
                                                                  .limit(limit))]


def lead_of(session: Session, lead_id: int, partner_id: int) -> Lead | None:
    """The lead if it belongs to this partner (another partner's lead is not there for it)."""
    lead = session.get(Lead, lead_id)
    return lead if lead is not None and lead.partner_id == partner_id else None


def set_status(lead: Lead, status: Any, now: datetime | None = None) -> None:
    if status not in LEAD_STATUSES:
        raise InvalidParameter(f"status must be one of {', '.join(LEAD_STATUSES)}", field="status")
    if status != lead.status:
        lead.status = status
        lead.status_at = now or datetime.now(timezone.utc)


def is_overdue(lead: Lead, days: int, now: datetime | None = None) -> bool:
    created = lead.created_at if lead.created_at.tzinfo else lead.created_at.replace(tzinfo=timezone.utc)
    return lead.status == "new" and created <= (now or datetime.now(timezone.utc)) - timedelta(days=days)


def remind(session: Session, config: Config, base_url: str, now: datetime | None = None) -> int:
    """Email the channel team the leads unanswered (still new) for lead_reminder_days that were not flagged
    before; each is flagged once. The number flagged."""
    now = now or datetime.now(timezone.utc)
    due = [(lead, partner) for lead, partner in find(session, LeadFilter(overdue_days=config.lead_reminder_days),
                                                     limit=10000, now=now) if lead.reminded_at is None]
    team = channel_team(session)
    if not due or not team:
        return 0
    rows = [{"reference": lead.reference, "partner": partner.name, "created": lead.created_at, "source": lead.source}
            for lead, partner in due]
    subject = f"{len(due)} contact request{'s' if len(due) != 1 else ''} unanswered for {config.lead_reminder_days} days"
    for address in team:
        mail.send(config, address, "lead_reminder", subject, rows=rows, days=config.lead_reminder_days,
                  base_url=base_url.rstrip("/"))
    for lead, _ in due:
        lead.reminded_at = now
    return len(due)


def purge(session: Session, retention_days: int, now: datetime | None = None) -> int:
    """Delete leads older than the retention period; how many."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=retention_days)
    return session.execute(delete(Lead).where(Lead.created_at < cutoff)).rowcount or 0


def forget(session: Session, email: str) -> int:
    """Delete every lead sent from this address (any case); how many."""
    return session.execute(delete(Lead).where(Lead.email == email.strip().lower())).rowcount or 0


CSV_COLUMNS = ("reference", "created_at", "status", "partner_id", "partner", "name", "email", "company", "country",
               "needs", "message", "source", "origin", "search", "position")


def csv_rows(found: Iterable[tuple[Lead, Partner]]) -> Iterable[list[Any]]:
    """The rows of the leads export (cells as values; the web layer neutralises them for spreadsheets)."""
    yield list(CSV_COLUMNS)
    for lead, partner in found:
        yield [lead.reference, lead.created_at.isoformat(timespec="seconds"), lead.status, partner.external_id,
               partner.name, lead.name, lead.email, lead.company, lead.country or "", ";".join(lead.needs),
               lead.message, lead.source, lead.origin or "", describe_search(lead.search),
               "" if lead.position is None else lead.position]


def prefill(search: Mapping[str, list[str]], location_country: str | None, understood: Mapping[str, Any]) -> dict:
    """The form's country and needs from the search: its one country filter or the place's country; the
    services filtered on or named in the text."""
    countries = search.get("country") or []
    country = countries[0].upper() if len(countries) == 1 else location_country
    needs = [*search.get("service", []), *((understood or {}).get("service") or [])]
    known = vocab.vocabulary("service")
    return {"country": country, "needs": [n for n in dict.fromkeys(needs) if n in known]}


def position_in(locator: Any, config: Config, slug: str, search: Mapping[str, list[str]]) -> tuple[int | None, dict]:
    """(The partner's position in the results of this search (first 100), the form's prefill); (None, prefill
    of nothing) when the search cannot run."""
    from locator.search.query import SearchQuery

    if not search:
        return None, prefill({}, None, {})
    try:
        query = replace(SearchQuery.from_params(search, config, "public"), page=1, per_page=100, facets=())
        results = locator.search(query)
    except LocatorError:
        return None, prefill(search, None, {})
    position = next((i for i, item in enumerate(results.results, 1) if item.slug == slug), None)
    country = results.location.country if results.location is not None else None
    return position, prefill(search, country, results.query.get("understood") or {})
