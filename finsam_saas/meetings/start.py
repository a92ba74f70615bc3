"""What the meetings module puts on a member's start page: the next meetings of their bodies,
and what waits for them — a protokoll to approve; for the kansli a kallelse to send, changes to
send, a protokoll to justera or overdue (14 days), uppdrag due, and the årshjul's gaps."""
from __future__ import annotations

from datetime import date, timedelta

from flask import g, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from finsam_saas.extensions import db
from finsam_saas.meetings import plan as arshjul, services
from finsam_saas.meetings.calendar import JUSTERING_DAYS
from finsam_saas.meetings.models import Meeting, Minutes, Task
from finsam_saas.organisation.models import Body, Seat
from finsam_saas.platform import clock
from finsam_saas.platform.auth import STAFF, can
from finsam_saas.platform.formatting import sv_time
from finsam_saas.platform.web import StartItem, register_start_items

NOTICE_DAYS = 14  # a kallelse goes out about a week before [000: sent 2020-11-23 for 2020-11-27]
TASK_DAYS = 30
SHOWN_MEETINGS = 5


def _own_bodies(user, staff: bool, bodies: list[Body], today: date) -> list[Body]:
    """The kansli works for every body; anyone else sees the bodies they hold a seat in."""
    if staff:
        return bodies
    seats = db.session.scalars(select(Seat).where(Seat.active.is_(True))).all()
    mine = {s.body_id for s in seats if (s.person == user.name or (s.email and s.email.lower() == user.email.lower()))
            and (s.term_end is None or s.term_end >= today)}
    return [b for b in bodies if b.id in mine]


def _label(meeting: Meeting) -> str:
    at = f" klockan {sv_time(meeting.start)}" if meeting.start else ""
    return f"{meeting.body.name} {meeting.date}{at}" + (f", {meeting.place}" if meeting.place else "")


def start_items(user, membership) -> list[StartItem]:
    if not can("meetings.view"):
        return []
    today = clock.today()
    staff = membership.role in STAFF
    bodies = list(db.session.scalars(select(Body).where(Body.active.is_(True)).order_by(Body.position)))
    own = {b.id for b in _own_bodies(user, staff, bodies, today)}
    items: list[StartItem] = []
    now = clock.now().time()
    upcoming = db.session.scalars(
        select(Meeting).where(Meeting.date >= today, Meeting.cancelled_on.is_(None), Meeting.body_id.in_(own),
                              Meeting.id.not_in(select(Minutes.meeting_id)))
        .order_by(Meeting.date, Meeting.start).limit(SHOWN_MEETINGS + 1).options(joinedload(Meeting.body))).all()
    # A meeting earlier today that is over is no longer the next one.
    upcoming = [m for m in upcoming if not (m.date == today and m.end and m.end < now)][:SHOWN_MEETINGS]
    for meeting in upcoming:
        sent = " – kallelsen är skickad" if meeting.notice_sent else ""
        items.append(StartItem(_label(meeting) + sent, url_for("meetings.meeting", meeting_id=meeting.id), "meeting",
                               (meeting.date,)))
    open_minutes = db.session.scalars(
        select(Minutes).where(Minutes.justerad_on.is_(None))
        .options(joinedload(Minutes.meeting).joinedload(Meeting.body), selectinload(Minutes.signers))).unique().all()
    for minutes in open_minutes:
        meeting = minutes.meeting
        url = url_for("meetings.minutes", meeting_id=meeting.id)
        for signer in services.signer_for(minutes, user):
            if not services.approval_valid(minutes, signer):
                again = " (texten har ändrats efter ditt godkännande)" if signer.withdrawn_at else ""
                items.append(StartItem(f"Godkänn protokollet från {meeting.body.name.lower()} {meeting.date} som "
                                       f"{signer.role_label}{again}", url, "todo", (meeting.date,)))
    if not staff:
        return items
    for minutes in open_minutes:
        meeting = minutes.meeting
        url = url_for("meetings.minutes", meeting_id=meeting.id)
        deadline = meeting.date + timedelta(days=JUSTERING_DAYS)
        if not services.missing_approvals(minutes):
            items.append(StartItem(f"Alla har godkänt protokollet från {meeting.body.name.lower()} {meeting.date}: "
                                   "justera det", url, "todo", (meeting.date,)))
        elif deadline < today:
            items.append(StartItem(f"Justeringen av protokollet från {meeting.body.name.lower()} {meeting.date} är "
                                   f"försenad (senast {deadline})", url, "late", (meeting.date,)))
    without = db.session.scalars(
        select(Meeting).outerjoin(Minutes, (Minutes.tenant_id == Meeting.tenant_id) & (Minutes.meeting_id == Meeting.id))
        .where(Minutes.id.is_(None), Meeting.cancelled_on.is_(None),
               Meeting.date.between(today - timedelta(days=90), today - timedelta(days=JUSTERING_DAYS + 1)))
        .options(joinedload(Meeting.body)).order_by(Meeting.date)).all()
    for meeting in without:
        items.append(StartItem(f"Protokoll saknas från {meeting.body.name.lower()} {meeting.date} (justering senast "
                               f"{meeting.date + timedelta(days=JUSTERING_DAYS)}), eller ställ in mötet om det inte blev av",
                               url_for("meetings.meeting", meeting_id=meeting.id), "late", (meeting.date,)))
    soon = db.session.scalars(
        select(Meeting).where(Meeting.date.between(today, today + timedelta(days=NOTICE_DAYS)),
                              Meeting.cancelled_on.is_(None), Meeting.notice_sent_at.is_(None))
        .options(joinedload(Meeting.body)).order_by(Meeting.date)).all()
    for meeting in soon:
        if meeting.date == today and meeting.end and meeting.end < now:
            continue  # held already
        items.append(StartItem(f"Skicka kallelsen till {_label(meeting)}",
                               url_for("meetings.send_notice", meeting_id=meeting.id), "todo", (meeting.date,)))
    changed = db.session.scalars(
        select(Meeting).where(Meeting.date >= today, Meeting.cancelled_on.is_(None), Meeting.notice_sent_at.is_not(None))
        .options(selectinload(Meeting.changes), joinedload(Meeting.body))).all()
    for meeting in changed:
        if services.unsent_changes(meeting):
            items.append(StartItem(f"Skicka ändringarna i föredragningslistan till {_label(meeting)}",
                                   url_for("meetings.send_changes", meeting_id=meeting.id), "todo", (meeting.date,)))
    tasks = db.session.scalars(select(Task).where(Task.done_on.is_(None), Task.due <= today + timedelta(days=TASK_DAYS))
                               .order_by(Task.due)).all()
    for task in tasks:
        late = task.due < today
        items.append(StartItem(f"Uppdrag till {task.assignee}: {task.description} – "
                               + (f"försenat, skulle vara klart {task.due}" if late else f"senast {task.due}"),
                               url_for("meetings.tasks"), "late" if late else "todo", (task.due,)))
    year_meetings = services.meetings_of_year(today.year)
    if year_meetings:
        for flag in arshjul.check_year(g.tenant, today.year, year_meetings):
            items.append(StartItem(f"Årshjulet {today.year}: {flag.text}", url_for("meetings.plan", ar=today.year),
                                   "late", (today,)))
    return items


register_start_items(start_items)
