"""One registry of output formats (locator.formats) serves the API, the CLI and the seller export: the CLI's
CSV is the seller export's file, the CLI's GeoJSON is the API's, and the API offers only its own formats."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from locator.auth import create_token
from locator.cli import main
from locator.formats import API_FORMATS, FORMATS
from tests.factories import make_partner, office
from tests.web.webapp import pages_app, signed_in_seller

PUBLIC_URL = "https://partners.example"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("formats"), xss=False, public_url=PUBLIC_URL) as (app, _):
        with app.extensions["locator"].db.session() as session:
            make_partner(session, name="Potsdam Partner", languages=["de"], email="hi@potsdam.example",
                         offices=[office(52.3906, 13.0645, label="Potsdam office", city="Potsdam", region="Brandenburg",
                                         postal_code="14467", address="Friedrich-Ebert-Straße 79, 14467 Potsdam")],
                         internal={"channel_account_manager": "Sam CAM", "contacts": [{"name": "Kim", "phone": "+49 1"}]})
            make_partner(session, name="Hidden Berlin", published=False, offices=[office(52.53, 13.41, city="Berlin")])
            token = create_token(session, "Formats seller")
        yield app, token


@pytest.fixture
def cli(site, monkeypatch):
    app, _ = site
    cfg = app.config["LOCATOR"]
    monkeypatch.setenv("LOCATOR_INDEX_DIR", cfg.index_dir)
    monkeypatch.setenv("LOCATOR_PUBLIC_URL", PUBLIC_URL)

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, ["--database-url", cfg.database_url, "search", *args])
        assert result.exit_code == 0, result.output
        return result.stdout_bytes.decode("utf-8")  # as written (result.output turns CRLF into LF)

    return run


def seller_client(site):
    return signed_in_seller(*site)


def test_the_cli_csv_is_the_seller_export(site, cli):
    export = seller_client(site).get("/sellers/export.csv?near=Berlin&radius_km=100")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    printed = cli("--near", "Berlin", "--radius-km", "100", "--seller", "--format", "csv", "--per-page", "100")
    assert printed == export.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(printed.lstrip("\ufeff"))))
    assert {"Potsdam Partner", "Hidden Berlin"} <= {row["Partner"] for row in rows}
    potsdam = next(row for row in rows if row["Partner"] == "Potsdam Partner")
    assert potsdam["Street address"] == "Friedrich-Ebert-Straße 79" and potsdam["Channel account manager"] == "Sam CAM"
    assert potsdam["Profile URL"].startswith(PUBLIC_URL + "/partners/")


def test_the_public_cli_csv_has_no_internal_fields(cli):
    rows = list(csv.DictReader(io.StringIO(cli("--near", "Berlin", "--format", "csv").lstrip("\ufeff"))))
    assert "Hidden Berlin" not in {row["Partner"] for row in rows}
    assert all(row["Channel account manager"] == "" and row["Contact 1 name"] == "" for row in rows)


def test_the_cli_geojson_is_the_apis(site, cli):
    api = site[0].test_client().get("/api/v1/search?near=Berlin&format=geojson&geojson_features=offices")
    assert api.mimetype == FORMATS["geojson"].mimetype
    assert json.loads(cli("--near", "Berlin", "--format", "geojson", "--geojson-features", "offices")) == api.get_json()


def test_the_api_offers_its_formats_only(site):
    client = site[0].test_client()
    assert API_FORMATS == ("json", "geojson")
    response = client.get("/api/v1/search?format=csv")
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["field"] == "format"
    assert error["message"] == "format must be one of json, geojson"
    assert client.get("/api/v1/search", headers={"Accept": "application/geo+json"}).mimetype == "application/geo+json"
    assert client.get("/api/v1/search", headers={"Accept": "text/csv"}).mimetype == "application/json"
