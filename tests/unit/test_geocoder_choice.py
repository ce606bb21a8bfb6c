"""The geocoder is chosen in one place (locator.geocoding.geocoder_for) from the `geocoder` setting; every
backend offers what the Geocoder protocol names, and a misspelt setting is a clear setup error."""
from __future__ import annotations

import inspect

import pytest

from locator.config import Config
from locator.errors import SetupError
from locator.geocoding import BACKENDS, Geocoder, geocoder_for
from locator.geocoding.nominatim import NominatimGeocoder
from locator.geocoding.offline import OfflineGeocoder
from locator.services import Services


def protocol_members() -> set[str]:
    return {name for name in vars(Geocoder) if not name.startswith("_")}


@pytest.mark.parametrize("name, backend", [("offline", OfflineGeocoder), ("nominatim", NominatimGeocoder)])
def test_the_setting_chooses_the_backend(name, backend):
    geocoder = geocoder_for(Config(geocoder=name))
    assert type(geocoder) is backend
    assert protocol_members() == {"gazetteer", "geocode", "geocode_office", "suggest", "similar"}
    for member in protocol_members():
        assert hasattr(geocoder, member), f"{backend.__name__} lacks {member}"
        if inspect.isfunction(getattr(Geocoder, member)):
            assert inspect.signature(getattr(backend, member)) == inspect.signature(getattr(Geocoder, member))


def test_every_backend_named_is_one_the_chooser_builds():
    assert {type(geocoder_for(Config(geocoder=name))).__name__ for name in BACKENDS} == {
        "OfflineGeocoder", "NominatimGeocoder"}


def test_services_use_the_chooser():
    assert type(Services(Config(geocoder="nominatim", database_url="sqlite://")).geocoder) is NominatimGeocoder


def test_a_misspelt_geocoder_setting_is_a_setup_error():
    with pytest.raises(SetupError, match="LOCATOR_GEOCODER must be one of offline, nominatim"):
        geocoder_for(Config(geocoder="nominatin"))


def test_the_gazetteer_answers_offline():
    found = geocoder_for(Config(geocoder="offline")).geocode("Berlin")
    assert found is not None and found.country == "DE" and found.source == "gazetteer"
