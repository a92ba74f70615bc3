"""Pages of the internkontrollplan (seed 004): a plan per year with its risk matrix, controls
added, edited and removed while the plan is an utkast, adoption, follow-up, and the plan as PDF."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from finsam_saas.economy.views import blueprint
from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform import formdata as form
from finsam_saas.platform.auth import can, requires
from finsam_saas.platform.formatting import plural
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform.formatting import sv_date
from finsam_saas.platform.rules import DomainError, InvalidInput
from finsam_saas.platform.web import confirm_page, get_or_404
from finsam_saas.platform.years import default_year, year_arg
from finsam_saas.economy import internal_control as control_rules
from finsam_saas.economy import jobs as economy_jobs
from finsam_saas.economy.models import CONSEQUENCES, PROBABILITIES, Control


def _scale(name: str) -> int | None:
    """A step 1–5 as posted; anything else is left to the rule, which names the field."""
    value = form.text(name)
    return int(value) if value.isdigit() else None


def _posted_control() -> dict:
    return dict(process=form.text("process"), control=form.text("control"), owner=form.text("owner"),
                method=form.text("method"), frequency=form.text("frequency"), report_to=form.text("report_to"),
                consequence=_scale("consequence"), probability=_scale("probability"))


def _page(year: int, *, values=None, errors=None, status: int = 200):
    plan_row = control_rules.get_plan(year)
    rows = control_rules.plan(year)
    controls = sorted((c for c, _ in rows), key=lambda c: c.number)
    return render_template(
        "economy/internal_control.html", year=year, years=control_rules.plan_years(), rows=rows, controls=controls,
        plan=plan_row, state=control_rules.state(plan_row), matrix=control_rules.matrix(controls),
        previous=control_rules.previous_plan_year(year), missing=control_rules.missing_follow_ups(year),
        consequences=CONSEQUENCES, probabilities=PROBABILITIES, results=control_rules.RESULTS,
        level=control_rules.risk_level, levels=control_rules.level_ranges(), form=EmptyForm(),
        values=values or {}, errors=errors or {}, labels=control_rules.FIELD_LABELS), status


@blueprint.route("/internkontroll", methods=["GET", "POST"])
@requires("economy.view")
def internal_control():
    year = year_arg() or default_year(clock.today().year, control_rules.plan_years())
    if request.method == "POST":
        if not can("economy.edit"):
            abort(403)
        form.require_csrf()
        try:
            control = control_rules.add_control(year=year, **_posted_control())
            db.session.commit()
        except DomainError as error:
            # The form comes back as typed, each wrong field marked.
            form.undo(error)
            return _page(year, values=request.form, errors=error.fields, status=error.status)
        flash(f"Kontroll {control.number} \"{control.control}\" är tillagd i internkontrollplanen {year}.", "success")
        return redirect(url_for("economy.internal_control", ar=year, _anchor=f"kontroll-{control.number}"))
    return _page(year)


@blueprint.route("/internkontroll/<int:control_id>/andra", methods=["GET", "POST"])
@requires("economy.edit")
def edit_control(control_id: int):
    control = get_or_404(Control, control_id)
    back = url_for("economy.internal_control", ar=control.year, _anchor=f"kontroll-{control.number}")
    if (reason := control_rules.locked_reason(control.year)):
        flash(f"Kontroll {control.number} kan inte ändras. {reason}", "info")
        return redirect(back)
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        form.require_csrf()
        try:
            control_rules.update_control(control, _posted_control())
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            values, errors, status = request.form, error.fields, error.status
        else:
            flash(f"Kontroll {control.number} \"{control.control}\" är ändrad.", "success")
            return redirect(back)
    if not values:
        values = {name: getattr(control, name) for name in (*control_rules.FIELD_LABELS,)}
    return render_template("economy/internal_control_edit.html", control=control, values=values, errors=errors,
                           labels=control_rules.FIELD_LABELS, consequences=CONSEQUENCES, probabilities=PROBABILITIES,
                           back=back, form=EmptyForm()), status


@blueprint.route("/internkontroll/<int:control_id>/ta-bort", methods=["GET", "POST"])
@requires("economy.edit")
def remove_control(control_id: int):
    control = get_or_404(Control, control_id)
    back = url_for("economy.internal_control", ar=control.year, _anchor=f"kontroll-{control.number}")
    blocked = ""
    if (reason := control_rules.locked_reason(control.year)):
        blocked = (f"{reason} Kontrollen står kvar; en kontroll som inte ska göras längre tas bort i nästa års plan.")
    if request.method == "GET" or request.form.get("confirm") != "1" or blocked:
        return confirm_page(
            title=f"Kontroll {control.number} kan inte tas bort" if blocked else f"Ta bort kontroll {control.number}?",
            lead=f"Kontroll {control.number} i internkontrollplanen {control.year}: {control.process} – {control.control}.",
            lines=[] if blocked else control_rules.removal_consequences(control), blocked=blocked,
            action=url_for("economy.remove_control", control_id=control.id), button="Ta bort kontrollen", back=back)
    return form.act(f"Kontroll {control.number} \"{control.control}\" är borttagen ur internkontrollplanen {control.year}.",
                    "economy.internal_control", lambda: control_rules.remove_control(control), ar=control.year)


@blueprint.route("/internkontroll/<int:control_id>/uppfoljning", methods=["POST"])
@requires("economy.edit")
def follow_up_control(control_id: int):
    control = get_or_404(Control, control_id)
    form.require_csrf()
    year = control.year
    try:
        control_rules.follow_up(control, result=form.text("result"), note=form.text("note"),
                                year=form.int_field("year", "år", required=False))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "economy.internal_control", ar=year)
    flash(f"Uppföljningen {year} av kontroll {control.number} \"{control.control}\" är sparad.", "success")
    return redirect(url_for("economy.internal_control", ar=year, _anchor=f"kontroll-{control.number}"))


@blueprint.route("/internkontroll/<int:year>/starta", methods=["POST"])
@requires("economy.edit")
def start_control_plan(year: int):
    form.require_csrf()
    try:
        source = form.int_field("from_year", "året att utgå från")
        copies = control_rules.start_from(year, source)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "economy.internal_control", ar=year)
    flash(f"Internkontrollplanen {year} är startad med {plural(len(copies), 'kontroll', 'kontroller')} kopierade från {source}. "
          f"Ändringar i {year} ändrar inte planen {source}.", "success")
    return redirect(url_for("economy.internal_control", ar=year))


def _decision_page(year: int, *, step: str):
    """The confirmation of adopting the plan (step "faststall") or reporting its follow-up ("rapportera")."""
    plan_row = control_rules.get_plan(year)
    count = len(control_rules.controls_of(year))
    back = url_for("economy.internal_control", ar=year)
    state = control_rules.state(plan_row)
    if step == "faststall":
        blocked = ("Planen är redan fastställd." if state != "utkast" else
                   f"Internkontrollplanen {year} har inga kontroller att fastställa." if not count else "")
        page = dict(title=f"Fastställa internkontrollplanen {year}?",
                    lead=f"Planen har {count} {'kontroll' if count == 1 else 'kontroller'}.",
                    lines=["Kontrollerna står sedan som styrelsen fastställde dem: de kan inte ändras eller tas bort.",
                           "Uppföljningen av kontrollerna registreras som vanligt under året.",
                           "En ändring efter detta beslutas av styrelsen och förs in i nästa års plan."],
                    fields=[("date", "adopted_on", "Datum då styrelsen fastställde planen", clock.today().isoformat()),
                            ("text", "adopted_by", "Beslut (till exempel Styrelsen § 12)", "")],
                    button="Fastställ planen")
    else:
        missing = control_rules.missing_follow_ups(year)
        blocked = ("Uppföljningen är redan rapporterad." if state == "rapporterad" else
                   f"Internkontrollplanen {year} har inga kontroller." if not count else
                   f"{'Kontroll' if len(missing) == 1 else 'Kontrollerna'} "
                   f"{', '.join(str(c.number) for c in sorted(missing, key=lambda c: c.number))} saknar uppföljning "
                   f"{year}. En kontroll som inte blev gjord följs upp med anmärkning." if missing else "")
        page = dict(title=f"Rapportera uppföljningen {year}?",
                    lead=f"Uppföljningen av planens {count} {'kontroll' if count == 1 else 'kontroller'} rapporteras "
                         "till styrelsen.",
                    lines=["Planen och uppföljningen står sedan som de rapporterades: inget av dem kan ändras.",
                           *(["Planen är inte fastställd av styrelsen; det framgår av planen."] if state == "utkast" else [])],
                    fields=[("date", "reported_on", "Datum då uppföljningen rapporterades", clock.today().isoformat()),
                            ("text", "reported_to", "Var (till exempel Styrelsen vid årsredovisningen)", "")],
                    button="Rapportera uppföljningen")
    return dict(page, blocked=blocked, back=back,
                action=url_for("economy.adopt_control_plan" if step == "faststall" else "economy.report_control_plan",
                               year=year))


def _decide(year: int, step: str):
    page = _decision_page(year, step=step)
    if request.method == "GET" or request.form.get("confirm") != "1" or page["blocked"]:
        return render_template("confirm.html", confirm=page, form=request.form if request.method == "POST" else {},
                               errors={})
    form.require_csrf()
    try:
        if step == "faststall":
            row = control_rules.adopt(year, on=form.date_field("adopted_on", "datum då styrelsen fastställde planen",
                                                               required=False), by=form.text("adopted_by"))
            message = f"Internkontrollplanen {year} är fastställd {sv_date(row.adopted_on)}."
        else:
            row = control_rules.report_follow_up(year, on=form.date_field(
                "reported_on", "datum då uppföljningen rapporterades", required=False), to=form.text("reported_to"))
            message = f"Uppföljningen {year} är rapporterad {sv_date(row.reported_on)}."
        db.session.commit()
    except InvalidInput as error:
        # The confirmation again, the date as typed, the field that is wrong named.
        form.undo(error)
        return render_template("confirm.html", confirm=page, form=request.form, errors=error.fields), error.status
    except DomainError as error:
        return form.back_with_error(error, "economy.internal_control", ar=year)
    flash(message, "success")
    return redirect(url_for("economy.internal_control", ar=year))


@blueprint.route("/internkontroll/<int:year>/faststall", methods=["GET", "POST"])
@requires("economy.edit")
def adopt_control_plan(year: int):
    return _decide(year, "faststall")


@blueprint.route("/internkontroll/<int:year>/rapportera", methods=["GET", "POST"])
@requires("economy.edit")
def report_control_plan(year: int):
    return _decide(year, "rapportera")


@blueprint.route("/internkontroll/<int:year>/pdf", methods=["POST"])
@requires("economy.view")
def control_plan_pdf(year: int):
    """The year's plan as PDF, made by a job (a reader may print it, as the board papers)."""
    form.require_csrf()
    return form.job_page(economy_jobs.render_internal_control_plan, title=f"Internkontrollplan {year}", year=year,
                         back=url_for("economy.internal_control", ar=year))
