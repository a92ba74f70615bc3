"""Who gets what the meetings module sends, read from the register of people.

The kallelse goes to the body's ordinarie ledamöter and ersättare who hold their seat on the
meeting's day; the justerat protokoll to every member that has an address for its anslag and
to the revisorer [000: "Justeringen har tillkännagivits genom anslag hos …"].
"""
from __future__ import annotations

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings.attendance import register_on, roll_of
from finsam_saas.meetings.models import Meeting, Signer
from finsam_saas.organisation.models import Body, Member
from finsam_saas.platform import clock
from finsam_saas.platform.dispatch import Recipient, delivered


def notice_batch(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}:kallelse"


def notice_recipients(meeting: Meeting) -> list[Recipient]:
    """The body's members on the meeting's day: ordinarie first, then ersättare in their order."""
    rows = []
    for seat in register_on(meeting.body, meeting.date):
        why = seat.seat_label.lower() + (f", {seat.appointed_by.name}" if seat.appointed_by else "")
        rows.append(Recipient(seat.person, seat.email, why))
    return rows


def notice_status(meeting: Meeting) -> list[tuple[Recipient, object]]:
    """Each recipient of the kallelse with their delivery (None: not sent to them)."""
    sent = delivered(notice_batch(meeting))
    return [(r, sent.get(r.address) if r.address else None) for r in notice_recipients(meeting)]


def protokoll_recipients() -> list[Recipient]:
    """Every active member (for its anslag), then the revisorer holding their seat today."""
    rows = [Recipient(m.name, m.email, "medlem") for m in db.session.scalars(
        select(Member).where(Member.active.is_(True)).order_by(Member.position, Member.name))]
    today = clock.today()
    for body in db.session.scalars(select(Body).where(Body.kind == "revisorer", Body.active.is_(True))):
        rows += [Recipient(s.person, s.email, "revisor") for s in register_on(body, today)]
    return rows


def protokoll_batch(minutes) -> str:
    return f"minutes:{minutes.id}:anslag"


def protokoll_status(minutes) -> list[tuple[Recipient, object]]:
    """Each recipient of the justerat protokoll with their delivery (None: not sent to them)."""
    sent = delivered(protokoll_batch(minutes))
    return [(r, sent.get(r.address) if r.address else None) for r in protokoll_recipients()]


def signer_recipient(meeting: Meeting, signer: Signer) -> Recipient:
    """A signer's address: their seat's in the body; at a meeting with a roll (a medlemsmöte, whose
    justerare are often ombud) the one the roll's module knows by name; else none known."""
    seat = next((s for s in meeting.body.seats if s.person == signer.name and s.active), None)
    address = seat.email if seat and seat.email else None
    if address is None:
        roll = roll_of(meeting)
        address = roll.address(signer.name) if roll is not None else None
    return Recipient(signer.name, address, signer.role_label)
