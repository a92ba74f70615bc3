"""Delårsrapport and årsredovisning [001 6.1–6.6, 003]: built from the bookkeeping's SIE import of
the period (resultaträkning, balansräkning, key figures, budget against outcome per line and
per insats), with the four-year overview from the tenant's earlier reports of the same kind and
charts; rendered as PDF/A by a job. Typing the six totals by hand remains for an earlier year
without a SIE file, so that its figures can stand in the overview.

Amounts in whole kronor; percentages with one decimal, half up (platform.rounding.share).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from finsam_saas.economy import bookkeeping, outcome, services
from finsam_saas.economy.models import SECTIONS, BookkeepingImport, FinancialReport
from finsam_saas.extensions import db
from finsam_saas.insatser.models import Insats
from finsam_saas.platform.charts import bar_chart
from finsam_saas.platform.rounding import share
from finsam_saas.platform.rules import InvalidInput

KINDS = {"delar": "Delårsrapport", "helar": "Årsredovisning"}


def soliditet(equity: int, total_assets: int) -> float | None:
    """Eget kapital as a percent of totalt kapital [003 förvaltningsberättelse, note 1]; None
    without capital."""
    return share(equity, total_assets)


def kassalikviditet(current_assets: int, short_term_liabilities: int) -> float | None:
    """Omsättningstillgångar as a percent of kortfristiga skulder [003, note 2]; None without
    short-term liabilities."""
    return share(current_assets, short_term_liabilities)


def _row(year: int, kind: str) -> FinancialReport | None:
    return db.session.scalar(select(FinancialReport).where(FinancialReport.year == year, FinancialReport.kind == kind))


def save_report(*, year: int, kind: str, income: int, costs: int, equity: int, total_assets: int, current_assets: int,
                short_term_liabilities: int, period_end: date | None = None) -> FinancialReport:
    """A report of an earlier year typed by hand (kronor, costs positive; a delårsrapport with the
    day its period ends), for the four-year overview of the reports built from SIE files. Raises
    InvalidInput for an impossible balance, a period end outside the year, or a year whose
    bookkeeping is imported (its report is made from the file, so two sets of figures never meet)."""
    if kind not in KINDS:
        raise InvalidInput("Välj delårsrapport eller årsredovisning.", {"kind": "okänd"})
    if bookkeeping.imports_of(year):
        raise InvalidInput(f"Bokföringen för {year} är inläst från SIE: gör rapporten från den i stället för att skriva "
                           "in nyckeltalen.", {"year": "bokföring inläst"})
    if kind == "helar":
        period_end = date(year, 12, 31)
    elif period_end is not None and not (period_end.year == year and period_end < date(year, 12, 31)):
        raise InvalidInput(f"Delårsperiodens slut ska ligga i {year}, före årets sista dag.", {"period_end": "utanför året"})
    values = {"income": income, "costs": costs, "total_assets": total_assets, "current_assets": current_assets,
              "short_term_liabilities": short_term_liabilities}
    for name, value in values.items():
        if value < 0:
            raise InvalidInput("Beloppen anges som positiva kronor.", {name: "negativt"})
    if current_assets > total_assets:
        raise InvalidInput("Omsättningstillgångarna kan inte vara större än de totala tillgångarna.",
                           {"current_assets": "större än totalt"})
    if equity > total_assets:
        raise InvalidInput("Eget kapital kan inte vara större än det totala kapitalet.", {"equity": "större än totalt"})
    row = _row(year, kind)
    if row is None:
        row = FinancialReport(year=year, kind=kind)
        db.session.add(row)
    for name, value in {**values, "equity": equity}.items():
        setattr(row, name, value)
    row.source, row.period_end = "hand", period_end
    db.session.flush()
    return row


def report_from_import(imported: BookkeepingImport, kind: str) -> FinancialReport:
    """The year's delårsrapport or årsredovisning from the SIE import of its period: no totals
    typed. An årsredovisning needs the whole year; a delårsrapport a period that ends before it.
    Raises InvalidInput otherwise."""
    if kind not in KINDS:
        raise InvalidInput("Välj delårsrapport eller årsredovisning.", {"kind": "okänd"})
    year_end = date(imported.year, 12, 31)
    if kind == "helar" and imported.period_end != year_end:
        raise InvalidInput(f"En årsredovisning bygger på hela året, men bokföringen är inläst till och med "
                           f"{imported.period_end.isoformat()}. Läs in SIE-filen för hela {imported.year}.", {"kind": "perioden"})
    if kind == "delar" and imported.period_end == year_end:
        raise InvalidInput(f"Bokföringen är inläst för hela {imported.year}: välj årsredovisning.", {"kind": "perioden"})
    figures = bookkeeping.statements(imported)
    row = _row(imported.year, kind)
    if row is None:
        row = FinancialReport(year=imported.year, kind=kind)
    row.source, row.period_end = "sie", imported.period_end
    bookkeeping.copy_totals(row, figures)
    db.session.add(row)
    db.session.flush()
    return row


@dataclass(frozen=True)
class ReportLine:
    """A budget line (or insats) beside the period's outcome: budget for the year, its linear
    share for the period, outcome, all kronor."""

    section: str
    name: str
    budget: int | None
    period_budget: int | None
    outcome: int | None

    @property
    def deviation(self) -> int | None:
        if self.period_budget is None or self.outcome is None:
            return None
        return self.outcome - self.period_budget

    @property
    def ratio(self) -> float | None:
        """Förbrukningskvot: outcome against the period's budget, percent [003]."""
        if self.outcome is None or self.period_budget is None:
            return None
        return share(self.outcome, self.period_budget, 0)


def budget_against_outcome(year: int, outcomes: dict[tuple[str, str], int], months: int) -> list[ReportLine]:
    """Every budget line of the year and every outcome line, in the sections' order."""
    budgeted = bookkeeping.budget_lines(year)
    keys = list(budgeted) + [k for k in outcomes if k not in budgeted]
    order = {s: i for i, s in enumerate(SECTIONS)}
    keys.sort(key=lambda k: order.get(k[0], len(order)))
    return [ReportLine(section, name, budgeted.get((section, name)),
                       bookkeeping.period_budget(budgeted.get((section, name)), months), outcomes.get((section, name)))
            for section, name in keys]


def insatser_against_outcome(year: int, outcomes: dict[tuple[str, str], int], months: int) -> list[ReportLine]:
    """Per insats: budget the insatser-section budget line of its name, else its grant for the
    year; outcome the imported outcome of that line. Insatser with neither budget nor outcome in
    the year are left out."""
    budgeted = bookkeeping.budget_lines(year)
    rows = []
    for insats in db.session.scalars(select(Insats).options(selectinload(Insats.grants)).order_by(Insats.name)):
        budget = budgeted.get(("insatser", insats.name))
        if budget is None:
            budget = insats.grant_for(year) or None
        spent = outcomes.get(("insatser", insats.name))
        if budget is None and spent is None:
            continue
        rows.append(ReportLine("insatser", insats.name, budget, bookkeeping.period_budget(budget, months), spent))
    return rows


def _column(report: FinancialReport) -> dict:
    result = report.income - report.costs
    return {"year": report.year, "label": report.period_end.isoformat() if report.period_end and report.kind == "delar" else str(report.year),
            "income": report.income, "costs": -report.costs, "result": result, "equity": report.equity,
            "soliditet": soliditet(report.equity, report.total_assets),
            "kassalikviditet": kassalikviditet(report.current_assets, report.short_term_liabilities)}


def overview(row: FinancialReport) -> list[dict]:
    """The four-year overview [003 förvaltningsberättelse]: this report and the tenant's reports of
    the same kind for the three years before (delårsrapporter beside delårsrapporter, as seed 003
    sets 21-06-30 beside 20-06-30), each year with its result, equity, soliditet and kassalikviditet;
    a year without a report shows empty."""
    years = list(range(row.year - 3, row.year + 1))
    found = {r.year: r for r in db.session.scalars(select(FinancialReport).where(
        FinancialReport.kind == row.kind, FinancialReport.year.in_(years)))}
    found[row.year] = row
    return [_column(found[y]) if y in found else {"year": y, "label": str(y), "income": None, "costs": None,
                                                  "result": None, "equity": None, "soliditet": None,
                                                  "kassalikviditet": None}
            for y in reversed(years)]


def report_context(row: FinancialReport, settings: dict) -> dict:
    imported = bookkeeping.import_for(row.year, row.period_end) if row.source == "sie" and row.period_end else None
    if imported is not None:
        figures = bookkeeping.statements(imported)
        outcomes = bookkeeping.line_outcomes(imported)
        months = bookkeeping.months_elapsed(imported)
        period = f"{imported.period_start.isoformat()}–{imported.period_end.isoformat()}"
    else:
        figures = None
        outcomes = {(c.section, c.name): c.outcome for c in outcome.budget_vs_outcome(row.year) if c.outcome is not None}
        months = 12
        period = str(row.year)
    lines = budget_against_outcome(row.year, outcomes, months)
    insatser = insatser_against_outcome(row.year, outcomes, months)
    columns = overview(row)
    charts = []
    with_both = [c for c in lines if c.period_budget is not None and c.outcome is not None]
    if with_both:
        charts.append(bar_chart(f"Budget och utfall {period}", [c.name for c in with_both],
                                [("Budget för perioden", [c.period_budget / 1000 for c in with_both]),
                                 ("Utfall", [c.outcome / 1000 for c in with_both])]))
    ceiling = services.equity_ceiling(row.year, settings)
    shown = [c for c in reversed(columns) if c["equity"] is not None]
    if shown:
        charts.append(bar_chart("Eget kapital och taket", [c["label"] for c in shown],
                                [("Eget kapital", [c["equity"] / 1000 for c in shown])]
                                + ([("Tak", [ceiling / 1000 for _ in shown])] if ceiling else [])))
    return {"report": row, "title": KINDS[row.kind], "period": period, "imported": imported, "figures": figures,
            "result": row.income - row.costs, "soliditet": soliditet(row.equity, row.total_assets),
            "kassalikviditet": kassalikviditet(row.current_assets, row.short_term_liabilities),
            "overview": columns, "lines": lines, "insatser": insatser, "months": months, "charts": charts,
            "ceiling": ceiling}


def render(row: FinancialReport, tenant) -> str:
    return render_template("pdf/financial_report.html", tenant=tenant, **report_context(row, tenant.settings))
