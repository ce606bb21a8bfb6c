"""The synthetic generator: deterministic bytes, valid records, realistic mixes around real cities."""
from __future__ import annotations

import math
from collections import Counter

import pytest
from click.testing import CliRunner

from locator.cli import main
from locator.ingest.generator import _cities, generate
from locator.ingest.report import ImportReport
from locator.ingest.schema import validate_records

N = 2000


@pytest.fixture(scope="module")
def records():
    return list(generate(N, seed=11))


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    runner = CliRunner()
    outputs = []
    for name, seed in (("a.json", 5), ("b.json", 5), ("c.json", 6), ("a.csv", 5), ("b.csv", 5)):
        result = runner.invoke(main, ["generate", "--partners", "300", "--seed", str(seed), "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1] and outputs[0] != outputs[2]
    assert outputs[3] == outputs[4] and outputs[3].startswith(b"id,slug,name,")


def test_every_record_validates(records):
    report = ImportReport()
    valid = validate_records(enumerate(records, start=1), report)
    assert not report.problems and len(valid) == N
    assert len({r["id"] for r in records}) == N


def test_realistic_mixes(records):
    select = sum(r["track"] == "select" for r in records) / N
    unpublished = sum(not r["published"] for r in records) / N
    assert 0.12 < select < 0.18 and 0.03 < unpublished < 0.07
    offices = Counter(len(r["offices"]) for r in records)
    assert set(offices) == {1, 2, 3, 4, 5} and offices[1] > offices[5]
    services = Counter(s for r in records for s in r["services"])
    ranked = [count for _, count in services.most_common()]
    assert ranked[0] > 3 * ranked[-1]  # Zipf-like popularity
    assert sum("en" in r["languages"] for r in records) / N > 0.6
    assert any(r["service_area"] for r in records) and any(r["countries_served"] for r in records)
    assert sum(not r["description"] for r in records) > N * 0.05 and sum(not r["logo_url"] for r in records) > N * 0.2
    abroad = sum(any(o["country"] != r["offices"][0]["country"] for o in r["offices"]) for r in records)
    assert abroad > N * 0.1
    assert all(r["internal"]["channel_account_manager"] for r in records)
    assert sum(1 for r in records if r["offices"][0]["headquarters"]) == N


def test_offices_lie_a_few_km_from_their_real_city(records):
    cities = _cities()
    by_name = {}
    for i, (name, country) in enumerate(zip(cities["name"], cities["country"])):
        by_name.setdefault((name, country), []).append((cities["lat"][i], cities["lon"][i]))
    for record in records[:300]:
        for office in record["offices"]:
            places = by_name[(office["city"], office["country"])]
            nearest = min(_km(office["lat"], office["lon"], lat, lon) for lat, lon in places)
            assert nearest < 25, (office, nearest)


def test_country_languages_come_first(records):
    germans = [r for r in records if r["offices"][0]["country"] == "DE"]
    assert germans and all(r["languages"][0] == "de" for r in germans)


def _km(lat1, lon1, lat2, lon2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return 6371 * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))
