"""A serving process on an empty index directory builds in the background: searches meanwhile get a
quick 503 (IndexUnavailable), never a wait for the build, and ready() turns true once the model is
mapped; a swap to a new build releases the old build's maps."""
from __future__ import annotations

import fcntl
import gc
import time
from pathlib import Path

import pytest

from locator.errors import IndexUnavailable
from locator.search.query import SearchQuery
from locator.store import apply_partner
from tests.db.test_search_freshness import OPENED, _close_services, services_on  # noqa: F401
from tests.factories import partner_data


def mapped(prefix: Path) -> set[str]:
    names = set()
    for line in Path("/proc/self/maps").read_text().splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[5].startswith(str(prefix)):
            names.add(parts[5])
    return names


def test_a_fresh_serving_node_builds_in_the_background_and_never_makes_a_search_wait(fresh_db, tmp_path):
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="F1", name="Fresh Start Partners"))
    services = services_on(fresh_db, tmp_path / "index")
    keeper = services.locator.keeper
    assert not keeper.ready() and keeper.status()["ready"] is False
    index_dir = tmp_path / "index"
    index_dir.mkdir(parents=True, exist_ok=True)
    answered_503 = 0
    with open(index_dir / ".build.lock", "w") as held:  # as if another process were building: the build waits
        fcntl.flock(held, fcntl.LOCK_EX)
        keeper.start()
        for _ in range(3):
            started = time.monotonic()
            with pytest.raises(IndexUnavailable):
                services.locator.search(SearchQuery(q="fresh"))
            assert time.monotonic() - started < FIRST_ANSWER_S  # a quick answer, not a wait for the build
            answered_503 += 1
        assert not keeper.ready()
        fcntl.flock(held, fcntl.LOCK_UN)
    deadline = time.monotonic() + 120
    while not keeper.ready():
        assert time.monotonic() < deadline, keeper.status()
        started = time.monotonic()
        try:
            results = services.locator.search(SearchQuery(q="fresh"))
        except IndexUnavailable:
            answered_503 += 1
            assert time.monotonic() - started < FIRST_ANSWER_S
            time.sleep(0.05)
            continue
        assert [r.name for r in results.results] == ["Fresh Start Partners"]
    assert keeper.ready() and keeper.status()["model_loaded"] and keeper.lag_s() == 0.0
    assert [r.name for r in services.locator.search(SearchQuery(q="fresh")).results] == ["Fresh Start Partners"]
    assert answered_503 >= 3


FIRST_ANSWER_S = 4.0  # well under a build, generous for a loaded machine (the keeper waits at most 5 s for a load)


def test_a_swap_to_a_new_build_releases_the_old_maps(fresh_db, tmp_path):
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="S1", name="Swap One"))
    services = services_on(fresh_db, tmp_path / "index")
    services.locator.search(SearchQuery(q="swap"))
    first = services.locator.keeper._build
    assert first is not None and any(name.startswith(str(first)) for name in mapped(first))
    report = services.locator.reindex()
    assert report.path != first
    services.locator.search(SearchQuery(q="swap"))
    gc.collect()
    assert mapped(first) == set()
    assert mapped(report.path)
