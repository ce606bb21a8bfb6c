"""What place a search understood, on both backends: `query.location` says its kind, region, bbox (areas) and
the other readings; the visitor's country (a country filter, else Accept-Language) reads a place typed
without one; regions are searched as areas; the page and the widget's API show it all."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest

from tests.factories import office, partner_data
from locator.store import apply_partner


@pytest.fixture
def client(fresh_db, make_app):
    with fresh_db.session() as session:
        for data in (
            partner_data(id="AUS", name="Austin Office", offices=[office(30.2672, -97.7431, city="Austin", country="US", region_code="US-TX")]),
            partner_data(id="DAL", name="Dallas Office", offices=[office(32.7767, -96.797, city="Dallas", country="US", region_code="US-TX")]),
            partner_data(id="OKC", name="Oklahoma Serves Texas", regions_served=["US-TX"],
                         offices=[office(35.4676, -97.5164, city="Oklahoma City", country="US", region_code="US-OK")]),
            partner_data(id="NYC", name="New York Office", offices=[office(40.7128, -74.006, city="New York", country="US", region_code="US-NY")]),
            partner_data(id="MUC", name="Munich Office", offices=[office(48.137, 11.575, city="München", region_code="DE-BY")]),
            partner_data(id="LDN", name="London Ontario Office",
                         offices=[office(42.9849, -81.2453, city="London", country="CA", region_code="CA-ON")]),
            partner_data(id="LON", name="London UK Office",
                         offices=[office(51.5074, -0.1278, city="London", country="GB", region_code="GB-ENG")]),
        ):
            apply_partner(session, data)
    return make_app(fresh_db).test_client()


def search(client, query: str, **headers):
    response = client.get(f"/api/v1/search?{query}", headers=headers)
    return response, response.get_json()


def names(body) -> set[str]:
    return {r["name"] for r in body["results"]}


def test_a_city_says_its_kind_and_region_and_no_bbox(client):
    response, body = search(client, "near=Austin&radius_km=50")
    location = body["query"]["location"]
    assert response.status_code == 200, body
    assert location["kind"] == "city" and location["country"] == "US" and "bbox" not in location
    assert isinstance(location["alternatives"], list)
    assert location["region"] == "US-TX"
    # a partner serving Texas serves every place in it
    assert {r["name"]: r["serves_remotely"] for r in body["results"]} == {"Austin Office": False, "Oklahoma Serves Texas": True}
    assert "Accept-Language" in response.headers["Vary"]


def test_the_visitors_country_reads_a_place_typed_without_one(client):
    _, in_canada = search(client, "near=London&radius_km=50", **{"Accept-Language": "en-CA,en;q=0.8"})
    assert in_canada["query"]["location"]["country"] == "CA"
    assert names(in_canada) == {"London Ontario Office"}
    _, in_britain = search(client, "near=London&radius_km=50", **{"Accept-Language": "en-GB"})
    assert in_britain["query"]["location"]["country"] == "GB" and names(in_britain) == {"London UK Office"}
    # the search's one country filter (a page's or widget's preset) wins over the browser's language
    _, preset = search(client, "near=London&radius_km=50&country=CA", **{"Accept-Language": "en-GB"})
    assert preset["query"]["location"]["country"] == "CA"
    # a country typed wins over both
    _, typed = search(client, "near=London, UK&radius_km=50", **{"Accept-Language": "en-CA"})
    assert typed["query"]["location"]["country"] == "GB"


def test_the_geocode_endpoint_reads_in_the_visitors_country_too(client):
    body = client.get("/api/v1/geocode?q=London", headers={"Accept-Language": "fr-CA"}).get_json()
    assert body["location"]["country"] == "CA"


def test_a_near_of_300_characters_is_a_400_naming_near(client):
    response, body = search(client, "near=" + "a" * 300)
    assert response.status_code == 400 and body["error"]["field"] == "near"
    page = client.get("/?near=" + "a" * 300)
    assert page.status_code == 400 and "near" in page.get_data(as_text=True)


def test_a_region_is_an_area_named_by_its_name_code_or_local_name(client):
    for near in ("Texas", "TX"):
        response, body = search(client, f"near={near}&radius_km=5")
        location = body["query"]["location"]
        assert response.status_code == 200, body
        assert location["kind"] == "region" and location["region"] == "US-TX" and location["country"] == "US"
        west, south, east, north = location["bbox"]
        assert west < -97.74 < east and south < 30.27 < north  # Austin is inside
        assert body["query"]["radius_km"] is None  # no radius: the region itself
        assert {r["name"]: r["serves_remotely"] for r in body["results"]} == {
            "Austin Office": False, "Dallas Office": False, "Oklahoma Serves Texas": True}
    for near in ("Bayern", "Bavaria"):
        _, body = search(client, f"near={near}")
        assert body["query"]["location"]["region"] == "DE-BY" and names(body) == {"Munich Office"}
    html = client.get("/?near=Texas").get_data(as_text=True)
    heading = re.search(r'<h2 id="results-heading".*?</h2>', html, re.S).group(0)
    assert "3 partners" in heading and "in Texas, United States" in heading and "near Texas" not in heading
    assert "<title>Partners in Texas, United States" in html


def test_a_postal_code_is_searched_like_a_city(client):
    _, body = search(client, "near=78701&radius_km=25")
    location = body["query"]["location"]
    assert location["kind"] == "postal_code" and location["region"] == "US-TX" and "bbox" not in location
    assert body["query"]["radius_km"] == 25 and body["results"][0]["name"] == "Austin Office"
    assert body["results"][0]["distance_km"] < 5 and "Dallas Office" not in names(body)
    # a bare German code needs the visitor's country; typed with it, it needs nothing
    _, in_germany = search(client, "near=80331&radius_km=25", **{"Accept-Language": "de-DE,de;q=0.9"})
    _, typed = search(client, "near=80331 DE&radius_km=25")
    for body in (in_germany, typed):
        assert body["query"]["location"]["kind"] == "postal_code" and body["query"]["location"]["country"] == "DE"
        assert names(body) == {"Munich Office"}


def test_each_alternative_names_the_near_that_searches_it(client):
    _, body = search(client, "near=London&radius_km=50", **{"Accept-Language": "en-CA"})
    alternatives = body["query"]["location"]["alternatives"]
    assert [a["label"] for a in alternatives][:1] == ["London, United Kingdom"]
    _, georgia = search(client, "near=Georgia")
    assert georgia["query"]["location"]["kind"] == "region"
    assert any(a["kind"] == "country" for a in georgia["query"]["location"]["alternatives"])
    for alternative in alternatives + georgia["query"]["location"]["alternatives"]:
        response, chosen = search(client, "near=" + quote(alternative["near"]))
        assert response.status_code == 200, (alternative, chosen)
        assert (chosen["query"]["location"]["label"], chosen["query"]["location"]["kind"]) == (alternative["label"], alternative["kind"])


def test_the_page_offers_the_other_readings_as_links(client):
    html = client.get("/?near=London&radius_km=50", headers={"Accept-Language": "en-CA"}).get_data(as_text=True)
    did_you_mean = re.search(r'<p class="did-you-mean">.*?</p>', html, re.S).group(0)
    link = re.search(r'<a href="([^"]+)">London, United Kingdom</a>', did_you_mean)
    assert "Did you mean" in did_you_mean and link, did_you_mean
    chosen = client.get(unescape(link.group(1)), headers={"Accept-Language": "en-CA"}).get_data(as_text=True)
    assert "London UK Office" in chosen and "London Ontario Office" not in chosen


def test_a_region_without_partners_is_an_empty_result_with_ways_out(client):
    response, body = search(client, "near=California")
    assert response.status_code == 200 and body["total"] == 0 and body["query"]["location"]["region"] == "US-CA"
    html = client.get("/?near=California").get_data(as_text=True)
    assert "No partners found" in html and "in or serving California" in html
    widening = re.search(r'<a href="([^"]+)">Search all of United States</a>', html)
    assert widening and "near=United+States" in widening.group(1)
    # a region of a country with no partners at all: still a result, not an error
    response, body = search(client, "near=Queensland")
    assert response.status_code == 200 and body["total"] == 0 and body["query"]["location"]["kind"] == "region"


def test_an_unknown_place_in_a_known_country_names_the_country(client):
    response, body = search(client, "near=Foo, USA")
    error = body["error"]
    assert response.status_code == 400 and error["code"] == "unknown_place" and error["field"] == "near"
    assert "in United States" in error["message"] and error["country"] == "US"
    assert error["suggestions"], error
    html = client.get("/?near=Foo, USA").get_data(as_text=True)
    assert "in United States" in html and "Did you mean" in html


def test_a_reading_that_reads_the_same_is_not_offered(client):
    _, body = search(client, "near=München&radius_km=50")
    location = body["query"]["location"]
    assert location["label"] not in [a["label"] for a in location["alternatives"]]


def test_a_profile_names_the_regions_served(client):
    html = client.get("/partners/oklahoma-serves-texas").get_data(as_text=True)
    assert re.search(r"<dt>Also serves regions</dt><dd>Texas, United States</dd>", html), html


def test_the_page_says_the_distance_does_not_apply_to_an_area(client):
    """The radius select stays on the form; for a region or a country the page says it does not apply."""
    region = client.get("/?near=California").get_data(as_text=True)
    note = re.search(r'<p class="area-note">(.*?)</p>', region, re.S)
    assert note and "not to a whole region" in note.group(1) and "California" in note.group(1), note
    country = client.get("/?near=Germany").get_data(as_text=True)
    assert re.search(r'<p class="area-note">[^<]*not to a whole country\.</p>', country)
    city = client.get("/?near=London&radius_km=50").get_data(as_text=True)
    assert 'class="area-note"' not in city
