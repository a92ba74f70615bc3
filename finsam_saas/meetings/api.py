"""The meetings API (API.md): meetings moved and cancelled, the agenda's items added, changed,
moved and removed, the kallelse's recipients and send-out, the protokoll with attendance, §§,
votes, approval and justering, the justerat protokoll's send-out, and uppdrag. Every capability
of the meeting pages, and the same rules (they are `meetings.services`)."""
from datetime import date

from flask import Response, g, jsonify, request
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings import archive, documents, jobs, permissions, recipients, services  # noqa: F401
from finsam_saas.meetings.models import Meeting, Minutes, Signer, Task
from finsam_saas.meetings.schemas import (
    AttendanceIn, CancelIn, ConfirmIn, CorrectionIn, ItemChangeIn, ItemIn, JusteringIn, MeetingIn, MeetingMoveIn, MinutesIn, MoveIn,
    ParagraphIn, TaskIn, VoteIn,
)
from finsam_saas.platform import clock
from finsam_saas.platform.api import job_json
from finsam_saas.platform.auth import requires
from finsam_saas.platform.jobs import enqueue_for_tenant
from finsam_saas.platform.openapi import documented
from finsam_saas.platform.rules import InvalidInput, RuleViolation
from finsam_saas.platform.schemas import load
from finsam_saas.platform.web import api_blueprint, get_or_404

blueprint = api_blueprint("meetings_api", __name__)


def _item_json(item) -> dict:
    return {"id": item.id, "number": item.number, "title": item.title, "kind": item.kind, "presenter": item.presenter,
            "description": item.description, "proposal": item.proposal, "standing": item.standing,
            "placement": item.placement, "withdrawn": item.withdrawn, "confidential": item.confidential,
            "diarienummer": item.matter.diarienummer if item.matter else None}


def _meeting_json(meeting: Meeting) -> dict:
    return {
        "id": meeting.id, "body": meeting.body.slug, "date": meeting.date.isoformat(),
        "end_date": meeting.end_date.isoformat() if meeting.end_date else None,
        "start": meeting.start.strftime("%H:%M") if meeting.start else None,
        "end": meeting.end.strftime("%H:%M") if meeting.end else None,
        "place": meeting.place, "theme": meeting.theme,
        "cancelled": meeting.cancelled_on.isoformat() if meeting.cancelled_on else None,
        "cancel_reason": meeting.cancel_reason or None,
        "notice_sent": meeting.notice_sent_at.isoformat() if meeting.notice_sent_at else None,
        "items": [_item_json(i) for i in meeting.items],
        "attachments": [{"id": a.id, "label": a.label, "title": a.title, "item_number": a.item_number,
                         "sha256": a.sha256} for a in meeting.attachments],
        "changes": [{"at": c.at.isoformat(), "description": c.description,
                     "sent": c.sent_at.isoformat() if c.sent_at else None} for c in meeting.changes],
        "minutes": _minutes_json(meeting.minutes) if meeting.minutes else None,
    }


def _minutes_json(minutes: Minutes) -> dict:
    text_hash = services.content_hash(minutes, with_justering=False)
    return {
        "chair": minutes.chair, "secretary": minutes.secretary,
        "justerare": [s.name for s in minutes.signers if s.role == "justerare"],
        "signers": [{"id": s.id, "name": s.name, "role": s.role,
                     "approved": s.approved_at.isoformat() if services.approval_valid(minutes, s, text_hash) else None}
                    for s in minutes.signers],
        "attendees": [{"name": a.name, "role": a.role, "member": a.member.name if a.member else None, "title": a.title,
                       "from": a.from_number, "to": a.to_number} for a in minutes.attendees],
        "justerad": minutes.justerad_on.isoformat() if minutes.justerad_on else None,
        "signed_on_paper": minutes.signed_on_paper,
        "anslag_posted": minutes.anslag_posted.isoformat() if minutes.anslag_posted else None,
        "anslag_removed": minutes.anslag_removed.isoformat() if minutes.anslag_removed else None,
        "content_hash": minutes.content_hash,
        # The stored PDF/A's sha256 (GET …/minutes.pdf serves that file) and the rättelser beside it.
        "original_sha256": next((o.sha256 for o in minutes.originals if not o.public), None) if minutes.justerad else None,
        "corrections": [{"made_on": c.made_on.isoformat(), "paragraph": c.paragraph_number, "text": c.text,
                         "signed_by": c.signed_by} for c in minutes.corrections] if minutes.justerad else [],
        "paragraphs": [{"number": p.number, "title": p.title, "text": p.text, "decision": p.decision,
                        "vote": p.vote, "recused": p.recused, "reservations": p.reservations,
                        "deciding": len(services.deciding_at(minutes, p.number, p))}
                       for p in minutes.paragraphs],
    }


def _minutes_of(meeting_id: int) -> Minutes:
    meeting = get_or_404(Meeting, meeting_id)
    if meeting.minutes is None:
        raise InvalidInput("Mötet har inget protokoll ännu.", {"minutes": "saknas"})
    return meeting.minutes


def _job_answer(func, *, title: str, **kwargs):
    job = enqueue_for_tenant(func, title=title, **kwargs)
    db.session.refresh(job)
    return jsonify(job_json(job)), 202


def _require_confirmation(data: dict, what: str) -> None:
    if not data.get("confirm"):
        raise InvalidInput(f"{what} når andra människor och kan inte tas tillbaka: skicka \"confirm\": true.",
                           {"confirm": "krävs"})


# --- meetings -------------------------------------------------------------------

@blueprint.post("/meetings")
@requires("meetings.edit")
@documented(requestBody=MeetingIn)
def create_meeting():
    """Create a meeting with its föredragningslista (409 `needs_confirmation` for a second
    meeting of the body that day or a day in a closed year, unless "confirm": true)."""
    data = load(MeetingIn(), request.get_json(silent=True))
    meeting = services.create_meeting(
        services.body_by_slug(data["body"]), day=data["date"], start=data["start"], end=data["end"],
        end_date=data["end_date"], place=data["place"], theme=data["theme"], items=data["items"],
        with_template=data["template"], confirm=data["confirm"],
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
    return jsonify([{"id": m.id, "body": m.body.slug, "date": m.date.isoformat(), "theme": m.theme,
                     "cancelled": m.cancelled_on.isoformat() if m.cancelled_on else None}
                    for m in db.session.scalars(query)])


@blueprint.get("/meetings/<int:meeting_id>")
@requires("meetings.view")
def get_meeting(meeting_id: int):
    """A meeting with its agenda and, once started, its protokoll."""
    return jsonify(_meeting_json(get_or_404(Meeting, meeting_id)))


@blueprint.patch("/meetings/<int:meeting_id>")
@requires("meetings.edit")
@documented(requestBody=MeetingMoveIn)
def move_meeting(meeting_id: int):
    """Move a meeting or change its place, times or theme (the fields given)."""
    meeting = get_or_404(Meeting, meeting_id)
    data = load(MeetingMoveIn(), request.get_json(silent=True))
    current = {"day": meeting.date, "start": meeting.start, "end": meeting.end, "end_date": meeting.end_date,
               "place": meeting.place, "theme": meeting.theme}
    given = {("day" if key == "date" else key): value for key, value in data.items() if key != "confirm"}
    services.move_meeting(meeting, **{**current, **given}, confirm=data.get("confirm", False))
    db.session.commit()
    return jsonify(_meeting_json(meeting))


@blueprint.post("/meetings/<int:meeting_id>/cancel")
@requires("meetings.edit")
@documented(requestBody=CancelIn)
def cancel_meeting(meeting_id: int):
    """Cancel a meeting: it stays on the plan, marked."""
    meeting = get_or_404(Meeting, meeting_id)
    services.cancel_meeting(meeting, reason=load(CancelIn(), request.get_json(silent=True))["reason"])
    db.session.commit()
    return jsonify(_meeting_json(meeting))


@blueprint.post("/meetings/<int:meeting_id>/reinstate")
@requires("meetings.edit")
def reinstate_meeting(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    services.reinstate_meeting(meeting)
    db.session.commit()
    return jsonify(_meeting_json(meeting))


@blueprint.get("/meetings/<int:meeting_id>/notice.pdf")
@requires("meetings.view")
def notice_pdf(meeting_id: int):
    """The kallelse with föredragningslista as PDF."""
    meeting = get_or_404(Meeting, meeting_id)
    return Response(documents.notice_pdf(meeting), mimetype="application/pdf")


# --- the agenda -----------------------------------------------------------------------

@blueprint.post("/meetings/<int:meeting_id>/items")
@requires("meetings.edit")
@documented(requestBody=ItemIn)
def add_item(meeting_id: int):
    """Add an item: last among the matters of the day (before övriga frågor and the closing),
    or in `placement`, or right after item `after`."""
    meeting = get_or_404(Meeting, meeting_id)
    data = load(ItemIn(), request.get_json(silent=True))
    item = services.add_item(meeting, data, placement=data.get("placement"), after=data.pop("after", None))
    db.session.commit()
    return jsonify(_item_json(item)), 201


@blueprint.patch("/meetings/<int:meeting_id>/items/<int:number>")
@requires("meetings.edit")
@documented(requestBody=ItemChangeIn)
def update_item(meeting_id: int, number: int):
    meeting = get_or_404(Meeting, meeting_id)
    item = services.update_item(meeting, number, load(ItemChangeIn(), request.get_json(silent=True)))
    db.session.commit()
    return jsonify(_item_json(item))


@blueprint.post("/meetings/<int:meeting_id>/items/<int:number>/move")
@requires("meetings.edit")
@documented(requestBody=MoveIn)
def move_item(meeting_id: int, number: int):
    meeting = get_or_404(Meeting, meeting_id)
    item = services.move_item(meeting, number, load(MoveIn(), request.get_json(silent=True))["direction"])
    db.session.commit()
    return jsonify(_item_json(item))


@blueprint.delete("/meetings/<int:meeting_id>/items/<int:number>")
@requires("meetings.edit")
def remove_item(meeting_id: int, number: int):
    """Remove an item (204); after the kallelse is sent it stays, marked withdrawn (200)."""
    meeting = get_or_404(Meeting, meeting_id)
    item = services.remove_item(meeting, number)
    db.session.commit()
    return (jsonify(_item_json(item)), 200) if item is not None else ("", 204)


@blueprint.post("/meetings/<int:meeting_id>/items/<int:number>/restore")
@requires("meetings.edit")
def restore_item(meeting_id: int, number: int):
    meeting = get_or_404(Meeting, meeting_id)
    item = services.restore_item(meeting, number)
    db.session.commit()
    return jsonify(_item_json(item))


# --- send-outs ----------------------------------------------------------------------

@blueprint.get("/meetings/<int:meeting_id>/recipients")
@requires("meetings.edit")
def notice_recipients(meeting_id: int):
    """Who gets the kallelse, from the register, and whether each has it."""
    meeting = get_or_404(Meeting, meeting_id)
    return jsonify([{"name": r.name, "why": r.why, "email": r.email,
                     "delivered": d.at.isoformat() if d is not None and d.sent else None,
                     "state": d.state if d is not None else ("no_address" if r.address is None else "not_sent")}
                    for r, d in recipients.notice_status(meeting)])


@blueprint.post("/meetings/<int:meeting_id>/notice")
@requires("meetings.edit")
@documented(requestBody=ConfirmIn)
def send_notice(meeting_id: int):
    """Send the kallelse as a job (202 with the job): each recipient once; the job ends
    "Klart med avvikelser" naming whom it missed, and fails when it reached nobody."""
    meeting = get_or_404(Meeting, meeting_id)
    _require_confirmation(load(ConfirmIn(), request.get_json(silent=True)), "Utskicket av kallelsen")
    if meeting.cancelled:
        raise RuleViolation("cancelled", f"Mötet {meeting.date} är inställt; kallelsen skickas inte.")
    return _job_answer(jobs.send_notice, title=f"Utskick av kallelse {meeting.body.name} {meeting.date}",
                       meeting_id=meeting.id)


@blueprint.post("/meetings/<int:meeting_id>/changes/send")
@requires("meetings.edit")
@documented(requestBody=ConfirmIn)
def send_changes(meeting_id: int):
    """Send the ändringar i föredragningslistan made since the kallelse (a job)."""
    meeting = get_or_404(Meeting, meeting_id)
    _require_confirmation(load(ConfirmIn(), request.get_json(silent=True)), "Utskicket av ändringarna")
    if not services.unsent_changes(meeting):
        raise RuleViolation("no_changes", "Det finns inga ändringar att skicka.")
    return _job_answer(jobs.send_supplement, title=f"Ändring i föredragningslistan {meeting.date}", meeting_id=meeting.id)


# --- the protokoll ---------------------------------------------------------------------

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


@blueprint.delete("/meetings/<int:meeting_id>/minutes")
@requires("meetings.edit")
def discard_minutes(meeting_id: int):
    """Throw away a protokoll started by mistake (not once justerat)."""
    services.discard_minutes(_minutes_of(meeting_id))
    db.session.commit()
    return "", 204


@blueprint.put("/meetings/<int:meeting_id>/minutes/attendance")
@requires("meetings.edit")
@documented(requestBody=AttendanceIn)
def update_attendance(meeting_id: int):
    """Correct attendance, chair, secretary and justerare until justering."""
    minutes = _minutes_of(meeting_id)
    data = load(AttendanceIn(), request.get_json(silent=True))
    services.update_attendance(minutes, chair=data["chair"], secretary=data["secretary"], justerare=data["justerare"],
                               attendees=data["attendees"])
    db.session.commit()
    return jsonify(_minutes_json(minutes))


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


@blueprint.delete("/meetings/<int:meeting_id>/minutes/paragraphs/<int:number>/vote")
@requires("meetings.edit")
def remove_vote(meeting_id: int, number: int):
    services.remove_vote(_minutes_of(meeting_id), number)
    db.session.commit()
    return "", 204


@blueprint.post("/meetings/<int:meeting_id>/minutes/paragraphs/<int:number>/tasks")
@requires("meetings.edit")
@documented(requestBody=TaskIn)
def add_task(meeting_id: int, number: int):
    """An uppdrag given by the beslut in this §."""
    minutes = _minutes_of(meeting_id)
    data = load(TaskIn(), request.get_json(silent=True))
    task = services.add_task(minutes, number, **data)
    db.session.commit()
    return jsonify(_task_json(task)), 201


@blueprint.post("/meetings/<int:meeting_id>/minutes/signers/<int:signer_id>/approve")
@requires("meetings.approve")
def approve(meeting_id: int, signer_id: int):
    """The signer (the caller) approves the protokoll as it reads now."""
    minutes = _minutes_of(meeting_id)
    signer = get_or_404(Signer, signer_id)
    if signer.minutes_id != minutes.id:
        raise InvalidInput("Den som ska godkänna hör inte till protokollet.", {"signer": "fel protokoll"})
    if signer not in services.signer_for(minutes, g.api_user):
        raise RuleViolation("not_the_signer", f"Bara {signer.name} kan godkänna som {signer.role_label}.")
    everyone = services.approve(minutes, signer)
    db.session.commit()
    return jsonify({"approved": True, "everyone_approved": everyone})


@blueprint.post("/meetings/<int:meeting_id>/minutes/justering")
@requires("meetings.justera")
@documented(requestBody=JusteringIn)
def justering(meeting_id: int):
    """Justera the protokoll: locked for ever, anslag posted and removed three weeks later.
    The kansli records the justering: without every signer's approval in the system it is
    recorded as signed on paper (`signed_on_paper`), unless the body says false (409 `not_approved`)."""
    minutes = _minutes_of(meeting_id)
    data = load(JusteringIn(), request.get_json(silent=True))
    paper = data["signed_on_paper"] if data["signed_on_paper"] is not None else bool(services.missing_approvals(minutes))
    result = services.justera(minutes, on=data["date"], posted=data["posted"], signed_on_paper=paper)
    db.session.commit()
    return jsonify({"justerad": result.justerad.isoformat(), "anslag_posted": result.anslag_posted.isoformat(),
                    "anslag_removed": result.anslag_removed.isoformat(), "late": result.late,
                    "signed_on_paper": result.signed_on_paper, "content_hash": minutes.content_hash})


@blueprint.post("/meetings/<int:meeting_id>/minutes/send")
@requires("meetings.edit")
@documented(requestBody=ConfirmIn)
def send_minutes(meeting_id: int):
    """Mail the justerat protokoll to the members for their anslag and to the revisorer (a job)."""
    minutes = _minutes_of(meeting_id)
    _require_confirmation(load(ConfirmIn(), request.get_json(silent=True)), "Utskicket av protokollet")
    if not minutes.justerad:
        raise RuleViolation("not_justerad", "Protokollet är inte justerat än.")
    return _job_answer(jobs.send_justerat_protokoll, title=f"Utskick av protokoll {minutes.meeting.date}",
                       meeting_id=meeting_id)


@blueprint.post("/meetings/<int:meeting_id>/minutes/corrections")
@requires("meetings.edit")
@documented(requestBody=CorrectionIn)
def add_correction(meeting_id: int):
    """A rättelse beside a justerat protokoll: dated, signed, never changed afterwards (needs
    `"confirm": true`); the original and its stored PDF/A stay as they were."""
    minutes = _minutes_of(meeting_id)
    data = load(CorrectionIn(), request.get_json(silent=True))
    correction = services.add_correction(minutes, text=data["text"], signed_by=data["signed_by"],
                                         made_on=data["made_on"], paragraph_number=data["paragraph"],
                                         user_id=g.api_user.id, confirmed=data["confirm"])
    db.session.commit()
    return jsonify({"id": correction.id, "made_on": correction.made_on.isoformat(),
                    "paragraph": correction.paragraph_number, "text": correction.text,
                    "signed_by": correction.signed_by}), 201


@blueprint.get("/meetings/<int:meeting_id>/minutes.pdf")
@requires("meetings.view")
def minutes_pdf(meeting_id: int):
    """The protokoll as PDF (PDF/A once justerat)."""
    minutes = _minutes_of(meeting_id)
    return Response(archive.minutes_pdf(minutes), mimetype="application/pdf")


# --- uppdrag ------------------------------------------------------------------------

def _task_json(task: Task) -> dict:
    return {"id": task.id, "assignee": task.assignee, "description": task.description, "due": task.due.isoformat(),
            "done": task.done_on.isoformat() if task.done_on else None}


@blueprint.get("/tasks")
@requires("meetings.view")
def list_tasks():
    """Every uppdrag, the open ones first."""
    rows = db.session.scalars(select(Task).order_by(Task.done_on.is_not(None), Task.due))
    return jsonify([_task_json(t) for t in rows])


@blueprint.patch("/tasks/<int:task_id>")
@requires("meetings.edit")
@documented(requestBody=TaskIn)
def update_task(task_id: int):
    task = get_or_404(Task, task_id)
    data = load(TaskIn(partial=True), request.get_json(silent=True))
    current = {"assignee": task.assignee, "description": task.description, "due": task.due}
    services.update_task(task, **{**current, **data})
    db.session.commit()
    return jsonify(_task_json(task))


@blueprint.delete("/tasks/<int:task_id>")
@requires("meetings.edit")
def remove_task(task_id: int):
    services.remove_task(get_or_404(Task, task_id))
    db.session.commit()
    return "", 204


@blueprint.post("/tasks/<int:task_id>/done")
@requires("meetings.edit")
def complete_task(task_id: int):
    task = get_or_404(Task, task_id)
    services.complete_task(task, clock.today())
    db.session.commit()
    return jsonify(_task_json(task))
