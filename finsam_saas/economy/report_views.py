"""Pages of budget against outcome and of the delårsrapport and årsredovisning."""
from __future__ import annotations

from datetime import date

from flask import abort, g, render_template, request, url_for
from sqlalchemy import select

from finsam_saas.economy.views import blueprint
from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform import formdata as form
from finsam_saas.platform.auth import can, requires
from finsam_saas.platform.files import safe_filename, store_upload
from finsam_saas.platform.tables import check_import_size, import_limit
from finsam_saas.platform.web import confirm_page, get_or_404
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform.rules import DomainError, InvalidInput
from finsam_saas.platform.years import data_years, default_year, year_arg
from finsam_saas.economy import bookkeeping, jobs as economy_jobs, outcome as outcome_rules, reports as report_rules
from finsam_saas.economy.models import SECTION_LABELS, Budget, BookkeepingImport, FinancialReport, LineOutcome


@blueprint.route("/utfall", methods=["GET", "POST"])
@requires("economy.view")
def outcome():
    year = year_arg() or default_year(clock.today().year, data_years(LineOutcome.year, Budget.year))
    if request.method == "POST":
        if not can("economy.edit"):
            abort(403)
        # Read by a job, like every import: the file is bounded and parsed off the request.
        return form.import_job(economy_jobs.import_outcome, title=f"Utfall {year}", back="economy.outcome",
                               back_values={"ar": year}, year=year)
    rows = outcome_rules.budget_vs_outcome(year)
    imports = bookkeeping.imports_of(year)
    return render_template("economy/outcome.html", year=year, rows=rows, labels=SECTION_LABELS, form=EmptyForm(),
                           years=data_years(LineOutcome.year, Budget.year), latest_import=imports[-1] if imports else None)


SIE_SUFFIXES = (".se", ".si", ".sie")


def _period_arg() -> date | None:
    value = request.args.get("period") or ""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        abort(404)


@blueprint.route("/bokforing", methods=["GET", "POST"])
@requires("economy.view")
def bookkeeping_page():
    """The year's SIE imports, the chosen period's resultaträkning and balansräkning, and the upload."""
    if request.method == "POST":
        if not can("economy.edit"):
            abort(403)
        form.require_csrf()
        upload = request.files.get("file")
        try:
            year = form.int_field("year", "år")
            through = form.date_field("through", "periodens slut", required=False)
            if upload is None or not upload.filename:
                raise InvalidInput("Välj SIE-filen från bokföringen (typ 4, filnamn som slutar på .se).", {"file": "saknas"})
            name = safe_filename(upload.filename)
            if not name.lower().endswith(SIE_SUFFIXES):
                raise InvalidInput(f"\"{name}\" är ingen SIE-fil: exportera SIE typ 4 (.se) från bokföringen.",
                                   {"file": "fel filtyp"})
            # Bounded like every import (IMPORT_MAX_BYTES) before it is stored; a byte past the bound tells a larger file.
            content = upload.read(import_limit("IMPORT_MAX_BYTES") + 1)
            check_import_size(content, name)
        except DomainError as error:
            return form.back_with_error(error, "economy.bookkeeping_page", ar=year_arg())
        relative = store_upload(g.tenant.slug, "imports", content, name)
        return form.job_page(economy_jobs.import_sie, title=f"Bokföring {year} från {name}",
                             back=url_for("economy.bookkeeping_page", ar=year), path=relative,
                             filename=name, year=year, through=through.isoformat() if through else None)
    years = data_years(BookkeepingImport.year)
    year = year_arg() or default_year(clock.today().year, years)
    imports = bookkeeping.imports_of(year)
    wanted = _period_arg()
    chosen = next((i for i in imports if i.period_end == wanted), None) if wanted else (imports[-1] if imports else None)
    if wanted and chosen is None:
        abort(404)
    return render_template("economy/bookkeeping.html", year=year, years=years, imports=imports, chosen=chosen,
                           figures=bookkeeping.statements(chosen) if chosen else None, form=EmptyForm(),
                           own_plan=bookkeeping.has_own_plan(), kinds=report_rules.KINDS)


PLAN_ROWS_FREE = 5  # empty rows offered below the plan, to add rules


@blueprint.route("/kontoplan", methods=["GET", "POST"])
@requires("economy.view")
def account_plan():
    """The tenant's account plan: account ranges → budget lines or balance-sheet groups."""
    if request.method == "POST":
        if not can("economy.edit"):
            abort(403)
        if request.form.get("reset"):
            if request.form.get("confirm") != "1":
                return confirm_page(
                    title="Återställ kontoplanen till standarden?",
                    lines=["Förbundets egna regler i kontoplanen tas bort och standarden för kommunal BAS gäller.",
                           "Redan inläst bokföring ändras inte; nästa inläsning följer standarden."],
                    action=url_for("economy.account_plan"), button="Återställ till standarden",
                    back=url_for("economy.account_plan"), hidden={"reset": "1"})
            return form.act("Kontoplanen följer nu standarden för kommunal BAS.", "economy.account_plan",
                            bookkeeping.reset_plan)

        def save():
            rules = []
            for index in range(int(request.form.get("rows") or 0)):
                first = form.text(f"first_{index}")
                if not first and not form.text(f"last_{index}"):
                    continue  # an empty row, or a rule cleared to remove it
                rules.append(bookkeeping.check_rule(len(rules) + 1, first, form.text(f"last_{index}"),
                                                    form.text(f"target_{index}"), form.text(f"name_{index}")))
            bookkeeping.save_plan(rules)

        return form.act("Kontoplanen är sparad. Den gäller från nästa inläsning av bokföringen.", "economy.account_plan",
                        save)
    rules = bookkeeping.plan()
    year = clock.today().year
    names = sorted({name for (_section, name) in bookkeeping.budget_lines(year)}
                   | {name for (_section, name) in bookkeeping.budget_lines(year + 1)})
    return render_template("economy/bookkeeping_plan.html", rules=rules, free=PLAN_ROWS_FREE, targets=bookkeeping.TARGET_LABELS,
                           own_plan=bookkeeping.has_own_plan(), names=names, form=EmptyForm())


@blueprint.route("/rapporter", methods=["GET", "POST"])
@requires("economy.view")
def financial_reports():
    if request.method == "POST":
        if not can("economy.edit"):
            abort(403)
        form.require_csrf()
        try:
            if request.form.get("import_id"):
                imported = get_or_404(BookkeepingImport, form.int_field("import_id", "bokföringen"))
                row = report_rules.report_from_import(imported, form.text("kind"))
            else:
                row = report_rules.save_report(
                    year=form.int_field("year", "år"), kind=form.text("kind"),
                    income=form.int_field("income", "intäkter"), costs=form.int_field("costs", "kostnader"),
                    equity=form.int_field("equity", "eget kapital", allow_negative=True),
                    total_assets=form.int_field("total_assets", "totalt kapital"),
                    current_assets=form.int_field("current_assets", "omsättningstillgångar"),
                    short_term_liabilities=form.int_field("short_term_liabilities", "kortfristiga skulder"),
                    period_end=form.date_field("period_end", "delårsperiodens slut", required=False))
            db.session.commit()
        except DomainError as error:
            return form.back_with_error(error, "economy.financial_reports")
        return form.job_page(economy_jobs.render_financial_report,
                             title=f"{report_rules.KINDS[row.kind]} {row.year}", report_id=row.id,
                             back=url_for("economy.financial_reports"))
    rows = db.session.scalars(select(FinancialReport).order_by(FinancialReport.year.desc(), FinancialReport.kind)).all()
    imports = db.session.scalars(select(BookkeepingImport).order_by(BookkeepingImport.year.desc(),
                                                                    BookkeepingImport.period_end.desc())).all()
    return render_template("economy/financial_reports.html", rows=rows, kinds=report_rules.KINDS, imports=imports,
                           soliditet=report_rules.soliditet, kassalikviditet=report_rules.kassalikviditet,
                           form=EmptyForm(), today=clock.today())


@blueprint.post("/rapporter/<int:report_id>/pdf")
@requires("economy.view")
def financial_report_pdf(report_id: int):
    """A made report as its PDF again (a job), for anyone who reads the economy."""
    row = get_or_404(FinancialReport, report_id)
    form.require_csrf()
    return form.job_page(economy_jobs.render_financial_report, title=f"{report_rules.KINDS[row.kind]} {row.year}",
                         report_id=row.id, back=url_for("economy.financial_reports"))
