"""NNS's rules: the member register, positions and their terms, nomination rounds,
motions and the medlemsmöte's röstlängd. Polls are in voting.py; the medlemsmöte's protokoll
(the ombud as its beslutande, the functionaries it elects) in minutes.py.

Every function runs inside the NNS tenant; `member_id` arguments name the member
förbund someone acts for (None: NNS's own people, who name it themselves).
"""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from finsam_saas.platform import clock
from finsam_saas.extensions import db
from finsam_saas.meetings import services as meetings
from finsam_saas.meetings.models import AgendaItem, Meeting
from finsam_saas.nns.models import (
    MOTION_PROPOSALS, PAPERS_WEEKS_BEFORE, POSITION_ROLE_LABELS, POSITION_ROLES, TERM_YEARS, GeneralMeeting,
    MemberContact, MemberFee, Motion, Nomination, NominationRound, Ombud, Position, RoundSeat,
)
from finsam_saas.organisation.models import Body, Member
from finsam_saas.platform.models import Membership, Tenant, User, utcnow
from finsam_saas.platform.rules import InvalidInput, RuleViolation

MEDLEMSMOTE_BODY = "medlemsmote"

# The medlemsmöte's agenda as NNS's kallelse of 2021-12-02 gives it [003].
STANDARD_AGENDA = (
    ("Medlemsmötets öppnande", "formalia"),
    ("Fastställande av röstlängd", "beslut"),
    ("Val av ordförande och sekreterare för mötet", "beslut"),
    ("Val av protokolljusterare och rösträknare", "beslut"),
    ("Fråga om mötet har utlysts på rätt sätt", "beslut"),
    ("Fastställande av föredragningslista", "beslut"),
    ("Beslut om medlemsavgift för nästkommande år", "beslut"),
    ("Fastställande av verksamhetens inriktning med budget och flerårsplan samt serviceavgift", "beslut"),
    ("Arvoden inom NNS", "beslut"),
    ("Behandling av inkomna motioner och styrelsens förslag", "beslut"),
    ("Övriga ärenden", "formalia"),
    ("Medlemsmötets avslutning", "formalia"),
)
ROLL_ITEM = "Fastställande av röstlängd"
CLOSING_ITEMS = {"Övriga ärenden", "Medlemsmötets avslutning"}


def _today(today: date | None) -> date:
    return today or clock.today()


# --- the member register -------------------------------------------------------

def member_forbund() -> list[Member]:
    return list(db.session.scalars(
        select(Member).where(Member.kind == "forbund", Member.active.is_(True)).order_by(Member.name)))


def member_named(name: str | None, field: str) -> Member:
    """The active member förbund of this name, or a 400 naming the field."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Ange vilket medlemsförbund det gäller.", {field: "saknas"})
    member = db.session.scalar(select(Member).where(Member.name == name, Member.kind == "forbund",
                                                    Member.active.is_(True)))
    if member is None:
        raise InvalidInput(f"\"{name}\" är inte ett medlemsförbund i NNS.", {field: "inte medlem"})
    return member


def active_member(member_id: int, field: str = "member") -> Member:
    member = db.session.get(Member, member_id)
    if member is None or member.kind != "forbund" or not member.active:
        raise InvalidInput("Förbundet är inte medlem i NNS.", {field: "inte medlem"})
    return member


def _email(value: str, field: str) -> str:
    email = (value or "").strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or " " in email:
        raise InvalidInput(f"\"{value}\" är ingen e-postadress.", {field: "ogiltig e-postadress"})
    return email


def add_contact(member: Member, *, name: str, email: str) -> MemberContact:
    """A contact person of a member förbund; they receive NNS's calls and papers."""
    if not name.strip():
        raise InvalidInput("Ange kontaktpersonens namn.", {"name": "saknas"})
    email = _email(email, "email")
    if db.session.scalar(select(MemberContact).where(MemberContact.email == email)) is not None:
        raise RuleViolation("contact_exists", f"{email} är redan kontaktperson i NNS.", {"email": "finns redan"})
    contact = MemberContact(member_id=member.id, name=name.strip(), email=email)
    db.session.add(contact)
    db.session.flush()
    return contact


def give_login(contact: MemberContact, tenant: Tenant) -> User:
    """Let a contact log in to act for their förbund in NNS (and nothing else of NNS)."""
    user = db.session.scalar(select(User).where(User.email == contact.email))
    if user is None:
        user = User(email=contact.email, name=contact.name)
        db.session.add(user)
        db.session.flush()
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                            Membership.tenant_id == tenant.id))
    if membership is None:
        db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, role="medlemsforbund"))
    elif membership.role != "medlemsforbund":
        raise RuleViolation("has_membership", f"{contact.email} har redan rollen {membership.role_label.lower()} i NNS.")
    contact.user_id = user.id
    db.session.flush()
    return user


def remove_contact(contact: MemberContact, tenant: Tenant) -> None:
    if contact.user_id is not None:
        membership = db.session.scalar(select(Membership).where(
            Membership.user_id == contact.user_id, Membership.tenant_id == tenant.id,
            Membership.role == "medlemsforbund"))
        if membership is not None:
            db.session.delete(membership)
    db.session.delete(contact)
    db.session.flush()


def contacts() -> dict[int, list[MemberContact]]:
    found: dict[int, list[MemberContact]] = {}
    for contact in db.session.scalars(select(MemberContact).order_by(MemberContact.name)):
        found.setdefault(contact.member_id, []).append(contact)
    return found


def ombud_by_member() -> dict[int, list[tuple[GeneralMeeting, Ombud]]]:
    """Each member förbund's ombud, meeting by meeting, newest meeting first."""
    meetings_ = {g.meeting_id: g for g in all_meetings()}
    found: dict[int, list[tuple[GeneralMeeting, Ombud]]] = {}
    for ombud in db.session.scalars(select(Ombud)):
        found.setdefault(ombud.member_id, []).append((meetings_[ombud.meeting_id], ombud))
    for rows in found.values():
        rows.sort(key=lambda row: row[0].meeting.date, reverse=True)
    return found


def set_fee(member: Member, year: int, amount: int, paid_on: date | None = None) -> MemberFee:
    if not 2000 <= year <= 2100:
        raise InvalidInput(f"Året {year} är inte rimligt.", {"year": "utanför 2000–2100"})
    if amount < 0:
        raise InvalidInput("Avgiften kan inte vara negativ.", {"amount": "negativ"})
    fee = db.session.scalar(select(MemberFee).where(MemberFee.member_id == member.id, MemberFee.year == year))
    if fee is None:
        fee = MemberFee(member_id=member.id, year=year, amount=amount)
        db.session.add(fee)
    fee.amount, fee.paid_on = amount, paid_on
    db.session.flush()
    return fee


def fees_of_year(year: int) -> dict[int, MemberFee]:
    return {fee.member_id: fee for fee in db.session.scalars(select(MemberFee).where(MemberFee.year == year))}


# --- positions and their terms ---------------------------------------------------

def _role(role: str, field: str = "role") -> str:
    if role not in POSITION_ROLES:
        raise InvalidInput(f"Okänd roll \"{role}\" ({', '.join(POSITION_ROLES)}).", {field: "okänd roll"})
    return role


def add_position(*, role: str, holder: str, member: Member | None, term_ends: int,
                 elected_year: int | None = None, note: str = "") -> Position:
    _role(role)
    if not holder.strip():
        raise InvalidInput("Ange vem som innehar uppdraget.", {"holder": "saknas"})
    if elected_year is not None and term_ends != elected_year + TERM_YEARS:
        raise InvalidInput(f"Mandattiden är {TERM_YEARS} år: vald {elected_year} betyder till årsmötet "
                           f"{elected_year + TERM_YEARS}.", {"term_ends": "inte två år"})
    count = db.session.scalar(select(func.count(Position.id))) or 0
    position = Position(role=role, holder=holder.strip(), member_id=member.id if member else None,
                        term_ends=term_ends, elected_year=elected_year, note=note.strip(), position=count)
    db.session.add(position)
    db.session.flush()
    return position


def positions() -> list[Position]:
    order = {role: index for index, role in enumerate(POSITION_ROLES)}
    found = db.session.scalars(select(Position).where(Position.active.is_(True)).order_by(Position.position))
    return sorted(found, key=lambda p: (order[p.role], p.position))


def up_for_election(arsmote_year: int) -> list[Position]:
    """The positions whose term ends at this årsmöte ("kursiv text* med asterisk")."""
    return [p for p in positions() if p.term_ends <= arsmote_year]


# --- nomination rounds -------------------------------------------------------------

def open_round(*, title: str, deadline: date, seats: list[dict], meeting: Meeting | None = None,
               today: date | None = None) -> NominationRound:
    """The valberedning's round: the seats up for election and the deadline for nominations, which
    has not passed (`today`: the day it is opened, Stockholm, for a round of the past such as the
    demo's). Raises InvalidInput naming the field."""
    if not title.strip():
        raise InvalidInput("Ange en rubrik för nomineringen.", {"title": "saknas"})
    if deadline < _today(today):
        raise InvalidInput(f"Sista dag för nomineringar ({deadline.isoformat()}) har redan passerat; ange en dag "
                           "från och med i dag.", {"deadline": "passerad"})
    if meeting is not None and deadline >= meeting.date:
        raise InvalidInput("Sista dag för nomineringar måste ligga före årsmötet.", {"deadline": "efter årsmötet"})
    round_ = NominationRound(title=title.strip(), deadline=deadline, meeting_id=meeting.id if meeting else None)
    db.session.add(round_)
    db.session.flush()
    for index, seat in enumerate(seats):
        _role(seat.get("role"), f"seats[{index}].role")
        round_.seats.append(RoundSeat(round_id=round_.id, role=seat["role"], holder=(seat.get("holder") or "").strip(),
                                      member=(seat.get("member") or "").strip(), term_ends=seat.get("term_ends"),
                                      position=index))
    db.session.flush()
    return round_


def seats_from_positions(arsmote_year: int) -> list[dict]:
    return [{"role": p.role, "role_label": POSITION_ROLE_LABELS[p.role], "holder": p.holder,
             "member": p.member.name if p.member else "", "term_ends": p.term_ends} for p in up_for_election(arsmote_year)]


def nominate(round_: NominationRound, *, member: Member | None, role: str, candidate: str,
             candidate_forbund: str = "", consent: bool = False, motivation: str = "", by_email: str = "",
             today: date | None = None) -> Nomination:
    """A förbund's nomination; none after the deadline (the deadline day itself counts), and one per
    candidate and role from each förbund. Raises RuleViolation `deadline_passed`, `already_nominated`."""
    if _today(today) > round_.deadline:
        raise RuleViolation("deadline_passed", f"Sista dag för nomineringar var {round_.deadline.isoformat()}.",
                            {"deadline": round_.deadline.isoformat()})
    _role(role)
    if not candidate.strip():
        raise InvalidInput("Ange kandidatens namn.", {"candidate": "saknas"})
    member_id = member.id if member else None
    earlier = next((n for n in round_.nominations if n.member_id == member_id and n.role == role
                    and n.candidate.casefold() == candidate.strip().casefold()), None)
    if earlier is not None:
        raise RuleViolation("already_nominated", f"{earlier.candidate} är redan nominerad till "
                            f"{POSITION_ROLE_LABELS[role].lower()} av {member.name if member else 'NNS'}.",
                            {"candidate": "redan nominerad"})
    nomination = Nomination(round_id=round_.id, member_id=member.id if member else None, role=role,
                            candidate=candidate.strip(), candidate_forbund=candidate_forbund.strip(),
                            consent=bool(consent), motivation=motivation.strip(), submitted_by_email=by_email)
    round_.nominations.append(nomination)
    db.session.flush()
    return nomination


def withdraw_nomination(nomination: Nomination, member: Member | None, today: date | None = None) -> None:
    """The nominating förbund takes its nomination back, until the round's deadline (the day itself
    counts). Raises RuleViolation `not_your_forbund` for another förbund's, `deadline_passed`."""
    if nomination.member_id != (member.id if member else None):
        raise RuleViolation("not_your_forbund", "Nomineringen är ett annat förbunds och kan bara tas tillbaka av det.",
                            {"nomination_id": "annat förbunds"})
    round_ = db.session.get(NominationRound, nomination.round_id)
    if _today(today) > round_.deadline:
        raise RuleViolation("deadline_passed", f"Sista dag för nomineringar var {round_.deadline.isoformat()}; "
                            "nomineringen ligger kvar hos valberedningen.", {"deadline": round_.deadline.isoformat()})
    round_.nominations.remove(nomination)
    db.session.flush()


def nominations_by_role(round_: NominationRound) -> list[tuple[str, list[RoundSeat], list[Nomination]]]:
    """The valberedning's view: per role, the seats up for election and every nomination for it."""
    roles = [r for r in POSITION_ROLES if any(s.role == r for s in round_.seats) or
             any(n.role == r for n in round_.nominations)]
    return [(POSITION_ROLE_LABELS[r], [s for s in round_.seats if s.role == r],
             [n for n in round_.nominations if n.role == r]) for r in roles]


def rounds() -> list[NominationRound]:
    return list(db.session.scalars(select(NominationRound).order_by(NominationRound.deadline.desc())
                                   .options(selectinload(NominationRound.nominations))))


def proposal_ready(round_: NominationRound) -> bool:
    return bool(round_.proposal_text) or any(seat.proposed for seat in round_.seats)


def rounds_for(general: GeneralMeeting) -> list[NominationRound]:
    return list(db.session.scalars(select(NominationRound).where(NominationRound.meeting_id == general.meeting_id)
                                   .options(selectinload(NominationRound.seats))))


def without_consent(round_: NominationRound, proposals: dict[int, tuple[str, str]]) -> list[str]:
    """The proposed candidates no nomination for their seat's role shows as consenting, by name."""
    seats = {s.id: s for s in round_.seats}
    consenting = {(n.role, n.candidate.casefold()) for n in round_.nominations if n.consent}
    return [candidate.strip() for seat_id, (candidate, _forbund) in proposals.items()
            if candidate.strip() and seat_id in seats
            and (seats[seat_id].role, candidate.strip().casefold()) not in consenting]


def write_proposal(round_: NominationRound, *, text: str, proposals: dict[int, tuple[str, str]],
                   confirmed: bool = False) -> None:
    """The valberedning's proposal: a candidate (and förbund) per seat and a covering text. A
    candidate whom no nomination shows as consenting is proposed only when `confirmed` (the
    valberedning has asked them). Raises InvalidInput for an unknown seat, RuleViolation
    `consent_missing` naming the candidates."""
    seats = {s.id: s for s in round_.seats}
    for seat_id in proposals:
        if seat_id not in seats:
            raise InvalidInput("Platsen finns inte i nomineringen.", {f"seat_{seat_id}": "finns inte"})
    missing = without_consent(round_, proposals)
    if missing and not confirmed:
        raise RuleViolation("consent_missing", f"Samtycke saknas i nomineringarna för {', '.join(missing)}. Kryssa i att "
                                               "valberedningen har fått deras samtycke, och spara igen.",
                            {"confirm_consent": "saknas"})
    for seat_id, (candidate, forbund) in proposals.items():
        seats[seat_id].proposed, seats[seat_id].proposed_member = candidate.strip(), forbund.strip()
    round_.proposal_text = text.strip()
    db.session.flush()


# --- the medlemsmöte ------------------------------------------------------------------

def medlemsmote_body() -> Body:
    body = db.session.scalar(select(Body).where(Body.slug == MEDLEMSMOTE_BODY))
    if body is None:
        raise RuleViolation("no_body", "NNS saknar organet Medlemsmöte i sin organisationsfil.")
    return body


def create_general_meeting(*, day: date, start: time | None = None, end: time | None = None, place: str = "",
                           kind: str = "medlemsmote", motion_deadline: date | None = None,
                           items: list[dict] | None = None, body: Body | None = None,
                           confirm: bool = False) -> GeneralMeeting:
    """A medlemsmöte or årsmöte with NNS's standard agenda unless items are given."""
    if motion_deadline is not None and motion_deadline >= day:
        raise InvalidInput("Sista dag för motioner måste ligga före mötet.", {"motion_deadline": "efter mötet"})
    rows = items if items else [
        {"title": title, "kind": item_kind, "standing": title in CLOSING_ITEMS} for title, item_kind in STANDARD_AGENDA
    ]
    meeting = meetings.create_meeting(body or medlemsmote_body(), day=day, start=start, end=end, place=place,
                                      items=rows, with_template=False, confirm=confirm)
    general = GeneralMeeting(meeting_id=meeting.id, kind=kind, motion_deadline=motion_deadline, officials=[])
    db.session.add(general)
    db.session.flush()
    return general


def general_meeting(meeting_id: int) -> GeneralMeeting | None:
    return db.session.scalar(select(GeneralMeeting).where(GeneralMeeting.meeting_id == meeting_id))


def _with_meeting():
    return (select(GeneralMeeting)
            .join(Meeting, (Meeting.tenant_id == GeneralMeeting.tenant_id) & (Meeting.id == GeneralMeeting.meeting_id))
            .options(contains_eager(GeneralMeeting.meeting)))


def upcoming_meetings(today: date | None = None) -> list[GeneralMeeting]:
    return list(db.session.scalars(_with_meeting().where(Meeting.date >= _today(today)).order_by(Meeting.date)))


def all_meetings() -> list[GeneralMeeting]:
    return list(db.session.scalars(_with_meeting().order_by(Meeting.date.desc())))


def papers_due(general: GeneralMeeting) -> date:
    return general.meeting.date - timedelta(weeks=PAPERS_WEEKS_BEFORE)


def papers_late(general: GeneralMeeting, today: date | None = None) -> bool:
    """Motions with yttranden must go out two weeks before the meeting: warn once that day has passed."""
    return general.papers_sent_at is None and _today(today) > papers_due(general) and bool(motions_of(general))


def set_officials(general: GeneralMeeting, emails: list[str]) -> None:
    general.officials = [_email(e, f"officials[{i}]") for i, e in enumerate(emails) if e.strip()]
    db.session.flush()


# --- motions ----------------------------------------------------------------------------

def motions_of(general: GeneralMeeting) -> list[Motion]:
    return list(db.session.scalars(select(Motion).where(Motion.meeting_id == general.meeting_id)
                                   .options(selectinload(Motion.member)).order_by(Motion.id)))


def submit_motion(general: GeneralMeeting, *, member: Member | None, title: str, text: str, by_email: str = "",
                  today: date | None = None) -> Motion:
    """A motion by a member förbund (or a proposal by the styrelse, member None), before the deadline.

    It becomes an item on the meeting's agenda, after the item for motions, and so a § in the protokoll.
    """
    deadline = general.motion_deadline or general.meeting.date - timedelta(days=1)
    if _today(today) > deadline:
        raise RuleViolation("deadline_passed", f"Sista dag för motioner till mötet var {deadline.isoformat()}.",
                            {"deadline": deadline.isoformat()})
    if not title.strip():
        raise InvalidInput("Ange motionens rubrik.", {"title": "saknas"})
    if not text.strip():
        raise InvalidInput("Motionen saknar text.", {"text": "saknas"})
    meeting = general.meeting
    meetings.ensure_agenda_editable(meeting)
    motion = Motion(meeting_id=meeting.id, member_id=member.id if member else None, title=title.strip(),
                    text=text.strip(), submitted_by_email=by_email, submitted_at=utcnow())
    db.session.add(motion)
    db.session.flush()
    item = meetings.add_item(meeting, {"title": f"Motion från {motion.submitter}: {motion.title}", "kind": "beslut",
                                       "description": motion.text}, after=_after_motions(meeting))
    motion.item_id = item.id
    db.session.flush()
    return motion


def _after_motions(meeting: Meeting) -> int | None:
    """The number a new motion goes after: the last motion below "Behandling av inkomna motioner",
    or that item itself; None (last among the matters) when the agenda has no such item."""
    items = sorted(meeting.items, key=lambda i: i.number)
    heading = next((i for i in items if "inkomna motioner" in i.title.casefold()), None)
    if heading is None:
        return None
    after = heading.number
    for item in items:
        if item.number == after + 1 and item.title.startswith("Motion från "):
            after = item.number
    return after


def respond_to_motion(motion: Motion, *, text: str, proposal: str) -> Motion:
    """The styrelse's yttrande and its proposal to the meeting."""
    if proposal not in MOTION_PROPOSALS:
        raise InvalidInput(f"Förslaget ska vara {', '.join(MOTION_PROPOSALS)}.", {"proposal": "okänt förslag"})
    if not text.strip():
        raise InvalidInput("Yttrandet saknar text.", {"text": "saknas"})
    motion.response, motion.proposal = text.strip(), proposal
    item = db.session.get(AgendaItem, motion.item_id) if motion.item_id else None
    if item is not None and item.meeting.minutes is None:
        item.proposal = f"Styrelsen föreslår medlemsmötet att {motion.proposal_label}."
    db.session.flush()
    return motion


def mark_papers_sent(general: GeneralMeeting) -> None:
    unanswered = [m.title for m in motions_of(general) if not m.proposal]
    if unanswered:
        raise RuleViolation("motions_unanswered", "Styrelsen har inte yttrat sig över: " + "; ".join(unanswered) + ".")
    general.papers_sent_at = utcnow()
    db.session.flush()


# --- the röstlängd ------------------------------------------------------------------------

def roll(general: GeneralMeeting) -> list[Ombud]:
    return sorted(db.session.scalars(select(Ombud).where(Ombud.meeting_id == general.meeting_id)
                                     .options(selectinload(Ombud.member))), key=lambda o: o.member.name)


def _roll_open(general: GeneralMeeting) -> None:
    minutes = general.meeting.minutes
    if minutes is not None and minutes.justerad:
        # The protokoll's närvaro is read against the roll: a justerat protokoll never changes.
        raise RuleViolation("justerad", f"Protokollet justerades {minutes.justerad_on.isoformat()}; röstlängden "
                                        "som dess närvaro bygger på kan inte längre ändras.")
    if general.roll_fixed_at is not None:
        raise RuleViolation("roll_fixed", "Röstlängden är fastställd och kan inte längre ändras.")


def register_ombud(general: GeneralMeeting, member: Member, *, name: str, email: str,
                   replace: bool = False) -> Ombud:
    """The one ombud of a förbund; a substitute replaces one only when asked to, before the roll is fixed."""
    _roll_open(general)
    email = _email(email, "email")
    existing = db.session.scalar(select(Ombud).where(Ombud.meeting_id == general.meeting_id,
                                                     Ombud.member_id == member.id))
    taken = db.session.scalar(select(Ombud).where(Ombud.meeting_id == general.meeting_id, Ombud.email == email))
    if taken is not None and taken.member_id != member.id:
        raise RuleViolation("ombud_elsewhere", f"{email} är redan ombud för {taken.member.name}; "
                            "en person kan bara vara ombud för ett förbund.", {"email": "ombud för annat förbund"})
    if existing is not None and not replace:
        raise RuleViolation("ombud_exists", f"{member.name} har redan ett ombud ({existing.name or existing.email}); "
                            "endast ett ombud per förbund. Ersätt det om någon annan ska rösta.", {"member": "har ombud"})
    if existing is None:
        existing = Ombud(meeting_id=general.meeting_id, member_id=member.id, email=email, name=name.strip())
        db.session.add(existing)
    existing.email, existing.name = email, name.strip()
    db.session.flush()
    return existing


def replace_roll(general: GeneralMeeting, ombud: list[dict]) -> list[Ombud]:
    """The API's whole roll at once: one ombud per member förbund (400 if a förbund is named twice)."""
    _roll_open(general)
    seen_members: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    rows = []
    for index, row in enumerate(ombud):
        member = member_named(row.get("member"), f"ombud[{index}].member")
        email = _email(row.get("email") or "", f"ombud[{index}].email")
        if member.name in seen_members:
            raise InvalidInput(f"{member.name} står två gånger: endast ett ombud per förbund.",
                               {f"ombud[{index}].member": "redan namngivet"})
        if email in seen_emails:
            raise InvalidInput(f"{email} står två gånger: en person kan bara vara ombud för ett förbund.",
                               {f"ombud[{index}].email": "redan namngiven"})
        seen_members[member.name], seen_emails[email] = index, index
        rows.append((member, email, (row.get("name") or "").strip()))
    for old in db.session.scalars(select(Ombud).where(Ombud.meeting_id == general.meeting_id)):
        db.session.delete(old)
    db.session.flush()
    for member, email, name in rows:
        db.session.add(Ombud(meeting_id=general.meeting_id, member_id=member.id, email=email, name=name))
    db.session.flush()
    return roll(general)


def remove_ombud(general: GeneralMeeting, ombud: Ombud) -> None:
    _roll_open(general)
    db.session.delete(ombud)
    db.session.flush()


def roll_item(general: GeneralMeeting) -> AgendaItem | None:
    return next((i for i in general.meeting.items if "röstlängd" in i.title.lower()), None)


def present_members(general: GeneralMeeting, number: int | None) -> set[int] | None:
    """The member ids whose ombud the protokoll has present at § `number` (every § when None), or
    None while the protokoll records no ombud at all (not started, or its närvaro not entered): then
    every registered ombud counts. Stadgar § 12 [003]: the ombud present vote."""
    minutes = general.meeting.minutes
    if minutes is None:
        return None
    ombud = [a for a in minutes.attendees if a.role == "ombud" and a.member_id is not None]
    if not ombud:
        return None
    return {a.member_id for a in ombud if number is None or a.present_at(number)}


def paragraph_of_item(general: GeneralMeeting, item_number: int | None) -> int | None:
    """The § number of the agenda item `item_number` in the meeting's protokoll, or None."""
    minutes = general.meeting.minutes
    if minutes is None or item_number is None:
        return None
    return next((p.number for p in minutes.paragraphs if p.item_number == item_number), None)


def eligible(general: GeneralMeeting, item_number: int | None = None) -> list[Ombud]:
    """The ombud who may vote at the item's § (the röstlängd's § without an item): registered,
    and present there by the protokoll's närvaro when it records the ombud (`present_members`)."""
    number = paragraph_of_item(general, item_number) or general.roll_paragraph
    present = present_members(general, number)
    return [o for o in roll(general) if present is None or o.member_id in present]


def fix_roll(general: GeneralMeeting) -> int:
    """Fix the röstlängd as the meeting's first decision: written into its § with the list of the
    ombud present there (by the protokoll's närvaro; every registered ombud while it records none),
    and those registered but absent named apart; returns the §. Raises RuleViolation
    `minutes_not_started`, `roll_empty` (no ombud registered, or none present)."""
    _roll_open(general)
    minutes = general.meeting.minutes
    if minutes is None:
        raise RuleViolation("minutes_not_started", "Starta protokollet först: röstlängden fastställs som ett beslut i en §.")
    registered = roll(general)
    if not registered:
        raise RuleViolation("roll_empty", "Inga ombud är anmälda; röstlängden kan inte fastställas.")
    item = roll_item(general)
    paragraph = next((p for p in minutes.paragraphs if item and p.item_number == item.number), minutes.paragraphs[0])
    present = present_members(general, paragraph.number)
    voters = [o for o in registered if present is None or o.member_id in present]
    absent = [o for o in registered if o not in voters]
    if not voters:
        raise RuleViolation("roll_empty", f"Inget anmält ombud är närvarande vid § {paragraph.number} enligt protokollets "
                                          "närvaro; för in de närvarande ombuden innan röstlängden fastställs.")
    listing = "\n".join(f"{o.member.name}: {o.name or o.email}" for o in voters)
    if absent:
        listing += "\nAnmälda men inte närvarande: " + ", ".join(f"{o.member.name} ({o.name or o.email})" for o in absent)
    words = "röstberättigat ombud" if len(voters) == 1 else "röstberättigade ombud"
    meetings.update_paragraph(
        minutes, paragraph.number, text=f"Röstlängd ({len(voters)} {words}):\n{listing}",
        decision=f"att fastställa röstlängden till {len(voters)} {words} enligt förteckningen",
    )
    general.roll_fixed_at = utcnow()
    general.roll_paragraph = paragraph.number
    db.session.flush()
    return paragraph.number


def ombud_of(general: GeneralMeeting, email: str) -> Ombud | None:
    return db.session.scalar(select(Ombud).where(Ombud.meeting_id == general.meeting_id,
                                                 Ombud.email == email.strip().lower()))

