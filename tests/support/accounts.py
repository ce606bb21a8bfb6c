"""Signing users in through the real flow in tests: the form, the emailed link read from the local SMTP server,
the confirmation page and its button (CSRF included)."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from locator import accounts
from locator.models import Partner
from tests.support.smtp import LocalSmtpServer, link_in

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(body: str) -> str:
    found = CSRF_RE.search(body)
    assert found, "no CSRF field on the page"
    return found.group(1)


def add_user(app: Any, email: str, role: str, partner: str | Partner | None = None) -> int:
    """Create a user in the app's store (partner: the partner's id or slug, or the Partner); its id."""
    with app.extensions["locator"].db.session() as db:
        if isinstance(partner, Partner):
            partner = partner.external_id
        found = accounts.find_partner(db, partner) if partner else None
        assert partner is None or found is not None, f"no partner {partner!r}"
        return accounts.create_user(db, email, role, found).id


def request_link(client: Any, email: str, next_path: str | None = None) -> Any:
    """POST the sign-in form for `email` (the page's CSRF token first); the response."""
    page = client.get("/sign-in" + (f"?next={next_path}" if next_path else "")).get_data(as_text=True)
    data = {"email": email, "csrf_token": csrf(page)}
    if next_path:
        data["next"] = next_path
    return client.post("/sign-in", data=data)


def use_link(client: Any, link: str) -> Any:
    """Open the link's confirmation page and press its button; the POST's response."""
    path = urlsplit(link).path
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf(page.get_data(as_text=True))})


def sign_in_by_link(client: Any, smtp_server: LocalSmtpServer, email: str, next_path: str | None = None) -> Any:
    """Sign `client` in as the user with `email` the way a person does; the final 303 response (Location: the
    role's home or next_path). The app must send mail to smtp_server (make_app(db, smtp_url=smtp_server.url))."""
    before = len(smtp_server.wait_for(email, count=0))
    assert request_link(client, email, next_path).status_code == 200
    message = smtp_server.wait_for(email, count=before + 1)[-1]
    response = use_link(client, link_in(message))
    assert response.status_code == 303, response.get_data(as_text=True)
    return response
