"""NNS's send-outs: the valberedning's call for nominations to every member förbund, the
motions with the styrelse's yttranden before a medlemsmöte, and the word to an ombud or a
contact person. Every mail carries an absolute link to the page it is about, built from
PUBLIC_URL (`platform.invitations.public_link`: a job has no request to take the host from).

Who NNS reaches a member förbund at (`member_addresses`): its contact people in the
member register (`nns_contacts`, with a login or not) and, for a förbund that is a
tenant here, the admins and kansli of its tenant. A förbund with none of these is named
in the job's warnings and on the round's page, so the valberedning can phone it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.nns import services
from finsam_saas.nns.models import GeneralMeeting, MemberContact, NominationRound, Ombud
from finsam_saas.organisation.models import Member
from finsam_saas.platform.dispatch import Message, NobodyReached, Recipient, delivered, send_batch
from finsam_saas.platform.invitations import invitation_text, public_link, send_invitation
from finsam_saas.platform.jobs import report_progress
from finsam_saas.platform.mail import Attachment as MailAttachment
from finsam_saas.platform.models import Membership, Tenant, User, utcnow

NO_ADDRESS = "ingen kontaktadress i medlemsregistret"


def _kansli_emails(tenant_id: int) -> list[str]:
    return list(db.session.scalars(select(User.email).join(Membership, Membership.user_id == User.id)
                                   .where(Membership.tenant_id == tenant_id, Membership.role.in_(("admin", "kansli")),
                                          User.active.is_(True)).order_by(User.email)))


@dataclass(frozen=True)
class Address:
    """One address a member förbund is reached at, and the link to its page in NNS for that
    person: a förbund tenant's kansli works from its own workspace, a contact in NNS."""

    email: str
    link: str


def forbund_page_link(member: Member, *, kansli: bool) -> str:
    """The absolute link to a member förbund's page in NNS: inside its own workspace for its
    kansli (/t/<förbund>/nns/), else NNS's page for its contact or ombud (/t/nns/forbund)."""
    if kansli and member.linked_tenant_id:
        tenant = db.session.get(Tenant, member.linked_tenant_id)
        if tenant is not None:
            return public_link("nns_participation.page_in_forbund", tenant=tenant.slug)
    return public_link("nns.forbund")


def member_addresses() -> list[tuple[Member, list[Address]]]:
    """Every active member förbund, by name, with the addresses NNS reaches it at (call inside
    NNS): its contact people, and for a förbund that is a tenant here its admins and kansli.
    An empty list: the förbund has no contact address in the register."""
    by_member = services.contacts()
    rows = []
    for member in services.member_forbund():
        contact_link = forbund_page_link(member, kansli=False)
        found = [Address(c.email.lower(), contact_link) for c in by_member.get(member.id, [])]
        if member.linked_tenant_id:
            kansli_link = forbund_page_link(member, kansli=True)
            found += [Address(e.lower(), kansli_link) for e in _kansli_emails(member.linked_tenant_id)
                      if e.lower() not in {a.email for a in found}]
        rows.append((member, found))
    return rows


def recipients() -> list[tuple[str, list[str]]]:
    """Each member förbund's name with its addresses (`member_addresses` without the links)."""
    return [(member.name, [a.email for a in found]) for member, found in member_addresses()]


def _member_recipients() -> tuple[list[Recipient], dict[str, str], list[str]]:
    """One recipient per address of every member förbund (named by the förbund), each address's
    link, and the förbund with no address."""
    people, links, without = [], {}, []
    for member, found in member_addresses():
        for address in found:
            people.append(Recipient(member.name, address.email, "medlemsförbund"))
            links.setdefault(address.email, address.link)
        if not found:
            without.append(member.name)
    return people, links, without


def _result(result, without: list[str], members: int) -> dict:
    answer = result.as_result()
    answer["warnings"] = answer["warnings"] + [f"{name} fick inget: {NO_ADDRESS}. Ring förbundet, eller lägg till "
                                               "en kontaktperson i medlemsregistret och skicka igen." for name in without]
    answer.update(members=members, without_address=without)
    return answer


def _call_batch(round_id: int) -> str:
    return f"nns:round:{round_id}:call"


def send_nomination_call(job, round_id: int) -> dict:
    """The valberedning's call to every member förbund, each address once (a retry skips who has
    it), each with the link to the förbund's page where it nominates. The result names the förbund
    it could not reach (`without_address`, and a warning each). Raises LookupError for no round,
    NobodyReached when no förbund has an address."""
    round_ = db.session.get(NominationRound, round_id)
    if round_ is None:
        raise LookupError(f"Nomineringen {round_id} finns inte.")
    seats = "\n".join(f"- {s.role_label}: {s.holder}{', ' + s.member if s.member else ''}"
                      f"{f' (vald till årsmötet {s.term_ends})*' if s.term_ends else ''}" for s in round_.seats)
    people, links, without = _member_recipients()

    def compose(recipient: Recipient) -> Message:
        body = (f"Hej, alla medlemmar i NNS!\n\nValberedningen ber er nominera kandidater till styrelse och revisorer: "
                f"{round_.title}.\n\nUppdrag som ska väljas (* mandatperioden går ut):\n{seats}\n\n"
                f"Nominera senast {round_.deadline.isoformat()}, med kandidatens samtycke, på förbundets sida i NNS:\n"
                f"{links[recipient.address]}\n\nValberedningen\n")
        return Message(f"Nomineringar till NNS – sista dag {round_.deadline.isoformat()}", body)

    result = send_batch(job, _call_batch(round_.id), people, compose, what="Nomineringsanmaningen", progress=(0, 99))
    round_.call_sent_at = utcnow()
    db.session.commit()
    return _result(result, without, len(services.member_forbund()))


def call_not_reached(round_: NominationRound) -> list[str]:
    """The member förbund (active, by name) that no message of the round's call reached: no contact
    address in the register, or every address failed. Empty until the call has been sent."""
    if round_.call_sent_at is None:
        return []
    reached = {d.recipient for d in delivered(_call_batch(round_.id)).values() if d.sent}
    return [m.name for m in services.member_forbund() if m.name not in reached]


def forbund_without_address() -> list[str]:
    """The active member förbund with no contact address in the register, by name."""
    return [member.name for member, found in member_addresses() if not found]


def invite_later(contact: MemberContact) -> None:
    """Mail a newly invited contact their link to choose a password, and the link to the förbund's
    page in NNS (one message: no job needed)."""
    user = db.session.get(User, contact.user_id)
    if user is not None and not user.password_hash:
        send_invitation(user, why=f"Du är inbjuden att företräda {contact.member.name} i NNS (nomineringar, motioner "
                                  f"och ombud till medlemsmöten).\n\nFörbundets sida i NNS, när du har valt lösenord:\n"
                                  f"{public_link('nns.forbund')}")


def _ombud_user(ombud: Ombud) -> User:
    """The ombud's login, made (without a password, to be invited) when there is none."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == ombud.email))
    if user is None:
        user = User(email=ombud.email, name=ombud.name)
        db.session.add(user)
        db.session.flush()
    return user


def _ombud_message(user: User, ombud: Ombud, general: GeneralMeeting) -> Message:
    """To an ombud: where they vote (the link to the meeting's vote page), with an invitation to
    choose a password when they have no login yet."""
    label = f"{general.kind_label.lower()} {general.meeting.date.isoformat()}"
    vote = public_link("nns.vote", meeting_id=general.meeting_id)
    where = (f"Här röstar du när ordföranden öppnar en omröstning (logga in först):\n{vote}\n\n"
             f"Förbundets sida i NNS visar också mötet: {public_link('nns.forbund')}")
    if not user.password_hash:
        subject, body, _ = invitation_text(user, why=f"Du är anmäld som ombud för {ombud.member.name} vid NNS {label} "
                                                     f"och röstar för förbundet där.\n\n{where}")
        return Message(subject, body)
    return Message(f"Du är ombud för {ombud.member.name} vid NNS {label}",
                   f"Hej {user.display_name},\n\nDu är anmäld som ombud för {ombud.member.name} vid NNS {label} och "
                   f"röstar för förbundet där.\n\n{where}\n\nNNS\n")


def _ombud_batch(general: GeneralMeeting, user: User) -> str:
    # An invitation and a notice are separate send-outs: one who was invited gets word again, with
    # a link that works, only if they still have no password when the roll is sent again.
    return f"nns:meeting:{general.meeting_id}:" + ("ombud" if user.password_hash else "invitations")


def invite_ombud_now(ombud: Ombud, meeting_label: str | None = None) -> str:
    """Mail one newly registered ombud where they vote, with an invitation when they have no login:
    at once, recorded as the meeting's send-out so the roll's job mails nobody twice. Commits.
    (`meeting_label` is not needed: the mail names the meeting itself.) Returns "invited",
    "notified", "already" (they had it) or "failed" (the mail did not go; the job can send it)."""
    general = services.general_meeting(ombud.meeting_id)
    user = _ombud_user(ombud)
    try:
        result = send_batch(None, _ombud_batch(general, user), [Recipient(ombud.name or user.email, user.email, "ombud")],
                            lambda r: _ombud_message(user, ombud, general), what="Beskedet till ombudet")
    except NobodyReached:
        return "failed"
    if not result.sent:
        return "already"
    return "notified" if user.password_hash else "invited"


def invite_ombud(job, meeting_id: int) -> dict:
    """Mail every ombud of a meeting's roll the link to the vote, inviting those without a login
    to choose a password; each address once (a retry skips who has it). The result counts as a
    send-out's (`DispatchResult.as_result`) with `invited` (new logins) and `ombud` (the roll)."""
    general = services.general_meeting(meeting_id)
    if general is None:
        raise LookupError(f"Mötet {meeting_id} är inget medlemsmöte.")
    roll = services.roll(general)
    users = {}
    for ombud in roll:
        user = _ombud_user(ombud)
        users[user.email.lower()] = (user, ombud)
    db.session.commit()
    answer = {"sent": 0, "already": 0, "without_address": 0, "failed": 0, "uncertain": 0, "warnings": [],
              "invited": 0, "ombud": len(roll)}
    groups = [[row for row in users.values() if not row[0].password_hash],
              [row for row in users.values() if row[0].password_hash]]
    for index, group in enumerate(groups):
        if not group:
            continue
        result = send_batch(job, _ombud_batch(general, group[0][0]),
                            [Recipient(ombud.name or user.email, user.email, "ombud") for user, ombud in group],
                            lambda r: _ombud_message(*users[r.address], general), what="Beskedet till ombuden",
                            progress=(index * 50, index * 50 + 49))
        for key, value in result.as_result().items():
            answer[key] = answer[key] + value
        if index == 0:
            answer["invited"] = len(result.sent)
    return answer


def send_papers(job, meeting_id: int) -> dict:
    """Mail the motions with the styrelse's yttranden to every member förbund, with the link to the
    meeting's page, and note when. Raises RuleViolation `motions_unanswered` while a motion has no
    yttrande, NobodyReached when no förbund has an address."""
    from finsam_saas.nns.documents import motions_pdf

    general = services.general_meeting(meeting_id)
    if general is None:
        raise LookupError(f"Mötet {meeting_id} är inget medlemsmöte.")
    services.mark_papers_sent(general)  # refuses while a motion has no yttrande
    pdf = MailAttachment(f"motioner-{general.meeting.date.isoformat()}.pdf", motions_pdf(general), "application/pdf")
    report_progress(job, 20)
    people, _links, without = _member_recipients()
    label = f"{general.kind_label.lower()} {general.meeting.date.isoformat()}"
    subject = f"Handlingar till NNS {label}: motioner med yttranden"
    body = (f"Hej,\n\nHär är de motioner som kommit in till NNS {label}, med styrelsens yttranden och förslag.\n\n"
            f"Mötet i NNS, med dagordning, röstlängd och handlingar:\n"
            f"{public_link('nns.general_meeting', meeting_id=general.meeting_id)}\n\nNNS styrelse\n")
    result = send_batch(job, f"nns:meeting:{meeting_id}:papers", people, lambda r: Message(subject, body, (pdf,)),
                        what="Utskicket av motionerna", progress=(20, 99))
    db.session.commit()
    return _result(result, without, len(services.member_forbund()))
