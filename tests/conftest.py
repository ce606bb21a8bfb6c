"""Fixtures: one backend fixture over SpatiaLite and PostGIS; each test rolls back its writes."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from locator.db import Database
from tests.support.pgcluster import ClusterUnavailable, PgCluster

REQUIRE_ALL = os.environ.get("LOCATOR_REQUIRE_ALL") == "1"

# Every app the tests build (and the servers they start) gets generous rate limits and no request log on
# stderr; the tests of the limits and of the log set their own (explicit settings win over the environment).
# No build is published into the store (tests share stores: one test's build is not another's); the tests of
# publishing turn it on.
GENEROUS_LIMITS = {f"LOCATOR_RATELIMIT_{name}": "100000/minute" for name in ("SEARCH", "SUGGEST", "GEOCODE", "SIGN_IN", "FORMS")}
for _name, _value in {**GENEROUS_LIMITS, "LOCATOR_REQUEST_LOG": "false", "LOCATOR_INDEX_PUBLISH": "false"}.items():
    os.environ.setdefault(_name, _value)
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def unavailable(reason: str) -> None:
    """Skip when a system piece is missing, or fail when CI requires everything."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (LOCATOR_REQUIRE_ALL=1)", pytrace=False)
    pytest.skip(reason)


def start_cluster() -> PgCluster:
    """A new throwaway PostgreSQL + PostGIS cluster, or skip (fail in CI) when PostgreSQL is missing."""
    try:
        return PgCluster().start()
    except ClusterUnavailable as exc:
        unavailable(str(exc))


@pytest.fixture(scope="session", autouse=True)
def _gazetteer_built():
    """Build (or load) the offline gazetteer once, before any test: on a fresh clone its first build takes a
    minute or two, which must not land inside one test's timeouts (a browser test's first place search)."""
    from locator.config import Config
    from locator.gazetteer import get_gazetteer

    get_gazetteer(Config.from_env().gazetteer_min_population)


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def spatialite_db(tmp_path_factory):
    try:
        db = Database(f"sqlite:///{tmp_path_factory.mktemp('store') / 'test.sqlite'}")
        db.create_all()
    except Exception as exc:  # SetupError or a missing library
        unavailable(f"SpatiaLite unavailable: {exc}")
    yield db
    db.engine.dispose()


@pytest.fixture(scope="session")
def postgis_db(pg_cluster):
    db = Database(pg_cluster.url())
    db.create_all()
    yield db
    db.engine.dispose()


@pytest.fixture(params=["spatialite", "postgis"])
def backend(request) -> Database:
    """The store on each backend in turn (fresh tables per session, shared by tests that roll back)."""
    return request.getfixturevalue(f"{request.param}_db")


@pytest.fixture
def session(backend: Database):
    """A session inside a transaction that is rolled back after the test (savepoints for commits)."""
    connection = backend.engine.connect()
    outer = connection.begin()
    sess = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield sess
    finally:
        sess.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def fresh_db(request, tmp_path, backend):
    """An empty store of its own (for tests that commit across sessions or processes)."""
    if backend.engine.dialect.name == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    else:
        cluster = request.getfixturevalue("pg_cluster")
        db = Database(cluster.createdb(f"t_{os.getpid()}_{abs(hash(request.node.nodeid)) % 10**9}"))
    db.create_all()
    yield db
    db.engine.dispose()


@pytest.fixture
def make_app(tmp_path):
    """Build an app on a given store: make_app(db, **config_overrides) (index under tmp_path)."""
    from locator import create_app

    apps = []

    def build(db: Database, **overrides):
        config = {
            "database_url": db.engine.url.render_as_string(hide_password=False),
            "index_dir": str(tmp_path / "index"),
            "testing": True,
            "secret_key": "test-secret",
        }
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["locator"].close()


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 collecting what it receives (.messages, .wait_for(to=...), .url)."""
    from tests.support.smtp import LocalSmtpServer

    server = LocalSmtpServer().start()
    yield server
    server.stop()
