"""The audit log, written by the platform for every change of an audited row.

Any mapped class with `__audited__ = True` (every TenantScoped model unless it
opts out, and memberships) is logged at flush: who, when, which tenant, which
object, the values before and after. Modules write nothing themselves.
"""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import event, insert, inspect as sa_inspect
from sqlalchemy.orm import Mapper

from finsam_saas.platform.models import AuditEntry, utcnow
from finsam_saas.platform.session import TenantSession, rls_tenant
from finsam_saas.platform.tenancy import current_actor, next_id


def _jsonable(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} byte>"
    return value


def _is_audited_class(cls) -> bool:
    return bool(getattr(cls, "__audited__", False))


def _is_audited(obj) -> bool:
    return _is_audited_class(type(obj))


def _columns(obj):
    excluded = getattr(type(obj), "__audit_exclude__", ())
    return [attr for attr in sa_inspect(type(obj)).column_attrs if attr.key not in excluded]


def _snapshot(obj) -> dict:
    return {attr.key: _jsonable(getattr(obj, attr.key)) for attr in _columns(obj)}


def _changes(obj) -> tuple[dict, dict]:
    state = sa_inspect(obj)
    before, after = {}, {}
    for attr in _columns(obj):
        history = state.attrs[attr.key].history
        if history.has_changes():
            before[attr.key] = _jsonable(history.deleted[0]) if history.deleted else None
            after[attr.key] = _jsonable(history.added[0]) if history.added else None
    return before, after


def _deleted_snapshot(obj) -> dict:
    state = sa_inspect(obj)
    values = {}
    for attr in _columns(obj):
        history = state.attrs[attr.key].history
        values[attr.key] = _jsonable(
            history.deleted[0] if history.deleted else (history.unchanged[0] if history.unchanged else None)
        )
    return values


def _object_id(obj) -> str:
    identity = sa_inspect(obj).identity
    if identity is None:
        return str(getattr(obj, "id", ""))
    return str(getattr(obj, "id", None) or "/".join(map(str, identity)))


def _keep_old_value(target, value, oldvalue, initiator):
    return value


@event.listens_for(Mapper, "mapper_configured")
def _load_old_values_on_change(mapper, cls):
    # active_history loads a column's old value when it is set on an expired
    # object (e.g. after a commit), so the entry can say what it was before.
    if _is_audited_class(cls):
        for attr in mapper.column_attrs:
            event.listen(getattr(cls, attr.key), "set", _keep_old_value, active_history=True, retval=True)


@event.listens_for(TenantSession, "after_flush")
def write_audit_entries(session, flush_context):
    actor = current_actor()
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not _is_audited(obj):
                continue
            if action == "create":
                before, after = None, _snapshot(obj)
            elif action == "update":
                before, after = _changes(obj)
                if not after:
                    continue
            else:
                before, after = _deleted_snapshot(obj), None
            rows.append(
                {
                    "tenant_id": obj.tenant_id,
                    "at": utcnow(),
                    "actor_id": actor.user_id,
                    "actor": actor.label,
                    "action": action,
                    "object_type": type(obj).__name__,
                    "object_id": _object_id(obj),
                    "before": before,
                    "after": after,
                }
            )
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        for row in rows:
            row["id"] = next_id(connection, AuditEntry.__tablename__)
    for tenant_id in sorted({row["tenant_id"] for row in rows}):
        with rls_tenant(session, tenant_id):
            connection.execute(insert(AuditEntry.__table__), [r for r in rows if r["tenant_id"] == tenant_id])
