"""Delårsrapport and årsredovisning: result and balance figures, key figures, budget against
outcome, the four-year overview and charts, rendered as PDF/A."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from finsam_saas.economy import outcome, services
from finsam_saas.economy.models import FinancialReport
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.insatser.models import Insats
from finsam_saas.platform.charts import bar_chart
from finsam_saas.platform.rules import InvalidInput

KINDS = {"delar": "Delårsrapport", "helar": "Årsredovisning"}


def soliditet(equity: int, total_assets: int) -> float | None:
    """Equity as a share of total capital, percent."""
    return round(equity * 100 / total_assets, 1) if total_assets else None


def kassalikviditet(current_assets: int, short_term_liabilities: int) -> float | None:
    """Current assets against short-term liabilities, percent."""
    return round(current_assets * 100 / short_term_liabilities, 1) if short_term_liabilities else None


def save_report(*, year: int, kind: str, income: int, costs: int, equity: int, total_assets: int, current_assets: int,
                short_term_liabilities: int) -> FinancialReport:
    if kind not in KINDS:
        raise InvalidInput("Välj delårsrapport eller årsredovisning.", {"kind": "okänd"})
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
    row = db.session.scalar(select(FinancialReport).where(FinancialReport.year == year, FinancialReport.kind == kind))
    if row is None:
        row = FinancialReport(year=year, kind=kind, **values, equity=equity)
        db.session.add(row)
    else:
        for name, value in {**values, "equity": equity}.items():
            setattr(row, name, value)
    db.session.flush()
    return row


def report_context(row: FinancialReport, settings: dict) -> dict:
    years = list(range(row.year - 3, row.year + 1))
    history = {r.year: r for r in db.session.scalars(select(FinancialReport).where(
        FinancialReport.kind == "helar", FinancialReport.year.in_(years)))}
    history[row.year] = row
    overview = [{"year": y, "result": (h.income - h.costs) if h else None, "equity": h.equity if h else None,
                 "soliditet": soliditet(h.equity, h.total_assets) if h else None} for y in years for h in [history.get(y)]]
    comparison = outcome.budget_vs_outcome(row.year)
    with_both = [c for c in comparison if c.budget is not None and c.outcome is not None]
    charts = []
    if with_both:
        charts.append(bar_chart(f"Budget och utfall {row.year}", [c.name for c in with_both],
                                [("Budget", [c.budget / 1000 for c in with_both]), ("Utfall", [c.outcome / 1000 for c in with_both])]))
    ceiling = services.equity_ceiling(row.year, settings)
    shown = [o for o in overview if o["equity"] is not None]
    if shown:
        charts.append(bar_chart("Eget kapital och taket", [str(o["year"]) for o in shown],
                                [("Eget kapital", [o["equity"] / 1000 for o in shown])]
                                + ([("Tak", [ceiling / 1000 for _ in shown])] if ceiling else [])))
    return {"report": row, "title": KINDS[row.kind], "result": row.income - row.costs,
            "soliditet": soliditet(row.equity, row.total_assets),
            "kassalikviditet": kassalikviditet(row.current_assets, row.short_term_liabilities),
            "overview": overview, "comparison": comparison, "charts": charts, "ceiling": ceiling,
            "spend": insatser.spend_table(row.year, select(Insats).order_by(Insats.name))}


def render(row: FinancialReport, tenant) -> str:
    return render_template("pdf/financial_report.html", tenant=tenant, **report_context(row, tenant.settings))
