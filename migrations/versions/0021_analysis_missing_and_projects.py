"""analysis: missing SCB values, joint projects editable.

SCB writes ".." where it gives no figure. Such a cell is now stored as missing (a row with
`missing` true) instead of being dropped, so that a later import cannot be mistaken for
complete data and the share of that kommun and half-year is not computed from a gap.

The column is added with op.add_column, not batch_alter_table: on SQLite a batch rebuilds
the table, and the analysis tables must keep what earlier migrations gave them. The table
is a shared one (no tenant), as in 0015; the app role's grants cover a new column.

Joint projects need no new column: a project without a rate keeps hour_value 0, which the
code reads as "no rate" (hours are then not valued), and an edit refuses a rate of 0 kr.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 17:20:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('analysis_helarsekvivalenter',
                  sa.Column('missing', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    # Missing cells did not exist before: drop them, then the column (SQLite 3.35+ drops a column in place).
    op.execute("DELETE FROM analysis_helarsekvivalenter WHERE missing")
    op.drop_column('analysis_helarsekvivalenter', 'missing')
