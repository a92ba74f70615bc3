"""The rules of the economy as plain functions: member fees split exactly, budgets with
their equity chained year to year and held under the ceiling, and the decision room."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from finsam_saas.economy.models import SECTIONS, Budget, BudgetLine, FeeYear, FinancialReport
from finsam_saas.extensions import db
from finsam_saas.insatser.models import Application, Grant, Insats
from finsam_saas.meetings import services as meetings
from finsam_saas.organisation.models import Member
from finsam_saas.platform.rules import InvalidInput, RuleViolation

STATE_LINE = "Försäkringskassan/Arbetsförmedlingen"


# --- member fees -------------------------------------------------------------------------

def largest_remainder(total: int, weights: list[Fraction]) -> list[int]:
    """Whole kronor in proportion to the weights, adding up exactly to total."""
    exact = [total * w / sum(weights) for w in weights]
    floors = [int(x) for x in exact]
    left = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (exact[i] - floors[i], -i), reverse=True)
    for i in order[:left]:
        floors[i] += 1
    return floors


@dataclass(frozen=True)
class Fee:
    member: str
    kind: str
    amount: int
    population_share: float | None = None  # a kommun's share of the working-age population, percent


def fees_for(total: int, populations: dict[str, int], region: str) -> list[Fee]:
    """The state 50 % (one line), the region 25 %, the kommuner 25 % by working-age population."""
    kommuner = list(populations)
    people = sum(populations.values())
    weights = [Fraction(1, 2), Fraction(1, 4)] + [Fraction(1, 4) * Fraction(populations[k], people) for k in kommuner]
    amounts = largest_remainder(total, weights)
    fees = [Fee(STATE_LINE, "state", amounts[0]), Fee(region, "region", amounts[1])]
    fees += [Fee(k, "kommun", a, round(populations[k] * 100 / people, 1)) for k, a in zip(kommuner, amounts[2:])]
    return fees


def _kommuner() -> list[Member]:
    return list(db.session.scalars(select(Member).where(Member.kind == "kommun", Member.active.is_(True))
                                   .order_by(Member.position)))


def _region() -> str:
    region = db.session.scalar(select(Member.name).where(Member.kind == "region", Member.active.is_(True)))
    if region is None:
        raise RuleViolation("no_region", "Förbundet har ingen region bland medlemmarna.")
    return region


def set_fees(year: int, total: int, populations: dict) -> list[Fee]:
    if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
        raise InvalidInput("Ange årets totala medlemsavgift i hela kronor.", {"total": "ogiltigt belopp"})
    names = [k.name for k in _kommuner()]
    unknown = [name for name in populations if name not in names]
    if unknown:
        raise InvalidInput(f"\"{unknown[0]}\" är inte en kommun bland förbundets medlemmar.",
                           {f"working_age_population.{unknown[0]}": "okänd kommun"})
    missing = [name for name in names if name not in populations]
    if missing:
        raise InvalidInput(f"Befolkning saknas för {missing[0]}.", {f"working_age_population.{missing[0]}": "saknas"})
    for name, people in populations.items():
        if not isinstance(people, int) or isinstance(people, bool) or people <= 0:
            raise InvalidInput(f"{name}: ange antalet i arbetsför ålder som ett heltal över 0.",
                               {f"working_age_population.{name}": "ogiltigt antal"})
    row = db.session.scalar(select(FeeYear).where(FeeYear.year == year))
    ordered = {name: populations[name] for name in names}
    if row is None:
        db.session.add(FeeYear(year=year, total=total, working_age_population=ordered))
    else:
        row.total, row.working_age_population = total, ordered
    db.session.flush()
    return fees_for(total, ordered, _region())


def fee_year(year: int) -> FeeYear | None:
    return db.session.scalar(select(FeeYear).where(FeeYear.year == year))


def fees_of(year: int) -> tuple[FeeYear, list[Fee]] | None:
    row = fee_year(year)
    if row is None:
        return None
    return row, fees_for(row.total, row.working_age_population, _region())


# --- budgets -------------------------------------------------------------------------------

def current_budget(year: int) -> Budget | None:
    return db.session.scalar(select(Budget).where(Budget.year == year).order_by(Budget.version.desc()).limit(1))


def put_budget(year: int, lines: list[dict], equity_start: int | None = None) -> Budget:
    """Replace the year's budget lines; a decided budget is locked, so the change is a new version."""
    for index, line in enumerate(lines):
        if line.get("section") not in SECTIONS:
            raise InvalidInput(f"Rad {index + 1}: okänd sektion \"{line.get('section')}\".", {f"lines[{index}].section": "okänd sektion"})
        if not (line.get("name") or "").strip():
            raise InvalidInput(f"Rad {index + 1} saknar namn.", {f"lines[{index}].name": "saknas"})
        amount = line.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise InvalidInput(f"Rad {index + 1}: beloppet ska vara hela kronor, 0 eller mer (intäkt eller kostnad avgörs av sektionen).",
                               {f"lines[{index}].amount": "ogiltigt belopp"})
    if equity_start is None and current_budget(year) is None and equity_end(year - 1) is None:
        raise InvalidInput(f"Ange eget kapital vid årets början: {year - 1} har ingen budget att hämta det från.",
                           {"equity_start": "saknas"})
    budget = current_budget(year)
    if budget is None or budget.decided_paragraph_id is not None:
        budget = Budget(year=year, version=(budget.version + 1) if budget else 1)
        db.session.add(budget)
        db.session.flush()
    else:
        budget.lines.clear()
        db.session.flush()
    budget.equity_start = equity_start
    for position, line in enumerate(lines):
        budget.lines.append(BudgetLine(budget_id=budget.id, position=position, section=line["section"],
                                       name=line["name"].strip(), amount=line["amount"]))
    db.session.flush()
    return budget


def budget_decision_sentence(budget: Budget) -> str:
    """The § text when the board adopts a budget, in the seeds' words [000 § 5, 001 § 78]."""
    return f"Styrelsen fastställer budget {budget.year} med plan för {budget.year + 1}–{budget.year + 2} enligt förslag."


def put_budget_on_agenda(budget: Budget, meeting) -> None:
    """The budget goes on a board meeting's agenda, to be adopted in that meeting's §."""
    if budget.decided_paragraph_id is not None:
        raise RuleViolation("budget_decided", "Budgeten är redan beslutad; ändringar blir en ny version.")
    if budget.agenda_item_id is not None:
        raise RuleViolation("already_on_agenda", "Budgeten står redan på en dagordning.")
    item = meetings.add_item(meeting, {"title": f"Verksamhetsplan och budget {budget.year}–{budget.year + 2}",
                                       "kind": "beslut", "proposal": budget_decision_sentence(budget)})
    budget.agenda_item_id = item.id
    db.session.flush()


def _release_budget(item) -> None:
    for budget in db.session.scalars(select(Budget).where(Budget.agenda_item_id == item.id)):
        budget.agenda_item_id = None


meetings.register_item_release(_release_budget)


def decide_budget(budget: Budget, paragraph) -> None:
    """The board adopts the budget in a § of the meeting that had it on its agenda, before
    justering; the decision is written into the § and the budget is locked (a change is a new
    version). Raises RuleViolation `budget_decided`, `not_on_agenda` or `justerad`."""
    if budget.decided_paragraph_id is not None:
        raise RuleViolation("budget_decided", "Budgeten är redan beslutad; ändringar blir en ny version.")
    meetings.record_decision(paragraph, budget_decision_sentence(budget), agenda_item_id=budget.agenda_item_id,
                             what=f"Budgeten för {budget.year}")
    budget.decided_paragraph_id = paragraph.id
    db.session.flush()


def _refuse_discard(paragraph_ids: list[int]) -> None:
    if db.session.scalar(select(Budget.id).where(Budget.decided_paragraph_id.in_(paragraph_ids)).limit(1)):
        raise RuleViolation("has_decisions", "En budget är beslutad i protokollet; protokollet kan inte tas bort.")


meetings.register_discard_check(_refuse_discard)


def _undecided(minutes) -> list[str]:
    # A budget on the meeting's agenda, not adopted, whose § has a beslut written.
    stated = meetings.stated_decisions(minutes)
    open_budgets = db.session.scalars(select(Budget).where(Budget.agenda_item_id.in_(list(stated)),
                                                           Budget.decided_paragraph_id.is_(None))).all() if stated else []
    return [f"budgeten för {b.year} (§ {stated[b.agenda_item_id].number})" for b in open_budgets]


meetings.register_justering_check(_undecided)


def year_closed(year: int) -> bool:
    """A year is closed once its årsredovisning is made (until the bokslut is a step of its own)."""
    return db.session.scalar(select(FinancialReport.id).where(FinancialReport.year == year,
                                                              FinancialReport.kind == "helar").limit(1)) is not None


meetings.register_closed_year_check(year_closed)


def section_total(budget: Budget, section: str) -> int:
    return sum(line.amount for line in budget.lines if line.section == section)


def equity_start(year: int, budget: Budget | None = None, _seen: frozenset = frozenset()) -> int | None:
    budget = budget or current_budget(year)
    if budget is None:
        return None
    if budget.equity_start is not None:
        return budget.equity_start
    if year in _seen:
        return None
    return equity_end(year - 1, _seen | {year})


def equity_end(year: int, _seen: frozenset = frozenset()) -> int | None:
    budget = current_budget(year)
    if budget is None:
        return None
    start = equity_start(year, budget, _seen)
    if start is None:
        return None
    return start + budget_result(budget)


def budget_result(budget: Budget) -> int:
    income = section_total(budget, "income")
    return income - sum(section_total(budget, s) for s in SECTIONS if s != "income")


def equity_ceiling(year: int, settings: dict) -> int | None:
    """Nationella rådet's ceiling as the tenant chose it: a fixed amount or a share of the year's fees."""
    return _ceiling(settings, fee_year(year), current_budget(year))


def _ceiling(settings: dict, fees: FeeYear | None, budget: Budget | None) -> int | None:
    rule = (settings or {}).get("equity_ceiling")
    if not rule:
        return None
    if rule["rule"] == "fixed":
        return rule["amount"]
    base = fees.total if fees else (section_total(budget, "income") if budget else 0)
    return round(base * rule["percent"] / 100)


def budget_summary(year: int, settings: dict) -> dict | None:
    return budget_summaries(year, year, settings)[0]


def budget_summaries(first: int, last: int, settings: dict,
                     budgets: dict[int, Budget] | None = None) -> list[dict | None]:
    """Each year's budget with its equity chained from the year before, in a fixed number of queries.
    `budgets`: `current_budgets(first, last)` when the caller has them already."""
    budgets = current_budgets(first, last) if budgets is None else budgets
    fees = _fee_years(first, last)
    summaries: list[dict | None] = []
    for year in range(first, last + 1):
        budget = budgets.get(year)
        if budget is None:
            summaries.append(None)
            continue
        if budget.equity_start is not None or year == first:
            start = equity_start(year, budget)
        else:  # chained: the year before's end, which is known only when that year has a budget
            before = summaries[-1]
            start = before["equity_end"] if before else None
        income = section_total(budget, "income")
        costs = sum(section_total(budget, s) for s in SECTIONS if s != "income")
        end = start + income - costs if start is not None else None
        ceiling = _ceiling(settings, fees.get(year), budget)
        summaries.append({
            "year": year, "version": budget.version, "decided": budget.decided_paragraph_id is not None,
            "lines": [{"section": l.section, "name": l.name, "amount": l.amount} for l in budget.lines],
            "income_total": income, "cost_total": costs, "result": income - costs,
            "equity_start": start, "equity_end": end, "equity_ceiling": ceiling,
            "over_ceiling": bool(ceiling is not None and end is not None and end > ceiling),
        })
    return summaries


def plan_table(plan: list[dict | None]) -> list[tuple[str, list[tuple[str, list[int | None]]]]]:
    """The first year's lines by section, each with its amount in every year of the plan (a cost
    negative; None where that year's budget has no such line)."""
    later = [{} for _ in plan]
    for index, summary in enumerate(plan):
        for line in summary["lines"] if summary else []:
            key = (line["section"], line["name"])
            later[index][key] = later[index].get(key, 0) + line["amount"]
    first = plan[0]["lines"] if plan and plan[0] else []
    table = []
    for section in SECTIONS:
        sign = 1 if section == "income" else -1
        rows = [(line["name"], [line["amount"] * sign] + [
                    found * sign if (found := amounts.get((section, line["name"]))) is not None else None
                    for amounts in later[1:]])
                for line in first if line["section"] == section]
        table.append((section, rows))
    return table


def granted_insatser(year: int) -> dict[str, int]:
    """The decided insatser's grants for the year, by insats name."""
    return granted_insatser_by_year(year, year).get(year, {})


def granted_insatser_by_year(first: int, last: int) -> dict[int, dict[str, int]]:
    """The decided insatser's grants per year from first to last, by insats name, in one query."""
    rows = db.session.execute(select(Grant.year, Insats.name, Grant.amount).join(Grant, Grant.insats_id == Insats.id)
                              .where(Grant.year.between(first, last), Grant.amount > 0).order_by(Insats.name))
    found: dict[int, dict[str, int]] = {}
    for year, name, amount in rows:
        found.setdefault(year, {})[name] = amount
    return found


def draw_insats_lines(year: int) -> Budget:
    """Put each granted insats in the budget's insatser section at its grant; other lines stay."""
    budget = current_budget(year)
    if budget is None:
        raise InvalidInput(f"Det finns ingen budget för {year} att hämta anslagen till.", {"year": "saknas"})
    grants = granted_insatser(year)
    lines = [{"section": l.section, "name": l.name, "amount": l.amount} for l in budget.lines
             if not (l.section == "insatser" and l.name in grants)]
    lines += [{"section": "insatser", "name": name, "amount": amount} for name, amount in grants.items()]
    return put_budget(year, lines, budget.equity_start)


# --- beslutsutrymme ---------------------------------------------------------------------------

def _pending_by_year() -> dict[int, int]:
    """What pending applications ask for, per year, in one query."""
    found: dict[int, int] = {}
    for application in db.session.scalars(select(Application).where(Application.status == "pending")):
        for year, amount in application.amounts.items():
            found[int(year)] = found.get(int(year), 0) + int(amount)
    return found


def current_budgets(first: int, last: int) -> dict[int, Budget]:
    """Each year's latest budget version with its lines, from first to last, in one query."""
    found: dict[int, Budget] = {}
    for budget in db.session.scalars(select(Budget).where(Budget.year.between(first, last))
                                     .order_by(Budget.year, Budget.version.desc())
                                     .options(joinedload(Budget.lines))).unique():
        found.setdefault(budget.year, budget)
    return found


def _fee_years(first: int, last: int) -> dict[int, FeeYear]:
    return {row.year: row for row in db.session.scalars(select(FeeYear).where(FeeYear.year.between(first, last)))}


def decision_room(first: int, last: int, settings: dict) -> list[dict]:
    """Uppsala's "Ekonomisk information" (seed 003), per year, from the data."""
    if last < first:
        raise InvalidInput("Till-året är före från-året.", {"to": "före from"})
    if last - first > 10:
        raise InvalidInput("Högst tio år åt gången.", {"to": "för långt"})
    bound_reserve = (settings or {}).get("bound_reserve", 0)
    pending_by_year = _pending_by_year()
    budgets = current_budgets(first, last)
    fee_years = _fee_years(first, last)
    grants_by_year = granted_insatser_by_year(first, last)
    years, carried = [], None
    for year in range(first, last + 1):
        budget = budgets.get(year)
        fees = fee_years.get(year)
        fee_total = fees.total if fees else (section_total(budget, "income") if budget else 0)
        if carried is None:
            start = equity_start(year, budget) if budget else None
            carried = (start or 0) - bound_reserve
        board = section_total(budget, "board") if budget else 0
        administration = section_total(budget, "administration") if budget else 0
        # Lines drawn from the grants are the grants themselves: count them once.
        granted = grants_by_year.get(year, {})
        other_lines = sum(l.amount for l in budget.lines if l.section == "insatser" and l.name not in granted) if budget else 0
        insatser = other_lines + sum(granted.values())
        result = fee_total - board - administration - insatser
        room = carried + result
        pending = pending_by_year.get(year, 0)
        years.append({"year": year, "fees": fee_total, "carried": carried, "board": board,
                      "administration": administration, "insatser": insatser, "result": result, "room": room,
                      "pending": pending, "room_after_pending": room - pending})
        carried = room
    return years


def has_decision_room(meeting) -> bool:
    """The board decides on money, so its meetings' kallelser carry the decision room."""
    return meeting.body.kind == "styrelse"


def decision_room_for_meeting(meeting, settings: dict) -> dict | None:
    """For a board meeting: the decision room of its year and the two after, and the effect of
    each application on its agenda (the room after it, in agenda order)."""
    if not has_decision_room(meeting):
        return None
    years = decision_room(meeting.date.year, meeting.date.year + 2, settings)
    item_ids = {item.id: item.number for item in meeting.items}
    applications = sorted(
        db.session.scalars(select(Application).where(Application.agenda_item_id.in_(list(item_ids)))),
        key=lambda a: item_ids[a.agenda_item_id])
    effects, room = [], {y["year"]: y["room"] for y in years}
    for application in applications:
        for year_text, amount in application.amounts.items():
            year = int(year_text)
            if year in room:
                room[year] -= amount
                effects.append({"item": item_ids[application.agenda_item_id], "title": application.title,
                                "year": year, "amount": amount, "room_after": room[year]})
    return {"years": years, "effects": effects}
