"""The seller CSV opens as is in Excel and Google Sheets: UTF-8 with a BOM, headers in words, labels not
codes, one column per fact (contacts split), the office's place and coordinates, the search in the file
name; formula cells neutralised. Downloaded through a signed-in seller session and parsed from the bytes."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from locator.auth import create_token
from locator.search.query import SearchQuery
from locator.geocoding import Location
from locator.formats.seller_csv import CSV_COLUMNS, FORMULA_PREFIXES, ascii_slug, export_filename
from tests.factories import make_partner, office
from tests.web.webapp import pages_app, signed_in_seller

HANGUL = "서울 클라우드 파트너스"
HEBREW = "שותפי ענן בע״מ"
UMLAUT = "Müller Systemhaus Köln"
POTSDAM = (52.3906, 13.0645)
CONTACTS = [{"name": "Kim Min-jun", "role": "Account executive", "email": "minjun@seoul.example", "phone": "+82 2 555 0101"},
            {"name": "Lee Ji-woo", "role": "Solutions architect", "email": "jiwoo@seoul.example"},
            {"name": "Park Seo-yeon", "email": "seoyeon@seoul.example"},
            {"name": "Choi Do-hyun", "role": "=cmd|' /C calc'!A0", "email": "dohyun@seoul.example"}]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("seller-csv"), xss=False) as (app, slugs):
        with app.extensions["locator"].db.session() as session:
            make_partner(session, name=HANGUL, languages=["ko", "zh"], types=["reseller-var", "msp"],
                         services=["kubernetes"], segments=["enterprise"], certifications=["kcsp"],
                         countries_served=["AT", "KR"], email="hello@seoul.example", phone="+82 2 555 0100",
                         website="https://seoul.example",
                         offices=[office(37.5665, 126.978, label="Seoul HQ", city="Seoul", country="KR", headquarters=True),
                                  office(*POTSDAM, label="Potsdam office", city="Potsdam", region="Brandenburg",
                                         postal_code="14467", address="Friedrich-Ebert-Straße 79, 14467 Potsdam")],
                         internal={"channel_account_manager": "Sam CAM", "contacts": CONTACTS})
            make_partner(session, name=HEBREW, languages=["he"], offices=[office(52.53, 13.41, city="Berlin")])
            make_partner(session, name=UMLAUT, languages=["de"], offices=[office(52.51, 13.40, city="Berlin")])
            make_partner(session, name="Western Hemisphere Partner", offices=[office(-33.45, -70.66, city="Santiago", country="CL")])
            token = create_token(session, "CSV seller")
        yield app, token


@pytest.fixture(scope="module")
def client(site):
    return signed_in_seller(*site)


def download(client, query: str):
    response = client.get(f"/sellers/export.csv?{query}")
    assert response.status_code == 200
    return response, response.get_data()


def parse(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    text = data.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    return header, list(csv.DictReader(io.StringIO(text)))


def test_the_file_is_utf8_with_a_bom_and_headers_in_words(client):
    response, data = download(client, "near=Berlin&radius_km=100")
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads a BOM-less CSV in the local code page
    assert response.mimetype == "text/csv" and response.mimetype_params.get("charset") == "utf-8"
    header, rows = parse(data)
    assert header == list(CSV_COLUMNS)
    assert {"Partner", "Distance (km)", "Nearest office", "Latitude", "Longitude", "Contact 1 name",
            "Contact 3 email", "Countries served", "Certifications", "Email", "Phone"} <= set(header)
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9 ()%]*", name) for name in header), header
    names = {row["Partner"] for row in rows}
    assert {HANGUL, HEBREW, UMLAUT, "Acme Berlin DevOps"} <= names  # every script intact
    assert HANGUL.encode() in data and HEBREW.encode() in data and "ü".encode() in data


def test_labels_not_codes_and_one_column_per_fact(client):
    _, data = download(client, "near=Berlin&radius_km=100")
    _, rows = parse(data)
    row = next(r for r in rows if r["Partner"] == HANGUL)
    assert row["Languages"] == "Korean; Chinese"
    assert row["Partner types"] == "Value-added reseller; Managed service provider"
    assert row["Track"] == "Open" and row["Published"] == "Yes" and row["Serves remotely"] == "No"
    assert row["Services"] == "Kubernetes" and row["Customer segments"] == "Enterprise"
    assert row["Certifications"] == "Kubernetes Certified Service Provider"
    assert row["Countries served"] == "Austria; South Korea"
    assert row["Email"] == "hello@seoul.example" and row["Phone"] == "'+82 2 555 0100"  # '+…' would be a formula
    assert row["Website"] == "https://seoul.example"
    assert row["Nearest office"] == "Potsdam, Brandenburg, Germany"  # the nearest, with its region
    assert (row["Office"], row["City"], row["Region"], row["Country"]) == ("Potsdam office", "Potsdam", "Brandenburg", "Germany")
    assert row["Street address"] == "Friedrich-Ebert-Straße 79" and row["Postal code"] == "14467"
    assert (float(row["Latitude"]), float(row["Longitude"])) == POTSDAM
    assert 20 < float(row["Distance (km)"]) < 35
    assert row["Channel account manager"] == "Sam CAM"
    assert [row[f"Contact 1 {f}"] for f in ("name", "role", "email", "phone")] == [
        "Kim Min-jun", "Account executive", "minjun@seoul.example", "'+82 2 555 0101"]
    assert [row[f"Contact 2 {f}"] for f in ("name", "role", "email", "phone")] == [
        "Lee Ji-woo", "Solutions architect", "jiwoo@seoul.example", ""]
    assert (row["Contact 3 name"], row["Contact 3 role"]) == ("Park Seo-yeon", "")
    assert row["Other contacts"] == "Choi Do-hyun; =cmd|' /C calc'!A0; dohyun@seoul.example"  # not at the start: inert
    acme = next(r for r in rows if r["Partner"] == "Acme Berlin DevOps")
    assert acme["Partner types"] == "Global systems integrator" and acme["Languages"] == "German; English"
    assert acme["Nearest office"] == "Berlin, Germany" and acme["Street address"] == "Unter den Linden 1"


def test_without_a_place_the_office_columns_describe_the_headquarters(client):
    _, data = download(client, f"q={HANGUL.split()[0]}")
    _, rows = parse(data)
    row = next(r for r in rows if r["Partner"] == HANGUL)
    assert row["Nearest office"] == "" and row["Distance (km)"] == ""
    assert (row["Office"], row["City"], row["Country"]) == ("Seoul HQ", "Seoul", "South Korea")


def test_coordinates_west_and_south_stay_numbers(client):
    _, data = download(client, "q=western")
    _, rows = parse(data)
    row = next(r for r in rows if r["Partner"] == "Western Hemisphere Partner")
    assert (row["Latitude"], row["Longitude"]) == ("-33.45000", "-70.66000")  # numbers, not quoted as formulas


def test_every_cell_is_safe_from_formulas(client):
    _, data = download(client, "near=Berlin&radius_km=100")
    _, rows = parse(data)
    for row in rows:
        for value in row.values():  # a plain number ('-3.70380', a longitude) is no formula
            assert not value.startswith(FORMULA_PREFIXES) or re.fullmatch(r"-?\d+(\.\d+)?", value), value
    acme = next(r for r in rows if r["Partner"] == "Acme Berlin DevOps")
    assert acme["Notes"].startswith("'=HYPERLINK(")


@pytest.mark.parametrize("query, name", [
    ("q=kubernetes&near=München&radius_km=100", r"partners-kubernetes-near-muenchen-100km-\d{8}\.csv"),
    ("service=kubernetes&language=de&near=Berlin", r"partners-kubernetes-de-near-berlin-100km-\d{8}\.csv"),
    ("near=서울&radius_km=25", r"partners-near-seoul-25km-\d{8}\.csv"),
    ("near=Germany&track=select", r"partners-select-near-germany-\d{8}\.csv"),
    ("lat=52.52&lon=13.405&radius_km=2.5", r"partners-near-52\.520-13\.405-2\.5km-\d{8}\.csv"),
    ("", r"partners-\d{8}\.csv"),
])
def test_the_file_name_says_the_search(client, query, name):
    response, _ = download(client, query)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.fullmatch(name, re.search(r'filename="?([^";]+)"?', disposition).group(1)), disposition


def test_file_names_are_plain_ascii():
    assert ascii_slug("München Straße") == "muenchen-strasse"
    assert ascii_slug('a/b\\c"d\r\n<e>') == "a-b-c-d-e"
    query = SearchQuery(q="x" * 300, near="Zürich")
    name = export_filename(query, Location(47.37, 8.54, "Zürich", "gazetteer", "CH"), 100.0, date(2026, 12, 1))
    assert name.isascii() and len(name) <= 120 and name.endswith("-20261201.csv")
