"""The year's figures for the state's follow-up (Uppföljning Finsam): allocated funds, equity,
budget and outcome for administration and per insats, participants by sex, as XLSX or CSV."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook
from sqlalchemy import select

from finsam_saas.economy import outcome, services
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.insatser.models import Insats, Spend


def finsam_rows(year: int, settings: dict) -> list[list]:
    fees = services.fee_year(year)
    budget = services.budget_summary(year, settings)
    outcomes = {(c.section, c.name): c.outcome for c in outcome.budget_vs_outcome(year)}
    admin_outcome = sum(v or 0 for (section, _), v in outcomes.items() if section in ("board", "administration"))
    rows = [
        ["Uppgift", "Insats", "Budget (kr)", "Utfall (kr)", "Kvinnor", "Män", "Totalt"],
        ["Tilldelade medel", "", fees.total if fees else (budget["income_total"] if budget else ""), "", "", "", ""],
        ["Eget kapital vid årets slut", "", budget["equity_end"] if budget else "", "", "", "", ""],
        ["Administration (styrelse och kansli)", "",
         (sum(l["amount"] for l in budget["lines"] if l["section"] in ("board", "administration")) if budget else ""),
         admin_outcome or "", "", "", ""],
    ]
    insats_rows = db.session.scalars(select(Insats).where(Insats.start <= date(year, 12, 31), Insats.end >= date(year, 1, 1))
                                     .order_by(Insats.name)).all()
    latest_spend = {}
    for spend in db.session.scalars(select(Spend).where(Spend.year == year).order_by(Spend.through)):
        latest_spend[spend.insats_id] = spend.amount
    for insats in insats_rows:
        summary = insatser.outcomes_of(insats).get(str(year))
        women = summary["women"]["participants"] if summary else ""
        men = summary["men"]["participants"] if summary else ""
        rows.append(["Insats", insats.name, insats.grant_for(year), latest_spend.get(insats.id, ""), women, men,
                     (women + men) if summary else ""])
    return rows


def as_xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Uppföljning Finsam"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
