"""The search orchestrator: resolve the place → candidates (text ∩ geo ∩ filters) → facets → rank → page."""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from locator import metrics, vocab
from locator.config import Config
from locator.db import Database
from locator.errors import StoreUnavailable
from locator.geocoding import Geocoder, Location, find_place
from locator.ingest.regions import backfill_office_regions
from locator.models import Partner
from locator.search import facets as facet_counts
from locator.search import index, ranking, retrieval
from locator.search.analysis import fold_text
from locator.search.coverage import coverage
from locator.search.intent import understand
from locator.search.query import FACETS, SearchQuery
from locator.search.keeper import STORE_ERRORS, ModelKeeper
from locator.search.model import ReadModel
from locator.search.results import NearestOffice, ResultItem, SearchResults
from locator.store import partner_record

log = logging.getLogger(__name__)

PROFILE_CACHE = 2048  # profiles kept to answer from memory while the store is away
EXACT_SORT_MARGIN = 0.02  # relative: spherical distances this close to the page's last one are refined


class Locator:
    def __init__(self, config: Config, db: Database, geocoder: Geocoder):
        self.config = config
        self.db = db
        self.geocoder = geocoder
        self.weights = ranking.Weights.from_config(config)
        self.keeper = ModelKeeper(config, db)
        self._profiles_lock = threading.Lock()
        self._profiles: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()

    # ------------------------------------------------------------ search

    def search(self, query: SearchQuery) -> SearchResults:
        """The search, timed into locator_search_duration_seconds by its query class."""
        started = time.perf_counter()
        results = self._search(query)
        metrics.SEARCH_LATENCY.labels(metrics.query_class(query.q, results.location)).observe(time.perf_counter() - started)
        return results

    def _search(self, query: SearchQuery) -> SearchResults:
        model = self.model()
        location = self.resolve(query)
        radius = self.radius(query, location)

        base = retrieval.visible(model, query.audience)
        inside, remote, nearby = self._geo(model, query, location, radius)
        if inside is not None:
            base &= inside | remote
        intent = understand(query.q)
        covered = coverage(model, intent, query.audience, within=base)
        if covered is not None:
            base &= covered.matched
        filters = retrieval.filter_masks(model, query)
        matched = base.copy()
        for mask in filters.values():
            matched &= mask
        rank_distance = self._rank_distance(model, location, remote, nearby, matched)

        rows = np.flatnonzero(matched)
        is_remote = remote[rows] if remote is not None else np.zeros(len(rows), dtype=bool)
        components = ranking.Components(
            text=covered.text_of(rows) if covered is not None else None,
            distance_km=rank_distance[rows] if rank_distance is not None else None,
            completeness=model.completeness[rows],
            select=model.select[rows],
            tier=covered.tier_of(rows) if covered is not None else None,
        )
        score = ranking.relevance(components, self.weights) if len(rows) else np.zeros(0)
        order = self._order(model, query, location, rows, score, is_remote, components)
        start = (query.page - 1) * query.per_page
        page = order[start : start + query.per_page]
        parts = ranking.parts(components.take(page), self.weights, components.text_top()) if len(page) else {}
        nearest = retrieval.nearest_offices(model, rows[page], location.lat, location.lon) if location else {}
        items = [
            self._item(model, query, nearest.get(int(rows[i])), int(rows[i]), bool(is_remote[i]), float(score[i]),
                       {k: float(v[j]) for k, v in parts.items()}, components, i, covered)
            for j, i in enumerate(page)
        ]
        echo = query.echo()
        echo["radius_km"] = radius
        echo["understood"] = intent.understood
        return SearchResults(
            query=echo,
            location=location,
            total=len(rows),
            page=query.page,
            per_page=query.per_page,
            results=items,
            facets=facet_counts.count(model, base, filters, query.facets, query.audience) if query.facets else {},
        )

    def resolve(self, query: SearchQuery) -> Location | None:
        if query.lat is not None and query.lon is not None:
            return Location(query.lat, query.lon, f"{query.lat:.5f}, {query.lon:.5f}", "coordinates", None, "point")
        if not query.near:
            return None
        return find_place(self.geocoder, query.near, field="near", context=self.context_country(query))

    @staticmethod
    def context_country(query: SearchQuery) -> str | None:
        """The country a place typed without one is read in first: the search's one country filter (a page's
        or widget's preset), else the visitor's (Accept-Language)."""
        countries = query.values("country")
        return countries[0] if len(countries) == 1 else query.context_country

    def radius(self, query: SearchQuery, location: Location | None) -> float | None:
        """The radius searched: none without a location or for an area, a region or country (its offices and servers)."""
        if location is None or location.is_area:
            return None
        return query.radius_km or self.config.default_radius_km

    def _geo(self, model: ReadModel, query: SearchQuery, location: Location | None, radius: float | None):
        """(rows there, rows serving it remotely, the offices in the radius) or Nones without a place."""
        if location is None:
            return None, None, None
        nearby = None
        if location.is_area:
            inside = retrieval.offices_in(model, location)
        else:
            nearby = retrieval.within_radius(model, location.lat, location.lon, radius)
            inside = nearby.inside
        remote = np.zeros(model.size, dtype=bool)
        if query.include_remote:
            remote = retrieval.serving(model, location) & ~inside
        return inside, remote, nearby

    def _rank_distance(self, model, location, remote, nearby, matched) -> np.ndarray | None:
        """Per row, the distance ranking uses: to the nearest office in the radius (0 in a searched
        area), and for partners serving the place from elsewhere their effective distance (to their
        nearest office, at least remote_distance_km: ranking.effective_remote_km)."""
        if location is None:
            return None
        distance = nearby.distance(matched) if nearby is not None else np.zeros(model.size)
        serving = np.flatnonzero(remote & matched)
        if len(serving):
            office_km = retrieval.row_distances(model, serving, location.lat, location.lon)
            distance[serving] = ranking.effective_remote_km(office_km, self.config.remote_distance_km)
        return distance

    def _order(self, model, query, location, rows, score, is_remote, components) -> np.ndarray:
        """Indices (into rows) of the results up to the end of the requested page, in order."""
        tiebreak = model.name_rank[rows]
        limit = query.page * query.per_page
        if query.sort != "distance":
            return ranking.order(query.sort, tiebreak, score=score, completeness=model.completeness[rows],
                                 components=components, limit=limit)
        distance = retrieval.row_distances(model, rows, location.lat, location.lon)
        order = ranking.order("distance", tiebreak, distance_km=distance, remote=is_remote, limit=limit)
        # Spherical distances can misorder partners within 0.6 %: refine everything that could
        # reach the pages up to this one with exact geodesics, then order again.
        end = min(query.page * query.per_page, len(rows)) - 1
        if end < 0:
            return order
        last = order[end]
        cutoff = distance[last] * (1 + EXACT_SORT_MARGIN) + 0.01
        refine = (is_remote < is_remote[last]) | ((is_remote == is_remote[last]) & (distance <= cutoff))
        refine_at = np.flatnonzero(refine)
        distance = distance.copy()
        distance[refine_at] = retrieval.row_distances(model, rows[refine_at], location.lat, location.lon, exact=True)
        return ranking.order("distance", tiebreak, distance_km=distance, remote=is_remote, limit=limit)

    def _item(self, model, query, found, row, remote, score, parts, components, i, covered=None) -> ResultItem:
        """One result; `found`: (index of its nearest located office, exact km) when there is a place."""
        record = model.records[row]
        offices = [NearestOffice(o["label"], o["city"], o["country"], o["lat"], o["lon"]) for o in record["offices"]]
        nearest, distance = None, None
        if found is not None:
            nearest = offices[found[0]]
            distance = round(found[1], 3)
        matched = covered.entries_of(row, model) if covered is not None else {}
        remote_from = None
        if remote and nearest is not None:
            remote_from = nearest.city or nearest.label or (vocab.label("country", nearest.country) if nearest.country else None)
        explain = None
        if query.explain:
            explain = {
                "distance_km": distance,
                "ranking_distance_km": (
                    round(float(components.distance_km[i]), 3) if components.distance_km is not None else None
                ),
                "text": round(float(components.text[i]), 4) if components.text is not None else None,
                "completeness": record["completeness"],
                "track": record["track"],
                "serves_remotely": remote,
                "remote_from": remote_from,
                "coverage": covered.of_row(row) if covered is not None else None,
                "matched": matched,
                "matched_words": covered.words_of(row) if covered is not None else [],
                "weighted": {k: round(v, 6) for k, v in parts.items()},
                "score": round(score, 6),
            }
        return ResultItem(
            id=record["id"],
            slug=record["slug"],
            name=record["name"],
            track=record["track"],
            types=record["types"],
            languages=record["languages"],
            services=record["services"],
            segments=record["segments"],
            completeness=record["completeness"],
            distance_km=distance,
            nearest_office=nearest,
            serves_remotely=remote,
            url=f"/partners/{record['slug']}",
            score=round(score, 6),
            logo_url=record["logo_url"],
            website=record["website"],
            description=record["description"],
            countries=record["countries"],
            matched=matched,
            remote_from=remote_from,
            explain=explain,
            internal=dict(record["internal"]) if query.audience == "seller" else None,
            published=record["published"],
            offices=offices,
        )

    def warm(self) -> None:
        """Load what searches need (the read model and its lookup tables, the gazetteer) now, so a
        fresh process's first request is as fast as the others: a few representative searches.
        Without a built index it loads only the shared tables: building is reindex's (or the
        keeper's, in the background) work, too long for a worker's start."""
        self.warm_shared()
        if index.current_dir(self.config.index_dir) is None:
            return
        model = self.model()
        model.rows_with_prefix("a")
        for csr in model.csr.values():  # the filters' code → rows lists
            csr.rows_with_any(csr.codes[:1], model.size)
        for query in (
            SearchQuery(facets=FACETS, explain=True),
            SearchQuery(q="cloud kubernets", lat=0.0, lon=0.0, radius_km=1000.0, sort="distance"),
            SearchQuery(lat=0.0, lon=0.0, include_remote=True, audience="seller", facets=FACETS),
        ):
            self._search(query)  # not timed: warm-up searches are no one's traffic

    def warm_shared(self) -> None:
        """Load the tables that never change while serving (gazetteer, vocabularies): a preloading
        server's master loads them once, before forking, for all its workers."""
        self.geocoder.gazetteer.lookup("Berlin", None)  # offline only: its lazy tables load
        vocab.all_vocabularies()  # parsing a query checks codes against them

    # ------------------------------------------------------------ profiles and suggestions

    def partner(self, slug: str, audience: str = "public") -> dict[str, Any] | None:
        """A partner's full profile from the store (the source of truth), or None when not visible.
        While the store is away, profiles served recently are served from memory (else 503)."""
        key = (slug, audience)
        try:
            profile = self._partner_from_store(slug, audience)
        except STORE_ERRORS:
            if key in self._profiles:
                return self._profiles[key]
            raise StoreUnavailable("the partner store is not reachable right now; please retry shortly",
                                   retry_after=5) from None
        with self._profiles_lock:
            if profile is None:  # nothing to keep, and probes of unknown slugs never evict real profiles
                self._profiles.pop(key, None)
                return None
            self._profiles[key] = profile
            self._profiles.move_to_end(key)
            while len(self._profiles) > PROFILE_CACHE:
                self._profiles.popitem(last=False)
        return profile

    def _partner_from_store(self, slug: str, audience: str) -> dict[str, Any] | None:
        with self.db.session() as session:
            partner = session.scalar(
                select(Partner).options(selectinload(Partner.offices)).where(Partner.slug == slug)
            )
            if partner is None or (audience != "seller" and not partner.published):
                return None
            profile = partner_record(partner)
            profile["completeness"] = partner.completeness
            profile["completeness_breakdown"] = dict(partner.completeness_breakdown or {})
            profile["url"] = f"/partners/{partner.slug}"
        if audience != "seller":
            profile.pop("internal", None)
        return profile

    def suggest(self, prefix: str, limit: int = 10, audience: str = "public") -> list[dict[str, Any]]:
        """Partner names (by name or a word of it) then places starting with the prefix."""
        folded = fold_text(prefix)
        if not folded:
            return []
        model = self.model()
        visible = retrieval.visible(model, audience)
        rows = model.rows_with_prefix(folded)
        rows = rows[visible[rows]]
        best = rows[np.lexsort((model.name_rank[rows], -model.completeness[rows]))][: max(1, limit // 2)]
        records = [model.records[r] for r in best.tolist()]
        items: list[dict[str, Any]] = [
            {"kind": "partner", "label": r["name"], "slug": r["slug"], "url": f"/partners/{r['slug']}"} for r in records
        ]
        for place in self.geocoder.suggest(prefix, limit=limit - len(items)):
            items.append({"kind": "place", "label": place.label, "lat": place.lat, "lon": place.lon,
                          "country": place.country, "place_kind": place.kind})
        return items[:limit]

    # ------------------------------------------------------------ freshness (the keeper's work)

    def close(self) -> None:
        self.keeper.close()

    def model(self) -> ReadModel:
        """The current read model (the keeper follows the store in the background)."""
        return self.keeper.current()

    def refresh(self) -> ReadModel:
        """Follow the change marker now (after a write, or from a test)."""
        return self.keeper.refresh()

    def reindex(self) -> index.BuildReport:
        """Rebuild the index, first deriving the region of every office with a point and none (stores from
        before offices knew their region), so that nobody has to."""
        with self.db.session() as session:
            backfill_office_regions(session, self.geocoder.gazetteer)
        return self.keeper.reindex()
