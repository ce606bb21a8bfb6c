"""GitLab resellers' addresses are "City/ST, Country" in any script: the importer keeps city, region and
country in their fields and stores no street part that only repeats them."""
from __future__ import annotations

import pytest

from locator.config import Config
from locator.geocoding import geocoder_for
from locator.ingest.importer import import_path
from locator.store import load_partners
from tests.conftest import FIXTURES

RESELLERS = FIXTURES / "gitlab_resellers_2016.yml"


@pytest.fixture(scope="module")
def geocoder():
    return geocoder_for(Config())


def offices(session) -> dict[str, list]:
    return {p.name: p.offices for p in load_partners(session) if p.external_id.startswith("gitlab-reseller:")}


def test_addresses_keep_only_what_city_region_and_country_do_not_say(session, geocoder):
    report = import_path(session, RESELLERS, geocoder=geocoder)
    assert not report.errors, report.text()
    stored = offices(session)
    hebrew, rockville = stored["ALMtoolbox"]
    assert (hebrew.address, hebrew.city, hebrew.region, hebrew.country) == (None, "Petaẖ Tiqva", None, "IL")
    assert (rockville.address, rockville.city, rockville.region, rockville.country) == (None, "Rockville", "MD", "US")
    every = [o for found in stored.values() for o in found]
    assert len(every) == 18
    assert [o.address for o in every if o.address] == []  # the 2016 list has cities and countries, no streets
    regions = {o.city: o.region for o in every if o.region}
    assert regions == {"Burbank": "CA", "Rockville": "MD", "Bengaluru": "KA", "Gurugram": "HR", "Mumbai": "MH",
                       "São Paulo": "SP", "Brasília": "DF", "Denver": "CO", "Toronto": "ON"}
    assert all(o.city and o.country and o.lat is not None for o in every)


def test_reimport_is_unchanged(session, geocoder):
    import_path(session, RESELLERS, geocoder=geocoder)
    again = import_path(session, RESELLERS, geocoder=geocoder)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 12)
