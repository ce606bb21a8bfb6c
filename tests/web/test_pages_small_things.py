"""Issue 8's page details over HTTP: no "None" in seller views, "Back to the search" returns to the
search, filters on an empty result, the place a point is near, the skip link and the folded-form line."""
from __future__ import annotations

import html
import re

import pytest

from tests.web.richpages import rich_pages_app
from tests.web.test_seller import cli, sign_in


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with rich_pages_app(tmp_path_factory.mktemp("small")) as (app, slugs):
        yield app, slugs


@pytest.fixture
def client(site):
    return site[0].test_client()


@pytest.fixture(scope="module")
def seller(site):
    client = site[0].test_client()
    token = cli(site[0], "token", "create", "--role", "seller", "--name", "Sam Seller")
    assert sign_in(client, token).status_code in (302, 303)
    return client


def text(body: str) -> str:  # (spaces folded; a no-break space stays)
    return html.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", body)))


def back_link(body: str) -> str:
    return html.unescape(re.search(r'<p class="breadcrumb"><a href="([^"]*)">‹ Back to the search</a>', body).group(1))


def test_a_missing_contact_phone_is_not_printed(site, seller):
    slug = site[1]["contacts"]
    for url in ("/sellers?q=contact+gaps", f"/sellers/partners/{slug}"):
        body = seller.get(url).get_data(as_text=True)
        shown = text(body)
        assert "Nora No-Phone (CTO) · nora@gaps.example" in shown, url
        assert "Rolf · +49 30 555" in shown, url
        assert "None" not in shown, url


def test_back_to_the_search_returns_to_the_search_visited(site, client, seller):
    slug = site[1]["acme"]
    came_from = "http://localhost/?q=kubernetes&near=Berlin&radius_km=250&language=de&language=en&page=2"
    body = client.get(f"/partners/{slug}", headers={"Referer": came_from}).get_data(as_text=True)
    assert back_link(body) == "/?q=kubernetes&near=Berlin&radius_km=250&language=de&language=en&page=2"
    body = client.get(f"/partners/{slug}", headers={"Referer": "http://localhost/embed?near=Paris&lock=language&map=true"})
    assert back_link(body.get_data(as_text=True)) == "/?near=Paris"  # the embed's own settings stay behind
    for referrer in (None, "http://evil.example/?near=Berlin", "http://localhost/widget?near=Berlin",
                     "http://localhost/?near=Berlin&javascript=alert(1)&facets=all"):
        body = client.get(f"/partners/{slug}", headers={"Referer": referrer} if referrer else {}).get_data(as_text=True)
        assert back_link(body) in ("/", "/?near=Berlin"), referrer
        assert back_link(body) == "/" or referrer.startswith("http://localhost/?"), referrer
    body = seller.get(f"/sellers/partners/{slug}", headers={"Referer": "http://localhost/sellers?near=Berlin&sort=name"})
    assert back_link(body.get_data(as_text=True)) == "/sellers?near=Berlin&sort=name"
    body = seller.get(f"/sellers/partners/{slug}", headers={"Referer": "http://localhost/?near=Paris"})
    assert back_link(body.get_data(as_text=True)) == "/sellers"


def test_an_empty_result_says_once_that_there_is_nothing_to_filter(client):
    body = client.get("/?near=Paris&radius_km=10&q=zzzqqq+kubernetes&include_remote=false").get_data(as_text=True)
    assert "No partners found" in body
    assert "No values in these results" not in body
    assert body.count("Nothing to filter") == 1
    assert '<fieldset class="filter-group"' not in body
    assert "Apply filters" not in body
    assert '<ul class="widenings">' in body  # the one-click ways out stay


def test_a_chosen_filter_stays_offered_on_an_empty_result(client):
    body = client.get("/?near=Paris&radius_km=10&language=ko&include_remote=false").get_data(as_text=True)
    assert "No partners found" in body
    assert re.search(r'id="language-ko"[^>]*checked', body)  # unchecking it is a way out
    assert body.count('<fieldset class="filter-group"') == 1 and "Nothing to filter" not in body


@pytest.mark.parametrize("lat,lon,place", [("48.13700", "11.57500", "Munich, Germany"),
                                           ("39.08400", "-77.15300", "Rockville, MD, United States"),
                                           ("0.00000", "-30.00000", "your location")])
def test_a_point_search_says_the_place(client, lat, lon, place):
    body = client.get(f"/?lat={lat}&lon={lon}").get_data(as_text=True)
    heading = text(re.search(r'<h2 id="results-heading".*?</h2>', body, re.S).group(0)).strip()
    assert heading.endswith(f"near {place}")
    assert f"{lat}, {lon}" not in text(body)
    api = client.get(f"/api/v1/search?lat={lat}&lon={lon}").get_json()
    assert api["query"]["location"]["label"] == f"{lat}, {lon}"  # the API keeps the coordinates


def test_skip_to_results_comes_before_the_filters(client):
    body = client.get("/?near=Berlin").get_data(as_text=True)
    skip = body.index('href="#results-heading">Skip to results</a>')
    assert skip < body.index('<fieldset class="filter-group"')
    assert re.search(r'<h2 id="results-heading"[^>]*tabindex="-1"', body)


def test_the_search_in_one_line_for_phones(client):
    body = client.get("/?q=Kubernetes&near=Berlin&radius_km=100&language=de").get_data(as_text=True)
    line = text(re.search(r'<p class="summary-text".*?</p>', body, re.S).group(0)).strip()
    assert line == "Your search: Kubernetes near Berlin, Germany · 100\u00a0km · 1 filter"
    assert 'data-action="change-search"' in body
    country = client.get("/?near=Deutschland").get_data(as_text=True)
    assert "Partners in Germany</p>" in country
    assert re.search(r'<div class="search-summary" data-swap="summary" data-empty>', client.get("/").get_data(as_text=True))
