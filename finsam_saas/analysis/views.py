"""Analysis pages: comparisons with other förbund and the nation, publishing, SCB's
helårsekvivalenter, the medlemssamråd's page, and joint projects."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from finsam_saas.platform import clock
from finsam_saas.platform.years import data_years, default_year, year_arg
from finsam_saas.analysis import compare, documents, helars, jobs, numbers, projects, publishing
from finsam_saas.analysis.models import Publication
from finsam_saas.analysis.publishing import ALL, DIMENSION_LABELS, MEASURES
from finsam_saas.extensions import db
from finsam_saas.insatser.models import Grant, Recommendation
from finsam_saas.platform import formdata as form
from finsam_saas.platform.auth import BOARD, STAFF, register_permissions, requires
from finsam_saas.platform.charts import bar_chart, line_chart
from finsam_saas.platform.formatting import figure
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.rules import DomainError, InvalidInput
from finsam_saas.platform.web import NavItem, confirm_page, get_or_404, register_navigation, tenant_blueprint

register_permissions({
    "analysis.view": BOARD,
    "analysis.publish": STAFF,
    "analysis.import": STAFF,
    "analysis.projects": STAFF,
})

blueprint = tenant_blueprint("analysis", __name__, "/analys")

register_navigation("Analys", [
    NavItem("Jämförelser", "analysis.index", "analysis.view", ("forbund",)),
    NavItem("Helårsekvivalenter", "analysis.helarsekvivalenter", "analysis.view", ("forbund",)),
    NavItem("Medlemssamråd", "analysis.member_report", "analysis.view", ("forbund",)),
    NavItem("Publicera", "analysis.publish_page", "analysis.publish", ("forbund",)),
    NavItem("Gemensamma projekt", "analysis.projects_page", "analysis.view", ("forbund",)),
])

UNIT_SUFFIX = documents.UNIT_SUFFIX


def _only_forbund():
    if g.tenant.kind != "forbund":
        abort(404)


blueprint.before_request(_only_forbund)




# --- comparisons -------------------------------------------------------------------

def _measure_and_dimension() -> tuple[str, str]:
    measure = request.args.get("matt") or "andel_arbete_studier"
    dimension = request.args.get("indelning") or ALL
    if measure not in MEASURES or dimension not in DIMENSION_LABELS:
        abort(404)
    return measure, dimension


@blueprint.route("/")
@requires("analysis.view")
def index():
    """One year's comparison of every förbund that published, and the förbund beside the average over the years."""
    measure, dimension = _measure_and_dimension()
    trend = compare.trend(measure, dimension)
    periods = trend.periods[::-1]  # the years this measure is published for, latest first
    period = request.args.get("ar") or (periods[0] if periods else str(clock.today().year - 1))
    comparison = trend.comparison(period)
    unit = UNIT_SUFFIX[MEASURES[measure][1]]
    own = comparison.own(g.tenant.id)
    bars = bar_chart(f"{comparison.label} {period}", [e.name for e in comparison.entries],
                     [(comparison.label, [e.value for e in comparison.entries])], unit=unit) if comparison.entries else None
    own_series = trend.series.get(g.tenant.short_name, {})
    lines = line_chart(f"{trend.label} över åren", trend.periods,
                       [(g.tenant.short_name, [own_series.get(p) for p in trend.periods]),
                        ("Snitt för förbund som publicerat", [trend.averages.get(p) for p in trend.periods])],
                       unit=unit) if trend.periods else None
    return render_template("analysis/index.html", measures=MEASURES, dimensions=DIMENSION_LABELS, measure=measure,
                           dimension=dimension, period=period, periods=periods, comparison=comparison, own=own,
                           trend=trend, own_series=own_series, bars=bars, lines=lines, unit=MEASURES[measure][1])


@blueprint.route("/over-aren")
@requires("analysis.view")
def trend_table():
    """Every förbund's published value of the measure, year by year: the whole table behind the trend."""
    measure, dimension = _measure_and_dimension()
    trend = compare.trend(measure, dimension)
    unit = MEASURES[measure][1]
    return render_template("analysis/trend.html", trend=trend, measure=measure, dimension=dimension, unit=unit,
                           dimension_label=DIMENSION_LABELS[dimension],
                           rows=[(name, [figure(values.get(p), unit) for p in trend.periods])
                                 for name, values in trend.series.items()],
                           cell_break=Markup('</td><td class="num">'))


# --- publishing ------------------------------------------------------------------------

@blueprint.route("/publicera")
@requires("analysis.publish")
def publish_page():
    year = year_arg() or default_year(clock.today().year - 1, data_years(Grant.year))
    try:
        draft = publishing.draft(year, g.tenant)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("analysis.publish_page"))
    return render_template("analysis/publish.html", year=year, draft=draft, units=MEASURES,
                           publications=publishing.publications_of(g.tenant.id))


@blueprint.post("/publicera")
@requires("analysis.publish")
def publish():
    year = request.form.get("year", type=int) or 0
    return form.act(f"Siffrorna för {year} är publicerade.", "analysis.publish_page",
                 lambda: publishing.publish(g.tenant, year, by=current_user.email), ar=year)


@blueprint.post("/publiceringar/<int:publication_id>/aterkalla")
@requires("analysis.publish")
def withdraw(publication_id: int):
    publication = db.session.get(Publication, publication_id)
    if publication is None or publication.tenant_id != g.tenant.id:
        abort(404)
    return form.act(f"Publiceringen för {publication.period} är återkallad och syns inte längre.", "analysis.publish_page",
                 lambda: publishing.withdraw(publication, by=current_user.email))


# --- helårsekvivalenter ------------------------------------------------------------------

@blueprint.route("/helarsekvivalenter")
@requires("analysis.view")
def helarsekvivalenter():
    kommuner = helars.own_kommuner()
    table = helars.shares(kommuner)
    periods = sorted({(r.year, r.half) for rows in table.values() for r in rows})
    labels = [f"{y}H{h}" for y, h in periods]
    series = []
    for name, rows in table.items():
        by_period = {(r.year, r.half): r.share for r in rows}
        series.append((name, [by_period.get(p) for p in periods]))
    chart = line_chart("Helårsekvivalenter som andel av befolkningen 20–64 år", labels, series, unit="%") if periods else None
    return render_template("analysis/helars.html", table=table, chart=chart, number=numbers.decimal_sv)


@blueprint.post("/helarsekvivalenter")
@requires("analysis.import")
def import_helarsekvivalenter():
    return form.import_job(jobs.import_helarsekvivalenter, title="Import av helårsekvivalenter", back="analysis.helarsekvivalenter")


# --- the medlemssamråd's page -------------------------------------------------------------

@blueprint.route("/medlemssamrad")
@requires("analysis.view")
def member_report():
    periods = compare.published_periods()
    period = request.args.get("ar") or (periods[0] if periods else str(clock.today().year - 1))
    return render_template("analysis/member_report.html", periods=periods,
                           **documents.member_report_context(g.tenant, period))


@blueprint.post("/medlemssamrad")
@requires("analysis.view")
def member_report_pdf():
    form.require_csrf()
    period = form.text("period")
    if not (len(period) == 4 and period.isdigit()):
        flash("Välj ett år.", "error")
        return redirect(url_for("analysis.member_report"))
    return form.job_page(jobs.render_member_report, title=f"Medlemssamråd {period}: jämförelse", period=period)


# --- joint projects --------------------------------------------------------------------------

def _project(project_id: int):
    project = projects.project_for(g.tenant.id, project_id)
    if project is None:
        abort(404)
    return project


def _owned_project(project_id: int):
    """The project for its owner: 404 for a förbund outside it (it cannot know it exists), 403 for a partner."""
    project = _project(project_id)
    if project.owner_tenant_id != g.tenant.id:
        abort(403)
    return project


def _project_fields() -> dict:
    """The project form's fields; an empty rate means no rate (hours ej värderade), empty amounts 0.
    Signs are left to projects._checked, which names every wrong field at once."""
    def amount(name: str, label: str) -> int | None:
        return form.int_field(name, label, required=False, allow_negative=True)
    return {"name": form.text("name"), "description": request.form.get("description", ""),
            "start": form.date_field("start", "start"), "end": form.date_field("end", "slut"),
            "budget": amount("budget", "budget") or 0, "external_funding": amount("external_funding", "externt stöd") or 0,
            "hour_value": amount("hour_value", "värde per timme")}


@blueprint.route("/projekt")
@requires("analysis.view")
def projects_page():
    return render_template("analysis/projects.html", projects=projects.visible_projects(g.tenant.id))


@blueprint.post("/projekt")
@requires("analysis.projects")
def create_project():
    def action():
        return projects.create_project(g.tenant, **_project_fields())
    return form.act("Projektet är skapat; förbundet är dess ägare och första partner.", "analysis.projects_page", action,
                    then=lambda project: url_for("analysis.project", project_id=project.id))


@blueprint.route("/projekt/<int:project_id>")
@requires("analysis.view")
def project(project_id: int):
    project_ = _project(project_id)
    year = year_arg()
    partner_tenants = projects.partner_tenant_ids(project_)
    shared = compare.project_figures(partner_tenants)
    own_recommendations = list(db.session.scalars(select(Recommendation).order_by(Recommendation.year.desc(),
                                                                                  Recommendation.number)))
    tenants = list(db.session.scalars(select(Tenant).where(Tenant.kind == "forbund").order_by(Tenant.name)))
    report = projects.report(project_, year)
    return render_template(
        "analysis/project.html", project=project_, year=year, report=report, totals=projects.totals(report),
        hours=projects.hours_of(project_), shared=shared, recommendations=projects.shared_recommendations(project_),
        own_recommendations=own_recommendations, tenants=tenants, is_owner=project_.owner_tenant_id == g.tenant.id,
        recordable=[p for p in project_.partners if projects.may_record_for(project_, p, g.tenant.id)],
        pledgeable=[p for p in project_.partners if projects.may_pledge_for(project_, p, g.tenant.id)],
        number=numbers.decimal_sv,
        years=list(range(project_.start.year, project_.end.year + 1)), measures=MEASURES, today=clock.today(),
    )


def _partner_for_recording(project_):
    partner = projects.partner_in(project_, form.int_field("partner_id", "partner"))
    if not projects.may_record_for(project_, partner, g.tenant.id):
        raise InvalidInput(f"{g.tenant.short_name} kan inte registrera för {partner.name}.", {"partner_id": "annan partner"})
    return partner


@blueprint.post("/projekt/<int:project_id>/andra")
@requires("analysis.projects")
def edit_project(project_id: int):
    """The owner changes the project: every field at once, all or nothing."""
    project_ = _owned_project(project_id)
    return form.act("Projektet är ändrat.", "analysis.project",
                    lambda: projects.update_project(project_, g.tenant.id, **_project_fields()), project_id=project_id)


@blueprint.post("/projekt/<int:project_id>/partner/andra")
@requires("analysis.projects")
def rename_partner(project_id: int):
    project_ = _owned_project(project_id)
    return form.act("Partnerns namn är ändrat.", "analysis.project", lambda: projects.rename_partner(
        project_, projects.partner_in(project_, form.int_field("partner_id", "partner")), form.text("name")),
        project_id=project_id)


@blueprint.post("/projekt/<int:project_id>/partner/ta-bort")
@requires("analysis.projects")
def remove_partner(project_id: int):
    """Taking a partner out loses its pledges: the page says so and asks first."""
    project_ = _owned_project(project_id)
    if request.form.get("confirm") != "1":
        try:
            partner = projects.partner_in(project_, form.int_field("partner_id", "partner"))
        except DomainError as error:
            return form.back_with_error(error, "analysis.project", project_id=project_id)
        return confirm_page(
            title=f"Ta bort {partner.name} ur projektet?", lead=f"{project_.name}.",
            lines=[f"{partner.name} tas bort ur projektet, med sina åtaganden för alla år.",
                   "Läggs partnern till igen börjar åtagandena från noll."],
            action=url_for("analysis.remove_partner", project_id=project_id), button=f"Ta bort {partner.name}",
            back=url_for("analysis.project", project_id=project_id), hidden={"partner_id": partner.id})
    return form.act("Partnern är borttagen ur projektet.", "analysis.project", lambda: projects.remove_partner(
        project_, projects.partner_in(project_, form.int_field("partner_id", "partner"))), project_id=project_id)


@blueprint.post("/projekt/<int:project_id>/partner")
@requires("analysis.projects")
def add_partner(project_id: int):
    project_ = _owned_project(project_id)

    def action():
        tenant_id = form.int_field("tenant_id", "förbund", required=False)
        tenant = db.session.get(Tenant, tenant_id) if tenant_id else None
        projects.add_partner(project_, name=form.text("name"), tenant=tenant)
    return form.act("Partnern är tillagd.", "analysis.project", action, project_id=project_id)


@blueprint.post("/projekt/<int:project_id>/atagande")
@requires("analysis.projects")
def pledge(project_id: int):
    project_ = _project(project_id)

    def partner():
        found = projects.partner_in(project_, form.int_field("partner_id", "partner"))
        if not projects.may_pledge_for(project_, found, g.tenant.id):
            raise InvalidInput(f"{g.tenant.short_name} kan inte ange åtagande för {found.name}; det gör "
                               f"{found.name} eller projektets ägare.", {"partner_id": "annan partner"})
        return found
    return form.act("Åtagandet är sparat.", "analysis.project", lambda: projects.pledge(
        project_, partner(), year=form.int_field("year", "år"),
        cash=form.int_field("cash", "kontant medfinansiering", required=False) or 0,
        in_kind=form.int_field("in_kind", "medfinansiering i annat än pengar", required=False) or 0),
        project_id=project_id)


@blueprint.post("/projekt/<int:project_id>/kontant")
@requires("analysis.projects")
def record_cash(project_id: int):
    project_ = _project(project_id)
    return form.act("Insatsen i pengar är registrerad.", "analysis.project", lambda: projects.record_cash(
        project_, _partner_for_recording(project_), year=form.int_field("year", "år"),
        amount=form.int_field("amount", "belopp"), note=form.text("note"), by=current_user.email),
        project_id=project_id)


@blueprint.post("/projekt/<int:project_id>/timmar")
@requires("analysis.projects")
def log_hours(project_id: int):
    project_ = _project(project_id)

    def action():
        month_text = form.text("month")
        try:
            month = date.fromisoformat(f"{month_text}-01" if len(month_text) == 7 else month_text)
        except ValueError:
            raise InvalidInput(f"Månaden ska skrivas ÅÅÅÅ-MM, inte \"{month_text}\".", {"month": "ogiltig månad"}) from None
        hours_text = form.text("hours").replace(",", ".")
        try:
            hours = float(hours_text)
        except ValueError:
            raise InvalidInput(f"Timmar ska vara ett tal, inte \"{hours_text}\".", {"hours": "inte ett tal"}) from None
        projects.log_hours(project_, _partner_for_recording(project_), person=form.text("person"), month=month,
                           hours=hours, by=current_user.email)
    return form.act("Timmarna är loggade.", "analysis.project", action, project_id=project_id)


@blueprint.post("/projekt/<int:project_id>/rekommendation")
@requires("analysis.projects")
def share_recommendation(project_id: int):
    project_ = _project(project_id)

    def action():
        recommendation = get_or_404(Recommendation, form.int_field("recommendation_id", "rekommendation"))
        projects.share_recommendation(project_, g.tenant.id, recommendation)
    return form.act("Rekommendationen är delad med projektet.", "analysis.project", action, project_id=project_id)
