"""socialt bokslut (reports, goal areas, survey questions) and analysgrupp recommendations;
row-level security on each.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 17:08:55.281775

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role

TENANT_TABLES = ('social_reports', 'goal_areas', 'survey_questions', 'recommendations')


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recommendations',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('addressed_to', sa.String(length=200), nullable=False),
    sa.Column('follow_up', sa.Text(), nullable=False),
    sa.Column('followed_up_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'year', 'number')
    )
    op.create_table('social_reports',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('insats_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'insats_id'], ['insatser.tenant_id', 'insatser.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'insats_id', 'year')
    )
    op.create_table('goal_areas',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('index_points', sa.Integer(), nullable=False),
    sa.Column('assessed_step', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'report_id'], ['social_reports.tenant_id', 'social_reports.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    op.create_table('survey_questions',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('respondents', sa.String(length=30), nullable=False),
    sa.Column('asked', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('top_three', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'area_id'], ['goal_areas.tenant_id', 'goal_areas.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'area_id', 'code', 'respondents')
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table)
    grant_app_role()


def downgrade():
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_table('survey_questions')
    op.drop_table('goal_areas')
    op.drop_table('social_reports')
    op.drop_table('recommendations')
