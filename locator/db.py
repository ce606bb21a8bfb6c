"""Engine and sessions for the store: SQLite + SpatiaLite (embedded default) or PostgreSQL + PostGIS."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from locator.errors import SetupError

SPATIALITE_FIX = "apt-get install libsqlite3-mod-spatialite"
POSTGIS_FIX = "apt-get install postgresql-15-postgis-3"


def sqlite_module():
    """The sqlite3 DB-API module, checked to load extensions (pyenv builds often cannot)."""
    import sqlite3

    if hasattr(sqlite3.Connection, "enable_load_extension"):
        return sqlite3
    try:
        from pysqlite3 import dbapi2  # type: ignore[import-not-found]

        return dbapi2
    except ImportError:
        raise SetupError(
            "this Python's sqlite3 cannot load extensions (SpatiaLite); use Debian's /usr/bin/python3 "
            "for the venv (make venv does) or pip install pysqlite3-binary"
        ) from None


def make_engine(url: str, spatialite_library: str = "mod_spatialite", **kwargs) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, spatialite_library, **kwargs)
    if parsed.get_backend_name() == "postgresql":
        # Generic plans for prepared statements can be 100x slower on PostGIS: never prepare.
        connect_args = {"prepare_threshold": None, "connect_timeout": 5} if parsed.get_driver_name() == "psycopg" else {}
        return create_engine(url, connect_args=connect_args, pool_pre_ping=True, **kwargs)
    raise SetupError(f"unsupported database URL {url!r}: use sqlite:///... or postgresql+psycopg://...")


def _sqlite_engine(url: str, spatialite_library: str, **kwargs) -> Engine:
    from geoalchemy2.admin.dialects.sqlite import init_spatialite

    module = sqlite_module()
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, module=module, **kwargs)

    @event.listens_for(engine, "connect")
    def _load(dbapi_conn, _record):
        try:
            dbapi_conn.enable_load_extension(True)
            dbapi_conn.load_extension(spatialite_library)
            dbapi_conn.enable_load_extension(False)
        except Exception as exc:  # sqlite3.OperationalError from the extension loader
            raise SetupError(f"cannot load SpatiaLite ({exc}); fix: {SPATIALITE_FIX}") from None
        init_spatialite(dbapi_conn, transaction=True, init_mode="WGS84")
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        dbapi_conn.execute("PRAGMA journal_mode = WAL")
        dbapi_conn.execute("PRAGMA busy_timeout = 10000")

    return engine


def is_postgres(bind) -> bool:
    return bind.dialect.name == "postgresql"


def prepare_database(engine: Engine) -> None:
    """Create what the schema needs before tables: the PostGIS extension."""
    if not is_postgres(engine):
        return
    with engine.begin() as conn:
        available = conn.execute(
            text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
        ).first()
        if not available:
            raise SetupError(f"PostGIS is not installed on this PostgreSQL server; fix: {POSTGIS_FIX}")
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))


class Database:
    """The store: an engine plus a session factory; created unbound, attached with init_app."""

    def __init__(self, url: str | None = None, spatialite_library: str = "mod_spatialite"):
        self.engine: Engine | None = None
        self.sessionmaker: sessionmaker | None = None
        if url:
            self.connect(url, spatialite_library)

    def connect(self, url: str, spatialite_library: str = "mod_spatialite") -> "Database":
        self.engine = make_engine(url, spatialite_library)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        return self

    def init_app(self, app) -> None:
        cfg = app.config["LOCATOR"]
        if self.engine is None:
            self.connect(cfg.database_url, cfg.spatialite_library)

    def create_all(self) -> tuple[str | None, str]:
        """Create the store or upgrade it to the newest schema; (revision before, revision now)."""
        from locator import migrations

        prepare_database(self.engine)
        return migrations.upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.sessionmaker() as session, session.begin():
            yield session
