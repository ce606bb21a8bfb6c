"""The words customers and sellers read about a partner: the explanation and its legend on the search page,
the profile's facts instead of its completeness percentage (sellers still see it), `explain`'s sentence."""
from __future__ import annotations

import re

import pytest

from tests.web.webapp import pages_app, signed_in_seller


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("words"), xss=False) as (app, slugs):
        yield app, slugs


def cli(app, *args: str) -> str:
    from click.testing import CliRunner

    from locator.cli import main

    result = CliRunner().invoke(main, ["--database-url", app.config["LOCATOR"].database_url, *args])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_a_customer_reads_facts_not_a_percentage(site):
    app, slugs = site
    client = app.test_client()
    page = client.get("/?near=Berlin&radius_km=100&per_page=50").get_data(as_text=True)
    assert "% complete" not in page
    acme = page[page.index("Acme Berlin DevOps"):]
    acme = acme[: acme.index("</li>")]
    assert re.search(r'<p class="explain">(in Berlin|[\d.]+ km from Berlin) · Select partner</p>', acme)
    assert "Profile:</span> Website · 3 services · 2 languages · 1 office" in acme  # (no logo)
    assert 'class="legend"' in page and "GitLab&#39;s highest partner tier" in page
    profile = client.get(f"/partners/{slugs['acme']}").get_data(as_text=True)
    assert "% complete" not in profile
    assert "Profile:</span> Website · Email · Phone · 3 services · 2 languages · 1 certification · 1 office" in profile
    assert "Select: GitLab&#39;s highest partner tier" in profile


def test_a_seller_still_sees_the_percentage(site):
    app, slugs = site
    client = signed_in_seller(app, cli(app, "token", "create", "--role", "seller", "--name", "Sam"))
    profile = client.get(f"/sellers/partners/{slugs['acme']}").get_data(as_text=True)
    assert re.search(r"Profile:</span> Website · Email · Phone · [^<]*· profile \d+% complete", profile)
    page = client.get("/sellers?near=Berlin&radius_km=100").get_data(as_text=True)
    assert re.search(r"· profile \d+% complete</p>", page)


def test_explain_returns_the_numbers_and_the_sentence(site):
    app, _ = site
    body = app.test_client().get("/api/v1/search?near=Berlin&radius_km=100&service=kubernetes&explain=1").get_json()
    first = body["results"][0]
    assert first["explain"]["sentence"] == first["display"]["explanation"]
    assert first["explain"]["sentence"].startswith("Offers Kubernetes · ")
    assert {"score", "weighted", "distance_km"} <= set(first["explain"])
    assert "% complete" not in first["display"]["profile"]
