"""Pages of the protokoll: starting it from the register, the one editor for every §, votes and
uppdrag, approval by the signers, justering confirmed, the justerat protokoll mailed to the
members, and the uppdrag list."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from finsam_saas.extensions import db
from finsam_saas.meetings import archive, attendance, jobs, recipients, services
from finsam_saas.meetings.locks import WITHDRAWN
from finsam_saas.meetings.models import AgendaItem, Attendee, Meeting, Minutes, Paragraph, Signer, Task
from finsam_saas.meetings.views import blueprint, confirm_page, refused
from finsam_saas.organisation import services as organisation
from finsam_saas.platform import clock, formdata as form
from finsam_saas.platform.auth import can, requires
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform.jobs import enqueue_for_tenant
from finsam_saas.platform.models import Job
from finsam_saas.platform.tenancy import current_tenant_id
from finsam_saas.platform.rules import DomainError, InvalidInput, RuleViolation
from finsam_saas.platform.web import get_or_404


def _after_commit_notify() -> int:
    """How many approvals the change just committed withdrew (the signers are mailed after the request)."""
    return len(db.session.info.get(WITHDRAWN, []))


@blueprint.record_once
def _tell_signers_on_every_path(state) -> None:
    # A change to a protokoll may come through any page or API of any module (an ansökan decided
    # into its §): whatever committed it, the signers whose approval it withdrew get word by mail.
    @state.app.after_request
    def _tell(response):
        withdrawn = db.session.info.pop(WITHDRAWN, []) if db.session.registry.has() else []
        if withdrawn and response.status_code < 400 and current_tenant_id() is not None:
            enqueue_for_tenant(jobs.notify_withdrawn, title="Besked om ändrat protokoll", signer_ids=list(withdrawn))
        return response


def _withdrawn_note(count: int) -> str:
    if not count:
        return ""
    return (f" {count} godkännande{'n' if count > 1 else ''} av den tidigare texten gäller inte längre; "
            "de som godkänt har fått besked och kan godkänna på nytt.")


# --- starting the protokoll, and attendance ---------------------------------------------

def _attendance_page(meeting: Meeting, template: str, values: dict, errors: dict, status: int = 200):
    roll = attendance.roll_of(meeting)
    seats = [] if roll is not None else attendance.register_on(meeting.body, meeting.date)
    numbers = ([p.number for p in meeting.minutes.paragraphs] if meeting.minutes is not None
               else services.planned_numbers(meeting))
    return render_template(template, meeting=meeting, seats=seats, form=values, errors=errors,
                           kansli=organisation.kansli(), numbers=numbers, roll=roll,
                           elect_url=roll.elect_url() if roll is not None else ""), status


def _presence(key: str, person: str) -> dict:
    return {"from": form.int_field(f"from-{key}", f"från § för {person}", required=False),
            "to": form.int_field(f"to-{key}", f"till § för {person}", required=False)}


def _posted_attendance(meeting: Meeting, roll: attendance.Roll | None) -> tuple[list[dict], list[str]]:
    """The attendance form as attendees: the seats ticked present (or, at a meeting with a roll,
    the ombud ticked present), then the others typed one per line ("Namn, titel")."""
    attendees = []
    if roll is not None:
        for voter in roll.voters:
            if request.form.get(f"present-ombud-{voter.key}") == "on":
                attendees.append({"name": voter.name, "member": voter.member_name, "role": "ombud",
                                  **_presence(f"ombud-{voter.key}", voter.name)})
    else:
        for seat in attendance.register_on(meeting.body, meeting.date):
            if request.form.get(f"present-{seat.id}") == "on":
                attendees.append({
                    "name": seat.person, "member": seat.appointed_by.name if seat.appointed_by else None,
                    "role": "ledamot" if seat.seat == "ordinarie" else "ersattare", **_presence(str(seat.id), seat.person),
                })
    for line in form.lines("others"):
        name, _, title = line.partition(",")
        attendees.append({"name": name.strip(), "role": "ovrig", "title": title.strip()})
    return attendees, form.lines("justerare")


def _default_attendance(meeting: Meeting) -> dict:
    staff = organisation.kansli()
    secretary = next((k.name for k in staff if k.role in ("administrator", "sekreterare")), "")
    roll = attendance.roll_of(meeting)
    if roll is not None:
        # Every ombud on the roll, as registered to come; the others and the chair who opens the
        # meeting as the module that keeps the roll offers them, until the meeting has elected its own.
        offered = roll.defaults()
        elected = roll.elected
        values = {f"present-ombud-{v.key}": "on" for v in roll.voters}
        values.update(chair=elected.chair if elected else offered.get("chair", ""),
                      secretary=elected.secretary if elected else offered.get("secretary") or secretary,
                      justerare="\n".join(elected.justerare) if elected else "",
                      others="\n".join(f"{name}, {title}" if title else name for name, title in offered.get("others", [])))
        return values
    seats = attendance.register_on(meeting.body, meeting.date)
    chair = next((s.person for s in seats if s.role == "ordforande"), "")
    values = {f"present-{s.id}": "on" for s in seats if s.seat == "ordinarie"}
    values.update(chair=chair, secretary=secretary, others="\n".join(f"{k.name}, {k.title}" for k in staff))
    return values


@blueprint.route("/<int:meeting_id>/protokoll/nytt", methods=["GET", "POST"])
@requires("meetings.edit")
def start_minutes(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id)
    if meeting.minutes is not None:
        return redirect(url_for("meetings.minutes", meeting_id=meeting_id))
    if request.method == "GET":
        return _attendance_page(meeting, "meetings/start_minutes.html", _default_attendance(meeting), {})
    return _save_attendance(meeting, "meetings/start_minutes.html", lambda **people: services.start_minutes(
        meeting, **people), "Protokollet är påbörjat. Besluten är ifyllda med förslagen till beslut; ändra där "
                            "styrelsen beslutade annorlunda.")


def _save_attendance(meeting: Meeting, template: str, save, success: str):
    """The attendance form posted: saved and on to the protokoll, or shown again as typed with the error."""
    form.require_csrf()
    try:
        attendees, justerare = _posted_attendance(meeting, attendance.roll_of(meeting))
        save(chair=form.text("chair"), secretary=form.text("secretary"), justerare=justerare, attendees=attendees)
        db.session.commit()
    except DomainError as error:
        form.undo(error)
        return _attendance_page(meeting, template, request.form, _field_errors(error), error.status)
    flash(success + _withdrawn_note(_after_commit_notify()), "success")
    return redirect(url_for("meetings.minutes", meeting_id=meeting.id))


def _field_errors(error: DomainError) -> dict:
    """Errors on the attendance form: a person's row, or the chair/secretary/justerare fields."""
    found = {}
    for key, value in error.fields.items():
        found[key.split("[")[0] if key.startswith("justerare") else key] = value
    return found


@blueprint.route("/<int:meeting_id>/protokoll/narvaro", methods=["GET", "POST"])
@requires("meetings.edit")
def edit_attendance(meeting_id: int):
    minutes = _minutes_or_404(meeting_id)
    meeting = minutes.meeting
    if minutes.justerad:
        flash("Protokollet är justerat; närvaron kan inte längre ändras.", "info")
        return redirect(url_for("meetings.minutes", meeting_id=meeting_id))
    if request.method == "GET":
        roll = attendance.roll_of(meeting)
        present = {a.name: a for a in minutes.attendees}
        values = {}
        if roll is not None:
            rows = [(f"ombud-{row.voter.key}", row.attendee) for row in attendance.roll_attendance(minutes, roll)
                    if row.attendee is not None]
        else:
            rows = [(str(seat.id), present.get(seat.person)) for seat in attendance.register_on(meeting.body, meeting.date)
                    if seat.person in present]
        for key, a in rows:
            present.pop(a.name)
            if key != "ombud-":  # an ombud no longer on the roll drops out
                values[f"present-{key}"] = "on"
                values[f"from-{key}"] = a.from_number or ""
                values[f"to-{key}"] = a.to_number or ""
        values["others"] = "\n".join(f"{a.name}, {a.title}" if a.title else a.name for a in present.values())
        values.update(chair=minutes.chair, secretary=minutes.secretary,
                      justerare="\n".join(s.name for s in minutes.signers if s.role == "justerare"))
        return _attendance_page(meeting, "meetings/attendance.html", values, {})
    return _save_attendance(meeting, "meetings/attendance.html",
                            lambda **people: services.update_attendance(minutes, **people), "Närvaron är sparad.")


def _minutes_or_404(meeting_id: int) -> Minutes:
    meeting = get_or_404(Meeting, meeting_id)
    if meeting.minutes is None:
        abort(404)
    return meeting.minutes


# --- the protokoll and its editor --------------------------------------------------------

@cache
def _minutes_page_query() -> Select:
    # All the protokoll page shows in a few queries, whatever the number of §§ and attendees; the
    # signers come in a query of their own, since joining them beside the attendees multiplies the
    # rows (measured: a third of the page's time). What other modules link to a § comes with the
    # §§. Built once, run with the meeting's id.
    return select(Minutes).where(Minutes.meeting_id == bindparam("meeting_id")).options(
        joinedload(Minutes.meeting).joinedload(Meeting.body), selectinload(Minutes.signers),
        joinedload(Minutes.attendees).joinedload(Attendee.member),
        selectinload(Minutes.paragraphs).options(joinedload(Paragraph.tasks), *services.paragraph_link_loads()))


@cache
def _proposals_query() -> Select:
    # Two columns, not the items: loading fifteen agenda items as objects cost more than the query.
    return select(AgendaItem.number, AgendaItem.proposal).where(AgendaItem.meeting_id == bindparam("meeting_id"))


# The editor's fields of a §: (name, label, rows); the label names the § for a screen reader.
_EDITOR_FIELDS = (("text", "Text i § {n}", 4), ("decision", "Beslut i § {n}", 2),
                  ("recused", "Jäv: lämnade under § {n} (en per rad)", 1),
                  ("reservations", "Reservationer i § {n} (en per rad)", 1))


@dataclass(frozen=True)
class EditorField:
    """One textarea of the editor: `id` is also its form name ("decision-52")."""

    id: str
    label: str
    rows: int
    value: str
    error: str = ""
    hint: str = ""


@dataclass(frozen=True)
class ParagraphView:
    """What the protokoll page shows of one §, worked out before the template (15 §§ of four
    fields each are most of the page, and a template is the slowest place to compute them)."""

    p: Paragraph
    quorum: services.Quorum
    fields: tuple[EditorField, ...]
    seen: str
    conflict: bool
    confidential: bool
    tasks: tuple[Task, ...]
    links: tuple[tuple[str, str], ...]


def _paragraph_views(minutes: Minutes, present: dict[int, int], editable: bool, values, errors: dict,
                     conflicts: set[int]) -> list[ParagraphView]:
    proposals = dict(db.session.execute(_proposals_query(), {"meeting_id": minutes.meeting_id}).all()) if editable else {}
    links = services.paragraph_links(minutes.paragraphs)
    required = services.quorum_required(minutes.meeting.body)
    views = []
    for p in minutes.paragraphs:
        n = p.number
        fields: tuple[EditorField, ...] = ()
        seen, confidential = "", p.confidential
        if editable:
            stored = services.fields_of(p)
            if values is None or n in conflicts:
                seen = services.paragraph_fingerprint(stored)
            else:
                seen = values.get(f"seen-{n}", "")
            if values is not None:
                confidential = values.get(f"confidential-{n}") == "on"
            fields = tuple(
                EditorField(
                    id=f"{name}-{n}", label=label.format(n=n), rows=rows,
                    value=values.get(f"{name}-{n}", "") if values is not None
                    else "\n".join(stored[name]) if name in ("recused", "reservations") else stored[name],
                    error=errors.get(f"p{n}.{name}", ""),
                    hint=proposals.get(p.item_number) or "" if name == "decision" else "")
                for name, label, rows in _EDITOR_FIELDS)
        views.append(ParagraphView(p, services.Quorum(present[n], required), fields, seen, n in conflicts, confidential,
                                   tuple(p.tasks), tuple(links.get(p.id, ()))))
    return views


def _minutes_page(minutes: Minutes, *, values: dict | None = None, errors: dict | None = None, status: int = 200,
                  conflicts: set[int] = frozenset()):
    meeting = minutes.meeting
    # The page query loads the uppdrag with their §§.
    tasks = [task for p in minutes.paragraphs for task in p.tasks]
    text_hash = services.content_hash(minutes, with_justering=False, tasks=tasks)
    numbers = [p.number for p in minutes.paragraphs]
    editable = can("meetings.edit") and not minutes.justerad
    present, service = attendance.at_each(minutes)
    roll = attendance.roll_of(meeting)
    return render_template(
        "meetings/minutes.html", minutes=minutes, meeting=meeting, editable=editable,
        roll=roll, on_roll=attendance.roll_attendance(minutes, roll), elect_url=roll.elect_url() if roll else "",
        vote_sentence=services.vote_sentence,
        my_signers=services.signer_for(minutes, current_user),
        approved={s.id: services.approval_valid(minutes, s, text_hash) for s in minutes.signers},
        late=services.is_late(meeting.date, minutes.justerad_on), today=clock.today(),
        service=service, instead=attendance.instead_of_javiga(minutes), numbers=numbers, text_hash=text_hash,
        stored=archive.original(minutes) if minutes.justerad else None,
        paragraphs=_paragraph_views(minutes, present, editable, values, errors or {}, conflicts),
        mailed=[(r, d) for r, d in recipients.protokoll_status(minutes) if d is not None and d.sent]
        if minutes.justerad else [],
    ), status


@blueprint.route("/<int:meeting_id>/protokoll", methods=["GET", "POST"])
@requires("meetings.view")
def minutes(meeting_id: int):
    minutes = db.session.scalars(_minutes_page_query(), {"meeting_id": meeting_id}).unique().first()
    if minutes is None:
        abort(404)
    if request.method == "GET":
        return _minutes_page(minutes)
    if not can("meetings.edit"):
        abort(403)
    form.require_csrf()
    numbers = [p.number for p in minutes.paragraphs]
    posted = {n: {"text": request.form.get(f"text-{n}", ""), "decision": request.form.get(f"decision-{n}", ""),
                  "recused": _lines(f"recused-{n}"), "reservations": _lines(f"reservations-{n}"),
                  "confidential": request.form.get(f"confidential-{n}") == "on"}
              for n in numbers if f"text-{n}" in request.form}
    seen = {n: request.form[f"seen-{n}"] for n in posted if request.form.get(f"seen-{n}")}
    try:
        services.save_protokoll(minutes, posted, seen if seen else None)
        db.session.commit()
    except DomainError as error:
        form.undo(error)
        minutes = db.session.scalars(_minutes_page_query(), {"meeting_id": meeting_id}).unique().first()
        # A § changed elsewhere is shown as it now reads: saved again, the person's version counts.
        conflicts = {n for n in posted if error.fields.get(f"p{n}.text") == services.CHANGED_ELSEWHERE}
        return _minutes_page(minutes, values=request.form, errors=error.fields, status=error.status,
                             conflicts=conflicts)
    anchor = request.form.get("anchor", "")
    flash(f"Protokollet är sparat ({len(posted)} §§)." + _withdrawn_note(_after_commit_notify()), "success")
    page, _, number = (request.form.get("goto") or "").partition("-")
    if page in ("votering", "uppdrag") and number.isdigit() and int(number) in numbers:
        endpoint = "meetings.vote" if page == "votering" else "meetings.add_task"
        return redirect(url_for(endpoint, meeting_id=meeting_id, number=int(number)))
    return redirect(url_for("meetings.minutes", meeting_id=meeting_id, _anchor=anchor or None))


def _lines(name: str) -> list[str]:
    return [line.strip() for line in (request.form.get(name) or "").splitlines() if line.strip()]


def _paragraph_of(meeting_id: int, number: int):
    """The minutes and one of its §§, for a form of its own; 404 for a § the protokoll lacks."""
    minutes = _minutes_or_404(meeting_id)
    try:
        return minutes, services.paragraph(minutes, number)
    except InvalidInput:
        abort(404)


def _paragraph_page(template: str, minutes, paragraph, status: int = 200, errors=None):
    deciding = services.deciding_at(minutes, paragraph.number, paragraph)
    return render_template(template, minutes=minutes, meeting=minutes.meeting, p=paragraph, form=request.form,
                           errors=errors or {}, vote_sentence=services.vote_sentence, deciding=len(deciding),
                           presiding=[("", f"{minutes.chair} (mötets ordförande)")]
                           + [(a.name, a.name) for a in deciding if a.name != minutes.chair]), status


# Votes and tasks have pages of their own rather than a form under every §: they are rare, and
# fifteen folded-away forms of each doubled the protokoll page.
@blueprint.route("/<int:meeting_id>/protokoll/paragrafer/<int:number>/votering", methods=["GET", "POST"])
@requires("meetings.edit")
def vote(meeting_id: int, number: int):
    minutes, paragraph = _paragraph_of(meeting_id, number)
    if request.method == "POST":
        form.require_csrf()
        try:
            if request.form.get("remove") == "1":
                services.remove_vote(minutes, number)
                db.session.commit()
                flash(f"Voteringen i § {number} är borttagen." + _withdrawn_note(_after_commit_notify()), "success")
                return redirect(url_for("meetings.minutes", meeting_id=meeting_id, _anchor=f"p{number}"))
            result = services.record_vote(
                minutes, number, yes=form.int_field("yes", "antalet ja-röster"),
                no=form.int_field("no", "antalet nej-röster"),
                abstain=form.int_field("abstain", "antalet som avstår", required=False) or 0,
                chair_vote=request.form.get("chair_vote") or None, presiding=form.text("presiding") or None,
            )
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            return _paragraph_page("meetings/vote.html", minutes, paragraph, error.status, error.fields)
        outcome = "bifallet" if result["outcome"] == "yes" else "avslaget"
        flash(f"Voteringen i § {number} är sparad: förslaget är {outcome}"
              + (" genom ordförandens utslagsröst." if result["casting_vote"] else ".")
              + _withdrawn_note(_after_commit_notify()), "success")
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
            return _paragraph_page("meetings/task.html", minutes, paragraph, error.status, error.fields)
        flash("Uppdraget är registrerat." + _withdrawn_note(_after_commit_notify()), "success")
        return redirect(url_for("meetings.minutes", meeting_id=meeting_id, _anchor=f"p{number}"))
    return _paragraph_page("meetings/task.html", minutes, paragraph)


# --- approval and justering -------------------------------------------------------------

@blueprint.route("/<int:meeting_id>/protokoll/godkann/<int:signer_id>", methods=["POST"])
@requires("meetings.approve")
def approve(meeting_id: int, signer_id: int):
    minutes = _minutes_or_404(meeting_id)
    signer = get_or_404(Signer, signer_id)
    form.require_csrf()
    if signer.minutes_id != minutes.id:
        abort(404)
    try:
        if signer not in services.signer_for(minutes, current_user):
            raise RuleViolation("not_the_signer", f"Du kan bara godkänna för dig själv: raden gäller {signer.name} "
                                                  f"({signer.role_label}).")
        everyone = services.approve(minutes, signer, seen=request.form.get("text_hash") or None)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "meetings.minutes", meeting_id=meeting_id)
    flash(f"{signer.name} har godkänt protokollet." + (" Alla har godkänt; kansliet kan nu justera det."
                                                      if everyone else ""), "success")
    return redirect(url_for("meetings.minutes", meeting_id=meeting_id))


@blueprint.route("/<int:meeting_id>/protokoll/be-om-godkannande", methods=["POST"])
@requires("meetings.edit")
def ask_for_approval(meeting_id: int):
    """Mail the signers who have not approved that the protokoll waits for them."""
    minutes = _minutes_or_404(meeting_id)
    form.require_csrf()
    if minutes.justerad or not services.missing_approvals(minutes):
        flash("Ingen väntar på att godkänna protokollet.", "info")
        return redirect(url_for("meetings.minutes", meeting_id=meeting_id))
    return form.job_page(jobs.ask_for_approval, title=f"Begäran om godkännande {minutes.meeting.date}",
                         meeting_id=meeting_id, back=url_for("meetings.minutes", meeting_id=meeting_id))


@blueprint.route("/<int:meeting_id>/protokoll/justering", methods=["GET", "POST"])
@requires("meetings.justera")
def justera(meeting_id: int):
    """The justering, confirmed: the page says what happens (locked for ever, the anslag's dates)."""
    minutes = _minutes_or_404(meeting_id)
    back = url_for("meetings.minutes", meeting_id=meeting_id)
    if minutes.justerad:
        flash("Protokollet är redan justerat.", "info")
        return redirect(back)
    missing = services.missing_approvals(minutes)
    values = request.form if request.method == "POST" else {"date": clock.today().isoformat()}
    errors: dict = {}
    try:
        on = form.date_field("date", "justeringsdatum") if request.method == "POST" else clock.today()
        posted = form.date_field("posted", "datum för anslaget", required=False) if request.method == "POST" else None
        dates = services.justering_dates(minutes, on=on, posted=posted)
    except DomainError as error:
        dates, errors = None, error.fields
        flash(error.message, "error")
    confirmed = request.method == "POST" and request.form.get("confirm") == "1" and dates is not None
    shown = f"{dates.justerad}|{dates.anslag_posted}" if dates else ""
    changed = confirmed and request.form.get("shown") != shown
    if changed:
        # Dates other than those the page showed: show what they mean before anything is locked.
        flash("Datumen är ändrade. Kontrollera vad de innebär nedan och bekräfta igen.", "info")
        confirmed = False
    paper = request.form.get("signed_on_paper") == "on"
    if confirmed and missing and not paper:
        errors["signed_on_paper"] = "Kryssa i att protokollet är undertecknat på papper, eller vänta på godkännandena."
        confirmed = False
    if confirmed:
        form.require_csrf()
        try:
            result = services.justera(minutes, on=dates.justerad, posted=dates.anslag_posted, signed_on_paper=paper)
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            errors = error.fields
        else:
            flash(f"Protokollet är justerat {result.justerad}. Anslaget sätts upp {result.anslag_posted} och tas ned "
                  f"{result.anslag_removed}." + (" Observera: justeringen skedde mer än 14 dagar efter mötet."
                                                 if result.late else ""), "success")
            return redirect(back)
    status = 400 if errors else 200
    # A beslutsärende whose § decides nothing is worth a look before it is locked for ever.
    without_beslut = [p for p in minutes.paragraphs if p.kind == "beslut" and not p.decision.strip()]
    roll = attendance.roll_of(minutes.meeting)
    return render_template("meetings/justering.html", minutes=minutes, meeting=minutes.meeting, dates=dates,
                           missing=missing, without_beslut=without_beslut, form=values, errors=errors, back=back, shown=shown,
                           blocked=services.justering_blocked(minutes),
                           has_justerare=any(s.role == "justerare" for s in minutes.signers),
                           elect_url=roll.elect_url() if roll is not None else ""), status


@blueprint.route("/<int:meeting_id>/protokoll/original.pdf")
@requires("meetings.view")
def minutes_original(meeting_id: int):
    """The justerat protokoll's stored PDF/A, as it was justerat (checked against its sha256)."""
    minutes = _minutes_or_404(meeting_id)
    if not minutes.justerad:
        flash("Protokollet är inte justerat än; det finns inget sparat original. Skriv ut det som PDF i stället.", "info")
        return redirect(url_for("meetings.minutes", meeting_id=meeting_id))
    name = archive.file_name(minutes)
    return Response(archive.original_pdf(minutes), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@blueprint.route("/<int:meeting_id>/protokoll/rattelse", methods=["GET", "POST"])
@requires("meetings.edit")
def correct_minutes(meeting_id: int):
    """A rättelse beside a justerat protokoll: dated, signed, confirmed, never changed afterwards."""
    minutes = _minutes_or_404(meeting_id)
    back = url_for("meetings.minutes", meeting_id=meeting_id)
    if not minutes.justerad:
        flash("Protokollet är inte justerat än: rätta texten i protokollet i stället.", "info")
        return redirect(back)
    signers = ", ".join(s.name for s in minutes.signers)
    values = request.form if request.method == "POST" else {"made_on": clock.today().isoformat(), "signed_by": signers}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form.require_csrf()
        try:
            number = form.int_field("paragraph_number", "paragraf", required=False)
            services.add_correction(minutes, text=request.form.get("text", ""),
                                    signed_by=request.form.get("signed_by", ""),
                                    made_on=form.date_field("made_on", "datum för rättelsen"),
                                    paragraph_number=number, user_id=current_user.id,
                                    confirmed=request.form.get("confirm") == "on")
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            errors, status = error.fields, error.status
        else:
            flash("Rättelsen är sparad och visas bredvid protokollet. Originalet är oförändrat.", "success")
            return redirect(back + "#rattelser")
    paragraphs = [("", "Hela protokollet")] + [(str(p.number), f"§ {p.number} {p.title}") for p in minutes.paragraphs]
    return render_template("meetings/correction.html", minutes=minutes, meeting=minutes.meeting, form=values,
                           errors=errors, back=back, paragraphs=paragraphs,
                           example=minutes.paragraphs[-1].number if minutes.paragraphs else 1), status


@blueprint.route("/arkivkontroll", methods=["GET", "POST"])
@requires("meetings.verify_archive")
def archive_check():
    """The kansli's and the revisorer's check that every justerat protokoll is as it was stored:
    started as a job, the latest result shown here."""
    if request.method == "POST":
        form.require_csrf()
        return form.job_page(jobs.check_archive, title="Kontroll av de justerade protokollen",
                             back=url_for("meetings.archive_check"))
    last = db.session.scalars(select(Job).where(Job.kind == "finsam_saas.meetings.jobs:check_archive")
                              .order_by(Job.id.desc()).limit(1)).first()
    return render_template("meetings/archive_check.html", last=last)


@blueprint.route("/<int:meeting_id>/protokoll/utskick", methods=["GET", "POST"])
@requires("meetings.edit")
def send_minutes(meeting_id: int):
    """The justerat protokoll to the members for their anslag, and to the revisorer."""
    minutes = _minutes_or_404(meeting_id)
    people = []
    for r, d in recipients.protokoll_status(minutes):
        status = ("saknar e-postadress – får inget" if not r.address else
                  f"har fått det {clock.local_date(d.at)}" if d is not None and d.sent else "får protokollet")
        people.append((r.name, r.why, r.email, status))
    blocked = "" if minutes.justerad else "Protokollet är inte justerat än."
    if not blocked and not any(p[2] for p in people):
        blocked = "Ingen medlem eller revisor har en e-postadress i registret. Lägg in adresserna under Organisation."
    if request.method == "GET" or request.form.get("confirm") != "1":
        return confirm_page(
            title="Skicka det justerade protokollet?", people=people, people_caption="Mottagare enligt registret",
            lines=["Medlemmarna får protokollet (utan paragrafer med sekretess) för att anslå justeringen på sina "
                   "anslagstavlor; revisorerna får hela protokollet.",
                   "Den som redan fått det får det inte igen."],
            blocked=blocked, action=url_for("meetings.send_minutes", meeting_id=meeting_id), button="Skicka protokollet",
            back=url_for("meetings.minutes", meeting_id=meeting_id))
    form.require_csrf()
    if blocked:
        flash(blocked, "error")
        return redirect(url_for("meetings.minutes", meeting_id=meeting_id))
    return form.job_page(jobs.send_justerat_protokoll, title=f"Utskick av protokoll {minutes.meeting.date}",
                         meeting_id=meeting_id, back=url_for("meetings.minutes", meeting_id=meeting_id))


@blueprint.route("/<int:meeting_id>/protokoll/ta-bort", methods=["GET", "POST"])
@requires("meetings.edit")
def discard_minutes(meeting_id: int):
    minutes = _minutes_or_404(meeting_id)
    back = url_for("meetings.minutes", meeting_id=meeting_id)
    if request.method == "GET" or request.form.get("confirm") != "1":
        tasks = services.tasks_of(minutes)
        blocked = ("Protokollet är justerat och kan inte tas bort." if minutes.justerad else
                   f"Protokollet har {len(tasks)} uppdrag; ta bort dem först under Uppdrag." if tasks else "")
        return confirm_page(title="Ta bort protokollet?", back=back, button="Ta bort protokollet",
                            lines=["Allt som skrivits i protokollet tas bort: paragrafer, närvaro och godkännanden.",
                                   "Föredragningslistan kan sedan ändras igen, och ett nytt protokoll påbörjas."],
                            blocked=blocked, action=url_for("meetings.discard_minutes", meeting_id=meeting_id))
    form.require_csrf()
    try:
        services.discard_minutes(minutes)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "meetings.minutes", meeting_id=meeting_id)
    flash("Protokollet är borttaget.", "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting_id))


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
    rows = db.session.scalars(select(Task).order_by(Task.done_on.is_not(None), Task.due)
                              .options(joinedload(Task.paragraph))).all()
    return render_template("meetings/tasks.html", tasks=rows, form=EmptyForm(), today=clock.today())


@blueprint.route("/uppdrag/<int:task_id>/klart", methods=["POST"])
@requires("meetings.edit")
def complete_task(task_id: int):
    task = get_or_404(Task, task_id)
    if request.form.get("reopen") == "1":
        return form.act("Uppdraget är öppnat igen.", "meetings.tasks", lambda: services.reopen_task(task))
    return form.act("Uppdraget är markerat som klart.", "meetings.tasks", lambda: services.complete_task(task, clock.today()))


@blueprint.route("/uppdrag/<int:task_id>", methods=["GET", "POST"])
@requires("meetings.edit")
def edit_task(task_id: int):
    task = get_or_404(Task, task_id)
    if task.paragraph is not None and task.paragraph.minutes.justerad:
        flash("Uppdraget är givet i ett justerat protokoll; vem, vad och när står kvar som det justerades. Det följs "
              "upp och markeras klart i listan.", "info")
        return redirect(url_for("meetings.tasks"))
    if request.method == "GET":
        values = {"assignee": task.assignee, "description": task.description, "due": task.due.isoformat()}
        return render_template("meetings/task_edit.html", task=task, form=values, errors={})
    form.require_csrf()
    if request.form.get("remove") == "1" and request.form.get("confirm") != "1":
        return confirm_page(title="Ta bort uppdraget?", lead=f"{task.assignee}: {task.description}.",
                            lines=["Uppdraget tas bort helt; det följs inte upp."], button="Ta bort uppdraget",
                            hidden={"remove": "1"}, action=url_for("meetings.edit_task", task_id=task_id),
                            back=url_for("meetings.edit_task", task_id=task_id))
    try:
        if request.form.get("remove") == "1":
            services.remove_task(task)
            db.session.commit()
            flash("Uppdraget är borttaget.", "success")
            return redirect(url_for("meetings.tasks"))
        services.update_task(task, assignee=form.text("assignee"), description=form.text("description"),
                             due=form.date_field("due", "datum för uppdraget"))
        db.session.commit()
    except DomainError as error:
        return refused(error, "meetings/task_edit.html", task=task)
    flash("Uppdraget är sparat." + _withdrawn_note(_after_commit_notify()), "success")
    return redirect(url_for("meetings.tasks"))
