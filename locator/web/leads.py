"""Contact requests (leads): the contact form page (/partners/<slug>/contact, works without JavaScript), the API
the widget posts to (POST /api/v1/partners/<slug>/leads, JSON, cross-origin without cookies: a signed form token
from GET .../lead-form enforces the minimum fill time), the partner's leads in its portal (/partner/leads) and the
channel team's list with filters and a CSV export (/sellers/leads, /admin/leads). One core: locator.leads."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import (Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request,
                   url_for)
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from locator import leads, metrics, vocab
from locator.errors import InvalidParameter, NotFound
from locator.models import LEAD_SOURCES, LEAD_STATUSES, Partner
from locator.spreadsheet import BOM, neutralise
from locator.web.context import services
from locator.web.forms import check_csrf, csrf_token
from locator.web.security import public_base_url
from locator.web.users import current_user, require_user

bp = Blueprint("leads", __name__)

API_FIELDS = {"name", "email", "company", "country", "needs", "message", "consent", "website", "form_token",
              "source", "search", "position"}
HONEYPOT = "website"  # a field people never see; bots fill it


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _base_url() -> str:
    try:
        return public_base_url()
    except InvalidParameter:
        return services().config.public_url.strip()


def public_partner(db, slug: str) -> Partner:
    partner = db.scalar(select(Partner).where(Partner.slug == slug, Partner.published.is_(True)))
    if partner is None:
        raise NotFound(f"no partner {slug[:80]!r}", field="slug")
    return partner


def receive(slug: str, fields: dict[str, Any], origin: leads.Provenance, token: Any, honeypot: Any) -> leads.Outcome:
    """The one path of a contact request: token, bot check, fields, store, route. A bot gets a made-up reference."""
    svc = services()
    with svc.db.session() as db:
        public_partner(db, slug)
    age = leads.token_age(_secret(), token, slug)
    if leads.looks_automated(honeypot, age, svc.config.lead_min_fill_s):
        metrics.LEADS.labels("refused").inc()
        return leads.Outcome(leads.new_reference(), None)
    form = leads.parse_form(fields)
    with svc.db.session() as db:
        partner = public_partner(db, slug)
        lead = leads.submit(db, svc.config, partner, form, origin)
        leads.notify(svc.config, db, lead, partner, _base_url())
        return leads.Outcome(lead.reference, lead)


# --------------------------------------------------------------------------------------------------- the API


@bp.get("/api/v1/partners/<slug>/lead-form")
def api_form(slug: str):
    """A form token for the widget's contact form (no cookie: it travels in the JSON body)."""
    with services().db.session() as db:
        public_partner(db, slug)
    response = jsonify(form_token=leads.issue_token(_secret(), slug), min_fill_s=services().config.lead_min_fill_s,
                       expires_in_s=leads.FORM_MAX_AGE_S, services=dict(vocab.vocabulary("service")),
                       countries=dict(vocab.vocabulary("country")))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/v1/partners/<slug>/leads")
def api_submit(slug: str):
    if not request.is_json:
        raise InvalidParameter("send the request as JSON (Content-Type: application/json)", field="Content-Type")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidParameter("the body must be a JSON object", field="body")
    unknown = sorted(set(body) - API_FIELDS)
    if unknown:
        raise InvalidParameter(f"unknown field {unknown[0][:40]!r}", field=unknown[0][:40])
    search = body.get("search") or {}
    if not isinstance(search, dict):
        raise InvalidParameter("search must be an object of search parameters", field="search")
    pairs = [(k, v) for k, values in search.items() for v in (values if isinstance(values, list) else [values])]
    source = body.get("source", "widget")
    origin = leads.provenance(source, request.headers.get("Origin"), pairs, body.get("position"))
    outcome = receive(slug, body, origin, body.get("form_token"), body.get(HONEYPOT))
    response = jsonify(reference=outcome.reference, message="Thank you: your request was sent to the partner.")
    response.headers["Cache-Control"] = "no-store"
    return response, 201


# ---------------------------------------------------------------------------------------- the contact page


def search_of(args: MultiDict) -> list[tuple[str, str]]:
    return [(k, v) for k, v in args.items(multi=True)]


@bp.app_template_global()
def contact_url(slug: str) -> str:
    """The contact form's address from a search page, the embed or a profile, with the search carried along."""
    source, host, pairs = "page", None, []
    if request.path in ("/", "/embed"):
        pairs = search_of(request.args)
        if request.path == "/embed":
            source, host = "iframe", embedding_origin()
    elif request.referrer:
        referrer, here = urlsplit(request.referrer), urlsplit(request.host_url)
        if referrer.netloc == here.netloc and referrer.path in ("/", "/embed"):  # a profile opened from a search
            pairs = parse_qsl(referrer.query)[:100]
            source = "iframe" if referrer.path == "/embed" else "page"
    query = [(k, v) for k, values in leads.clean_search(pairs).items() for v in values]
    query += [("src", source)] if source != "page" else []
    query += [("host", host)] if host else []
    return url_for("leads.page_form", slug=slug) + (f"?{urlencode(query)}" if query else "")


def embedding_origin() -> str | None:
    """The page that frames the embed: its origin from the Referer, when it is another site."""
    if not request.referrer:
        return None
    origin = leads.clean_origin(request.referrer)
    here = f"{request.scheme}://{request.host.lower()}"
    return origin if origin and origin != here else None


def _form_context(partner: Partner, args: MultiDict, values: dict[str, Any] | None, error: dict | None) -> dict:
    source = args.get("src") if args.get("src") in LEAD_SOURCES else "page"
    search = leads.clean_search(search_of(args) if values is None else
                                [(k[len("search_"):], v) for k, v in args.items(multi=True) if k.startswith("search_")])
    position, prefill = leads.position_in(services().locator, services().config, partner.slug, search)
    if values is None:
        values = {"country": prefill["country"] or "", "needs": prefill["needs"]}
        if args.get("pos", "").isdigit():
            position = int(args["pos"])
    else:
        position = int(args["pos"]) if args.get("pos", "").isdigit() else None
    return {"partner": partner, "values": values, "error": error, "source": source,
            "host": leads.clean_origin(args.get("host")) if source == "iframe" else None,
            "search": search, "position": position, "search_words": leads.describe_search(search),
            "form_token": leads.issue_token(_secret(), partner.slug), "csrf_token": csrf_token,
            "services": sorted(vocab.vocabulary("service").items(), key=lambda kv: kv[1].casefold()),
            "countries": sorted(vocab.vocabulary("country").items(), key=lambda kv: kv[1].casefold()),
            "limits": {"name": leads.NAME_MAX, "company": leads.COMPANY_MAX, "message": leads.MESSAGE_MAX,
                       "links": leads.MAX_LINKS}}


@bp.get("/partners/<slug>/contact")
def page_form(slug: str):
    with services().db.session() as db:
        partner = db.scalar(select(Partner).where(Partner.slug == slug, Partner.published.is_(True)))
        if partner is None:
            abort(404, description="There is no published partner at this address.")
        return render_template("leads/contact.html", **_form_context(partner, request.args, None, None))


@bp.post("/partners/<slug>/contact")
def page_submit(slug: str):
    check_csrf()
    form = request.form
    fields = {k: form.get(k) for k in ("name", "email", "company", "country", "message")}
    fields["needs"] = form.getlist("needs")
    fields["consent"] = form.get("consent")
    search = [(k[len("search_"):], v) for k, v in form.items(multi=True) if k.startswith("search_")]
    try:
        origin = leads.provenance(form.get("src") or "page", form.get("host"), search, form.get("pos"))
        outcome = receive(slug, fields, origin, form.get("form_token"), form.get(HONEYPOT))
    except InvalidParameter as exc:
        if exc.field == "slug":
            raise
        with services().db.session() as db:
            partner = public_partner(db, slug)
            values = {**fields, "needs": fields["needs"]}
            return render_template("leads/contact.html", **_form_context(partner, form, values, exc.to_dict())), 400
    with services().db.session() as db:
        partner = public_partner(db, slug)
        return render_template("leads/sent.html", partner=partner, reference=outcome.reference)


# ------------------------------------------------------------------------------------------- the partner's


@bp.get("/partner/leads")
@require_user("partner")
def portal_list():
    svc = services()
    with svc.db.session() as db:
        partner = db.get(Partner, current_user().partner_id)
        if partner is None:
            abort(404)
        found = leads.find(db, leads.LeadFilter(status=_choice(request.args.get("status"), LEAD_STATUSES)),
                           partner_id=partner.id)
        return render_template("portal/leads.html", partner=partner, found=found, statuses=LEAD_STATUSES,
                               status=request.args.get("status") or "", lead_email=leads.lead_address(db, partner.id),
                               done=request.args.get("done"), error=None, csrf_token=csrf_token,
                               overdue=lambda lead: leads.is_overdue(lead, svc.config.lead_reminder_days),
                               describe_search=leads.describe_search, label=vocab.label)


@bp.post("/partner/leads/<int:lead_id>/status")
@require_user("partner")
def portal_status(lead_id: int):
    check_csrf()
    with services().db.session() as db:
        lead = leads.lead_of(db, lead_id, current_user().partner_id)
        if lead is None:
            abort(404, description="There is no such lead of yours.")
        leads.set_status(lead, request.form.get("status"))
    return redirect(url_for("leads.portal_list", done="status"), code=303)


@bp.post("/partner/leads/settings")
@require_user("partner")
def portal_settings():
    check_csrf()
    with services().db.session() as db:
        leads.set_lead_address(db, current_user().partner_id, (request.form.get("lead_email") or "").strip())
    return redirect(url_for("leads.portal_list", done="settings"), code=303)


# --------------------------------------------------------------------------------------- the channel team's


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise InvalidParameter(f"must be one of {', '.join(allowed)}", field="status" if allowed == LEAD_STATUSES else "source")
    return value


def team_filter(args: MultiDict) -> leads.LeadFilter:
    days = services().config.lead_reminder_days
    partner = (args.get("partner") or "").strip()[:120] or None
    reference = (args.get("reference") or "").strip()[:12] or None
    return leads.LeadFilter(status=_choice(args.get("status"), LEAD_STATUSES),
                            source=_choice(args.get("source"), LEAD_SOURCES), partner=partner, reference=reference,
                            overdue_days=days if args.get("overdue") == "1" else None)


def _team_member() -> bool:
    from locator.web.seller import current_seller

    return current_seller() is not None


@bp.get("/sellers/leads")
def team_list():
    if not _team_member():
        return redirect(url_for("seller.index"), code=303)  # the sellers' sign-in (token or emailed link)
    return _team_page()


@bp.get("/admin/leads")
@require_user("admin")
def admin_list():
    return _team_page()


def _team_page():
    svc = services()
    filters = team_filter(request.args)
    with svc.db.session() as db:
        found = leads.find(db, filters)
        return render_template("leads/team.html", found=found, args=request.args, statuses=LEAD_STATUSES,
                               sources=LEAD_SOURCES, days=svc.config.lead_reminder_days,
                               overdue=lambda lead: leads.is_overdue(lead, svc.config.lead_reminder_days),
                               describe_search=leads.describe_search, label=vocab.label,
                               export_url=url_for("leads.team_csv", **request.args))


@bp.get("/sellers/leads.csv")
def team_csv():
    if not _team_member():
        abort(404)
    with services().db.session() as db:
        rows = leads.csv_rows(leads.find(db, team_filter(request.args), limit=100000))
        out = io.StringIO()
        out.write(BOM)
        writer = csv.writer(out)
        for row in rows:
            writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in row])
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d")
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="leads-{stamp}.csv"', "Cache-Control": "no-store"})
