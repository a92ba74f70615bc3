"""The tenant wall in the ORM: who the current tenant is, and what belongs to one.

The current tenant lives in a context variable, set per request from the URL and
per job from its arguments. Every tenant-owned model inherits `TenantScoped`;
`platform.session` adds the tenant criteria to every query on such a model and
refuses to run one when no tenant is set.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Identity, Integer, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class TenantNotSet(RuntimeError):
    """A tenant-owned table was queried or written with no tenant in context."""


class TenantMismatch(RuntimeError):
    """A row of one tenant was written while another tenant is current."""


_current_tenant: ContextVar[int | None] = ContextVar("finsam_current_tenant", default=None)


@dataclass(frozen=True)
class Actor:
    """Who is acting: written to the audit log and re-checked by jobs."""

    user_id: int | None
    label: str


SYSTEM = Actor(None, "system")
_current_actor: ContextVar[Actor] = ContextVar("finsam_current_actor", default=SYSTEM)


def current_tenant_id() -> int | None:
    return _current_tenant.get()


def require_tenant_id() -> int:
    tenant_id = _current_tenant.get()
    if tenant_id is None:
        raise TenantNotSet("Ingen organisation är vald: tenant-bunden data kan inte läsas eller skrivas.")
    return tenant_id


@contextmanager
def tenant_context(tenant_id: int | None) -> Iterator[None]:
    token = _current_tenant.set(tenant_id)
    try:
        yield
    finally:
        _current_tenant.reset(token)


def set_tenant(tenant_id: int | None):
    """Set the tenant for the rest of this context; returns a token for `reset_tenant`."""
    return _current_tenant.set(tenant_id)


def reset_tenant(token) -> None:
    _current_tenant.reset(token)


def current_actor() -> Actor:
    return _current_actor.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    token = _current_actor.set(actor)
    try:
        yield
    finally:
        _current_actor.reset(token)


def set_actor(actor: Actor):
    return _current_actor.set(actor)


def reset_actor(token) -> None:
    _current_actor.reset(token)


class TenantScoped:
    """Mixin for every tenant-owned table.

    The primary key is (tenant_id, id) so that every unique key includes the
    tenant, as Citus requires to distribute by tenant_id; `id` alone is still
    unique (an identity column on PostgreSQL, a counter table on SQLite).
    """

    __audited__ = True
    # A reference (tenant_id, x_id) with x_id NULL names no row: without this, reading such an
    # empty many-to-one (an attendee who is no member) would ask the database for "id IS NULL".
    __mapper_args__ = {"allow_partial_pks": False}

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(
            Integer, ForeignKey("tenants.id", ondelete="RESTRICT"), primary_key=True, sort_order=-20
        )

    @declared_attr
    def id(cls) -> Mapped[int]:
        return mapped_column(Integer, Identity(), primary_key=True, sort_order=-10)


def tenant_fk(columns: list[str], target_table: str, target_columns: list[str] | None = None,
              **kwargs) -> ForeignKeyConstraint:
    """A reference to another tenant-owned table, always through tenant_id too."""
    target_columns = target_columns or ["id"]
    return ForeignKeyConstraint(
        ["tenant_id", *columns],
        [f"{target_table}.tenant_id", *(f"{target_table}.{c}" for c in target_columns)],
        **kwargs,
    )


def next_id(connection, table_name: str) -> int:
    """The next id of a table on SQLite, where a composite key has no autoincrement.

    An upsert on the counter row is one atomic write, so two threads never get
    the same id.
    """
    return connection.execute(
        text(
            "INSERT INTO id_sequences (name, value) VALUES (:name, "
            "(SELECT coalesce(max(id), 0) + 1 FROM " + table_name + ")) "
            "ON CONFLICT (name) DO UPDATE SET value = id_sequences.value + 1 "
            "RETURNING value"
        ),
        {"name": table_name},
    ).scalar_one()
