"""A result's `display` (facts, profile line, explanation) follows the partner's edits through the store: the
display's caches are keyed by what is shown, never by the partner, so no stale fact outlives a change."""
from __future__ import annotations

import pytest

from locator.display import result_display, results_display
from locator.store import apply_partner
from tests.factories import partner_data

SEARCH = "/api/v1/search?near=Berlin&language={}&service={}"


@pytest.fixture
def app(fresh_db, make_app):
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="E1", name="Edited Partner", languages=["de", "en"], services=["kubernetes"],
                                            website="https://e1.example", track="open"))
    return make_app(fresh_db)


def display_of(client, language: str, service: str) -> tuple[dict, str]:
    response = client.get(SEARCH.format(language, service))
    assert response.status_code == 200
    (item,) = response.get_json()["results"]
    return item["display"], response.headers["ETag"]


def test_an_edit_through_the_store_changes_the_facts_shown(app, fresh_db):
    client = app.test_client()
    before, etag = display_of(client, "de", "kubernetes")
    assert before["facts"] == [{"label": "Languages", "value": "German, English"}, {"label": "Services", "value": "Kubernetes"}]
    assert before["profile"] == "Website · 1 service · 2 languages · 1 office"
    assert before["explanation"].startswith("Offers Kubernetes · ") and before["explanation"].endswith(" · German · Open partner")
    assert before["track"] == "Open"

    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="E1", name="Edited Partner", languages=["fr"], services=["migration", "training"],
                                            website=None, logo_url="https://e1.example/logo.png", track="select"))
    app.extensions["locator"].locator.keeper.refresh()

    assert client.get(SEARCH.format("de", "kubernetes")).get_json()["results"] == []  # the search follows the edit
    after, new_etag = display_of(client, "fr", "migration")
    assert after["facts"] == [{"label": "Languages", "value": "French"}, {"label": "Services", "value": "Migration, Training"}]
    assert after["profile"] == "Logo · 2 services · 1 language · 1 office"
    assert after["explanation"].startswith("Offers Migration · ") and after["explanation"].endswith(" · French · Select partner")
    assert after["track"] == "Select" and new_etag != etag
    again, _ = display_of(client, "fr", "migration")  # from the caches now
    assert again == after


def test_a_search_displays_its_results_as_each_alone_would(app):
    """The API works out what was asked once per search; each result reads as `result_display` alone says."""
    locator = app.extensions["locator"].locator
    from locator.search.query import SearchQuery

    with app.test_request_context():
        query = SearchQuery.from_params({"near": "Berlin", "service": ["migration", "kubernetes"], "language": "de"},
                                        app.config["LOCATOR"])
        results = locator.search(query)
    assert results.results
    assert results_display(results.results, results.location, results.query) == [
        result_display(item, results.location, results.query) for item in results.results]
