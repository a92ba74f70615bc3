"""year end by an explicit bokslut (years with an årsredovisning count as closed, as they did), and
the generated bilagor of a sent kallelse stored as sent; row-level security.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 17:20:00

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('year_ends',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.String(length=200), nullable=False),
    sa.Column('returned', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'year')
    )
    # Until now a year closed with its årsredovisning (one per tenant and year): those years stay closed.
    empty = "'{}'::json" if op.get_bind().dialect.name == "postgresql" else "'{}'"
    op.execute("INSERT INTO year_ends (tenant_id, year, closed_at, closed_by, returned) "
               f"SELECT tenant_id, year, CURRENT_TIMESTAMP, 'årsredovisningen', {empty} "
               "FROM financial_reports WHERE kind = 'helar'")
    op.create_table('sent_appendices',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('sent_with', sa.String(length=40), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['meetings.tenant_id', 'meetings.id']),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'meeting_id', 'slug', 'sent_with')
    )
    for table in ('year_ends', 'sent_appendices'):
        enable_tenant_rls(table)
    grant_app_role()


def downgrade():
    for table in ('sent_appendices', 'year_ends'):
        disable_tenant_rls(table)
        op.drop_table(table)
