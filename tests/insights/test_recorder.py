"""The recorder: the bounded buffer drops its oldest (counted), the batch writer, and what is kept of a search
(no coordinates finer than a town, no typed place, no emails or long digit runs) on both backends."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from locator.gazetteer import get_gazetteer
from locator.geocoding.location import Location
from locator.insights.recorder import ProfileSeen, Recorder, SearchSeen, clean_text, coarsen
from locator.models import ResultEvent, SearchRecord


@pytest.fixture(scope="module")
def places():
    return get_gazetteer()


def seen(search_id: str, location: Location | None = None, q: str = "", total: int = 3) -> SearchSeen:
    return SearchSeen(search_id, time.time(), "page", location, q, ("language=de", "service=kubernetes"), total,
                      ((1, "p-1"), (2, "p-2")))


def test_the_buffer_keeps_the_newest_and_counts_what_it_dropped(fresh_db, places):
    rec = Recorder(fresh_db, lambda: places, capacity=3, flush_s=3600, batch=1000)
    for n in range(5):
        rec.record(seen(f"{n:012x}"))
    assert rec.pending() == 3 and rec.dropped == 2
    assert rec.flush() == 3
    with fresh_db.session() as s:
        assert sorted(s.scalars(select(SearchRecord.search_id))) == [f"{n:012x}" for n in (2, 3, 4)]
        assert s.scalar(select(ResultEvent).where(ResultEvent.position == 2)).partner_ref == "p-2"
    rec.close()


def test_the_writer_thread_writes_a_full_batch_without_a_flush_call(fresh_db, places):
    rec = Recorder(fresh_db, lambda: places, capacity=100, flush_s=3600, batch=2)
    rec.record(seen("aaaaaaaaaaaa"))
    rec.record(ProfileSeen(time.time(), "p-2", "aaaaaaaaaaaa", 2))
    deadline = time.monotonic() + 20
    while rec.written < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rec.written == 2
    with fresh_db.session() as s:
        view = s.scalar(select(ResultEvent).where(ResultEvent.kind == "view"))
        assert (view.search_id, view.position, view.partner_ref) == ("aaaaaaaaaaaa", 2, "p-2")
    rec.close()


def test_a_point_search_is_kept_as_a_town_or_region_never_its_coordinates(fresh_db, places):
    point = Location(52.5301, 13.4102, "52.5301, 13.4102", "coordinates", "DE", "point", region="DE-BE")
    nowhere = Location(47.0123, -30.456, "47.0123, -30.456", "coordinates", None, "point")
    rec = Recorder(fresh_db, lambda: places, capacity=10, flush_s=3600, batch=100)
    rec.record(seen("bbbbbbbbbbbb", point))
    rec.record(seen("cccccccccccc", nowhere))
    rec.flush()
    with fresh_db.session() as s:
        row = s.scalar(select(SearchRecord).where(SearchRecord.search_id == "bbbbbbbbbbbb"))
        assert (row.place_kind, row.region_code, row.country) == ("city", "DE-BE", "DE")
        assert row.place.startswith("Berlin")
        empty = s.scalar(select(SearchRecord).where(SearchRecord.search_id == "cccccccccccc"))
        assert (empty.place_kind, empty.place, empty.region_code, empty.country) == (None, None, None, None)
        everything = " ".join(str(getattr(r, c.name)) for r in (row, empty) for c in SearchRecord.__table__.columns)
    assert "52.53" not in everything and "13.41" not in everything and "47.01" not in everything
    rec.close()


def test_a_postal_code_is_coarsened_to_its_town(places):
    postal = Location(48.1351, 11.582, "80331 München", "postal", "DE", "postal_code", region="DE-BY")
    kind, label, region, country = coarsen(postal, places)
    assert (kind, region, country) == ("city", "DE-BY", "DE") and "80331" not in label


def test_a_place_typed_for_an_online_geocoder_is_not_kept_as_typed(places):
    street = Location(51.5034, -0.1276, "10 Downing Street, Westminster, London", "nominatim", "GB", "city")
    kind, label, _, _ = coarsen(street, places)
    assert kind == "city" and "Downing" not in label


def test_region_and_country_searches_keep_their_area(places):
    assert coarsen(places.region("US-TX"), places)[0:3:2] == ("region", "US-TX")
    assert coarsen(places.country_centre("FR"), places) == ("country", "France", None, "FR")


def test_the_text_loses_emails_and_digit_runs_and_is_capped():
    assert clean_text("Call me  +49 30 1234567 or jane.doe@example.com about GitLab") == "call me or about gitlab"
    assert clean_text("kubernetes 2024") == "kubernetes 2024"
    assert len(clean_text("x" * 500)) == 80
