"""An office's address lines say each of street, city, region, postal code and country once."""
from __future__ import annotations

import pytest

from locator.addresses import address_lines, split_address, street_address
from locator.config import Config
from locator.gazetteer import get_gazetteer


@pytest.fixture(scope="module")
def places():
    return get_gazetteer(Config().gazetteer_min_population)


def test_native_script_city_and_country_are_not_a_street(places):
    office = {"address": "פתח תקווה, ישראל", "city": "Petaẖ Tiqva", "country": "IL"}
    assert street_address(office, places) is None
    assert address_lines(office, places) == ["Petaẖ Tiqva", "Israel"]


def test_state_code_is_the_region(places):
    office = {"address": "Rockville/MD, USA", "city": "Rockville", "country": "US"}
    assert split_address(office, places) == (None, "MD")
    assert address_lines({**office, "region": "MD"}, places) == ["Rockville, MD", "United States"]


def test_street_stays_and_keeps_its_own_separators(places):
    office = {"address": "Unter den Linden 1, 10117 Berlin, Deutschland", "city": "Berlin", "postal_code": "10117",
              "country": "DE"}
    assert address_lines(office, places) == ["Unter den Linden 1", "10117 Berlin", "Germany"]
    assert street_address({"address": "Unit 3/45 Smith St, Sydney", "city": "Sydney", "country": "AU"}) == "Unit 3/45 Smith St"


def test_without_the_gazetteer_plain_repeats_still_go():
    office = {"address": "Rockville/MD, USA, Rockville, United States", "city": "Rockville", "region": "MD", "country": "US"}
    assert street_address(office) == "USA"  # only the gazetteer knows every name of a country
    assert street_address({**office, "address": "Rockville/MD, US"}) is None
    assert street_address({"address": "Hauptstraße 5", "city": "Paris", "country": "FR"}) == "Hauptstraße 5"


def test_a_street_named_like_another_town_stays(places):
    office = {"address": "Paris, Hauptstraße 5", "city": "Berlin", "country": "DE"}
    assert street_address(office, places) == "Paris, Hauptstraße 5"
    assert address_lines({}, places) == []
