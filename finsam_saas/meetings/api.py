"""The meetings API (API.md): meetings, kallelse PDF, protokoll, §§, votes, justering."""
from datetime import date

from flask import Response, jsonify, request
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings import documents, permissions, services  # noqa: F401
from finsam_saas.meetings.models import Meeting, Minutes
from finsam_saas.meetings.schemas import JusteringIn, MeetingIn, MinutesIn, ParagraphIn, TaskIn, VoteIn
from finsam_saas.platform.schemas import load
from finsam_saas.platform.auth import requires
from finsam_saas.platform.openapi import documented
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.web import api_blueprint, get_or_404

blueprint = api_blueprint("meetings_api", __name__)


def _meeting_json(meeting: Meeting) -> dict:
    return {
        "id": meeting.id, "body": meeting.body.slug, "date": meeting.date.isoformat(),
        "start": meeting.start.strftime("%H:%M") if meeting.start else None,
        "end": meeting.end.strftime("%H:%M") if meeting.end else None,
        "place": meeting.place, "theme": meeting.theme,
        "items": [{"number": i.number, "title": i.title, "kind": i.kind, "presenter": i.presenter,
                   "proposal": i.proposal, "standing": i.standing,
                   "diarienummer": i.matter.diarienummer if i.matter else None} for i in meeting.items],
        "minutes": _minutes_json(meeting.minutes) if meeting.minutes else None,
    }


def _minutes_json(minutes: Minutes) -> dict:
    return {
        "chair": minutes.chair, "secretary": minutes.secretary,
        "justerare": [s.name for s in minutes.signers if s.role == "justerare"],
        "justerad": minutes.justerad_on.isoformat() if minutes.justerad_on else None,
        "anslag_posted": minutes.anslag_posted.isoformat() if minutes.anslag_posted else None,
        "anslag_removed": minutes.anslag_removed.isoformat() if minutes.anslag_removed else None,
        "content_hash": minutes.content_hash,
        "paragraphs": [{"number": p.number, "title": p.title, "text": p.text, "decision": p.decision,
                        "vote": p.vote, "recused": p.recused, "reservations": p.reservations}
                       for p in minutes.paragraphs],
    }


def _minutes_of(meeting_id: int) -> Minutes:
    meeting = get_or_404(Meeting, meeting_id)
    if meeting.minutes is None:
        raise InvalidInput("Mötet har inget protokoll ännu.", {"minutes": "saknas"})
    return meeting.minutes


@blueprint.post("/meetings")
@requires("meetings.edit")
@documented(requestBody=MeetingIn)
def create_meeting():
    """Create a meeting with its föredragningslista."""
    data = load(MeetingIn(), request.get_json(silent=True))
    meeting = services.create_meeting(
        services.body_by_slug(data["body"]), day=data["date"], start=data["start"], end=data["end"],
        place=data["place"], theme=data["theme"], items=data["items"], with_template=data["template"],
    )
    db.session.commit()
    return jsonify(_meeting_json(meeting)), 201


@blueprint.get("/meetings")
@requires("meetings.view")
def list_meetings():
    """The tenant's meetings, newest first (?year= filters)."""
    query = select(Meeting).order_by(Meeting.date.desc())
    year = request.args.get("year", type=int)
    if year:
        query = query.where(Meeting.date.between(date(year, 1, 1), date(year, 12, 31)))
    return jsonify([{"id": m.id, "body": m.body.slug, "date": m.date.isoformat(), "theme": m.theme}
                    for m in db.session.scalars(query)])


@blueprint.get("/meetings/<int:meeting_id>")
@requires("meetings.view")
def get_meeting(meeting_id: int):
    """A meeting with its agenda and, once started, its protokoll."""
    return jsonify(_meeting_json(get_or_404(Meeting, meeting_id)))


@blueprint.get("/meetings/<int:meeting_id>/notice.pdf")
@requires("meetings.view")
def notice_pdf(meeting_id: int):
    """The kallelse with föredragningslista as PDF."""
    meeting = get_or_404(Meeting, meeting_id)
    return Response(documents.notice_pdf(meeting), mimetype="application/pdf")


@blueprint.post("/meetings/<int:meeting_id>/minutes")
@requires("meetings.edit")
@documented(requestBody=MinutesIn)
def start_minutes(meeting_id: int):
    """Start the protokoll: one § per agenda item, numbered on through the year."""
    meeting = get_or_404(Meeting, meeting_id)
    data = load(MinutesIn(), request.get_json(silent=True))
    minutes = services.start_minutes(meeting, chair=data["chair"], secretary=data["secretary"],
                                      justerare=data["justerare"], attendees=data["attendees"])
    db.session.commit()
    return jsonify({"paragraphs": [{"number": p.number, "title": p.title} for p in minutes.paragraphs]}), 201


@blueprint.patch("/meetings/<int:meeting_id>/minutes/paragraphs/<int:number>")
@requires("meetings.edit")
@documented(requestBody=ParagraphIn)
def update_paragraph(meeting_id: int, number: int):
    """Write a §: text, beslut, jäv, reservations."""
    minutes = _minutes_of(meeting_id)
    data = load(ParagraphIn(), request.get_json(silent=True))
    p = services.update_paragraph(minutes, number, **data)
    db.session.commit()
    return jsonify({"number": p.number, "title": p.title, "text": p.text, "decision": p.decision,
                    "recused": p.recused, "reservations": p.reservations})


@blueprint.post("/meetings/<int:meeting_id>/minutes/paragraphs/<int:number>/vote")
@requires("meetings.edit")
@documented(requestBody=VoteIn)
def vote(meeting_id: int, number: int):
    """Record a vote; on a tie the chair's casting vote decides."""
    minutes = _minutes_of(meeting_id)
    data = load(VoteIn(), request.get_json(silent=True))
    result = services.record_vote(minutes, number, **data)
    db.session.commit()
    return jsonify(result)


@blueprint.post("/meetings/<int:meeting_id>/minutes/paragraphs/<int:number>/tasks")
@requires("meetings.edit")
@documented(requestBody=TaskIn)
def add_task(meeting_id: int, number: int):
    """An uppdrag given by the beslut in this §."""
    minutes = _minutes_of(meeting_id)
    data = load(TaskIn(), request.get_json(silent=True))
    task = services.add_task(minutes, number, **data)
    db.session.commit()
    return jsonify({"id": task.id, "assignee": task.assignee, "description": task.description,
                    "due": task.due.isoformat()}), 201


@blueprint.post("/meetings/<int:meeting_id>/minutes/justering")
@requires("meetings.justera")
@documented(requestBody=JusteringIn)
def justering(meeting_id: int):
    """Justera the protokoll: locked for ever, anslag posted and removed three weeks later."""
    minutes = _minutes_of(meeting_id)
    data = load(JusteringIn(), request.get_json(silent=True))
    result = services.justera(minutes, on=data["date"], posted=data["posted"])
    db.session.commit()
    return jsonify({"justerad": result.justerad.isoformat(), "anslag_posted": result.anslag_posted.isoformat(),
                    "anslag_removed": result.anslag_removed.isoformat(), "late": result.late,
                    "content_hash": minutes.content_hash})


@blueprint.get("/meetings/<int:meeting_id>/minutes.pdf")
@requires("meetings.view")
def minutes_pdf(meeting_id: int):
    """The protokoll as PDF (PDF/A once justerat)."""
    minutes = _minutes_of(meeting_id)
    return Response(documents.minutes_pdf(minutes), mimetype="application/pdf")
