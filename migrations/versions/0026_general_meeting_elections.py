"""NNS: the medlemsmöte elects its own functionaries (agenda items 3 and 4 of seed 003): whom it
chose as ordförande and sekreterare för mötet, as justerare and rösträknare, kept beside the
meeting and made the protokoll's. Once the protokoll is justerat the database refuses, whoever
connects, a change to these elections and to the röstlängd its närvaro is read against, as
migration 0018 does for the protokoll itself (the same marker, so the app answers 409 `justerad`).

Columns are added with op.add_column, never batch_alter_table (a rebuild on SQLite drops the
triggers of migration 0018).

Revision ID: 0026_general_meeting_elections
Revises: 0025_secret_ballots
Create Date: 2026-12-03 21:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0026_general_meeting_elections'
down_revision = '0025_secret_ballots'
branch_labels = None
depends_on = None

MESSAGE = "justerad: Protokollet är justerat och kan inte ändras"  # as in migration 0018
ELECTIONS = ("presiding_chair", "meeting_secretary", "justerare", "vote_counters", "elected_at")


def _justerad(row: str) -> str:
    return (f"EXISTS (SELECT 1 FROM minutes m WHERE m.tenant_id = {row}.tenant_id AND m.meeting_id = {row}.meeting_id "
            "AND m.justerad_on IS NOT NULL)")


def _rules(distinct: str, text: str) -> dict[str, dict[str, str]]:
    changed = "(" + " OR ".join(f"OLD.{c}{text} {distinct} NEW.{c}{text}" for c in ELECTIONS) + ")"
    return {
        # The other columns (officials, papers) may still change: they are not in the protokoll.
        "nns_general_meetings": {"UPDATE": f"{changed} AND {_justerad('OLD')}", "DELETE": _justerad("OLD")},
        "nns_ombud": {"INSERT": _justerad("NEW"), "UPDATE": f"{_justerad('OLD')} OR {_justerad('NEW')}",
                      "DELETE": _justerad("OLD")},
    }


def upgrade():
    op.add_column('nns_general_meetings', sa.Column('presiding_chair', sa.String(length=200), nullable=False,
                                                    server_default=''))
    op.add_column('nns_general_meetings', sa.Column('meeting_secretary', sa.String(length=200), nullable=False,
                                                    server_default=''))
    op.add_column('nns_general_meetings', sa.Column('justerare', sa.JSON(), nullable=False,
                                                    server_default=sa.text("'[]'")))
    op.add_column('nns_general_meetings', sa.Column('vote_counters', sa.JSON(), nullable=False,
                                                    server_default=sa.text("'[]'")))
    op.add_column('nns_general_meetings', sa.Column('elected_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        for table, rules in _rules("IS DISTINCT FROM", "::text").items():
            checks = " ".join(f"IF TG_OP = '{statement}' THEN IF {condition} THEN RAISE EXCEPTION '%', "
                              f"'{MESSAGE} ({table}).' USING ERRCODE = 'P0001'; END IF; END IF;"
                              for statement, condition in rules.items())
            op.execute(f"""
                CREATE OR REPLACE FUNCTION refuse_justerad_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    {checks}
                    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    RETURN NEW;
                END $$""")
            op.execute(f"CREATE TRIGGER refuse_justerad BEFORE {' OR '.join(rules)} ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION refuse_justerad_{table}()")
    else:
        for table, rules in _rules("IS NOT", "").items():
            for statement, condition in rules.items():
                op.execute(f"CREATE TRIGGER refuse_justerad_{table}_{statement.lower()} BEFORE {statement} ON {table} "
                           f"FOR EACH ROW WHEN {condition} BEGIN SELECT RAISE(ABORT, '{MESSAGE} ({table}).'); END")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, rules in _rules("IS DISTINCT FROM", "::text").items():
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS refuse_justerad ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS refuse_justerad_{table}()")
        else:
            for statement in rules:
                op.execute(f"DROP TRIGGER IF EXISTS refuse_justerad_{table}_{statement.lower()}")
    for column in reversed(ELECTIONS):
        op.drop_column('nns_general_meetings', column)
