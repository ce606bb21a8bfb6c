"""Full index builds are timed on /metrics wherever they run: in a child process, in this one
(build_in_child=False) and through Locator.reindex (what `locator reindex` runs)."""
from __future__ import annotations

from tests.web.test_metrics import sample, scrape
from tests.web.webapp import pages_app

BUILDS = "locator_index_build_duration_seconds_count"


def test_an_in_process_index_build_is_timed(tmp_path):
    with pages_app(tmp_path, build_in_child=False) as (app, _):
        before = scrape(app)
        assert app.test_client().get("/api/v1/search?q=x").status_code == 200  # the first search builds
        assert sample(scrape(app), BUILDS) - sample(before, BUILDS) == 1


def test_a_reindex_is_timed(tmp_path):
    with pages_app(tmp_path) as (app, _):
        assert app.test_client().get("/api/v1/search?q=x").status_code == 200
        before = scrape(app)
        app.extensions["locator"].locator.reindex()
        assert sample(scrape(app), BUILDS) - sample(before, BUILDS) == 1
