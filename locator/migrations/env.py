"""Alembic's environment for the store: run programmatically by locator.migrate with a live connection."""
from __future__ import annotations

from alembic import context
from geoalchemy2 import alembic_helpers

from locator.models import Base

connection = context.config.attributes["connection"]


def include_object(obj, name, type_, reflected, compare_to):
    """Only the project's tables: SpatiaLite's and PostGIS's own (spatial_ref_sys, KNN, ...) are not ours."""
    if type_ == "table" and reflected and compare_to is None:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_object=include_object,
    process_revision_directives=alembic_helpers.writer,
    render_item=alembic_helpers.render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
