"""The rules of the economy as plain functions: member fees split exactly, budgets with
their equity chained year to year and held under the ceiling, and the decision room."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from finsam_saas.economy.models import SECTIONS, Budget, BudgetLine, FeeYear, FinancialReport, YearEnd
from finsam_saas.extensions import db
from finsam_saas.insatser.models import Application, Deviation, Grant, Insats, Requisition
from finsam_saas.meetings import services as meetings
from finsam_saas.organisation.models import Member
from finsam_saas.platform import clock
from finsam_saas.platform.rounding import round_half_up, share
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
    fees += [Fee(k, "kommun", a, share(populations[k], people)) for k, a in zip(kommuner, amounts[2:])]
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


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()  # put_budget's equity_start: what the current version states (the API's omitted field)


def put_budget(year: int, lines: list[dict], equity_start: int | None | _Keep = KEEP) -> Budget:
    """Replace the year's budget lines (kronor, positive: income or cost by section); a decided
    budget is locked, so the change is a new version. `equity_start`: the equity at the year's
    start, None to chain from the year before's equity_end, KEEP for what the current version has
    (so a client that leaves it out never breaks the chain). Raises InvalidInput naming the line,
    or `equity_start` when the chain has nothing to start from."""
    for index, line in enumerate(lines):
        if line.get("section") not in SECTIONS:
            raise InvalidInput(f"Rad {index + 1}: okänd sektion \"{line.get('section')}\".", {f"lines[{index}].section": "okänd sektion"})
        if not (line.get("name") or "").strip():
            raise InvalidInput(f"Rad {index + 1} saknar namn.", {f"lines[{index}].name": "saknas"})
        amount = line.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise InvalidInput(f"Rad {index + 1}: beloppet ska vara hela kronor, 0 eller mer (intäkt eller kostnad avgörs av sektionen).",
                               {f"lines[{index}].amount": "ogiltigt belopp"})
    budget = current_budget(year)
    if equity_start is KEEP:
        equity_start = budget.equity_start if budget is not None else None
    if equity_start is None and ((before := budget_summary(year - 1, {})) is None or before["equity_end"] is None):
        raise InvalidInput(f"Ange eget kapital vid årets början: {year - 1} har ingen budget med känt eget kapital "
                           "att hämta det från.", {"equity_start": "saknas"})
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


# --- year end (bokslut) ----------------------------------------------------------------------

def year_closed(year: int) -> bool:
    """A year is closed once the kansli has made its bokslut (never by the calendar alone)."""
    return db.session.scalar(select(YearEnd.id).where(YearEnd.year == year).limit(1)) is not None


meetings.register_closed_year_check(year_closed)


def refuse_closed_year(year: int, what: str) -> None:
    """Raises RuleViolation `year_closed` once the year's bokslut is made: `what` ("utfall") for it
    is no longer taken."""
    if year_closed(year):
        raise RuleViolation("year_closed", f"Bokslut för {year} är gjort; {what} för {year} tas inte emot längre. "
                                           "Öppna året igen under Bokslut om bokföringen har ändrats.",
                            {"year": "bokslut gjort"})


def year_end(year: int) -> YearEnd | None:
    return db.session.scalar(select(YearEnd).where(YearEnd.year == year))


@dataclass(frozen=True)
class Returned:
    """An insats's money of a closed year: granted, requisitioned, and what goes back (kronor)."""
    insats_id: int
    name: str
    granted: int
    requisitioned: int

    @property
    def returned(self) -> int:
        return max(self.granted - self.requisitioned, 0)


def year_end_preview(year: int) -> tuple[list[Returned], list[str]]:
    """What a bokslut of `year` returns per insats, and what stops it (each in words): the year has
    not ended, is closed already, has avvikelser that move money from or to it still undecided
    [003], or an earlier year with a budget or grants is still open."""
    grants = db.session.execute(select(Insats.id, Insats.name, Grant.amount).join(Grant, Grant.insats_id == Insats.id)
                                .where(Grant.year == year, Grant.amount > 0).order_by(Insats.name)).all()
    taken = dict(db.session.execute(select(Requisition.insats_id, func.sum(Requisition.amount))
                                    .where(Requisition.year == year).group_by(Requisition.insats_id)).all())
    rows = [Returned(insats_id, name, amount, int(taken.get(insats_id) or 0)) for insats_id, name, amount in grants]
    problems = []
    if year >= clock.today().year:
        problems.append(f"{year} är inte slut än; bokslut görs efter årets sista dag.")
    if year_closed(year):
        problems.append(f"Bokslut för {year} är redan gjort.")
    pending = db.session.execute(
        select(Insats.name).join(Deviation, Deviation.insats_id == Insats.id)
        .where(Deviation.status == "pending", Deviation.kind == "budget",
               (Deviation.from_year == year) | (Deviation.to_year == year))
        .order_by(Insats.name).distinct()).scalars().all()
    if pending:
        problems.append(f"Avvikelser som flyttar medel från eller till {year} väntar på förbundschefens beslut: "
                        f"{', '.join(pending)}. Besluta dem först.")
    # The books close in order: an earlier year with money in it is closed first.
    closed = set(db.session.scalars(select(YearEnd.year).where(YearEnd.year < year)))
    earlier = sorted({y for y in db.session.scalars(select(Budget.year).where(Budget.year < year).distinct())}
                     | {y for y in db.session.scalars(select(Grant.year).where(Grant.year < year, Grant.amount > 0)
                                                       .distinct())})
    open_before = [y for y in earlier if y not in closed]
    if open_before:
        problems.append(f"Bokslut för {', '.join(map(str, open_before))} är inte gjort; gör det först.")
    return rows, problems


def close_year(year: int, closed_by: str, *, confirmed: bool = False) -> YearEnd:
    """Make the bokslut of `year`: from now its requisitions, spend reports, bookkeeping (SIE and
    outcome imports) and avvikelser are refused and the insatser's unused money is returned
    (recorded per insats). Raises RuleViolation
    `cannot_close` naming every obstacle, `not_confirmed` without `confirmed`."""
    rows, problems = year_end_preview(year)
    if problems:
        raise RuleViolation("cannot_close", " ".join(problems), {"year": problems[0]})
    if not confirmed:
        raise RuleViolation("not_confirmed", f"Bekräfta bokslutet för {year}: det kan inte ändras i efterhand "
                                             "utan att bokslutet öppnas igen.", {"confirm": "saknas"})
    row = YearEnd(year=year, closed_by=closed_by, returned={str(r.insats_id): r.returned for r in rows if r.returned})
    db.session.add(row)
    db.session.flush()
    return row


def reopen_problems(year: int) -> list[str]:
    """What stops the bokslut of `year` from being opened again, each in words: there is none, a
    later year is closed (they open in the reverse order they closed: a later bokslut rests on
    this one), or the year's årsredovisning is made on it."""
    if year_end(year) is None:
        return [f"{year} har inget bokslut att öppna."]
    problems = []
    later = db.session.scalars(select(YearEnd.year).where(YearEnd.year > year).order_by(YearEnd.year)).all()
    if later:
        problems.append(f"Bokslut för {', '.join(map(str, later))} är gjort; öppna {'det' if len(later) == 1 else 'dem'} först.")
    if db.session.scalar(select(FinancialReport.id).where(FinancialReport.year == year,
                                                          FinancialReport.kind == "helar").limit(1)):
        problems.append(f"Årsredovisningen för {year} är gjord på bokslutet; bokslutet kan inte öppnas igen.")
    return problems


def reopen_year(year: int, *, confirmed: bool = False) -> None:
    """Open a closed year again (a mistaken bokslut). Raises RuleViolation `cannot_reopen` naming
    every obstacle (`reopen_problems`), `not_confirmed` without `confirmed`."""
    if problems := reopen_problems(year):
        raise RuleViolation("cannot_reopen", " ".join(problems), {"year": problems[0]})
    if not confirmed:
        raise RuleViolation("not_confirmed", f"Bekräfta att bokslutet för {year} ska öppnas igen.", {"confirm": "saknas"})
    db.session.delete(year_end(year))
    db.session.flush()


# --- equity and the decision room ----------------------------------------------------------------

def section_total(budget: Budget, section: str) -> int:
    return sum(line.amount for line in budget.lines if line.section == section)


def budget_result(budget: Budget) -> int:
    """Income less every cost section of the budget (kronor)."""
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
    return round_half_up(Fraction(base) * Fraction(str(rule["percent"])) / 100)


def _chain_start(first: int, last: int) -> int:
    """The year the equity chain must start from to give `first` its figure: the latest year up to
    `first` whose current budget states its equity at the start, else `first` (then the years
    before the first stated equity are unknown). One query over the budgets' heads."""
    stated: dict[int, bool] = {}
    for year, equity in db.session.execute(select(Budget.year, Budget.equity_start).where(Budget.year <= last)
                                           .order_by(Budget.year, Budget.version.desc())):
        stated.setdefault(year, equity is not None)
    anchors = [year for year, has in stated.items() if has and year <= first]
    return max(anchors) if anchors else first


def budget_summary(year: int, settings: dict) -> dict | None:
    return budget_summaries(year, year, settings)[0]


def budget_summaries(first: int, last: int, settings: dict,
                     budgets: dict[int, Budget] | None = None) -> list[dict | None]:
    """Each year's budget from first to last (None for a year without one) with its equity chained
    from the nearest stated equity before it, whatever years are asked for: equity_start is the
    stated one or the year before's equity_end; equity_end = equity_start + result (kronor);
    over_ceiling is None when the equity or the ceiling is unknown. A fixed number of queries.
    `budgets`: `current_budgets(first, last)` when the caller has them already."""
    start_year = _chain_start(first, last)
    budgets = {**(current_budgets(start_year, first - 1) if start_year < first else {}),
               **(current_budgets(first, last) if budgets is None else budgets)}
    fees = _fee_years(first, last)
    summaries: list[dict | None] = []
    end = None
    for year in range(start_year, last + 1):
        budget = budgets.get(year)
        if budget is None:
            end = None
            if year >= first:
                summaries.append(None)
            continue
        start = budget.equity_start if budget.equity_start is not None else end
        income = section_total(budget, "income")
        costs = sum(section_total(budget, s) for s in SECTIONS if s != "income")
        end = start + income - costs if start is not None else None
        if year < first:
            continue
        ceiling = _ceiling(settings, fees.get(year), budget)
        summaries.append({
            "year": year, "version": budget.version, "decided": budget.decided_paragraph_id is not None,
            "lines": [{"section": l.section, "name": l.name, "amount": l.amount} for l in budget.lines],
            "income_total": income, "cost_total": costs, "result": income - costs,
            "equity_start": start, "equity_start_stated": budget.equity_start is not None,
            "equity_end": end, "equity_ceiling": ceiling,
            "over_ceiling": None if ceiling is None or end is None else end > ceiling,
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
    """What pending applications ask for, per year (kronor), in one query."""
    found: dict[int, int] = {}
    for amounts in db.session.scalars(select(Application.amounts).where(Application.status == "pending")):
        for year, amount in amounts.items():
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


ROOM_FIGURES = ("fees", "carried", "board", "administration", "operations", "insatser", "result", "room",
                "pending", "pending_earlier", "room_after_pending")


def _room_year(year: int, budget: Budget | None, carried: int | None, granted: dict[str, int], reserve: int) -> dict:
    if budget is None:
        return {"year": year, "budget": None, **dict.fromkeys(ROOM_FIGURES)}
    if budget.equity_start is not None:
        carried = budget.equity_start - reserve
    # A line drawn from the grants is the grant itself: each decided insats counts once, at its grant.
    other_insatser = sum(l.amount for l in budget.lines if l.section == "insatser" and l.name not in granted)
    figures = {"fees": section_total(budget, "income"), "board": section_total(budget, "board"),
               "administration": section_total(budget, "administration"),
               "operations": section_total(budget, "operations"), "insatser": other_insatser + sum(granted.values())}
    result = figures["fees"] - figures["board"] - figures["administration"] - figures["operations"] - figures["insatser"]
    return {"year": year, "budget": "beslutad" if budget.decided_paragraph_id is not None else "förslag",
            **figures, "carried": carried, "result": result,
            "room": None if carried is None else carried + result}


def decision_room(first: int, last: int, settings: dict) -> list[dict]:
    """Uppsala's "Ekonomisk information" (seed 003) per year from first to last, the same for a year
    whichever years are shown. Each year (kronor): fees = the budget's income; board,
    administration, operations = its cost sections; insatser = the decided insatser's grants plus
    the budget's other insats lines; result = fees less every cost; carried = the stated equity at
    the year's start less the bound reserve, else the year before's room; room = carried + result;
    pending = what pending applications ask for that year, pending_earlier = for the years before
    (money asked for earlier is spent then, so it is gone from later years too; years with a bokslut
    count no longer); room_after_pending
    = room − pending − pending_earlier. A year without a budget has budget None and every figure
    None, and so has a later year until one states its equity. Raises InvalidInput for a range
    that is reversed or longer than ten years."""
    for year, key in ((first, "from"), (last, "to")):
        if not 1990 <= year <= 2200:
            raise InvalidInput(f"{year} är inget år med förbundets ekonomi: ange ett år mellan 1990 och 2200.",
                               {key: "utanför 1990–2200"})
    if last < first:
        raise InvalidInput("Till-året är före från-året.", {"to": "före from"})
    if last - first > 10:
        raise InvalidInput("Högst tio år åt gången.", {"to": "för långt"})
    reserve = (settings or {}).get("bound_reserve", 0)
    start_year = _chain_start(first, last)
    budgets = current_budgets(start_year, last)
    grants = granted_insatser_by_year(start_year, last)
    closed = set(db.session.scalars(select(YearEnd.year)))
    # An application for a year whose books are closed can no longer be granted that money.
    pending_by_year = {y: amount for y, amount in _pending_by_year().items() if y not in closed}
    years, carried = [], None
    for year in range(start_year, last + 1):
        row = _room_year(year, budgets.get(year), carried, grants.get(year, {}), reserve)
        carried = row["room"]
        if year < first:
            continue
        if row["budget"] is not None:
            row["pending"] = pending_by_year.get(year, 0)
            row["pending_earlier"] = sum(amount for y, amount in pending_by_year.items() if y < year)
            if row["room"] is not None:
                row["room_after_pending"] = row["room"] - row["pending"] - row["pending_earlier"]
        years.append(row)
    return years


def has_decision_room(meeting) -> bool:
    """The board decides on money, so its meetings' kallelser carry the decision room."""
    return meeting.body.kind == "styrelse"


def decision_room_for_meeting(meeting, settings: dict) -> dict | None:
    """For a board meeting: the decision room of its year and the two after (as `decision_room`),
    and of every year an application on its agenda asks money for, and the effect of each application on its agenda, in agenda order: the room of each year the
    application asks money for after it and the applications before it (money granted for a year
    is gone from the later years too). The figures as of `as_of` (an ISO date, Stockholm)."""
    if not has_decision_room(meeting):
        return None
    item_ids = {item.id: item.number for item in meeting.items}
    applications = sorted(
        db.session.scalars(select(Application).where(Application.agenda_item_id.in_(list(item_ids)))),
        key=lambda a: item_ids[a.agenda_item_id])
    # The meeting's year and the two after, widened to every year an application on it asks for.
    asked = [int(year) for application in applications for year in application.amounts]
    first, last = min([meeting.date.year, *asked]), max([meeting.date.year + 2, *asked])
    years = decision_room(max(first, last - 10), last, settings)
    effects, room = [], {y["year"]: y["room"] for y in years}
    for application in applications:
        for year_text, amount in sorted(application.amounts.items()):
            year = int(year_text)
            if year > max(room):
                continue
            for later in room:
                if later >= year and room[later] is not None:
                    room[later] -= amount
            if year in room:
                effects.append({"item": item_ids[application.agenda_item_id], "title": application.title,
                                "year": year, "amount": amount, "room_after": room[year]})
    return {"years": years, "effects": effects, "as_of": clock.today().isoformat()}
