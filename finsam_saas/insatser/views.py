"""Pages of the insatser module: register, insats with spend, requisitions and
outcomes, applications and the board's decisions."""
from __future__ import annotations


from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from finsam_saas.platform import clock
from finsam_saas.platform.years import data_years, default_year, year_arg
from finsam_saas.extensions import db
from finsam_saas.insatser import jobs, permissions, services, social  # noqa: F401
from finsam_saas.insatser.models import (
    COUNT_DIMENSIONS, DEVIATION_KINDS, FOCUS_MAX, GOAL_MEASURES, KIND_LABELS, PLANNED_PARTICIPANTS_MAX, TARGET_GROUP_MAX, OUTCOME_FIELDS, OUTCOME_LABELS, QUALITY_QUESTIONS, REPORT_STATUS_LABELS, SEXES,
    FULFILMENT_SCALE, Application, Deviation, Grant, GoalArea, Insats, Recommendation, SocialReport, InsatsContact, QuarterlyReport, Requisition, Spend,
)
from finsam_saas.meetings import services as meetings_services
from finsam_saas.meetings.models import AgendaItem, Meeting, Minutes, Paragraph
from finsam_saas.platform.charts import bar_chart
from finsam_saas.platform.auth import can, requires
from finsam_saas.platform import formdata as form
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform.formatting import kronor, percent
from finsam_saas.platform.models import User
from finsam_saas.platform.rules import DomainError, InvalidInput
from finsam_saas.platform.web import NavItem, confirm_page, get_or_404, register_navigation, tenant_blueprint

blueprint = tenant_blueprint("insatser", __name__, "/insatser")


def _decision_links(paragraph) -> list[tuple[str, str]]:
    return [(f"Beslut om ansökan {a.title}: {a.status_label.lower()}" + (" – till insatsen" if a.insats_id else ""),
             url_for("insatser.insats", insats_id=a.insats_id) if a.insats_id else "")
            for a in paragraph.decided_applications]


meetings_services.register_paragraph_links(meetings_services.ParagraphLinks(
    load=lambda: joinedload(Paragraph.decided_applications).load_only(
        Application.title, Application.status, Application.insats_id),
    links=_decision_links))

register_navigation("Insatser", [
    NavItem("Insatser", "insatser.index", "insatser.view"),
    NavItem("Ansökningar", "insatser.applications", "applications.create"),
    NavItem("Socialt bokslut", "insatser.social_reports", "social.view"),
    NavItem("Analysgruppen", "insatser.recommendations", "social.view"),
])


def _visible(insats_id: int) -> Insats:
    insats = get_or_404(Insats, insats_id)
    if not services.may_see(insats, g.membership.role, current_user.id):
        abort(404)
    return insats


def _amounts(prefix: str, start_year: int, end_year: int) -> dict[str, int]:
    amounts = {}
    for year in range(start_year, end_year + 1):
        value = form.int_field(f"{prefix}-{year}", f"belopp {year}", required=False)
        if value is not None:
            amounts[str(year)] = value
    return amounts


@blueprint.route("/")
@requires("insatser.view")
def index():
    year = year_arg() or default_year(clock.today().year, data_years(Grant.year, Spend.year))
    # Only the insatser running in the year: one of 2018–2021 has no row (and no "Beviljat 0") in 2024.
    rows = services.spend_table(year, services.running_in(
        services.visible_insatser_query(g.membership.role, current_user.id), year))
    with_spend = [r for r in rows if r.amount is not None]
    chart = bar_chart(
        f"Utfall och periodiserad budget {year}", [r.insats.name for r in with_spend],
        [("Utfall", [r.amount / 1000 for r in with_spend]),
         ("Budget för perioden", [(r.budget if r.budget is not None else r.grant * services.whole_months(r.through) / 12) / 1000
                                  for r in with_spend])],
        unit="tkr") if with_spend else None
    return render_template("insatser/index.html", year=year, years=data_years(Grant.year), rows=rows, chart=chart,
                           kinds=KIND_LABELS, form=EmptyForm())


@blueprint.route("/ny", methods=["GET", "POST"])
@requires("insatser.edit")
def new_insats():
    if request.method == "POST":
        form.require_csrf()
        try:
            start, end = form.date_field("start", "Startdatum"), form.date_field("end", "Slutdatum")
            if end < start:
                raise InvalidInput(f"Slutdatum {end} är före startdatum {start}.", {"end": "före start"})
            insats = services.create_insats(
                name=form.text("name"), owner=form.text("owner"), kind=form.text("kind"), start=start, end=end,
                grants=_amounts("grant", start.year, end.year), partners=form.text("partners"),
                target_group=form.text("target_group"), method=form.text("method"),
                diarienummer=form.text("diarienummer") or None, styrgrupp=form.text("styrgrupp"),
                focus=form.text("focus"), planned_participants=_planned_participants())
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            return render_template("insatser/new.html", form=request.form, kinds=KIND_LABELS, errors=error.fields,
                                   limits=LIMITS), 400
        flash(f"Insatsen {insats.name} är registrerad.", "success")
        return redirect(url_for("insatser.insats", insats_id=insats.id))
    return render_template("insatser/new.html", form={}, kinds=KIND_LABELS, errors={}, limits=LIMITS)


LIMITS = {"focus": FOCUS_MAX, "target_group": TARGET_GROUP_MAX, "planned_participants": PLANNED_PARTICIPANTS_MAX}


def _planned_participants() -> int | None:
    return form.int_field("planned_participants", "antal planerade deltagare", required=False)


@blueprint.route("/<int:insats_id>/andra", methods=["GET", "POST"])
@requires("insatser.edit")
def edit_insats(insats_id: int):
    """What describes the insats: owner, kind, partners, målgrupp, inriktning, planned participants …"""
    insats = _visible(insats_id)
    if request.method == "POST":
        form.require_csrf()
        try:
            services.update_insats(
                insats, owner=form.text("owner"), kind=form.text("kind"), partners=form.text("partners"),
                target_group=form.text("target_group"), method=form.text("method"), focus=form.text("focus"),
                planned_participants=_planned_participants(), diarienummer=form.text("diarienummer"),
                styrgrupp=form.text("styrgrupp"))
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            return render_template("insatser/edit.html", insats=insats, form=request.form, kinds=KIND_LABELS,
                                   errors=error.fields, limits=LIMITS), 400
        flash(f"Uppgifterna om {insats.name} är sparade.", "success")
        return redirect(url_for("insatser.insats", insats_id=insats.id))
    values = {field: getattr(insats, field) for field in services.EDITABLE}
    values = {k: "" if v is None else str(v) for k, v in values.items()}
    return render_template("insatser/edit.html", insats=insats, form=values, kinds=KIND_LABELS, errors={},
                           limits=LIMITS)


@blueprint.route("/<int:insats_id>")
@requires("insatser.view")
def insats(insats_id: int):
    insats = _visible(insats_id)
    spend = db.session.scalars(select(Spend).where(Spend.insats_id == insats.id).order_by(Spend.through)).all()
    ratios = {row.id: services.consumption_ratio(row.amount, budget=row.budget, grant=insats.grant_for(row.year),
                                                 through=row.through) for row in spend}
    requisitions = services.requisitions_of(insats)
    # One question per year (a handful over the period): a closed year's requisitions stay.
    closed = {year: meetings_services.year_closed(year) for year in {r.year for r in requisitions}}
    contacts = db.session.scalars(select(User).join(InsatsContact, InsatsContact.user_id == User.id)
                                  .where(InsatsContact.insats_id == insats.id)).all()
    reports = {(r.year, r.quarter): r for r in db.session.scalars(
        select(QuarterlyReport).where(QuarterlyReport.insats_id == insats.id))}
    today = clock.today()
    # Late or not by the Stockholm day the report came in (a back-filled one: the day entered).
    quarters = [(y, q, reports.get((y, q)), services.report_due(y, q),
                 services.is_late(y, q, reports[(y, q)].received if (y, q) in reports else None, today))
                for y, q in reversed(services.quarters_of(insats, today))]
    deviations = db.session.scalars(select(Deviation).where(Deviation.insats_id == insats.id)
                                    .order_by(Deviation.filed_at.desc())).all()
    outcomes = services.outcomes_of(insats)
    goal_results = {period: services.check_goals(insats, period, summary) for period, summary in outcomes.items()}
    decided = db.session.get(Paragraph, insats.decided_paragraph_id) if insats.decided_paragraph_id else None
    return render_template("insatser/insats.html", insats=insats, spend=spend, ratios=ratios, quarters=quarters,
                           decided=decided,
                           goals=services.goals_of(insats), goal_results=goal_results, measures=GOAL_MEASURES,
                           count_tables=services.count_tables(insats), dimensions=COUNT_DIMENSIONS,
                           released={g_.year: services.released(insats, g_.year) for g_ in insats.grants},
                           questions=QUALITY_QUESTIONS, statuses=REPORT_STATUS_LABELS, deviations=deviations,
                           deviation_kinds=DEVIATION_KINDS,
                           requisitions=requisitions, closed=closed, outcomes=outcomes, contacts=contacts,
                           fields=OUTCOME_FIELDS, labels=OUTCOME_LABELS, sexes=SEXES, form=EmptyForm(),
                           today=today)


def _yes(name: str) -> bool:
    value = form.text(name)
    if value not in ("ja", "nej"):
        raise InvalidInput("Svara ja eller nej på alla frågor.", {name: "ja eller nej"})
    return value == "ja"


@blueprint.route("/<int:insats_id>/kvartalsrapport", methods=["POST"])
@requires("insatser.report")
def submit_report(insats_id: int):
    insats = _visible(insats_id)
    form.require_csrf()
    try:
        year, quarter = form.int_field("year", "år"), form.int_field("quarter", "kvartal")
        received_on = form.date_field("received_on", "dagen rapporten kom in", required=False)
        if received_on is not None and not can("reports.backfill"):
            abort(403)
        report = services.submit_report(
            insats, year=year, quarter=quarter, answers={key: _yes(key) for key, _ in QUALITY_QUESTIONS},
            goals_on_track=_yes("goals_on_track"), forecast_met=_yes("forecast_met"),
            deviations=form.text("deviations"), comment=form.text("comment"), user_id=current_user.id,
            received_on=received_on)
        received = report.received
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.insats", insats_id=insats_id, _anchor="kvartalsrapporter")
    late = services.is_late(year, quarter, received)
    flash(f"Kvartalsrapporten för {year} kvartal {quarter} är inlämnad"
          + (f", inkommen {received}" if report.received_on else "")
          + (f" (efter sista dag {services.report_due(year, quarter)})." if late else "."), "success")
    return redirect(url_for("insatser.insats", insats_id=insats_id, _anchor="kvartalsrapporter"))


@blueprint.route("/<int:insats_id>/kvartalsrapport/<int:report_id>/bedomning", methods=["POST"])
@requires("reports.assess")
def assess_report(insats_id: int, report_id: int):
    insats = _visible(insats_id)
    report = get_or_404(QuarterlyReport, report_id)
    form.require_csrf()
    if report.insats_id != insats.id:
        abort(404)
    try:
        services.assess_report(report, form.text("status"), form.text("note"))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.insats", insats_id=insats_id, _anchor="kvartalsrapporter")
    flash(f"Rapporten är bedömd: {report.status_label.lower()}.", "success")
    return redirect(url_for("insatser.insats", insats_id=insats_id, _anchor="kvartalsrapporter"))


@blueprint.route("/<int:insats_id>/avvikelser", methods=["POST"])
@requires("insatser.report")
def file_deviation(insats_id: int):
    insats = _visible(insats_id)
    form.require_csrf()
    try:
        services.file_deviation(insats, kind=form.text("kind"), description=form.text("description"),
                                amount=form.int_field("amount", "belopp", required=False),
                                from_year=form.int_field("from_year", "från år", required=False),
                                to_year=form.int_field("to_year", "till år", required=False))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.insats", insats_id=insats_id, _anchor="avvikelser")
    flash("Avvikelsen är inlämnad till förbundschefen.", "success")
    return redirect(url_for("insatser.insats", insats_id=insats_id, _anchor="avvikelser"))


@blueprint.route("/<int:insats_id>/avvikelser/<int:deviation_id>/beslut", methods=["POST"])
@requires("deviations.decide")
def decide_deviation(insats_id: int, deviation_id: int):
    insats = _visible(insats_id)
    deviation = get_or_404(Deviation, deviation_id)
    form.require_csrf()
    if deviation.insats_id != insats.id:
        abort(404)
    try:
        services.decide_deviation(deviation, insats, approve=form.text("decision") == "approve",
                                  decided_by=current_user.email)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.insats", insats_id=insats_id, _anchor="avvikelser")
    flash(f"Avvikelsen är {deviation.status_label.lower()}.", "success")
    return redirect(url_for("insatser.insats", insats_id=insats_id, _anchor="avvikelser"))


@blueprint.route("/<int:insats_id>/utfall", methods=["POST"])
@requires("insatser.report")
def report_outcome(insats_id: int):
    insats = _visible(insats_id)
    form.require_csrf()
    try:
        counts = {sex: {f: form.int_field(f"{sex}-{f}", f"{OUTCOME_LABELS[f].lower()} ({'kvinnor' if sex == 'women' else 'män'})")
                        for f in OUTCOME_FIELDS} for sex in SEXES}
        summary = services.record_outcome(insats, form.text("period"), counts)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.insats", insats_id=insats_id, _anchor="utfall")
    share = summary["shares"]["work_or_studies"]
    flash(f"Utfallet för {form.text('period')} är sparat"
          + (f": {percent(share)} till arbete eller studier." if share is not None else "."), "success")
    return redirect(url_for("insatser.insats", insats_id=insats_id, _anchor="utfall"))


@blueprint.route("/<int:insats_id>/tabeller", methods=["POST"])
@requires("insatser.report")
def report_counts(insats_id: int):
    insats = _visible(insats_id)
    form.require_csrf()
    dimension = form.text("dimension")
    try:
        if dimension not in COUNT_DIMENSIONS:
            raise InvalidInput("Välj en tabell.", {"dimension": "okänd"})
        rows = {}
        for index, category in enumerate(COUNT_DIMENSIONS[dimension][1]):
            women = form.int_field(f"{dimension}-{index}-women", f"{category}, kvinnor", required=False)
            men = form.int_field(f"{dimension}-{index}-men", f"{category}, män", required=False)
            if women is not None or men is not None:
                rows[category] = {"women": women or 0, "men": men or 0}
        services.record_counts(insats, form.text("period"), dimension, rows)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.insats", insats_id=insats_id, _anchor="tabeller")
    flash(f"Tabellen {COUNT_DIMENSIONS[dimension][0].lower()} för {form.text('period')} är sparad.", "success")
    return redirect(url_for("insatser.insats", insats_id=insats_id, _anchor="tabeller"))


@blueprint.route("/<int:insats_id>/mal", methods=["POST"])
@requires("insatser.edit")
def set_goal(insats_id: int):
    insats = _visible(insats_id)
    form.require_csrf()
    try:
        value = form.text("target").replace(",", ".").rstrip("%").strip()
        try:
            target = float(value)
        except ValueError:
            raise InvalidInput(f"Målet ska vara ett tal i procent, inte \"{value}\".", {"target": "inte ett tal"})
        goal = services.set_goal(insats, form.text("measure"), target)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.insats", insats_id=insats_id, _anchor="utfall")
    flash(f"Målet är satt: {goal.label}.", "success")
    return redirect(url_for("insatser.insats", insats_id=insats_id, _anchor="utfall"))


@blueprint.route("/<int:insats_id>/forbrukning", methods=["POST"])
@requires("insatser.report")
def report_spend(insats_id: int):
    insats = _visible(insats_id)
    form.require_csrf()
    try:
        through = form.date_field("through", "Datum")
        ratio = services.report_spend(insats, through.year, through=through, amount=form.int_field("amount", "utfall i kronor"),
                                      budget=form.int_field("budget", "budget", required=False))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.insats", insats_id=insats_id, _anchor="forbrukning")
    flash("Utfallet är sparat" + (f": förbrukningskvot {percent(ratio)}." if ratio is not None else "."), "success")
    return redirect(url_for("insatser.insats", insats_id=insats_id, _anchor="forbrukning"))


@blueprint.route("/<int:insats_id>/rekvisitioner", methods=["POST"])
@requires("insatser.report")
def requisition(insats_id: int):
    insats = _visible(insats_id)
    form.require_csrf()
    try:
        row = services.requisition(
            insats, year=form.int_field("year", "år"), amount=form.int_field("amount", "belopp"),
            requisitioned_on=form.date_field("requisitioned_on", "rekvisitionens datum", required=False))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.insats", insats_id=insats_id, _anchor="rekvisitioner")
    flash(f"Rekvisitionen på {kronor(row.amount)} kr för {row.year} är registrerad.", "success")
    return redirect(url_for("insatser.insats", insats_id=insats_id, _anchor="rekvisitioner"))


@blueprint.route("/<int:insats_id>/rekvisitioner/<int:requisition_id>/ta-bort", methods=["GET", "POST"])
@requires("insatser.report")
def remove_requisition(insats_id: int, requisition_id: int):
    """A requisition entered by mistake is taken back, after a confirmation; not after the bokslut."""
    insats = _visible(insats_id)
    row = get_or_404(Requisition, requisition_id)
    if row.insats_id != insats.id:
        abort(404)
    back = url_for("insatser.insats", insats_id=insats_id, _anchor="rekvisitioner")
    what = f"Rekvisitionen för {row.year} på {kronor(row.amount)} kr den {row.day}"
    if request.method == "GET" or request.form.get("confirm") != "1":
        blocked = (f"Bokslut för {row.year} är gjort; rekvisitionen står kvar."
                   if meetings_services.year_closed(row.year) else "")
        return confirm_page(title="Ta bort rekvisitionen?", lead=f"{what}, {insats.name}.", blocked=blocked,
                            lines=[f"Rekvisitionen tas bort och {kronor(row.amount)} kr av {row.year} års beviljade "
                                   "medel går att rekvirera igen.",
                                   "Borttagningen står i ändringsloggen."],
                            action=url_for("insatser.remove_requisition", insats_id=insats_id,
                                           requisition_id=requisition_id),
                            button="Ta bort rekvisitionen", back=back)
    form.require_csrf()
    try:
        services.remove_requisition(row)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.insats", insats_id=insats_id, _anchor="rekvisitioner")
    flash(f"{what} är borttagen.", "success")
    return redirect(back)


@blueprint.route("/<int:insats_id>/ansvariga", methods=["POST"])
@requires("insatser.edit")
def add_contact(insats_id: int):
    insats = _visible(insats_id)
    form.require_csrf()
    email = form.text("email").lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    membership = user.membership_in(g.tenant) if user else None
    if membership is None or membership.role != "insatsansvarig":
        flash(f"{email or 'Användaren'} måste först ha rollen insatsansvarig i {g.tenant.short_name}.", "error")
    else:
        services.add_contact(insats, user.id)
        db.session.commit()
        flash(f"{email} är insatsansvarig för {insats.name}.", "success")
    return redirect(url_for("insatser.insats", insats_id=insats_id))


@blueprint.route("/import", methods=["POST"])
@requires("insatser.edit")
def import_outcomes():
    return form.import_job(jobs.import_outcomes, title="Import av utfall", back="insatser.index")


@blueprint.route("/uppfoljning", methods=["POST"])
@requires("followup.print")
def followup_pm():
    form.require_csrf()
    try:
        year, half = form.int_field("year", "år"), form.int_field("half", "halvår")
        if half not in (1, 2):
            raise InvalidInput("Välj första eller andra halvåret.", {"half": "1 eller 2"})
    except DomainError as error:
        return form.back_with_error(error, "insatser.index")
    return form.job_page(jobs.render_followup_pm, title=f"Uppföljning av insatser {year} halvår {half}",
                         year=year, half=half)


# --- applications ---------------------------------------------------------------

def _decision_paragraphs(applications: list[Application]) -> dict[int, list[tuple[int, str, bool]]]:
    """For each application on an agenda whose protokoll is started: the §§ of that meeting it can
    be decided in, its own item's § first and chosen."""
    item_ids = [a.agenda_item_id for a in applications if a.status == "pending" and a.agenda_item_id]
    if not item_ids:
        return {}
    items = {i.id: i for i in db.session.scalars(
        select(AgendaItem).where(AgendaItem.id.in_(item_ids))
        .options(joinedload(AgendaItem.meeting).joinedload(Meeting.minutes).selectinload(Minutes.paragraphs)))}
    found = {}
    for application in applications:
        item = items.get(application.agenda_item_id)
        minutes = item.meeting.minutes if item is not None else None
        if minutes is None or minutes.justerad:
            continue
        found[application.id] = [(p.id, f"§ {p.number} {p.title}", p.item_number == item.number)
                                 for p in minutes.paragraphs]
    return found


def _applications_page(values: dict, status: int = 200, errors: dict | None = None):
    applications = _all_applications()
    items = {i.id: i for i in db.session.scalars(select(AgendaItem).where(AgendaItem.id.in_(
        [a.agenda_item_id for a in applications if a.agenda_item_id])).options(joinedload(AgendaItem.meeting)))}
    return render_template("insatser/applications.html", applications=applications, form=values, kinds=KIND_LABELS,
                           paragraphs=_decision_paragraphs(applications), insatser=_all_insatser(), csrf=EmptyForm(),
                           upcoming=_upcoming_meetings(), agenda_items=items, errors=errors or {}), status


@blueprint.route("/ansokningar", methods=["GET", "POST"])
@requires("applications.create")
def applications():
    if request.method == "POST":
        form.require_csrf()
        try:
            start, end = form.date_field("start", "Startdatum"), form.date_field("end", "Slutdatum")
            services.create_application(
                title=form.text("title"), applicant=form.text("applicant"), kind=form.text("kind") or "individ",
                amounts=_amounts("amount", start.year, end.year), goals=form.text("goals"),
                target_group=form.text("target_group"), start=start, end=end)
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            return _applications_page(request.form, 400, error.fields)
        flash("Ansökan är registrerad och väntar på beslut.", "success")
        return redirect(url_for("insatser.applications"))
    return _applications_page({})


def _upcoming_meetings() -> list[Meeting]:
    """Meetings whose agenda can still take an application: not cancelled, no protokoll yet."""
    started = select(Minutes.meeting_id)
    return list(db.session.scalars(select(Meeting).where(Meeting.date >= clock.today(), Meeting.cancelled_on.is_(None),
                                                         Meeting.id.not_in(started))
                                   .order_by(Meeting.date).options(joinedload(Meeting.body))))


def _all_applications() -> list[Application]:
    return list(db.session.scalars(select(Application).order_by(Application.created_at.desc())))


def _all_insatser() -> list[Insats]:
    return list(db.session.scalars(select(Insats).order_by(Insats.name)))


@blueprint.route("/ansokningar/<int:application_id>/dagordning", methods=["POST"])
@requires("applications.create")
def put_on_agenda(application_id: int):
    application = get_or_404(Application, application_id)
    form.require_csrf()
    try:
        meeting = get_or_404(Meeting, form.int_field("meeting_id", "möte"))
        services.put_on_agenda(application, meeting, recommendation=form.text("recommendation"))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.applications")
    flash(f"Ansökan står på dagordningen till {meeting.body.name.lower()} {meeting.date}.", "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


@blueprint.route("/ansokningar/<int:application_id>/beslut", methods=["POST"])
@requires("applications.decide")
def decide(application_id: int):
    application = get_or_404(Application, application_id)
    form.require_csrf()
    try:
        paragraph_id = form.int_field("paragraph_id", "paragraf")
        paragraph = get_or_404(Paragraph, paragraph_id)
        extends_id = form.int_field("extends_id", "insats som förlängs", required=False)
        years = [int(y) for y in application.amounts]
        amounts = _amounts("decided", min(years), max(years)) or None
        insats = services.decide_application(
            application, paragraph, decision=form.text("decision"), amounts=amounts,
            extends=get_or_404(Insats, extends_id) if extends_id else None)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.applications")
    if insats is None:
        flash(f"Ansökan \"{application.title}\" är avslagen i § {paragraph.number}.", "success")
        return redirect(url_for("insatser.applications"))
    flash(f"Ansökan är beviljad i § {paragraph.number}; insatsen {insats.name} har sina anslag.", "success")
    return redirect(url_for("insatser.insats", insats_id=insats.id))


# --- socialt bokslut and the analysgrupp ------------------------------------------------

@blueprint.route("/socialt-bokslut", methods=["GET", "POST"])
@requires("social.view")
def social_reports():
    if request.method == "POST":
        if not can("social.edit"):
            abort(403)
        form.require_csrf()
        try:
            insats = get_or_404(Insats, form.int_field("insats_id", "plattform"))
            report = social.create_report(insats, form.int_field("year", "år"))
            db.session.commit()
        except DomainError as error:
            return form.back_with_error(error, "insatser.social_reports")
        return redirect(url_for("insatser.social_report", social_report_id=report.id))
    reports = db.session.scalars(select(SocialReport).order_by(SocialReport.year.desc())).all()
    return render_template("insatser/social_reports.html", reports=reports, insatser=_all_insatser(),
                           form=EmptyForm(), today=clock.today())


@blueprint.route("/socialt-bokslut/<int:social_report_id>")
@requires("social.view")
def social_report(social_report_id: int):
    report = get_or_404(SocialReport, social_report_id)
    areas, total = social.report_results(report)
    return render_template("insatser/social_report.html", report=report, areas=areas, total=total,
                           scale=FULFILMENT_SCALE, form=EmptyForm(), rules=social)


@blueprint.route("/socialt-bokslut/<int:social_report_id>/omraden/<int:area_id>", methods=["POST"])
@requires("social.edit")
def social_area(social_report_id: int, area_id: int):
    area = get_or_404(GoalArea, area_id)
    form.require_csrf()
    if area.report_id != social_report_id:
        abort(404)
    try:
        if form.text("code"):
            social.add_question(area, code=form.text("code"), text=form.text("text"),
                                respondents=form.text("respondents"), asked=form.int_field("asked", "tillfrågade"),
                                answered=form.int_field("answered", "svar"),
                                top_three=form.int_field("top_three", "svar i de tre översta stegen"))
        else:
            social.set_area(area, index_points=form.int_field("index_points", "indexpoäng", required=False),
                            assessed_step=form.int_field("assessed_step", "bedömning", required=False))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.social_report", social_report_id=social_report_id, _anchor=f"omrade-{area_id}")
    flash(f"{area.title} är sparat.", "success")
    return redirect(url_for("insatser.social_report", social_report_id=social_report_id, _anchor=f"omrade-{area_id}"))


@blueprint.route("/rekommendationer", methods=["GET", "POST"])
@requires("social.view")
def recommendations():
    if request.method == "POST":
        if not can("social.edit"):
            abort(403)
        form.require_csrf()
        try:
            social.add_recommendation(year=form.int_field("year", "år"), text=form.text("text"),
                                      addressed_to=form.text("addressed_to"))
            db.session.commit()
        except DomainError as error:
            return form.back_with_error(error, "insatser.recommendations")
        flash("Rekommendationen är registrerad.", "success")
        return redirect(url_for("insatser.recommendations"))
    rows = db.session.scalars(select(Recommendation).order_by(Recommendation.year.desc(), Recommendation.number)).all()
    return render_template("insatser/recommendations.html", rows=rows, form=EmptyForm(), today=clock.today(),
                           due=social.follow_up_due)


@blueprint.route("/rekommendationer/<int:recommendation_id>/uppfoljning", methods=["POST"])
@requires("social.edit")
def follow_up_recommendation(recommendation_id: int):
    row = get_or_404(Recommendation, recommendation_id)
    form.require_csrf()
    try:
        social.follow_up(row, text=form.text("follow_up"), on=form.date_field("on", "datum för uppföljningen"))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "insatser.recommendations")
    flash(f"Uppföljningen av rekommendation {row.number} ({row.year}) är sparad.", "success")
    return redirect(url_for("insatser.recommendations"))
