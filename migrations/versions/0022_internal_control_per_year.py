"""internkontrollplan: each year's plan its own.

A plan per year (control_plans: adopted by the board, its follow-up reported), and every control
belongs to one year's plan with its number in it. Until now one set of controls served every year
and only the follow-ups had a year, so the existing data is split to keep what it meant: a control
belongs to the year of its earliest follow-up, and for each later year it was followed up in, a
copy of it is made in that year's plan and that year's follow-up moves to the copy. A control
never followed up belongs to the current year's plan. No plan is marked adopted or reported: no
such decision was recorded.

Columns are added with op.add_column, not batch mode: on SQLite batch mode rebuilds the table
and would drop the triggers of migration 0018.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 17:20:00

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role
from finsam_saas.platform.tenancy import next_id

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

CONTROL_COLUMNS = ('process', 'control', 'owner', 'method', 'frequency', 'report_to', 'consequence', 'probability')


def upgrade():
    op.create_table('control_plans',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('copied_from_year', sa.Integer(), nullable=True),
    sa.Column('adopted_on', sa.Date(), nullable=True),
    sa.Column('adopted_by', sa.String(length=200), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('reported_to', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'year')
    )
    enable_tenant_rls('control_plans')
    # NOT NULL needs a value for the rows already there; the real one is set just below.
    op.add_column('controls', sa.Column('year', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('controls', sa.Column('number', sa.Integer(), nullable=False, server_default='0'))
    _without_row_security(_give_controls_their_year, 'controls', 'control_follow_ups', 'control_plans')
    op.create_index('ix_controls_tenant_id_year_number', 'controls', ['tenant_id', 'year', 'number'], unique=True)
    if op.get_bind().dialect.name == 'postgresql':
        # The app always names the year and number; SQLite cannot drop a default without a rebuild.
        op.alter_column('controls', 'year', server_default=None)
        op.alter_column('controls', 'number', server_default=None)
    grant_app_role()


def _without_row_security(work, *tables):
    """Every tenant's rows are moved here: the owner reads past row security only while it is not FORCEd."""
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        for table in tables:
            op.execute(f'ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY')
    work()
    if postgres:
        for table in tables:
            op.execute(f'ALTER TABLE {table} FORCE ROW LEVEL SECURITY')


def _insert(bind, table, values: dict) -> int:
    if bind.dialect.name != 'postgresql':
        values = {**values, 'id': next_id(bind, table.name)}  # the embedded database numbers rows itself
        bind.execute(table.insert().values(**values))
        return values['id']
    return bind.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()


def _give_controls_their_year():
    from finsam_saas.platform.clock import today

    bind = op.get_bind()
    current_year = today().year
    controls = sa.table('controls', sa.column('id'), sa.column('tenant_id'), sa.column('year'), sa.column('number'),
                        *(sa.column(name) for name in CONTROL_COLUMNS))
    plans = sa.table('control_plans', sa.column('id'), sa.column('tenant_id'), sa.column('year'),
                     sa.column('adopted_by'), sa.column('reported_to'))
    rows = bind.execute(sa.text('SELECT tenant_id, id, ' + ', '.join(CONTROL_COLUMNS) +
                                ' FROM controls ORDER BY tenant_id, id')).mappings().all()
    follow_ups = {}
    for f in bind.execute(sa.text('SELECT tenant_id, id, control_id, year FROM control_follow_ups '
                                  'ORDER BY tenant_id, control_id, year')).all():
        follow_ups.setdefault((f.tenant_id, f.control_id), []).append(f)
    placed = []  # (tenant_id, year, original id, control id), in the order the controls were made
    for row in rows:
        years = follow_ups.get((row['tenant_id'], row['id']), [])
        first_year = years[0].year if years else current_year
        bind.execute(sa.text('UPDATE controls SET year = :y WHERE tenant_id = :t AND id = :i'),
                     {'y': first_year, 't': row['tenant_id'], 'i': row['id']})
        placed.append((row['tenant_id'], first_year, row['id'], row['id']))
        for later in years[1:]:
            copy = _insert(bind, controls, {'tenant_id': row['tenant_id'], 'year': later.year, 'number': 0,
                                            **{name: row[name] for name in CONTROL_COLUMNS}})
            bind.execute(sa.text('UPDATE control_follow_ups SET control_id = :c WHERE tenant_id = :t AND id = :i'),
                         {'c': copy, 't': row['tenant_id'], 'i': later.id})
            placed.append((row['tenant_id'], later.year, row['id'], copy))
    numbers = {}
    for tenant_id, year, _original, control_id in sorted(placed):
        numbers[(tenant_id, year)] = numbers.get((tenant_id, year), 0) + 1
        bind.execute(sa.text('UPDATE controls SET number = :n WHERE tenant_id = :t AND id = :i'),
                     {'n': numbers[(tenant_id, year)], 't': tenant_id, 'i': control_id})
    for tenant_id, year in sorted(numbers):
        _insert(bind, plans, {'tenant_id': tenant_id, 'year': year, 'adopted_by': '', 'reported_to': ''})


def downgrade():
    # The copies made for later years stay as controls of their own, each with its follow-up: on the
    # old schema every control shows in every year, and each year's follow-up stays where it was.
    op.drop_index('ix_controls_tenant_id_year_number', table_name='controls')
    op.drop_column('controls', 'number')
    op.drop_column('controls', 'year')
    disable_tenant_rls('control_plans')
    op.drop_table('control_plans')
