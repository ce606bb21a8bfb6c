"""Revisions and the audit trail on both backends: a submission leaves the live profile alone, approval writes
through the one write path (completeness, change log, audit), rejection and admin edits are audited, a forged
admin field is refused naming it, restore brings back an earlier version, and export still round-trips."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from locator import audit, revisions
from locator.audit import Actor
from locator.errors import InvalidParameter
from locator.ingest.export import export_records
from locator.ingest.importer import import_path
from locator.models import AuditEntry, Partner, Revision
from locator.store import last_change_id
from tests.factories import make_partner, office

OWNER = Actor.user(7, "owner@partner.example")
ADMIN = Actor.user(1, "admin@vendor.example")


def actions(session, partner) -> list[str]:
    return [e.action for e in reversed(audit.history(session, partner.id))]


def test_a_submission_is_pending_and_the_live_profile_does_not_change(session):
    partner = make_partner(session, name="Acme", description="Old words.")
    revision = revisions.submit(session, partner, {"description": "New <b>words</b>."}, OWNER)
    session.flush()
    session.refresh(partner)
    assert revision.status == "pending" and revision.fields == ["description"]
    assert partner.description == "Old words."
    assert revision.proposed["description"] == "New <b>words</b>."
    assert actions(session, partner) == ["import", "submitted"]
    submitted = audit.history(session, partner.id)[0]
    assert submitted.actor == "owner@partner.example" and submitted.actor_user_id == 7
    assert submitted.changes == {"description": {"old": "Old words.", "new": "New <b>words</b>."}}


def test_approval_writes_through_the_store_recomputes_completeness_and_advances_the_change_log(session):
    partner = make_partner(session, description="Short.", website=None)
    before_score, before_change = partner.completeness, last_change_id(session)
    revision = revisions.submit(session, partner, {"description": "x" * 400, "website": "https://acme.example"}, OWNER)
    revisions.approve(session, revision, ADMIN)
    session.flush()
    session.refresh(partner)
    assert partner.description == "x" * 400 and partner.website == "https://acme.example"
    assert partner.completeness > before_score
    assert last_change_id(session) > before_change
    assert revision.status == "approved" and revision.decided_by == "admin@vendor.example"
    approved = audit.history(session, partner.id)[0]
    assert approved.action == "approved" and approved.revision_id == revision.id
    assert set(approved.fields) == {"description", "website"}
    assert approved.changes["website"] == {"old": None, "new": "https://acme.example"}


def test_approval_applies_only_the_revised_fields_onto_what_is_live_now(session):
    partner = make_partner(session, description="Old.", phone=None)
    revision = revisions.submit(session, partner, {"description": "New."}, OWNER)
    revisions.admin_edit(session, partner, {"phone": "+49 30 123456"}, ADMIN)  # after the submission
    revisions.approve(session, revision, ADMIN)
    session.flush()
    session.refresh(partner)
    assert (partner.description, partner.phone) == ("New.", "+49 30 123456")


def test_rejection_keeps_the_live_profile_and_records_the_reason(session):
    partner = make_partner(session, name="Acme")
    revision = revisions.submit(session, partner, {"name": "Acme Best Ever"}, OWNER)
    with pytest.raises(revisions.ProfileInvalid) as empty:
        revisions.reject(session, revision, ADMIN, "  ")
    assert "reason" in empty.value.errors
    revisions.reject(session, revision, ADMIN, "Use your legal name.")
    session.flush()
    session.refresh(partner)
    assert partner.name == "Acme" and revision.status == "rejected" and revision.reason == "Use your legal name."
    rejected = audit.history(session, partner.id)[0]
    assert (rejected.action, rejected.fields, rejected.note) == ("rejected", ["name"], "Use your legal name.")
    with pytest.raises(InvalidParameter):
        revisions.approve(session, revision, ADMIN)  # decided once


@pytest.mark.parametrize("name,value", [("track", "select"), ("certifications", ["kcsp"]), ("published", False),
                                        ("internal", {"notes": "x"}), ("id", "OTHER"), ("slug", "other")])
def test_a_partner_cannot_submit_admin_fields(session, name, value):
    partner = make_partner(session)
    with pytest.raises(InvalidParameter) as refused:
        revisions.submit(session, partner, {"description": "fine", name: value}, OWNER)
    assert refused.value.field == name
    assert session.scalar(select(Revision).where(Revision.partner_id == partner.id)) is None


def test_the_import_schema_judges_an_edit_field_by_field_and_nothing_is_saved(session):
    partner = make_partner(session)
    edits = {"website": "javascript:alert(1)", "email": "not an email", "description": "y" * 100_000,
             "services": ["kubernetes", "made-up-service"], "offices": [office(country="XX")]}
    with pytest.raises(revisions.ProfileInvalid) as invalid:
        revisions.submit(session, partner, edits, OWNER)
    errors = invalid.value.errors
    assert {"website", "email", "description", "services[1]", "offices[0].country"} <= set(errors)
    assert "http" in errors["website"] and "20000" in errors["description"]
    assert session.scalar(select(Revision).where(Revision.partner_id == partner.id)) is None
    assert actions(session, partner) == ["import"]


def test_a_new_submission_replaces_the_pending_one(session):
    partner = make_partner(session, phone=None)
    first = revisions.submit(session, partner, {"phone": "+1 555 0100"}, OWNER)
    second = revisions.submit(session, partner, {"phone": "+1 555 0199"}, OWNER)
    session.flush()
    session.refresh(first)
    assert first.status == "superseded" and revisions.pending_revision(session, partner.id).id == second.id
    assert revisions.submit(session, partner, {"phone": None}, OWNER) is None  # back to the live value: withdrawn
    assert revisions.pending_revision(session, partner.id) is None


def test_an_office_the_geocoder_cannot_place_is_kept_without_a_point():
    offices = [{"label": "HQ", "address": "Nowhere lane 1", "city": "Xyzzyville", "country": None},
               {"label": "Berlin", "city": "Berlin", "country": "DE"}]
    from locator.config import Config
    from locator.geocoding import geocoder_for

    assert revisions.place_offices(offices, geocoder_for(Config())) == [0]
    assert offices[0].get("lat") is None and offices[0]["label"] == "HQ"
    assert offices[1]["lat"] == pytest.approx(52.52, abs=0.05) and offices[1]["geocode_source"]


def test_admin_edit_and_restore_are_audited_and_restore_brings_back_the_version(session):
    partner = make_partner(session, name="Acme", description="First.", track="open")
    revisions.admin_edit(session, partner, {"description": "Second.", "track": "select"}, ADMIN)
    revisions.admin_edit(session, partner, {"description": "Third.", "name": "Acme Renamed"}, ADMIN)
    session.flush()
    first_edit = audit.history(session, partner.id)[1]
    assert first_edit.action == "admin_edit" and first_edit.changes["track"] == {"old": "open", "new": "select"}
    revisions.restore(session, partner, first_edit.id, ADMIN)
    session.flush()
    session.refresh(partner)
    assert (partner.name, partner.description, partner.track) == ("Acme", "Second.", "select")
    assert actions(session, partner) == ["import", "admin_edit", "admin_edit", "restore"]
    restored = audit.history(session, partner.id)[0]
    assert set(restored.fields) == {"name", "description"} and f"#{first_edit.id}" in restored.note
    submitted = revisions.submit(session, partner, {"description": "Pending."}, OWNER)
    session.flush()
    with pytest.raises(InvalidParameter):  # a submission changed nothing live: not a version to restore
        revisions.restore(session, partner, audit.history(session, partner.id)[0].id, ADMIN)
    assert submitted.status == "pending"


def test_an_import_is_audited_with_its_file_and_export_still_round_trips(session, tmp_path):
    path = tmp_path / "partners.json"
    path.write_text(json.dumps([{"id": "IMP1", "name": "Imported", "description": "From a file.",
                                 "offices": [{"city": "Berlin", "country": "DE", "lat": 52.52, "lon": 13.405}]}]))
    report = import_path(session, path, geocoder=None)
    assert report.written and report.created == 1
    partner = session.scalar(select(Partner).where(Partner.external_id == "IMP1"))
    entry = audit.history(session, partner.id)[0]
    assert (entry.actor, entry.action) == ("import:partners.json", "import")
    assert "description" in entry.fields and entry.changes["description"] == {"old": None}  # a creation: names only
    path.write_text(json.dumps([{"id": "IMP1", "name": "Imported", "description": "Changed in the file.",
                                 "offices": [{"city": "Berlin", "country": "DE", "lat": 52.52, "lon": 13.405}]}]))
    import_path(session, path, geocoder=None)
    updated = audit.history(session, partner.id)[0]
    assert updated.fields == ["description"] and updated.changes["description"]["old"] == "From a file."

    revision = revisions.submit(session, partner, {"description": "Edited in the portal."}, OWNER)
    revisions.approve(session, revision, ADMIN)
    session.flush()
    exported = [r for r in export_records(session) if r["id"] == "IMP1"]
    out = tmp_path / "again.json"
    out.write_text(json.dumps(exported))
    again = import_path(session, out, geocoder=None)
    assert again.unchanged == 1 and again.updated == 0
    assert session.scalar(select(AuditEntry).where(AuditEntry.partner_id == partner.id)
                          .order_by(AuditEntry.id.desc())).action == "approved"  # nothing changed: no entry


def test_choosing_the_same_codes_in_another_order_changes_nothing(session):
    partner = make_partner(session, services=["migration", "kubernetes"], languages=["en", "de"], phone=None)
    revision = revisions.submit(session, partner, {"services": ["kubernetes", "migration", "training"],
                                                   "languages": ["de", "en"], "phone": "+49 30 1"}, OWNER)
    assert revision.fields == ["phone", "services"]
    assert revision.proposed["services"] == ["migration", "kubernetes", "training"]
