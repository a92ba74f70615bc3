"""Pages of budget against outcome and of the delårsrapport and årsredovisning."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from finsam_saas.economy.views import blueprint
from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform import formdata as form
from finsam_saas.platform.auth import can, requires
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform.rules import DomainError, InvalidInput
from finsam_saas.platform.years import data_years, default_year
from finsam_saas.economy import jobs as economy_jobs, outcome as outcome_rules, reports as report_rules
from finsam_saas.economy.models import SECTION_LABELS, Budget, FinancialReport, LineOutcome


@blueprint.route("/utfall", methods=["GET", "POST"])
@requires("economy.view")
def outcome():
    year = request.args.get("ar", type=int) or default_year(clock.today().year, data_years(LineOutcome.year, Budget.year))
    if request.method == "POST":
        if not can("economy.edit"):
            abort(403)
        form.require_csrf()
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename.lower().endswith((".csv", ".xlsx")):
                raise InvalidInput("Välj en CSV- eller XLSX-fil från bokföringen.", {"file": "saknas"})
            count = outcome_rules.import_outcome(year, upload.read(), upload.filename)
            db.session.commit()
        except DomainError as error:
            return form.back_with_error(error, "economy.outcome", ar=year)
        flash(f"{count} rader utfall för {year} är inlästa.", "success")
        return redirect(url_for("economy.outcome", ar=year))
    rows = outcome_rules.budget_vs_outcome(year)
    return render_template("economy/outcome.html", year=year, rows=rows, labels=SECTION_LABELS, form=EmptyForm(),
                           years=data_years(LineOutcome.year, Budget.year))


@blueprint.route("/rapporter", methods=["GET", "POST"])
@requires("economy.view")
def financial_reports():
    if request.method == "POST":
        if not can("economy.edit"):
            abort(403)
        form.require_csrf()
        try:
            row = report_rules.save_report(
                year=form.int_field("year", "år"), kind=form.text("kind"),
                income=form.int_field("income", "intäkter"), costs=form.int_field("costs", "kostnader"),
                equity=form.int_field("equity", "eget kapital", allow_negative=True),
                total_assets=form.int_field("total_assets", "totalt kapital"),
                current_assets=form.int_field("current_assets", "omsättningstillgångar"),
                short_term_liabilities=form.int_field("short_term_liabilities", "kortfristiga skulder"))
            db.session.commit()
        except DomainError as error:
            return form.back_with_error(error, "economy.financial_reports")
        return form.job_page(economy_jobs.render_financial_report,
                             title=f"{report_rules.KINDS[row.kind]} {row.year}", report_id=row.id)
    rows = db.session.scalars(select(FinancialReport).order_by(FinancialReport.year.desc())).all()
    return render_template("economy/financial_reports.html", rows=rows, kinds=report_rules.KINDS,
                           soliditet=report_rules.soliditet, kassalikviditet=report_rules.kassalikviditet,
                           form=EmptyForm(), today=clock.today())
