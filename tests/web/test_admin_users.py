"""/admin/users on both backends: an admin lists, invites (the link arrives at a real SMTP server and signs the
invitee in) and disables users; bad input is a 400 on the field; nobody else reaches the page. And the
`locator user` commands."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from locator.cli import main
from locator.config import Config
from locator.models import User
from tests.factories import make_partner
from tests.support.accounts import add_user, csrf, sign_in_by_link, use_link
from tests.support.smtp import html_of, link_in, text_of

NO_REQUEST_LIMITS = {name: "" for name in ("ratelimit_sign_in", "ratelimit_forms") if name in Config.__dataclass_fields__}


@pytest.fixture
def site(fresh_db, make_app, smtp_server):
    with fresh_db.session() as db:
        make_partner(db, id="ACME", name="Acme <b>Partner</b>")
    app = make_app(fresh_db, smtp_url=smtp_server.url, **NO_REQUEST_LIMITS)
    add_user(app, "admin@vendor.example", "admin")
    return app


def admin(site, smtp_server):
    client = site.test_client()
    sign_in_by_link(client, smtp_server, "admin@vendor.example")
    return client


def invite(client, **form):
    page = client.get("/admin/users").get_data(as_text=True)
    return client.post("/admin/users/invite", data={"csrf_token": csrf(page), **form})


def emails(site) -> dict[str, User]:
    with site.extensions["locator"].db.session() as db:
        return {u.email: u for u in db.scalars(select(User))}


def test_an_admin_invites_a_partner_user_who_signs_in_with_the_emailed_link(site, smtp_server):
    client = admin(site, smtp_server)
    response = invite(client, email="Owner@Partner.example", role="partner", partner="ACME")
    assert response.status_code == 303
    message = smtp_server.wait_for("owner@partner.example")[0]
    assert "Acme <b>Partner</b>" in text_of(message) and "Acme &lt;b&gt;Partner&lt;/b&gt;" in html_of(message)
    assert "72 hours" in text_of(message)
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "owner@partner.example" in listing and "Acme &lt;b&gt;Partner&lt;/b&gt;" in listing
    invitee = site.test_client()
    signed_in = use_link(invitee, link_in(message))
    assert signed_in.status_code == 303 and urlsplit(signed_in.location).path == "/partner"
    assert invitee.get("/admin/users").status_code == 404
    # Inviting the same person again sends a new link; no second user.
    assert invite(client, email="owner@partner.example", role="partner", partner="acme-b-partner-b").status_code == 303
    assert len(smtp_server.wait_for("owner@partner.example", count=2)) == 2
    assert len(emails(site)) == 2


@pytest.mark.parametrize("form, field, words", [
    ({"email": "not-an-address", "role": "partner", "partner": "ACME"}, "email", "not an email address"),
    ({"email": "p@partner.example", "role": "partner", "partner": ""}, "partner", "choose the partner"),
    ({"email": "p@partner.example", "role": "partner", "partner": "NOPE"}, "partner", "no partner has this id"),
    ({"email": "admin@vendor.example", "role": "partner", "partner": "ACME"}, "email", "already belongs to a user (role admin)"),
    ({"email": "p@partner.example", "role": "owner", "partner": ""}, "role", "role must be one of"),
    ({"email": "p@partner.example", "role": "seller", "partner": "ACME"}, "partner", "not bound to a partner"),
])
def test_bad_invitations_are_a_400_naming_the_field_and_create_nothing(site, smtp_server, form, field, words):
    client = admin(site, smtp_server)
    smtp_server.clear()
    response = invite(client, **form)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and words in body and f"{field.capitalize()}:" in body
    assert set(emails(site)) == {"admin@vendor.example"}
    assert smtp_server.messages == []


def test_an_admin_disables_a_user_whose_session_ends(site, smtp_server):
    add_user(site, "seller@vendor.example", "seller")
    seller = site.test_client()
    sign_in_by_link(seller, smtp_server, "seller@vendor.example")
    assert "Signed in as" in seller.get("/sellers").get_data(as_text=True)
    client = admin(site, smtp_server)
    target = emails(site)["seller@vendor.example"].id
    page = client.get("/admin/users").get_data(as_text=True)
    assert client.post(f"/admin/users/{target}/disable", data={"csrf_token": "forged"}).status_code == 400
    assert client.post(f"/admin/users/{target}/disable", data={"csrf_token": csrf(page)}).status_code == 303
    assert "Signed in as" not in seller.get("/sellers").get_data(as_text=True)
    assert emails(site)["seller@vendor.example"].disabled_at is not None
    me = emails(site)["admin@vendor.example"].id
    assert client.post(f"/admin/users/{me}/disable", data={"csrf_token": csrf(page)}).status_code == 400
    assert client.post("/admin/users/99999/disable", data={"csrf_token": csrf(page)}).status_code == 404


def test_only_admins_reach_the_users_page(site, smtp_server):
    anonymous = site.test_client()
    response = anonymous.get("/admin/users")
    assert response.status_code == 303 and urlsplit(response.location).path == "/sign-in"
    posted = anonymous.post("/admin/users/invite", data={"email": "x@y.example"})
    assert posted.status_code == 303 and urlsplit(posted.location).path == "/sign-in" and "next" not in posted.location
    add_user(site, "owner@partner.example", "partner", "ACME")
    add_user(site, "seller@vendor.example", "seller")
    for email in ("owner@partner.example", "seller@vendor.example"):
        client = site.test_client()
        sign_in_by_link(client, smtp_server, email)
        assert client.get("/admin/users").status_code == 404
        page = client.get("/sign-in").get_data(as_text=True)
        assert client.post("/admin/users/invite", data={"csrf_token": csrf(page), "email": "x@y.example",
                                                        "role": "admin"}).status_code == 404
    assert "x@y.example" not in emails(site)


def cli(url: str, *args: str, ok: bool = True):
    result = CliRunner().invoke(main, ["--database-url", url, *args])
    assert (result.exit_code == 0) == ok, result.output
    return result.output.strip()


def test_the_user_commands(fresh_db):
    url = fresh_db.engine.url.render_as_string(hide_password=False)
    with fresh_db.session() as db:
        partner = make_partner(db, id="CLI-P", name="CLI Partner")
        slug = partner.slug
    assert cli(url, "user", "create", "--email", "You@Example.com", "--role", "admin").startswith(
        "created admin you@example.com")
    assert "for partner CLI-P" in cli(url, "user", "create", "--email", "p@cli.example", "--role", "partner",
                                      "--partner", slug)
    assert "already a user" in cli(url, "user", "create", "--email", "you@example.com", "--role", "seller", ok=False)
    assert "needs a partner" in cli(url, "user", "create", "--email", "q@cli.example", "--role", "partner", ok=False)
    assert "no partner has" in cli(url, "user", "create", "--email", "q@cli.example", "--role", "partner",
                                   "--partner", "NOPE", ok=False)
    lines = cli(url, "user", "list").splitlines()
    assert [line.split("\t")[1:4] for line in lines] == [["p@cli.example", "partner", "CLI-P"],
                                                          ["you@example.com", "admin", "-"]]
    assert cli(url, "user", "disable", "YOU@example.com") == "disabled you@example.com"
    assert cli(url, "user", "list").splitlines()[1].split("\t")[-1].startswith("disabled")
    assert "no user has" in cli(url, "user", "disable", "ghost@example.com", ok=False)
