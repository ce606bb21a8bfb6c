"""The one write path for partners: upsert by external id, recompute completeness, log the change."""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Iterable, Mapping

from sqlalchemy import select, func
from sqlalchemy.orm import Session, selectinload

from locator import spatial
from locator.completeness import score_profile
from locator.models import LIST_FIELDS, Change, Office, Partner

SCALAR_FIELDS = ("name", "description", "website", "logo_url", "email", "phone", "track", "published")
OFFICE_FIELDS = ("label", "address", "city", "region", "postal_code", "country", "lat", "lon", "headquarters", "geocode_source")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:120] or "partner"


def _unique_slug(session: Session, base: str, partner_id: int | None) -> str:
    taken = set(
        session.scalars(
            select(Partner.slug).where(Partner.slug.like(f"{base}%"), Partner.id != (partner_id or -1))
        )
    )
    return _first_free(base, taken)


def _first_free(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class SlugRegistry:
    """Every slug in the store, loaded once, so bulk writes pick unique slugs without a query each."""

    def __init__(self, session: Session):
        self.taken: set[str] = set(session.scalars(select(Partner.slug)))

    def claim(self, base: str, current: str | None) -> str:
        if current:
            self.taken.discard(current)
        slug = _first_free(base, self.taken)
        self.taken.add(slug)
        return slug


def service_area_wkt(geojson: Mapping[str, Any] | None) -> str | None:
    if not geojson:
        return None
    from shapely.geometry import MultiPolygon, shape

    geom = shape(geojson)
    if geom.geom_type == "Polygon":
        geom = MultiPolygon([geom])
    return f"SRID=4326;{geom.wkt}"


def service_area_geojson(partner: Partner) -> dict | None:
    if partner.service_area is None:
        return None
    from geoalchemy2.shape import to_shape
    from shapely.geometry import mapping

    return mapping(to_shape(partner.service_area))


def apply_partner(session: Session, data: Mapping[str, Any], existing: Partner | None = None) -> Partner:
    """Insert or update one partner from a validated record (DESIGN.md's import format)."""
    partner = existing
    if partner is None:
        partner = session.scalar(select(Partner).where(Partner.external_id == data["id"]))
    partner = _assign(session, partner, data, None)
    session.flush()
    session.add(Change(partner_id=partner.id, op="upsert"))
    return partner


def apply_partners(
    session: Session,
    records: Iterable[tuple[Mapping[str, Any], Partner | None]],
    slugs: SlugRegistry,
) -> list[Partner]:
    """apply_partner for a batch: (record, existing partner or None) pairs, one flush for all."""
    partners = [_assign(session, existing, data, slugs) for data, existing in records]
    session.flush()
    session.add_all([Change(partner_id=p.id, op="upsert") for p in partners])
    session.flush()
    return partners


def _assign(session: Session, partner: Partner | None, data: Mapping[str, Any], slugs: SlugRegistry | None) -> Partner:
    """Set every stored field of `partner` (a new one when None) from the record; bumps the version."""
    created = partner is None
    if created:
        partner = Partner(external_id=data["id"], version=0)
        session.add(partner)
    for name in SCALAR_FIELDS:
        if name in data:
            setattr(partner, name, data[name])
    for name in LIST_FIELDS:
        setattr(partner, name, list(data.get(name) or []))
    partner.social = dict(data.get("social") or {})
    partner.internal = dict(data.get("internal") or {})
    partner.service_area = service_area_wkt(data.get("service_area"))
    partner.offices = [_office(i, o) for i, o in enumerate(data.get("offices") or [])]
    completeness = score_profile(data)
    partner.completeness = completeness.score
    partner.completeness_breakdown = completeness.as_dict()
    partner.version = (partner.version or 0) + 1
    base = slugify(data.get("slug") or data["name"])
    if created or not partner.slug or not partner.slug.startswith(base):
        if slugs is not None:
            partner.slug = slugs.claim(base, partner.slug)
        else:
            with session.no_autoflush:
                partner.slug = _unique_slug(session, base, partner.id)
    return partner


def existing_partners(session: Session, external_ids: Iterable[str], chunk: int = 500) -> dict[str, Partner]:
    """The stored partners (offices loaded) among these external ids, by external id."""
    ids = list(external_ids)
    found: dict[str, Partner] = {}
    for start in range(0, len(ids), chunk):
        stmt = (
            select(Partner)
            .options(selectinload(Partner.offices))
            .where(Partner.external_id.in_(ids[start : start + chunk]))
        )
        found.update((p.external_id, p) for p in session.scalars(stmt))
    return found


def same_record(partner: Partner, data: Mapping[str, Any]) -> bool:
    """Whether writing this validated record would change nothing the record carries."""
    stored = partner_record(partner)
    if "slug" not in data:
        stored.pop("slug")
    return _canonical(stored) == _canonical({k: data.get(k) for k in stored})


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _office(position: int, data: Mapping[str, Any]) -> Office:
    office = Office(position=position, **{k: data.get(k) for k in OFFICE_FIELDS if k != "headquarters"})
    office.headquarters = bool(data.get("headquarters"))
    if office.lat is not None and office.lon is not None:
        office.location = spatial.point_wkt(office.lon, office.lat)
    return office


def delete_partner(session: Session, partner: Partner) -> None:
    session.add(Change(partner_id=partner.id, op="delete"))
    session.delete(partner)
    session.flush()


def partner_record(partner: Partner) -> dict[str, Any]:
    """The import-format record of a stored partner (export writes these; import reads them back)."""
    record: dict[str, Any] = {"id": partner.external_id, "slug": partner.slug}
    for name in SCALAR_FIELDS:
        record[name] = getattr(partner, name)
    for name in LIST_FIELDS:
        record[name] = list(getattr(partner, name) or [])
    record["social"] = dict(partner.social or {})
    record["service_area"] = service_area_geojson(partner)
    record["offices"] = [
        {k: getattr(o, k) for k in OFFICE_FIELDS} for o in partner.offices
    ]
    record["internal"] = dict(partner.internal or {})
    return record


def load_partners(session: Session, ids: Iterable[int] | None = None) -> list[Partner]:
    stmt = select(Partner).options(selectinload(Partner.offices)).order_by(Partner.id)
    if ids is not None:
        stmt = stmt.where(Partner.id.in_(list(ids)))
    return list(session.scalars(stmt))


def last_change_id(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(Change.id), 0))) or 0
