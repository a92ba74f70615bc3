"""internkontrollplan: controls and their yearly follow-up; row-level security.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 17:39:39.930624

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role

TENANT_TABLES = ('controls', 'control_follow_ups')


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('controls',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('process', sa.String(length=200), nullable=False),
    sa.Column('control', sa.String(length=300), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=300), nullable=False),
    sa.Column('frequency', sa.String(length=100), nullable=False),
    sa.Column('report_to', sa.String(length=200), nullable=False),
    sa.Column('consequence', sa.Integer(), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    op.create_table('control_follow_ups',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('control_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'control_id'], ['controls.tenant_id', 'controls.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'control_id', 'year')
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table)
    grant_app_role()


def downgrade():
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_table('control_follow_ups')
    op.drop_table('controls')
