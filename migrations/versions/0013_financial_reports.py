"""delårsrapport and årsredovisning figures; row-level security.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22 17:44:07.630819

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('financial_reports',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('income', sa.BigInteger(), nullable=False),
    sa.Column('costs', sa.BigInteger(), nullable=False),
    sa.Column('equity', sa.BigInteger(), nullable=False),
    sa.Column('total_assets', sa.BigInteger(), nullable=False),
    sa.Column('current_assets', sa.BigInteger(), nullable=False),
    sa.Column('short_term_liabilities', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'year', 'kind')
    )
    enable_tenant_rls('financial_reports')
    grant_app_role()


def downgrade():
    disable_tenant_rls('financial_reports')
    op.drop_table('financial_reports')
