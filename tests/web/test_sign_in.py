"""Sign-in by an emailed one-time link, on both backends, with the link read from a real local SMTP server:
the same answer for any address, single use, expiry, limits, CSRF, sessions, and what each role may reach."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from locator import accounts
from locator.auth import create_token
from locator.config import Config
from locator.models import SignInLink, User, WebSession, utcnow
from tests.factories import make_partner
from tests.support.accounts import add_user, csrf, request_link, sign_in_by_link, use_link
from tests.support.smtp import html_of, link_in, text_of
from tests.web.pagedata import SECRET, secret_internal

COOKIE = "locator_session"
# The per-client request limits of issue 13 (where present) would stop a module that signs in this often.
NO_REQUEST_LIMITS = {name: "" for name in ("ratelimit_sign_in", "ratelimit_forms") if name in Config.__dataclass_fields__}


@pytest.fixture(scope="module", params=["spatialite", "postgis"])
def shared(request, tmp_path_factory):
    """One store and app per backend for this module (limits high: each test signs in several times)."""
    from locator import create_app
    from locator.db import Database
    from tests.support.smtp import LocalSmtpServer

    folder = tmp_path_factory.mktemp("sign_in")
    if request.param == "spatialite":
        request.getfixturevalue("spatialite_db")  # skips (or fails in CI) without SpatiaLite
        url = f"sqlite:///{folder / 'store.sqlite'}"
    else:
        url = request.getfixturevalue("pg_cluster").createdb("sign_in_module")
    db = Database(url)
    db.create_all()
    with db.session() as session:
        make_partner(session, id="ACME", name="Acme Partner", internal=secret_internal(1))
        make_partner(session, id="OTHER", name="Other Partner", published=False, internal=secret_internal(2))
    db.engine.dispose()
    smtp = LocalSmtpServer().start()
    app = create_app({"database_url": url, "index_dir": str(folder / "index"), "testing": True,
                      "secret_key": "test-secret", "smtp_url": smtp.url, "sign_in_limit_per_address": 1000,
                      "sign_in_limit_per_client": 1000, **NO_REQUEST_LIMITS})
    add_user(app, "Owner@Partner.example", "partner", "ACME")
    add_user(app, "seller@vendor.example", "seller")
    add_user(app, "admin@vendor.example", "admin")
    yield app, smtp
    app.extensions["locator"].close()
    smtp.stop()


@pytest.fixture
def site(shared):
    return shared[0]


@pytest.fixture
def smtp_server(shared):
    """The module's server, emptied for each test."""
    shared[1].clear()
    return shared[1]


@pytest.fixture
def own_smtp():
    """A server of its own, for the tests that build an app of their own (on the `backend` fixture's store)."""
    from tests.support.smtp import LocalSmtpServer

    server = LocalSmtpServer().start()
    yield server
    server.stop()


def store(app):
    return app.extensions["locator"].db


def links(app) -> list[SignInLink]:
    with store(app).session() as db:
        return list(db.scalars(select(SignInLink).order_by(SignInLink.id)))


def test_a_user_signs_in_with_the_link_from_the_email_and_lands_on_the_role_home(site, smtp_server):
    for email, home in (("owner@partner.example", "/partner"), ("admin@vendor.example", "/admin"),
                        ("seller@vendor.example", "/sellers")):
        client = site.test_client()
        response = sign_in_by_link(client, smtp_server, email)
        assert urlsplit(response.location).path == home
    message = smtp_server.wait_for("owner@partner.example")[0]
    assert message.get_content_type() == "multipart/alternative"
    assert str(message["To"]) == "owner@partner.example"  # the address as stored (lower-cased)
    assert link_in(message) in html_of(message) and "15 minutes" in text_of(message)


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(site, smtp_server):
    def answer(email: str) -> tuple[int, str]:
        response = request_link(site.test_client(), email)
        return response.status_code, response.get_data(as_text=True).replace(email, "EMAIL")

    assert answer("owner@partner.example") == answer("nobody@partner.example")
    assert answer("owner@partner.example")[0] == 200
    smtp_server.wait_for("owner@partner.example", count=2)
    assert not any("nobody" in str(m["To"]) for m in smtp_server.messages)


def test_the_link_works_once(site, smtp_server):
    client = site.test_client()
    request_link(client, "owner@partner.example")
    link = link_in(smtp_server.wait_for("owner@partner.example")[0])
    assert use_link(client, link).status_code == 303
    again = site.test_client()
    page = again.get(urlsplit(link).path)
    assert page.status_code == 410
    assert "already been used" in page.get_data(as_text=True)
    reused = again.post(urlsplit(link).path, data={"csrf_token": csrf(again.get("/sign-in").get_data(as_text=True))})
    assert reused.status_code == 410
    assert "already been used" in reused.get_data(as_text=True)
    assert again.get("/admin/users").status_code == 303  # not signed in by the reused link


def test_opening_the_link_does_not_use_it(site, smtp_server):
    """Mail scanners fetch links: only the POST of the confirmation page signs in."""
    client = site.test_client()
    request_link(client, "owner@partner.example")
    path = urlsplit(link_in(smtp_server.wait_for("owner@partner.example")[0])).path
    for _ in range(3):
        page = client.get(path)
        assert page.status_code == 200
        assert page.headers["Referrer-Policy"] == "no-referrer"
    assert links(site)[-1].used_at is None
    assert client.post(path, data={"csrf_token": csrf(page.get_data(as_text=True))}).status_code == 303


def test_an_expired_link_is_a_clear_page(site, smtp_server):
    client = site.test_client()
    request_link(client, "owner@partner.example")
    path = urlsplit(link_in(smtp_server.wait_for("owner@partner.example")[0])).path
    page = client.get(path)
    with store(site).session() as db:
        db.execute(update(SignInLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get(path).status_code == 410
    response = client.post(path, data={"csrf_token": csrf(page.get_data(as_text=True))})
    assert response.status_code == 410
    assert "has expired" in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 303


def test_links_expire_after_the_configured_minutes_and_only_their_hash_is_stored(site, smtp_server):
    request_link(site.test_client(), "owner@partner.example")
    link = link_in(smtp_server.wait_for("owner@partner.example")[0])
    row = links(site)[-1]
    lifetime = row.expires_at - row.created_at
    assert lifetime == timedelta(minutes=15)
    secret = urlsplit(link).path.rsplit("/", 1)[1]
    assert len(secret) >= 40 and secret not in (row.token_hash, row.next_path or "")
    assert re.fullmatch(r"[0-9a-f]{64}", row.token_hash)


@pytest.mark.parametrize("token", ["not-a-link", "x" * 300, "%20", "a.b"])
def test_a_link_that_was_never_sent_is_a_400_page(site, token):
    response = site.test_client().get(f"/sign-in/{token}")
    assert response.status_code in (400, 404)
    assert response.status_code != 500


def test_a_garbled_link_posted_is_a_400_page_not_a_500(site):
    client = site.test_client()
    token = csrf(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in/garbled", data={"csrf_token": token})
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_requests_are_limited_per_address_whether_or_not_it_exists(fresh_db, make_app, own_smtp):
    app = make_app(fresh_db, smtp_url=own_smtp.url, sign_in_limit_per_address=2, sign_in_limit_per_client=100)
    add_user(app, "known@partner.example", "seller")
    for email in ("known@partner.example", "unknown@partner.example"):
        statuses = [request_link(app.test_client(), email).status_code for _ in range(3)]
        assert statuses == [200, 200, 429], email
        page = request_link(app.test_client(), email.upper())
        assert page.status_code == 429 and "Too many sign-in requests" in page.get_data(as_text=True)
    assert request_link(app.test_client(), "third@partner.example").status_code == 200
    assert len(own_smtp.wait_for("known@partner.example", count=2)) == 2


def test_requests_are_limited_per_client(fresh_db, make_app, own_smtp):
    app = make_app(fresh_db, smtp_url=own_smtp.url, sign_in_limit_per_address=100, sign_in_limit_per_client=3)
    statuses = [request_link(app.test_client(), f"person{i}@partner.example").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = app.test_client()
    other_page = other.get("/sign-in").get_data(as_text=True)
    elsewhere = other.post("/sign-in", data={"email": "person9@partner.example", "csrf_token": csrf(other_page)},
                           environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert elsewhere.status_code == 200


def test_behind_a_proxy_the_client_is_the_forwarded_address(fresh_db, make_app, own_smtp):
    app = make_app(fresh_db, smtp_url=own_smtp.url, sign_in_limit_per_address=100, sign_in_limit_per_client=2,
                   proxy_hops=1)

    def ask(i: int, forwarded: str) -> int:
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        return client.post("/sign-in", data={"email": f"p{i}@partner.example", "csrf_token": csrf(page)},
                           headers={"X-Forwarded-For": forwarded}).status_code

    assert [ask(i, "203.0.113.7") for i in range(3)] == [200, 200, 429]
    assert ask(9, "198.51.100.1") == 200  # another client behind the same proxy is not limited by the first


def test_a_bad_address_is_a_400_naming_the_field(site, smtp_server):
    client = site.test_client()
    for typed in ("", "not an address", "a@b", "x\r\nBcc: victim@example.com@example.com", "a" * 300 + "@example.com"):
        response = request_link(client, typed)
        assert response.status_code == 400, typed
        body = response.get_data(as_text=True)
        assert 'aria-invalid="true"' in body and 'for="email"' in body
    assert smtp_server.messages == []


def test_every_post_needs_the_csrf_token(site, smtp_server):
    client = site.test_client()
    client.get("/sign-in")
    assert client.post("/sign-in", data={"email": "owner@partner.example"}).status_code == 400
    assert client.post("/sign-in", data={"email": "owner@partner.example", "csrf_token": "forged"}).status_code == 400
    request_link(client, "owner@partner.example")
    path = urlsplit(link_in(smtp_server.wait_for("owner@partner.example")[0])).path
    assert client.post(path, data={"csrf_token": "forged"}).status_code == 400
    assert links(site)[-1].used_at is None  # the forged POST used nothing
    assert client.post("/sign-out", data={}).status_code == 400


def test_the_session_cookie_is_hardened_and_secure_behind_https(fresh_db, make_app, own_smtp):
    app = make_app(fresh_db, smtp_url=own_smtp.url, public_url="https://partners.example.com")
    add_user(app, "admin@vendor.example", "admin")
    client = app.test_client()
    response = sign_in_by_link(client, own_smtp, "admin@vendor.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert link_in(own_smtp.messages[-1]).startswith("https://partners.example.com/sign-in/")


def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(site, smtp_server):
    client = site.test_client()
    sign_in_by_link(client, smtp_server, "admin@vendor.example")
    copied = client.get_cookie(COOKIE).value
    assert client.get("/admin/users").status_code == 200
    page = client.get("/admin/users").get_data(as_text=True)
    assert client.post("/sign-out", data={"csrf_token": csrf(page)}).status_code == 303
    replay = site.test_client()
    replay.set_cookie(COOKIE, copied)
    assert replay.get("/admin/users").status_code == 303
    assert client.get("/admin/users").status_code == 303


def test_next_returns_to_the_page_asked_for_and_never_to_another_site(site, smtp_server):
    client = site.test_client()
    first = client.get("/admin/users?x=1")
    assert first.status_code == 303
    assert urlsplit(first.location).path == "/sign-in" and "next=" in first.location
    response = sign_in_by_link(client, smtp_server, "admin@vendor.example", next_path="/admin/users")
    assert response.location.endswith("/admin/users")
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        other = site.test_client()
        response = sign_in_by_link(other, smtp_server, "admin@vendor.example", next_path=evil)
        assert urlsplit(response.location).path == "/admin" and "evil" not in response.location, evil


def test_a_disabled_user_gets_no_link_and_loses_the_session(site, smtp_server):
    add_user(site, "leaving@vendor.example", "seller")
    client = site.test_client()
    sign_in_by_link(client, smtp_server, "leaving@vendor.example")
    assert "Signed in as" in client.get("/sellers").get_data(as_text=True)
    request_link(site.test_client(), "leaving@vendor.example")  # an unused link, then disabled
    unused = link_in(smtp_server.wait_for("leaving@vendor.example", count=2)[-1])
    with store(site).session() as db:
        accounts.disable_user(db, accounts.find_user(db, "LEAVING@vendor.example"))
    assert "Signed in as" not in client.get("/sellers").get_data(as_text=True)
    assert site.test_client().get(urlsplit(unused).path).status_code == 400
    before = len(smtp_server.messages)
    assert request_link(site.test_client(), "leaving@vendor.example").status_code == 200  # the same answer
    with store(site).session() as db:
        assert db.scalar(select(User.disabled_at).where(User.email == "leaving@vendor.example")) is not None
    assert len(smtp_server.messages) == before


def test_roles_reach_what_they_may_and_nothing_else(site, smtp_server):
    partner = site.test_client()
    sign_in_by_link(partner, smtp_server, "owner@partner.example")
    assert partner.get("/admin/users").status_code == 404
    seller_view = partner.get("/sellers?q=Partner").get_data(as_text=True)
    assert SECRET not in seller_view and "Signed in as" not in seller_view
    assert partner.get("/sellers/export.csv").status_code == 401
    assert partner.get("/sellers/partners/other-partner").status_code == 303
    assert partner.get("/api/v1/partners/other-partner").status_code == 404  # the API needs a seller token

    for email in ("seller@vendor.example", "admin@vendor.example"):
        client = site.test_client()
        sign_in_by_link(client, smtp_server, email)
        body = client.get("/sellers?q=Partner").get_data(as_text=True)
        assert "Signed in as" in body and email in body and SECRET in body
        assert client.get("/sellers/export.csv?q=Partner").status_code == 200
        assert client.get("/admin/users").status_code == (200 if email.startswith("admin") else 404)


def test_seller_tokens_keep_working_for_the_api_and_the_seller_view(site):
    with store(site).session() as db:
        raw = create_token(db, "Token Seller", "seller")
    api = site.test_client().get("/api/v1/partners/other-partner", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200
    client = site.test_client()
    form = client.get("/sellers").get_data(as_text=True)
    assert client.post("/sellers/sign-in", data={"token": raw, "csrf_token": csrf(form)}).status_code == 303
    assert SECRET in client.get("/sellers?q=Partner").get_data(as_text=True)
    assert client.get("/admin/users").status_code == 303  # a token is not a user


def test_a_user_session_is_stored_as_a_hash_with_the_user_principal(site, smtp_server):
    client = site.test_client()
    sign_in_by_link(client, smtp_server, "owner@partner.example")
    with store(site).session() as db:
        row = db.scalars(select(WebSession).order_by(WebSession.id.desc())).first()
        user_id = db.scalar(select(User.id).where(User.email == "owner@partner.example"))
        last = db.scalar(select(User.last_sign_in_at).where(User.id == user_id))
    assert (row.principal_kind, row.principal_id) == ("user", user_id)
    assert last is not None
    assert row.id_hash not in str(client.get_cookie(COOKIE).value)


def test_sign_in_pages_are_never_cached(site):
    assert site.test_client().get("/sign-in").headers["Cache-Control"] == "no-store"
    assert site.test_client().get("/sign-in/whatever").headers["Cache-Control"] == "no-store"
