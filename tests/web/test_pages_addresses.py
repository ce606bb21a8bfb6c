"""Profiles with real GitLab reseller data: office cards say street, city, region and country once
each, and a description's paragraphs take their own text direction."""
from __future__ import annotations

import html
import re

import pytest

from tests.web.richpages import rich_pages_app


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with rich_pages_app(tmp_path_factory.mktemp("addresses")) as (app, slugs):
        yield app, slugs


@pytest.fixture
def client(site):
    return site[0].test_client()


def cards(body: str) -> list[list[str]]:
    """Each office card's lines: its heading, then its address lines."""
    found = []
    for item in re.findall(r'<li class="office-item"[^>]*>(.*?)</li>', body, re.S):
        texts = [html.unescape(t).strip() for t in re.findall(r">([^<>]+)<", item)]
        found.append([t for t in texts if t and t != "Headquarters"])
    return found


def test_hebrew_resellers_cards_repeat_no_city_or_country(client):
    body = client.get("/partners/almtoolbox").get_data(as_text=True)
    assert cards(body) == [["Petaẖ Tiqva", "Israel"], ["Rockville", "Rockville, MD", "United States"]]
    assert "פתח תקווה" not in body and "USA" not in body


def test_an_address_stored_raw_is_shown_without_repeats(site, client):
    body = client.get(f"/partners/{site[1]['raw_address']}").get_data(as_text=True)
    assert cards(body) == [["Rockville", "Rockville, MD", "United States"]]


def test_each_paragraph_of_a_description_has_its_own_direction(site, client):
    body = client.get(f"/partners/{site[1]['mixed']}").get_data(as_text=True)
    description = re.search(r'<div class="description"[^>]*>(.*?)</div>', body, re.S).group(1)
    paragraphs = re.findall(r'<p dir="auto">([^<]*)</p>', description)
    assert [html.unescape(p) for p in paragraphs] == ["We migrate IT teams to GitLab: 6 awards since 2009.",
                                                      "אנו מעבירים צוותי IT ל-GitLab: 6 פרסים מאז 2009."]
    alm = client.get("/partners/almtoolbox").get_data(as_text=True)
    assert len(re.findall(r'<p dir="auto">', alm)) == 2  # the English paragraph and the Hebrew one
