"""The app's cookie sessions (locator.web.cookie_sessions) read and write the same signed cookies as Flask's own:
a cookie from either is read by the other, a forged or foreign one opens an empty session, key rotation holds."""
from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface

from locator.web.cookie_sessions import CookieSessions

COOKIE = "locator_session"


@pytest.fixture
def app(fresh_db, make_app):
    return make_app(fresh_db)


def opened(app, interface, cookie: str | None) -> dict:
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie is not None else {}
    with app.test_request_context("/", headers=headers) as ctx:
        return dict(interface.open_session(app, ctx.request))


def test_the_same_cookies_as_flasks_own(app):
    ours, flasks = app.session_interface, SecureCookieSessionInterface()
    assert isinstance(ours, CookieSessions)
    theirs = flasks.get_signing_serializer(app).dumps({"sid": "from-flask"})
    assert opened(app, ours, theirs) == {"sid": "from-flask"}
    mine = ours.get_signing_serializer(app).dumps({"sid": "from-us"})
    assert opened(app, flasks, mine) == {"sid": "from-us"}
    assert mine.split(".")[0] == flasks.get_signing_serializer(app).dumps({"sid": "from-us"}).split(".")[0]
    assert opened(app, ours, None) == {} and opened(app, ours, "") == {}
    assert opened(app, ours, theirs[:-2] + "xx") == {}  # a forged signature: an empty session, as Flask does


def test_a_new_key_signs_and_the_old_one_still_reads_while_it_is_a_fallback(app):
    ours = app.session_interface
    old = ours.get_signing_serializer(app).dumps({"sid": "old"})
    assert ours.get_signing_serializer(app) is ours.get_signing_serializer(app)  # built once per key set
    app.secret_key = "a-new-secret-key-for-this-test"
    assert opened(app, ours, old) == {}  # signed with a key no longer known
    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret"]
    assert opened(app, ours, old) == {"sid": "old"}
    new = ours.get_signing_serializer(app).dumps({"sid": "new"})
    assert opened(app, SecureCookieSessionInterface(), new) == {"sid": "new"}


def test_an_anonymous_request_gets_no_cookie_and_a_signed_in_browser_keeps_its_session(app):
    client = app.test_client()
    response = client.get("/api/v1/vocabularies")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    page = client.get("/sign-in")
    assert page.status_code == 200 and COOKIE in page.headers.get("Set-Cookie", "")  # its CSRF token
    assert client.get_cookie(COOKIE) is not None
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}={client.get_cookie(COOKIE).value}"}) as ctx:
        assert "csrf" in app.session_interface.open_session(app, ctx.request)
