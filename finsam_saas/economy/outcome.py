"""Budget against outcome (seed 001 6.6): the bookkeeping's export per line, imported from
CSV or XLSX as a job (economy/jobs.py, whole file or nothing), set beside the budget with its deviation. The SIE 4 import
(economy/bookkeeping.py) writes the same LineOutcome rows through the tenant's account plan."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from finsam_saas.economy import services
from finsam_saas.economy.models import SECTIONS, LineOutcome
from finsam_saas.extensions import db
from finsam_saas.platform.rounding import kronor_from_text, share
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.tables import read_rows, shown

COLUMNS = {"sektion": "section", "rad": "name", "konto": "name", "namn": "name", "utfall": "amount", "belopp": "amount"}
SECTION_NAMES = {**{s: s for s in SECTIONS}, "intäkter": "income", "styrelse": "board", "förtroendevalda": "board",
                 "kansli": "administration", "förvaltning": "administration", "verksamhetsnära": "operations",
                 "insatser": "insatser", "verksamheter": "insatser"}
NAME_LENGTH = LineOutcome.__table__.c.name.type.length  # a line's name, as its column holds it


def import_outcome(year: int, content: bytes, filename: str) -> int:
    """The year's outcome per line from a CSV or XLSX with the columns Sektion, Rad and Utfall
    (kronor as the export writes them, "1 738 000" or "-180000,50": whole kronor, half up, the sign
    dropped; 1e400, NaN, inf are no amount). Replaces the year's outcome; returns the number of
    lines. Raises InvalidInput naming the row and column (a cell's text quoted through
    `tables.shown`), RuleViolation `year_closed` after the year's bokslut; nothing is written then.
    `content` is bounded by platform.tables.read_rows (size, rows, columns)."""
    services.refuse_closed_year(year, "utfall")
    rows = [r for r in read_rows(content, filename) if any(r)]
    if not rows:
        raise InvalidInput("Filen är tom.", {"file": "tom"})
    header = {}
    for index, title in enumerate(rows[0]):
        key = COLUMNS.get(title.strip().lower())
        if key and key not in header:
            header[key] = index
    missing = [k for k in ("section", "name", "amount") if k not in header]
    if missing:
        raise InvalidInput("Rad 1 ska ha kolumnerna Sektion, Rad och Utfall.", {"file": "kolumner saknas"})
    if len(rows) == 1:
        # An import replaces the year's outcome: a file of headings alone would wipe it silently.
        raise InvalidInput(f"Filen \"{shown(filename)}\" har bara rubrikraden och inga rader med utfall; inget är "
                           "ändrat. En import ersätter årets hela utfall, så filen ska ha en rad per budgetrad.",
                           {"file": "inga rader"})
    parsed = {}
    for number, row in enumerate(rows[1:], start=2):
        cell = lambda key: row[header[key]].strip() if header[key] < len(row) else ""  # noqa: E731
        title = lambda key: shown(rows[0][header[key]])  # noqa: E731
        section = SECTION_NAMES.get(cell("section").lower())
        if section is None:
            raise InvalidInput(f"Rad {number}, kolumn \"{title('section')}\": okänd sektion \"{shown(cell('section'))}\".",
                               {f"row{number}.section": "okänd sektion"})
        name = cell("name")
        if not name:
            raise InvalidInput(f"Rad {number}, kolumn \"{title('name')}\": namnet saknas.", {f"row{number}.name": "saknas"})
        if len(name) > NAME_LENGTH:
            raise InvalidInput(f"Rad {number}, kolumn \"{title('name')}\": namnet har {len(name)} tecken; högst "
                               f"{NAME_LENGTH} ryms.", {f"row{number}.name": "för långt"})
        try:
            # The one reading of an amount: 100 000,50 is 100 001 kr (half up); 1e400 is no amount.
            amount = kronor_from_text(cell("amount"))
        except ValueError:
            raise InvalidInput(f"Rad {number}, kolumn \"{title('amount')}\": \"{shown(cell('amount'))}\" är inte ett belopp.",
                               {f"row{number}.amount": "inte ett belopp"}) from None
        parsed[(section, name)] = abs(amount)
    for row in db.session.scalars(select(LineOutcome).where(LineOutcome.year == year)):
        db.session.delete(row)
    db.session.flush()
    for (section, name), amount in parsed.items():
        db.session.add(LineOutcome(year=year, section=section, name=name, amount=amount))
    db.session.flush()
    return len(parsed)


@dataclass(frozen=True)
class Comparison:
    section: str
    name: str
    budget: int | None
    outcome: int | None

    @property
    def deviation(self) -> int | None:
        if self.budget is None or self.outcome is None:
            return None
        return self.outcome - self.budget

    @property
    def deviation_percent(self) -> float | None:
        if not self.budget or self.outcome is None:
            return None
        return share(self.outcome - self.budget, self.budget)


def budget_vs_outcome(year: int) -> list[Comparison]:
    budget = services.current_budget(year)
    budgeted = {(l.section, l.name): l.amount for l in budget.lines} if budget else {}
    outcomes = {(o.section, o.name): o.amount for o in db.session.scalars(select(LineOutcome).where(LineOutcome.year == year))}
    keys = list(budgeted) + [k for k in outcomes if k not in budgeted]
    order = {s: i for i, s in enumerate(SECTIONS)}
    keys.sort(key=lambda k: order[k[0]])
    return [Comparison(section, name, budgeted.get((section, name)), outcomes.get((section, name))) for section, name in keys]
