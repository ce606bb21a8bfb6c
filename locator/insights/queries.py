"""What the insights pages show, read from search_record / result_event (and the leads, when that table exists)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from locator import models, vocab
from locator.models import Office, Partner, ResultEvent, SearchRecord
from locator.search.filters import BY_NAME

FEW = 3  # a search with 1..FEW results found "few"
POSITIONS = 10  # click-through is shown for the first positions
TOP = 15
GAP_MIN_SEARCHES = 5


def since_days(days: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if isinstance(value, datetime) else str(value)[:10]


def searches_by_day(session: Session, since: datetime) -> list[dict[str, Any]]:
    """Per day: searches, and those that found nothing."""
    rows = session.execute(select(SearchRecord.hour, func.count(), func.sum(case((SearchRecord.total == 0, 1), else_=0)))
                           .where(SearchRecord.hour >= since).group_by(SearchRecord.hour))
    days: dict[str, list[int]] = {}
    for hour, count, zero in rows:
        day = days.setdefault(_day(hour), [0, 0])
        day[0] += count
        day[1] += int(zero or 0)
    return [{"day": d, "searches": n, "zero": z} for d, (n, z) in sorted(days.items())]


def filter_label(name: str, value: str) -> str:
    """A filter value's words ("German" for language=de); the value itself when it has none."""
    f = BY_NAME.get(name)
    try:
        return vocab.label(f.kind, value) if f is not None and f.kind else value
    except (KeyError, ValueError):
        return value


def describe(q: str, place: str | None, filters: str) -> str:
    """A recorded search in words: “kubernetes” near Berlin, Germany · Language: German."""
    parts = [f"“{q}”" if q else "", f"near {place}" if place else ""]
    for token in filters.split():
        name, _, value = token.partition("=")
        parts.append(f"{BY_NAME[name].label if name in BY_NAME else name}: {filter_label(name, value)}")
    return " · ".join(p for p in parts if p) or "(everything)"


def top_searches(session: Session, since: datetime, low: int, high: int, limit: int = TOP) -> list[dict[str, Any]]:
    """The most frequent searches whose result count was within [low, high]."""
    key = (SearchRecord.q, SearchRecord.place, SearchRecord.filters)
    rows = session.execute(select(*key, func.count().label("n"), func.max(SearchRecord.total))
                           .where(SearchRecord.hour >= since, SearchRecord.total >= low, SearchRecord.total <= high)
                           .group_by(*key).order_by(func.count().desc(), SearchRecord.q).limit(limit))
    return [{"q": q, "place": place or "", "filters": filters, "searches": n, "results": total,
             "label": describe(q, place, filters)} for q, place, filters, n, total in rows]


@dataclass
class RegionRow:
    code: str
    name: str
    country: str
    lat: float
    lon: float
    searches: int
    partners: int
    demand_share: float
    supply_share: float
    gap: bool


def demand_and_supply(session: Session, since: datetime, places: Any, limit: int = 60) -> list[RegionRow]:
    """Searches per region beside published partners with an office there. A gap: a region with at least
    GAP_MIN_SEARCHES searches and no partner, or fewer partners per search than a third of the median region's."""
    demand = dict(session.execute(select(SearchRecord.region_code, func.count())
                                  .where(SearchRecord.hour >= since, SearchRecord.region_code.is_not(None))
                                  .group_by(SearchRecord.region_code)).all())
    supply = dict(session.execute(select(Office.region_code, func.count(func.distinct(Office.partner_id)))
                                  .join(Partner, Partner.id == Office.partner_id)
                                  .where(Partner.published.is_(True), Office.region_code.is_not(None))
                                  .group_by(Office.region_code)).all())
    all_searches, all_partners = sum(demand.values()) or 1, sum(supply.values()) or 1
    ratios = sorted(supply.get(c, 0) / n for c, n in demand.items() if n >= GAP_MIN_SEARCHES)
    median = ratios[len(ratios) // 2] if ratios else 0.0
    rows = []
    for code in sorted(demand, key=lambda c: -demand[c])[:limit]:
        area = places.region(code)
        if area is None:
            continue
        searches, partners = demand[code], supply.get(code, 0)
        gap = searches >= GAP_MIN_SEARCHES and (partners == 0 or partners / searches < median / 3)
        rows.append(RegionRow(code, area.label, area.country or code[:2], area.lat, area.lon, searches, partners,
                              searches / all_searches, partners / all_partners, gap))
    return rows


def most_asked(session: Session, since: datetime, limit: int = TOP) -> list[dict[str, Any]]:
    """The filter values searches asked for most (services first among equals), with their labels."""
    counts: Counter[str] = Counter()
    for (filters,) in session.execute(select(SearchRecord.filters).where(SearchRecord.hour >= since,
                                                                            SearchRecord.filters != "")):
        counts.update(filters.split())
    out = []
    for token, n in counts.most_common(limit):
        name, _, value = token.partition("=")
        out.append({"filter": name, "value": value, "label": filter_label(name, value), "legend": BY_NAME[name].label if name in BY_NAME else name,
                    "searches": n})
    return out


def lead_model() -> Any:
    """The leads table (issue 12 items 1-3) when this build has it."""
    return getattr(models, "Lead", None)


def by_position(session: Session, since: datetime) -> list[dict[str, Any]]:
    """For the first POSITIONS positions: times shown, profile views from there, contact requests from there."""
    def counts(kind: str) -> dict[int, int]:
        return dict(session.execute(select(ResultEvent.position, func.count())
                                    .where(ResultEvent.hour >= since, ResultEvent.kind == kind,
                                           ResultEvent.position.between(1, POSITIONS))
                                    .group_by(ResultEvent.position)).all())

    shown, views = counts("shown"), counts("view")
    contacts: dict[int, int] = {}
    lead = lead_model()
    if lead is not None and hasattr(lead, "position"):
        contacts = dict(session.execute(select(lead.position, func.count())
                                        .where(lead.created_at >= since, lead.position.between(1, POSITIONS))
                                        .group_by(lead.position)).all())
    return [{"position": p, "shown": shown.get(p, 0), "views": views.get(p, 0), "contacts": contacts.get(p, 0),
             "ctr": views.get(p, 0) / shown[p] if shown.get(p) else 0.0,
             "contact_rate": contacts.get(p, 0) / shown[p] if shown.get(p) else 0.0}
            for p in range(1, POSITIONS + 1)]


def summary(session: Session, since: datetime) -> dict[str, int]:
    searches, zero = session.execute(select(func.count(), func.sum(case((SearchRecord.total == 0, 1), else_=0)))
                                     .where(SearchRecord.hour >= since)).one()
    views = session.scalar(select(func.count()).where(ResultEvent.hour >= since, ResultEvent.kind == "view"))
    return {"searches": searches or 0, "zero": int(zero or 0), "views": views or 0}


def for_partner(session: Session, partner: Partner, since: datetime) -> dict[str, Any]:
    """A partner's own figures: appearances (by position), profile views (from searches or not), leads by status."""
    ref = partner.external_id
    mine = and_(ResultEvent.partner_ref == ref, ResultEvent.hour >= since)
    positions = dict(session.execute(select(ResultEvent.position, func.count())
                                     .where(mine, ResultEvent.kind == "shown").group_by(ResultEvent.position)).all())
    views = dict(session.execute(select(ResultEvent.search_id.is_not(None), func.count())
                                 .where(mine, ResultEvent.kind == "view").group_by(ResultEvent.search_id.is_not(None))).all())
    by_day = Counter()
    for hour, n in session.execute(select(ResultEvent.hour, func.count()).where(mine, ResultEvent.kind == "shown")
                                   .group_by(ResultEvent.hour)):
        by_day[_day(hour)] += n
    leads: dict[str, int] | None = None
    lead = lead_model()
    if lead is not None:
        leads = dict(session.execute(select(lead.status, func.count())
                                     .where(lead.partner_id == partner.id, lead.created_at >= since)
                                     .group_by(lead.status)).all())
    buckets = [("1–3", 1, 3), ("4–10", 4, 10), ("11–20", 11, 20), ("21+", 21, 10**9)]
    return {
        "appearances": sum(positions.values()),
        "positions": [{"label": label, "count": sum(n for p, n in positions.items() if p is not None and lo <= p <= hi)}
                      for label, lo, hi in buckets],
        "best_position": min((p for p in positions if p is not None), default=None),
        "views": sum(views.values()),
        "views_from_search": views.get(True, 0),
        "by_day": sorted(by_day.items()),
        "leads": leads,
    }
