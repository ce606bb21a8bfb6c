"""Published index: a node's finished build, packed in chunks, for fresh nodes to copy.

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('published_index',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=40), nullable=False),
    sa.Column('marker', sa.Integer(), nullable=False),
    sa.Column('partners', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('published_index', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_index_format'), ['format'], unique=False)

    op.create_table('published_index_chunk',
    sa.Column('index_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['index_id'], ['published_index.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('index_id', 'seq')
    )


def downgrade() -> None:
    op.drop_table('published_index_chunk')
    with op.batch_alter_table('published_index', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_index_format'))
    op.drop_table('published_index')
