"""Accounts: users (partner, seller, admin) who sign in by one-time links sent by email; the core of it, no
Flask. `users` holds the people, `links` the sign-in links and the limits on asking for them."""
from __future__ import annotations

from locator.accounts.links import (
    LinkProblem,
    RateLimited,
    consume_link,
    create_link,
    link_problem,
    record_request,
)
from locator.accounts.users import (
    AccountError,
    create_user,
    disable_user,
    ensure_partner_user,
    find_partner,
    find_user,
    list_users,
    normalise_email,
)

__all__ = [
    "AccountError", "LinkProblem", "RateLimited", "consume_link", "create_link", "create_user", "disable_user",
    "ensure_partner_user", "find_partner", "find_user", "link_problem", "list_users", "normalise_email",
    "record_request",
]
