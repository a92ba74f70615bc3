"""bookkeeping in SIE 4: the account plan mapped to budget lines, imported balances and results.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 17:20:00

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


TABLES = ('account_balances', 'bookkeeping_imports', 'account_mappings')


def upgrade():
    op.create_table('account_mappings',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('first_account', sa.String(length=10), nullable=False),
    sa.Column('last_account', sa.String(length=10), nullable=False),
    sa.Column('target', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'first_account', 'last_account')
    )
    op.create_table('bookkeeping_imports',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('program', sa.String(length=200), nullable=False),
    sa.Column('company', sa.String(length=300), nullable=False),
    sa.Column('org_nr', sa.String(length=20), nullable=False),
    sa.Column('verifications', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'year', 'period_end')
    )
    op.create_table('account_balances',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('opening', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('target', sa.String(length=30), nullable=True),
    sa.Column('line', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'import_id'], ['bookkeeping_imports.tenant_id', 'bookkeeping_imports.id'],
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'import_id', 'account')
    )
    for table in TABLES:
        enable_tenant_rls(table)
    # Plain columns only: on SQLite a batch rebuild of the table would drop migration 0018's triggers.
    op.add_column('financial_reports', sa.Column('source', sa.String(length=10), server_default='hand', nullable=False))
    op.add_column('financial_reports', sa.Column('period_end', sa.Date(), nullable=True))
    grant_app_role()


def downgrade():
    op.drop_column('financial_reports', 'period_end')
    op.drop_column('financial_reports', 'source')
    for table in TABLES:
        disable_tenant_rls(table)
        op.drop_table(table)
