"""`industry`, the filter added through the registry alone: the API, its facets, the page, the
widget's config and the CLI offer it, on both backends."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from locator.cli import main
from locator.store import apply_partner
from tests.factories import office, partner_data


@pytest.fixture
def app(fresh_db, make_app):
    with fresh_db.session() as session:
        for pid, industries, services in (("FIN", ["finance"], ["implementation"]),
                                          ("HEALTHFIN", ["healthcare", "finance"], ["kubernetes"]),
                                          ("RETAIL", ["retail"], ["kubernetes"]), ("NONE", [], ["kubernetes"])):
            apply_partner(session, partner_data(id=pid, name=f"{pid.title()} Partner", industries=industries,
                                                services=services, offices=[office()]))
        apply_partner(session, partner_data(id="HIDDEN", name="Hidden Finance", industries=["finance"], published=False))
    return make_app(fresh_db)


@pytest.fixture
def client(app):
    return app.test_client()


def ids(client, query: str) -> set[str]:
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.get_json()
    return {r["id"] for r in response.get_json()["results"]}


def test_industry_filters_the_api_or_within_and_across(client):
    assert ids(client, "industry=finance") == {"FIN", "HEALTHFIN"}
    assert ids(client, "industry=finance,retail") == ids(client, "industry=finance&industry=retail") == {"FIN", "HEALTHFIN", "RETAIL"}
    assert ids(client, "industry=finance&service=kubernetes") == {"HEALTHFIN"}
    assert ids(client, "industry=FINANCE&near=Berlin") == {"FIN", "HEALTHFIN"}
    assert ids(client, "industry=education") == set()


def test_an_unknown_industry_is_a_400_naming_the_field(client):
    response = client.get("/api/v1/search?industry=finanse")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == "industry" and error["suggestion"] == "finance" and "finance" in error["allowed"]


def test_industry_facet_counts_are_disjunctive(client):
    body = client.get("/api/v1/search?industry=finance&facets=industry,service").get_json()
    assert body["facets"]["industry"] == {"finance": 2, "healthcare": 1, "retail": 1}  # ignores its own filter
    assert body["facets"]["service"] == {"implementation": 1, "kubernetes": 1}  # the others apply it
    assert body["facet_labels"]["industry"]["finance"] == "Financial services"
    narrowed = client.get("/api/v1/search?service=kubernetes&facets=all").get_json()["facets"]
    assert narrowed["industry"] == {"finance": 1, "healthcare": 1, "retail": 1}


def test_the_page_offers_industry_with_counts(client):
    body = client.get("/?near=Berlin").get_data(as_text=True)
    group = re.search(r'<fieldset class="filter-group" data-filter="industry">(.*?)</fieldset>', body, re.S)
    assert group and "<legend>Industries</legend>" in group.group(1)
    assert re.search(r'type="checkbox" id="industry-finance" name="industry" value="finance"', group.group(1))
    assert re.search(r'for="industry-finance">Financial services <span class="count"[^>]*>\(2\)', group.group(1))
    chosen = client.get("/?near=Berlin&industry=retail").get_data(as_text=True)
    assert re.findall(r'<li class="result"[^>]*data-name="([^"]*)"', chosen) == ["Retail Partner"]
    assert re.search(r'id="industry-retail"[^>]*checked', chosen)
    empty = client.get("/?near=Berlin&industry=retail&service=implementation").get_data(as_text=True)
    assert "Drop the filter Industry: Retail" in empty


def test_the_widget_and_the_configurator_offer_industry(client):
    script = client.get("/widget.js").get_data(as_text=True)
    config, _ = json.JSONDecoder().raw_decode(script, script.index('{"tileUrl"'))
    industry = next(f for f in config["filters"] if f["name"] == "industry")
    assert industry["label"] == "Industries" and industry["values"]["finance"] == "Financial services"
    docs = client.get("/widget?industry=finance&lock=industry").get_data(as_text=True)
    assert re.search(r'<select id="cfg-industry" name="industry" data-attr="industry">', docs)
    assert 'industry="finance"' in docs and 'lock="industry"' in docs
    embed = client.get("/embed?industry=finance&lock=industry").get_data(as_text=True)
    assert 'data-filter="industry"' not in embed and "Financial services" in embed


def test_the_cli_searches_by_industry(app, monkeypatch):
    cfg = app.config["LOCATOR"]
    monkeypatch.setenv("LOCATOR_INDEX_DIR", cfg.index_dir)
    result = CliRunner().invoke(main, ["--database-url", cfg.database_url, "search", "--industry", "finance",
                                       "--industry", "retail", "--facets", "industry"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert {r["id"] for r in body["results"]} == {"FIN", "HEALTHFIN", "RETAIL"}
    assert body["query"]["industry"] == ["finance", "retail"]
