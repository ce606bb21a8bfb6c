"""The public pages over a real store and index: search page (no JS), profiles, widget docs, embed."""
from __future__ import annotations

import html
import json
import re

import pytest

from locator.search.query import SearchQuery
from tests.web.pagedata import HEBREW, PAYLOADS, UNPUBLISHED_NAME
from tests.web.webapp import pages_app


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("pages")) as (app, slugs):
        yield app, slugs


@pytest.fixture
def client(site):
    return site[0].test_client()


def api_search(app, **params):
    svc = app.extensions["locator"]
    return svc.locator.search(SearchQuery.from_params(params, svc.config))


def result_names(body: str) -> list[str]:
    return [html.unescape(n) for n in re.findall(r'<li class="result"[^>]*data-name="([^"]*)"', body)]


def test_search_form_is_a_get_form_carrying_the_state(client):
    body = client.get("/?near=Berlin&radius_km=250&language=de&sort=distance").get_data(as_text=True)
    assert re.search(r'<form id="search-form"[^>]*method="get"[^>]*action="/"', body)
    assert 'value="Berlin"' in body
    assert re.search(r'<option value="250" selected>', body)
    assert re.search(r'id="language-de"[^>]*checked', body)
    assert re.search(r'<option value="distance" selected>', body)


def test_search_near_a_place_lists_nearest_first_with_explanation(site, client):
    app, _ = site
    body = client.get("/?near=Berlin&radius_km=100&sort=distance").get_data(as_text=True)
    expected = api_search(app, near="Berlin", radius_km="100", sort="distance")
    assert expected.total > 5
    assert result_names(body) == [item.name for item in expected.results]
    assert f"{expected.total} partners" in body
    acme = next(item for item in expected.results if item.name == "Acme Berlin DevOps")
    assert re.search(r'<p class="explain">(in Berlin|[\d.]+ km from Berlin) · Select partner</p>', body)
    assert f"{acme.completeness}% complete" not in body  # customers see the profile's facts, not its percentage


def test_facet_counts_are_shown_and_change_with_filters(site, client):
    app, _ = site
    for params in ({"near": "Berlin", "radius_km": "1000"}, {"near": "Berlin", "radius_km": "1000", "service": "kubernetes"}):
        body = client.get("/", query_string=params).get_data(as_text=True)
        facets = api_search(app, facets="all", **params).facets
        for code, count in facets["language"].items():
            assert re.search(rf'for="language-{code}">[^<]*<span class="count"[^>]*>\({count}\)', body), code
    all_de = api_search(app, near="Berlin", radius_km="1000", facets="language").facets["language"]["de"]
    kube_de = api_search(app, near="Berlin", radius_km="1000", service="kubernetes", facets="language").facets["language"]["de"]
    assert all_de != kube_de


def test_paging(client):
    first = client.get("/?near=Berlin&radius_km=100&per_page=5&sort=name").get_data(as_text=True)
    second = client.get("/?near=Berlin&radius_km=100&per_page=5&sort=name&page=2").get_data(as_text=True)
    assert len(result_names(first)) == 5 and len(result_names(second)) == 5
    assert not set(result_names(first)) & set(result_names(second))
    assert 'rel="next"' in first and "page=2" in first
    assert 'aria-current="page">2<' in second and 'rel="prev"' in second


def test_empty_result_explains_and_offers_wider_searches(client):
    response = client.get("/?near=Paris&radius_km=10&language=de&include_remote=false")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No partners found" in body
    assert "within 10 km of Paris" in body and "language German" in body
    block = re.search(r'<ul class="widenings">(.*?)</ul>', body, re.S).group(1)
    offers = {html.unescape(text): html.unescape(url) for url, text in re.findall(r'<a href="([^"]*)">([^<]*)</a>', block)}
    assert "Drop the filter Language: German" in offers
    assert "Include partners that serve the area remotely" in offers
    radius = [text for text in offers if text.startswith("Widen the radius to")]
    assert radius == ["Widen the radius to 1,000 km"]  # German speakers: Munich is 685 km away, past the 500 km step
    for text, url in offers.items():
        assert "No partners found" not in client.get(url).get_data(as_text=True), text


def test_unknown_place_is_explained_in_the_page(client):
    response = client.get("/?near=Qwzxvbnm+Nowhere")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'role="alert"' in body and "Qwzxvbnm" in body
    assert '<form id="search-form"' in body


def test_bad_parameter_names_the_problem(client):
    response = client.get("/?near=Berlin&radius_km=lots")
    assert response.status_code == 400
    assert "radius_km must be a number" in response.get_data(as_text=True)


def test_typed_place_wins_over_coordinates(client):
    response = client.get("/?near=Paris&lat=52.52&lon=13.40")
    assert response.status_code == 200
    assert "Paris Conseil" in result_names(response.get_data(as_text=True))[:1]


def test_profile_page(site, client):
    _, slugs = site
    body = client.get(f"/partners/{slugs['acme']}").get_data(as_text=True)
    assert '<h1 id="partner-name" dir="auto">Acme Berlin DevOps</h1>' in body
    for text in ("German", "English", "Migration", "Kubernetes", "Enterprise", "Kubernetes Certified Service Provider",
                 "Global systems integrator", "https://acme.example", "hello@acme.example", "Unter den Linden 1"):
        assert text in body, text
    assert 'data-lat="52.52"' in body
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))
    assert data["@type"] == "Organization" and data["name"] == "Acme Berlin DevOps"
    assert data["address"][0]["addressCountry"] == "DE"


def test_profile_shows_right_to_left_text_as_written(site, client):
    _, slugs = site
    body = client.get(f"/partners/{slugs['hebrew']}").get_data(as_text=True)
    assert f'<div class="description" dir="auto">{HEBREW}</div>' in body


def test_unpublished_and_unknown_partners_are_404(site, client):
    _, slugs = site
    for slug in (slugs["unpublished"], "no-such-partner"):
        response = client.get(f"/partners/{slug}")
        assert response.status_code == 404
        assert UNPUBLISHED_NAME not in response.get_data(as_text=True)


def test_payloads_are_escaped_in_pages_and_json_ld(site, client):
    _, slugs = site
    pages = [client.get("/?near=Hamburg&radius_km=50").get_data(as_text=True)]
    pages += [client.get(f"/partners/{slugs[f'xss{n}']}").get_data(as_text=True) for n in range(len(PAYLOADS))]
    for body in pages:
        assert "window.__xss" in body  # the text is there ...
        for payload in PAYLOADS:
            if "<" in payload:
                assert payload not in body  # ... but never as markup
        assert "onerror=\"window" not in body
    for n, payload in enumerate(PAYLOADS):
        body = pages[n + 1]
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
        assert "<" not in block
        assert json.loads(block)["description"] == payload
        assert 'href="javascript:' not in body


def test_widget_docs_write_the_snippet(client):
    body = client.get("/widget?near=Paris&language=fr&per-page=3&lock=language&map=true").get_data(as_text=True)
    snippet = html.unescape(re.search(r'<code id="script-snippet"[^>]*>(.*?)</code>', body, re.S).group(1))
    assert snippet.startswith('<script src="http://localhost/widget.js" async></script>')
    assert '<partner-locator near="Paris" language="fr" per-page="3" lock="language" map="true"></partner-locator>' in snippet
    iframe = html.unescape(re.search(r'<code id="iframe-snippet">(.*?)</code>', body, re.S).group(1))
    assert 'src="http://localhost/embed?near=Paris&amp;language=fr&amp;per_page=3&amp;lock=language&amp;map=true"' in iframe
    assert '<partner-locator near="Paris" language="fr"' in body  # the live example


def test_widget_script_carries_the_tile_config(client):
    response = client.get("/widget.js")
    assert response.mimetype == "text/javascript"
    text = response.get_data(as_text=True)
    assert '"tileUrl": "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"' in text
    assert 'customElements.get("partner-locator")' in text


def test_embed_renders_a_search_with_profiles_opening_outside_the_frame(client):
    body = client.get("/embed?near=Berlin&per_page=3&map=true").get_data(as_text=True)
    assert len(result_names(body)) == 3
    assert 'target="_blank" rel="noopener"' in body
    assert '<input type="hidden" name="map" value="true">' in body
    assert "embed.js" in body


def test_search_screen_keeps_the_site_navigation_and_one_heading(client):
    body = client.get("/?near=Berlin").get_data(as_text=True)
    assert body.count("<h1") == 1 and "Find a partner</h1>" in body
    assert 'href="/widget"' in body and 'href="/sellers"' in body  # the site header's navigation


def test_country_search_says_in_which_country_not_a_distance_from_its_centre(client):
    body = client.get("/?near=Deutschland").get_data(as_text=True)
    explains = re.findall(r'<p class="explain">([^<]*)</p>', body)
    assert explains and all(re.match(r"(office in (.+, )?Germany|serves Germany remotely( from [^·]+)?) · ", e) for e in explains)
    assert not any(" km " in e for e in explains)
