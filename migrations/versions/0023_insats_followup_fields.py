"""insatser: budgeted participants, inriktning and målgrupp; kvartalsrapport received date.

Uppföljning Finsam (Försäkringskassan) asks per insats for its inriktning and its budgeted
participants; målgrupp is the existing `target_group`. A kvartalsrapport back-filled by the
kansli from paper keeps the day it was received, so it is judged late by that day and not by
the day it was typed in.

The columns are added with op.add_column, not batch_alter_table: on SQLite a batch rebuilds
the table, and the rebuild would drop the triggers migration 0018 put on `insatser` (a decided
insats's § is final). A new column is covered by the app role's table grants and by the
tables' row-level security as they stand, so neither is touched here.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 17:20:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('insatser', sa.Column('focus', sa.String(length=200), nullable=False, server_default=''))
    op.add_column('insatser', sa.Column('planned_participants', sa.Integer(), nullable=True))
    op.add_column('quarterly_reports', sa.Column('received_on', sa.Date(), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place (no rebuild, the triggers stay); none of 0018's
    # triggers names these columns.
    op.drop_column('quarterly_reports', 'received_on')
    op.drop_column('insatser', 'planned_participants')
    op.drop_column('insatser', 'focus')
