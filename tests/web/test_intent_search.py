"""Intent over keywords and the remote effective distance, through the API and the page, on both backends,
over the real fixtures (GitLab's 2016 resellers, the CNCF providers) plus a few seeded partners near
München: a multi-word q is not an AND, vocabulary words match the partners that have the entry (in any
label language or by a synonym), certification text is not an offer, remote partners rank by distance."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from locator import create_app
from locator.config import Config
from locator.db import Database
from locator.geocoding import geocoder_for
from locator.ingest.importer import import_path
from locator.store import apply_partner
from tests.conftest import FIXTURES
from tests.factories import office, partner_data

MUNICH = (48.137, 11.575)
COMPLETE = dict(website="https://example.com", logo_url="https://example.com/logo.png", email="hi@example.com",
                phone="+49 89 1234", track="select", segments=["smb", "mid-market", "enterprise"],
                languages=["de", "en"], description="A long and careful description of everything we do. " * 5)
SEEDED = [
    # offers both services, in Munich
    dict(id="BOTH", name="Isarwerk Plattform GmbH", services=["kubernetes", "migration"], languages=["de"],
         offices=[office(48.15, 11.58, city="München", country="DE")]),
    # offers migration, only certifies Kubernetes (its certificate's name says Kubernetes)
    dict(id="CERT", name="Lechfeld Lizenz GmbH", services=["migration"], certifications=["cka"], languages=["de"],
         description="Migration von SVN; unser Team hat Kubernetes-Zertifikate.",
         offices=[office(48.37, 10.90, city="Augsburg", country="DE")]),
    # offers Kubernetes, serves Germany remotely from Lisbon (about 2,000 km), a complete Select profile
    dict(id="FAR", name="Tejo Cloud Lda", services=["kubernetes"], countries_served=["DE"],
         offices=[office(38.72, -9.14, city="Lisbon", country="PT")], **COMPLETE),
    # offers Kubernetes, serves Germany remotely from Salzburg (about 115 km, outside the 100 km radius)
    dict(id="NEARBY-REMOTE", name="Salzach Cloud GmbH", services=["kubernetes"], countries_served=["DE"],
         languages=["de"], offices=[office(47.80, 13.04, city="Salzburg", country="AT")]),
    # offers Kubernetes, office 30 km from Munich, a sparse open profile
    dict(id="LOCAL", name="Ammersee Ops", description="", services=["kubernetes"], languages=["de"],
         offices=[office(48.00, 11.20, city="Herrsching", country="DE")]),
]


@pytest.fixture(scope="module", params=["spatialite", "postgis"])
def app(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"intent-{request.param}")
    if request.param == "spatialite":
        url = f"sqlite:///{directory / 'store.sqlite'}"
    else:
        url = request.getfixturevalue("pg_cluster").createdb(f"intent_{abs(hash(str(directory))) % 10**9}")
    db = Database(url)
    db.create_all()
    geocoder = geocoder_for(Config())
    with db.session() as session:
        for name in ("gitlab_resellers_2016.yml", "cncf_service_providers_2020.json"):
            report = import_path(session, FIXTURES / name, geocoder=geocoder)
            assert not report.errors, report.text()
        for seeded in SEEDED:
            apply_partner(session, partner_data(**seeded))
        session.commit()
    db.engine.dispose()
    app = create_app({"database_url": url, "index_dir": str(directory / "index"), "testing": True,
                      "secret_key": "test-secret"})
    app.extensions["locator"].locator.model()
    yield app
    app.extensions["locator"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def search(client, **params) -> dict:
    query = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
    response = client.get(f"/api/v1/search?{query}&explain=1&per_page=50")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body: dict) -> list[str]:
    return [r["id"] for r in body["results"]]


def test_kubernetes_migration_near_munich_is_not_an_and(client):
    body = search(client, q="kubernetes migration", near="München")
    assert body["query"]["understood"] == {"service": ["kubernetes", "migration"]}
    found = ids(body)
    assert "cncf:storm-reply" in found[:3], found  # Munich, KCSP: offers Kubernetes, not migration
    both = [r["id"] for r in body["results"] if set(r["services"]) >= {"kubernetes", "migration"}]
    assert both and found[: len(both)] == both  # partners offering both come first
    storm = next(r for r in body["results"] if r["id"] == "cncf:storm-reply")
    assert storm["matched"] == {"service": ["kubernetes"]}
    assert storm["explain"]["coverage"]["units"] == 2 and storm["explain"]["coverage"]["covered"] == 1
    # Lechfeld offers migration and only certifies Kubernetes: it covers one unit, and ranks below Storm Reply
    cert = next(r for r in body["results"] if r["id"] == "CERT")
    assert cert["matched"] == {"service": ["migration"]}
    assert [u["level"] for u in cert["explain"]["coverage"]["by_unit"]] == ["none", "strong"]
    assert found.index("cncf:storm-reply") < found.index("CERT")


def test_a_certificate_naming_a_service_is_not_offering_it(client):
    found = ids(search(client, q="kubernetes", near="München"))
    assert "CERT" not in found  # its text says Kubernetes only beside its certificate
    assert {"cncf:storm-reply", "BOTH", "LOCAL"} <= set(found)


@pytest.mark.parametrize("q", ["Kubernetes-Migration", "k8s migration", "쿠버네티스 마이그레이션", "K8S Migrationen"])
def test_other_words_for_the_same_services_find_the_same(client, q):
    reference = search(client, q="kubernetes migration", near="München")
    body = search(client, q=q, near="München")
    assert body["query"]["understood"] == {"service": ["kubernetes", "migration"]}
    assert ids(body)[:5] == ids(reference)[:5]


def test_korean_kubernetes_near_seoul_finds_the_korean_kubernetes_partners(client):
    body = search(client, q="쿠버네티스", near="서울")
    assert body["query"]["understood"] == {"service": ["kubernetes"]}
    found = ids(body)
    assert {"cncf:acornsoft", "cncf:n3ncloud"} <= set(found[:5]), found
    assert all(r["matched"] == {"service": ["kubernetes"]} for r in body["results"])


def test_language_and_segment_words_match_partners_having_them(client):
    body = search(client, q="german kubernetes", near="München")
    assert body["query"]["understood"] == {"service": ["kubernetes"], "language": ["de"]}
    top = body["results"][0]
    assert "de" in top["languages"] and "kubernetes" in top["services"]
    assert top["matched"] == {"service": ["kubernetes"], "language": ["de"]}


def test_remote_partners_rank_at_their_effective_distance(client):
    body = search(client, q="kubernetes", near="München")
    by_id = {r["id"]: r for r in body["results"]}
    far, nearby, local = by_id["FAR"], by_id["NEARBY-REMOTE"], by_id["LOCAL"]
    assert far["serves_remotely"] and far["remote_from"] == "Lisbon" and far["distance_km"] > 1900
    assert far["explain"]["ranking_distance_km"] == pytest.approx(far["distance_km"], rel=0.01)
    assert nearby["remote_from"] == "Salzburg" and nearby["distance_km"] < 250
    assert nearby["explain"]["ranking_distance_km"] == 250.0  # at least LOCATOR_REMOTE_DISTANCE_KM
    assert local["remote_from"] is None and not local["serves_remotely"]
    # The complete Select profile 2,000 km away does not outrank the sparse one 30 km away
    assert far["completeness"] > local["completeness"] and far["track"] == "select"
    found = ids(body)
    assert found.index("LOCAL") < found.index("FAR") and found.index("LOCAL") < found.index("NEARBY-REMOTE")
    # What FAR still has over NEARBY-REMOTE is its profile, not its distance
    assert far["explain"]["weighted"]["distance"] < nearby["explain"]["weighted"]["distance"] < local["explain"]["weighted"]["distance"]


@pytest.mark.parametrize("q", ["the and of", "🚀", "🚀 ✨", "kubernetes 쿠버네티스 Москва 東京 🚀", "x" * 200,
                               "' OR 1=1 --", "ﷺ", "\u200b", "AND ( *"])
def test_any_query_text_is_a_result_never_an_error(client, q):
    body = search(client, q=q)
    assert isinstance(body["query"]["understood"], dict)
    assert body["total"] >= 0


def test_a_query_of_stop_words_or_emoji_searches_everyone(client):
    everyone = search(client)["total"]
    for q in ("the and of", "🚀"):
        body = search(client, q=q)
        assert body["total"] == everyone and body["query"]["understood"] == {}


def test_the_page_shows_what_it_understood_as_removable_chips(client):
    page = client.get("/?q=" + quote("Kubernetes-Migration gitlab") + "&near=M%C3%BCnchen").get_data(as_text=True)
    chips = re.findall(r'<a class="chip" href="([^"]*)" data-understood="([^"]*)">', page)
    assert [label for _, label in chips] == ["Kubernetes", "Migration"]
    without_kubernetes = chips[0][0].replace("&amp;", "&")
    assert "q=Migration+gitlab" in without_kubernetes and "near=M%C3%BCnchen" in without_kubernetes
    followed = client.get("/" + without_kubernetes).get_data(as_text=True)
    assert re.findall(r'data-understood="([^"]*)"', followed) == ["Migration"]
    assert 'value="Migration gitlab"' in followed
    plain = client.get("/?q=gitlab&near=M%C3%BCnchen").get_data(as_text=True)
    assert 'class="chip"' not in plain
