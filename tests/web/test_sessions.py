"""Seller sessions live in the store: sign-out ends them for every copy of the cookie, they expire after
`session_idle_minutes` of inactivity, and the cookie is Secure when the public URL is https."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from locator.auth import create_token
from locator.models import WebSession, utcnow
from tests.web.pagedata import SECRET
from tests.web.webapp import pages_app

COOKIE = "locator_session"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("sessions"), xss=False) as (app, _):
        yield app


def new_token(app, name: str = "Session Seller") -> str:
    with app.extensions["locator"].db.session() as db:
        return create_token(db, name, "seller")


def csrf(body: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def sign_in(client, token: str):
    form = client.get("/sellers").get_data(as_text=True)
    return client.post("/sellers/sign-in", data={"token": token, "csrf_token": csrf(form)})


def signed_in(client) -> bool:
    body = client.get("/sellers?near=Berlin").get_data(as_text=True)
    return "Signed in as" in body and SECRET in body


def replay(app, cookie: str):
    """A new client (another browser, an attacker) holding a copy of the cookie."""
    client = app.test_client()
    client.set_cookie(COOKIE, cookie)
    return client


def sessions(app) -> list[WebSession]:
    with app.extensions["locator"].db.session() as db:
        return list(db.scalars(select(WebSession).order_by(WebSession.id)))


def test_a_cookie_copied_before_sign_out_no_longer_opens_the_seller_view(site):
    client = site.test_client()
    assert sign_in(client, new_token(site)).status_code == 303
    copied = client.get_cookie(COOKIE).value
    assert signed_in(replay(site, copied))  # the copy works while the session lives
    page = client.get("/sellers").get_data(as_text=True)
    assert client.post("/sellers/sign-out", data={"csrf_token": csrf(page)}).status_code == 303
    attacker = replay(site, copied)
    assert not signed_in(attacker)
    assert attacker.get("/sellers/export.csv").status_code == 401
    assert not signed_in(client)


def test_sign_in_stores_only_a_hash_of_the_session_id(site):
    client = site.test_client()
    before = {s.id for s in sessions(site)}
    sign_in(client, new_token(site))
    created = [s for s in sessions(site) if s.id not in before]
    assert len(created) == 1
    row = created[0]
    assert row.principal_kind == "seller_token" and row.revoked_at is None
    assert re.fullmatch(r"[0-9a-f]{64}", row.id_hash)
    # The cookie is signed, not encrypted: what it carries must not be what the store keeps.
    session_data = site.session_interface.get_signing_serializer(site).loads(client.get_cookie(COOKIE).value)
    assert row.id_hash not in str(session_data) and "seller_token_id" not in session_data


def test_a_new_sign_in_gets_a_new_session(site):
    """No session fixation: the session id before sign-in (if any) is never the one after."""
    client = site.test_client()
    token = new_token(site)
    sign_in(client, token)
    first = client.get_cookie(COOKIE).value
    sign_in(client, token)
    assert signed_in(client)
    assert signed_in(replay(site, first))  # signing in again elsewhere leaves the first session alone
    assert client.get_cookie(COOKIE).value != first


def test_sessions_expire_after_the_idle_time(site):
    idle = site.config["LOCATOR"].session_idle_minutes
    assert idle == 480
    client = site.test_client()
    sign_in(client, new_token(site))
    assert signed_in(client)
    newest = sessions(site)[-1].id
    with site.extensions["locator"].db.session() as db:
        db.execute(update(WebSession).where(WebSession.id == newest)
                   .values(last_seen_at=utcnow() - timedelta(minutes=idle - 2)))
    assert signed_in(client)  # just inside the idle time: still signed in, and the visit counts
    with site.extensions["locator"].db.session() as db:
        db.execute(update(WebSession).where(WebSession.id == newest)
                   .values(last_seen_at=utcnow() - timedelta(minutes=idle + 1)))
    assert not signed_in(client)
    assert client.get("/sellers/export.csv").status_code == 401


def test_activity_keeps_a_session_alive_with_at_most_one_write_a_minute(site):
    client = site.test_client()
    sign_in(client, new_token(site))
    newest = sessions(site)[-1].id

    def last_seen():
        return next(s.last_seen_at for s in sessions(site) if s.id == newest)

    signed_in(client)
    first = last_seen()
    signed_in(client)
    assert last_seen() == first  # a second request within the minute does not write
    long_ago = utcnow() - timedelta(minutes=10)
    with site.extensions["locator"].db.session() as db:
        db.execute(update(WebSession).where(WebSession.id == newest).values(last_seen_at=long_ago))
    assert signed_in(client)
    assert last_seen().replace(tzinfo=None) > long_ago.replace(tzinfo=None) + timedelta(minutes=9)


def test_a_tiny_idle_setting_ends_sessions_quickly(tmp_path):
    with pages_app(tmp_path, xss=False, session_idle_minutes=1) as (app, _):
        client = app.test_client()
        sign_in(client, new_token(app))
        assert signed_in(client)
        with app.extensions["locator"].db.session() as db:
            db.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(seconds=61)))
        assert not signed_in(client)


def test_expired_and_ended_sessions_are_removed_at_a_later_sign_in(site):
    client = site.test_client()
    sign_in(client, new_token(site))
    stale = sessions(site)[-1].id_hash
    with site.extensions["locator"].db.session() as db:
        db.execute(update(WebSession).where(WebSession.id_hash == stale)
                   .values(last_seen_at=utcnow() - timedelta(days=30)))
    sign_in(site.test_client(), new_token(site))
    assert stale not in {s.id_hash for s in sessions(site)}


@pytest.mark.parametrize("public_url, secure", [("https://partners.example.com", True),
                                                ("http://partners.example.com", False), ("", False)])
def test_the_cookie_is_secure_when_the_public_url_is_https(tmp_path, public_url, secure):
    with pages_app(tmp_path, xss=False, public_url=public_url) as (app, _):
        client = app.test_client()
        response = sign_in(client, new_token(app))
        assert response.status_code == 303
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("; Secure" in cookie) is secure


def test_the_session_store_on_both_backends(session):
    """start → live (touched at most once a minute) → idle expiry and sign-out, on SpatiaLite and PostGIS."""
    from locator.auth import SELLER, end_session, live_session, start_session

    raw = start_session(session, SELLER, 41, idle_minutes=30)
    other = start_session(session, SELLER, 41, idle_minutes=30)
    found = live_session(session, raw, idle_minutes=30)
    assert found is not None and (found.principal_kind, found.principal_id) == (SELLER, 41)
    seen = found.last_seen_at
    assert live_session(session, raw, idle_minutes=30).last_seen_at == seen  # no write within the minute
    session.execute(update(WebSession).where(WebSession.id == found.id)
                    .values(last_seen_at=utcnow() - timedelta(minutes=29)))
    session.expire_all()
    assert live_session(session, raw, idle_minutes=30) is not None  # and the visit moves last_seen on
    session.flush()
    session.expire_all()
    assert live_session(session, raw, idle_minutes=1) is not None
    session.execute(update(WebSession).where(WebSession.id == found.id)
                    .values(last_seen_at=utcnow() - timedelta(minutes=31)))
    session.expire_all()
    assert live_session(session, raw, idle_minutes=30) is None
    end_session(session, other)
    assert live_session(session, other, idle_minutes=30) is None
    for junk in ("", "x" * 500, None, 12):
        assert live_session(session, junk, idle_minutes=30) is None
