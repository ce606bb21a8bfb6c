"""Partner.version removed: nothing read it (the change log is what every node's index follows).

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): no table rebuild, SpatiaLite's geometry metadata untouched.
    # A store adopted at 0001 after being made by a newer create_all may never have had the column.
    if "version" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("partner")}:
        op.drop_column("partner", "version")


def downgrade() -> None:
    op.add_column('partner', sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
