"""nns register, positions, nominations, motions, roll and polls; row-level security

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25 20:09:28.865822

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = ['nns_contacts', 'nns_member_fees', 'nns_positions', 'nns_general_meetings', 'nns_nomination_rounds', 'nns_ombud', 'nns_polls', 'nns_ballot_tallies', 'nns_motions', 'nns_nominations', 'nns_poll_voters', 'nns_round_seats']


def upgrade():
    op.create_table('nns_contacts',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'email')
    )
    op.create_table('nns_member_fees',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'member_id', 'year')
    )
    op.create_table('nns_positions',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('elected_year', sa.Integer(), nullable=True),
    sa.Column('term_ends', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    op.create_table('nns_general_meetings',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('motion_deadline', sa.Date(), nullable=True),
    sa.Column('papers_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('roll_fixed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('roll_paragraph', sa.Integer(), nullable=True),
    sa.Column('officials', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['meetings.tenant_id', 'meetings.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'meeting_id')
    )
    op.create_table('nns_nomination_rounds',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('call_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('proposal_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['meetings.tenant_id', 'meetings.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    op.create_table('nns_ombud',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['meetings.tenant_id', 'meetings.id'], ),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'meeting_id', 'email'),
    sa.UniqueConstraint('tenant_id', 'meeting_id', 'member_id')
    )
    with op.batch_alter_table('nns_ombud', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nns_ombud_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('nns_polls',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('item_number', sa.Integer(), nullable=True),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('chair_preference', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['meetings.tenant_id', 'meetings.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    with op.batch_alter_table('nns_polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nns_polls_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('nns_ballot_tallies',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('option', sa.String(length=200), nullable=False),
    sa.Column('ballots', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'poll_id'], ['nns_polls.tenant_id', 'nns_polls.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'poll_id', 'option')
    )
    op.create_table('nns_motions',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_email', sa.String(length=254), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('proposal', sa.String(length=10), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['agenda_items.tenant_id', 'agenda_items.id'], ),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['meetings.tenant_id', 'meetings.id'], ),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    with op.batch_alter_table('nns_motions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nns_motions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('nns_nominations',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('candidate', sa.String(length=200), nullable=False),
    sa.Column('candidate_forbund', sa.String(length=200), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_email', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], ),
    sa.ForeignKeyConstraint(['tenant_id', 'round_id'], ['nns_nomination_rounds.tenant_id', 'nns_nomination_rounds.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    op.create_table('nns_poll_voters',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('option', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], ),
    sa.ForeignKeyConstraint(['tenant_id', 'poll_id'], ['nns_polls.tenant_id', 'nns_polls.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'poll_id', 'member_id')
    )
    op.create_table('nns_round_seats',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('member', sa.String(length=200), nullable=False),
    sa.Column('term_ends', sa.Integer(), nullable=True),
    sa.Column('proposed', sa.String(length=200), nullable=False),
    sa.Column('proposed_member', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'round_id'], ['nns_nomination_rounds.tenant_id', 'nns_nomination_rounds.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    for table in TABLES:
        enable_tenant_rls(table)
    grant_app_role()


def downgrade():
    for table in reversed(TABLES):
        disable_tenant_rls(table)
    op.drop_table('nns_round_seats')
    op.drop_table('nns_poll_voters')
    op.drop_table('nns_nominations')
    with op.batch_alter_table('nns_motions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nns_motions_meeting_id'))

    op.drop_table('nns_motions')
    op.drop_table('nns_ballot_tallies')
    with op.batch_alter_table('nns_polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nns_polls_meeting_id'))

    op.drop_table('nns_polls')
    with op.batch_alter_table('nns_ombud', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nns_ombud_meeting_id'))

    op.drop_table('nns_ombud')
    op.drop_table('nns_nomination_rounds')
    op.drop_table('nns_general_meetings')
    op.drop_table('nns_positions')
    op.drop_table('nns_member_fees')
    op.drop_table('nns_contacts')
