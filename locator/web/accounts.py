"""Sign-in by a one-time emailed link: GET/POST /sign-in (ask for a link), GET /sign-in/<token> (a page with a
button, so that mail scanners which fetch links do not use them up), POST /sign-in/<token> (sign in),
POST /sign-out.

Asking for a link answers the same whether or not the address belongs to a user, and about as fast: the
request is counted and looked up either way, and the message is sent on a thread after the answer."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for

from locator import accounts, mail, metrics
from locator.web.context import services
from locator.web.forms import check_csrf, safe_next
from locator.web.limits import client_address
from locator.web.security import public_base_url
from locator.web.users import current_user, end_browser_session, home_for, start_user_session

bp = Blueprint("accounts", __name__)


@bp.app_context_processor
def _helpers() -> dict:
    return {"home_for": home_for, "current_user": current_user}


def sign_in_form(error: str | None = None, email: str = "", next_path: str | None = None, status: int = 200):
    body = render_template("accounts/sign_in.html", error=error, email=email, next_path=next_path, user=current_user())
    return body, status


@bp.get("/sign-in")
def sign_in():
    return sign_in_form(next_path=safe_next(request.args.get("next")))


@bp.post("/sign-in")
def sign_in_request():
    """Count the request, and email a link if the address is an enabled user's; the same page either way."""
    check_csrf()
    typed = request.form.get("email", "")
    next_path = safe_next(request.form.get("next"))
    typed_shown = typed if isinstance(typed, str) and len(typed) <= 254 else ""
    svc = services()
    cfg = svc.config
    try:
        email = accounts.normalise_email(typed)
    except accounts.AccountError as exc:
        return sign_in_form(exc.message, typed_shown, next_path, 400)
    message = None
    try:
        with svc.db.session() as db:
            accounts.record_request(db, email, client_address(cfg.proxy_hops), cfg.sign_in_limit_per_address,
                                    cfg.sign_in_limit_per_client, timedelta(minutes=cfg.sign_in_limit_minutes))
            user = accounts.find_user(db, email)
            if user is not None and user.disabled_at is None:
                raw = accounts.create_link(db, user, timedelta(minutes=cfg.sign_in_link_minutes), next_path)
                message = (user.email, link_url(raw))
    except accounts.RateLimited as exc:
        return sign_in_form(exc.message, typed_shown, next_path, 429)
    if message is not None:
        to, link = message
        mail.send_in_background(cfg, to, "sign_in", "Your sign-in link for the Partner Locator", link=link,
                                minutes=cfg.sign_in_link_minutes)
        metrics.SIGN_INS.labels("link", "link_sent").inc()
    return render_template("accounts/check_email.html", email=email, minutes=cfg.sign_in_link_minutes)


def link_url(raw: str) -> str:
    """The absolute address of a sign-in link (the public URL, or this request's allowed host)."""
    return public_base_url() + url_for("accounts.sign_in_link", token=raw)


@bp.get("/sign-in/<token>")
def sign_in_link(token: str):
    """Show a button that uses the link; fetching this page uses nothing."""
    with services().db.session() as db:
        problem = accounts.link_problem(db, token)
    if problem is not None:
        return no_referrer(render_template("accounts/link_problem.html", problem=problem), problem.status)
    return no_referrer(render_template("accounts/confirm.html", token=token), 200)


@bp.post("/sign-in/<token>")
def sign_in_with_link(token: str):
    check_csrf()
    with services().db.session() as db:
        outcome = accounts.consume_link(db, token)
        if not isinstance(outcome, accounts.LinkProblem):
            user, next_path = outcome
            user_id, role = user.id, user.role
    metrics.SIGN_INS.labels("link", "refused" if isinstance(outcome, accounts.LinkProblem) else "ok").inc()
    if isinstance(outcome, accounts.LinkProblem):
        return no_referrer(render_template("accounts/link_problem.html", problem=outcome), outcome.status)
    start_user_session(user_id)
    return redirect(safe_next(next_path) or home_for(role), code=303)


@bp.post("/sign-out")
def sign_out():
    """End the session in the store (every copy of the cookie stops working) and forget the cookie."""
    check_csrf()
    end_browser_session()
    return redirect(url_for("pages.index"), code=303)


def no_referrer(body: str, status: int) -> Response:
    """A page whose address holds a link's secret: never sent on as a Referer."""
    response = make_response(body, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
