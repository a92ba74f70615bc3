"""The rules Citus needs to distribute by tenant_id, checked over the whole metadata, and the
indexes PostgreSQL does not make by itself, checked in its catalog."""
from sqlalchemy import UniqueConstraint, text

from finsam_saas.extensions import db
from finsam_saas.platform.session import TENANT_TABLES


def _tenant_tables(app):
    with app.app_context():
        db.Model.registry.configure()
        return [t for t in db.metadata.sorted_tables if t.name in TENANT_TABLES]


def test_there_are_tenant_tables(app):
    names = {t.name for t in _tenant_tables(app)}
    assert {"members", "bodies", "seats", "audit_log", "jobs"} <= names


def test_every_tenant_table_has_a_non_null_tenant_id(app):
    for table in _tenant_tables(app):
        assert "tenant_id" in table.c, table.name
        assert not table.c.tenant_id.nullable, table.name


def test_every_unique_key_includes_tenant_id(app):
    for table in _tenant_tables(app):
        keys = [table.primary_key] + [c for c in table.constraints if isinstance(c, UniqueConstraint)]
        keys += [index for index in table.indexes if index.unique]
        for key in keys:
            assert "tenant_id" in {c.name for c in key.columns}, f"{table.name}: {key.name or key}"


def test_every_reference_between_tenant_tables_includes_tenant_id(app):
    tenant_tables = {t.name for t in _tenant_tables(app)}
    for table in _tenant_tables(app):
        for fk in table.foreign_key_constraints:
            if fk.referred_table.name in tenant_tables:
                pairs = {(e.parent.name, e.column.name) for e in fk.elements}
                assert ("tenant_id", "tenant_id") in pairs, f"{table.name} -> {fk.referred_table.name}"


def test_migrations_match_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context():
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


# The foreign keys whose columns lead no index (primary key, unique key or plain index).
UNINDEXED_REFERENCES = """
SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c
WHERE c.contype = 'f' AND NOT EXISTS (
    SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
    AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
    AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
ORDER BY 1, 2
"""


def test_every_reference_leads_an_index_in_postgresql(pg_app):
    # PostgreSQL indexes the referred key only: a reference without an index of its own makes every
    # lookup along it (the §§ of one protokoll) read all the förbund's rows, and every cascade too.
    with pg_app.app_context():
        assert db.session.execute(text(UNINDEXED_REFERENCES)).all() == []
