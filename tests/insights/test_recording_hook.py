"""The one hook: public searches on the API, the page and the embed are recorded (the page's result links
carry ?from=<search>.<position>, and the profile view records it); a seller's search is not."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from locator.models import ResultEvent, SearchRecord
from tests.web.portal_support import portal_site


@pytest.fixture
def site(tmp_path, make_app, smtp_server):
    return portal_site(tmp_path, make_app, smtp_server)


def stored(app, model):
    app.extensions["insights"].flush()
    with app.extensions["locator"].db.session() as db:
        return list(db.scalars(select(model).order_by(model.id)))


def test_public_searches_are_recorded_once_each_with_their_surface(site):
    app, _ = site
    client = app.test_client()
    assert client.get("/api/v1/search?near=Berlin&service=kubernetes&q=acme%20jane@example.com").status_code == 200
    assert client.get("/?near=Berlin&language=de").status_code == 200
    assert client.get("/embed?near=Nowhereville%20Zzyzx").status_code in (200, 400)
    assert client.get("/embed?q=nothingmatchesthis").status_code == 200
    records = stored(app, SearchRecord)
    assert [r.surface for r in records] == ["api", "page", "embed"]
    api = records[0]
    assert (api.place_kind, api.region_code, api.country) == ("city", "DE-BE", "DE")
    assert api.filters == "service=kubernetes" and api.q == "acme" and api.total > 0
    assert records[2].total == 0 and records[2].q == "nothingmatchesthis"
    shown = [e for e in stored(app, ResultEvent) if e.search_id == api.search_id]
    assert [e.position for e in shown] == list(range(1, len(shown) + 1)) and len(shown) == min(api.total, 20)


def test_a_result_link_carries_its_search_and_position_into_the_profile_view(site):
    app, slugs = site
    client = app.test_client()
    page = client.get("/?near=Berlin").get_data(as_text=True)
    links = re.findall(r'href="(/partners/[^"?]+)\?from=([0-9a-f]{12})\.(\d+)"', page)
    assert links, "no result link carries ?from="
    path, search_id, position = links[1]
    assert client.get(f"{path}?from={search_id}.{position}").status_code == 200
    assert client.get(f"{path}?from=junk").status_code == 200
    views = [e for e in stored(app, ResultEvent) if e.kind == "view"]
    assert [(v.search_id, v.position) for v in views] == [(search_id, int(position)), (None, None)]
    assert stored(app, SearchRecord)[0].search_id == search_id


def test_a_sellers_search_is_not_recorded(site):
    app, _ = site
    from locator.auth import create_token

    with app.extensions["locator"].db.session() as db:
        token = create_token(db, "seller")
    client = app.test_client()
    assert client.get("/api/v1/search?near=Berlin", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert stored(app, SearchRecord) == []
