"""applications on a meeting's agenda, with the beredning's recommendation.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 17:12:02.955576

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_applications_agenda_item', 'agenda_items', ['tenant_id', 'agenda_item_id'], ['tenant_id', 'id'])



def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint('fk_applications_agenda_item', type_='foreignkey')
        batch_op.drop_column('agenda_item_id')
        batch_op.drop_column('recommendation')

