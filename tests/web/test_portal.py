"""The partner portal and the review queue through real HTTP (Flask's client), real sign-in links from a local
SMTP server, SpatiaLite: a submission waits for review, the admin's diff is escaped, approval publishes and
emails, other partners' revisions are 404s, forged admin fields are a 400 naming the field, and bad input gets
a message on its field with nothing saved."""
from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from locator.models import AuditEntry, Logo, Revision
from tests.support.smtp import text_of
from tests.web.portal_support import field_error, form_of, page_token, portal_site, post_multipart, signed_in, stored


@pytest.fixture
def site(tmp_path, make_app, smtp_server):
    return portal_site(tmp_path, make_app, smtp_server)


def count(app, model) -> int:
    with app.extensions["locator"].db.session() as db:
        return db.scalar(select(func.count()).select_from(model))


def png(width: int = 300, height: int = 120) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (90, 44, 160, 255)).save(out, "PNG")
    return out.getvalue()


def png_bomb(side: int = 30000) -> bytes:
    """A tiny PNG declaring side×side pixels of zeros (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * side
    body = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_a_submission_waits_for_review_then_the_admin_approves_and_the_partner_is_emailed(site, smtp_server):
    app, slugs = site
    owner = signed_in(app, smtp_server, "owner@partner.example")
    admin = signed_in(app, smtp_server, "admin@vendor.example")
    page = owner.get("/partner")
    assert page.status_code == 200 and "Acme Portal GmbH" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    record = stored(app, slugs["acme"])
    new_text = "We run <b>Kubernetes</b> platforms & migrations in Berlin. " * 8
    response = owner.post("/partner", data=form_of(record, page_token(owner, "/partner"), description=new_text))
    assert response.status_code == 303 and "done=submitted" in response.headers["Location"]

    public = app.test_client().get(f"/partners/{slugs['acme']}").get_data(as_text=True)
    assert "platforms" not in public  # the live profile is unchanged until approval
    queue = admin.get("/admin").get_data(as_text=True)
    assert "Acme Portal GmbH" in queue and "description" in queue
    revision_id = int(re.search(r"/admin/revisions/(\d+)", queue).group(1))
    review = admin.get(f"/admin/revisions/{revision_id}").get_data(as_text=True)
    assert "<ins>" in review and "&lt;b&gt;Kubernetes&lt;/b&gt;" in review and "<b>Kubernetes" not in review

    approved = admin.post(f"/admin/revisions/{revision_id}/approve", data={"csrf_token": page_token(admin, f"/admin/revisions/{revision_id}")})
    assert approved.status_code == 303
    message = smtp_server.wait_for("owner@partner.example", count=2)[-1]  # the sign-in link, then the decision
    assert "live" in message["Subject"] and f"/partners/{slugs['acme']}" in text_of(message)
    public = app.test_client().get(f"/partners/{slugs['acme']}").get_data(as_text=True)
    assert "&lt;b&gt;Kubernetes&lt;/b&gt; platforms" in public and "<b>Kubernetes" not in public

    history = admin.get(f"/admin/partners/{slugs['acme']}").get_data(as_text=True)
    actions = re.findall(r'data-action="(\w+)"', history)
    assert actions == ["approved", "submitted", "import"]
    assert "owner@partner.example" in history and "admin@vendor.example" in history


def test_a_rejection_needs_a_reason_and_emails_it(site, smtp_server):
    app, slugs = site
    owner = signed_in(app, smtp_server, "owner@partner.example")
    admin = signed_in(app, smtp_server, "admin@vendor.example")
    owner.post("/partner", data=form_of(stored(app, slugs["acme"]), page_token(owner, "/partner"), name="ACME!!!"))
    with app.extensions["locator"].db.session() as db:
        revision_id = db.scalar(select(Revision.id))
    token = page_token(admin, f"/admin/revisions/{revision_id}")
    empty = admin.post(f"/admin/revisions/{revision_id}/reject", data={"csrf_token": token, "reason": " "})
    assert empty.status_code == 400 and field_error(empty.get_data(as_text=True), "reason")
    done = admin.post(f"/admin/revisions/{revision_id}/reject", data={"csrf_token": token, "reason": "Use your <legal> name."})
    assert done.status_code == 303
    message = smtp_server.wait_for("owner@partner.example", count=2)[-1]
    assert "not approved" in message["Subject"] and "Use your <legal> name." in text_of(message)
    assert stored(app, slugs["acme"])["name"] == "Acme Portal GmbH"
    portal = owner.get("/partner").get_data(as_text=True)
    assert "Use your &lt;legal&gt; name." in portal


def test_other_partners_revisions_and_the_admin_pages_are_404s_for_a_partner(site, smtp_server):
    app, slugs = site
    owner = signed_in(app, smtp_server, "owner@partner.example")
    other = signed_in(app, smtp_server, "someone@other.example")
    owner.post("/partner", data=form_of(stored(app, slugs["acme"]), page_token(owner, "/partner"), phone="+49 30 999"))
    with app.extensions["locator"].db.session() as db:
        revision_id = db.scalar(select(Revision.id))
    assert owner.get(f"/partner/revisions/{revision_id}").status_code == 200
    assert other.get(f"/partner/revisions/{revision_id}").status_code == 404
    assert other.get(f"/partner/revisions/{revision_id + 1}").status_code == 404
    for path in ("/admin", f"/admin/revisions/{revision_id}", f"/admin/partners/{slugs['acme']}",
                 f"/admin/partners/{slugs['acme']}/edit"):
        assert other.get(path).status_code == 404, path
    assert "Other Co" in other.get("/partner").get_data(as_text=True)
    assert "+49 30 999" not in other.get("/partner").get_data(as_text=True)
    anonymous = app.test_client()
    assert anonymous.get("/partner").status_code == 303 and anonymous.get("/admin").status_code == 303


@pytest.mark.parametrize("field,value", [("track", "select"), ("published", "0"), ("certifications", "kcsp"),
                                         ("internal_notes", "x"), ("slug", "stolen"), ("id", "OTHER")])
def test_a_forged_admin_field_is_refused_naming_it(site, smtp_server, field, value):
    app, slugs = site
    owner = signed_in(app, smtp_server, "owner@partner.example")
    data = form_of(stored(app, slugs["acme"]), page_token(owner, "/partner"), description="Changed.")
    data[field] = value
    response = owner.post("/partner", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field.split("_")[0] if field.startswith("internal") else field
    assert count(app, Revision) == 0


def test_bad_input_gets_a_message_on_its_field_and_nothing_is_saved(site, smtp_server):
    app, slugs = site
    owner = signed_in(app, smtp_server, "owner@partner.example")
    record = stored(app, slugs["acme"])
    before = count(app, AuditEntry)
    cases = [
        ({"description": "x" * 100_000}, None, "description", "20000"),
        ({"website": "javascript:alert(1)"}, None, "website", "http"),
        ({"email": "<script>@x"}, None, "email", "email"),
        ({"services": ["kubernetes", "<b>made-up</b>"]}, None, "services", "unknown"),
        ({}, ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "logo_url", "SVG"),
        ({}, ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (20 * 1024 * 1024)), "logo_url", "MB"),
        ({}, ("bomb.png", png_bomb()), "logo_url", "pixels"),
        ({}, ("broken.png", png()[:60]), "logo_url", "damaged"),
    ]
    for changes, upload, field, words in cases:
        data = form_of(record, page_token(owner, "/partner"), name="Renamed <i>Acme</i>", **changes)
        if upload:
            data["logo_file"] = (io.BytesIO(upload[1]), upload[0])
        response = post_multipart(owner, "/partner", data)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, (field, body[:500])
        message = field_error(body, field)
        assert message and words.lower() in message.lower(), (field, message)
        assert "<b>made-up</b>" not in body and "<i>Acme</i>" not in body  # shown as text
    assert count(app, Revision) == 0 and count(app, Logo) == 0 and count(app, AuditEntry) == before


def test_an_uploaded_logo_is_re_encoded_and_served_immutable(site, smtp_server):
    app, slugs = site
    owner = signed_in(app, smtp_server, "owner@partner.example")
    data = form_of(stored(app, slugs["acme"]), page_token(owner, "/partner"))
    data["logo_file"] = (io.BytesIO(png(1200, 400)), "logo.png")
    assert post_multipart(owner, "/partner", data).status_code == 303
    with app.extensions["locator"].db.session() as db:
        proposed = db.scalar(select(Revision.proposed))["logo_url"]
    path = re.search(r"/logos/[0-9a-f]{64}\.png$", proposed).group(0)
    served = app.test_client().get(path)
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert "immutable" in served.headers["Cache-Control"] and "max-age=31536000" in served.headers["Cache-Control"]
    assert Image.open(io.BytesIO(served.data)).size == (512, 171)
    assert app.test_client().get("/logos/" + "0" * 64 + ".png").status_code == 404
    assert app.test_client().get("/logos/../secret_key").status_code == 404


def test_an_address_the_geocoder_cannot_place_is_kept_and_flagged(site, smtp_server):
    app, slugs = site
    owner = signed_in(app, smtp_server, "owner@partner.example")
    record = stored(app, slugs["acme"])
    offices = record["offices"] + [{"label": "Lab", "address": "1 Nowhere Lane", "city": "Xyzzyville", "country": ""}]
    preview = owner.post("/partner", data=form_of(record, page_token(owner, "/partner"), action="preview", offices=offices))
    assert preview.status_code == 200
    assert "We could not place this address on the map" in preview.get_data(as_text=True)
    moved = dict(record["offices"][0], address="Karl-Marx-Allee 1", lat=52.5, lon=13.43, geocode_source="manual")
    typed = {"label": "Hamburg", "city": "Hamburg", "country": "DE"}
    response = owner.post("/partner", data=form_of(record, page_token(owner, "/partner"),
                                                   offices=[moved, typed, offices[1]]))
    assert response.status_code == 303
    with app.extensions["locator"].db.session() as db:
        kept = db.scalar(select(Revision.proposed))["offices"]
    assert (kept[0]["lat"], kept[0]["lon"], kept[0]["geocode_source"]) == (52.5, 13.43, "manual")
    assert kept[1]["lat"] == pytest.approx(53.55, abs=0.1)  # geocoded as an import would
    assert kept[2]["label"] == "Lab" and kept[2]["lat"] is None and kept[2]["lon"] is None


def test_a_changed_address_is_placed_again_unless_the_pin_was_dragged(site, smtp_server):
    app, slugs = site
    owner = signed_in(app, smtp_server, "owner@partner.example")
    record = stored(app, slugs["acme"])
    old_key = "|".join(record["offices"][0].get(k) or "" for k in ("address", "city", "region", "postal_code", "country"))
    stale = dict(record["offices"][0], city="Hamburg", address=None, placed=old_key)  # the Berlin point came back
    assert owner.post("/partner", data=form_of(record, page_token(owner, "/partner"), offices=[stale])).status_code == 303
    with app.extensions["locator"].db.session() as db:
        office = db.scalar(select(Revision.proposed))["offices"][0]
    assert office["lat"] == pytest.approx(53.55, abs=0.1)


def test_the_portal_shows_what_is_missing_and_how_the_edit_moves_the_rank(site, smtp_server):
    app, slugs = site
    owner = signed_in(app, smtp_server, "owner@partner.example")
    page = owner.get("/partner").get_data(as_text=True)
    assert re.search(r"Write a description of at least 400 characters</span> <strong>\+20<", page)
    assert "Add your certifications</span> (the channel team adds these)" in page
    assert "Kubernetes near Berlin" in page
    now = [re.sub(r"\s+", "", v) for v in re.findall(r"data-rank-now>(.*?)</td>", page, re.S)]
    record = stored(app, slugs["acme"])
    better = form_of(record, page_token(owner, "/partner"), action="preview", description="Kubernetes. " * 50,
                     website="https://acme.example", email="a@acme.example", languages=["de", "en"],
                     segments=["smb"], industries=["finance"], services=["kubernetes", "migration", "training"])
    preview = owner.post("/partner", data=better).get_data(as_text=True)
    after = [re.sub(r"\s+", "", v) for v in re.findall(r"data-rank-after>(.*?)</td>", preview, re.S)]
    assert now[0] == "7th" and after[0] in ("1st", "2nd")  # six complete rivals nearby, then none ahead
    assert count(app, Revision) == 0  # a preview saves nothing


def test_an_admin_edits_admin_fields_directly_and_restores_an_earlier_version(site, smtp_server):
    app, slugs = site
    admin = signed_in(app, smtp_server, "admin@vendor.example")
    path = f"/admin/partners/{slugs['acme']}/edit"
    data = form_of(stored(app, slugs["acme"]), page_token(admin, path), description="Edited by the channel team.")
    data.pop("action")
    data.update(track="select", published="1", internal_notes="Key account")
    assert admin.post(path, data=data).status_code == 303
    live = stored(app, slugs["acme"])
    assert (live["track"], live["description"], live["internal"]["notes"]) == ("select", "Edited by the channel team.",
                                                                                "Key account")
    history = admin.get(f"/admin/partners/{slugs['acme']}").get_data(as_text=True)
    first = re.findall(r'/restore/(\d+)"', history)[-1]  # the import's version
    restored = admin.post(f"/admin/partners/{slugs['acme']}/restore/{first}",
                          data={"csrf_token": page_token(admin, f"/admin/partners/{slugs['acme']}")})
    assert restored.status_code == 303
    live = stored(app, slugs["acme"])
    assert (live["track"], live["description"]) == ("open", "Short.")
    history = admin.get(f"/admin/partners/{slugs['acme']}").get_data(as_text=True)
    assert re.findall(r'data-action="(\w+)"', history) == ["restore", "admin_edit", "import"]


def test_regions_served_are_chosen_from_the_regions_of_its_countries(site, smtp_server):
    app, slugs = site
    owner = signed_in(app, smtp_server, "owner@partner.example")
    page = owner.get("/partner").get_data(as_text=True)
    assert '<option value="DE-BY">Bavaria (DE)</option>' in page
    record = stored(app, slugs["acme"])
    bad = owner.post("/partner", data=form_of(record, page_token(owner, "/partner"), regions_served=["DE-BY", "XX-YY"]))
    assert bad.status_code == 400 and "XX-YY" in field_error(bad.get_data(as_text=True), "regions_served")
    good = owner.post("/partner", data=form_of(record, page_token(owner, "/partner"), regions_served=["de-by"]))
    assert good.status_code == 303
    with app.extensions["locator"].db.session() as db:
        assert db.scalar(select(Revision.proposed))["regions_served"] == ["DE-BY"]


def test_an_admin_edit_with_bad_input_changes_nothing_and_says_why_on_the_field(site, smtp_server):
    app, slugs = site
    admin = signed_in(app, smtp_server, "admin@vendor.example")
    path = f"/admin/partners/{slugs['acme']}/edit"
    before = stored(app, slugs["acme"])
    data = form_of(before, page_token(admin, path), website="ftp://acme.example", description="Changed.")
    data.pop("action")
    data.update(track="platinum", published="1")
    response = admin.post(path, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "http" in field_error(body, "website") and "platinum" in field_error(body, "track")
    assert stored(app, slugs["acme"]) == before


def test_every_user_of_the_partner_is_emailed_the_decision(site, smtp_server):
    from tests.support.accounts import add_user

    app, slugs = site
    add_user(app, "second@partner.example", "partner", slugs["acme"])
    owner = signed_in(app, smtp_server, "owner@partner.example")
    admin = signed_in(app, smtp_server, "admin@vendor.example")
    owner.post("/partner", data=form_of(stored(app, slugs["acme"]), page_token(owner, "/partner"), phone="+49 30 5"))
    with app.extensions["locator"].db.session() as db:
        revision_id = db.scalar(select(Revision.id))
    admin.post(f"/admin/revisions/{revision_id}/approve",
               data={"csrf_token": page_token(admin, f"/admin/revisions/{revision_id}")})
    assert "live" in smtp_server.wait_for("second@partner.example")[-1]["Subject"]
    assert "live" in smtp_server.wait_for("owner@partner.example", count=2)[-1]["Subject"]
    assert not smtp_server.wait_for("someone@other.example", count=0)  # another partner's user hears nothing
