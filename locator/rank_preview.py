"""Completeness as guidance: what each missing item is worth, and where a partner ranks in a few typical
searches near its headquarters, now and with its edits, by the real search over the current read model.

The partner's own score in each search comes from search.ranking.relevance (the function the search ranks
with) applied to its record's components: completeness (completeness.score_profile, as the store computes
it), the great-circle distance to its nearest office (as the search measures it; a partner serving the
place's country remotely counts remote_distance_km) and its track. Its position is one more than the
number of other partners the real search scores higher.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from locator import vocab
from locator.completeness import WEIGHTS, score_profile
from locator.geodesy import haversine_km
from locator.search import ranking
from locator.search.query import SearchQuery

if TYPE_CHECKING:
    from locator.geocoding import Location
    from locator.search.locator import Locator

SERVICES_SHOWN = 3
DEEPEST = 1000  # positions beyond this are reported as "beyond"


@dataclass
class Worth:
    name: str
    hint: str
    earned: float
    max: int

    @property
    def missing(self) -> int:
        return int(round(self.max - self.earned))


def worth(record: Mapping[str, Any]) -> list[Worth]:
    """Every completeness item with what the record earns of it and what completing it adds."""
    breakdown = score_profile(record).breakdown
    return [Worth(name, c.hint, breakdown[name]["earned"], c.weight) for name, c in WEIGHTS.items()]


@dataclass
class Placement:
    label: str  # "Kubernetes near Berlin"
    params: dict[str, str]  # the public search's parameters (a link to it)
    now: int | None  # position, None when not listed
    after: int | None
    if_complete: int | None  # with every completeness item done as well
    beyond: int = DEEPEST


def headquarters(record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    located = [o for o in record.get("offices") or [] if o.get("lat") is not None and o.get("lon") is not None]
    return next((o for o in located if o.get("headquarters")), located[0] if located else None)


def placements(locator: "Locator", now: Mapping[str, Any], after: Mapping[str, Any], published: bool = True) -> list[Placement]:
    """Typical searches near the (edited) headquarters' city: each of the first services, and any partner."""
    hq = headquarters(after) or headquarters(now)
    if hq is None:
        return []
    near = ", ".join(v for v in (hq.get("city"), hq.get("country")) if v)
    place_name = hq.get("city") or "your headquarters"
    searches: list[tuple[str, dict[str, str]]] = []
    for service in list(after.get("services") or [])[:SERVICES_SHOWN]:
        searches.append((f"{vocab.label('service', service)} near {place_name}", {"service": service}))
    searches.append((f"Any partner near {place_name}", {}))
    base = SearchQuery(near=near) if hq.get("city") else SearchQuery(lat=float(hq["lat"]), lon=float(hq["lon"]))
    location = locator.resolve(base)  # once: every search below is near the same place
    results = []
    for label, extra in searches:
        query = replace(base, service=tuple(extra.values()))
        params = {"near": near} if query.near else {"lat": str(hq["lat"]), "lon": str(hq["lon"])}
        params.update(extra)
        results.append(_placement(locator, query, location, label, params, now, after, published))
    return results


def _placement(locator, query: SearchQuery, location: "Location", label, params, now, after, published) -> Placement:
    radius = locator.radius(query, location)
    complete = dict(after, _complete=True)
    scores = {name: _score(locator, location, radius, query, record)
              for name, record in (("now", now), ("after", after), ("if_complete", complete))}
    if not published:
        scores["now"] = None
    lowest = min((s for s in scores.values() if s is not None), default=None)
    others = _other_scores(locator, query, str(now.get("id")), lowest)
    positions = {name: (None if s is None else 1 + int(np.count_nonzero(others > s))) for name, s in scores.items()}
    return Placement(label, params, **positions)


def _score(locator, location: "Location", radius: float | None, query: SearchQuery, record) -> float | None:
    """The partner's relevance in this search (ranking.relevance), or None when the search would not list it."""
    wanted = query.values("service")
    if wanted and not set(wanted) & set(record.get("services") or []):
        return None
    distance = _distance(locator, location, radius, record)
    if distance is None:
        return None
    completeness = 100 if record.get("_complete") else score_profile(record).score
    components = ranking.Components(text=None, distance_km=np.array([distance]),
                                    completeness=np.array([completeness], dtype=np.float64),
                                    select=np.array([record.get("track") == "select"]))
    return round(float(ranking.relevance(components, locator.weights)[0]), 6)  # as results carry it


def _distance(locator, location: "Location", radius: float | None, record) -> float | None:
    """The distance the search ranks this record at (Locator._rank_distance): its nearest office in the radius,
    0 for an office in a searched area, or for a partner serving the place from elsewhere its effective remote
    distance (ranking.effective_remote_km); None when the search would not list it."""
    located = [o for o in record.get("offices") or [] if o.get("lat") is not None and o.get("lon") is not None]
    office_km = np.inf
    if located:
        office_km = float(haversine_km(location.lat, location.lon,
                                       np.array([o["lat"] for o in located], dtype=np.float64),
                                       np.array([o["lon"] for o in located], dtype=np.float64)).min())
    if radius is None:  # an area: an office in it
        if location.kind == "region" and any(o.get("region_code") == location.region for o in located):
            return 0.0
        if location.kind == "country" and any(o.get("country") == location.country for o in located):
            return 0.0
    elif office_km <= radius:
        return office_km
    serves = (location.country and location.country in (record.get("countries_served") or [])) or \
        (getattr(location, "region", None) and location.region in (record.get("regions_served") or []))
    if serves:
        return float(ranking.effective_remote_km(np.array([office_km]), locator.config.remote_distance_km)[0])
    return None


def _other_scores(locator: "Locator", query: SearchQuery, external_id: str, lowest: float | None) -> np.ndarray:
    """The real search's scores of every other partner listed, down to `lowest` (or DEEPEST results)."""
    if lowest is None:
        return np.zeros(0)
    scores: list[float] = []
    per_page = locator.config.max_per_page
    for page in range(1, DEEPEST // per_page + 1):
        results = locator.search(replace(query, page=page, per_page=per_page))
        scores += [item.score for item in results.results if item.id != external_id]
        if len(results.results) < per_page or (results.results and results.results[-1].score < lowest):
            break
    return np.asarray(scores, dtype=np.float64)

