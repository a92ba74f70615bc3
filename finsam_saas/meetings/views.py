"""Pages of the meetings module: mötesplan, meeting with kallelse, protokoll, justering, uppdrag."""
from __future__ import annotations

from datetime import date
from functools import cache

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from finsam_saas.extensions import db
from finsam_saas.meetings import attachments as bilagor, jobs, permissions, services  # noqa: F401
from finsam_saas.meetings.models import (
    ITEM_KINDS, ITEM_KIND_LABELS, Attachment, Attendee, Meeting, Minutes, Signer, StandingItem, Task,
)
from finsam_saas.meetings.plan import RECURRING_DUTIES
from finsam_saas.organisation import services as organisation
from finsam_saas.organisation.models import Body
from finsam_saas.platform.auth import requires
from finsam_saas.platform import formdata as form
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform.rules import DomainError, InvalidInput
from finsam_saas.platform.web import NavItem, get_or_404, register_navigation, tenant_blueprint, url_pattern

blueprint = tenant_blueprint("meetings", __name__, "/moten")

register_navigation("Möten", [
    NavItem("Mötesplan", "meetings.plan", "meetings.view"),
    NavItem("Uppdrag", "meetings.tasks", "meetings.view"),
])


# --- mötesplan ----------------------------------------------------------------

@blueprint.route("/")
@requires("meetings.view")
def plan():
    year = request.args.get("ar", type=int) or date.today().year
    meetings = services.meetings_of_year(year)
    bodies = organisation.bodies()
    by_body = {b.id: [m for m in meetings if m.body_id == b.id] for b in bodies}
    return render_template("meetings/plan.html", year=year, bodies=bodies, by_body=by_body, meetings=meetings,
                           duties=RECURRING_DUTIES, open_tasks=services.open_tasks())


@blueprint.route("/nytt", methods=["GET", "POST"])
@requires("meetings.edit")
def new_meeting():
    bodies = organisation.bodies()
    if request.method == "POST":
        form.require_csrf()
        try:
            body = get_or_404(Body, form.int_field("body_id", "organ"))
            prepares_id = form.int_field("prepares_id", "mötet som bereds", required=False)
            meeting = services.create_meeting(
                body, day=form.date_field("date", "datum"), start=form.time_field("start", "starttid"), end=form.time_field("end", "sluttid"),
                place=request.form.get("place", ""), theme=request.form.get("theme", ""),
                with_template=request.form.get("template") == "on",
                prepares=get_or_404(Meeting, prepares_id) if prepares_id else None,
            )
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            return render_template("meetings/new.html", bodies=bodies, upcoming=_upcoming(), form=request.form), 400
        flash(f"Mötet {meeting.date} är skapat.", "success")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template("meetings/new.html", bodies=bodies, upcoming=_upcoming(), form={"template": "on"})


def _upcoming() -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.date >= date.today()).order_by(Meeting.date)))


@blueprint.route("/<int:meeting_id>")
@requires("meetings.view")
def meeting(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, joinedload(Meeting.body), joinedload(Meeting.minutes),
                         joinedload(Meeting.items))
    return render_template(
        "meetings/meeting.html", meeting=meeting, kinds=[(k, ITEM_KIND_LABELS[k]) for k in ITEM_KINDS],
        offered=services.tasks_to_offer(meeting) if meeting.minutes is None else [],
        generated=services.generated_appendices(meeting),
        max_mb=bilagor.max_megabytes(),
    )


@blueprint.route("/<int:meeting_id>/bilaga/<slug>")
@requires("meetings.view")
def generated_appendix(meeting_id: int, slug: str):
    """A bilaga the system makes for the kallelse, read on its own (it is computed when opened)."""
    meeting = get_or_404(Meeting, meeting_id)
    appendix = services.generated_appendix(meeting, slug)
    if appendix is None:
        abort(404)
    return render_template("meetings/generated_appendix.html", meeting=meeting, appendix=appendix,
                           context=appendix.context_for(meeting), today=date.today())


@blueprint.route("/<int:meeting_id>/punkter", methods=["POST"])
@requires("meetings.edit")
def add_item(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    form.require_csrf()
    try:
        services.add_item(meeting, {
            "title": request.form.get("title", ""), "kind": request.form.get("kind", "information"),
            "presenter": request.form.get("presenter", ""), "proposal": request.form.get("proposal", ""),
            "description": request.form.get("description", ""), "diarienummer": request.form.get("diarienummer"),
            "confidential": request.form.get("confidential") == "on",
            "standing": request.form.get("standing") == "on",
        })
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "meetings.meeting", meeting_id=meeting_id)
    flash("Punkten är tillagd.", "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting_id))


@blueprint.route("/<int:meeting_id>/uppdrag/<int:task_id>", methods=["POST"])
@requires("meetings.edit")
def put_task_on_agenda(meeting_id: int, task_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    task = get_or_404(Task, task_id)
    form.require_csrf()
    try:
        services.add_item(meeting, {"title": f"Uppdrag: {task.description}", "kind": "information",
                                    "presenter": task.assignee})
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "meetings.meeting", meeting_id=meeting_id)
    flash("Uppdraget står nu på dagordningen.", "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting_id))


@blueprint.route("/<int:meeting_id>/bilagor", methods=["POST"])
@requires("meetings.edit")
def upload_attachment(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    form.require_csrf()
    try:
        attachment = bilagor.add_attachment(
            meeting, request.files.get("file"), label=request.form.get("label", ""),
            title=request.form.get("title", ""), item_number=form.int_field("item_number", "punkt", required=False),
        )
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "meetings.meeting", meeting_id=meeting_id)
    flash(f"Bilaga {attachment.label} är uppladdad.", "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting_id))


@blueprint.route("/<int:meeting_id>/bilagor/<int:attachment_id>")
@requires("meetings.view")
def attachment(meeting_id: int, attachment_id: int):
    found = get_or_404(Attachment, attachment_id)
    if found.meeting_id != meeting_id:
        abort(404)
    return send_file(bilagor.path_of(found), mimetype="application/pdf", download_name=found.filename)


@blueprint.route("/<int:meeting_id>/kallelse.pdf", methods=["POST"])
@requires("meetings.view")
def notice_pdf(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    form.require_csrf()
    return form.job_page(jobs.render_notice, title=f"Kallelse {meeting.body.name} {meeting.date}", meeting_id=meeting.id)


@blueprint.route("/<int:meeting_id>/utskick", methods=["POST"])
@requires("meetings.edit")
def send_notice(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    form.require_csrf()
    return form.job_page(jobs.send_notice, title=f"Utskick av kallelse {meeting.body.name} {meeting.date}",
                         meeting_id=meeting.id)


@blueprint.route("/mall/<int:body_id>", methods=["GET", "POST"])
@requires("meetings.edit")
def template(body_id: int):
    body = get_or_404(Body, body_id)
    if request.method == "POST":
        form.require_csrf()
        try:
            services.add_standing_item(body, title=request.form.get("title", ""),
                                       kind=request.form.get("kind", "formalia"),
                                       placement=request.form.get("placement", "open"))
            db.session.commit()
        except DomainError as error:
            return form.back_with_error(error, "meetings.template", body_id=body_id)
        flash("Punkten är tillagd i mallen.", "success")
        return redirect(url_for("meetings.template", body_id=body_id))
    items = services.ensure_standing_template(body)
    db.session.commit()
    return render_template("meetings/template.html", body=body, items=items, form=EmptyForm(),
                           kinds=[(k, ITEM_KIND_LABELS[k]) for k in ITEM_KINDS])


@blueprint.route("/mall/<int:body_id>/<int:item_id>/ta-bort", methods=["POST"])
@requires("meetings.edit")
def remove_template_item(body_id: int, item_id: int):
    item = get_or_404(StandingItem, item_id)
    form.require_csrf()
    if item.body_id != body_id:
        abort(404)
    services.remove_standing_item(item)
    db.session.commit()
    flash("Punkten är borttagen ur mallen.", "success")
    return redirect(url_for("meetings.template", body_id=body_id))


# --- protokoll ----------------------------------------------------------------

@blueprint.route("/<int:meeting_id>/protokoll/nytt", methods=["GET", "POST"])
@requires("meetings.edit")
def start_minutes(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    seats = [s for s in meeting.body.seats if s.active]
    if request.method == "POST":
        form.require_csrf()
        attendees = []
        try:
            _collect_seats(seats, attendees)
        except DomainError as error:
            flash(error.message, "error")
            return render_template("meetings/start_minutes.html", meeting=meeting, seats=seats, form=request.form,
                                   kansli=organisation.kansli()), 400
        for line in form.lines("others"):
            name, _, title = line.partition(",")
            attendees.append({"name": name.strip(), "role": "ovrig", "title": title.strip()})
        try:
            services.start_minutes(meeting, chair=request.form.get("chair", ""),
                                   secretary=request.form.get("secretary", ""),
                                   justerare=form.lines("justerare"), attendees=attendees)
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            return render_template("meetings/start_minutes.html", meeting=meeting, seats=seats, form=request.form,
                                   kansli=organisation.kansli()), 400
        flash("Protokollet är påbörjat.", "success")
        return redirect(url_for("meetings.minutes", meeting_id=meeting_id))
    return render_template("meetings/start_minutes.html", meeting=meeting, seats=seats, form={},
                           kansli=organisation.kansli())


def _collect_seats(seats, attendees: list) -> None:
    for seat in seats:
        if request.form.get(f"present-{seat.id}") == "on":
            attendees.append({
                "name": seat.person, "member": seat.appointed_by.name if seat.appointed_by else None,
                "role": "ledamot" if seat.seat == "ordinarie" else "ersattare",
                "serving": request.form.get(f"serving-{seat.id}") == "on",
                "from": form.int_field(f"from-{seat.id}", f"från § för {seat.person}", required=False),
                "to": form.int_field(f"to-{seat.id}", f"till § för {seat.person}", required=False),
            })


def _minutes_or_404(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    if meeting.minutes is None:
        abort(404)
    return meeting.minutes


@cache
def _minutes_page_query() -> Select:
    # All the protokoll page shows in two queries, whatever the number of §§ and attendees (signers
    # and attendees are a handful each, so joining both costs fewer rows than a round trip); what
    # other modules link to a § comes with the §§. Built once, run with the meeting's id.
    return select(Minutes).where(Minutes.meeting_id == bindparam("meeting_id")).options(
        joinedload(Minutes.meeting).joinedload(Meeting.body), joinedload(Minutes.signers),
        joinedload(Minutes.attendees).joinedload(Attendee.member),
        selectinload(Minutes.paragraphs).options(*services.paragraph_link_loads()))


@blueprint.route("/<int:meeting_id>/protokoll")
@requires("meetings.view")
def minutes(meeting_id: int):
    minutes = db.session.scalars(_minutes_page_query(), {"meeting_id": meeting_id}).unique().first()
    if minutes is None:
        abort(404)
    my_signers = [s for s in minutes.signers if s.user_id == current_user.id or
                  (s.user_id is None and s.name == current_user.name)]
    return render_template(
        "meetings/minutes.html", minutes=minutes, meeting=minutes.meeting,
        quorum_at=services.quorum_at, vote_sentence=services.vote_sentence, my_signers=my_signers,
        late=services.is_late(minutes.meeting.date, minutes.justerad_on), today=date.today(),
        links=services.paragraph_links(minutes.paragraphs),
        paragraph_urls={name: url_pattern(f"meetings.{name}", "number", meeting_id=meeting_id)
                        for name in ("update_paragraph", "vote", "add_task")},
    )


@blueprint.route("/<int:meeting_id>/protokoll/paragrafer/<int:number>", methods=["POST"])
@requires("meetings.edit")
def update_paragraph(meeting_id: int, number: int):
    minutes = _minutes_or_404(meeting_id)
    form.require_csrf()
    try:
        services.update_paragraph(
            minutes, number, text=request.form.get("text", ""), decision=request.form.get("decision", ""),
            recused=form.lines("recused"), reservations=form.lines("reservations"),
            confidential=request.form.get("confidential") == "on",
        )
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "meetings.minutes", meeting_id=meeting_id, _anchor=f"p{number}")
    flash(f"§ {number} är sparad.", "success")
    return redirect(url_for("meetings.minutes", meeting_id=meeting_id, _anchor=f"p{number}"))


def _paragraph_of(meeting_id: int, number: int):
    """The minutes and one of its §§, for a form of its own; 404 for a § the protokoll lacks."""
    minutes = _minutes_or_404(meeting_id)
    try:
        return minutes, services.paragraph(minutes, number)
    except InvalidInput:
        abort(404)


def _paragraph_page(template: str, minutes, paragraph, status: int = 200):
    return render_template(template, minutes=minutes, meeting=minutes.meeting, p=paragraph, form=request.form,
                           vote_sentence=services.vote_sentence), status


# Votes and tasks have pages of their own rather than a form under every §: they are rare, and
# fifteen folded-away forms of each doubled the protokoll page.
@blueprint.route("/<int:meeting_id>/protokoll/paragrafer/<int:number>/votering", methods=["GET", "POST"])
@requires("meetings.edit")
def vote(meeting_id: int, number: int):
    minutes, paragraph = _paragraph_of(meeting_id, number)
    if request.method == "POST":
        form.require_csrf()
        try:
            result = services.record_vote(
                minutes, number, yes=form.int_field("yes", "ja-röster"), no=form.int_field("no", "nej-röster"),
                abstain=form.int_field("abstain", "avstår", required=False) or 0,
                chair_vote=request.form.get("chair_vote") or None,
            )
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            return _paragraph_page("meetings/vote.html", minutes, paragraph, 400)
        outcome = "bifallet" if result["outcome"] == "yes" else "avslaget"
        flash(f"Voteringen i § {number} är sparad: förslaget är {outcome}"
              + (" genom ordförandens utslagsröst." if result["casting_vote"] else "."), "success")
        return redirect(url_for("meetings.minutes", meeting_id=meeting_id, _anchor=f"p{number}"))
    return _paragraph_page("meetings/vote.html", minutes, paragraph)


@blueprint.route("/<int:meeting_id>/protokoll/paragrafer/<int:number>/uppdrag", methods=["GET", "POST"])
@requires("meetings.edit")
def add_task(meeting_id: int, number: int):
    minutes, paragraph = _paragraph_of(meeting_id, number)
    if request.method == "POST":
        form.require_csrf()
        try:
            services.add_task(minutes, number, assignee=request.form.get("assignee", ""),
                              description=request.form.get("description", ""),
                              due=form.date_field("due", "datum för uppdraget"))
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            return _paragraph_page("meetings/task.html", minutes, paragraph, 400)
        flash("Uppdraget är registrerat.", "success")
        return redirect(url_for("meetings.minutes", meeting_id=meeting_id, _anchor=f"p{number}"))
    return _paragraph_page("meetings/task.html", minutes, paragraph)


@blueprint.route("/<int:meeting_id>/protokoll/godkann/<int:signer_id>", methods=["POST"])
@requires("meetings.approve")
def approve(meeting_id: int, signer_id: int):
    minutes = _minutes_or_404(meeting_id)
    signer = get_or_404(Signer, signer_id)
    form.require_csrf()
    if signer.minutes_id != minutes.id:
        abort(404)
    if signer.user_id not in (None, current_user.id) or (signer.user_id is None and signer.name != current_user.name):
        abort(403)
    try:
        result = services.approve(minutes, signer)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "meetings.minutes", meeting_id=meeting_id)
    flash("Protokollet är justerat." if result else f"{signer.name} har godkänt protokollet.", "success")
    return redirect(url_for("meetings.minutes", meeting_id=meeting_id))


@blueprint.route("/<int:meeting_id>/protokoll/justering", methods=["POST"])
@requires("meetings.justera")
def justera(meeting_id: int):
    minutes = _minutes_or_404(meeting_id)
    form.require_csrf()
    try:
        result = services.justera(minutes, on=form.date_field("date", "justeringsdatum"),
                                  posted=form.date_field("posted", "datum för anslaget", required=False))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "meetings.minutes", meeting_id=meeting_id)
    flash(f"Protokollet är justerat {result.justerad}. Anslaget sätts upp {result.anslag_posted} och tas ned "
          f"{result.anslag_removed}." + (" Observera: justeringen skedde mer än 14 dagar efter mötet." if result.late else ""),
          "success")
    return redirect(url_for("meetings.minutes", meeting_id=meeting_id))


@blueprint.route("/<int:meeting_id>/protokoll.pdf", methods=["POST"])
@requires("meetings.view")
def minutes_pdf(meeting_id: int):
    minutes = _minutes_or_404(meeting_id)
    form.require_csrf()
    return form.job_page(jobs.render_minutes, title=f"Protokoll {minutes.meeting.body.name} {minutes.meeting.date}",
                         meeting_id=meeting_id)


# --- uppdrag ----------------------------------------------------------------------

@blueprint.route("/uppdrag")
@requires("meetings.view")
def tasks():
    rows = db.session.scalars(select(Task).order_by(Task.done_on.is_not(None), Task.due)).all()
    return render_template("meetings/tasks.html", tasks=rows, form=EmptyForm(), today=date.today())


@blueprint.route("/uppdrag/<int:task_id>/klart", methods=["POST"])
@requires("meetings.edit")
def complete_task(task_id: int):
    task = get_or_404(Task, task_id)
    form.require_csrf()
    services.complete_task(task, date.today())
    db.session.commit()
    flash("Uppdraget är markerat som klart.", "success")
    return redirect(url_for("meetings.tasks"))
