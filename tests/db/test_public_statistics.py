"""Unpublished partners leave no trace in public searches: document frequencies, idf, the rare-word
typo threshold, fuzzy expansions, facet counts and suggestions count only published partners,
whether the unpublished ones arrive as a delta over the read model or through a full reindex."""
from __future__ import annotations

import pytest

from locator.config import Config
from locator.models import Partner
from locator.search.query import FACETS, SearchQuery
from locator.services import Services
from locator.store import apply_partner
from tests.factories import office, partner_data

PUBLIC_QUERIES = ("hidden", "hiden", "hidden value", "zorblat")


def services_on(db, index_dir) -> Services:
    url = db.engine.url.render_as_string(hide_password=False)
    return Services(Config.from_env({"database_url": url, "index_dir": str(index_dir), "index_poll_s": 0.0}), db)


def add(db, *records: dict) -> None:
    with db.session() as session:
        for record in records:
            apply_partner(session, record)


def hits(services: Services, audience: str = "public", **query) -> list[tuple[str, float, float | None]]:
    """(id, score, raw text score) of every result, in order."""
    results = services.locator.search(SearchQuery(per_page=100, explain=True, audience=audience, **query)).results
    return [(r.id, r.score, r.explain["text"]) for r in results]


def public_view(services: Services) -> dict:
    """Everything a public search shows for the scenario's queries (text, facets, suggestions)."""
    view: dict = {q: hits(services, q=q) for q in PUBLIC_QUERIES}
    for q in ("", "hidden"):
        view["facets", q] = services.locator.search(SearchQuery(q=q, near="Berlin", facets=FACETS)).facets
    for prefix in ("hid", "gem", "z"):
        view["suggest", prefix] = services.locator.suggest(prefix)
    return view


def published_world(db) -> None:
    add(
        db,
        partner_data(id="GEM", name="Gem Consulting", description="We find hidden value in your pipelines.",
                     languages=["de"], services=["migration"]),
        partner_data(id="ZYR", name="Zyrblat Systems", description="Build engineering.", languages=["en"],
                     offices=[office(48.137, 11.575, city="München")]),
    )


def unpublished_crowd(n: int = 40) -> list[dict]:
    """Unpublished partners full of the public queries' words, their typos and their neighbours."""
    neighbours = [f"z{c}rblat" for c in "abcdefghijklmnpqrstuvwx"] + [f"zo{c}blat" for c in "abcdefghijklmnopqstuvwxyz"]
    return [
        partner_data(id=f"HID{i:02d}", name=f"Hidden Gems {i}", published=False, languages=["fr", "de", "ja"],
                     services=["training", "migration"], segments=["enterprise"], track="select",
                     description=f"Hidden costs, hiden fees, hidden value. {' '.join(neighbours)}",
                     offices=[office(52.5 + i / 1000, 13.4, city="Berlin")])
        for i in range(n)
    ]


@pytest.mark.parametrize("arrival", ["delta", "reindex"])
def test_unpublished_partners_change_nothing_a_public_search_shows(fresh_db, tmp_path, arrival):
    published_world(fresh_db)
    services = services_on(fresh_db, tmp_path / "index")
    before = public_view(services)
    assert [h[0] for h in before["hidden"]] == ["GEM"]
    assert [h[0] for h in before["hiden"]] == ["GEM"]  # typo tolerance: a rare word
    assert [h[0] for h in before["zorblat"]] == ["ZYR"]

    add(fresh_db, *unpublished_crowd())
    if arrival == "reindex":
        services.locator.reindex()
    else:
        services.locator.refresh()
    assert len(hits(services, audience="seller", q="hidden")) == 41  # the model holds them

    after = public_view(services)
    # same results, same scores, same raw text scores, facets and suggestions
    assert [key for key in before if after[key] != before[key]] == []


def test_publishing_and_unpublishing_through_deltas_keep_public_counts_right(fresh_db, tmp_path):
    """Three published partners say "hiden": a common word, so no typo tolerance for it. Once two of
    them are unpublished it is rare for the public, and q=hiden finds "hidden" too."""
    add(fresh_db, partner_data(id="GEM", name="Gem Consulting", description="We find hidden value."),
        *(partner_data(id=f"TYPO{i}", name=f"Typo {i}", description="No hiden fees.") for i in range(3)))
    services = services_on(fresh_db, tmp_path / "index")
    assert sorted(h[0] for h in hits(services, q="hiden")) == ["TYPO0", "TYPO1", "TYPO2"]

    with fresh_db.session() as session:
        for ext in ("TYPO1", "TYPO2"):
            partner = session.query(Partner).filter_by(external_id=ext).one()
            apply_partner(session, partner_data(id=ext, name=partner.name, description="No hiden fees.",
                                                published=False), existing=partner)
    services.locator.refresh()
    delta = sorted(h[0] for h in hits(services, q="hiden"))
    assert delta == ["GEM", "TYPO0"]
    services.locator.reindex()
    assert sorted(h[0] for h in hits(services, q="hiden")) == delta

    with fresh_db.session() as session:  # published again: common again
        for ext in ("TYPO1", "TYPO2"):
            partner = session.query(Partner).filter_by(external_id=ext).one()
            apply_partner(session, partner_data(id=ext, name=partner.name, description="No hiden fees."),
                          existing=partner)
    services.locator.refresh()
    assert sorted(h[0] for h in hits(services, q="hiden")) == ["TYPO0", "TYPO1", "TYPO2"]


def test_sellers_see_every_partner_in_text_facets_and_suggestions(fresh_db, tmp_path):
    published_world(fresh_db)
    add(fresh_db, *unpublished_crowd(5))
    services = services_on(fresh_db, tmp_path / "index")
    crowd = [f"HID{i:02d}" for i in range(5)]
    assert sorted(h[0] for h in hits(services, audience="seller", q="hiden")) == crowd  # common for sellers
    assert sorted(h[0] for h in hits(services, audience="seller", q="hidden")) == ["GEM", *crowd]
    facets = services.locator.search(SearchQuery(near="Berlin", facets=FACETS, audience="seller")).facets
    assert facets["language"]["fr"] == 5
    assert services.locator.suggest("hidden", audience="seller")[0]["label"] == "Hidden Gems 0"
    assert [s for s in services.locator.suggest("hidden") if s["kind"] == "partner"] == []
