"""The index directory deleted or damaged under a running node (issue 13, item 6): the keeper notices it in
its background loop and rebuilds it (or copies the published build) while searches go on from the model in
memory; /readyz says so meanwhile and is 200 again once the index is back on disk."""
from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from locator.search import index, snapshot
from locator.store import apply_partner
from tests.factories import partner_data

RESTORE_WITHIN_S = 180  # generous: a build in a child process on a loaded machine


def _delete(index_dir):
    shutil.rmtree(index_dir)


def _damage(index_dir):
    build = index.current_dir(index_dir)
    (build / snapshot.COLUMNS / snapshot.META).write_text("{not json")


@pytest.mark.parametrize("harm", [_delete, _damage], ids=["deleted", "damaged"])
@pytest.mark.parametrize("publish", [False, True], ids=["rebuilt", "copied"])
def test_a_lost_index_is_restored_while_searches_go_on(fresh_db, make_app, tmp_path, harm, publish):
    with fresh_db.session() as session:
        for n in range(3):
            apply_partner(session, partner_data(id=f"R{n}", name=f"Restore Partner {n}"))
    app = make_app(fresh_db, index_poll_s=0.1, index_publish=publish)
    index_dir = app.config["LOCATOR"].index_dir
    client = app.test_client()
    assert client.get("/api/v1/search?q=restore").get_json()["total"] == 3
    assert client.get("/readyz").status_code == 200
    before = index.current_dir(index_dir)

    statuses: list[int] = []
    stop = threading.Event()

    def search() -> None:
        searcher = app.test_client()
        while not stop.is_set():
            statuses.append(searcher.get("/api/v1/search?q=restore").status_code)
            time.sleep(0.01)

    thread = threading.Thread(target=search)
    thread.start()
    try:
        harm(index_dir)
        readyz = client.get("/readyz").get_json()
        assert readyz["index_on_disk"] is False and "warning" in readyz
        deadline = time.monotonic() + RESTORE_WITHIN_S
        while True:
            response = client.get("/readyz")
            body = response.get_json()
            if response.status_code == 200 and body["index_on_disk"]:
                break
            if response.status_code == 503:
                assert "restoring" in body["reason"], body
            assert time.monotonic() < deadline, body
            time.sleep(0.1)
        # a change written meanwhile still reaches the restored model
        with fresh_db.session() as session:
            apply_partner(session, partner_data(id="R9", name="Restore Partner Late"))
        deadline = time.monotonic() + RESTORE_WITHIN_S
        while client.get("/api/v1/search?q=restore").get_json()["total"] != 4:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join()
    restored = index.current_dir(index_dir)
    assert restored is not None and restored != before and index.base_marker(restored) is not None
    assert statuses and set(statuses) == {200}  # searches never failed meanwhile
    keeper = app.extensions["locator"].locator.keeper
    assert keeper._build == restored


def test_readyz_says_the_index_is_being_restored(fresh_db, make_app):
    """While the keeper restores the index (held up here by another builder's lock), /readyz is 503 and says why."""
    import fcntl

    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="W1", name="Waiting Partner"))
    app = make_app(fresh_db, index_poll_s=0.1, index_publish=False)
    client = app.test_client()
    assert client.get("/api/v1/search?q=waiting").status_code == 200
    index_dir = Path(app.config["LOCATOR"].index_dir)
    with open(index_dir / ".build.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        for path in index_dir.iterdir():  # the index, not the lock file held here
            if path.name != ".build.lock":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        deadline = time.monotonic() + 30
        while (response := client.get("/readyz")).status_code != 503:
            assert time.monotonic() < deadline, response.get_json()
            time.sleep(0.05)
        body = response.get_json()
        assert body["index_on_disk"] is False and "restoring" in body["reason"]
        assert client.get("/api/v1/search?q=waiting").get_json()["total"] == 1  # from the model in memory
        fcntl.flock(held, fcntl.LOCK_UN)
    deadline = time.monotonic() + RESTORE_WITHIN_S
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert json.loads(client.get("/readyz").get_data())["index_on_disk"] is True
