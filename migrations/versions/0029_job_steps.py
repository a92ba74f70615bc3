"""Jobs that are safe to retry: each job counts the runs it has had (`jobs.attempts`), so a run
that finds an earlier one of its own knows it continues that one's work (a send-out skips whom the
earlier run reached, platform/dispatch.py) and the job page and the log say it was retried.

The deliveries of a send-out keep their table (migration 0017); their state gains "prepared"
(recorded, not yet handed to the mail server), which needs no schema change.

Columns are added with op.add_column, never batch_alter_table (a rebuild on SQLite drops the
triggers of migration 0018).

Revision ID: 0029_job_steps
Revises: 0028_sessions_mfa
Create Date: 2026-12-04 12:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0029_job_steps'
down_revision = '0028_sessions_mfa'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('jobs', sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    op.drop_column('jobs', 'attempts')
