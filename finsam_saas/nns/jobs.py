"""NNS's send-outs: the valberedning's call for nominations to every member förbund,
and the invitation of a contact person."""
from __future__ import annotations

from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.nns import services
from finsam_saas.nns.models import MemberContact, NominationRound, Ombud
from finsam_saas.platform.invitations import invitation_text, send_invitation
from finsam_saas.platform.jobs import report_progress
from finsam_saas.platform.dispatch import Message, Recipient, send_batch
from finsam_saas.platform.mail import Attachment as MailAttachment
from finsam_saas.platform.models import Membership, User, utcnow


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


def _member_recipients() -> tuple[list[Recipient], list[str]]:
    """One recipient per address of every member förbund, and the förbund with no address."""
    found, without = [], []
    for name, emails in recipients():
        found += [Recipient(name, email, "medlemsförbund") for email in emails]
        if not emails:
            without.append(name)
    return found, without


def _result(result, without: list[str], members: int) -> dict:
    answer = result.as_result()
    answer["warnings"] = answer["warnings"] + [f"{name} fick inget: ingen kontaktadress i medlemsregistret." for name in without]
    answer.update(members=members, without_address=without)
    return answer


def send_nomination_call(job, round_id: int) -> dict:
    """The valberedning's call to every member förbund, each address once (a retry skips who has it)."""
    round_ = db.session.get(NominationRound, round_id)
    if round_ is None:
        raise LookupError(f"Nomineringen {round_id} finns inte.")
    seats = "\n".join(f"- {s.role_label}: {s.holder}{', ' + s.member if s.member else ''}"
                      f"{f' (vald till årsmötet {s.term_ends})*' if s.term_ends else ''}" for s in round_.seats)
    body = (f"Hej alla NNS medlemmar,\n\nValberedningen ber er nominera kandidater till styrelse och revisorer: "
            f"{round_.title}.\n\nUppdrag som ska väljas (* mandatperioden går ut):\n{seats}\n\n"
            f"Nominera senast {round_.deadline.isoformat()} under NNS i Finsam, med kandidatens samtycke.\n\n"
            f"Valberedningen\n")
    people, without = _member_recipients()
    message = Message(f"Nomineringar till NNS – sista dag {round_.deadline.isoformat()}", body)
    result = send_batch(job, f"nns:round:{round_.id}:call", people, lambda r: message,
                        what="Nomineringsanmaningen", progress=(0, 99))
    round_.call_sent_at = utcnow()
    db.session.commit()
    return _result(result, without, len(recipients()))


def invite_later(contact: MemberContact) -> None:
    """Mail a newly invited contact their link (one message: no job needed)."""
    user = db.session.get(User, contact.user_id)
    if user is not None and not user.password_hash:
        send_invitation(user, why=f"Du är inbjuden att företräda {contact.member.name} i NNS "
                                  "(nomineringar, motioner och ombud till medlemsmöten).")


def _ombud_user(ombud: Ombud) -> User | None:
    """The ombud's login, made and invited when there is none yet; None when it has one."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == ombud.email))
    if user is None:
        user = User(email=ombud.email, name=ombud.name)
        db.session.add(user)
        db.session.flush()
    if user.password_hash:
        return None
    return user


def invite_ombud_now(ombud: Ombud, meeting_label: str) -> bool:
    """Invite one newly registered ombud who has no login (one message, sent at once)."""
    user = _ombud_user(ombud)
    if user is None:
        return False
    send_invitation(user, why=f"Du är anmäld som ombud för {ombud.member.name} vid NNS {meeting_label} "
                              "och röstar för förbundet där.")
    return True


def invite_ombud(job, meeting_id: int) -> dict:
    """Invite every ombud of a meeting's roll who has no login yet, each address once."""
    general = services.general_meeting(meeting_id)
    if general is None:
        raise LookupError(f"Mötet {meeting_id} är inget medlemsmöte.")
    label = f"{general.kind_label.lower()} {general.meeting.date.isoformat()}"
    roll = services.roll(general)
    users = {}
    for ombud in roll:
        user = _ombud_user(ombud)
        if user is not None:
            users[user.email.lower()] = (user, ombud)
    db.session.commit()
    if not users:
        return {"invited": 0, "ombud": len(roll), "warnings": []}

    def compose(recipient: Recipient) -> Message:
        user, ombud = users[recipient.address]
        subject, body, _ = invitation_text(user, why=f"Du är anmäld som ombud för {ombud.member.name} vid NNS {label} "
                                                     "och röstar för förbundet där.")
        return Message(subject, body)

    result = send_batch(job, f"nns:meeting:{meeting_id}:invitations",
                        [Recipient(ombud.name or user.email, user.email, "ombud") for user, ombud in users.values()],
                        compose, what="Inbjudan till ombuden", progress=(0, 99))
    return {**result.as_result(), "invited": len(result.sent), "ombud": len(roll)}


def send_papers(job, meeting_id: int) -> dict:
    """Mail the motions with the styrelse's yttranden to every member förbund, and note when."""
    from finsam_saas.nns.documents import motions_pdf

    general = services.general_meeting(meeting_id)
    if general is None:
        raise LookupError(f"Mötet {meeting_id} är inget medlemsmöte.")
    services.mark_papers_sent(general)  # refuses while a motion has no yttrande
    pdf = MailAttachment(f"motioner-{general.meeting.date.isoformat()}.pdf", motions_pdf(general), "application/pdf")
    report_progress(job, 20)
    people, without = _member_recipients()
    subject = f"Handlingar till NNS {general.kind_label.lower()} {general.meeting.date.isoformat()}: motioner med yttranden"
    body = (f"Hej,\n\nHär är de motioner som kommit in till NNS {general.kind_label.lower()} "
            f"{general.meeting.date.isoformat()}, med styrelsens yttranden och förslag.\n\nNNS styrelse\n")
    result = send_batch(job, f"nns:meeting:{meeting_id}:papers", people, lambda r: Message(subject, body, (pdf,)),
                        what="Utskicket av motionerna", progress=(20, 99))
    db.session.commit()
    return _result(result, without, len(recipients()))
