"""Offices know their ISO 3166-2 region (office.region_code); partners may serve regions (partner.regions_served).

The codes of existing offices are derived from their points by `locator reindex` (it needs the gazetteer,
which a migration should not load); until then those offices are found by radius searches only.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    # A store adopted at 0001 after being made by a newer create_all may have the columns already.
    if "region_code" not in _columns("office"):
        op.add_column("office", sa.Column("region_code", sa.String(length=6), nullable=True))
    if "regions_served" not in _columns("partner"):
        op.add_column("partner", sa.Column("regions_served", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): no table rebuild, SpatiaLite's geometry metadata untouched.
    op.drop_column("partner", "regions_served")
    op.drop_column("office", "region_code")
