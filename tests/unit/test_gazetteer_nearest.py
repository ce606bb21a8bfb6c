"""The gazetteer names the town nearest a point (what "Use my location" results are near)."""
from __future__ import annotations

import pytest

from locator.config import Config
from locator.gazetteer import get_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer(Config().gazetteer_min_population)


@pytest.mark.parametrize("lat,lon,label", [(48.137, 11.575, "Munich, Germany"), (37.5665, 126.978, "Seoul, South Korea"),
                                           (39.084, -77.153, "Rockville, MD, United States")])
def test_nearest_city(gaz, lat, lon, label):
    found = gaz.nearest_city(lat, lon, 30, min_population=15000)
    assert found is not None and found.label == label and found.kind == "city"


def test_nothing_near_the_open_sea(gaz):
    assert gaz.nearest_city(0.0, -30.0, 30) is None
    assert gaz.nearest_city(48.137, 11.575, 30, min_population=10**9) is None
