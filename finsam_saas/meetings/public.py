"""What anyone may read without logging in: the anslagstavla with the justerade
protokoll (confidential §§ left out) and each body's meeting calendar."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask import Response, abort, g, render_template
from icalendar import Calendar, Event
from sqlalchemy import select

from finsam_saas.platform import clock
from finsam_saas.extensions import db
from finsam_saas.meetings import archive, services
from finsam_saas.meetings.models import Meeting, Minutes
from finsam_saas.organisation.models import Body
from finsam_saas.platform.formatting import STOCKHOLM
from finsam_saas.platform.web import get_or_404, public_tenant_blueprint

blueprint = public_tenant_blueprint("public_meetings", __name__)


@blueprint.route("/anslagstavla")
def anslagstavla():
    today = clock.today()
    now, coming, archive = services.posted_minutes(today)
    return render_template("meetings/anslagstavla.html", now=now, coming=coming, archive=archive, today=today)


@blueprint.route("/anslagstavla/<int:minutes_id>.pdf")
def anslag_pdf(minutes_id: int):
    minutes = get_or_404(Minutes, minutes_id)
    if not minutes.justerad:
        abort(404)
    pdf = archive.minutes_pdf(minutes, public=True)
    name = archive.file_name(minutes)
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@blueprint.route("/organ/<int:body_id>/kalender.ics")
def calendar(body_id: int):
    """The body's meetings as iCalendar (RFC 5545): each with UID and DTSTAMP, times in
    Europe/Stockholm with its VTIMEZONE, a two-day meeting ending on its second day, a
    cancelled one marked CANCELLED."""
    body = get_or_404(Body, body_id)
    calendar = Calendar()
    calendar.add("prodid", "-//finsam_saas//mötesplan//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{g.tenant.short_name}: {body.name}")
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    stamp = clock.now().astimezone(timezone.utc).replace(microsecond=0)
    meetings = db.session.scalars(select(Meeting).where(Meeting.body_id == body.id).order_by(Meeting.date))
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@{g.tenant.slug}.finsam")
        event.add("dtstamp", stamp)
        event.add("summary", f"{body.name}{': ' + meeting.theme if meeting.theme else ''}")
        last_day = meeting.end_date or meeting.date
        if meeting.start:
            start = datetime.combine(meeting.date, meeting.start, tzinfo=STOCKHOLM)
            if meeting.end:
                end = datetime.combine(last_day, meeting.end, tzinfo=STOCKHOLM)
            else:
                end = start + timedelta(hours=2) if last_day == meeting.date else datetime.combine(
                    last_day + timedelta(days=1), time.min, tzinfo=STOCKHOLM)
            event.add("dtstart", start)
            event.add("dtend", end)
        else:
            event.add("dtstart", meeting.date)
            event.add("dtend", last_day + timedelta(days=1))  # DTEND of a date is exclusive
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.cancelled:
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return Response(calendar.to_ical(), mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{body.slug}.ics"'})
