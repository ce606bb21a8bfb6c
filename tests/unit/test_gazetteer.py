"""The offline gazetteer on real GeoNames data: reseller addresses, scripts, accents, ambiguity."""
from __future__ import annotations

import math

import pytest
import yaml

from locator.config import Config
from locator.gazetteer import fold, get_gazetteer, split_parts
from locator.geocoding import geocoder_for
from tests.conftest import FIXTURES

# Where the 18 addresses of GitLab's 2016 resellers really are (city centres), and their country.
RESELLER_CITIES = {
    "서울, 대한민국": (37.5665, 126.9780, "KR"),
    "Burbank/CA, USA": (34.1808, -118.3090, "US"),
    "פתח תקווה, ישראל": (32.0840, 34.8878, "IL"),
    "Rockville/MD, USA": (39.0840, -77.1528, "US"),
    "Johannesburg, South Africa": (-26.2041, 28.0473, "ZA"),
    "Cape Town, South Africa": (-33.9249, 18.4241, "ZA"),
    "Bengaluru/KA, India": (12.9716, 77.5946, "IN"),
    "Gurugram/HR, India": (28.4595, 77.0266, "IN"),
    "Mumbai, MH, India": (19.0760, 72.8777, "IN"),
    "Singapore": (1.3521, 103.8198, "SG"),
    "Wrocław, Polska": (51.1079, 17.0385, "PL"),
    "Berlin, Deutschland": (52.5200, 13.4050, "DE"),
    "São Paulo/SP, Brasil": (-23.5505, -46.6333, "BR"),
    "Brasília/DF, Brasil": (-15.7939, -47.8828, "BR"),
    "Москва, Россия": (55.7558, 37.6173, "RU"),
    "上海，中国": (31.2304, 121.4737, "CN"),
    "Denver/CO, USA": (39.7392, -104.9903, "US"),
    "Toronto/ON, Canada": (43.6532, -79.3832, "CA"),
}

# (text, real latitude, real longitude, country) of places written with and without accents, in native scripts.
PLACES = [
    ("München", 48.1351, 11.5820, "DE"),
    ("Munchen", 48.1351, 11.5820, "DE"),
    ("Muenchen", 48.1351, 11.5820, "DE"),
    ("Munich", 48.1351, 11.5820, "DE"),
    ("Zürich", 47.3769, 8.5417, "CH"),
    ("zurich", 47.3769, 8.5417, "CH"),
    ("São Paulo", -23.5505, -46.6333, "BR"),
    ("Sao Paulo", -23.5505, -46.6333, "BR"),
    ("Kraków", 50.0647, 19.9450, "PL"),
    ("Krakow, Poland", 50.0647, 19.9450, "PL"),
    ("Москва", 55.7558, 37.6173, "RU"),
    ("東京", 35.6762, 139.6503, "JP"),
    ("東京都", 35.6762, 139.6503, "JP"),
    ("Αθήνα", 37.9838, 23.7275, "GR"),
    ("Αθηνα, Ελλάδα", 37.9838, 23.7275, "GR"),
    ("Istanbul", 41.0082, 28.9784, "TR"),
    ("İstanbul, Türkiye", 41.0082, 28.9784, "TR"),
    ("Łódź", 51.7592, 19.4560, "PL"),
    ("Lodz", 51.7592, 19.4560, "PL"),
    ("Malmö, Sverige", 55.6050, 13.0038, "SE"),
    ("Reykjavík", 64.1466, -21.9426, "IS"),
    ("서울", 37.5665, 126.9780, "KR"),
    ("北京", 39.9042, 116.4074, "CN"),
    ("القاهرة", 30.0444, 31.2357, "EG"),
    ("10115 Berlin, Germany", 52.5200, 13.4050, "DE"),
    ("Unter den Linden 1, 10117 Berlin, Deutschland", 52.5200, 13.4050, "DE"),
]

COUNTRY_NAMES = {
    "Deutschland": "DE", "Germany": "DE", "Allemagne": "DE", "Niemcy": "DE", "DE": "DE", "deu": "DE",
    "USA": "US", "United States": "US", "Estados Unidos": "US",
    "United Kingdom": "GB", "UK": "GB", "Royaume-Uni": "GB",
    "대한민국": "KR", "South Korea": "KR", "Россия": "RU", "中国": "CN", "Brasil": "BR",
    "Polska": "PL", "ישראל": "IL", "South Africa": "ZA", "Suid-Afrika": "ZA", "日本": "JP",
    "Österreich": "AT", "Osterreich": "AT", "Schweiz": "CH", "Türkiye": "TR", "Ελλάδα": "GR",
}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer(Config().gazetteer_min_population)


def reseller_addresses() -> list[str]:
    resellers = yaml.safe_load((FIXTURES / "gitlab_resellers_2016.yml").read_text(encoding="utf-8"))
    return [c["address"] for r in resellers for c in r.get("contact") or [] if c.get("address")]


def test_the_oracle_covers_every_reseller_address():
    addresses = reseller_addresses()
    assert len(addresses) == 18
    assert set(addresses) == set(RESELLER_CITIES)


@pytest.mark.parametrize("address", sorted(RESELLER_CITIES))
def test_every_reseller_address_resolves_within_30_km(gaz, address):
    lat, lon, country = RESELLER_CITIES[address]
    found = gaz.lookup(address)
    assert found is not None, address
    assert found.country == country
    assert found.source == "gazetteer" and found.kind == "city"
    assert km(found.lat, found.lon, lat, lon) < 30, found


@pytest.mark.parametrize("text,lat,lon,country", PLACES)
def test_accents_scripts_and_spellings_resolve(gaz, text, lat, lon, country):
    found = gaz.lookup(text)
    assert found is not None, text
    assert found.country == country
    assert km(found.lat, found.lon, lat, lon) < 30, found


@pytest.mark.parametrize("name,code", sorted(COUNTRY_NAMES.items()))
def test_country_names_in_several_languages(gaz, name, code):
    assert gaz.country_code(name) == code


def test_a_country_alone_points_inside_it(gaz):
    found = gaz.lookup("Deutschland")
    assert found is not None
    assert (found.kind, found.source, found.country, found.label) == ("country", "country", "DE", "Germany")
    assert 47.2 < found.lat < 55.1 and 5.8 < found.lon < 15.1  # inside Germany's bounding box
    assert gaz.country_centre("de") == found
    assert gaz.country_centre("XX") is None


def test_a_city_state_alone_is_its_city(gaz):
    found = gaz.lookup("Singapore")
    assert found is not None and found.kind == "city" and found.country == "SG"


def test_the_given_country_decides_between_namesakes(gaz):
    paris = gaz.lookup("Paris")
    assert paris.country == "FR"
    assert gaz.lookup("Paris", country="US").country == "US"
    assert gaz.lookup("Paris, USA").country == "US"
    texas = gaz.lookup("Paris, TX")
    assert texas.country == "US" and km(texas.lat, texas.lon, 33.6609, -95.5555) < 30
    uk = gaz.lookup("Cambridge, UK")
    us = gaz.lookup("Cambridge, USA")
    assert uk.country == "GB" and km(uk.lat, uk.lon, 52.2053, 0.1218) < 30
    assert us.country == "US" and km(us.lat, us.lon, 42.3736, -71.1097) < 30


def test_the_region_code_picks_the_town_in_that_state(gaz):
    portland_or = gaz.lookup("Portland/OR, USA")
    portland_me = gaz.lookup("Portland/ME, USA")
    assert km(portland_or.lat, portland_or.lon, 45.5152, -122.6784) < 30
    assert km(portland_me.lat, portland_me.lon, 43.6591, -70.2568) < 30
    assert portland_me.label == "Portland, ME, United States"


def test_a_place_in_another_country_than_given_is_not_found(gaz):
    assert gaz.lookup("Wrocław", country="DE") is None


def test_us_zip_code_with_country(gaz):
    found = gaz.lookup("91502, USA")
    assert found is not None and (found.source, found.kind, found.country, found.region) == ("postal", "postal_code", "US", "US-CA")
    assert km(found.lat, found.lon, 34.1808, -118.3090) < 10
    assert "Burbank" in found.label


def test_unknown_place_is_none_and_similar_offers_the_right_city(gaz):
    assert gaz.lookup("Berln") is None
    assert gaz.lookup("Qwzxvbnm, Germany") is None
    assert gaz.lookup("") is None and gaz.lookup(" , ，/ ") is None
    assert "Berlin, Germany" in gaz.similar("Berln")
    assert "Munich, Germany" in gaz.similar("Munchn, Germany")
    assert "Moscow, Russia" in gaz.similar("Москвва")
    assert all(label.endswith("Germany") for label in gaz.similar("Hamburgg, Deutschland"))
    assert gaz.similar("") == []


def test_suggest_by_prefix_biggest_first(gaz):
    labels = [loc.label for loc in gaz.suggest("ber")]
    assert "Berlin, Germany" in labels[:2]
    assert len(labels) == 10
    assert [loc.label for loc in gaz.suggest("Моск", limit=1)] == ["Moscow, Russia"]
    assert gaz.suggest("ber", limit=3) == gaz.suggest("BER", limit=3)
    assert gaz.suggest("") == []


def test_suggest_offers_countries(gaz):
    found = gaz.suggest("deutsch")
    assert found and found[0].kind == "country" and found[0].country == "DE"
    assert any(loc.kind == "country" and loc.country == "BR" for loc in gaz.suggest("bra"))


def test_folding_keeps_non_latin_scripts_and_unifies_separators():
    assert fold("Wrocław") == "wroclaw"
    assert fold("İstanbul") == "istanbul"
    assert fold("Йошкар-Ола") == "йошкар ола"  # the breve of й is part of the letter
    assert fold("ブダペスト") == "ブダペスト"  # dakuten stay
    assert split_parts("上海，中国") == ["上海", "中国"]
    assert split_parts("Burbank/CA, USA") == ["burbank", "ca", "usa"]


def test_the_gazetteer_is_built_once_per_process():
    assert get_gazetteer(Config().gazetteer_min_population) is get_gazetteer(Config().gazetteer_min_population)


def test_geocoder_offline_uses_the_gazetteer_and_office_fields():
    geocoder = geocoder_for(Config(geocoder="offline"))
    assert geocoder.geocode("Berlin, Deutschland").label == "Berlin, Germany"
    assert geocoder.geocode("Nowhere-in-particular 77") is None
    office = {"address": "Hauptstraße 5", "city": "Zurich", "postal_code": "8001", "country": "CH"}
    assert geocoder.geocode_office(office).label == "Zürich, Switzerland"
    by_zip = geocoder.geocode_office({"address": "1 Nowhere Rd", "postal_code": "20850", "country": "US"})
    assert by_zip.source == "postal" and km(by_zip.lat, by_zip.lon, 39.0840, -77.1528) < 15
    only_country = geocoder.geocode_office({"city": "Atlantisburg", "country": "PL"})
    assert (only_country.kind, only_country.country) == ("country", "PL")
    assert geocoder.geocode_office({}) is None
    assert geocoder.suggest("toky", 1)[0].country == "JP"
    assert "Berlin, Germany" in geocoder.similar("Berln")


def test_a_new_cache_file_drops_the_stale_ones(tmp_path):
    from locator.gazetteer import drop_stale

    current = tmp_path / "gazetteer-1000-new.pickle"
    stale = tmp_path / "gazetteer-1000-old.pickle"
    other_floor = tmp_path / "gazetteer-15000-old.pickle"
    for f in (current, stale, other_floor):
        f.write_bytes(b"x")
    drop_stale(current)
    assert current.exists() and not stale.exists() and other_floor.exists()
