"""The accounts core on both backends: users (unique emails in any case, roles, partner binding), one-time
links (hash only, single use, expiry), disabling, request limits, and the importer's first partner user."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from locator import accounts
from locator.auth import USER, hash_token, live_session, start_session
from locator.models import SignInAttempt, SignInLink, User, utcnow
from tests.factories import make_partner

HOUR = timedelta(hours=1)


def test_emails_are_unique_in_any_case_and_stored_lower_cased(session):
    user = accounts.create_user(session, "  Ada@Example.COM ", "admin")
    assert user.email == "ada@example.com"
    with pytest.raises(accounts.AccountError) as raised:
        accounts.create_user(session, "ADA@example.com", "seller")
    assert raised.value.field == "email"
    assert accounts.find_user(session, "aDa@EXAMPLE.com").id == user.id
    assert accounts.find_user(session, "not an address") is None


def test_a_partner_can_have_several_users_and_roles_are_checked(session):
    partner = make_partner(session, id="P-USERS", name="Users Partner")
    first = accounts.create_user(session, "one@partner.example", "partner", partner)
    second = accounts.create_user(session, "two@partner.example", "partner", partner)
    assert first.partner_id == second.partner_id == partner.id
    for email, role, bound, field in (("x@p.example", "partner", None, "partner"),
                                      ("y@p.example", "seller", partner, "partner"),
                                      ("z@p.example", "owner", None, "role"),
                                      ("not-an-email", "seller", None, "email"),
                                      ("a\nb@p.example", "seller", None, "email")):
        with pytest.raises(accounts.AccountError) as raised:
            accounts.create_user(session, email, role, bound)
        assert raised.value.field == field, email
    assert accounts.find_partner(session, "P-USERS").id == partner.id
    assert accounts.find_partner(session, partner.slug).id == partner.id
    assert accounts.find_partner(session, "nope") is None


def test_a_link_is_stored_as_a_hash_and_works_once(session):
    user = accounts.create_user(session, "once@example.com", "seller")
    raw = accounts.create_link(session, user, HOUR, "/sellers?q=x")
    stored = session.scalar(select(SignInLink).where(SignInLink.user_id == user.id))
    assert stored.token_hash == hash_token(raw) and raw not in stored.token_hash
    assert accounts.link_problem(session, raw) is None
    assert accounts.link_problem(session, raw) is None  # looking changes nothing
    found, next_path = accounts.consume_link(session, raw)
    assert (found.id, next_path) == (user.id, "/sellers?q=x") and found.last_sign_in_at is not None
    assert accounts.consume_link(session, raw) is accounts.LinkProblem.USED
    assert accounts.link_problem(session, raw) is accounts.LinkProblem.USED


def test_an_expired_or_unknown_link_signs_nobody_in(session):
    user = accounts.create_user(session, "late@example.com", "seller")
    raw = accounts.create_link(session, user, HOUR)
    session.execute(update(SignInLink).values(expires_at=utcnow() - timedelta(seconds=5)))
    session.expire_all()
    assert accounts.consume_link(session, raw) is accounts.LinkProblem.EXPIRED
    for garbage in ("", "x", "y" * 500, None):
        assert accounts.consume_link(session, garbage) is accounts.LinkProblem.INVALID


def test_disabling_ends_sessions_and_unused_links(session):
    user = accounts.create_user(session, "gone@example.com", "admin")
    raw = accounts.create_link(session, user, HOUR)
    sid = start_session(session, USER, user.id, 60)
    assert live_session(session, sid, 60) is not None
    accounts.disable_user(session, user)
    session.expire_all()
    assert live_session(session, sid, 60) is None
    assert accounts.consume_link(session, raw) is accounts.LinkProblem.INVALID
    assert session.get(User, user.id).disabled_at is not None


def test_requests_are_counted_per_address_and_client_whoever_the_address_is(session):
    window = timedelta(minutes=15)
    for _ in range(2):
        accounts.record_request(session, "nobody@example.com", "10.0.0.1", 2, 10, window)
    with pytest.raises(accounts.RateLimited):
        accounts.record_request(session, "NOBODY@example.com", "10.0.0.2", 2, 10, window)
    accounts.record_request(session, "other@example.com", "10.0.0.1", 2, 3, window)
    with pytest.raises(accounts.RateLimited):
        accounts.record_request(session, "third@example.com", "10.0.0.1", 2, 3, window)
    keys = " ".join(session.scalars(select(SignInAttempt.key_hash)))
    assert "nobody" not in keys and "10.0.0.1" not in keys  # only hashes are kept


def test_old_requests_stop_counting(session):
    window = timedelta(minutes=15)
    accounts.record_request(session, "old@example.com", "10.9.9.9", 1, 10, window)
    session.execute(update(SignInAttempt).values(at=utcnow() - timedelta(minutes=30)))
    accounts.record_request(session, "old@example.com", "10.9.9.9", 1, 10, window)  # not limited
    assert session.scalar(select(func.count(SignInAttempt.id))) == 2  # the old ones were deleted on the way


def test_the_first_partner_user_is_not_duplicated(session):
    partner = make_partner(session, id="P-FIRST", name="First User Partner")
    assert accounts.ensure_partner_user(session, partner, "Owner@First.example").email == "owner@first.example"
    assert accounts.ensure_partner_user(session, partner, "owner@first.example") is None
    assert accounts.ensure_partner_user(session, partner, "someone-else@first.example") is None
    other = make_partner(session, id="P-SECOND", name="Second Partner")
    assert accounts.ensure_partner_user(session, other, "OWNER@first.example") is None  # the address is taken
    assert session.scalar(select(func.count(User.id))) == 1
