"""Parsing and validation of search parameters (API query string, page form, CLI options alike)."""
from __future__ import annotations

import difflib
import math
import re
from typing import Any

from locator import vocab
from locator.errors import InvalidParameter
from locator.search.filters import FACETS, FILTERS, NAMES, Filter

SORTS = ("relevance", "distance", "completeness", "name")
# Every parameter of a search, in the order responses echo them (SearchQuery has a field for each).
PARAMETERS = (
    "q", "near", "lat", "lon", "radius_km", *NAMES, "include_remote",
    "sort", "page", "per_page", "facets", "explain",
)

MAX_PAGE = 1000
MAX_NEAR_LENGTH = 200
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}
ALLOWED_SHOWN = 30  # a vocabulary larger than this (languages, countries) lists only the values nearest the input
VOCABULARIES_URL = "/api/v1/vocabularies"
# Output options the API takes beside the search's parameters (SearchQuery: what to find; these: how to say it).
OUTPUT_PARAMETERS = ("format", "geojson_features")
GEOJSON_FEATURES = ("partners", "offices")


def getlist(params: Any, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        value = params.get(name)
        values = [] if value is None else list(value) if isinstance(value, (list, tuple)) else [value]
    return [str(v) for v in values]


def names(params: Any) -> list[str]:
    return list(params.keys())


def single(params: Any, name: str) -> str | None:
    values = getlist(params, name)
    if not values:
        return None
    if len(values) > 1:
        raise InvalidParameter(f"{name} may be given once", field=name)
    return values[0].strip()


def number(params: Any, name: str, kind=float, low: float | None = None, high: float | None = None) -> Any:
    raw = single(params, name)
    if raw is None or raw == "":
        return None
    try:
        value = kind(raw)
    except ValueError:
        raise InvalidParameter(f"{name} must be a{'n integer' if kind is int else ' number'}, not {raw[:40]!r}", field=name) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidParameter(f"{name} must be a finite number", field=name)
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidParameter(f"{name} must be between {low:g} and {high:g}", field=name)
    return value


def boolean(params: Any, name: str, default: bool) -> bool:
    raw = single(params, name)
    if raw is None:
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise InvalidParameter(f"{name} must be true or false (1 or 0)", field=name)


def filter_value(params: Any, f: Filter, limit: int) -> tuple[str, ...] | str | None:
    """A filter's value as SearchQuery holds it: the codes of a repeatable one, else one code or None."""
    if f.repeatable:
        return codes(params, f.name, limit, f.kind)
    raw = single(params, f.name) or None
    if raw is None:
        return None
    code = vocab.normalise_code(f.kind, raw)
    if not vocab.is_valid(f.kind, code):
        allowed = list(vocab.vocabulary(f.kind))
        raise InvalidParameter(f"{f.name} must be one of {', '.join(allowed)}", field=f.name, allowed=allowed)
    return code


def codes(params: Any, name: str, limit: int, kind: str) -> tuple[str, ...]:
    """A repeatable filter: values repeated or comma-separated, normalised and checked."""
    values: list[str] = []
    for raw in getlist(params, name):
        values.extend(v for v in raw.split(",") if v.strip())
    if len(values) > limit:
        raise InvalidParameter(f"at most {limit} values for {name}", field=name)
    out = []
    for value in values:
        code = vocab.normalise_code(kind, value)
        if not vocab.is_valid(kind, code):
            raise unknown_value(name, kind, value.strip()[:40])
        out.append(code)
    return tuple(dict.fromkeys(out))


def _alpha3(kind: str, value: str) -> str | None:
    """The two-letter code of a three-letter ISO code ('deu' → 'de', 'DEU' → 'DE')."""
    if kind not in ("language", "country") or len(value) != 3:
        return None
    import pycountry

    found = (pycountry.languages if kind == "language" else pycountry.countries).get(alpha_3=value.lower() if kind == "language" else value.upper())
    code = getattr(found, "alpha_2", None)
    return code if code and vocab.is_valid(kind, code) else None


def unknown_value(name: str, kind: str, value: str) -> InvalidParameter:
    """A 400 for a value outside the filter's vocabulary: the allowed values (the nearest ones when there
    are many, with where to find them all) and the nearest as a suggestion (a code, or a label's code)."""
    codes = vocab.vocabulary(kind)
    by_key = {code.casefold(): code for code in codes}
    by_key.update({label.casefold(): code for code, label in codes.items() if label.casefold() not in by_key})
    key = value.casefold()
    close = [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=ALLOWED_SHOWN, cutoff=0.6)]
    parts = {code: {p for p in re.split(r"[^a-z0-9]+", f"{code} {label}".casefold()) if p} for code, label in codes.items()}
    containing = [code for code, words in parts.items() if key in words]
    suggestion = by_key.get(key) or _alpha3(kind, value) or (close[0] if close else None) or (containing[0] if len(containing) == 1 else None)
    message = f"unknown {name} {value!r}"
    message += f"; did you mean {suggestion!r} ({codes[suggestion]})?" if suggestion else "."
    extra: dict[str, Any] = {"suggestion": suggestion}
    if len(codes) <= ALLOWED_SHOWN:
        extra["allowed"] = list(codes)
        message += f" Allowed: {', '.join(codes)}."
    else:
        extra["allowed"] = list(dict.fromkeys(filter(None, [suggestion, *containing, *close])))[:10]
        extra["vocabulary"] = VOCABULARIES_URL
        message += f" All {len(codes)} {name} values: {VOCABULARIES_URL}."
    return InvalidParameter(message, field=name, **extra)


def geojson_features(params: Any) -> str:
    """`geojson_features`: one GeoJSON Feature per partner (default, at its nearest office) or per office."""
    value = (single(params, "geojson_features") or GEOJSON_FEATURES[0]).lower()
    if value not in GEOJSON_FEATURES:
        raise InvalidParameter(f"geojson_features must be one of {', '.join(GEOJSON_FEATURES)}",
                               field="geojson_features", allowed=list(GEOJSON_FEATURES))
    return value


def parse(cls, params: Any, config, audience: str, strict: bool, allowed_extra: tuple[str, ...]):
    if strict:
        for name in names(params):
            if name not in PARAMETERS and name not in allowed_extra:
                raise InvalidParameter(f"unknown parameter {name[:40]!r}", field=name[:40])
    q = " ".join((single(params, "q") or "").split())
    if len(q) > config.max_query_length:
        raise InvalidParameter(f"q is longer than {config.max_query_length} characters", field="q")
    if "\x00" in q:
        raise InvalidParameter("q contains a NUL character", field="q")
    near = single(params, "near") or None
    if near is not None and len(near) > MAX_NEAR_LENGTH:
        raise InvalidParameter(f"near is longer than {MAX_NEAR_LENGTH} characters", field="near")
    lat = number(params, "lat", float, -90, 90)
    lon = number(params, "lon", float, -180, 180)
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        raise InvalidParameter("lat and lon must be given together", field=missing)
    if near and lat is not None:
        raise InvalidParameter("give near or lat/lon, not both", field="near")
    radius_km = number(params, "radius_km", float, 0.001, config.max_radius_km)
    chosen = {f.name: filter_value(params, f, config.max_filter_values) for f in FILTERS}
    sort = (single(params, "sort") or "relevance").lower()
    if sort not in SORTS:
        raise InvalidParameter(f"sort must be one of {', '.join(SORTS)}", field="sort")
    if sort == "distance" and not (near or lat is not None):
        raise InvalidParameter("sort=distance needs near or lat/lon", field="sort")
    page = number(params, "page", int, 1, MAX_PAGE) or 1
    per_page = number(params, "per_page", int, 1, config.max_per_page) or 20
    facet_values = [f.strip().lower() for raw in getlist(params, "facets") for f in raw.split(",") if f.strip()]
    if "all" in facet_values:
        facet_values = list(FACETS)
    for facet in facet_values:
        if facet not in FACETS:
            raise InvalidParameter(f"unknown facet {facet[:40]!r}; facets are all or {', '.join(FACETS)}", field="facets")
    return cls(
        q=q,
        near=near,
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        include_remote=boolean(params, "include_remote", True),
        sort=sort,
        page=page,
        per_page=per_page,
        facets=tuple(dict.fromkeys(facet_values)),
        explain=boolean(params, "explain", False),
        audience="seller" if audience == "seller" else "public",
        **chosen,
    )
