"""justerat means final: the stored original of each justerat protokoll (its PDF/A and the public
copy, each with its sha256 and the names printed on it), rättelser as separate dated annotations,
and triggers that refuse, whoever connects, every write to what a justerat protokoll shows or
hangs on (§§, attendance, signers, uppdrag, the meeting's day, place and times, bilagor, the
decisions linked to its §§); originals and rättelser are never changed either.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 15:10:00

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# The marker the app turns into its 409 `justerad` (platform.database), on both databases.
MESSAGE = "justerad: Protokollet är justerat och kan inte ändras"


def _minutes(row: str, column: str = "minutes_id") -> str:
    return (f"EXISTS (SELECT 1 FROM minutes m WHERE m.tenant_id = {row}.tenant_id AND m.id = {row}.{column} "
            "AND m.justerad_on IS NOT NULL)")


def _meeting(row: str, column: str) -> str:
    return (f"EXISTS (SELECT 1 FROM minutes m WHERE m.tenant_id = {row}.tenant_id AND m.meeting_id = {row}.{column} "
            "AND m.justerad_on IS NOT NULL)")


def _paragraph(row: str, column: str) -> str:
    return (f"EXISTS (SELECT 1 FROM paragraphs p JOIN minutes m ON m.tenant_id = p.tenant_id AND m.id = p.minutes_id "
            f"WHERE p.tenant_id = {row}.tenant_id AND p.id = {row}.{column} AND m.justerad_on IS NOT NULL)")


def _budget(row: str) -> str:
    return (f"EXISTS (SELECT 1 FROM budgets b JOIN paragraphs p ON p.tenant_id = b.tenant_id "
            f"AND p.id = b.decided_paragraph_id JOIN minutes m ON m.tenant_id = p.tenant_id AND m.id = p.minutes_id "
            f"WHERE b.tenant_id = {row}.tenant_id AND b.id = {row}.budget_id AND m.justerad_on IS NOT NULL)")


def _changed(columns: tuple[str, ...], distinct: str, text: str) -> str:
    return "(" + " OR ".join(f"OLD.{c}{text} {distinct} NEW.{c}{text}" for c in columns) + ")"


def _rules(distinct: str, text: str) -> dict[str, dict[str, str]]:
    """Per table, per statement, the condition (on OLD for UPDATE/DELETE, NEW for INSERT) under
    which the row belongs to a justerat protokoll. `distinct` and `text` spell the dialect's
    null-safe inequality and its cast of JSON to comparable text."""
    whole = lambda check: {"INSERT": check("NEW"), "UPDATE": f"{check('OLD')} OR {check('NEW')}",  # noqa: E731
                           "DELETE": check("OLD")}
    meeting_printed = ("date", "end_date", "start", '"end"', "place", "body_id")
    task_printed = ("paragraph_id", "assignee", "description", "due")
    rules = {
        "minutes": {"UPDATE": "OLD.justerad_on IS NOT NULL", "DELETE": "OLD.justerad_on IS NOT NULL"},
        "paragraphs": whole(lambda r: _minutes(r)),
        "attendees": whole(lambda r: _minutes(r)),
        "signers": whole(lambda r: _minutes(r)),
        "attachments": whole(lambda r: _meeting(r, "meeting_id")),
        "meetings": {"UPDATE": f"{_changed(meeting_printed, distinct, '')} AND {_meeting('OLD', 'id')}",
                     "DELETE": _meeting("OLD", "id")},
        "tasks": {"INSERT": _paragraph("NEW", "paragraph_id"),
                  "UPDATE": f"{_changed(task_printed, distinct, '')} AND ({_paragraph('OLD', 'paragraph_id')} "
                            f"OR {_paragraph('NEW', 'paragraph_id')})",
                  "DELETE": _paragraph("OLD", "paragraph_id")},
        "applications": {
            "INSERT": _paragraph("NEW", "paragraph_id"),
            "UPDATE": f"{_changed(('paragraph_id', 'status', 'decided_amounts'), distinct, text)} AND "
                      f"({_paragraph('OLD', 'paragraph_id')} OR {_paragraph('NEW', 'paragraph_id')})",
            "DELETE": _paragraph("OLD", "paragraph_id")},
        "insatser": {
            "INSERT": _paragraph("NEW", "decided_paragraph_id"),
            "UPDATE": f"{_changed(('decided_paragraph_id',), distinct, '')} AND "
                      f"({_paragraph('OLD', 'decided_paragraph_id')} OR {_paragraph('NEW', 'decided_paragraph_id')})",
            "DELETE": _paragraph("OLD", "decided_paragraph_id")},
        "budgets": {
            "INSERT": _paragraph("NEW", "decided_paragraph_id"),
            "UPDATE": f"{_paragraph('OLD', 'decided_paragraph_id')} OR {_paragraph('NEW', 'decided_paragraph_id')}",
            "DELETE": _paragraph("OLD", "decided_paragraph_id")},
        "budget_lines": whole(_budget),
        # A stored original and a rättelse, once written, are never changed or taken away.
        "minutes_originals": {"UPDATE": "1 = 1", "DELETE": "1 = 1"},
        "corrections": {"UPDATE": "1 = 1", "DELETE": "1 = 1"},
    }
    return rules


def _create_postgres() -> None:
    for table, rules in _rules("IS DISTINCT FROM", "::text").items():
        checks = []
        for statement, condition in rules.items():
            checks.append(f"IF TG_OP = '{statement}' THEN IF {condition} THEN "
                          f"RAISE EXCEPTION '%', '{MESSAGE} ({table}).' USING ERRCODE = 'P0001'; END IF; END IF;")
        op.execute(f"""
            CREATE OR REPLACE FUNCTION refuse_justerad_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {' '.join(checks)}
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$""")
        events = " OR ".join(rules)
        op.execute(f"CREATE TRIGGER refuse_justerad BEFORE {events} ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION refuse_justerad_{table}()")


def _create_sqlite() -> None:
    for table, rules in _rules("IS NOT", "").items():
        for statement, condition in rules.items():
            op.execute(f"CREATE TRIGGER refuse_justerad_{table}_{statement.lower()} BEFORE {statement} ON {table} "
                       f"FOR EACH ROW WHEN {condition} BEGIN SELECT RAISE(ABORT, '{MESSAGE} ({table}).'); END")


def upgrade():
    op.create_table('minutes_originals',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('printed_names', sa.JSON(), nullable=False),
    sa.Column('backfilled', sa.Boolean(), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'minutes_id'], ['minutes.tenant_id', 'minutes.id']),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'minutes_id', 'public'),
    )
    op.create_table('corrections',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('paragraph_number', sa.Integer(), nullable=True),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('signed_by', sa.String(length=300), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'minutes_id'], ['minutes.tenant_id', 'minutes.id']),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    )
    op.create_index('ix_corrections_tenant_id_minutes_id', 'corrections', ['tenant_id', 'minutes_id'])
    for table in ('minutes_originals', 'corrections'):
        enable_tenant_rls(table)
    if op.get_bind().dialect.name == "postgresql":
        _create_postgres()
    else:
        _create_sqlite()
    grant_app_role()


def downgrade():
    bind = op.get_bind()
    for table, rules in _rules("IS DISTINCT FROM", "::text").items():
        if bind.dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS refuse_justerad ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS refuse_justerad_{table}()")
        else:
            for statement in rules:
                op.execute(f"DROP TRIGGER IF EXISTS refuse_justerad_{table}_{statement.lower()}")
    for table in ('minutes_originals', 'corrections'):
        disable_tenant_rls(table)
    op.drop_index('ix_corrections_tenant_id_minutes_id', table_name='corrections')
    op.drop_table('corrections')
    op.drop_table('minutes_originals')
