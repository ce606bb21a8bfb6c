"""Recording public searches off the request path: a bounded in-memory buffer (drop-oldest, counted) drained in
batches by a daemon thread. The request path only builds a small tuple; coarsening and writing happen in the
writer. What is stored: the hour, the place coarsened to a town of some size, a region or a country, the
cleaned text, the filters, the count, and the partners shown at each position — never coordinates, the typed
place, a client address or anything about the visitor."""
from __future__ import annotations

import logging
import os
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from sqlalchemy import insert

from locator import metrics
from locator.geocoding.location import Location
from locator.models import ResultEvent, SearchRecord
from locator.search.filters import NAMES

log = logging.getLogger(__name__)

MAX_Q = 80
MAX_SHOWN = 20  # positions recorded per search (a page's worth)
TOWN_MIN_POPULATION = 15000  # a point or postal code is coarsened to a town at least this big ...
TOWN_MAX_KM = 25.0  # ... within this distance, else to its region
EMAIL_RE = re.compile(r"\S+@\S+")
DIGITS_RE = re.compile(r"\+?(?:\d[\s().\-/]*){5,}")  # phone numbers, customer numbers, postal codes


@dataclass(frozen=True)
class SearchSeen:
    """A public search as the request path hands it over (raw; the writer coarsens it)."""

    search_id: str
    at: float
    surface: str
    location: Location | None
    q: str
    filters: tuple[str, ...]  # "name=value"
    total: int
    shown: tuple[tuple[int, str], ...]  # (1-based position, partner external id)


@dataclass(frozen=True)
class ProfileSeen:
    """A public profile view; with the search and position it was opened from, when the link carried them."""

    at: float
    partner_ref: str
    search_id: str | None = None
    position: int | None = None


def new_search_id() -> str:
    return secrets.token_hex(6)


def search_seen(query: Any, results: Any, surface: str, search_id: str | None = None) -> SearchSeen:
    """The hand-off for a search (cheap: no lookups, no formatting)."""
    filters = tuple(f"{name}={value}" for name in NAMES for value in query.values(name))
    offset = (results.page - 1) * results.per_page
    shown = tuple((offset + i + 1, item.id) for i, item in enumerate(results.results[:MAX_SHOWN]))
    return SearchSeen(search_id or new_search_id(), time.time(), surface, results.location, query.q or "",
                      filters, results.total, shown)


def clean_text(q: str) -> str:
    """The free text as kept: emails and runs of five or more digits dropped, spaces folded, lower case, capped."""
    q = DIGITS_RE.sub(" ", EMAIL_RE.sub(" ", q or ""))
    return " ".join(q.split()).casefold()[:MAX_Q].strip()


def coarsen(location: Location | None, places: Any) -> tuple[str | None, str | None, str | None, str | None]:
    """(kind, label, region code, country) of the place no finer than a town: a gazetteer town is kept; a point,
    postal code or online-geocoded place becomes the nearest town of TOWN_MIN_POPULATION within TOWN_MAX_KM, else
    its region, else its country."""
    if location is None:
        return None, None, None, None
    country = location.country
    if location.kind == "country":
        return "country", places.country_name(country) if country else location.label, None, country
    region = location.region or (places.region_of(location.lat, location.lon, country) if country else None)
    if location.kind == "region":
        return "region", location.label, region, country
    if location.kind == "city" and location.source == "gazetteer":
        return "city", location.label, region, country
    town = places.nearest_city(location.lat, location.lon, TOWN_MAX_KM, TOWN_MIN_POPULATION)
    if town is not None and (country is None or town.country == country):
        return "city", town.label, region or town.region, town.country
    area = places.region(region) if region else None
    if area is not None:
        return "region", area.label, region, country
    if country:
        return "country", places.country_name(country), None, country
    return None, None, None, None


def hour_of(at: float) -> datetime:
    return datetime.fromtimestamp(at, timezone.utc).replace(minute=0, second=0, microsecond=0)


def rows(events: Iterable[SearchSeen | ProfileSeen], places: Any) -> tuple[list[dict], list[dict]]:
    """The search_record and result_event rows for a batch of events."""
    searches: list[dict] = []
    results: list[dict] = []
    for ev in events:
        hour = hour_of(ev.at)
        if isinstance(ev, ProfileSeen):
            results.append({"search_id": ev.search_id, "hour": hour, "kind": "view", "position": ev.position,
                            "partner_ref": ev.partner_ref})
            continue
        kind, label, region, country = coarsen(ev.location, places)
        searches.append({"search_id": ev.search_id, "hour": hour, "surface": ev.surface, "place_kind": kind,
                         "place": label[:200] if label else None, "region_code": region, "country": country,
                         "q": clean_text(ev.q), "filters": " ".join(sorted(ev.filters))[:500], "total": ev.total})
        results += [{"search_id": ev.search_id, "hour": hour, "kind": "shown", "position": pos, "partner_ref": ref}
                    for pos, ref in ev.shown]
    return searches, results


def write(db: Any, events: list, places: Any) -> None:
    """Write a batch in one transaction."""
    searches, results = rows(events, places)
    with db.session() as session:
        if searches:
            session.execute(insert(SearchRecord), searches)
        if results:
            session.execute(insert(ResultEvent), results)


class Recorder:
    """The buffer and its writer thread. record() is all the request path does."""

    def __init__(self, db: Any, places: Callable[[], Any], capacity: int = 10000, flush_s: float = 2.0,
                 batch: int = 500, enabled: bool = True, threaded: bool = True):
        self.db, self._places = db, places
        self.capacity, self.flush_s, self.batch, self.enabled = capacity, flush_s, batch, enabled
        self.threaded = threaded  # False: nothing is written until flush() (apps in tests, which flush themselves)
        self._buffer: deque = deque(maxlen=max(1, capacity))
        self.dropped = 0  # events lost: pushed out of a full buffer, or in a batch the store refused
        self.written = 0
        self._wake = threading.Event()
        self._flush_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._closed = False
        self._failing = False

    def record(self, event: SearchSeen | ProfileSeen) -> None:
        if not self.enabled:
            return
        if len(self._buffer) >= self.capacity:
            self.dropped += 1  # the deque drops its oldest on append
            metrics.INSIGHTS_DROPPED.labels("full").inc()
        self._buffer.append(event)
        if self._pid != os.getpid() and self.threaded:
            self._start()
        if len(self._buffer) >= self.batch:
            self._wake.set()

    def pending(self) -> int:
        return len(self._buffer)

    def flush(self) -> int:
        """Write everything buffered now (the thread calls this; tests and shutdown too); how many were written."""
        with self._flush_lock:
            batch = []
            while self._buffer:
                try:
                    batch.append(self._buffer.popleft())
                except IndexError:
                    break
            if not batch:
                return 0
            try:
                write(self.db, batch, self._places())
            except Exception as exc:  # the store away: lose this batch (counted), log once per outage
                self.dropped += len(batch)
                metrics.INSIGHTS_DROPPED.labels("store").inc(len(batch))
                if not self._failing:
                    log.warning("search insights: could not write %d events: %s", len(batch), exc)
                self._failing = True
                return 0
            self._failing = False
            self.written += len(batch)
            return len(batch)

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            self._thread.join(timeout=5)
        self.flush()

    def _start(self) -> None:
        with self._start_lock:
            if self._pid == os.getpid() or self._closed:
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="insights-writer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self.flush_s)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # never let the writer die
                log.exception("search insights writer")
