"""The partner portal at /partner: a partner's users edit its public profile, see its completeness and where
it ranks, and submit the edit for review (a pending revision; the live profile changes when an admin approves).
Also /logos/<sha256>.png, the uploaded logos (immutable, cached for a year).

A partner user reaches only its own partner: nothing in a URL names the partner, and a revision of another
partner is a 404."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from locator import logos, rank_preview, revisions, vocab
from locator.audit import Actor
from locator.completeness import score_profile
from locator.models import Partner
from locator.store import partner_record
from locator.web import profile_form
from locator.web.context import services
from locator.web.security import public_base_url
from locator.web.users import check_csrf, current_user, require_user

bp = Blueprint("portal", __name__, url_prefix="/partner")
logos_bp = Blueprint("logos", __name__)

MAX_UPLOAD_BYTES = 32 * 1024 * 1024  # a form with a logo; an oversized logo still gets its message on the field
CHOICE_KINDS = {"types": "type", "services": "service", "segments": "segment", "industries": "industry",
                "languages": "language", "countries_served": "country", "certifications": "certification"}


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def choices() -> dict[str, list[tuple[str, str]]]:
    """Each vocabulary field's (code, label) choices, by label."""
    return {name: sorted(vocab.vocabulary(kind).items(), key=lambda item: item[1].casefold())
            for name, kind in CHOICE_KINDS.items()}


def region_choices(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, "Bavaria (DE)") of the first-level regions in the countries of the record's offices, the countries
    it serves and the regions it already serves."""
    places = services().geocoder.gazetteer
    countries = {o.get("country") for o in record.get("offices") or []} | set(record.get("countries_served") or [])
    countries |= {code.split("-")[0] for code in record.get("regions_served") or []}
    found = [(loc.region, f"{loc.label.split(',')[0]} ({country})")
             for country in sorted(c for c in countries if c) for loc in places.regions(country) if loc.region]
    known = {code for code, _ in found}
    return found + [(code, code) for code in record.get("regions_served") or [] if code not in known]


def editor_context(partner: Partner, live: dict[str, Any], shown: dict[str, Any]) -> dict[str, Any]:
    """What the edit form and its guidance need: the choices, completeness now and with the edit, the rank
    preview, and the offices without a point."""
    cfg = services().config
    return {
        "partner": partner, "live": live, "record": shown,
        "choices": {**choices(), "regions_served": region_choices(shown)},
        "score_now": score_profile(live).score, "score_after": score_profile(shown).score,
        "worth": rank_preview.worth(shown),
        "placements": rank_preview.placements(services().locator, live, shown, partner.published),
        "unplaced": revisions.unplaced(shown), "address_key": profile_form.address_key,
        "logo_max_mb": cfg.logo_max_bytes / 1024 / 1024,
    }


def _own_partner(db) -> Partner:
    partner = db.get(Partner, current_user().partner_id)
    if partner is None:
        abort(404)
    return partner


@bp.get("")
@require_user("partner")
def index():
    with services().db.session() as db:
        partner = _own_partner(db)
        pending = revisions.pending_revision(db, partner.id)
        context = editor_context(partner, partner_record(partner), revisions.proposed_record(partner, pending))
        context.update(pending=pending, decision=revisions.latest_decision(db, partner.id), errors={},
                       preview=None, done=request.args.get("done"))
        return render_template("portal/index.html", **context)


@bp.post("")
@require_user("partner")
def save():
    """Preview (nothing saved) or submit the edit: a pending revision, all or nothing."""
    request.max_content_length = MAX_UPLOAD_BYTES
    check_csrf()
    cfg = services().config
    user = current_user()
    posted = profile_form.parse(request.form, request.files, admin=False, max_logo_bytes=cfg.logo_max_bytes,
                                max_logo_pixels=cfg.logo_max_pixels)
    submitting = request.form.get("action") == "submit"
    revisions.place_offices(posted.edits["offices"], services().geocoder)
    if posted.logo is not None:
        posted.edits["logo_url"] = public_base_url() + logos.URL_PREFIX + posted.logo.filename
    errors = dict(posted.errors)
    revision = None
    try:
        with services().db.session() as db:
            partner = _own_partner(db)
            if errors:
                revisions.validate_edit(partner_record(partner), posted.edits, revisions.PUBLIC_FIELDS)
                raise revisions.ProfileInvalid({})
            if submitting:
                if posted.logo is not None:
                    logos.save(db, posted.logo)
                revision = revisions.submit(db, partner, posted.edits, Actor.user(user.id, user.email))
            else:  # a preview; a valid upload is kept already (by content), so the next submit can name it
                revisions.validate_edit(partner_record(partner), posted.edits, revisions.PUBLIC_FIELDS)
                if posted.logo is not None:
                    logos.save(db, posted.logo)
    except revisions.ProfileInvalid as invalid:  # the transaction rolled back: nothing is saved
        for path, message in invalid.errors.items():
            errors.setdefault(profile_form.form_field(path), message)
    if submitting and not errors:
        return redirect(url_for("portal.index", done="submitted" if revision else "unchanged"), code=303)
    with services().db.session() as db:
        partner = _own_partner(db)
        live = partner_record(partner)
        if errors and posted.logo is not None:
            posted.edits["logo_url"] = live.get("logo_url")  # the upload was not kept
        shown = {**live, **posted.edits}
        context = editor_context(partner, live, shown)
        context.update(pending=revisions.pending_revision(db, partner.id), decision=None, errors=errors,
                       preview=shown, done=None)
        return render_template("portal/index.html", **context), (400 if errors else 200)


@bp.get("/revisions/<int:revision_id>")
@require_user("partner")
def revision(revision_id: int):
    with services().db.session() as db:
        partner = _own_partner(db)
        found = revisions.revision_of(db, revision_id, partner.id)
        if found is None:
            abort(404, description="There is no such revision of your profile.")
        return render_template("portal/revision.html", partner=partner, revision=found,
                               diffs=revisions.field_diffs(found.base, found), vocab_kinds=CHOICE_KINDS)


@bp.get("/geocode")
@require_user("partner", "admin")
def geocode():
    """Where the geocoder places an office address (the same geocoding as an import): {found, lat, lon, ...}."""
    office = {k: (request.args.get(k) or "").strip()[:500] or None for k in profile_form.ADDRESS_KEY}
    location = services().geocoder.geocode_office(office) if any(office.values()) else None
    if location is None:
        return jsonify(found=False, placed=profile_form.address_key(office))
    return jsonify(found=True, lat=location.lat, lon=location.lon, label=location.label, source=location.source,
                   placed=profile_form.address_key(office))


@logos_bp.get("/logos/<name>")
def logo(name: str):
    with services().db.session() as db:
        found = logos.load(db, name)
        if found is None:
            abort(404, description="There is no such logo.")
        body, media_type = found.data, found.media_type
    return Response(body, mimetype=media_type, headers={
        "Cache-Control": "public, max-age=31536000, immutable",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    })
