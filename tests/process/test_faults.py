"""Faults (issue 13 item 6), with real processes killed by SIGKILL: an import killed while it writes leaves the
store exactly as it was; a reindex killed while it builds leaves the old index serving and the next one works."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from locator.config import Config
from locator.db import Database
from locator.search import index
from locator.search.query import SearchQuery
from locator.services import Services
from locator.store import last_change_id
from tests.factories import partner_data

pytestmark = pytest.mark.slow
LOCATOR = Path(sys.executable).parent / "locator"


def env(folder: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LOCATOR_")}
    environment.update(LOCATOR_DATABASE_URL=f"sqlite:///{folder / 'store.sqlite'}", LOCATOR_INDEX_DIR=str(folder / "index"),
                       LOCATOR_INSTANCE_DIR=str(folder / "instance"))
    return environment


def locator(folder: Path, *args: str) -> str:
    result = subprocess.run([str(LOCATOR), *args], env=env(folder), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def write_partners(path: Path, prefix: str, n: int, word: str) -> Path:
    path.write_text(json.dumps([partner_data(id=f"{prefix}{i:05d}", name=f"{word.title()} Partner {i}", description=word)
                                for i in range(n)]), encoding="utf-8")
    return path


def snapshot(folder: Path) -> tuple:
    db = Database(env(folder)["LOCATOR_DATABASE_URL"])
    try:
        with db.session() as session:
            rows = session.execute(db_text("SELECT external_id, name, description FROM partner ORDER BY external_id")).all()
            return last_change_id(session), [tuple(r) for r in rows]
    finally:
        db.engine.dispose()


def db_text(sql: str):
    from sqlalchemy import text

    return text(sql)


def kill_when(command: list[str], folder: Path, ready) -> subprocess.Popen:
    """Start a command, wait until ready(process) says it is in the middle of its work, then SIGKILL it."""
    process = subprocess.Popen(command, env=env(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        while not ready(process):
            assert process.poll() is None, "the process ended before it could be killed mid-work; give it more to do"
            assert time.monotonic() < deadline, "the process never reached the point to kill it at"
            time.sleep(0.01)
    except BaseException:
        process.kill()
        process.communicate(timeout=30)
        raise
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    return process


@pytest.fixture
def site(tmp_path):
    locator(tmp_path, "init-db")
    locator(tmp_path, "import", str(write_partners(tmp_path / "base.json", "BASE", 50, "basalt")))
    locator(tmp_path, "reindex")
    return tmp_path


def test_an_import_killed_while_it_writes_leaves_the_store_as_it_was(site):
    before = snapshot(site)
    big = write_partners(site / "big.json", "KILLED", 4000, "obsidian")
    progress = bytearray()

    def writing(process) -> bool:  # the write step shows a progress bar (over 1,000 records) on stderr
        os.set_blocking(process.stderr.fileno(), False)
        chunk = process.stderr.read()
        if chunk:
            progress.extend(chunk)
        return b"partners" in progress and b"/4000" in progress

    kill_when([str(LOCATOR), "import", str(big)], site, writing)
    assert snapshot(site) == before
    # and the store takes the same import whole afterwards
    locator(site, "import", str(big))
    assert len(snapshot(site)[1]) == 4050


def test_a_reindex_killed_while_it_builds_leaves_the_old_index_serving(site):
    locator(site, "import", str(write_partners(site / "more.json", "MORE", 3000, "granite")))
    root = site / "index"
    current = (root / "CURRENT").read_text()

    def building(process) -> bool:
        return any(p.name.startswith("build-") and p.name != current.strip() for p in root.iterdir())

    kill_when([str(LOCATOR), "reindex"], site, building)
    assert (root / "CURRENT").read_text() == current  # the pointer still names the old build
    services = Services(Config.from_env(env=env(site)))
    try:
        results = services.locator.search(SearchQuery(q="basalt", per_page=1))
        assert results.total == 50  # the old index loads and serves (then follows the store)
    finally:
        services.close()
    out = locator(site, "reindex")
    assert "indexed 3050 partners" in out
    assert (root / "CURRENT").read_text() != current
    assert index.load_model(index.current_dir(root)) is not None
