"""Regions (ISO 3166-2 first-level subdivisions): the codes partners may serve, and the region an office is in,
derived from its geocoded place or its point; `backfill_office_regions` derives it for stores that predate it."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Mapping

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from locator.models import Change, Office

if TYPE_CHECKING:
    from locator.gazetteer import Gazetteer
    from locator.geocoding.location import Location

BACKFILL_BATCH = 2000


@lru_cache(maxsize=1)
def region_codes() -> frozenset[str]:
    """Every first-level ISO 3166-2 code (states, provinces, Länder, régions, prefectures, ...), per pycountry."""
    import pycountry

    return frozenset(s.code for s in pycountry.subdivisions if not s.parent_code)


def office_region(office: Mapping[str, Any], places: "Gazetteer | None", located: "Location | None" = None) -> str | None:
    """The region code of an office: its geocoded place's region, else the region its point is in (in its
    country); none for an office placed only at its country's centre, which says nothing of its region."""
    if located is not None:
        if located.kind == "country":
            return None
        if located.region:
            return located.region
    lat, lon = office.get("lat"), office.get("lon")
    if places is None or lat is None or lon is None:
        return None
    return places.region_of(float(lat), float(lon), office.get("country") or None)


def backfill_office_regions(session: Session, places: "Gazetteer") -> int:
    """Derive the region of every office with a point and no region code (stores made before offices knew
    their region); the partners changed are logged, so every node's read model picks them up. Returns how
    many offices got a code."""
    o = Office.__table__
    todo = session.execute(
        select(o.c.id, o.c.partner_id, o.c.lat, o.c.lon, o.c.country)
        .where(o.c.region_code.is_(None), o.c.lat.is_not(None), o.c.lon.is_not(None))
        .order_by(o.c.id)
    ).all()
    filled, partners = 0, set()
    for start in range(0, len(todo), BACKFILL_BATCH):
        updates = []
        for row in todo[start : start + BACKFILL_BATCH]:
            code = places.region_of(float(row.lat), float(row.lon), row.country or None)
            if code:
                updates.append({"office_id": row.id, "code": code})
                partners.add(row.partner_id)
        if updates:
            session.execute(update(o).where(o.c.id == bindparam("office_id")).values(region_code=bindparam("code")),
                            updates)
            filled += len(updates)
    if partners:
        session.execute(insert(Change.__table__), [{"partner_id": pid, "op": "upsert"} for pid in sorted(partners)])
    return filled
