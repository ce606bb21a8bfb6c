"""/admin/users: the channel team's list of users, invitations (a user and an emailed sign-in link) and
disabling. Admins only; anyone else gets the sign-in page or a 404 (locator.web.users.require_user)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, redirect, render_template, request, url_for

from locator import accounts, mail
from locator.models import USER_ROLES, User as UserRow
from locator.web.context import services
from locator.web.forms import check_csrf
from locator.web.security import public_base_url
from locator.web.users import current_user, require_user

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


def users_page(error: accounts.AccountError | None = None, form: dict | None = None, notice: str | None = None,
               status: int = 200):
    with services().db.session() as db:
        rows = [(user.id, user.email, user.role, partner.name if partner else None, partner.slug if partner else None,
                 user.created_at, user.last_sign_in_at, user.disabled_at) for user, partner in accounts.list_users(db)]
    body = render_template("accounts/admin_users.html", rows=rows, roles=USER_ROLES, error=error, form=form or {},
                           notice=notice, me=current_user())
    return body, status


@bp.get("")
@require_user("admin")
def index():
    notice = {"invited": "Invitation sent.", "disabled": "User disabled."}.get(request.args.get("done", ""))
    return users_page(notice=notice)


@bp.post("/invite")
@require_user("admin")
def invite():
    """Create the user (or find the same one again) and email a sign-in link valid for invite_link_hours."""
    check_csrf()
    form = {k: (request.form.get(k) or "").strip() for k in ("email", "role", "partner")}
    form["role"] = form["role"] or "partner"
    svc = services()
    cfg = svc.config
    try:
        with svc.db.session() as db:
            user, partner_name = _invitee(db, form)
            raw = accounts.create_link(db, user, timedelta(hours=cfg.invite_link_hours))
            to, role = user.email, user.role
            sign_in = public_base_url() + url_for("accounts.sign_in")
            link = public_base_url() + url_for("accounts.sign_in_link", token=raw)
            mail.send(cfg, to, "invite", "You are invited to the Partner Locator", link=link, sign_in_url=sign_in,
                      partner_name=partner_name, role=role, hours=cfg.invite_link_hours)
    except accounts.AccountError as exc:
        return users_page(error=exc, form=form, status=400)
    except mail.DeliveryFailed as exc:  # the user is not created either: the invitation can simply be sent again
        return users_page(error=accounts.AccountError(str(exc), field="email"), form=form, status=503)
    return redirect(url_for("admin_users.index", done="invited"), code=303)


def _invitee(db, form: dict) -> tuple[UserRow, str | None]:
    """The user to invite: a new one, or the existing user with this address when the role and partner match
    (a new link is sent); anything else is an error on the field."""
    partner = None
    if form["role"] == "partner" or form["partner"]:
        partner = accounts.find_partner(db, form["partner"])
        if partner is None:
            message = "no partner has this id or slug" if form["partner"] else "choose the partner (its id or slug)"
            raise accounts.AccountError(message, field="partner")
    existing = accounts.find_user(db, form["email"])
    if existing is None:
        return accounts.create_user(db, form["email"], form["role"], partner), partner.name if partner else None
    if existing.disabled_at is not None:
        raise accounts.AccountError("this user is disabled", field="email")
    if existing.role != form["role"] or existing.partner_id != (partner.id if partner else None):
        raise accounts.AccountError(f"this address already belongs to a user (role {existing.role})", field="email")
    return existing, partner.name if partner else None


@bp.post("/<int:user_id>/disable")
@require_user("admin")
def disable(user_id: int):
    check_csrf()
    if user_id == current_user().id:
        return users_page(error=accounts.AccountError("you cannot disable yourself", field="user"), status=400)
    with services().db.session() as db:
        user = db.get(UserRow, user_id)
        if user is None:
            abort(404)
        accounts.disable_user(db, user)
    return redirect(url_for("admin_users.index", done="disabled"), code=303)
