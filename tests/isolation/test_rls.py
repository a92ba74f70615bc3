"""Wall 2: PostgreSQL row-level security, independent of the ORM."""
import pytest
from sqlalchemy import create_engine, text

from finsam_saas.extensions import db
from finsam_saas.platform.session import TENANT_TABLES


def _tenant_ids(conn):
    return dict(conn.execute(text("SELECT slug, id FROM tenants")).all())


def test_every_tenant_table_has_forced_rls_with_a_policy(pg_app):
    with pg_app.app_context():
        db.Model.registry.configure()
        with db.engine.connect() as conn:
            for table in sorted(TENANT_TABLES):
                enabled, forced = conn.execute(
                    text("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = :t"), {"t": table}
                ).one()
                assert enabled and forced, table
                policies = conn.execute(
                    text("SELECT qual, with_check FROM pg_policies WHERE tablename = :t"), {"t": table}
                ).all()
                assert policies, table
                assert all("app.tenant_id" in (q or "") and "app.tenant_id" in (c or "") for q, c in policies), table


def test_app_role_is_no_owner_superuser_or_bypasser(pg_app):
    with pg_app.app_context():
        with db.engine.connect() as conn:
            role = conn.execute(text("SELECT current_user")).scalar()
            superuser, bypass = conn.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            ).one()
            assert not superuser and not bypass
            owned = conn.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = :r"), {"r": role}
            ).scalar()
            assert owned == 0


def test_without_setting_nothing_is_visible(pg_app):
    with pg_app.app_context():
        with db.engine.connect() as conn:
            for table in sorted(TENANT_TABLES):
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
            assert conn.execute(text("SELECT count(*) FROM tenants")).scalar() >= 2


def test_wrong_tenant_insert_fails(pg_app):
    from sqlalchemy.exc import ProgrammingError

    with pg_app.app_context():
        with db.engine.connect() as conn:
            ids = _tenant_ids(conn)
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(ids["umearegionen"])})
            with pytest.raises(ProgrammingError, match="row-level security"):
                conn.execute(
                    text("INSERT INTO bodies (tenant_id, slug, name, kind, ordinarie_seats, position, active) "
                         "VALUES (:t, 'intrang', 'Intrång', 'annat', 0, 0, true)"),
                    {"t": ids["skelleftea-norsjo"]},
                )


def test_pool_of_one_connection_tenant_a_then_b(pg_app):
    engine = create_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"], pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            ids = _tenant_ids(conn)
        seen = {}
        for slug in ("umearegionen", "skelleftea-norsjo"):
            with engine.begin() as conn:
                conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(ids[slug])})
                seen[slug] = set(conn.execute(text("SELECT DISTINCT tenant_id FROM members")).scalars())
        with engine.connect() as conn:  # same pooled connection, a new transaction, no setting
            assert conn.execute(text("SELECT count(*) FROM members")).scalar() == 0
        assert seen == {"umearegionen": {ids["umearegionen"]}, "skelleftea-norsjo": {ids["skelleftea-norsjo"]}}
    finally:
        engine.dispose()


def test_raw_sql_through_the_app_session_sees_only_the_current_tenant(pg_app):
    from support import in_tenant

    with in_tenant(pg_app, "umearegionen") as tenant:
        tenant_ids = set(db.session.execute(text("SELECT DISTINCT tenant_id FROM members")).scalars())
        assert tenant_ids == {tenant.id}
