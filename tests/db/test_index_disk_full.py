"""A full index disk (a real tmpfs filled up): a big change's rebuild fails, the current model plus the
change as a delta keeps serving, no debris is left, the failure is logged per attempt with what to
do, and the next attempt waits for the backoff instead of every request retrying it."""
from __future__ import annotations

import errno
import logging
import os
import subprocess
from pathlib import Path

import pytest

from locator.config import Config
from locator.search import index
from locator.search.query import SearchQuery
from locator.services import Services
from locator.store import apply_partner
from tests.factories import office, partner_data


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs mounted for this test (root only; CI runs as root)."""
    from tests.conftest import unavailable

    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True,
                            text=True)
    if result.returncode:
        unavailable(f"cannot mount a tmpfs for the full-disk test: {result.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount: Path) -> Path:
    """Write until the disk is full, in smaller and smaller pieces."""
    filler = mount / "filler"
    with open(filler, "wb", buffering=0) as fh:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler


def listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_a_rebuild_on_a_full_disk_backs_off_and_the_old_model_keeps_serving(fresh_db, small_disk, caplog):
    with fresh_db.session() as session:
        for n in range(3):
            apply_partner(session, partner_data(id=f"OLD{n}", name=f"Oldtimer {n}", offices=[office()]))
    url = fresh_db.engine.url.render_as_string(hide_password=False)
    config = Config.from_env({"database_url": url, "index_dir": str(small_disk / "index"), "index_poll_s": 0,
                              "rebuild_delta": 2})
    services = Services(config, fresh_db)
    try:
        locator = services.locator
        assert locator.search(SearchQuery(q="oldtimer")).total == 3
        fill(small_disk)
        before = listing(small_disk / "index")

        with fresh_db.session() as session:  # a change bigger than rebuild_delta: a full rebuild
            for n in range(4):
                apply_partner(session, partner_data(id=f"NEW{n}", name=f"Newcomer {n}", offices=[office()]))
        caplog.set_level(logging.INFO, logger="locator")
        assert locator.search(SearchQuery(q="newcomer")).total == 4  # served as a delta over the old model
        assert locator.search(SearchQuery(q="oldtimer")).total == 3
        failures = [r for r in caplog.records if r.levelno >= logging.ERROR and "building the search index" in r.getMessage()]
        assert len(failures) == 1
        assert "free space" in failures[0].getMessage() and "No space left" in failures[0].getMessage()
        assert listing(small_disk / "index") - before == set(), "the failed build left files behind"
        assert not list((small_disk / "index").rglob("*.tmp"))

        for _ in range(20):  # within the backoff no request retries the build
            assert locator.search(SearchQuery(q="newcomer")).total == 4
        failures = [r for r in caplog.records if r.levelno >= logging.ERROR and "building the search index" in r.getMessage()]
        assert len(failures) == 1
        assert locator.keeper.status()["build_ok"] is False

        os.unlink(small_disk / "filler")  # space again: the next attempt after the backoff succeeds
        locator.keeper.builder.retry_at = 0.0
        with fresh_db.session() as session:
            for n in range(3):
                apply_partner(session, partner_data(id=f"LATE{n}", name=f"Latecomer {n}", offices=[office()]))
        assert locator.search(SearchQuery(q="latecomer")).total == 3
        assert locator.keeper.status()["build_ok"] is True
        assert index.current_dir(small_disk / "index") != None  # noqa: E711
        assert locator.search(SearchQuery(q="newcomer")).total == 4
    finally:
        services.close()
