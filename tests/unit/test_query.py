"""SearchQuery.from_params: normalisation and errors that name the field."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from locator.config import Config
from locator.errors import InvalidParameter
from locator.search.query import FACETS, SearchQuery

CONFIG = Config()


def parse(strict: bool = True, **params):
    return SearchQuery.from_params(MultiDict(params), CONFIG, strict=strict)


def error_field(**params) -> str | None:
    with pytest.raises(InvalidParameter) as exc:
        SearchQuery.from_params(MultiDict(params), CONFIG, strict=True)
    return exc.value.field


def test_defaults():
    query = parse()
    assert (query.q, query.sort, query.page, query.per_page, query.include_remote) == ("", "relevance", 1, 20, True)
    assert query.audience == "public" and not query.has_location


def test_repeated_and_comma_values_are_normalised_and_deduplicated():
    query = SearchQuery.from_params(
        MultiDict([("language", "DE"), ("language", "fr,de"), ("country", "de"), ("facets", "all")]), CONFIG
    )
    assert query.language == ("de", "fr")
    assert query.country == ("DE",)
    assert query.facets == FACETS


def test_numbers_booleans_and_text():
    query = parse(q="  kubernetes   migration ", lat="52.5", lon="13.4", radius_km="250", page="3",
                  per_page="50", include_remote="0", explain="true", track="Select", sort="distance")
    assert query.q == "kubernetes migration"
    assert (query.lat, query.lon, query.radius_km) == (52.5, 13.4, 250.0)
    assert (query.page, query.per_page, query.include_remote, query.explain) == (3, 50, False, True)
    assert query.track == "select" and query.sort == "distance"


def test_audience_never_comes_from_parameters():
    assert SearchQuery.from_params(MultiDict({"audience": "seller"}), CONFIG).audience == "public"
    assert error_field(audience="seller") == "audience"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"lat": "52"}, "lon"),
        ({"lon": "13"}, "lat"),
        ({"lat": "91", "lon": "0"}, "lat"),
        ({"lat": "0", "lon": "-181"}, "lon"),
        ({"lat": "nan", "lon": "0"}, "lat"),
        ({"lat": "x", "lon": "0"}, "lat"),
        ({"near": "Berlin", "lat": "1", "lon": "1"}, "near"),
        ({"radius_km": "0"}, "radius_km"),
        ({"radius_km": "20001"}, "radius_km"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"language": "xx"}, "language"),
        ({"service": "juggling"}, "service"),
        ({"country": "ZZ"}, "country"),
        ({"type": "reseller"}, "type"),
        ({"segment": "huge"}, "segment"),
        ({"certification": "nope"}, "certification"),
        ({"track": "gold"}, "track"),
        ({"sort": "price"}, "sort"),
        ({"sort": "distance"}, "sort"),
        ({"facets": "colour"}, "facets"),
        ({"include_remote": "maybe"}, "include_remote"),
        ({"explain": "2"}, "explain"),
        ({"q": "x" * 201}, "q"),
        ({"near": "x" * 201}, "near"),
        ({"unknown": "1"}, "unknown"),
    ],
)
def test_errors_name_the_field(params, field):
    assert error_field(**params) == field


def test_too_many_filter_values():
    values = ",".join(["de", "fr", "en", "es", "it", "nl", "pl", "pt", "ru", "ko", "ja", "zh", "he", "sv", "da", "fi", "no", "cs", "sk", "hu", "ro"])
    assert error_field(language=values) == "language"


def test_a_parameter_given_twice_where_one_is_expected():
    with pytest.raises(InvalidParameter) as exc:
        SearchQuery.from_params(MultiDict([("sort", "name"), ("sort", "distance")]), CONFIG)
    assert exc.value.field == "sort"


def test_plain_mappings_work_like_multidicts():
    query = SearchQuery.from_params({"language": ["de", "fr"], "q": "kubernetes"}, CONFIG)
    assert query.language == ("de", "fr") and query.q == "kubernetes"


def test_non_strict_ignores_unknown_parameters():
    assert parse(strict=False, view="map").q == ""
