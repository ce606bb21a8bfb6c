"""The README's production command with 2 workers, in Chromium: a seller signs in, the seller view answers
from both workers, and after sign-out a copy of the old cookie opens nothing (no LOCATOR_SECRET_KEY set:
the single-machine case, where the generated key in the instance folder is shared)."""
from __future__ import annotations

import pytest

from locator.auth import create_token
from locator.db import Database
from tests.browser.conftest import screenshot
from tests.process.server import gunicorn
from tests.web.pagedata import SECRET, UNPUBLISHED_NAME

pytestmark = pytest.mark.browser
MAX_LOADS = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with gunicorn(tmp_path_factory.mktemp("gunicorn-browser")) as running:
        yield running


def seller_token(server) -> str:
    db = Database(server.database_url)
    try:
        with db.session() as session:
            return create_token(session, "Gunicorn Browser Seller", "seller")
    finally:
        db.engine.dispose()


def seller_view_pids(server) -> set[str]:
    """Workers that have answered the signed-in seller view (pid, status, request line in the access log)."""
    lines = server.access_log.read_text(encoding="utf-8").splitlines() if server.access_log.exists() else []
    return {line.split()[0] for line in lines if " 200 GET /sellers?near=Berlin" in line}


def test_seller_signs_in_and_out_against_gunicorn_with_two_workers(server, context_factory):
    page = context_factory().new_page()
    page.goto(server.url + "/sellers")
    page.get_by_label("Seller token").fill(seller_token(server))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()
    state = page.context.storage_state()
    cookie = next(c for c in state["cookies"] if c["name"] == "locator_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]

    # Each load in a fresh browser context (its own connections) holding the same cookie, until both
    # workers have served the signed-in view: a session made by one worker is good on the other.
    loads = 0
    while loads < 4 or (len(seller_view_pids(server)) < 2 and loads < MAX_LOADS):
        view = context_factory(storage_state=state).new_page()
        view.goto(server.url + "/sellers?near=Berlin")
        assert "Signed in as" in view.content(), f"load {loads + 1} was not signed in"
        view.get_by_text(UNPUBLISHED_NAME).first.wait_for()
        view.context.close()
        loads += 1
    assert len(seller_view_pids(server)) == 2, f"{loads} loads all answered by one worker"
    page.goto(server.url + "/sellers?near=Berlin")
    page.get_by_text(UNPUBLISHED_NAME).first.wait_for()
    screenshot(page, "seller-gunicorn")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Seller sign-in").wait_for()
    for _ in range(4):  # the old cookie, replayed from elsewhere, is refused by every worker
        replay = context_factory(storage_state=state).new_page()
        replay.goto(server.url + "/sellers?near=Berlin")
        replay.get_by_role("heading", name="Seller sign-in").wait_for()
        assert SECRET not in replay.content() and UNPUBLISHED_NAME not in replay.content()
        assert replay.request.get(server.url + "/sellers/export.csv").status == 401
        replay.context.close()
