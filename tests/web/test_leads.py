"""Contact requests (leads) on both backends with a real SMTP server: the API the widget posts to and the page
form store a lead with its provenance and route it (partner, account manager's copy, customer's confirmation);
bad input is a 400 naming the field; bots (honeypot, too fast, too often) store nothing and send nothing; a
partner sees only its own leads; the channel team lists, filters and exports them; purge, forget and remind."""
from __future__ import annotations

import csv
import io
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from locator import leads, metrics
from locator.cli import main
from locator.models import Lead, LeadRoute, Partner
from tests.factories import make_partner, office
from tests.support.accounts import add_user, csrf, sign_in_by_link
from tests.support.smtp import text_of

SECRET = "test-secret"
CAM = "Cam Manager <cam@vendor.example>"


@pytest.fixture
def site(fresh_db, make_app, smtp_server):
    with fresh_db.session() as session:
        acme = make_partner(session, name="Acme Kubernetes", email="hello@acme.example",
                            services=["kubernetes", "migration"], internal={"channel_account_manager": CAM})
        other = make_partner(session, name="Other Co", email="info@other.example",
                             internal={"channel_account_manager": "Just A Name"},
                             offices=[office(52.40, 13.06, city="Potsdam")])
        hidden = make_partner(session, name="Hidden Partner", published=False, email="h@hidden.example")
        slugs = {"acme": acme.slug, "other": other.slug, "hidden": hidden.slug}
    app = make_app(fresh_db, smtp_url=smtp_server.url, ratelimit_leads="1000/minute", ratelimit_forms="1000/minute",
                   ratelimit_sign_in="1000/minute", lead_min_fill_s=2.0)
    return app, slugs, fresh_db


def token(slug: str, age_s: float = 60) -> str:
    """A form token issued `age_s` seconds ago (a person took that long to fill the form)."""
    return leads.issue_token(SECRET, slug, now=time.time() - age_s)


def body(slug: str, **changes) -> dict:
    data = {"name": "Dana Customer", "email": "Dana@Customer.example", "company": "Customer AG", "country": "DE",
            "needs": ["kubernetes"], "message": "We need help moving to Kubernetes.\nSoon.", "consent": True,
            "website": "", "form_token": token(slug), "source": "widget",
            "search": {"near": "Berlin", "service": ["kubernetes"], "page": "3"}, "position": 2}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(client, slug: str, data: dict, origin: str = "https://shop.example"):
    return client.post(f"/api/v1/partners/{slug}/leads", json=data, headers={"Origin": origin})


def stored(db) -> list[Lead]:
    with db.session() as session:
        return list(session.scalars(select(Lead).order_by(Lead.id)))


def test_a_widget_lead_is_stored_with_its_provenance_and_routed(site, smtp_server):
    app, slugs, db = site
    client = app.test_client()
    accepted = metrics.LEADS.labels("accepted")._value.get()
    response = post(client, slugs["acme"], body(slugs["acme"]))
    assert response.status_code == 201, response.get_json()
    assert metrics.LEADS.labels("accepted")._value.get() == accepted + 1
    reference = response.get_json()["reference"]
    assert leads.REFERENCE_RE.fullmatch(reference)
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://shop.example")
    [lead] = stored(db)
    assert (lead.reference, lead.source, lead.origin, lead.position) == (reference, "widget", "https://shop.example", 2)
    assert lead.search == {"near": ["Berlin"], "service": ["kubernetes"]}  # paging is not the search
    assert (lead.email, lead.company, lead.needs, lead.status) == ("dana@customer.example", "Customer AG", ["kubernetes"], "new")
    to_partner = smtp_server.wait_for("hello@acme.example")[0]
    assert reference in str(to_partner["Subject"]) and "Customer AG" in str(to_partner["Subject"])
    assert "We need help moving to Kubernetes." in text_of(to_partner) and "dana@customer.example" in text_of(to_partner)
    copy = smtp_server.wait_for("cam@vendor.example")[0]
    assert str(copy["Subject"]).startswith("Copy:") and reference in text_of(copy)
    confirmation = smtp_server.wait_for("dana@customer.example")[0]
    assert reference in str(confirmation["Subject"]) and "Acme Kubernetes" in text_of(confirmation)
    time.sleep(0.3)
    assert len(smtp_server.messages) == 3


def test_the_lead_address_wins_and_a_name_only_manager_gets_no_copy(site, smtp_server):
    app, slugs, db = site
    with db.session() as session:
        other = session.scalar(select(Partner).where(Partner.slug == slugs["other"]))
        leads.set_lead_address(session, other.id, "Sales@Other.example")
    assert post(app.test_client(), slugs["other"], body(slugs["other"])).status_code == 201
    smtp_server.wait_for("sales@other.example")
    smtp_server.wait_for("dana@customer.example")
    time.sleep(0.3)
    assert not any("info@other.example" in str(m["To"]) for m in smtp_server.messages)
    assert len(smtp_server.messages) == 2


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"),
    ({"name": "Dana\r\nBcc: victim@example.com"}, "name"),
    ({"company": "Evil\u2028Subject: spam"}, "company"),
    ({"email": "not-an-address"}, "email"),
    ({"email": "a@b.example\nBcc: x@y.example"}, "email"),
    ({"email": "a@b.example, victim@c.example"}, "email"),
    ({"consent": False}, "consent"),
    ({"needs": ["teleportation"]}, "needs"),
    ({"country": "XX"}, "country"),
    ({"message": "x" * 3001}, "message"),
    ({"message": "see https://a.example https://b.example https://c.example"}, "message"),
    ({"surprise": 1}, "surprise"),
    ({"form_token": "123.abc"}, "form_token"),
    ({"form_token": None}, "form_token"),
    ({"source": "email"}, "source"),
    ({"search": "near=Berlin"}, "search"),
])
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(site, smtp_server, changes, field):
    app, slugs, db = site
    response = post(app.test_client(), slugs["acme"], body(slugs["acme"], **changes))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"]["field"] == field
    assert stored(db) == [] and smtp_server.messages == []


def test_not_json_unknown_and_unpublished_partners(site):
    app, slugs, db = site
    client = app.test_client()
    form = client.post(f"/api/v1/partners/{slugs['acme']}/leads", data={"name": "x"})
    assert form.status_code == 400 and form.get_json()["error"]["field"] == "Content-Type"
    assert post(client, "no-such-partner", body("no-such-partner")).status_code == 404
    assert post(client, slugs["hidden"], body(slugs["hidden"])).status_code == 404
    assert client.get(f"/api/v1/partners/{slugs['hidden']}/lead-form").status_code == 404
    # a token issued for one partner is not valid for another
    wrong = post(client, slugs["other"], body(slugs["other"], form_token=token(slugs["acme"])))
    assert wrong.status_code == 400 and wrong.get_json()["error"]["field"] == "form_token"
    assert stored(db) == []


def test_bots_get_a_normal_answer_but_nothing_is_stored_or_sent(site, smtp_server):
    app, slugs, db = site
    client = app.test_client()
    refused = metrics.LEADS.labels("refused")._value.get()
    trap = post(client, slugs["acme"], body(slugs["acme"], website="http://spam.example"))
    assert trap.status_code == 201 and leads.REFERENCE_RE.fullmatch(trap.get_json()["reference"])
    fresh = client.get(f"/api/v1/partners/{slugs['acme']}/lead-form").get_json()["form_token"]  # issued just now
    fast = post(client, slugs["acme"], body(slugs["acme"], form_token=fresh))
    assert fast.status_code == 201 and leads.REFERENCE_RE.fullmatch(fast.get_json()["reference"])
    time.sleep(0.5)
    assert stored(db) == [] and smtp_server.messages == []
    assert metrics.LEADS.labels("refused")._value.get() == refused + 2


def test_too_often_from_one_client_is_a_429_and_stores_nothing(fresh_db, make_app, smtp_server):
    with fresh_db.session() as session:
        slug = make_partner(session, name="Busy", email="busy@partner.example").slug
    app = make_app(fresh_db, smtp_url=smtp_server.url, ratelimit_leads="2/minute")
    client = app.test_client()
    assert [post(client, slug, body(slug)).status_code for _ in range(2)] == [201, 201]
    limited = post(client, slug, body(slug))
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert len(stored(fresh_db)) == 2
    smtp_server.wait_for("busy@partner.example", count=2)
    time.sleep(0.3)
    assert len(smtp_server.wait_for("busy@partner.example", count=2)) == 2


def test_too_many_for_one_partner_is_a_429(fresh_db, make_app, smtp_server):
    with fresh_db.session() as session:
        slug = make_partner(session, name="Popular", email="p@partner.example").slug
    app = make_app(fresh_db, smtp_url=smtp_server.url, lead_limit_per_partner=1)
    client = app.test_client()
    assert post(client, slug, body(slug)).status_code == 201
    refused = client.post(f"/api/v1/partners/{slug}/leads", json=body(slug),
                          environ_overrides={"REMOTE_ADDR": "10.0.0.9"})  # another client
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    assert len(stored(fresh_db)) == 1


def fill_page_form(page_html: str, slug: str, **fields) -> MultiDict:
    """The page form as a browser posts it: its hidden fields, a token a minute old, and the person's input."""
    data = {name: value for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page_html)}
    hidden_search = re.findall(r'<input type="hidden" name="(search_[^"]+)" value="([^"]*)"', page_html)
    data.update({"form_token": token(slug), "name": "Page Person", "email": "page@customer.example",
                 "company": "Page GmbH", "country": "DE", "message": "Please call us.", "consent": "1", "website": ""})
    data.update(fields)
    pairs = [(k, v) for k, v in data.items() if not k.startswith("search_")] + hidden_search
    return MultiDict(pairs)


def test_the_page_form_carries_the_search_prefills_and_records_the_position(site, smtp_server):
    app, slugs, db = site
    client = app.test_client()
    page = client.get(f"/partners/{slugs['acme']}/contact?near=Berlin&service=kubernetes&radius_km=50")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<option value="DE" selected>' in html  # the place's country
    assert 'value="kubernetes" checked' in html  # the search's service
    assert 'name="pos" value="1"' in html  # Acme is first for this search
    response = client.post(f"/partners/{slugs['acme']}/contact",
                           data=fill_page_form(html, slugs["acme"], needs="kubernetes"))
    assert response.status_code == 200, response.get_data(as_text=True)
    reference = re.search(r"L-[0-9A-Z]{4}-[0-9A-Z]{4}", response.get_data(as_text=True)).group()
    [lead] = stored(db)
    assert (lead.reference, lead.source, lead.origin, lead.position) == (reference, "page", None, 1)
    assert lead.search == {"near": ["Berlin"], "radius_km": ["50"], "service": ["kubernetes"]}
    smtp_server.wait_for("hello@acme.example")
    smtp_server.wait_for("page@customer.example")


def test_the_page_form_needs_its_csrf_token_and_names_a_bad_field(site):
    app, slugs, db = site
    client = app.test_client()
    html = client.get(f"/partners/{slugs['acme']}/contact").get_data(as_text=True)
    pairs = MultiDict([(k, v) for k, v in fill_page_form(html, slugs["acme"]).items(multi=True) if k != "csrf_token"])
    assert client.post(f"/partners/{slugs['acme']}/contact", data=pairs).status_code == 400
    bad = client.post(f"/partners/{slugs['acme']}/contact", data=fill_page_form(html, slugs["acme"], email="nope"))
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "email is not an email address" in text and 'value="Page Person"' in text  # kept what was typed
    assert stored(db) == []


def test_result_cards_and_the_profile_link_to_the_contact_form_with_the_search(site):
    app, slugs, _ = site
    client = app.test_client()
    results = client.get("/?near=Berlin&service=kubernetes").get_data(as_text=True)
    assert f'href="/partners/{slugs["acme"]}/contact?near=Berlin&amp;service=kubernetes"' in results
    embed = client.get("/embed?near=Berlin", headers={"Referer": "https://shop.example/partners.html"}).get_data(as_text=True)
    assert f'/partners/{slugs["acme"]}/contact?near=Berlin&amp;src=iframe&amp;host=https%3A%2F%2Fshop.example' in embed
    profile = client.get(f"/partners/{slugs['acme']}", headers={"Referer": "http://localhost/?near=Berlin&page=2"})
    assert f'href="/partners/{slugs["acme"]}/contact?near=Berlin"' in profile.get_data(as_text=True)


def add_lead(db, slug: str, **values) -> Lead:
    with db.session() as session:
        partner = session.scalar(select(Partner).where(Partner.slug == slug))
        form = leads.LeadForm(name=values.pop("name", "N"), email=values.pop("email", "n@customer.example"),
                              company=values.pop("company", "Co"), message="Hi", consent=True)
        lead = leads.submit(session, leads_config(), partner, form, leads.Provenance("page"), now=values.pop("now", None))
        return lead


def leads_config():
    from locator.config import Config

    return Config(lead_limit_per_partner=0)


def test_a_partner_sees_and_updates_only_its_own_leads(site, smtp_server):
    app, slugs, db = site
    own = add_lead(db, slugs["acme"], company="Own Lead Co")
    theirs = add_lead(db, slugs["other"], company="Their Lead Co")
    add_user(app, "owner@acme.example", "partner", slugs["acme"])
    client = app.test_client()
    sign_in_by_link(client, smtp_server, "owner@acme.example")
    page = client.get("/partner/leads").get_data(as_text=True)
    assert "Own Lead Co" in page and own.reference in page and "Their Lead Co" not in page
    token_ = csrf(page)
    assert client.post(f"/partner/leads/{theirs.id}/status", data={"status": "won", "csrf_token": token_}).status_code == 404
    assert client.post(f"/partner/leads/{own.id}/status", data={"status": "contacted", "csrf_token": token_}).status_code == 303
    assert client.post(f"/partner/leads/{own.id}/status", data={"status": "bogus", "csrf_token": token_}).status_code == 400
    with db.session() as session:
        assert session.get(Lead, own.id).status == "contacted" and session.get(Lead, theirs.id).status == "new"
    assert client.post("/partner/leads/settings", data={"lead_email": "leads@acme.example", "csrf_token": token_}).status_code == 303
    with db.session() as session:
        assert session.scalar(select(LeadRoute.email)) == "leads@acme.example"
    # the public and other roles cannot list leads
    anonymous = app.test_client()
    assert anonymous.get("/partner/leads").status_code == 303
    assert anonymous.get("/sellers/leads").status_code == 303
    assert "Their Lead Co" not in anonymous.get("/sellers/leads", follow_redirects=True).get_data(as_text=True)
    assert anonymous.get("/admin/leads").status_code == 303
    assert anonymous.get("/sellers/leads.csv").status_code == 404
    assert client.get("/sellers/leads").status_code == 303  # a partner user is not the channel team


def test_the_channel_team_filters_and_exports_leads_safely(site, smtp_server):
    app, slugs, db = site
    add_lead(db, slugs["acme"], company="=HYPERLINK(\"http://evil.example\")")
    old = add_lead(db, slugs["other"], company="Old Co", now=datetime.now(timezone.utc) - timedelta(days=10))
    add_user(app, "admin@vendor.example", "admin")
    client = app.test_client()
    sign_in_by_link(client, smtp_server, "admin@vendor.example")
    page = client.get("/admin/leads").get_data(as_text=True)
    assert "Old Co" in page and "HYPERLINK" in page and "Unanswered" in page
    overdue = client.get("/sellers/leads?overdue=1").get_data(as_text=True)
    assert old.reference in overdue and "HYPERLINK" not in overdue
    assert "Old Co" not in client.get("/sellers/leads?partner=acme").get_data(as_text=True)
    assert client.get("/sellers/leads?status=bogus").status_code == 400
    exported = client.get("/sellers/leads.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["reference", "created_at", "status"]
    companies = [row[7] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\")" in companies and "Old Co" in companies


def test_remind_purge_and_forget(site, smtp_server):
    app, slugs, db = site
    add_user(app, "team@vendor.example", "admin")
    now = datetime.now(timezone.utc)
    stale = add_lead(db, slugs["acme"], now=now - timedelta(days=5))
    add_lead(db, slugs["acme"], now=now - timedelta(days=1))
    ancient = add_lead(db, slugs["other"], now=now - timedelta(days=400))
    add_lead(db, slugs["other"], email="forget.me@customer.example")
    env = {"LOCATOR_SMTP_URL": smtp_server.url, "LOCATOR_WARM_ON_START": "false"}
    url = db.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    first = runner.invoke(main, ["--database-url", url, "leads", "remind"], env=env)
    assert first.exit_code == 0, first.output
    assert "flagged 2" in first.output  # the 5-day-old and the 400-day-old, both still new
    reminder = smtp_server.wait_for("team@vendor.example")[-1]
    assert stale.reference in text_of(reminder) and ancient.reference in text_of(reminder)
    again = runner.invoke(main, ["--database-url", url, "leads", "remind"], env=env)
    assert "flagged 0" in again.output  # each lead is flagged once
    purged = runner.invoke(main, ["--database-url", url, "purge"], env=env)
    assert purged.exit_code == 0 and "deleted 1 leads" in purged.output
    forgot = runner.invoke(main, ["--database-url", url, "forget", "Forget.Me@customer.example"], env=env)
    assert forgot.exit_code == 0 and "deleted 1 leads" in forgot.output
    with db.session() as session:
        assert session.scalar(select(func.count(Lead.id))) == 2
        assert session.scalar(select(func.count(Lead.id)).where(Lead.email == "forget.me@customer.example")) == 0


def test_the_api_answers_as_documented(site):
    from openapi_schema_validator import OAS30Validator

    from locator.web.leads import API_FIELDS
    from locator.web.openapi import document

    app, slugs, _ = site
    doc = document()
    schemas = doc["components"]["schemas"]
    assert set(schemas["LeadRequest"]["properties"]) == API_FIELDS  # the closed request schema is what is accepted

    def check(name: str, instance) -> None:
        OAS30Validator({**schemas[name], "components": doc["components"]}).validate(instance)

    client = app.test_client()
    check("LeadForm", client.get(f"/api/v1/partners/{slugs['acme']}/lead-form").get_json())
    data = body(slugs["acme"])
    check("LeadRequest", data)
    check("LeadCreated", post(client, slugs["acme"], data).get_json())
    check("Error", post(client, slugs["acme"], body(slugs["acme"], name="")).get_json())
    operation = doc["paths"]["/api/v1/partners/{slug}/leads"]["post"]
    assert {"201", "400", "404", "429"} <= set(operation["responses"])
