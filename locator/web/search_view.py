"""The search screen shared by the public page, the iframe embed and the seller view.

Parses the request's query string with the API's own parser, runs the search, and turns the results
into what the templates show: filter groups with counts, result lines in words, paging and, when
nothing matched, the ways to widen the search.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Literal
from urllib.parse import parse_qsl, urlencode

from flask import has_request_context, request
from werkzeug.datastructures import MultiDict

from locator import vocab
from locator.config import Config
from locator.errors import LocatorError
from locator.search import intent
from locator.search.filters import FILTERS, NAMES, ON_PAGE
from locator.search.query import PARAMETERS, SearchQuery
from locator.geocoding.location import Location
from locator.search.results import SearchResults, alternatives, near_text

PAGE_FACETS = ",".join(f.name for f in ON_PAGE if f.faceted)
RADII_KM = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
SORTS = (("relevance", "Best match"), ("distance", "Distance"), ("completeness", "Profile completeness"),
         ("name", "Name"))
# Parameters the page computes itself; a visitor's values for them are ignored.
PAGE_OWNED = ("facets", "explain", "format")
# A point (“Use my location”) is named after the nearest town this close, preferring towns this big.
NEAR_TOWN_KM = 30
NEAR_TOWN_POPULATION = 15000
BACK_MAX_CHARS = 2000  # a longer query in a profile's referrer is not a search this site made


@dataclass
class Option:
    value: str
    label: str
    count: int
    checked: bool


@dataclass
class FilterGroup:
    name: str
    legend: str
    options: list[Option]
    multiple: bool = True


@dataclass
class Widening:
    """One way to get results when there are none: a link, what it does, how many it would find."""

    text: str
    url: str
    total: int


@dataclass
class SearchPage:
    args: MultiDict
    query: SearchQuery | None = None
    results: SearchResults | None = None
    error: dict[str, Any] | None = None
    filters: list[FilterGroup] = field(default_factory=list)
    widenings: list[Widening] = field(default_factory=list)
    pages: list[tuple[int, str]] = field(default_factory=list)
    prev_url: str | None = None
    next_url: str | None = None
    place: str | None = None  # the searched place in words ("Munich, Germany" for a point there)
    alternatives: list[tuple[str, str]] = field(default_factory=list)  # other readings of the place: (label, its search)

    @property
    def searched(self) -> bool:
        return self.results is not None

    def value(self, name: str, default: str = "") -> str:
        return self.args.get(name, default) or default

    def checked(self, name: str, value: str) -> bool:
        return value in self.args.getlist(name)

    @property
    def chosen_filters(self) -> int:
        return sum(len(self.args.getlist(name)) for name in NAMES)

    @property
    def off_page_filters(self) -> tuple[str, ...]:
        """Filters without a group on the page (country, certification): the form keeps their values."""
        return tuple(f.name for f in FILTERS if not f.on_page)

    @property
    def understood(self) -> list[tuple[str, str]]:
        """(label, link) per vocabulary entry the words of q named: the search without those words."""
        if self.results is None:
            return []
        return [(label, url_for_args("", self.args, q=rest or None, page=None) or "?")
                for label, rest in intent.chips(self.value("q"))]

    @property
    def has_filter_values(self) -> bool:
        return any(group.options for group in self.filters)

    @property
    def summary(self) -> str | None:
        """The search in one line, for the folded form on phones: 'kubernetes near Berlin, Germany · 100 km'."""
        if self.results is None or not has_criteria(self.args):
            return None
        words = self.args.get("q", "").strip()
        location = self.results.location
        parts = []
        if location is not None:
            where = f"{'in' if location.is_area else 'near'} {self.place or location.label}"
            parts.append(f"{words} {where}" if words else f"Partners {where}")
            radius = self.results.query.get("radius_km")
            if not location.is_area and radius:
                parts.append(f"{radius:,g}\u00a0km")
        else:
            parts.append(words or "All partners")
        if self.chosen_filters:
            parts.append(f"{self.chosen_filters} filter{'' if self.chosen_filters == 1 else 's'}")
        return " · ".join(parts)


def page_args(raw: MultiDict, drop: Iterable[str] = ()) -> MultiDict:
    """The visitor's parameters, minus those the page owns; a typed place wins over coordinates."""
    owned = {*PAGE_OWNED, *drop}
    args = MultiDict((k, v) for k, v in raw.items(multi=True) if k not in owned and v != "")
    if args.get("near"):
        args.poplist("lat")
        args.poplist("lon")
    return args


def url_for_args(path: str, args: MultiDict, **changes: Any) -> str:
    """`path` with the current parameters, some replaced (None removes one)."""
    merged = MultiDict(args)
    for key, value in changes.items():
        merged.poplist(key)
        if value is None:
            continue
        for v in value if isinstance(value, (list, tuple)) else [value]:
            merged.add(key, str(v))
    if "page" in merged and merged.get("page") == "1":
        merged.poplist("page")
    query = urlencode(list(merged.items(multi=True)))
    return f"{path}?{query}" if query else path


def without_value(args: MultiDict, key: str, value: str) -> MultiDict:
    kept = MultiDict(args)
    remaining = [v for v in kept.getlist(key) if v != value]
    kept.setlist(key, remaining)
    kept.poplist("page")
    return kept


def parse(args: MultiDict, config: Config, audience: Literal["public", "seller"], **extra: Any) -> SearchQuery:
    params = MultiDict(args)
    params["facets"] = PAGE_FACETS
    params["explain"] = "1"
    for key, value in extra.items():
        params[key] = str(value)
    query = SearchQuery.from_params(params, config, audience=audience)
    return replace(query, context_country=visitor_country()) if has_request_context() else query


def visitor_country(accept_languages: Iterable[str] | None = None) -> str | None:
    """The region of the visitor's most preferred language tag that names one (de-DE → DE, en-CA → CA,
    zh-Hant-TW → TW), or None; a bare language (de) says nothing of where the visitor is."""
    tags = request.accept_languages.values() if accept_languages is None else accept_languages
    for tag in tags:
        for subtag in tag.replace("_", "-").split("-")[1:]:
            if len(subtag) == 2 and subtag.isalpha():
                return subtag.upper()
    return None


def has_criteria(args: MultiDict) -> bool:
    return any(args.get(k) for k in ("q", "near", "lat", "lon", *NAMES))


def run_search(locator: Any, args: MultiDict, config: Config, path: str,
               audience: Literal["public", "seller"] = "public", browse: bool = True,
               locked: tuple[str, ...] = ()) -> SearchPage:
    """The search screen for these parameters; with `browse`, an empty query lists everyone.

    `locked` filters (the embed's `lock`) are fixed: no filter group offers them, no way out drops them."""
    page = SearchPage(args=args)
    if not browse and not has_criteria(args):
        return page
    try:
        page.query = parse(args, config, audience)
        page.results = locator.search(page.query)
    except LocatorError as exc:
        page.error = exc.to_dict()
        return page
    page.place = place_words(page.results.location, getattr(locator.geocoder, "gazetteer", None))
    page.alternatives = [(alt.label, url_for_args(path, args, near=near_text(alt), lat=None, lon=None, page=None))
                         for alt in (alternatives(page.results.location) if page.results.location else ())]
    page.filters = [g for g in filter_groups(page.results, args) if g.name not in locked]
    _paging(page, path)
    if page.results.total == 0:
        page.widenings = widenings(locator, args, config, path, audience, page.query, locked, page.results.location)
    return page


def filter_groups(results: SearchResults, args: MultiDict) -> list[FilterGroup]:
    """The page's filter groups (locator.search.filters: those shown on the page), options by count."""
    groups = []
    for f in ON_PAGE:
        counts = results.facets.get(f.name, {})
        selected = args.getlist(f.name)
        values = sorted(counts, key=lambda v: (-counts[v], vocab.label(f.kind, v)))
        values += [v for v in selected if v not in counts]
        options = [Option(v, vocab.label(f.kind, v), counts.get(v, 0), v in selected) for v in values]
        groups.append(FilterGroup(f.name, f.legend, options, multiple=f.repeatable))
    return groups


def _paging(page: SearchPage, path: str) -> None:
    results = page.results
    last = max(1, -(-results.total // results.per_page))
    current = min(results.page, last)
    window = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    page.pages = [(n, url_for_args(path, page.args, page=n)) for n in window] if last > 1 else []
    page.prev_url = url_for_args(path, page.args, page=current - 1) if current > 1 else None
    page.next_url = url_for_args(path, page.args, page=current + 1) if current < last else None


def widenings(locator: Any, args: MultiDict, config: Config, path: str, audience: str,
              query: SearchQuery, locked: tuple[str, ...] = (), location: Location | None = None) -> list[Widening]:
    """Links that would find something: a larger radius (the whole country, for a region), remote partners,
    one filter fewer, no text."""
    candidates: list[tuple[str, MultiDict]] = []
    found: list[Widening] = []
    located = bool(args.get("near") or args.get("lat"))
    area = location if location is not None and location.is_area else None
    if area is not None and area.kind == "region" and (country := _country_words(locator, area)):
        found += _widening(locator, f"Search all of {country}", MultiDict(args), config, path, audience, near=country)
    if located and area is None:
        radius = query.radius_km or config.default_radius_km
        for wider in (r for r in RADII_KM if radius < r <= config.max_radius_km):
            changed = MultiDict(args)
            changed["radius_km"] = str(wider)
            changed.poplist("page")
            total = _total(locator, changed, config, audience)
            if total:  # the smallest radius that finds someone
                found.append(Widening(f"Widen the radius to {wider:,} km", url_for_args(path, changed), total))
                break
    if located and not query.include_remote:
        changed = MultiDict(args)
        changed["include_remote"] = "true"
        candidates.append(("Include partners that serve the area remotely", changed))
    for f in FILTERS:
        for value in ([] if f.name in locked else args.getlist(f.name)):
            candidates.append((f"Drop the filter {f.label}: {vocab.label(f.kind, value)}",
                               without_value(args, f.name, value)))
    if args.get("q"):
        changed = MultiDict(args)
        changed.poplist("q")
        changed.poplist("page")
        candidates.append((f"Search without the words “{args['q']}”", changed))
    for text, changed in candidates[:8]:
        total = _total(locator, changed, config, audience)
        if total:
            found.append(Widening(text, url_for_args(path, changed), total))
    return found


def _country_words(locator: Any, area: Location) -> str | None:
    places = getattr(locator.geocoder, "gazetteer", None)
    country = places.country_centre(area.country) if places is not None and area.country else None
    return country.label if country is not None else None


def _widening(locator: Any, text: str, args: MultiDict, config: Config, path: str, audience: str,
              **changes: Any) -> list[Widening]:
    """The widening `changes` make to `args`, when it finds someone."""
    for key, value in changes.items():
        args[key] = value
    args.poplist("page")
    total = _total(locator, args, config, audience)
    return [Widening(text, url_for_args(path, args), total)] if total else []


def _total(locator: Any, args: MultiDict, config: Config, audience: str) -> int:
    try:
        return locator.search(parse(args, config, audience, per_page=1, page=1, facets="")).total
    except LocatorError:
        return 0


def why_empty(page: SearchPage) -> str:
    """One sentence saying what the search asked for, to explain an empty result."""
    query, results = page.query, page.results
    parts = []
    if query and query.q:
        parts.append(f"matching “{query.q}”")
    if results and results.location:
        radius = query.radius_km if query.radius_km is not None else None
        where = page.place or results.location.label
        if results.location.is_area:
            parts.append(f"in or serving {where}")
        else:
            parts.append(f"within {radius:g} km of {where}" if radius else f"near {where}")
    for f in FILTERS:
        chosen = page.args.getlist(f.name)
        if chosen:
            parts.append(f"{f.label.lower()} {' or '.join(vocab.label(f.kind, v) for v in chosen)}")
    return "No partners " + (", ".join(parts) if parts else "are listed yet") + "."


def place_words(location: Location | None, places: Any) -> str | None:
    """The searched place as the page says it: its label, or for a point the nearest town
    ("Munich, Germany"; "your location" when no town is near). The API keeps the coordinates."""
    if location is None:
        return None
    if location.kind != "point" or places is None:
        return location.label
    town = (places.nearest_city(location.lat, location.lon, NEAR_TOWN_KM, NEAR_TOWN_POPULATION)
            or places.nearest_city(location.lat, location.lon, NEAR_TOWN_KM))
    return town.label if town is not None else "your location"


def back_url(search_path: str, back: str | None) -> str:
    """The search a profile was opened from: `search_path` with the search's own parameters from the
    query string `back`; anything else in it is dropped, so the link never leaves the search page."""
    if not back or len(back) > BACK_MAX_CHARS:
        return search_path
    allowed = set(PARAMETERS) - set(PAGE_OWNED)
    kept = MultiDict((k, v) for k, v in parse_qsl(back) if k in allowed and v)
    return url_for_args(search_path, kept)


def labels(kind: str, codes: Iterable[str]) -> list[str]:
    return [vocab.label(kind, c) for c in codes]


def region_labels(codes: Iterable[str]) -> list[str]:
    """ISO 3166-2 region codes as people say them ("Texas, United States"); a code the gazetteer lacks as itself."""
    from locator.web.context import services

    places = services().geocoder.gazetteer
    return [region.label if (region := places.region(code)) is not None else code for code in codes]
