"""every reference indexed: the referring columns of every foreign key lead an index

PostgreSQL indexes only the referred key. Without these, the §§ of a protokoll were found by
reading every § of the förbund (and a cascading delete read them all again). The models get the
same indexes from `platform.schema.index_foreign_keys`.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26 00:52:07.353746

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

REFERENCES = {
    'agenda_items': [('tenant_id', 'matter_id')],
    'analysis_imports': [('tenant_id',)],
    'analysis_partners': [('tenant_id',)],
    'analysis_shared_recommendations': [('tenant_id',)],
    'applications': [('tenant_id', 'agenda_item_id'), ('tenant_id', 'applicant_member_id'), ('tenant_id', 'insats_id'), ('tenant_id', 'paragraph_id')],
    'attendees': [('tenant_id', 'member_id')],
    'attestants': [('user_id',)],
    'budget_lines': [('tenant_id', 'budget_id')],
    'budgets': [('tenant_id', 'decided_paragraph_id')],
    'deviations': [('tenant_id', 'insats_id')],
    'goal_areas': [('tenant_id', 'report_id')],
    'insats_contacts': [('user_id',)],
    'insatser': [('tenant_id', 'decided_paragraph_id'), ('tenant_id', 'owner_member_id')],
    'invoices': [('tenant_id', 'insats_id')],
    'meetings': [('tenant_id', 'body_id'), ('tenant_id', 'prepares_id')],
    'members': [('linked_tenant_id',)],
    'nns_contacts': [('tenant_id', 'member_id'), ('user_id',)],
    'nns_motions': [('tenant_id', 'item_id'), ('tenant_id', 'meeting_id'), ('tenant_id', 'member_id')],
    'nns_nomination_rounds': [('tenant_id', 'meeting_id')],
    'nns_nominations': [('tenant_id', 'member_id'), ('tenant_id', 'round_id')],
    'nns_ombud': [('tenant_id', 'member_id')],
    'nns_poll_voters': [('tenant_id', 'member_id')],
    'nns_polls': [('tenant_id', 'meeting_id')],
    'nns_positions': [('tenant_id', 'member_id')],
    'nns_round_seats': [('tenant_id', 'round_id')],
    'notice_deliveries': [('tenant_id', 'meeting_id')],
    'paragraphs': [('tenant_id', 'minutes_id')],
    'requisitions': [('tenant_id', 'insats_id')],
    'seats': [('tenant_id', 'appointed_by_id')],
    'standing_items': [('tenant_id', 'body_id')],
    'tasks': [('tenant_id', 'paragraph_id')],
}


def _name(table: str, columns: tuple[str, ...]) -> str:
    return f"ix_{table}_{'_'.join(columns)}"


def upgrade():
    for table, references in REFERENCES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for columns in references:
                batch_op.create_index(_name(table, columns), list(columns), unique=False)


def downgrade():
    for table, references in REFERENCES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for columns in references:
                batch_op.drop_index(_name(table, columns))
