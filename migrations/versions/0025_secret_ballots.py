"""NNS: closed ballots sealed to a key nothing stores, instead of a tally updated with each vote.

A tally row updated in the vote's transaction carried that transaction's id (xmin) beside the
förbund's participation row, and its old versions stayed in the table's pages: the database could
link a förbund to its choice. Now each ballot is a SealedBallot, encrypted to the poll's public key
(voting.py); the private key is handed to the person who opened the poll and never stored.

A closed ballot still open when this runs cannot be sealed after the fact (its ballots are only
counts): it is cancelled, to be voted again, rather than counted from the rows this removes.

Columns are added with op.add_column, never batch_alter_table (a rebuild on SQLite drops the
triggers of migration 0018).

Revision ID: 0025_secret_ballots
Revises: 0024
Create Date: 2026-12-03 20:30:00

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role

revision = '0025_secret_ballots'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('nns_polls', sa.Column('ballot_public_key', sa.String(length=64), nullable=True))
    op.create_table('nns_sealed_ballots',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'poll_id'], ['nns_polls.tenant_id', 'nns_polls.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    op.create_index('ix_nns_sealed_ballots_tenant_id_poll_id', 'nns_sealed_ballots', ['tenant_id', 'poll_id'], unique=False)
    enable_tenant_rls('nns_sealed_ballots')
    op.execute("UPDATE nns_polls SET status = 'cancelled' WHERE secret AND status = 'open'" if _pg() else
               "UPDATE nns_polls SET status = 'cancelled' WHERE secret = 1 AND status = 'open'")
    disable_tenant_rls('nns_ballot_tallies')
    op.drop_table('nns_ballot_tallies')
    grant_app_role()


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def downgrade():
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
    enable_tenant_rls('nns_ballot_tallies')
    disable_tenant_rls('nns_sealed_ballots')
    op.drop_index('ix_nns_sealed_ballots_tenant_id_poll_id', table_name='nns_sealed_ballots')
    op.drop_table('nns_sealed_ballots')
    op.drop_column('nns_polls', 'ballot_public_key')
