"""NNS's send-outs: the valberedning's call for nominations to every member förbund,
and the invitation of a contact person."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.nns import services
from finsam_saas.nns.models import MemberContact, NominationRound
from finsam_saas.platform.invitations import send_invitation
from finsam_saas.platform.jobs import report_progress
from finsam_saas.platform.mail import send_mail
from finsam_saas.platform.models import Membership, Tenant, User, utcnow
from finsam_saas.platform.tenancy import tenant_context


def _kansli_emails(tenant_id: int) -> list[str]:
    return list(db.session.scalars(select(User.email).join(Membership, Membership.user_id == User.id)
                                   .where(Membership.tenant_id == tenant_id, Membership.role.in_(("admin", "kansli")),
                                          User.active.is_(True)).order_by(User.email)))


def recipients() -> list[tuple[str, list[str]]]:
    """Each member förbund with the addresses NNS reaches it at: its contact people,
    and for a förbund that is a tenant also its kansli here."""
    by_member = services.contacts()
    rows = []
    for member in services.member_forbund():
        emails = [c.email for c in by_member.get(member.id, [])]
        if member.linked_tenant_id:
            emails += [e for e in _kansli_emails(member.linked_tenant_id) if e not in emails]
        rows.append((member.name, emails))
    return rows


def send_nomination_call(job, round_id: int) -> dict:
    round_ = db.session.get(NominationRound, round_id)
    if round_ is None:
        raise LookupError(f"Nomineringen {round_id} finns inte.")
    seats = "\n".join(f"- {s.role_label}: {s.holder}{', ' + s.member if s.member else ''}"
                      f"{f' (vald till årsmötet {s.term_ends})*' if s.term_ends else ''}" for s in round_.seats)
    body = (f"Hej alla NNS medlemmar,\n\nValberedningen ber er nominera kandidater till styrelse och revisorer: "
            f"{round_.title}.\n\nUppdrag som ska väljas (* mandatperioden går ut):\n{seats}\n\n"
            f"Nominera senast {round_.deadline.isoformat()} under NNS i Finsam, med kandidatens samtycke.\n\n"
            f"Valberedningen\n")
    members = recipients()
    sent, without = 0, []
    for index, (name, emails) in enumerate(members, start=1):
        for email in emails:
            send_mail(email, f"Nomineringar till NNS – sista dag {round_.deadline.isoformat()}", body)
            sent += 1
        if not emails:
            without.append(name)
        report_progress(job, 100 * index // max(len(members), 1))
    round_.call_sent_at = utcnow()
    db.session.commit()
    return {"sent": sent, "members": len(members), "without_address": without}


def invite_later(contact: MemberContact) -> None:
    """Mail a newly invited contact their link (one message: no job needed)."""
    user = db.session.get(User, contact.user_id)
    if user is not None and not user.password_hash:
        send_invitation(user, why=f"Du är inbjuden att företräda {contact.member.name} i NNS "
                                  "(nomineringar, motioner och ombud till medlemsmöten).")
