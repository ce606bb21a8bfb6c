"""Public pages: the search page at / and partner profiles at /partners/<slug>."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, render_template, request, url_for

from locator import addresses
from locator.web import search_view
from locator.web.context import services
from locator.web.insights import linked_results, record_profile_view, record_search
from locator.web.jsonld import profile_head

bp = Blueprint("pages", __name__)


def paragraphs(text: str | None) -> list[str]:
    """A description's paragraphs (its non-empty lines), each shown with its own text direction."""
    return [line.strip() for line in re.split(r"\r\n|\r|\n", text or "") if line.strip()]


def office_address_lines(office: dict[str, Any]) -> list[str]:
    """An office's address on its card: street, locality, country, each said once."""
    return addresses.address_lines(office, services().locator.geocoder.gazetteer)


def back_to_search(search_path: str) -> str:
    """Where a profile's "Back to the search" goes: the search the visitor came from, when the referrer
    is this site's search page (or its embed, for public profiles), else the empty search."""
    back = None
    if request.referrer:
        referrer, here = urlsplit(request.referrer), urlsplit(request.host_url)
        searches = {search_path, *(() if search_path.startswith("/sellers") else ("/embed",))}
        if referrer.netloc == here.netloc and referrer.path in searches:  # (a proxy may change the scheme)
            back = referrer.query
    return search_view.back_url(search_path, back)


def search_screen(template: str, path: str, audience: str = "public", drop: tuple[str, ...] = (),
                  locked: tuple[str, ...] = (), **context: Any):
    """Render a search screen (public page, embed, seller view) for the request's parameters."""
    svc = services()
    args = search_view.page_args(request.args, drop)
    page = search_view.run_search(svc.locator, args, svc.config, path, audience, locked=locked)
    if page.results is not None and page.query is not None:
        linked_results(page.results, record_search(page.query, page.results, "embed" if path == "/embed" else "page"))
    status = 400 if page.error else 200
    return render_template(
        template,
        page=page,
        action=path,
        suggest_url="/api/v1/suggest",
        default_radius=svc.config.default_radius_km,
        **context,
    ), status


@bp.get("/")
def index():
    return search_screen("index.html", url_for("pages.index"), seller=False, link_target=None)


@bp.get("/partners/<slug>")
def profile(slug: str):
    partner = services().locator.partner(slug, audience="public")
    if not partner:
        abort(404, description="There is no published partner at this address.")
    record_profile_view(partner["id"], request.args.get("from"))
    return render_template("partners/profile.html", partner=partner, **profile_head(partner))
