"""The one write path for partners: upsert by external id, recompute completeness, log the change."""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Iterable, Mapping

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, selectinload

from locator import audit, spatial
from locator.completeness import score_profile
from locator.models import LIST_FIELDS, Change, Office, Partner

SCALAR_FIELDS = ("name", "description", "website", "logo_url", "email", "phone", "track", "published")
OFFICE_FIELDS = ("label", "address", "city", "region", "postal_code", "country", "lat", "lon", "headquarters", "geocode_source",
                 "region_code")


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


def apply_partner(session: Session, data: Mapping[str, Any], existing: Partner | None = None, *,
                  actor: audit.Actor = audit.SYSTEM, action: str = "import", **entry: Any) -> Partner:
    """Insert or update one partner from a validated record (DESIGN.md's import format); the audit trail
    records `actor`, `action` and what changed (`entry`: revision_id, note)."""
    partner = existing
    if partner is None:
        partner = session.scalar(select(Partner).where(Partner.external_id == data["id"]))
    old = partner_record(partner) if partner is not None else None
    partner = _assign(session, partner, data, None)
    session.flush()
    session.add(Change(partner_id=partner.id, op="upsert"))
    audit.record(session, partner.id, partner.external_id, actor, action, audit.changes(old, data), **entry)
    return partner


def apply_partners(
    session: Session,
    records: Iterable[tuple[Mapping[str, Any], Partner | None]],
    slugs: SlugRegistry,
    actor: audit.Actor = audit.SYSTEM,
) -> list[int]:
    """apply_partner for a batch of (record, stored partner or None) pairs; returns the partner ids.

    Updates go through the ORM like apply_partner; new partners and their offices are inserted
    with one executemany per table (the same column values, from partner_values/office_values)."""
    pairs = list(records)
    trail = [audit.entry_values(existing.id, existing.external_id, actor, "import",
                                audit.changes(partner_record(existing), data))
             for data, existing in pairs if existing is not None]
    updated = [_assign(session, existing, data, slugs) for data, existing in pairs if existing is not None]
    session.flush()
    ids = [p.id for p in updated]
    new = [data for data, existing in pairs if existing is None]
    if new:
        rows = [
            dict(partner_values(data), external_id=data["id"], slug=slugs.claim(_slug_base(data), None))
            for data in new
        ]
        # Core executemany: the ORM's bulk insert falls back to a statement per row on SQLite.
        connection = session.connection()
        connection.execute(insert(Partner.__table__), rows)
        created = _ids_of(session, [data["id"] for data in new])
        offices = [
            dict(office_values(i, office), partner_id=created[data["id"]])
            for data in new
            for i, office in enumerate(data.get("offices") or [])
        ]
        if offices:
            connection.execute(insert(Office.__table__), offices)
        ids += [created[data["id"]] for data in new]
        trail += [audit.entry_values(created[data["id"]], data["id"], actor, "import", audit.changes(None, data))
                  for data in new]
    audit.record_many(session, trail)
    if ids:
        session.connection().execute(insert(Change.__table__), [{"partner_id": pid, "op": "upsert"} for pid in ids])
    return ids


def _ids_of(session: Session, external_ids: list[str], chunk: int = 500) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(external_ids), chunk):
        stmt = select(Partner.external_id, Partner.id).where(Partner.external_id.in_(external_ids[start : start + chunk]))
        found.update((external_id, pid) for external_id, pid in session.execute(stmt))
    return found


def partner_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The stored columns of a partner (not id, slug, offices) from a validated record."""
    values: dict[str, Any] = {name: data[name] for name in SCALAR_FIELDS if name in data}
    for name in LIST_FIELDS:
        values[name] = list(data.get(name) or [])
    values["social"] = dict(data.get("social") or {})
    values["internal"] = dict(data.get("internal") or {})
    values["service_area"] = service_area_wkt(data.get("service_area"))
    completeness = score_profile(data)
    values["completeness"] = completeness.score
    values["completeness_breakdown"] = completeness.as_dict()
    return values


def office_values(position: int, data: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: data.get(k) for k in OFFICE_FIELDS}
    values["position"] = position
    values["headquarters"] = bool(data.get("headquarters"))
    has_point = values["lat"] is not None and values["lon"] is not None
    values["location"] = spatial.point_wkt(values["lon"], values["lat"]) if has_point else None
    return values


def _slug_base(data: Mapping[str, Any]) -> str:
    return slugify(data.get("slug") or data["name"])


def _assign(session: Session, partner: Partner | None, data: Mapping[str, Any], slugs: SlugRegistry | None) -> Partner:
    """Set every stored field of `partner` (a new one when None) from the record."""
    created = partner is None
    if created:
        partner = Partner(external_id=data["id"])
        session.add(partner)
    for name, value in partner_values(data).items():
        setattr(partner, name, value)
    partner.offices = [Office(**office_values(i, o)) for i, o in enumerate(data.get("offices") or [])]
    base = _slug_base(data)
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
