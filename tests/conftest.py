"""Fixtures: an app on SQLite (always) and on PostgreSQL with its row-level
security (when the server answers; REQUIRE_POSTGRES=1 makes it mandatory), two
tenants with users, and a logged-in client per user.

Both databases are built once per session by the real migrations and tenant
sync, and copied for each test (a file copy, or CREATE DATABASE … TEMPLATE).
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from support import (
    PASSWORD, PG_HOST, PG_PORT, PG_SUPERUSER, PROJECT, REDIS_TEST_URL, USERS, app_config, login,
)


def _required(name: str) -> bool:
    return os.environ.get(name) == "1"


def _build(app) -> None:
    """Migrate, sync the real tenant files, and add the test users."""
    import flask_migrate
    from finsam_saas.extensions import db
    from finsam_saas.organisation.services import load_tenant_files, sync_tenants
    from finsam_saas.platform.models import Membership, Tenant, User
    from finsam_saas.platform.tenancy import tenant_context
    from sqlalchemy import select

    with app.app_context():
        flask_migrate.upgrade(directory=str(PROJECT / "migrations"))
        sync_tenants(load_tenant_files(app.config["TENANTS_DIR"]))
        tenants = {t.slug: t for t in db.session.scalars(select(Tenant))}
        for email, grants in USERS.items():
            user = User(email=email, name=email.split("@")[0])
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.flush()
            for slug, role in grants:
                with tenant_context(tenants[slug].id):
                    db.session.add(Membership(user_id=user.id, tenant_id=tenants[slug].id, role=role))
                    db.session.flush()
        db.session.commit()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    from finsam_saas import create_app

    directory = tmp_path_factory.mktemp("sqlite-template")
    path = directory / "template.db"
    _build(create_app(app_config(f"sqlite:///{path}", directory)))
    return path


def _make_sqlite_app(sqlite_template, tmp_path, **extra):
    from finsam_saas import create_app

    path = tmp_path / "finsam.db"
    shutil.copy(sqlite_template, path)
    return create_app(app_config(f"sqlite:///{path}", tmp_path, **extra))


@pytest.fixture
def app_with(sqlite_template, tmp_path):
    """Makes a SQLite app with settings of the test's own: app_with(HSTS=True)."""
    made = []

    def make(**extra):
        instance = tmp_path / f"app{len(made)}"
        instance.mkdir()
        made.append(_make_sqlite_app(sqlite_template, instance, **extra))
        return made[-1]

    yield make
    for app_ in made:
        _dispose(app_)


@pytest.fixture
def app(sqlite_template, tmp_path):
    app = _make_sqlite_app(sqlite_template, tmp_path)
    yield app
    _dispose(app)


def _dispose(app) -> None:
    from finsam_saas.extensions import db

    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


# --- PostgreSQL -------------------------------------------------------------

def _pg_url(user: str, database: str, driver: str = "postgresql+psycopg") -> str:
    return f"{driver}://{user}@{PG_HOST}:{PG_PORT}/{database}"


def _pg_admin():
    import psycopg

    return psycopg.connect(_pg_url(PG_SUPERUSER, "postgres", "postgresql"), autocommit=True, connect_timeout=3)


class PostgresServer:
    """One test role and a template database; a fresh copy per test."""

    def __init__(self, tmp: Path):
        suffix = uuid.uuid4().hex[:8]
        self.role = f"finsam_app_t{suffix}"
        self.template = f"finsam_tmpl_{suffix}"
        self.tmp = tmp
        self.databases: list[str] = []
        with _pg_admin() as conn:
            conn.execute(f"CREATE ROLE {self.role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
            conn.execute(f"CREATE DATABASE {self.template} OWNER {PG_SUPERUSER}")

    def config(self, database: str, **extra) -> dict:
        return app_config(
            _pg_url(self.role, database), self.tmp,
            MIGRATION_DATABASE_URL=_pg_url(PG_SUPERUSER, database),
            APP_DB_ROLE=self.role, **extra,
        )

    def build_template(self) -> None:
        from finsam_saas import create_app

        _build(create_app(self.config(self.template)))

    def new_database(self) -> str:
        name = f"finsam_test_{uuid.uuid4().hex[:10]}"
        with _pg_admin() as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {self.template} OWNER {PG_SUPERUSER}")
        self.databases.append(name)
        return name

    def empty_database(self) -> str:
        """A database with no schema at all, for a test that migrates it itself."""
        name = f"finsam_empty_{uuid.uuid4().hex[:10]}"
        with _pg_admin() as conn:
            conn.execute(f"CREATE DATABASE {name} OWNER {PG_SUPERUSER}")
        self.databases.append(name)
        return name

    def drop_database(self, name: str) -> None:
        with _pg_admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        with _pg_admin() as conn:
            for name in [*self.databases, self.template]:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"DROP ROLE IF EXISTS {self.role}")


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    try:
        _pg_admin().close()
    except Exception as error:  # the server is not there
        if _required("REQUIRE_POSTGRES"):
            pytest.fail(f"REQUIRE_POSTGRES=1 but PostgreSQL at {PG_HOST}:{PG_PORT} does not answer: {error}")
        pytest.skip(f"PostgreSQL at {PG_HOST}:{PG_PORT} does not answer ({error}); set REQUIRE_POSTGRES=1 to make this fail")
    server = PostgresServer(tmp_path_factory.mktemp("pg"))
    try:
        server.build_template()
        yield server
    finally:
        server.close()


@pytest.fixture
def pg_app(postgres, tmp_path):
    from finsam_saas import create_app

    database = postgres.new_database()
    app = create_app(postgres.config(database, FILES_DIR=tmp_path / "files", OUTBOX_DIR=tmp_path / "outbox"))
    app.config["PG_DATABASE"] = database
    yield app
    _dispose(app)
    postgres.drop_database(database)


@pytest.fixture(params=["sqlite", "postgres"])
def any_app(request):
    """The same test on the embedded database and on PostgreSQL with RLS."""
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")


# --- Redis ------------------------------------------------------------------

@pytest.fixture
def redis_url():
    try:
        from redis import Redis

        connection = Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
        connection.ping()
    except Exception as error:
        if _required("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS=1 but Redis at {REDIS_TEST_URL} does not answer: {error}")
        pytest.skip(f"Redis at {REDIS_TEST_URL} does not answer ({error}); set REQUIRE_REDIS=1 to make this fail")
    yield REDIS_TEST_URL


# --- clients ----------------------------------------------------------------

@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def client_a(app):
    client = app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    return client


