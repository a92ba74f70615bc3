"""Row-level security for migrations: the second tenant wall, in PostgreSQL.

Every tenant-owned table gets ENABLE and FORCE ROW LEVEL SECURITY and one policy
that compares tenant_id with the transaction-local setting app.tenant_id. With
no setting the comparison is NULL, so nothing is visible and nothing can be
written. The app role gets plain DML rights and owns nothing.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from flask import current_app

POLICY = "tenant_isolation"
CONDITION = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer"


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def enable_tenant_rls(table: str) -> None:
    if not _is_postgres():
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({CONDITION}) WITH CHECK ({CONDITION})")


def disable_tenant_rls(table: str) -> None:
    if not _is_postgres():
        return
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def grant_app_role() -> None:
    """Give the app role DML on every table and sequence, now and for later migrations."""
    if not _is_postgres():
        return
    role = current_app.config["APP_DB_ROLE"]
    if not role.replace("_", "").isalnum():
        raise ValueError(f"APP_DB_ROLE {role!r}: only letters, digits and _")
    op.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
        f"THEN CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF; END $$"
    )
    password = current_app.config.get("APP_DB_PASSWORD")
    if password:
        op.execute(sa.text(f"ALTER ROLE {role} PASSWORD " + _literal(password)))
    op.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}")
