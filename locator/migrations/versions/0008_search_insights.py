"""Search insights: public searches and result events, recorded without personal data.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('search_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('search_id', sa.String(length=16), nullable=False),
    sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
    sa.Column('surface', sa.String(length=10), nullable=False),
    sa.Column('place_kind', sa.String(length=10), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('region_code', sa.String(length=6), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('q', sa.String(length=80), nullable=False),
    sa.Column('filters', sa.String(length=500), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('search_id')
    )
    with op.batch_alter_table('search_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_record_hour'), ['hour'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_record_region_code'), ['region_code'], unique=False)

    op.create_table('result_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('search_id', sa.String(length=16), nullable=True),
    sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('partner_ref', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('result_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_event_hour'), ['hour'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_event_partner_ref'), ['partner_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_event_search_id'), ['search_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('result_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_event_search_id'))
        batch_op.drop_index(batch_op.f('ix_result_event_partner_ref'))
        batch_op.drop_index(batch_op.f('ix_result_event_hour'))
    op.drop_table('result_event')
    with op.batch_alter_table('search_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_record_region_code'))
        batch_op.drop_index(batch_op.f('ix_search_record_hour'))
    op.drop_table('search_record')
