"""The channel team's pages at /admin: the review queue (pending revisions, a field-by-field diff, approve or
reject with a reason, the partner's users emailed the decision), the partners (profile, history, direct edit,
restore of an earlier version). Admins only (another role gets a 404; /admin/users is locator.web.admin_users)."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from locator import audit, mail, revisions
from locator.audit import Actor
from locator.models import Partner, User
from locator.store import partner_record
from locator.web import profile_form
from locator.web.context import services
from locator.web.portal import CHOICE_KINDS, editor_context
from locator.web.security import public_base_url
from locator.web.users import check_csrf, current_user, require_user

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)
LIST_LIMIT = 50


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _actor() -> Actor:
    user = current_user()
    return Actor.user(user.id, user.email)


def _partner(db, slug: str) -> Partner:
    partner = db.scalar(select(Partner).where(Partner.slug == slug))
    if partner is None:
        abort(404, description="There is no partner at this address.")
    return partner


@bp.get("")
@require_user("admin")
def index():
    q = (request.args.get("q") or "").strip()[:200]
    with services().db.session() as db:
        queue = revisions.pending(db)
        partners = []
        if q:
            like = f"%{q.lower()}%"
            partners = list(db.scalars(select(Partner).where(or_(func.lower(Partner.name).like(like),
                                                                  func.lower(Partner.external_id).like(like)))
                                       .order_by(Partner.name).limit(LIST_LIMIT)))
        return render_template("admin/index.html", queue=queue, partners=partners, q=q,
                               done=request.args.get("done"))


@bp.get("/revisions/<int:revision_id>")
@require_user("admin")
def revision(revision_id: int):
    with services().db.session() as db:
        found = revisions.revision_of(db, revision_id)
        if found is None:
            abort(404, description="There is no such revision.")
        partner = db.get(Partner, found.partner_id)
        live = partner_record(partner)
        return render_template("admin/revision.html", revision=found, partner=partner, error=None,
                               diffs=revisions.field_diffs(live if found.status == "pending" else found.base, found),
                               vocab_kinds=CHOICE_KINDS)


@bp.post("/revisions/<int:revision_id>/approve")
@require_user("admin")
def approve(revision_id: int):
    check_csrf()
    with services().db.session() as db:
        found = revisions.revision_of(db, revision_id)
        if found is None:
            abort(404, description="There is no such revision.")
        partner = revisions.approve(db, found, _actor())
        notice = _notice(db, partner, "approved", None)
    _send(notice)
    return redirect(url_for("admin.index", done="approved"), code=303)


@bp.post("/revisions/<int:revision_id>/reject")
@require_user("admin")
def reject(revision_id: int):
    check_csrf()
    reason = request.form.get("reason", "")
    try:
        with services().db.session() as db:
            found = revisions.revision_of(db, revision_id)
            if found is None:
                abort(404, description="There is no such revision.")
            revisions.reject(db, found, _actor(), reason)
            partner = db.get(Partner, found.partner_id)
            notice = _notice(db, partner, "rejected", reason.strip())
    except revisions.ProfileInvalid as invalid:
        with services().db.session() as db:
            found = revisions.revision_of(db, revision_id)
            partner = db.get(Partner, found.partner_id)
            return render_template("admin/revision.html", revision=found, partner=partner,
                                   error=invalid.errors.get("reason"), vocab_kinds=CHOICE_KINDS,
                                   diffs=revisions.field_diffs(partner_record(partner), found)), 400
    _send(notice)
    return redirect(url_for("admin.index", done="rejected"), code=303)


def _notice(db, partner: Partner, decision: str, reason: str | None) -> dict:
    """The decision email's recipients (the partner's active users) and context, read inside the transaction."""
    users = db.scalars(select(User.email).where(User.partner_id == partner.id, User.disabled_at.is_(None),
                                                User.role == "partner"))
    base = public_base_url()
    return {"to": list(users), "template": f"revision_{decision}", "partner_name": partner.name,
            "reason": reason, "portal_url": base + url_for("portal.index"),
            "profile_url": base + url_for("pages.profile", slug=partner.slug)}


def _send(notice: dict) -> None:
    subject = ("Your profile changes are live" if notice["template"] == "revision_approved"
               else "Your profile changes were not approved")
    context = {k: v for k, v in notice.items() if k not in ("to", "template")}
    for to in notice["to"]:
        try:
            mail.send_in_background(services().config, to, notice["template"], subject, **context)
        except Exception:  # the decision stands; a message that cannot be built is logged, not shown as a 500
            log.exception("could not send the %s message", notice["template"])


@bp.get("/partners/<slug>")
@require_user("admin")
def partner(slug: str):
    with services().db.session() as db:
        found = _partner(db, slug)
        history = audit.history(db, found.id)
        return render_template("admin/partner.html", partner=found, record=partner_record(found), history=history,
                               applied=audit.APPLIED, pending=revisions.pending_revision(db, found.id),
                               done=request.args.get("done"))


@bp.post("/partners/<slug>/restore/<int:entry_id>")
@require_user("admin")
def restore(slug: str, entry_id: int):
    check_csrf()
    with services().db.session() as db:
        revisions.restore(db, _partner(db, slug), entry_id, _actor())
    return redirect(url_for("admin.partner", slug=slug, done="restored"), code=303)


@bp.get("/partners/<slug>/edit")
@require_user("admin")
def edit(slug: str):
    with services().db.session() as db:
        found = _partner(db, slug)
        record = partner_record(found)
        return render_template("admin/edit.html", errors={}, **editor_context(found, record, record))


@bp.post("/partners/<slug>/edit")
@require_user("admin")
def save(slug: str):
    """The admin's direct edit: validated by the import schema, written at once (audited), or nothing."""
    from locator.web.portal import MAX_UPLOAD_BYTES
    from locator import logos

    request.max_content_length = MAX_UPLOAD_BYTES
    check_csrf()
    cfg = services().config
    posted = profile_form.parse(request.form, request.files, admin=True, max_logo_bytes=cfg.logo_max_bytes,
                                max_logo_pixels=cfg.logo_max_pixels)
    revisions.place_offices(posted.edits["offices"], services().geocoder)
    if posted.logo is not None:
        posted.edits["logo_url"] = public_base_url() + logos.URL_PREFIX + posted.logo.filename
    errors = dict(posted.errors)
    try:
        with services().db.session() as db:
            found = _partner(db, slug)
            current = partner_record(found)
            posted.edits["internal"] = {**current.get("internal", {}), **posted.edits["internal"]}  # contacts kept
            if errors:
                revisions.validate_edit(current, posted.edits, profile_form.editable(True))
                raise revisions.ProfileInvalid({})
            if posted.logo is not None:
                logos.save(db, posted.logo)
            updated = revisions.admin_edit(db, found, posted.edits, _actor())
            new_slug = updated.slug
    except revisions.ProfileInvalid as invalid:
        for path, message in invalid.errors.items():
            errors.setdefault(profile_form.form_field(path), message)
        with services().db.session() as db:
            found = _partner(db, slug)
            live = partner_record(found)
            if posted.logo is not None:
                posted.edits["logo_url"] = live.get("logo_url")
            return render_template("admin/edit.html", errors=errors,
                                   **editor_context(found, live, {**live, **posted.edits})), 400
    return redirect(url_for("admin.partner", slug=new_slug, done="saved"), code=303)
