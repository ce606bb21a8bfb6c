"""Regions (ISO 3166-2) in the store and the read model, on both backends: offices know their region, partners
serve regions, and an area search is "an office there or serving it" with no radius."""
from __future__ import annotations

import pytest

from locator.geocoding.location import Location
from locator.ingest.importer import import_path
from locator.search import retrieval
from locator.search.query import SearchQuery
from sqlalchemy import select

from locator.models import Partner
from tests.db.ingest_support import write_json
from tests.factories import office, partner_data
from locator.store import apply_partner

TEXAS = Location(31.0, -99.0, "Texas, United States", "region", "US", "region", region="US-TX",
                 bbox=(-106.65, 25.84, -93.51, 36.5))
AUSTIN = Location(30.2672, -97.7431, "Austin, TX, United States", "gazetteer", "US", "city", region="US-TX")
USA = Location(39.8, -98.6, "United States", "country", "US", "country", bbox=(-125.0, 24.5, -66.9, 49.4))
# A square around Texas's centre: a service area that covers the region's point.
AROUND_TEXAS = {"type": "Polygon", "coordinates": [[[-101, 29], [-97, 29], [-97, 33], [-101, 33], [-101, 29]]]}


@pytest.fixture
def locator(fresh_db, make_app):
    with fresh_db.session() as session:
        for data in (
            partner_data(id="AUS", name="Austin Office", offices=[office(30.2672, -97.7431, city="Austin", country="US", region_code="US-TX")]),
            partner_data(id="HOU", name="Houston Office", offices=[office(29.7604, -95.3698, city="Houston", country="US", region_code="US-TX")]),
            partner_data(id="OKC", name="Oklahoma Serves Texas", regions_served=["US-TX"],
                         offices=[office(35.4676, -97.5164, city="Oklahoma City", country="US", region_code="US-OK")]),
            partner_data(id="MTY", name="Monterrey Serves The US", countries_served=["US"],
                         offices=[office(25.6866, -100.3161, city="Monterrey", country="MX", region_code="MX-NLE")]),
            partner_data(id="TOR", name="Toronto Serves Texas", regions_served=["US-TX"],
                         offices=[office(43.6532, -79.3832, city="Toronto", country="CA", region_code="CA-ON")]),
            partner_data(id="PAR", name="Paris Area Partner", service_area=AROUND_TEXAS,
                         offices=[office(48.857, 2.352, city="Paris", country="FR", region_code="FR-IDF")]),
            partner_data(id="MUC", name="Munich Office", offices=[office(48.137, 11.575, city="München", region_code="DE-BY")]),
        ):
            apply_partner(session, data)
    return make_app(fresh_db).extensions["locator"].locator


def names(model, mask) -> set[str]:
    return {model.records.names[row] for row in mask.nonzero()[0]}


def test_a_region_is_its_offices_plus_those_serving_it_with_no_radius(locator):
    model = locator.model()
    inside = retrieval.offices_in(model, TEXAS)
    assert names(model, inside) == {"Austin Office", "Houston Office"}
    assert names(model, retrieval.serving(model, TEXAS) & ~inside) == {
        "Oklahoma Serves Texas", "Toronto Serves Texas",  # regions served
        "Monterrey Serves The US",  # its country served
        "Paris Area Partner",  # a service area over the region's point
    }
    assert locator.radius(SearchQuery(near="Texas", radius_km=5), TEXAS) is None
    assert locator.radius(SearchQuery(near="Austin", radius_km=5), AUSTIN) == 5


def test_a_place_in_a_region_is_served_by_those_serving_the_region(locator):
    model = locator.model()
    served = names(model, retrieval.serving(model, AUSTIN))
    assert {"Oklahoma Serves Texas", "Toronto Serves Texas", "Monterrey Serves The US"} <= served
    assert "Munich Office" not in served


def test_a_country_is_served_by_those_serving_one_of_its_regions(locator):
    model = locator.model()
    inside = retrieval.offices_in(model, USA)
    assert names(model, inside) == {"Austin Office", "Houston Office", "Oklahoma Serves Texas"}
    assert "Toronto Serves Texas" in names(model, retrieval.serving(model, USA) & ~inside)
    # the country filter counts a region served as its country served
    assert "Toronto Serves Texas" in names(model, model.csr["country"].rows_with_any(["US"], model.size))


def test_import_validates_regions_and_keeps_those_given(fresh_db, tmp_path):
    records = [
        partner_data(id="OK", name="Serves Bavaria", regions_served=["de-by", "DE-BY", "AT-9"],
                     offices=[office(48.2082, 16.3738, city="Wien", country="AT", region_code="at-9")]),
        partner_data(id="BAD", name="Bad Regions", regions_served=["DE-XX"]),
        partner_data(id="ELSEWHERE", name="Region Elsewhere", offices=[office(region_code="US-TX")]),
    ]
    with fresh_db.session() as session:
        report = import_path(session, write_json(tmp_path / "in.json", records), geocoder=None, partial=True)
    errors = [(p.partner_id, p.field, p.reason) for p in report.errors]
    assert any(e[0] == "BAD" and e[1] == "regions_served[0]" and "DE-XX" in e[2] for e in errors), errors
    assert any(e[0] == "ELSEWHERE" and e[1].startswith("offices[0]") and "US-TX" in e[2] for e in errors), errors
    with fresh_db.session() as session:
        partner = session.scalar(select(Partner).where(Partner.external_id == "OK"))
        assert partner.regions_served == ["DE-BY", "AT-9"] and partner.offices[0].region_code == "AT-9"


def test_reindex_gives_offices_with_a_point_and_no_region_theirs(fresh_db, make_app):
    """A store from before offices knew their region (migration 0004 adds the column empty) is filled in by
    `locator reindex`, and its offices are then found by region."""
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="OLD", name="Old Austin Office",
                                            offices=[office(30.2672, -97.7431, city="Austin", country="US"), office(lat=None, lon=None)]))
    locator = make_app(fresh_db).extensions["locator"].locator
    assert not retrieval.offices_in(locator.model(), TEXAS).any()
    locator.reindex()
    with fresh_db.session() as session:
        offices = session.scalar(select(Partner).where(Partner.external_id == "OLD")).offices
        assert [o.region_code for o in offices] == ["US-TX", None]  # only an office with a point has a region
    assert names(locator.model(), retrieval.offices_in(locator.model(), TEXAS)) == {"Old Austin Office"}


def test_import_derives_an_offices_region_from_its_place(fresh_db, tmp_path):
    from locator.config import Config
    from locator.geocoding import geocoder_for

    records = [partner_data(id="GEO", name="Derived Regions", offices=[
        office(48.137, 11.575, city="München"),  # a point: the region it lies in
        office(lat=None, lon=None, city="Austin", region="TX", country="US"),  # geocoded: its place's region
        office(lat=None, lon=None, city=None, country="FR"),  # only a country: no region
    ])]
    with fresh_db.session() as session:
        report = import_path(session, write_json(tmp_path / "in.json", records), geocoder=geocoder_for(Config()))
        assert not report.errors, report.errors
        offices = session.scalar(select(Partner).where(Partner.external_id == "GEO")).offices
        assert [o.region_code for o in offices] == ["DE-BY", "US-TX", None]
