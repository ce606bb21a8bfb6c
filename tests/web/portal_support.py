"""A store and app for the portal tests (SpatiaLite, a real local SMTP server), users signed in through the
real emailed links, and the profile form as a browser posts it."""
from __future__ import annotations

import re
from typing import Any

from locator.db import Database
from locator.store import partner_record
from locator.models import Partner
from tests.factories import make_partner, office
from tests.support.accounts import add_user, csrf, sign_in_by_link

BERLIN, POTSDAM = (52.52, 13.405), (52.3906, 13.0645)
LIMITS = {"ratelimit_forms": "10000/minute", "ratelimit_sign_in": "10000/minute", "ratelimit_search": "10000/minute",
          "ratelimit_geocode": "10000/minute"}


def portal_site(tmp_path, make_app, smtp_server, **overrides: Any):
    """(app, slugs): Acme (Berlin, owner@partner.example), Other Co (its own user) and a few Berlin rivals."""
    db = Database(f"sqlite:///{tmp_path / 'portal.sqlite'}")
    db.create_all()
    slugs = {}
    with db.session() as session:
        acme = make_partner(session, name="Acme Portal GmbH", description="Short.", services=["kubernetes", "migration"],
                            offices=[office(*BERLIN, label="Berlin HQ", headquarters=True, address="Unter den Linden 1")])
        other = make_partner(session, name="Other Co", offices=[office(*POTSDAM, city="Potsdam")])
        for i in range(6):
            make_partner(session, name=f"Rival {i}", services=["kubernetes"], website="https://rival.example",
                         email="r@rival.example", description="Kubernetes experts in Berlin. " * (4 + i * 3),
                         languages=["de", "en"], segments=["smb"], industries=["finance"],
                         offices=[office(BERLIN[0] + 0.01 * i, BERLIN[1], label=f"Rival {i}")])
        slugs.update(acme=acme.slug, other=other.slug)
    db.engine.dispose()
    config = dict(LIMITS, smtp_url=smtp_server.url)
    config.update(overrides)
    app = make_app(db, **config)
    add_user(app, "owner@partner.example", "partner", slugs["acme"])
    add_user(app, "someone@other.example", "partner", slugs["other"])
    add_user(app, "admin@vendor.example", "admin")
    return app, slugs


def signed_in(app, smtp_server, email: str):
    client = app.test_client()
    sign_in_by_link(client, smtp_server, email)
    return client


def stored(app, slug: str) -> dict[str, Any]:
    with app.extensions["locator"].db.session() as db:
        from sqlalchemy import select

        return partner_record(db.scalar(select(Partner).where(Partner.slug == slug)))


def form_of(record: dict[str, Any], token: str, action: str = "submit", **changes: Any) -> dict[str, Any]:
    """The fields a browser posts for this record (with `changes`), as the portal's form names them."""
    record = {**record, **changes}
    data: dict[str, Any] = {"csrf_token": token, "action": action}
    for name in ("name", "description", "website", "logo_url", "email", "phone"):
        data[name] = record.get(name) or ""
    for name in ("types", "services", "segments", "languages", "industries", "countries_served", "regions_served"):
        if name in record:
            data[name] = list(record.get(name) or [])
    for n, o in enumerate(record.get("offices") or []):
        for key in ("label", "address", "city", "region", "postal_code", "country"):
            data[f"offices-{n}-{key}"] = o.get(key) or ""
        for key in ("lat", "lon"):
            data[f"offices-{n}-{key}"] = "" if o.get(key) is None else str(o[key])
        data[f"offices-{n}-geocode_source"] = o.get("geocode_source") or ""
        data[f"offices-{n}-placed"] = o.get("placed", _key(o) if o.get("lat") is not None else "")
        if o.get("headquarters"):
            data["headquarters"] = str(n)
    return data


def _key(office: dict[str, Any]) -> str:
    return "|".join((office.get(k) or "").strip() for k in ("address", "city", "region", "postal_code", "country"))


def page_token(client, path: str) -> str:
    return csrf(client.get(path).get_data(as_text=True))


def field_error(body: str, name: str) -> str | None:
    found = re.search(rf'id="{re.escape(name)}-error"[^>]*>(.*?)</p>', body, re.S)
    return found.group(1).strip() if found else None


def post_multipart(client, path: str, data: dict[str, Any], **kwargs: Any):
    """POST `data` as multipart/form-data encoded in memory (file values: (bytes stream, filename)), so no
    temporary file is left open on the test's side, whatever the size."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    values = {k: FileStorage(stream=v[0], filename=v[1], content_type="application/octet-stream")
              if isinstance(v, tuple) else v for k, v in data.items()}
    boundary, body = encode_multipart(values)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kwargs)
