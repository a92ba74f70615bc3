"""The session that enforces the tenant wall.

- every ORM statement touching a `TenantScoped` model gets
  `with_loader_criteria(tenant_id == current)`, and is refused with no tenant;
- `get()` never hands out a row of another tenant, even from the identity map;
- a session reused after a tenant switch forgets what it held for the old tenant;
- new rows are stamped with the current tenant, and a row of another tenant is
  refused at flush;
- on PostgreSQL every transaction sets `app.tenant_id` (transaction-local), the
  setting the row-level security policies read;
- a request's transaction that only read is committed at its end instead of rolled
  back (`end_reading_transaction`), so that the driver keeps its prepared statements.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from functools import lru_cache

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapper, with_loader_criteria

from finsam_saas.platform.tenancy import (
    TenantMismatch,
    TenantScoped,
    current_tenant_id,
    next_id,
    require_tenant_id,
)

_UNSET = object()


def _is_tenant_model(cls) -> bool:
    return isinstance(cls, type) and issubclass(cls, TenantScoped)


class TenantSession(FlaskSession):
    def get(self, entity, ident, **kwargs):
        if _is_tenant_model(entity):
            tenant_id = require_tenant_id()
            _forget_other_tenant(self, tenant_id)
            _apply_rls_setting(self, tenant_id)
            if not isinstance(ident, (tuple, list, dict)):
                ident = (tenant_id, ident)  # the key is (tenant_id, id); callers name the id
            obj = super().get(entity, ident, **kwargs)
            if obj is not None and obj.tenant_id != tenant_id:
                return None
            return obj
        return super().get(entity, ident, **kwargs)


def _forget_other_tenant(session, tenant_id) -> None:
    """Objects loaded for one tenant must not be served after a switch to another."""
    held = session.info.get("tenant_id", _UNSET)
    if held is not _UNSET and held != tenant_id:
        for obj in list(session.identity_map.values()):
            if isinstance(obj, TenantScoped) and obj in session:  # an earlier expunge may have cascaded to it
                session.expunge(obj)
    session.info["tenant_id"] = tenant_id


def _apply_rls_setting(session, tenant_id) -> None:
    if session.info.get("rls_tenant", _UNSET) == tenant_id:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _set_rls_tenant(connection, "" if tenant_id is None else str(tenant_id))
    session.info["rls_tenant"] = tenant_id


def _set_rls_tenant(connection, value: str) -> None:
    # Straight to the driver: a constant statement needs none of SQLAlchemy's compiling and caching.
    connection.exec_driver_sql("SELECT set_config('app.tenant_id', %(tenant)s, true)", {"tenant": value})


@event.listens_for(TenantSession, "after_begin")
def _new_transaction(session, transaction, connection):
    session.info["rls_tenant"] = _UNSET
    session.info["wrote"] = False
    tenant_id = current_tenant_id()
    # Without a tenant nothing is set: the setting is transaction-local, so a new transaction
    # starts with none, under which the policies show and admit nothing (a round trip saved on
    # every request, which begins before its tenant is known).
    if tenant_id is None:
        session.info["rls_tenant"] = None
    elif connection.dialect.name == "postgresql":
        _set_rls_tenant(connection, str(tenant_id))
        session.info["rls_tenant"] = tenant_id


def _touches_tenant_data(execute_state) -> bool:
    mappers = execute_state.all_mappers
    if any(_is_tenant_model(m.class_) for m in mappers):
        return True
    statement = execute_state.statement
    if mappers and not getattr(statement, "_setup_joins", ()) and not getattr(statement, "_from_obj", ()):
        return False  # entities of platform tables only, nothing joined: the common case, decided cheaply
    froms = getattr(statement, "get_final_froms", None)
    if froms is None:
        return False
    tables = set()
    for from_ in froms():
        tables.update(getattr(from_, "_from_objects", [from_]))
    return any(getattr(t, "name", None) in TENANT_TABLES for t in tables)


TENANT_TABLES: set[str] = set()


@event.listens_for(Mapper, "mapper_configured")
def _register_tenant_table(mapper, cls):
    if _is_tenant_model(cls):
        TENANT_TABLES.add(mapper.local_table.name)


@event.listens_for(TenantSession, "after_flush")
def _note_flush(session, flush_context):
    session.info["wrote"] = True


@event.listens_for(TenantSession, "do_orm_execute")
def _scope_to_tenant(execute_state):
    session = execute_state.session
    if not execute_state.is_select:
        session.info["wrote"] = True  # bulk DML, and any text statement: it may write
    tenant_id = current_tenant_id()
    # With a tenant in context every statement gets the criteria (they bind only tenant-owned
    # entities), which is cheaper than finding out whether it touches tenant tables; only
    # without one must that be found out, to refuse.
    if tenant_id is None:
        if _touches_tenant_data(execute_state):
            require_tenant_id()
        return
    _forget_other_tenant(session, tenant_id)
    _apply_rls_setting(session, tenant_id)
    if execute_state.is_select or execute_state.is_update or execute_state.is_delete:
        execute_state.statement = execute_state.statement.options(_tenant_criteria(tenant_id))


@lru_cache(maxsize=4096)
def _tenant_criteria(tenant_id: int):
    # One option per tenant, built once: analysing its tracked lambda for every statement was a
    # measurable part of every page.
    return with_loader_criteria(
        TenantScoped,
        lambda cls: cls.tenant_id == tenant_id,
        include_aliases=True,
        track_closure_variables=True,
    )


def end_reading_transaction(session, failed: bool) -> None:
    """Commit a request's transaction when it only read; leave anything else to the rollback.

    psycopg forgets its prepared statements on every ROLLBACK (it cannot know what a rollback
    undid), so a server whose requests all end in a rollback plans every statement anew: for the
    protokoll's five-table join under row security that was 0.6 ms of its 1 ms. Committing a
    transaction that wrote nothing changes no data and lets the statements be prepared. A
    transaction that flushed, ran any statement other than a select, or holds unsaved changes
    is still rolled back, so a failed request never half-writes.
    """
    if failed or not session.in_transaction() or session.info.get("wrote", True):
        return
    if session.new or session.deleted or session.dirty:
        return
    try:
        session.commit()
    except DBAPIError:
        # It only read: nothing is lost, and the answer already made stands. The rollback lets the
        # pool replace a connection the database dropped (a restart under load).
        session.rollback()


@contextmanager
def rls_tenant(session, tenant_id):
    """Write as `tenant_id` for a moment: only for the platform's own records
    (the audit entry of a membership change), never for module data."""
    before = session.info.get("rls_tenant", _UNSET)
    _apply_rls_setting(session, tenant_id)
    try:
        yield
    finally:
        if before is not _UNSET and before != tenant_id:
            _apply_rls_setting(session, before)


@event.listens_for(TenantSession, "before_flush")
def _stamp_and_check_tenant(session, flush_context, instances):
    touched = [o for o in (*session.new, *session.dirty, *session.deleted) if isinstance(o, TenantScoped)]
    if not touched:
        if current_tenant_id() is not None:
            _apply_rls_setting(session, current_tenant_id())
        return
    tenant_id = require_tenant_id()
    session.info["tenant_id"] = tenant_id
    _apply_rls_setting(session, tenant_id)
    for obj in session.new:
        if isinstance(obj, TenantScoped):
            if obj.tenant_id is None:
                obj.tenant_id = tenant_id
            elif obj.tenant_id != tenant_id:
                raise TenantMismatch(
                    f"{type(obj).__name__} hör till organisation {obj.tenant_id}, men {tenant_id} är vald."
                )
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, TenantScoped):
            history = sa_inspect(obj).attrs.tenant_id.history
            if history.has_changes() or obj.tenant_id != tenant_id:
                raise TenantMismatch(
                    f"{type(obj).__name__} {obj.id} kan inte ändras medan organisation {tenant_id} är vald."
                )


@event.listens_for(Mapper, "before_insert")
def _assign_id_on_sqlite(mapper, connection, target):
    if isinstance(target, TenantScoped) and target.id is None and connection.dialect.name == "sqlite":
        target.id = next_id(connection, mapper.local_table.name)


@event.listens_for(Engine, "connect")
def _sqlite_enforces_foreign_keys(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless asked; the composite keys are a wall too.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
