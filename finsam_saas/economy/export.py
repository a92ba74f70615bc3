"""The year's figures for the state's follow-up (Uppföljning Finsam): allocated funds, equity,
budget and outcome for administration and per insats, participants by sex, and per insats its
budgeted participants, inriktning and målgrupp; as XLSX or CSV (finsam_saas.platform.tables,
so no cell is a live formula)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from finsam_saas.economy import outcome, services
from finsam_saas.economy.models import LineOutcome
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.insatser.models import Insats, Spend
from finsam_saas.platform import tables

HEADER = ["Uppgift", "Insats", "Budget (kr)", "Utfall (kr)", "Kvinnor", "Män", "Totalt",
          "Planerade deltagare", "Inriktning", "Målgrupp", "Budget enligt", "Utfall enligt"]
SHEET_TITLE = "Uppföljning Finsam"


def _key(name: str) -> str:
    # A budget line and an insats are the same when their names are, spacing and case aside
    # ("Ungdomstorget" and "ungdomstorget " are one insats; nothing else is guessed).
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class InsatsFigures:
    """One insats of the year as Uppföljning Finsam wants it. Amounts in kronor; None where the
    förbund has no figure (an empty cell, never a 0 that was not stated)."""
    name: str
    insats: Insats | None  # None: a budget line (or outcome) with no registered insats of that name
    budget: int | None
    budget_source: str
    outcome: int | None
    outcome_source: str
    participants: dict | None  # {"women": n, "men": n} of the year's outcome, None without one


def insats_figures(year: int) -> list[InsatsFigures]:
    """Per insats of `year`, by name: the budget from the year's budget line of section "insatser"
    with the insats's name (`economy.services.current_budget`), else the decided grant of the year;
    the outcome from the imported bookkeeping (LineOutcome, section "insatser", same name), else
    the insats's own latest spend report of the year. Insatser running in the year come with
    their participants; a budget line or outcome without a registered insats is listed too, so
    the export holds every krona of the budget's insatser. Sorted by name."""
    budget = services.current_budget(year)
    lines: dict[str, tuple[str, int]] = {}
    for line in (budget.lines if budget else []):
        if line.section == "insatser":
            name, amount = lines.get(_key(line.name), (line.name, 0))
            lines[_key(line.name)] = (name, amount + line.amount)  # two lines of one name are one insats's
    booked = {_key(row.name): (row.name, row.amount) for row in db.session.scalars(
        select(LineOutcome).where(LineOutcome.year == year, LineOutcome.section == "insatser"))}
    first, last = date(year, 1, 1), date(year, 12, 31)
    registered = {_key(i.name): i for i in db.session.scalars(select(Insats).options(selectinload(Insats.grants)))}
    running = {key for key, i in registered.items() if i.start <= last and i.end >= first}
    latest_spend: dict[int, tuple[date, int]] = {}
    for spend in db.session.scalars(select(Spend).where(Spend.year == year).order_by(Spend.through)):
        latest_spend[spend.insats_id] = (spend.through, spend.amount)
    keys = running | set(lines) | set(booked)
    participants = insatser.outcomes_for([registered[k].id for k in keys if k in registered], [str(year)])
    found = []
    for key in keys:
        insats = registered.get(key)
        name = insats.name if insats else (lines.get(key) or booked[key])[0]
        if key in lines:
            budget_amount, budget_source = lines[key][1], "budgetrad"
        elif insats is not None and any(g.year == year for g in insats.grants):
            budget_amount, budget_source = insats.grant_for(year), "beviljat belopp"
        else:
            budget_amount, budget_source = None, "saknas"
        spend = latest_spend.get(insats.id) if insats else None
        if key in booked:
            outcome_amount, outcome_source = booked[key][1], "bokföring"
        elif spend is not None:
            outcome_amount, outcome_source = spend[1], f"rapporterat t.o.m. {spend[0].isoformat()}"
        else:
            outcome_amount, outcome_source = None, "saknas"
        summary = participants.get(insats.id, {}).get(str(year)) if insats else None
        found.append(InsatsFigures(
            name, insats, budget_amount, budget_source, outcome_amount, outcome_source,
            {"women": summary["women"]["participants"], "men": summary["men"]["participants"]} if summary else None))
    return sorted(found, key=lambda f: (_key(f.name), f.name))


def _blank(value):
    return "" if value is None else value


def finsam_rows(year: int, settings: dict) -> list[list]:
    """The export's rows, header first: allocated funds (the fee total, else the budget's income;
    outcome the booked income), equity at year end, administration (board and kansli), the
    verksamhetsnära costs, and one row per insats
    (`insats_figures`). Amounts in whole kronor; an unknown figure is an empty cell."""
    fees = services.fee_year(year)
    budget = services.budget_summary(year, settings)
    outcomes = {(c.section, c.name): c.outcome for c in outcome.budget_vs_outcome(year)}

    def budgeted(*sections):
        return sum(l["amount"] for l in budget["lines"] if l["section"] in sections) if budget else ""

    def booked(*sections):
        found = [v for (section, _), v in outcomes.items() if section in sections and v is not None]
        return sum(found) if found else ""

    padding = [""] * (len(HEADER) - 4)
    rows = [
        HEADER,
        ["Tilldelade medel", "", fees.total if fees else (budget["income_total"] if budget else ""), booked("income"),
         *padding],
        ["Eget kapital vid årets slut", "", _blank(budget["equity_end"]) if budget else "", "", *padding],
        ["Administration (styrelse och kansli)", "", budgeted("board", "administration"),
         booked("board", "administration"), *padding],
        # Every cost of the budget has its row, so the rows add up to the budget's costs.
        ["Verksamhetsnära kostnader", "", budgeted("operations"), booked("operations"), *padding],
    ]
    for figures in insats_figures(year):
        insats, counts = figures.insats, figures.participants
        rows.append([
            "Insats", figures.name, _blank(figures.budget), _blank(figures.outcome),
            counts["women"] if counts else "", counts["men"] if counts else "",
            counts["women"] + counts["men"] if counts else "",
            _blank(insats.planned_participants) if insats else "", insats.focus if insats else "",
            insats.target_group if insats else "",
            figures.budget_source if insats else f"{figures.budget_source} (ingen registrerad insats)",
            figures.outcome_source,
        ])
    return rows


def as_xlsx(rows: list[list]) -> bytes:
    return tables.as_xlsx(rows, SHEET_TITLE)


def as_csv(rows: list[list]) -> bytes:
    return tables.as_csv(rows)
