"""Pages of a tenant's organisation: members, bodies and the register of people in them
(ledamöter, ersättare, ordförande and vice, revisorer), kansli — read by everyone, kept by
the kansli."""
from flask import abort, flash, g, redirect, render_template, request, url_for

from finsam_saas.extensions import db
from finsam_saas.organisation import jobs as organisation_jobs, permissions, services  # noqa: F401
from finsam_saas.organisation.models import (
    KANSLI_ROLE_LABELS, KANSLI_ROLES, POSITION_LABELS, POSITIONS, SEAT_KINDS, SEAT_LABELS, Body, KansliPerson, Member,
    Seat,
)
from finsam_saas.platform import clock, formdata as form
from finsam_saas.platform.auth import requires
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform.rules import DomainError
from finsam_saas.platform.web import NavItem, get_or_404, register_navigation, tenant_blueprint

blueprint = tenant_blueprint("organisation", __name__, "/organisation")

register_navigation("Organisation", [
    NavItem("Medlemmar och organ", "organisation.overview", "organisation.view"),
    NavItem("Bakgrundsjobb", "tenant.jobs", "jobs.view"),
    NavItem("Användare", "tenant.memberships", "memberships.manage"),
    NavItem("Ändringslogg", "tenant.audit_log", "audit.view"),
])


def _refused(error: DomainError, template: str, **context):
    form.undo(error)
    return render_template(template, form=request.form, errors=error.fields, **context), error.status


@blueprint.route("/")
@requires("organisation.view")
def overview():
    return render_template(
        "organisation/overview.html",
        members=services.members_of(), bodies=services.bodies(), kansli=services.kansli(), print_form=EmptyForm(),
        kansli_labels=KANSLI_ROLE_LABELS,
    )


@blueprint.route("/organ/<int:body_id>")
@requires("organisation.view")
def body(body_id: int):
    body = get_or_404(Body, body_id)
    today = clock.today()
    seats = [s for s in body.seats if s.active]
    current = [s for s in seats if s.serves_on(today) or (s.term_start and s.term_start > today)]
    return render_template("organisation/body.html", body=body, current=current,
                           ended=[s for s in seats if s not in current], today=today)


@blueprint.route("/utskrift", methods=["POST"])
@requires("organisation.print")
def print_overview():
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("organisation.overview"))
    flash("Utskriften är beställd.", "info")
    return form.job_page(organisation_jobs.render_overview_pdf, title=f"Organisationsöversikt {g.tenant.short_name}")


# --- the register of people ---------------------------------------------------------

def _seat_options() -> dict:
    return {"seats": [(k, SEAT_LABELS[k]) for k in SEAT_KINDS],
            "roles": [("", "Inget särskilt")] + [(k, POSITION_LABELS[k].capitalize()) for k in POSITIONS if k != "ledamot"],
            "members": [("", "Ingen")] + [(m.name, m.name) for m in services.members_of()]}


def _posted_seat() -> dict:
    return {"person": form.text("person"), "seat": form.text("seat") or "ordinarie",
            "appointed_by": services.member_by_name(form.text("appointed_by")), "email": form.text("email"),
            "phone": form.text("phone"), "role": form.text("role") or None,
            "substitute_order": form.int_field("substitute_order", "ersättarordning", required=False),
            "term_start": form.date_field("term_start", "mandatperiodens början", required=False),
            "term_end": form.date_field("term_end", "mandatperiodens slut", required=False)}


@blueprint.route("/organ/<int:body_id>/ny", methods=["GET", "POST"])
@requires("organisation.edit")
def add_seat(body_id: int):
    body = get_or_404(Body, body_id)
    context = dict(body=body, seat=None, **_seat_options())
    if request.method == "GET":
        return render_template("organisation/seat.html", form={"seat": "ordinarie"}, errors={}, **context)
    form.require_csrf()
    try:
        seat = services.add_seat(body, **_posted_seat())
        db.session.commit()
    except DomainError as error:
        return _refused(error, "organisation/seat.html", **context)
    flash(f"{seat.person} är tillagd i {body.name.lower()}.", "success")
    return redirect(url_for("organisation.body", body_id=body.id))


def _seat_or_404(seat_id: int) -> Seat:
    seat = get_or_404(Seat, seat_id)
    if not seat.active:
        abort(404)
    return seat


@blueprint.route("/platser/<int:seat_id>", methods=["GET", "POST"])
@requires("organisation.edit")
def edit_seat(seat_id: int):
    seat = _seat_or_404(seat_id)
    context = dict(body=seat.body, seat=seat, **_seat_options())
    if request.method == "GET":
        values = {"person": seat.person, "seat": seat.seat, "email": seat.email or "", "phone": seat.phone or "",
                  "appointed_by": seat.appointed_by.name if seat.appointed_by else "", "role": seat.role or "",
                  "substitute_order": seat.substitute_order or "",
                  "term_start": seat.term_start.isoformat() if seat.term_start else "",
                  "term_end": seat.term_end.isoformat() if seat.term_end else ""}
        return render_template("organisation/seat.html", form=values, errors={}, **context)
    form.require_csrf()
    try:
        services.update_seat(seat, **_posted_seat())
        db.session.commit()
    except DomainError as error:
        return _refused(error, "organisation/seat.html", **context)
    flash(f"Uppgifterna om {seat.person} är sparade.", "success")
    return redirect(url_for("organisation.body", body_id=seat.body_id))


@blueprint.route("/platser/<int:seat_id>/avsluta", methods=["POST"])
@requires("organisation.edit")
def end_term(seat_id: int):
    seat = _seat_or_404(seat_id)
    form.require_csrf()
    try:
        on = form.date_field("on", "sista dag i uppdraget")
        services.end_term(seat, on)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "organisation.edit_seat", seat_id=seat_id)
    flash(f"{seat.person}s uppdrag i {seat.body.name.lower()} slutar {on}.", "success")
    return redirect(url_for("organisation.body", body_id=seat.body_id))


@blueprint.route("/platser/<int:seat_id>/ta-bort", methods=["GET", "POST"])
@requires("organisation.edit")
def remove_seat(seat_id: int):
    seat = _seat_or_404(seat_id)
    back = url_for("organisation.edit_seat", seat_id=seat_id)
    if request.method == "GET" or request.form.get("confirm") != "1":
        return render_template("confirm.html", form={}, errors={}, confirm=dict(
            title=f"Ta bort {seat.person} ur registret?", back=back, button="Ta bort ur registret",
            action=url_for("organisation.remove_seat", seat_id=seat_id),
            lead=f"{seat.person}, {seat.seat_label.lower()} i {seat.body.name.lower()}.",
            lines=["Använd det här när uppgiften var fel. När någon lämnar sitt uppdrag: avsluta uppdraget i stället, "
                   "så finns det kvar vem som satt när.",
                   "Protokoll som redan är skrivna ändras inte."]))
    form.require_csrf()
    services.remove_seat(seat)
    db.session.commit()
    flash(f"{seat.person} är borttagen ur registret.", "success")
    return redirect(url_for("organisation.body", body_id=seat.body_id))


def _posted_kansli() -> dict:
    return {"name": form.text("name"), "role": form.text("role") or "annat", "title": form.text("title"),
            "email": form.text("email"), "phone": form.text("phone")}


@blueprint.route("/kansli/ny", methods=["GET", "POST"])
@requires("organisation.edit")
def add_kansli():
    context = dict(person=None, roles=[(k, KANSLI_ROLE_LABELS[k]) for k in KANSLI_ROLES])
    if request.method == "GET":
        return render_template("organisation/kansli.html", form={}, errors={}, **context)
    form.require_csrf()
    try:
        person = services.add_kansli(**_posted_kansli())
        db.session.commit()
    except DomainError as error:
        return _refused(error, "organisation/kansli.html", **context)
    flash(f"{person.name} är tillagd i kansliet.", "success")
    return redirect(url_for("organisation.overview", _anchor="kansli"))


@blueprint.route("/kansli/<int:person_id>", methods=["GET", "POST"])
@requires("organisation.edit")
def edit_kansli(person_id: int):
    person = get_or_404(KansliPerson, person_id)
    if not person.active:
        abort(404)
    context = dict(person=person, roles=[(k, KANSLI_ROLE_LABELS[k]) for k in KANSLI_ROLES])
    if request.method == "GET":
        values = {"name": person.name, "role": person.role, "title": person.title, "email": person.email or "",
                  "phone": person.phone or ""}
        return render_template("organisation/kansli.html", form=values, errors={}, **context)
    form.require_csrf()
    try:
        if request.form.get("remove") == "1":
            services.remove_kansli(person)
            db.session.commit()
            flash(f"{person.name} är borttagen ur kansliet.", "success")
            return redirect(url_for("organisation.overview", _anchor="kansli"))
        services.update_kansli(person, **_posted_kansli())
        db.session.commit()
    except DomainError as error:
        return _refused(error, "organisation/kansli.html", **context)
    flash(f"Uppgifterna om {person.name} är sparade.", "success")
    return redirect(url_for("organisation.overview", _anchor="kansli"))


@blueprint.route("/medlemmar/<int:member_id>", methods=["GET", "POST"])
@requires("organisation.edit")
def edit_member(member_id: int):
    member = get_or_404(Member, member_id)
    if request.method == "GET":
        return render_template("organisation/member.html", member=member, form={"email": member.email or ""}, errors={})
    form.require_csrf()
    try:
        services.set_member_email(member, form.text("email"))
        db.session.commit()
    except DomainError as error:
        return _refused(error, "organisation/member.html", member=member)
    flash(f"Adressen för {member.name} är sparad.", "success")
    return redirect(url_for("organisation.overview"))
