"""analysis: published figures, helårsekvivalenter, joint projects (shared, no tenant)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25 20:34:11.298422

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import grant_app_role


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('analysis_helarsekvivalenter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kommun_code', sa.String(length=4), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('half', sa.Integer(), nullable=False),
    sa.Column('benefit', sa.String(length=30), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kommun_code', 'year', 'half', 'benefit')
    )
    with op.batch_alter_table('analysis_helarsekvivalenter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analysis_helarsekvivalenter_kommun_code'), ['kommun_code'], unique=False)

    op.create_table('analysis_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('imported_by', sa.String(length=254), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('analysis_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_tenant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('budget', sa.Integer(), nullable=False),
    sa.Column('external_funding', sa.Integer(), nullable=False),
    sa.Column('hour_value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analysis_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analysis_projects_owner_tenant_id'), ['owner_tenant_id'], unique=False)

    op.create_table('analysis_publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=254), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by', sa.String(length=254), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analysis_publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analysis_publications_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('analysis_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('dimension', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['analysis_publications.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('publication_id', 'measure', 'dimension')
    )
    with op.batch_alter_table('analysis_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analysis_figures_measure'), ['measure'], unique=False)

    op.create_table('analysis_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['analysis_projects.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'name')
    )
    op.create_table('analysis_shared_recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.Text(), nullable=False),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['analysis_projects.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'tenant_id', 'source_id')
    )
    op.create_table('analysis_cash',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('recorded_by', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['analysis_partners.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analysis_cash', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analysis_cash_partner_id'), ['partner_id'], unique=False)

    op.create_table('analysis_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('person', sa.String(length=200), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('logged_by', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['analysis_partners.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partner_id', 'person', 'month')
    )
    with op.batch_alter_table('analysis_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analysis_hours_partner_id'), ['partner_id'], unique=False)

    op.create_table('analysis_pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('cash', sa.Integer(), nullable=False),
    sa.Column('in_kind', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['analysis_partners.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partner_id', 'year')
    )
    # Shared tables, like the platform's: no tenant wall; the app role still needs its grants.
    grant_app_role()


def downgrade():
    op.drop_table('analysis_pledges')
    with op.batch_alter_table('analysis_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analysis_hours_partner_id'))

    op.drop_table('analysis_hours')
    with op.batch_alter_table('analysis_cash', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analysis_cash_partner_id'))

    op.drop_table('analysis_cash')
    op.drop_table('analysis_shared_recommendations')
    op.drop_table('analysis_partners')
    with op.batch_alter_table('analysis_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analysis_figures_measure'))

    op.drop_table('analysis_figures')
    with op.batch_alter_table('analysis_publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analysis_publications_tenant_id'))

    op.drop_table('analysis_publications')
    with op.batch_alter_table('analysis_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analysis_projects_owner_tenant_id'))

    op.drop_table('analysis_projects')
    op.drop_table('analysis_imports')
    with op.batch_alter_table('analysis_helarsekvivalenter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analysis_helarsekvivalenter_kommun_code'))

    op.drop_table('analysis_helarsekvivalenter')
