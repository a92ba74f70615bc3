"""Who may act in NNS, and for which member förbund.

NNS's own people hold memberships of the NNS tenant. A member förbund acts
through one of three doors, all ending in the same capacity, `medlemsforbund`,
tied to that one member:
- the kansli or admin of a förbund that is a tenant here (its tenant file names
  its NNS member, which sync links to the tenant);
- an invited contact person of a förbund that is not a tenant (a membership of
  NNS with role medlemsforbund and a MemberContact row naming the förbund);
- the registered ombud of a förbund at a meeting, by the e-mail it was registered with
  (role `ombud`: the ombud votes for the förbund and sees its page, but nominations,
  motions and the förbund's ombud are the kansli's or the contact's).

The same person may also hold a role of NNS's own (an admin of a förbund who sits on the
NNS styrelse): `acting_member` then decides whom a nomination, motion or ombud is for
from what the request names, and refuses to guess.
"""
from __future__ import annotations

from dataclasses import dataclass

from functools import wraps

from flask import abort, g
from flask_login import current_user
from sqlalchemy import func, or_, select

from finsam_saas.extensions import db
from finsam_saas.nns import services
from finsam_saas.nns.models import MemberContact, Ombud
from finsam_saas.organisation.models import Member
from finsam_saas.platform.auth import STAFF, can, register_permissions
from finsam_saas.platform.models import ROLE_LABELS, Membership, Tenant
from finsam_saas.platform.rules import DomainError, InvalidInput
from finsam_saas.platform.web import get_or_404, register_guest_admission, register_guest_start, register_landing

NNS_SLUG = "nns"
REPRESENTATIVE = "medlemsforbund"
OMBUD = "ombud"  # admitted as a förbund's registered ombud only: votes, and reads the förbund's page
NNS_PEOPLE = frozenset({"admin", "kansli", "ledamot", "revisor", "lasare", "valberedning"})
# NNS's own people who may name any member förbund (the secretary registers an ombud sent by
# mail, the valberedning records a nomination that came by post); others act for their own only.
NAMES_ANY_FORBUND = STAFF | {"valberedning"}
# What a request names to mean NNS itself rather than a member förbund (case does not matter).
NNS_ITSELF = ("nns styrelse", "nns:s styrelse", "styrelsen", "nns", "valberedningen", "nns valberedning")

register_permissions({
    "nns.view": NNS_PEOPLE | {REPRESENTATIVE, OMBUD},
    "nns.register": STAFF,  # member register, contacts, fees
    "nns.positions": STAFF | {"valberedning"},
    "nns.nominations.manage": STAFF | {"valberedning"},
    "nns.nominate": STAFF | {"valberedning", REPRESENTATIVE},
    "nns.motion.submit": STAFF | {"ledamot", REPRESENTATIVE},
    "nns.motion.respond": STAFF | {"ledamot"},
    "nns.meeting.run": STAFF,
    "nns.roll.register": STAFF | {REPRESENTATIVE},
    "nns.vote": NNS_PEOPLE | {REPRESENTATIVE, OMBUD},  # the roll decides who actually votes
    # The förbund's own page in NNS (/t/nns/forbund): its representatives and its ombud.
    "nns.forbund": STAFF | {REPRESENTATIVE, OMBUD},
    # In a förbund's own workspace: its page of what is open in NNS.
    "nns.participate": STAFF,
})


@dataclass(frozen=True)
class Representation:
    """A member förbund's representative in NNS, without a membership of NNS."""

    member_id: int
    tenant_id: int
    role: str = REPRESENTATIVE  # or OMBUD, for one admitted as its ombud only

    @property
    def role_label(self) -> str:
        return "Ombud för medlemsförbund" if self.role == OMBUD else ROLE_LABELS[REPRESENTATIVE]


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
        return Representation(ombud.member_id, tenant.id, OMBUD)
    return None


register_guest_admission(_admit)


def forbund_of(user, *, voting: bool = False) -> list[Member]:
    """Every active member förbund this person may act for in NNS, by name (call inside NNS).

    The doors (README "NNS", API.md "A user of a förbund tenant with role kansli or admin …"):
    admin or kansli of the förbund's own tenant (its tenant file's `nns_member`), or its invited
    contact with a login (`nns_contacts.user_id`); with `voting`, also the förbund whose
    registered ombud they are at a meeting (an ombud votes, and does nothing else for it).
    Whatever role the person holds in NNS itself does not count here.
    """
    doors = [Member.id.in_(select(MemberContact.member_id).where(MemberContact.user_id == user.id))]
    staff_tenants = [m.tenant_id for m in user.memberships if m.role in STAFF]
    if staff_tenants:
        doors.append(Member.linked_tenant_id.in_(staff_tenants))
    if voting:
        doors.append(Member.id.in_(select(Ombud.member_id).where(func.lower(Ombud.email) == user.email.lower())))
    return list(db.session.scalars(select(Member).where(or_(*doors), Member.kind == "forbund",
                                                        Member.active.is_(True)).order_by(Member.name)))


def nns_role() -> str | None:
    """The current person's role of NNS's own (a membership of NNS other than as a förbund's
    contact), or None for one who is in NNS only for a member förbund."""
    membership = g.get("membership")
    if isinstance(membership, Membership) and membership.role != REPRESENTATIVE:
        return membership.role
    return None


def _person():
    """Who makes the request: the API token's user, or the one logged in."""
    return g.get("api_user") or current_user


def may_act(action: str) -> bool:
    """May the current person do `action` in NNS, for NNS by their own role or for a förbund they
    represent (an ombud only votes: `nns.vote` is granted by the role OMBUD, not here)?"""
    role = nns_role()
    return (role is not None and can(action, role)) or bool(forbund_of(_person()))


def requires_standing(action: str):
    """Like `auth.requires`, for what a person does for their förbund or for NNS: 403 unless
    `may_act(action)`. A förbund's admin who is a lasare or ledamot of NNS passes as the
    förbund's representative; which of the two they act for is `acting_member`'s question."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not may_act(action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_action = action
        return wrapped

    return decorator


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


_UNSET = object()


def acting_member(action: str, named: str | None, field: str, *, nns_may_act: bool = True,
                  prefer=_UNSET) -> Member | None:
    """The member förbund a nomination, motion or ombud is for, or None for NNS itself (the
    styrelse's proposal, the valberedning's own nomination). Call inside NNS.

    `named` is what the request says (`submitted_by`, `nominated_by`, the ombud's `member`):
    - a förbund the person represents (`forbund_of`): that förbund, whatever their NNS role;
    - another förbund: only NNS's admin, kansli or valberedning with the permission
      (NAMES_ANY_FORBUND), else 403 `not_your_forbund`;
    - "NNS styrelse" (or "styrelsen", "valberedningen", NNS_ITSELF): NNS, for one whose NNS
      role has `action`, else 403 `not_your_forbund`; with `nns_may_act` False (an ombud is
      always a förbund's) it is refused as no member (400).
    Nothing named: their one förbund, or NNS for one who represents none. When they could
    mean both a förbund and NNS, or several förbund, a 400 naming `field` asks them to say
    which; nothing is ever recorded as the styrelse's by guess. `prefer` (a member id, or
    None for NNS) settles that choice when it is one of theirs (the nomination being taken back).
    Raises InvalidInput (400) naming `field`, NotYourForbund (403).
    """
    own = forbund_of(_person())
    role = nns_role()
    as_nns = role is not None and can(action, role)
    named = (named or "").strip()
    if named:
        if named.casefold() in NNS_ITSELF and nns_may_act:
            if not as_nns:
                theirs = f" Du företräder {_names(own)}." if own else ""
                raise NotYourForbund(f"Du kan inte agera för NNS här.{theirs}", {field: "inte NNS"})
            return None
        member = services.member_named(named, field)
        if any(m.id == member.id for m in own) or (as_nns and role in NAMES_ANY_FORBUND):
            return member
        theirs = f"Du företräder {_names(own)} och kan inte agera för {member.name}." if own else (
            f"Du kan inte agera för {member.name}.")
        raise NotYourForbund(theirs, {field: "annat förbund"})
    choices: list[Member | None] = list(own) + ([None] if as_nns and nns_may_act else [])
    if prefer is not _UNSET:
        for choice in choices:
            if (choice.id if choice else None) == prefer:
                return choice
    if not choices:
        if as_nns:  # NNS's own people, for something that is always a förbund's (an ombud)
            services.member_named(None, field)
        raise NotYourForbund("Du företräder inget medlemsförbund i NNS.", {field: "inget förbund"})
    if len(choices) == 1:
        return choices[0]
    if None in choices:
        raise InvalidInput(f"Du företräder {_names(own)} och har också en roll i NNS: ange i {field} antingen "
                           f"förbundets namn eller \"NNS styrelse\".", {field: "ange förbundet eller NNS styrelse"})
    raise InvalidInput(f"Du företräder flera förbund ({_names(own)}): ange i {field} vilket.", {field: "ange förbundet"})


def _names(members: list[Member]) -> str:
    names = [m.name for m in members]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def own_forbund_id() -> int | None:
    """The förbund whose NNS page (/t/nns/forbund) is the current person's: the one they were
    admitted for, or for one who is in NNS by a role of its own the one förbund they represent."""
    member_id = represented_member_id()
    if member_id is None and g.get("membership") is not None:
        own = forbund_of(_person())
        member_id = own[0].id if len(own) == 1 else None
    return member_id


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

    if g.get("tenant") is not None and g.tenant.slug == NNS_SLUG and own_forbund_id() is not None:
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


def may_see_ombud_email(ombud: Ombud) -> bool:
    """An ombud's e-mail address is for NNS's kansli and the ombud's own förbund, not for every
    member förbund that reads the röstlängd."""
    return is_nns_staff() or represented_member_id() == ombud.member_id
