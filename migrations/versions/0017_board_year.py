"""a board year run in the browser: the register of people (terms, phone, e-mail, edited in the
web), the agenda in three parts with withdrawn items and changes after the kallelse, moved,
cancelled and two-day meetings, approvals bound to the text, paper signing, the ordinarie of the
meeting's day, uppdrag and budgets on an agenda, and one record of every mail a send-out sends
(deliveries, which replace notice_deliveries), with a job's warnings.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 11:35:35.288598

"""
import json

from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role
from finsam_saas.platform.tenancy import next_id

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

OPENING = {"mötets öppnande", "val av justerare", "godkännande av dagordning", "föregående protokoll", "incheckning"}
CLOSING = {"övriga frågor", "mötets avslutande", "utcheckning", "mötet avslutas", "mötets avslutning", "övriga ärenden"}


def upgrade():
    op.create_table('deliveries',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('batch', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'batch', 'address')
    )
    op.create_table('agenda_changes',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['meetings.tenant_id', 'meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    with op.batch_alter_table('agenda_changes', schema=None) as batch_op:
        batch_op.create_index('ix_agenda_changes_tenant_id_meeting_id', ['tenant_id', 'meeting_id'], unique=False)
    for table in ('deliveries', 'agenda_changes'):
        enable_tenant_rls(table)

    _without_row_security(_copy_notice_deliveries, 'notice_deliveries', 'deliveries')
    disable_tenant_rls('notice_deliveries')
    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_deliveries_tenant_id_meeting_id')
    op.drop_table('notice_deliveries')

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('placement', sa.String(length=10), nullable=False, server_default='main'))
        batch_op.add_column(sa.Column('withdrawn', sa.Boolean(), nullable=False, server_default=sa.false()))
    _without_row_security(_place_existing_items, 'agenda_items')

    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces', sa.String(length=200), nullable=False, server_default=''))

    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_budgets_tenant_id_agenda_item_id', ['tenant_id', 'agenda_item_id'], unique=False)
        batch_op.create_foreign_key('fk_budgets_agenda_item', 'agenda_items', ['tenant_id', 'agenda_item_id'],
                                    ['tenant_id', 'id'])

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warnings', sa.JSON(), nullable=True))

    with op.batch_alter_table('kansli', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=300), nullable=False, server_default=''))

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_on_paper', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('ordinarie', sa.JSON(), nullable=True))

    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('term_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('term_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('signers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_tasks_tenant_id_agenda_item_id', ['tenant_id', 'agenda_item_id'], unique=False)
        batch_op.create_foreign_key('fk_tasks_agenda_item', 'agenda_items', ['tenant_id', 'agenda_item_id'],
                                    ['tenant_id', 'id'])
    grant_app_role()


def _without_row_security(work, *tables):
    """Data of every tenant is moved here: the owner reads past row security only while it is not FORCEd."""
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        for table in tables:
            op.execute(f'ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY')
    work()
    if postgres:
        for table in tables:
            op.execute(f'ALTER TABLE {table} FORCE ROW LEVEL SECURITY')


def _copy_notice_deliveries():
    """Who received a kallelse stays recorded, as the new table records every send-out."""
    bind = op.get_bind()
    rows = bind.execute(sa.text('SELECT tenant_id, meeting_id, recipient, email, files, message_id, sent_at '
                                'FROM notice_deliveries WHERE email IS NOT NULL AND sent_at IS NOT NULL')).all()
    if not rows:
        return
    deliveries = sa.table('deliveries', sa.column('id'), sa.column('tenant_id'), sa.column('batch'), sa.column('address'),
                          sa.column('recipient'), sa.column('state'), sa.column('files', sa.JSON()),
                          sa.column('message_id'), sa.column('at'))
    seen = set()
    for row in rows:
        key = (row.tenant_id, f'meeting:{row.meeting_id}:kallelse', row.email.strip().lower())
        if key in seen:
            continue
        seen.add(key)
        values = dict(tenant_id=row.tenant_id, batch=key[1], address=key[2], recipient=row.recipient, state='sent',
                      files=json.loads(row.files) if isinstance(row.files, str) else row.files,
                      message_id=row.message_id, at=row.sent_at)
        if bind.dialect.name != 'postgresql':
            values['id'] = next_id(bind, 'deliveries')  # the embedded database numbers rows itself
        bind.execute(deliveries.insert().values(**values))


def _place_existing_items():
    """Existing agendas: the leading formalities open the meeting, the trailing ones close it."""
    bind = op.get_bind()
    rows = bind.execute(sa.text('SELECT tenant_id, id, meeting_id, number, title, kind FROM agenda_items '
                                'ORDER BY tenant_id, meeting_id, number')).all()
    by_meeting = {}
    for row in rows:
        by_meeting.setdefault((row.tenant_id, row.meeting_id), []).append(row)
    update = sa.text('UPDATE agenda_items SET placement = :p WHERE tenant_id = :t AND id = :i')
    for items in by_meeting.values():
        index = 0
        while index < len(items) and (items[index].kind == 'formalia' or items[index].title.lower() in OPENING):
            bind.execute(update, {'p': 'open', 't': items[index].tenant_id, 'i': items[index].id})
            index += 1
        last = len(items) - 1
        while last >= index and (items[last].kind == 'formalia' or items[last].title.lower() in CLOSING):
            bind.execute(update, {'p': 'close', 't': items[last].tenant_id, 'i': items[last].id})
            last -= 1


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint('fk_tasks_agenda_item', type_='foreignkey')
        batch_op.drop_index('ix_tasks_tenant_id_agenda_item_id')
        batch_op.drop_column('agenda_item_id')
    with op.batch_alter_table('signers', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('approved_hash')
    with op.batch_alter_table('seats', schema=None) as batch_op:
        for column in ('edited_at', 'term_end', 'term_start', 'phone'):
            batch_op.drop_column(column)
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_column('ordinarie')
        batch_op.drop_column('signed_on_paper')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('edited_at')
        batch_op.drop_column('email')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        for column in ('cancel_reason', 'cancelled_on', 'end_date'):
            batch_op.drop_column(column)
    with op.batch_alter_table('kansli', schema=None) as batch_op:
        for column in ('edited_at', 'phone', 'email'):
            batch_op.drop_column(column)
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('warnings')
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.drop_constraint('fk_budgets_agenda_item', type_='foreignkey')
        batch_op.drop_index('ix_budgets_tenant_id_agenda_item_id')
        batch_op.drop_column('agenda_item_id')
    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.drop_column('replaces')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_column('withdrawn')
        batch_op.drop_column('placement')
    op.create_table('notice_deliveries',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['meetings.tenant_id', 'meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id')
    )
    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_notice_deliveries_tenant_id_meeting_id', ['tenant_id', 'meeting_id'], unique=False)
    enable_tenant_rls('notice_deliveries')
    for table in ('agenda_changes', 'deliveries'):
        disable_tenant_rls(table)
    with op.batch_alter_table('agenda_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_agenda_changes_tenant_id_meeting_id')
    op.drop_table('agenda_changes')
    op.drop_table('deliveries')
