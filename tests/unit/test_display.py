"""The words of a result (locator.display): why it is where it is, the track legend, and the profile's facts
instead of its percentage for customers."""
from __future__ import annotations

from typing import Any

from locator.display import explanation, profile_words, result_display, track_legend
from locator.geocoding.location import Location
from locator.search.results import NearestOffice, ResultItem

MUNICH = Location(48.137, 11.575, "München, Germany", "gazetteer", "DE", "city", "DE-BY")
BAVARIA = Location(48.95, 11.4, "Bavaria, Germany", "region", "DE", "region", "DE-BY", (8.97, 47.27, 13.84, 50.56))
VIENNA = NearestOffice("Head office", "Vienna", "AT", 48.2082, 16.3738)


def item(**fields: Any) -> ResultItem:
    data: dict[str, Any] = dict(id="p1", slug="p1", name="P1", track="select", types=["boutique-si"], languages=["de", "en"],
                                services=["kubernetes", "migration", "training"], segments=["enterprise"], completeness=57,
                                distance_km=3.2, nearest_office=NearestOffice("HQ", "München", "DE", 48.15, 11.6),
                                serves_remotely=False, url="/partners/p1", score=0.5, website="https://p1.example",
                                logo_url="https://p1.example/logo.png")
    data.update(fields)
    return ResultItem(**data)


def test_the_issues_sentence():
    query = {"q": "", "service": ["kubernetes", "migration"], "language": ["de"]}
    assert explanation(item(), MUNICH, query) == "Offers Kubernetes and Migration · 3.2 km from München · German · Select partner"


def test_what_was_asked_and_is_missing_is_said():
    query = {"service": ["kubernetes", "migration"], "understood": {"segment": ["public-sector"]}}
    shown = explanation(item(services=["kubernetes"], track="open", distance_km=79.4), MUNICH, query)
    assert shown == "Offers Kubernetes (Migration not listed) · 79 km from München · Open partner"
    assert explanation(item(services=["support"]), MUNICH, {"service": ["kubernetes"]}).startswith("Kubernetes not listed · ")


def test_words_the_search_understood_count_as_asked():
    query = {"q": "kubernetes public sector", "understood": {"service": ["kubernetes"], "segment": ["public-sector"]}}
    shown = explanation(item(segments=["public-sector"]), MUNICH, query)
    assert shown == "Offers Kubernetes · 3.2 km from München · Public sector · Select partner"


def test_remote_service_says_from_where():
    remote = item(serves_remotely=True, distance_km=356.9, nearest_office=VIENNA)
    assert explanation(remote, BAVARIA) == "serves Bavaria remotely from Vienna · Select partner"
    assert explanation(remote, MUNICH) == "serves München remotely from Vienna · Select partner"
    assert explanation(item(distance_km=120.0), BAVARIA) == "office in München, Bavaria · Select partner"
    assert explanation(item(nearest_office=None), BAVARIA) == "office in Bavaria · Select partner"


def test_distances_read_as_places():
    assert explanation(item(distance_km=0.004), MUNICH).startswith("in München · ")
    point = Location(48.1, 11.5, "48.10000, 11.50000", "coordinates", None, "point")
    assert explanation(item(distance_km=7.0), point).startswith("7.0 km away · ")
    assert explanation(item(distance_km=1204.4), MUNICH).startswith("1,204 km from München · ")
    assert explanation(item(distance_km=None, nearest_office=None)) == "Select partner"


def test_customers_see_facts_sellers_also_the_percentage():
    profile = {"website": "https://x.example", "email": "a@x.example", "logo_url": "https://x.example/l.png",
               "services": ["a", "b", "c"], "languages": ["de"], "completeness": 57}
    assert profile_words(profile) == "Website · Email · Logo · 3 services · 1 language"
    assert profile_words(profile, seller=True) == "Website · Email · Logo · 3 services · 1 language · profile 57% complete"
    public = result_display(item())
    assert "%" not in public["explanation"] + public["profile"]
    assert public["profile"] == "Website · Logo · 3 services · 2 languages"
    assert result_display(item(internal={}))["profile"].endswith("· profile 57% complete")  # a seller's result


def test_the_legend_defines_both_tracks():
    legend = {t["code"]: t for t in track_legend()}
    assert set(legend) == {"select", "open"}
    assert legend["select"]["label"] == "Select" and "highest" in legend["select"]["help"]
    assert legend["open"]["label"] == "Open" and "entry tier" in legend["open"]["help"]
    assert result_display(item(track="open"))["track_help"] == legend["open"]["help"]


def test_the_searchs_matched_entries_count_and_the_service_leads():
    """`matched` (the entries the query named that the result has) covers kinds a result does not list."""
    query = {"understood": {"industry": ["finance"], "service": ["kubernetes"]}}
    shown = explanation(item(matched={"industry": ["finance"], "service": ["kubernetes"]}), MUNICH, query)
    assert shown == "Offers Kubernetes · 3.2 km from München · Financial services · Select partner"
    only_segment = explanation(item(segments=["public-sector"]), MUNICH, {"segment": ["public-sector"]})
    assert only_segment == "3.2 km from München · Public sector · Select partner"


def test_remote_from_is_the_searchs_word():
    remote = item(serves_remotely=True, nearest_office=VIENNA, remote_from="Wien")
    assert explanation(remote, BAVARIA) == "serves Bavaria remotely from Wien · Select partner"
