"""goals of insatser, measured on their outcomes; row-level security.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 17:03:59.809723

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('goals',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('insats_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('target', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'insats_id'], ['insatser.tenant_id', 'insatser.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'insats_id', 'measure')
    )
    enable_tenant_rls('goals')
    grant_app_role()


def downgrade():
    disable_tenant_rls('goals')
    op.drop_table('goals')
