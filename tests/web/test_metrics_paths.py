"""The counters on /metrics move on the real paths: search insights events lost (a full buffer, a store that
refuses the batch), a lead sent through the page form (and a bot's), a sign-in by emailed link (sent, used,
used again), a seller's token sign-in, an import refused for bad rows. Every value is read from /metrics."""
from __future__ import annotations

import json

from sqlalchemy import text

from tests.factories import make_partner
from tests.support.accounts import add_user, csrf, request_link, use_link
from tests.support.smtp import link_in
from tests.web.test_leads import fill_page_form
from tests.web.test_metrics import sample, scrape


def delta(before: str, after: str, name: str, **labels: str) -> float:
    return sample(after, name, **labels) - sample(before, name, **labels)


def test_insights_events_pushed_out_of_a_full_buffer_are_counted(fresh_db, make_app):
    app = make_app(fresh_db, insights_buffer=2)
    client = app.test_client()
    before = scrape(app)
    for _ in range(5):
        assert client.get("/api/v1/search?near=Berlin").status_code == 200
    after = scrape(app)
    assert app.extensions["insights"].pending() == 2
    assert delta(before, after, "locator_insights_dropped_total", reason="full") == 3
    assert delta(before, after, "locator_insights_dropped_total", reason="store") == 0


def test_insights_events_the_store_refuses_are_counted(fresh_db, make_app):
    app = make_app(fresh_db)
    client = app.test_client()
    for _ in range(2):
        assert client.get("/api/v1/search?near=Berlin").status_code == 200
    with fresh_db.engine.begin() as conn:  # the store refuses the writer's batch
        conn.execute(text("DROP TABLE result_event"))
        conn.execute(text("DROP TABLE search_record"))
    before = scrape(app)
    assert app.extensions["insights"].flush() == 0
    after = scrape(app)
    assert delta(before, after, "locator_insights_dropped_total", reason="store") == 2
    assert client.get("/api/v1/search?near=Berlin").status_code == 200  # searches go on


def test_a_lead_through_the_page_form_and_a_bots_are_counted(fresh_db, make_app, smtp_server):
    with fresh_db.session() as session:
        slug = make_partner(session, name="Acme Leads", email="hello@acme.example").slug
    app = make_app(fresh_db, smtp_url=smtp_server.url, ratelimit_leads="1000/minute", lead_min_fill_s=2.0)
    client = app.test_client()
    before = scrape(app)
    html = client.get(f"/partners/{slug}/contact").get_data(as_text=True)
    assert client.post(f"/partners/{slug}/contact", data=fill_page_form(html, slug)).status_code == 200
    bot = fill_page_form(html, slug, website="http://spam.example")  # the honeypot filled in
    assert client.post(f"/partners/{slug}/contact", data=bot).status_code == 200  # a bot is not told
    after = scrape(app)
    assert delta(before, after, "locator_leads_total", outcome="accepted") == 1
    assert delta(before, after, "locator_leads_total", outcome="refused") == 1
    smtp_server.wait_for("hello@acme.example")


def test_a_sign_in_link_requested_used_and_used_again_is_counted(fresh_db, make_app, smtp_server):
    app = make_app(fresh_db, smtp_url=smtp_server.url, ratelimit_sign_in="1000/minute")
    add_user(app, "ada@vendor.example", "admin")
    client = app.test_client()
    before = scrape(app)
    assert request_link(client, "ada@vendor.example").status_code == 200
    link = link_in(smtp_server.wait_for("ada@vendor.example")[-1])
    assert use_link(client, link).status_code == 303
    middle = scrape(app)
    assert delta(before, middle, "locator_sign_ins_total", method="link", outcome="link_sent") == 1
    assert delta(before, middle, "locator_sign_ins_total", method="link", outcome="ok") == 1
    assert delta(before, middle, "locator_sign_ins_total", method="link", outcome="refused") == 0
    other = app.test_client()  # the same link again, from another browser: it works once
    token = csrf(other.get("/sign-in").get_data(as_text=True))
    path = "/" + link.split("/", 3)[3]
    assert other.post(path, data={"csrf_token": token}).status_code in (400, 404, 410)
    after = scrape(app)
    assert delta(middle, after, "locator_sign_ins_total", method="link", outcome="refused") == 1
    assert delta(middle, after, "locator_sign_ins_total", method="link", outcome="ok") == 0


def test_a_seller_token_sign_in_and_a_wrong_token_are_counted(fresh_db, make_app):
    from locator import auth

    with fresh_db.session() as session:
        raw = auth.create_token(session, "Sam Seller")
    app = make_app(fresh_db, ratelimit_sign_in="1000/minute")
    before = scrape(app)
    for token, status in ((raw, 303), ("not-a-token", 401)):
        client = app.test_client()
        form = csrf(client.get("/sellers").get_data(as_text=True))
        assert client.post("/sellers/sign-in", data={"token": token, "csrf_token": form}).status_code == status
    after = scrape(app)
    assert delta(before, after, "locator_sign_ins_total", method="token", outcome="ok") == 1
    assert delta(before, after, "locator_sign_ins_total", method="token", outcome="refused") == 1


def test_an_import_refused_for_a_bad_row_is_counted(fresh_db, make_app, tmp_path):
    from locator.ingest.importer import import_path
    from tests.factories import partner_data

    app = make_app(fresh_db)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([partner_data(id="OK1", name="Fine Partner"), {"id": "BAD1"}]))
    before = scrape(app)
    with fresh_db.session() as session:
        import_path(session, path, geocoder=None)
    after = scrape(app)
    assert delta(before, after, "locator_imports_total", outcome="refused") == 1
    assert delta(before, after, "locator_imports_total", outcome="written") == 0
    assert delta(before, after, "locator_imported_partners_total") == 0
