"""The platform's tables: tenants, people, their memberships, tokens, audit, jobs.

Tenants, users, memberships and tokens are platform tables (no tenant wall: they
are what the wall is made of, and a login must find all of a user's tenants).
The audit log and jobs are tenant-owned like every module's data.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Identity, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform.tenancy import TenantScoped


def utcnow() -> datetime:
    """Now, in UTC, as timestamps are stored (read from the one clock, `platform.clock`)."""
    return clock._utcnow()


# medlemsforbund: in NNS, the invited contact of a member förbund that acts for it there.
ROLES = ("admin", "kansli", "ledamot", "revisor", "lasare", "insatsansvarig", "valberedning", "medlemsforbund")

ROLE_LABELS = {
    "admin": "Administratör",
    "kansli": "Kansli",
    "ledamot": "Ledamot",
    "revisor": "Revisor",
    "lasare": "Läsare",
    "insatsansvarig": "Insatsansvarig",
    "valberedning": "Valberedning",
    "medlemsforbund": "Företrädare för medlemsförbund",
}


class IdSequence(db.Model):
    """Counters for ids of tenant-owned tables on SQLite (PostgreSQL uses identity columns)."""

    __tablename__ = "id_sequences"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)


class Tenant(db.Model):
    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    short_name: Mapped[str] = mapped_column(String(100), nullable=False)
    org_nr: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="forbund")
    nns_member: Mapped[str | None] = mapped_column(String(200))
    anslag_places: Mapped[str | None] = mapped_column(Text, info={"max_length": 2000})
    settings: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # The tenant's admins and kansli must use a second factor (TOTP) to reach its pages; set by its
    # admin on Användare (not in the tenant file, so `tenants sync` leaves it as it is).
    require_mfa: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    # Every login session carries this number (in Flask-Login's id, "user_id:generation"); raising it
    # ends all of the user's sessions at once: logout, a new password, deactivation, the last
    # membership removed, a second factor turned on or reset (platform/auth.py checks it).
    session_generation: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    # TOTP (platform/mfa.py): the base32 secret, on from mfa_enabled_at; a secret without it is a
    # set-up not yet confirmed by a first code. mfa_last_step is the time step of the last code
    # accepted, so a code is never accepted twice.
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mfa_last_step: Mapped[int | None] = mapped_column(Integer)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def mfa_enabled(self) -> bool:
        """Does this user log in with a second factor?"""
        return self.mfa_enabled_at is not None

    def get_id(self) -> str:
        """Flask-Login's id of a session: "user_id:generation" (`load_user` checks both)."""
        return f"{self.id}:{self.session_generation or 1}"

    def end_sessions(self) -> None:
        """End every session (and remember-me cookie) of this user once the change is committed."""
        self.session_generation = (self.session_generation or 1) + 1

    def set_password(self, password: str) -> None:
        """Store a new password (scrypt); every session of the user ends with the old one."""
        if self.password_hash is not None:
            self.end_sessions()
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def membership_in(self, tenant: Tenant) -> "Membership | None":
        return next((m for m in self.memberships if m.tenant_id == tenant.id), None)

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Membership(db.Model):
    """A user's role in one tenant (one role per tenant, as CKAN's capacity)."""

    __tablename__ = "memberships"
    __audited__ = True
    __table_args__ = (UniqueConstraint("user_id", "tenant_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    user: Mapped[User] = relationship(back_populates="memberships")
    tenant: Mapped[Tenant] = relationship(lazy="joined")

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class RecoveryCode(db.Model):
    """One of a user's one-time recovery codes for the second factor; only its SHA-256 is stored
    (the codes are random, 60 bits each), and `used_at` is set when it is used (once)."""

    __tablename__ = "mfa_recovery_codes"
    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(TenantScoped, db.Model):
    __tablename__ = "audit_log"
    __audited__ = False
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(254), nullable=False)
    action: Mapped[str] = mapped_column(String(10), nullable=False)  # create | update | delete
    object_type: Mapped[str] = mapped_column(String(64), nullable=False)
    object_id: Mapped[str] = mapped_column(String(64), nullable=False)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


JOB_STATES = ("queued", "started", "finished", "failed")
JOB_STATE_LABELS = {"queued": "Väntar", "started": "Pågår", "finished": "Klart", "failed": "Misslyckades"}


class Job(TenantScoped, db.Model):
    __tablename__ = "jobs"
    __audited__ = False
    kind: Mapped[str] = mapped_column(String(100), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    rq_id: Mapped[str | None] = mapped_column(String(64))
    # How many runs the job has had: more than one when a worker died and it was retried (jobs.py).
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # What a finished job did not manage (recipients it missed): it ends "Klart med avvikelser".
    warnings: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def state_label(self) -> str:
        if self.state == "finished" and self.warnings:
            return "Klart med avvikelser"
        return JOB_STATE_LABELS.get(self.state, self.state)


# prepared: recorded, not yet handed to the mail server (safe to send again); sending: handed over,
# no acknowledgement recorded; sent: acknowledged; failed: refused (sent again by a later run).
DELIVERY_STATES = ("prepared", "sending", "sent", "failed")


class Delivery(TenantScoped, db.Model):
    """One message of a send-out to one address, recorded before it is sent.

    A batch names the send-out ("meeting:12:kallelse"); a recipient is in a batch once. A retried
    send-out skips who is recorded as sent, sends again to one left "prepared" (nothing was handed
    over), and to one left "sending" only when the outbox shows it was never written; over SMTP one
    left "sending" may have gone out and is reported instead, so nobody gets it twice
    (platform/dispatch.py).
    """

    __tablename__ = "deliveries"
    __audited__ = False
    __table_args__ = (UniqueConstraint("tenant_id", "batch", "address"),)
    batch: Mapped[str] = mapped_column(String(100), nullable=False)
    address: Mapped[str] = mapped_column(String(254), nullable=False)  # the e-mail address, lower case
    recipient: Mapped[str] = mapped_column(String(200), nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="sending")
    files: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    message_id: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    @property
    def sent(self) -> bool:
        return self.state == "sent"
