"""The import can name a partner's first user (`user_email`, JSON and CSV), on both backends: created once,
never duplicated by a re-import, refused when it is not an address, and never exported."""
from __future__ import annotations

import csv
import json

from sqlalchemy import select

from locator.ingest.export import export_path
from locator.ingest.importer import import_path
from locator.ingest.readers import CSV_COLUMNS, csv_rows
from locator.models import Partner, User
from tests.factories import partner_data


def write_json(path, records):
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def users(session) -> dict[str, str]:
    rows = session.execute(select(User.email, Partner.external_id).join(Partner, Partner.id == User.partner_id))
    return dict(rows.all())


def test_user_email_makes_the_first_partner_user_once(session, tmp_path):
    records = [partner_data(id="U1", name="User One", user_email="Owner@One.example"),
               partner_data(id="U2", name="User Two")]
    report = import_path(session, write_json(tmp_path / "a.json", records), geocoder=None)
    assert report.errors == [] and report.derived["partner users added from user_email"] == 1
    assert users(session) == {"owner@one.example": "U1"}
    assert session.scalar(select(User.role).where(User.email == "owner@one.example")) == "partner"

    # A re-import, even naming someone else, adds nobody: the partner has its user.
    records[0]["user_email"] = "second@one.example"
    report = import_path(session, write_json(tmp_path / "b.json", records), geocoder=None)
    assert report.errors == [] and users(session) == {"owner@one.example": "U1"}

    # An address that is already another partner's user is a warning, not a second account.
    taken = [partner_data(id="U3", name="User Three", user_email="OWNER@one.example")]
    report = import_path(session, write_json(tmp_path / "c.json", taken), geocoder=None)
    assert report.errors == [] and any(p.field == "user_email" for p in report.problems)
    assert users(session) == {"owner@one.example": "U1"}


def test_user_email_in_csv_and_not_in_the_export(session, tmp_path):
    path = tmp_path / "in.csv"
    record = partner_data(id="C1", name="Csv Partner")
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=[*CSV_COLUMNS, "user_email"])
        writer.writeheader()
        for row in csv_rows(record):
            writer.writerow({**row, "user_email": "csv@partner.example"})
    report = import_path(session, path, geocoder=None)
    assert report.errors == [], report.text()
    assert users(session) == {"csv@partner.example": "C1"}
    export_path(session, tmp_path / "out.json")
    exported = (tmp_path / "out.json").read_text(encoding="utf-8")
    assert "user_email" not in exported and "csv@partner.example" not in exported
    export_path(session, tmp_path / "out.csv")
    assert "user_email" not in (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_a_bad_user_email_is_an_error_on_the_field_and_a_dry_run_adds_nobody(session, tmp_path):
    bad = [partner_data(id="B1", name="Bad Email", user_email="not an address")]
    report = import_path(session, write_json(tmp_path / "bad.json", bad), geocoder=None)
    assert [p.field for p in report.errors] == ["user_email"]
    good = [partner_data(id="D1", name="Dry Run", user_email="dry@run.example")]
    report = import_path(session, write_json(tmp_path / "dry.json", good), geocoder=None, dry_run=True)
    assert report.errors == [] and users(session) == {}
