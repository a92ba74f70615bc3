"""Who may act in NNS, and for which member förbund.

NNS's own people hold memberships of the NNS tenant. A member förbund acts
through one of three doors, all ending in the same capacity, `medlemsforbund`,
tied to that one member:
- the kansli or admin of a förbund that is a tenant here (its tenant file names
  its NNS member, which sync links to the tenant);
- an invited contact person of a förbund that is not a tenant (a membership of
  NNS with role medlemsforbund and a MemberContact row naming the förbund);
- the registered ombud of a förbund at a meeting, by the e-mail it was registered with.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g
from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.nns import services
from finsam_saas.nns.models import MemberContact, Ombud
from finsam_saas.organisation.models import Member
from finsam_saas.platform.auth import STAFF, register_permissions
from finsam_saas.platform.models import ROLE_LABELS, Membership, Tenant
from finsam_saas.platform.rules import DomainError
from finsam_saas.platform.web import get_or_404, register_guest_admission, register_guest_start, register_landing

NNS_SLUG = "nns"
REPRESENTATIVE = "medlemsforbund"
NNS_PEOPLE = frozenset({"admin", "kansli", "ledamot", "revisor", "lasare", "valberedning"})

register_permissions({
    "nns.view": NNS_PEOPLE | {REPRESENTATIVE},
    "nns.register": STAFF,  # member register, contacts, fees
    "nns.positions": STAFF | {"valberedning"},
    "nns.nominations.manage": STAFF | {"valberedning"},
    "nns.nominate": STAFF | {"valberedning", REPRESENTATIVE},
    "nns.motion.submit": STAFF | {"ledamot", REPRESENTATIVE},
    "nns.motion.respond": STAFF | {"ledamot"},
    "nns.meeting.run": STAFF,
    "nns.roll.register": STAFF | {REPRESENTATIVE},
    "nns.vote": NNS_PEOPLE | {REPRESENTATIVE},  # the roll decides who actually votes
    # In a förbund's own workspace: its page of what is open in NNS.
    "nns.participate": STAFF,
})


@dataclass(frozen=True)
class Representation:
    """A member förbund's representative in NNS, without a membership of NNS."""

    member_id: int
    tenant_id: int
    role: str = REPRESENTATIVE

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[REPRESENTATIVE]


def member_of_tenant(forbund_tenant_id: int) -> Member | None:
    """The NNS member that is this förbund tenant (call inside the NNS tenant)."""
    return db.session.scalar(select(Member).where(Member.linked_tenant_id == forbund_tenant_id,
                                                  Member.kind == "forbund", Member.active.is_(True)))


def _admit(tenant: Tenant, user) -> Representation | None:
    if tenant.slug != NNS_SLUG:
        return None
    staff_tenants = [m.tenant_id for m in user.memberships if m.role in STAFF]
    if staff_tenants:
        member = db.session.scalars(
            select(Member).where(Member.linked_tenant_id.in_(staff_tenants), Member.kind == "forbund",
                                 Member.active.is_(True)).order_by(Member.name)
        ).first()
        if member is not None:
            return Representation(member.id, tenant.id)
    ombud = db.session.scalars(
        select(Ombud).where(func.lower(Ombud.email) == user.email.lower()).order_by(Ombud.id.desc())
    ).first()
    if ombud is not None:
        return Representation(ombud.member_id, tenant.id)
    return None


register_guest_admission(_admit)


def represented_member_id() -> int | None:
    """The member förbund the current person acts for in NNS, or None for NNS's own people."""
    membership = g.get("membership")
    if isinstance(membership, Representation):
        return membership.member_id
    if isinstance(membership, Membership) and membership.role == REPRESENTATIVE:
        return db.session.scalar(select(MemberContact.member_id).where(MemberContact.user_id == membership.user_id))
    return None


def is_nns_staff() -> bool:
    membership = g.get("membership")
    return isinstance(membership, Membership) and membership.role in STAFF


class NotYourForbund(DomainError):
    """A representative acts only for their own förbund (403)."""

    status = 403

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message, code="not_your_forbund", fields=fields)


def acting_member(named: str | None, field: str) -> Member | None:
    """The förbund a nomination, motion or ombud is for: a representative's own;
    NNS's people name one, or none for NNS itself (the styrelse, the valberedning)."""
    named = (named or "").strip()
    own = represented_member_id()
    if own is not None:
        member = services.active_member(own, field)
        if named and named != member.name:
            raise NotYourForbund(f"Du företräder {member.name} och kan inte agera för {named}.", {field: "annat förbund"})
        return member
    if named and named.lower() not in ("nns styrelse", "styrelsen", "valberedningen"):
        return services.member_named(named, field)
    return None


def _landing(user) -> str | None:
    """An invited contact or an ombud without any other membership lands on their förbund's page."""
    from flask import url_for

    if all(m.role == REPRESENTATIVE for m in user.memberships):
        return url_for("nns.forbund")
    return None


register_landing(_landing)


def _guest_start() -> str | None:
    """NNS's start page for an ombud or invited contact is their förbund's NNS page."""
    from flask import url_for

    if g.get("tenant") is not None and g.tenant.slug == NNS_SLUG and represented_member_id() is not None:
        return url_for("nns.forbund")
    return None


register_guest_start(_guest_start)


def general_or_404(meeting_id: int):
    """The medlemsmöte of this meeting; a board meeting of NNS, or none, answers as missing
    (the tenant wall applies to the medlemsmöte's row as to the meeting's)."""
    general = services.general_meeting(meeting_id)
    if general is None:
        abort(404)
    return general


def of_meeting_or_404(model, object_id: int, general):
    """A motion, ombud or poll of this medlemsmöte; one of another meeting answers as missing."""
    obj = get_or_404(model, object_id)
    if obj.meeting_id != general.meeting_id:
        abort(404)
    return obj
