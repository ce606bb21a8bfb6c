"""The filter registry (locator.search.filters) is the one list of filters: every surface offers
exactly the registered ones. Each test reads a surface as its user meets it (the parser, the OpenAPI
document, `locator search --help`'s options, the facets of facets=all, the page's HTML, the widget's
injected config, the configurator's HTML) and compares it with the registry."""
from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from locator import vocab
from locator.config import Config
from locator.db import Database
from locator.search.commands import search_command
from locator.search.filters import FACETS, FILTERS, IN_WIDGET, NAMES, ON_PAGE
from locator.search.query import SearchQuery
from locator.store import apply_partner
from tests.factories import office, partner_data

# The search's parameters that are not filters; anything else a surface offers must be a registered filter.
NOT_FILTERS = {"q", "near", "lat", "lon", "radius_km", "include_remote", "sort", "page", "per_page", "facets",
               "explain", "format", "geojson_features", "fmt", "features", "seller"}


def first_code(f) -> str:
    return next(iter(vocab.vocabulary(f.kind)))


class Tags(HTMLParser):
    """Every start tag of a page as (tag, attributes)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def test_the_registry_is_well_formed():
    assert len(NAMES) == len(set(NAMES))
    for f in FILTERS:
        assert vocab.vocabulary(f.kind), f.name
        assert f.label and f.plural and f.label != f.plural, f.name
        assert f.in_widget <= f.on_page, f"{f.name}: the widget offers only filters the page offers"


def test_the_parser_accepts_every_filter_and_nothing_else():
    from locator.search.query import PARAMETERS

    assert set(PARAMETERS) - NOT_FILTERS == set(NAMES)
    for f in FILTERS:
        code = first_code(f)
        query = SearchQuery.from_params({f.name: code}, Config(), strict=True)
        assert query.values(f.name) == (code,), f.name
        assert getattr(query, f.name) == ((code,) if f.repeatable else code)
        if f.repeatable:
            two = list(vocab.vocabulary(f.kind))[:2]
            assert SearchQuery.from_params({f.name: ",".join(two)}, Config()).values(f.name) == tuple(two)
        assert "facets" in PARAMETERS and (f.name in FACETS) == f.faceted


def test_openapi_documents_every_filter():
    from locator.web.openapi import document

    params = {p["name"]: p for p in document()["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert set(params) - NOT_FILTERS == set(NAMES)
    for f in FILTERS:
        schema = params[f.name]["schema"]
        if f.repeatable:
            assert schema["type"] == "array" and params[f.name]["explode"] is True, f.name
        else:
            assert schema["enum"] == list(vocab.vocabulary(f.kind)), f.name
    assert all(name in params["facets"]["description"] for name in FACETS)


def test_the_cli_has_an_option_per_filter():
    options = {p.name: p for p in search_command.params}
    assert set(options) - NOT_FILTERS == set(NAMES)
    for f in FILTERS:
        assert options[f.name].opts == [f"--{f.name}"] and options[f.name].multiple == f.repeatable, f.name


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """An app on a SpatiaLite store holding one partner with a value of every registered filter."""
    from locator import create_app

    tmp = tmp_path_factory.mktemp("registry")
    db = Database(f"sqlite:///{tmp / 'store.sqlite'}")
    db.create_all()
    values = {f.column: [first_code(f)] if f.repeatable else first_code(f) for f in FILTERS if f.column}
    with db.session() as session:
        apply_partner(session, partner_data(id="ALL", name="Every Filter", countries_served=["FR"],
                                            offices=[office()], **values))
    app = create_app({"database_url": f"sqlite:///{tmp / 'store.sqlite'}", "index_dir": str(tmp / "index"),
                      "testing": True, "secret_key": "test"})
    yield app.test_client()
    app.extensions["locator"].close()
    db.engine.dispose()


def test_facets_all_counts_every_faceted_filter(client):
    body = client.get("/api/v1/search?facets=all").get_json()
    assert set(body["facets"]) == set(FACETS)
    assert all(body["facets"][name] for name in FACETS), body["facets"]  # the partner is counted in each
    for f in FILTERS:  # and every filter finds it
        found = client.get(f"/api/v1/search?{f.name}={first_code(f) if f.column else 'DE'}").get_json()
        assert [r["id"] for r in found["results"]] == ["ALL"], f.name


def test_the_page_has_a_group_per_page_filter_and_keeps_the_others(client):
    off_page = [f for f in FILTERS if not f.on_page]
    query = "&".join(f"{f.name}={first_code(f) if f.column else 'DE'}" for f in off_page)
    page = Tags(client.get(f"/?{query}").get_data(as_text=True))
    groups = [a["data-filter"] for a in page.find("fieldset", **{"class": "filter-group"})]
    assert groups == [f.name for f in ON_PAGE]
    for f in ON_PAGE:
        inputs = page.find("input", name=f.name)
        assert inputs and all(i["type"] == ("checkbox" if f.repeatable else "radio") for i in inputs if i["value"]), f.name
    hidden = {a["name"] for a in page.find("input", type="hidden")}
    assert {f.name for f in off_page} <= hidden


def test_the_widget_config_offers_the_widget_filters(client):
    text = client.get("/widget.js").get_data(as_text=True)
    config, _ = json.JSONDecoder().raw_decode(text, text.index('{"tileUrl"'))
    assert [f["name"] for f in config["filters"]] == [f.name for f in IN_WIDGET]
    for shown, f in zip(config["filters"], IN_WIDGET):
        assert shown["label"] == f.legend and shown["singular"] == f.label and shown["plural"] == f.plural
        assert shown["multiple"] == f.repeatable and shown["values"] == vocab.vocabulary(f.kind)


def test_the_configurator_offers_the_widget_filters(client):
    page = Tags(client.get("/widget").get_data(as_text=True))
    names = [f.name for f in IN_WIDGET]
    chosen = [a["name"] for a in page.find("select") if a.get("data-attr") in NAMES]
    assert chosen == names
    assert [a["value"] for a in page.find("input", name="lock")] == names
    order = page.find("form", id="configurator")[0]["data-order"].split()
    assert [name for name in order if name in NAMES] == names
    for f in IN_WIDGET:  # the lock's label and the select's label are the filter's
        assert client.get(f"/widget?{f.name}={first_code(f)}&lock={f.name}").status_code == 200
    assert client.get("/embed?lock=country").status_code == 400  # a filter the widget does not offer is no lock


def test_an_index_written_with_other_filters_is_built_anew(tmp_path):
    """A snapshot whose CSR columns are not the registry's (a filter added since) is not loaded."""
    import json

    import pytest

    from locator.search import snapshot
    from locator.search.documents import CSR_KINDS
    from locator.search.model import ReadModel

    snapshot.write(ReadModel.build([], marker=0), tmp_path, "segment")
    assert set(snapshot.read_columns(tmp_path)["fields"]["csr"]) == set(CSR_KINDS)
    meta_path = tmp_path / snapshot.COLUMNS / snapshot.META
    meta = json.loads(meta_path.read_text())
    del meta["csr"][FILTERS[0].name]
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(snapshot.Damaged):
        snapshot.read_columns(tmp_path)