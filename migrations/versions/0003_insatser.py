"""insatser: register, grants, contacts, spend, requisitions, outcomes, applications;
row-level security on each.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 16:49:59.784363

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role

TENANT_TABLES = ('insatser', 'grants', 'insats_contacts', 'spend', 'requisitions', 'outcomes', 'applications')


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('insatser',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('owner_member_id', sa.Integer(), nullable=True),
    sa.Column('partners', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target_group', sa.Text(), nullable=False),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('diarienummer', sa.String(length=30), nullable=True),
    sa.Column('styrgrupp', sa.Text(), nullable=False),
    sa.Column('decided_paragraph_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'decided_paragraph_id'], ['paragraphs.tenant_id', 'paragraphs.id'], ),
    sa.ForeignKeyConstraint(['tenant_id', 'owner_member_id'], ['members.tenant_id', 'members.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'name')
    )
    op.create_table('applications',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('applicant', sa.String(length=200), nullable=False),
    sa.Column('applicant_member_id', sa.Integer(), nullable=True),
    sa.Column('amounts', sa.JSON(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('target_group', sa.Text(), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_amounts', sa.JSON(), nullable=True),
    sa.Column('paragraph_id', sa.Integer(), nullable=True),
    sa.Column('insats_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'applicant_member_id'], ['members.tenant_id', 'members.id'], ),
    sa.ForeignKeyConstraint(['tenant_id', 'insats_id'], ['insatser.tenant_id', 'insatser.id'], ),
    sa.ForeignKeyConstraint(['tenant_id', 'paragraph_id'], ['paragraphs.tenant_id', 'paragraphs.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    op.create_table('grants',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('insats_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'insats_id'], ['insatser.tenant_id', 'insatser.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'insats_id', 'year')
    )
    op.create_table('insats_contacts',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('insats_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'insats_id'], ['insatser.tenant_id', 'insatser.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'insats_id', 'user_id')
    )
    op.create_table('outcomes',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('insats_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('sex', sa.String(length=5), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('new', sa.Integer(), nullable=False),
    sa.Column('ended', sa.Integer(), nullable=False),
    sa.Column('to_work', sa.Integer(), nullable=False),
    sa.Column('to_studies', sa.Integer(), nullable=False),
    sa.Column('to_other_solution', sa.Integer(), nullable=False),
    sa.Column('other_dropouts', sa.Integer(), nullable=False),
    sa.Column('remaining', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'insats_id'], ['insatser.tenant_id', 'insatser.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'insats_id', 'period', 'sex')
    )
    op.create_table('requisitions',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('insats_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'insats_id'], ['insatser.tenant_id', 'insatser.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    op.create_table('spend',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('insats_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('through', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('budget', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'insats_id'], ['insatser.tenant_id', 'insatser.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'insats_id', 'year', 'through')
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table)
    grant_app_role()


def downgrade():
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_table('spend')
    op.drop_table('requisitions')
    op.drop_table('outcomes')
    op.drop_table('insats_contacts')
    op.drop_table('grants')
    op.drop_table('applications')
    op.drop_table('insatser')
