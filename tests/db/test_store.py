"""The write path: single and batched upserts share one mapping; slugs stay unique; unchanged detection."""
from __future__ import annotations

from sqlalchemy import select

from locator.models import Change, Partner
from locator.store import (
    SlugRegistry,
    apply_partner,
    apply_partners,
    existing_partners,
    last_change_id,
    load_partners,
    partner_record,
    same_record,
    slugify,
)
from tests.factories import make_partner, office, partner_data


def test_slugify_folds_accents_and_symbols():
    assert slugify("Société Générale & Co.") == "societe-generale-co"
    assert slugify("上海") == "partner"


def test_apply_partner_creates_then_updates(session):
    data = partner_data(name="Ünique Name GmbH")
    partner = apply_partner(session, data)
    assert partner.slug == "unique-name-gmbh"
    marker = last_change_id(session)
    data["name"] = "Ünique Name GmbH"
    data["offices"] = [office(), office(48.1, 11.6, city="München")]
    again = apply_partner(session, data)
    assert again.id == partner.id
    assert [o.city for o in again.offices] == ["Berlin", "München"]
    assert last_change_id(session) > marker


def test_same_name_gets_a_numbered_slug(session):
    first = make_partner(session, name="Twin Corp")
    second = make_partner(session, name="Twin Corp")
    assert first.slug == "twin-corp" and second.slug == "twin-corp-2"


def test_batched_write_matches_single_writes(session):
    records = [partner_data(name="Batch Co"), partner_data(name="Batch Co", offices=[office(), office(48.1, 11.6)]),
               partner_data(name="Other")]
    updated = make_partner(session, name="Renamed Later")
    slugs = SlugRegistry(session)
    before = last_change_id(session)
    changed = dict(partner_record(updated), name="Renamed Now")
    ids = apply_partners(session, [(changed, updated)] + [(r, None) for r in records], slugs)
    session.expire_all()
    partners = load_partners(session, ids)
    by_id = {p.external_id: p for p in partners}
    assert [by_id[r["id"]].slug for r in records] == ["batch-co", "batch-co-2", "other"]
    assert by_id[updated.external_id].name == "Renamed Now"
    changes = session.scalars(select(Change).where(Change.id > before)).all()
    assert sorted(c.partner_id for c in changes) == sorted(ids)
    assert apply_partner(session, partner_data(name="Batch Co")).slug == "batch-co-3"
    # the batched insert stores exactly what the single write path stores
    single = apply_partner(session, dict(records[1], id="copy"))
    strip = lambda r: {k: v for k, v in r.items() if k not in ("id", "slug")}  # noqa: E731
    assert strip(partner_record(by_id[records[1]["id"]])) == strip(partner_record(single))
    assert by_id[records[1]["id"]].offices[1].location is not None
    assert by_id[records[1]["id"]].completeness == single.completeness


def test_same_record_detects_any_change(session):
    data = partner_data(internal={"channel_account_manager": "Kim", "contacts": [], "notes": None})
    partner = apply_partner(session, data)
    record = partner_record(partner)
    assert same_record(partner, record)
    assert same_record(partner, {k: v for k, v in record.items() if k != "slug"})
    for key, value in [("name", "New"), ("languages", ["fr"]), ("published", False),
                       ("offices", []), ("internal", {"channel_account_manager": "Lee", "contacts": [], "notes": None})]:
        assert not same_record(partner, dict(record, **{key: value})), key


def test_existing_and_load_partners(session):
    a, b = make_partner(session), make_partner(session)
    found = existing_partners(session, [a.external_id, "nope", b.external_id], chunk=1)
    assert set(found) == {a.external_id, b.external_id}
    assert [p.id for p in load_partners(session, [b.id, a.id])] == sorted([a.id, b.id])


def test_completeness_is_stored_and_recomputed(session):
    partner = make_partner(session, logo_url=None)
    without = partner.completeness
    data = partner_record(partner)
    data["logo_url"] = "https://example.com/logo.png"
    assert apply_partner(session, data).completeness == without + 10
    assert session.scalar(select(Partner.completeness).where(Partner.id == partner.id)) == without + 10
