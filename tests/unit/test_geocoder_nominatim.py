"""geopy's Nominatim client against a real local HTTP server that answers like Nominatim; cache on both backends."""
from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from locator.config import Config
from locator.geocoding import geocoder_for
from locator.models import GeocodeCache

# What the fake Nominatim knows: query text -> one place, as /search?format=json&addressdetails=1 answers.
PLACES = {
    "Dorfstraße 7, Kleinkleckersdorf": {
        "place_id": 1, "lat": "50.1234567", "lon": "9.7654321", "display_name": "7, Dorfstraße, Kleinkleckersdorf, Hessen, Deutschland",
        "address": {"house_number": "7", "road": "Dorfstraße", "village": "Kleinkleckersdorf", "state": "Hessen", "country": "Deutschland", "country_code": "de"},
    },
    "Rua Imaginária 100, Xurupitanga do Norte": {
        "place_id": 2, "lat": "-29.5", "lon": "-51.25", "display_name": "Rua Imaginária, Xurupitanga do Norte, Brasil",
        "address": {"road": "Rua Imaginária", "town": "Xurupitanga do Norte", "country": "Brasil", "country_code": "br"},
    },
}


class FakeNominatim(BaseHTTPRequestHandler):
    hits: Counter  # set per server
    fail: bool = False

    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        params = parse_qs(url.query)
        query = params.get("q", [""])[0]
        self.server.hits[query] += 1
        self.server.requests.append(dict(params, agent=[self.headers.get("User-Agent")]))
        if self.server.fail:
            self.send_response(500)
            self.end_headers()
            return
        if url.path != "/search" or params.get("format") != ["json"]:
            self.send_response(400)
            self.end_headers()
            return
        countries = params.get("countrycodes", [""])[0].split(",")
        found = [PLACES[query]] if query in PLACES else []
        found = [p for p in found if countries == [""] or p["address"]["country_code"] in countries]
        body = json.dumps(found).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    server.hits = Counter()
    server.requests = []
    server.fail = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def online_config(server) -> Config:
    return Config(
        geocoder="nominatim",
        nominatim_url=f"http://127.0.0.1:{server.server_address[1]}",
        geocoder_user_agent="partner-locator-tests",
        geocoder_min_delay_s=0.0,
    )


def test_nominatim_answer_is_used_then_served_from_the_cache(nominatim, fresh_db):
    geocoder = geocoder_for(online_config(nominatim), fresh_db)
    first = geocoder.geocode("Dorfstraße 7, Kleinkleckersdorf")
    assert first is not None
    assert (first.lat, first.lon, first.source, first.country) == (50.1234567, 9.7654321, "nominatim", "DE")
    assert first.label == "Kleinkleckersdorf, Germany"
    assert nominatim.hits["Dorfstraße 7, Kleinkleckersdorf"] == 1
    assert nominatim.requests[0]["addressdetails"] == ["1"]
    assert nominatim.requests[0]["agent"] == ["partner-locator-tests"]

    again = geocoder.geocode("Dorfstraße 7, Kleinkleckersdorf")
    assert again is not None and (again.lat, again.lon, again.source) == (first.lat, first.lon, "cache")
    assert again.label == first.label and again.country == "DE"
    # a fresh Geocoder (another process, say) is served by the table, not by memory
    other = geocoder_for(online_config(nominatim), fresh_db).geocode("dorfstrasse 7 , Kleinkleckersdorf")
    assert other is not None and other.source == "cache"
    assert nominatim.hits["Dorfstraße 7, Kleinkleckersdorf"] == 1
    assert sum(nominatim.hits.values()) == 1

    with fresh_db.session() as session:
        rows = session.scalars(select(GeocodeCache)).all()
    assert [(r.lat, r.lon, r.country, r.source) for r in rows] == [(50.1234567, 9.7654321, "DE", "nominatim")]


def test_a_miss_is_cached_too(nominatim, fresh_db):
    geocoder = geocoder_for(online_config(nominatim), fresh_db)
    assert geocoder.geocode("Nirgendwo 99, Qxland") is None
    assert geocoder.geocode("Nirgendwo 99, Qxland") is None
    assert nominatim.hits["Nirgendwo 99, Qxland"] == 1


def test_the_country_is_sent_and_part_of_the_cache_key(nominatim, fresh_db):
    geocoder = geocoder_for(online_config(nominatim), fresh_db)
    found = geocoder.geocode("Rua Imaginária 100, Xurupitanga do Norte", country="BR")
    assert found is not None and found.country == "BR" and found.label == "Xurupitanga do Norte, Brazil"
    assert nominatim.requests[-1]["countrycodes"] == ["br"]
    assert geocoder.geocode("Rua Imaginária 100, Xurupitanga do Norte", country="PT") is None
    assert nominatim.hits["Rua Imaginária 100, Xurupitanga do Norte"] == 2


def test_places_the_gazetteer_knows_never_reach_the_server(nominatim):
    geocoder = geocoder_for(online_config(nominatim))  # no store: no cache
    for text in ("Berlin, Deutschland", "上海，中国", "Burbank/CA, USA", "Deutschland"):
        found = geocoder.geocode(text)
        assert found is not None and found.source in {"gazetteer", "country"}
    assert geocoder.geocode_office({"city": "Toronto", "region": "ON", "country": "CA"}).source == "gazetteer"
    assert sum(nominatim.hits.values()) == 0


def test_an_office_street_address_unknown_offline_goes_online(nominatim):
    geocoder = geocoder_for(online_config(nominatim))
    found = geocoder.geocode_office({"address": "Rua Imaginária 100, Xurupitanga do Norte", "country": "BR"})
    assert found is not None and found.source == "nominatim"
    assert nominatim.hits == Counter({"Rua Imaginária 100, Xurupitanga do Norte": 1})
    assert nominatim.requests[0]["countrycodes"] == ["br"]


def test_a_failing_service_gives_none_and_is_not_cached(nominatim, fresh_db):
    geocoder = geocoder_for(online_config(nominatim), fresh_db)
    nominatim.fail = True
    assert geocoder.geocode("Dorfstraße 7, Kleinkleckersdorf") is None
    nominatim.fail = False
    found = geocoder.geocode("Dorfstraße 7, Kleinkleckersdorf")
    assert found is not None and found.source == "nominatim"
    assert nominatim.hits["Dorfstraße 7, Kleinkleckersdorf"] == 2


def test_offline_mode_never_calls_the_server(nominatim):
    config = online_config(nominatim)
    config.geocoder = "offline"
    assert geocoder_for(config).geocode("Dorfstraße 7, Kleinkleckersdorf") is None
    assert sum(nominatim.hits.values()) == 0
