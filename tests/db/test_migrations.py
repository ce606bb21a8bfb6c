"""Alembic in the loop: an empty store, a store at the previous revision and a store made before
migrations existed all upgrade to a schema equal to the models, on SpatiaLite and PostGIS."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, inspect, select

from locator import migrations
from locator.db import Database, prepare_database
from locator.models import Base, Partner
from locator.store import partner_values, slugify
from tests.factories import partner_data

PROJECT_TABLES = {t.name for t in Base.metadata.sorted_tables}
LEGACY_TABLES = {"partner", "office", "change", "seller_token", "geocode_cache"}  # the store before Alembic


def differences(db: Database) -> list:
    """What autogenerate would still change: nothing, when the migrations build what the models say."""
    source = (migrations.HERE / "env.py").read_text()
    include_object = _include_object_from(source)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object, "compare_type": True})
        return compare_metadata(context, Base.metadata)


def _include_object_from(source: str):
    """env.py's own table filter (env.py runs only under Alembic, so take the function from its text)."""
    from geoalchemy2 import alembic_helpers

    namespace = {"alembic_helpers": alembic_helpers}
    start = source.index("def include_object")
    end = source.index("\n\n\n", start)
    exec(source[start:end], namespace)
    return namespace["include_object"]


def test_an_empty_store_is_created_at_head_and_matches_the_models(fresh_db):
    assert migrations.current(fresh_db.engine) == migrations.head()
    assert PROJECT_TABLES <= set(inspect(fresh_db.engine).get_table_names())
    assert differences(fresh_db) == []


def test_a_store_at_the_previous_revision_upgrades_and_keeps_its_data(request, tmp_path, backend):
    db = _empty_store(request, tmp_path, backend, "previous")
    prepare_database(db.engine)
    migrations.upgrade(db.engine, "0001")
    assert migrations.current(db.engine) == "0001"
    assert "web_session" not in inspect(db.engine).get_table_names()
    with db.engine.begin() as connection:
        _insert_at_0001(connection, partner_data(id="KEEP", name="Kept Across Upgrades"))
    before, after = db.create_all()
    assert (before, after) == ("0001", migrations.head())
    assert "web_session" in inspect(db.engine).get_table_names()
    with db.session() as session:
        assert session.scalar(select(Partner.name).where(Partner.external_id == "KEEP")) == "Kept Across Upgrades"
    assert differences(db) == []
    assert db.create_all() == (migrations.head(), migrations.head())  # idempotent
    db.engine.dispose()


def test_a_store_made_before_migrations_is_adopted(request, tmp_path, backend):
    db = _empty_store(request, tmp_path, backend, "legacy")
    prepare_database(db.engine)
    legacy = [t for t in Base.metadata.sorted_tables if t.name in LEGACY_TABLES]  # what create_all made then
    Base.metadata.create_all(db.engine, tables=legacy)
    with db.engine.begin() as connection:  # a row as that store's code wrote it (no audit trail then)
        data = partner_data(id="OLD", name="From Before Alembic")
        connection.execute(Partner.__table__.insert().values(**partner_values(data), external_id="OLD",
                                                             slug=slugify(data["name"])))
    before, after = db.create_all()
    assert (before, after) == (migrations.ADOPTED_REVISION, migrations.head())
    # SpatiaLite reflects spatial indexes made by create_all (R*Tree virtual tables, idx_<table>_<column>)
    # differently from those the migration ops make; tables, columns and plain indexes must agree.
    assert [d for d in differences(db) if not (d[0].endswith("_index") and d[1].name.startswith("idx_"))] == []
    with db.session() as session:
        assert session.scalar(select(Partner.name).where(Partner.external_id == "OLD")) == "From Before Alembic"
    db.engine.dispose()


def _insert_at_0001(connection, record: dict) -> None:
    """A partner row as a 0001 store takes it: today's columns it has, plus `version` (NOT NULL there; dropped in 0003)."""
    present = {c["name"] for c in inspect(connection).get_columns("partner")}
    columns = [c._copy() for c in Partner.__table__.columns if c.name in present] + [Column("version", Integer)]
    table = Table("partner", MetaData(), *columns)
    values = {k: v for k, v in partner_values(record).items() if k in present}
    connection.execute(table.insert().values(**values, external_id=record["id"], slug=slugify(record["name"]), version=1))


def _empty_store(request, tmp_path, backend: Database, name: str) -> Database:
    if backend.engine.dialect.name == "sqlite":
        return Database(f"sqlite:///{tmp_path / (name + '.sqlite')}")
    cluster = request.getfixturevalue("pg_cluster")
    return Database(cluster.createdb(f"m_{name}_{abs(hash(request.node.nodeid)) % 10**9}"))
