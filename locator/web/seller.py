"""The seller view: sign in with a seller token (exchanged for a session cookie), search with internal
fields and unpublished partners, export the results as CSV, sign out.

Every POST carries the session's CSRF token in a hidden field; the session cookie is HttpOnly, SameSite=Lax
and Secure when the public URL is https. It carries a session id that the store keeps (locator.auth): sign-out
ends the session for every copy of the cookie, inactivity ends it after `session_idle_minutes`, and a revoked
token ends its sessions at their next request.
"""
from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import partial
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for

from locator import auth, metrics
from locator.models import SellerToken
from locator.formats import render, seller_csv
from locator.web import search_view
from locator.web.context import services
from locator.web.forms import check_csrf, csrf_token
from locator.web.security import public_base_url
from locator.web.jsonld import profile_head
from locator.web.users import current_user, end_browser_session
from locator.web.pages import search_screen

bp = Blueprint("seller", __name__, url_prefix="/sellers")


SELLER_ROLES = ("seller", "admin")  # users of these roles get the seller view too


@dataclass(frozen=True)
class Seller:
    token_id: int | None  # None for a user signed in by email
    name: str


def current_seller() -> Seller | None:
    """The signed-in seller: the cookie's session is live in the store and its token is not revoked, or it is
    a user's session (emailed link) and the user is a seller or an admin."""
    sid = session.get("sid")
    if sid is None:
        if "seller_token_id" in session:  # a cookie from before server-side sessions: sign in again
            session.clear()
        return None
    user = current_user()
    if user is not None:
        return Seller(None, user.email) if user.role in SELLER_ROLES else None
    svc = services()
    with svc.db.session() as db:
        live = auth.live_session(db, sid, svc.config.session_idle_minutes)
        token = db.get(SellerToken, live.principal_id) if live and live.principal_kind == auth.SELLER else None
        alive = token is not None and token.revoked_at is None
        token_id, name = (token.id, token.name) if alive else (None, "")
    if not alive:
        session.clear()
        return None
    return Seller(token_id, name)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"csrf_token": csrf_token}


@bp.get("")
def index():
    seller = current_seller()
    if seller is None:
        return render_template("sellers/sign_in.html", error=None)
    path = url_for("seller.index")
    export_url = search_view.url_for_args(url_for("seller.export"), search_view.page_args(request.args), page=None)
    return search_screen("sellers/index.html", path, audience="seller", seller=seller, link_target=None,
                         export_url=export_url)


@bp.get("/partners/<slug>")
def profile(slug: str):
    """A partner's profile with its internal fields; unpublished partners too."""
    seller = current_seller()
    if seller is None:
        return redirect(url_for("seller.index"), code=303)
    partner = services().locator.partner(slug, audience="seller")
    if not partner:
        abort(404, description="There is no partner at this address.")
    return render_template("partners/profile.html", partner=partner, seller=seller, **profile_head(partner))


@bp.post("/sign-in")
def sign_in():
    check_csrf()
    raw = (request.form.get("token") or "").strip()
    svc = services()
    with svc.db.session() as db:
        token = auth.verify_token(db, raw) if raw else None
        valid = token is not None and token.revoked_at is None
        sid = auth.start_session(db, auth.SELLER, token.id, svc.config.session_idle_minutes) if valid else None
    metrics.SIGN_INS.labels("token", "ok" if valid else "refused").inc()
    if not valid:
        return render_template("sellers/sign_in.html", error="That token is not valid or has been revoked."), 401
    session.clear()  # a new session id and CSRF token: nothing from before sign-in carries over
    session["sid"] = sid
    session["csrf"] = secrets.token_urlsafe(32)
    return redirect(url_for("seller.index"), code=303)


@bp.post("/sign-out")
def sign_out():
    """End the session in the store, so that no copy of the cookie opens the seller view again."""
    check_csrf()
    end_browser_session()
    return redirect(url_for("seller.index"), code=303)


@bp.get("/export.csv")
def export():
    """Every result of the search (up to EXPORT_LIMIT) as a spreadsheet-ready CSV named after the search."""
    if current_seller() is None:
        abort(401, description="Sign in as a seller to export partners.")
    svc = services()
    args = search_view.page_args(request.args)
    query = search_view.parse(args, svc.config, "seller")
    query = replace(query, facets=(), explain=False, page=1, per_page=svc.config.max_per_page)
    base_url = public_base_url()
    pages = seller_csv.result_pages(svc.locator, query)
    first = next(pages)
    body, mimetype = render(itertools.chain([first], pages), "csv", records=partial(seller_csv.stored_records, svc.db),
                            base_url=base_url, places=svc.geocoder.gazetteer)
    name = seller_csv.export_filename(query, first.location, first.query.get("radius_km"),
                                      datetime.now(timezone.utc).date())
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
