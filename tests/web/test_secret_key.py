"""The session secret is one for every worker: LOCATOR_SECRET_KEY, or (single machine, SpatiaLite) a key
generated once into the instance folder; a PostGIS store (several nodes) refuses to start without one."""
from __future__ import annotations

import multiprocessing
import re
import stat

import pytest

from locator import create_app
from locator.errors import SetupError
from locator.web.app import instance_secret
from tests.web.webapp import pages_app


def sign_in(client, app) -> None:
    from locator.auth import create_token

    with app.extensions["locator"].db.session() as db:
        token = create_token(db, "Secret Seller", "seller")
    form = client.get("/sellers").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert client.post("/sellers/sign-in", data={"token": token, "csrf_token": csrf}).status_code == 303


def test_two_workers_without_a_configured_secret_share_the_generated_one(tmp_path):
    instance = tmp_path / "instance"
    with pages_app(tmp_path / "one", xss=False, secret_key="", instance_dir=str(instance)) as (first, _), \
            pages_app(tmp_path / "two", xss=False, secret_key="", instance_dir=str(instance),
                      database_url=first.config["LOCATOR"].database_url) as (second, _):
        assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
        key_file = instance / "secret_key"
        assert key_file.read_text().strip() == first.secret_key
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        # A form from one worker, posted to the other; a session made by one, used on the other.
        client = first.test_client()
        sign_in(client, first)
        cookie = client.get_cookie("locator_session").value
        other = second.test_client()
        other.set_cookie("locator_session", cookie)
        assert "Signed in as" in other.get("/sellers").get_data(as_text=True)


def test_a_configured_secret_wins_and_writes_nothing(tmp_path):
    with pages_app(tmp_path, xss=False, secret_key="configured", instance_dir=str(tmp_path / "instance")) as (app, _):
        assert app.secret_key == "configured"
    assert not (tmp_path / "instance" / "secret_key").exists()


def _race(folder: str, barrier, results) -> None:
    barrier.wait()
    results.put(instance_secret(__import__("pathlib").Path(folder)))


def test_workers_starting_at_once_agree_on_one_secret(tmp_path):
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(6), ctx.Queue()
    workers = [ctx.Process(target=_race, args=(str(tmp_path / "instance"), barrier, results)) for _ in range(6)]
    for w in workers:
        w.start()
    keys = [results.get(timeout=30) for _ in workers]
    for w in workers:
        w.join(30)
    assert len(set(keys)) == 1 and len(keys[0]) >= 32
    assert [p.name for p in (tmp_path / "instance").iterdir()] == ["secret_key"]  # no temporary files left


def test_an_unreadable_or_empty_key_file_is_a_clear_error(tmp_path):
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "secret_key").write_text("")
    with pytest.raises(SetupError, match="secret_key.*LOCATOR_SECRET_KEY"):
        instance_secret(folder)


def test_a_postgis_store_without_a_secret_refuses_to_start(pg_cluster, tmp_path):
    config = {"database_url": pg_cluster.url(), "index_dir": str(tmp_path / "index"), "testing": False,
              "warm_on_start": False, "secret_key": "", "instance_dir": str(tmp_path / "instance")}
    with pytest.raises(SetupError) as info:
        create_app(config)
    message = str(info.value)
    assert "LOCATOR_SECRET_KEY" in message and "\n" not in message
    assert not (tmp_path / "instance" / "secret_key").exists()
    app = create_app({**config, "secret_key": "shared-by-every-node"})
    assert app.secret_key == "shared-by-every-node"
    app.extensions["locator"].close()
