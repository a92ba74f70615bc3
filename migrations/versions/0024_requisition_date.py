"""insatser: the date of a requisition.

A requisition registered after the fact (from paper, or the demo's requisitions of 30 June 2021)
keeps the day it was made; without one, the day it was registered counts.

The column is added with op.add_column, not batch_alter_table: on SQLite a batch rebuilds the
table, and a rebuild drops the triggers migration 0018 made. A new column is covered by the app
role's table grants and by the table's row-level security as they stand.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-10 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('requisitions', sa.Column('requisitioned_on', sa.Date(), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place (no rebuild); no trigger names this column.
    op.drop_column('requisitions', 'requisitioned_on')
