"""Sessions that end and a second factor: a per-user session generation (raised by logout, a new
password, deactivation, the last membership removed), TOTP on the user with one-time recovery
codes (stored hashed), and a tenant's requirement of a second factor for its admins and kansli.

Columns are added with op.add_column, never batch_alter_table (a rebuild on SQLite drops the
triggers of migration 0018). The recovery codes are a user-level table like users: no tenant_id,
no row security.

Revision ID: 0028_sessions_mfa
Revises: 0026_general_meeting_elections
Create Date: 2026-12-04 10:00:00

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import grant_app_role

revision = '0028_sessions_mfa'
down_revision = '0026_general_meeting_elections'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('session_generation', sa.Integer(), nullable=False, server_default='1'))
    op.add_column('users', sa.Column('mfa_secret', sa.String(length=64), nullable=True))
    op.add_column('users', sa.Column('mfa_enabled_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('mfa_last_step', sa.Integer(), nullable=True))
    op.add_column('tenants', sa.Column('require_mfa', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('mfa_recovery_codes',
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_mfa_recovery_codes_user_id', 'mfa_recovery_codes', ['user_id'], unique=False)
    grant_app_role()


def downgrade():
    op.drop_index('ix_mfa_recovery_codes_user_id', table_name='mfa_recovery_codes')
    op.drop_table('mfa_recovery_codes')
    # Plain drop_column (SQLite 3.35+ drops a column in place; no rebuild, so 0018's triggers stay).
    op.drop_column('tenants', 'require_mfa')
    for column in ('mfa_last_step', 'mfa_enabled_at', 'mfa_secret', 'session_generation'):
        op.drop_column('users', column)
