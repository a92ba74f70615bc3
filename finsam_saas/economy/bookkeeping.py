"""The bookkeeping in SIE 4, read into the economy: the tenant's account plan mapped once to the
budget's lines and the balance sheet's groups, the import of a period (whole file or nothing),
and the resultaträkning, balansräkning and key figures made from it [001 6.2–6.3, 003].

Amounts are whole kronor. Accounts carry SIE's signs (debit positive): income and liabilities
are negative in the books, and shown positive here where a report shows them so.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from finsam_saas.economy import services, sie
from finsam_saas.economy.models import (
    SECTION_LABELS, SECTIONS, AccountBalance, AccountMapping, BookkeepingImport, FinancialReport, LineOutcome,
)
from finsam_saas.extensions import db
from finsam_saas.platform.formatting import kronor
from finsam_saas.platform.rounding import kronor_from_text, ratio
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.tenancy import current_actor

BALANCE_GROUPS = {
    "fixed_assets": "Anläggningstillgångar", "current_assets": "Omsättningstillgångar", "equity": "Eget kapital",
    "provisions": "Avsättningar", "long_term_liabilities": "Långfristiga skulder",
    "short_term_liabilities": "Kortfristiga skulder",
}
RESULT_TARGETS = (*SECTIONS, "financial")
TARGET_LABELS = {**SECTION_LABELS, "financial": "Finansiella poster", **BALANCE_GROUPS}


@dataclass(frozen=True)
class Rule:
    """Accounts first–last (digit strings of one length) → target and line name."""

    first: str
    last: str
    target: str
    name: str = ""

    def holds(self, account: str) -> bool:
        width = len(self.first)
        return int(self.first) <= int(account[:width].ljust(width, "0")) <= int(self.last)

    @property
    def specificity(self) -> tuple[int, int]:
        # More digits, then the narrower range: 5010–5019 wins over 5000–5999 for 5012.
        return len(self.first), -(int(self.last) - int(self.first))


# The kommunal BAS plan (Kommun-Bas, SKR): class 1 assets (10–13 anläggningstillgångar, 14–19
# omsättningstillgångar), class 2 equity and liabilities (20 eget kapital, 21–22 avsättningar,
# 23 långfristiga, 24–29 kortfristiga skulder), 3 intäkter, 45–46 lämnade bidrag and köp av
# verksamhet (the money paid to the insatser), 501 arvoden till förtroendevalda, the rest of
# 4–7 kansli and förvaltning, 8 finansiella poster.
DEFAULT_PLAN = (
    Rule("1000", "1399", "fixed_assets"),
    Rule("1400", "1999", "current_assets"),
    Rule("2000", "2099", "equity"),
    Rule("2100", "2299", "provisions"),
    Rule("2300", "2399", "long_term_liabilities"),
    Rule("2400", "2999", "short_term_liabilities"),
    Rule("3000", "3999", "income", "Medlemsavgifter"),
    Rule("4000", "4499", "operations", "Verksamhetsnära kostnader"),
    Rule("4500", "4699", "insatser", "Insatser"),
    Rule("4700", "4999", "operations", "Verksamhetsnära kostnader"),
    Rule("5000", "5999", "administration", "Kansli, personal"),
    Rule("5010", "5019", "board", "Arvoden till förtroendevalda"),
    Rule("6000", "7999", "administration", "Kansli, lokaler och övrigt"),
    Rule("8000", "8999", "financial", "Finansiella intäkter och kostnader"),
)


def account_kind(number: str, ktyp: str | None = None) -> str:
    """"balance" (tillgångar T, skulder S; class 1–2) or "result" (kostnader K, intäkter I; 3–8)."""
    if ktyp in ("T", "S"):
        return "balance"
    if ktyp in ("K", "I"):
        return "result"
    return "balance" if number[:1] in ("1", "2") else "result"


# --- the account plan ---------------------------------------------------------------------

def plan() -> list[Rule]:
    """The tenant's rules, or the default for the kommunal BAS plan when it has none."""
    rows = db.session.scalars(select(AccountMapping).order_by(AccountMapping.first_account, AccountMapping.last_account)).all()
    if not rows:
        return list(DEFAULT_PLAN)
    return [Rule(r.first_account, r.last_account, r.target, r.name) for r in rows]


def has_own_plan() -> bool:
    return db.session.scalar(select(AccountMapping.id).limit(1)) is not None


def check_rule(index: int, first: str, last: str, target: str, name: str) -> Rule:
    """One row of the plan as typed on the page (index from 1). Raises InvalidInput naming the row."""
    first, last, name = first.strip(), (last.strip() or first.strip()), name.strip()
    where = {f"rules[{index}]": "ogiltig"}
    for value in (first, last):
        if not value.isdigit() or len(value) > 10:
            raise InvalidInput(f"Rad {index}: \"{value}\" är inget kontonummer.", where)
    if len(first) != len(last):
        raise InvalidInput(f"Rad {index}: från- och tillkonto ska ha lika många siffror ({first}–{last}).", where)
    if int(last) < int(first):
        raise InvalidInput(f"Rad {index}: tillkontot {last} kommer före frånkontot {first}.", where)
    if target not in TARGET_LABELS:
        raise InvalidInput(f"Rad {index}: välj vart kontona {first}–{last} hör.", where)
    kinds = {account_kind(first), account_kind(last)}
    if len(kinds) > 1:
        raise InvalidInput(f"Rad {index}: {first}–{last} blandar balanskonton (1–2) och resultatkonton (3–8).", where)
    if target in BALANCE_GROUPS and kinds != {"balance"}:
        raise InvalidInput(f"Rad {index}: {first}–{last} är resultatkonton och kan inte höra till "
                           f"{BALANCE_GROUPS[target].lower()}.", where)
    if target in RESULT_TARGETS and kinds != {"result"}:
        raise InvalidInput(f"Rad {index}: {first}–{last} är balanskonton och kan inte vara en budgetrad.", where)
    if target in RESULT_TARGETS and not name:
        raise InvalidInput(f"Rad {index}: ange budgetradens namn för {first}–{last}.", where)
    return Rule(first, last, target, name)


def save_plan(rules: list[Rule]) -> None:
    """Replace the tenant's plan with `rules` (checked by check_rule). Two rules for the same range
    are refused. Takes effect at the next import."""
    seen: dict[tuple[str, str], int] = {}
    for index, rule in enumerate(rules, start=1):
        if (rule.first, rule.last) in seen:
            raise InvalidInput(f"Rad {index}: {rule.first}–{rule.last} står redan på rad {seen[(rule.first, rule.last)]}.",
                               {f"rules[{index}]": "dubblett"})
        seen[(rule.first, rule.last)] = index
    if not rules:
        raise InvalidInput("Kontoplanen behöver minst en rad; återställ standarden i stället.", {"rules": "tom"})
    _delete_all(select(AccountMapping))
    for rule in rules:
        db.session.add(AccountMapping(first_account=rule.first, last_account=rule.last, target=rule.target, name=rule.name))
    db.session.flush()


def reset_plan() -> None:
    """Back to the default for the kommunal BAS plan."""
    _delete_all(select(AccountMapping))


def _delete_all(query) -> None:
    # Row by row through the session, so that the audit log has every row removed (money).
    for row in db.session.scalars(query):
        db.session.delete(row)
    db.session.flush()


def rule_for(account: str, kind: str, rules: list[Rule]) -> Rule | None:
    """The narrowest rule that holds the account and suits its kind (balance or result)."""
    fitting = [r for r in rules if r.holds(account)
               and (r.target in BALANCE_GROUPS) == (kind == "balance")]
    return max(fitting, key=lambda r: r.specificity, default=None)


# --- the import ---------------------------------------------------------------------------

@dataclass
class ImportResult:
    import_id: int
    period_end: date
    accounts: int
    verifications: int
    lines: int
    unmapped: list[str] = field(default_factory=list)


def default_period_end(parsed: sie.SieFile) -> date:
    """The last day of the month of the latest verification (a delårsrapport's export), or the
    year's end when the file has none."""
    start, end = parsed.fiscal_year
    if not parsed.verifications:
        return end
    latest = max(v.day for v in parsed.verifications)
    month_end = (latest.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return min(month_end, end)


def _kronor(value: Decimal) -> int:
    return kronor_from_text(str(value))


def account_figures(parsed: sie.SieFile, period_end: date) -> dict[str, tuple[str, Decimal, Decimal]]:
    """account → (kind, opening, amount), exact: a balance account's IB and its balance at the
    period end (IB + the verifications through it), a result account's sum over the period.
    Without verifications the file's #UB and #RES are the figures. When the period takes in every
    verification, the file's own #UB and #RES must agree, or the file is refused naming the line."""
    figures: dict[str, list] = {}

    def entry(number: str) -> list:
        if number not in figures:
            figures[number] = [account_kind(number, parsed.account_types.get(number)), Decimal(0), Decimal(0)]
        return figures[number]

    for number, balance in parsed.opening.items():
        row = entry(number)
        if row[0] == "balance":
            row[1] = balance.amount
            row[2] = balance.amount
    if parsed.verifications:
        for ver in parsed.verifications:
            if ver.day <= period_end:
                for trans in ver.transactions:
                    entry(trans.account)[2] += trans.amount
        if period_end >= max(v.day for v in parsed.verifications):
            for label, given, kind in (("#UB", parsed.closing, "balance"), ("#RES", parsed.results, "result")):
                for number, balance in given.items():
                    row = figures.get(number)
                    computed = row[2] if row and row[0] == kind else Decimal(0)
                    if row and row[0] != kind:
                        continue  # a #UB of a result account (some programs write both): the #RES counts
                    if computed != balance.amount:
                        raise InvalidInput(
                            f"Rad {balance.line}: {label} för konto {number} är {_shown(balance.amount)} kr, men "
                            f"{'#IB och ' if kind == 'balance' else ''}verifikationerna ger {_shown(computed)} kr. "
                            "Filen är inte hel; exportera den igen.", {"file": f"rad {balance.line}"})
    else:
        for number, balance in parsed.closing.items():
            row = entry(number)
            if row[0] == "balance":
                row[2] = balance.amount
        for number, balance in parsed.results.items():
            row = entry(number)
            if row[0] == "result":
                row[2] = balance.amount
    return {number: (kind, opening, amount) for number, (kind, opening, amount) in figures.items()}


def _shown(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def import_sie(year: int, content: bytes, filename: str, *, path: str, through: date | None = None) -> ImportResult:
    """Read the SIE 4 file `content` as the bookkeeping of `year` through `through` (default: see
    default_period_end). Replaces, whole, an earlier import of the same period; writes the year's
    outcome per budget line (LineOutcome) unless a later period of the year is already imported;
    refreshes a report built from this period. Raises RuleViolation `year_closed` after the year's
    bokslut, InvalidInput, naming the line, for a bad
    file, a file of another year, or a period end outside the year; nothing is written then."""
    services.refuse_closed_year(year, "bokföring")
    parsed = sie.parse(content)
    start, end = parsed.fiscal_year
    rar_line = parsed.years[0][2]
    if start.year != year:
        raise InvalidInput(f"Rad {rar_line}: filen gäller räkenskapsåret {start.isoformat()}–{end.isoformat()} (#RAR 0), "
                           f"inte {year} som du läser in.", {"file": "fel år"})
    period_end = through or default_period_end(parsed)
    if not start <= period_end <= end:
        raise InvalidInput(f"Periodens slut {period_end.isoformat()} ligger utanför räkenskapsåret "
                           f"{start.isoformat()}–{end.isoformat()} (#RAR 0 på rad {rar_line}).", {"through": "utanför året"})
    figures = account_figures(parsed, period_end)
    rules = plan()
    _delete_all(select(BookkeepingImport).where(BookkeepingImport.year == year, BookkeepingImport.period_end == period_end))
    row = BookkeepingImport(year=year, period_start=start, period_end=period_end, filename=filename, path=path,
                            sha256=hashlib.sha256(content).hexdigest(), program=parsed.program[:200],
                            company=parsed.company[:300], org_nr=parsed.org_nr[:20],
                            verifications=sum(1 for v in parsed.verifications if v.day <= period_end),
                            imported_by=current_actor().label[:200])
    db.session.add(row)
    db.session.flush()
    unmapped = []
    for number in sorted(figures):
        kind, opening, amount = figures[number]
        opening_kr, amount_kr = _kronor(opening), _kronor(amount)
        if opening_kr == 0 and amount_kr == 0:
            continue
        rule = rule_for(number, kind, rules)
        name = parsed.accounts.get(number, "")[:200]
        if rule is None:
            unmapped.append(f"Konto {number} {name} ({kronor(amount_kr)} kr) hör inte till någon rad i kontoplanen: det "
                            "visas som ej kopplat och ingår inte i utfallet per budgetrad.".replace("  ", " "))
        db.session.add(AccountBalance(import_id=row.id, account=number, name=name, kind=kind, opening=opening_kr,
                                      amount=amount_kr, target=rule.target if rule else None,
                                      line=_line_name(rule, number, name) if rule else None))
    db.session.flush()
    db.session.expire(row, ["balances"])
    lines = 0
    latest = db.session.scalar(select(BookkeepingImport.period_end).where(BookkeepingImport.year == year)
                               .order_by(BookkeepingImport.period_end.desc()).limit(1))
    if latest == period_end:
        outcome = line_outcomes(row)
        budgeted = budget_lines(year)
        if budgeted:
            # Outcome on a line the budget does not have is set beside nothing: say so, and where to fix it.
            for (section, name), amount in sorted(outcome.items()):
                if (section, name) not in budgeted:
                    unmapped.append(f"Utfallet {kronor(amount)} kr på raden \"{name}\" ({SECTION_LABELS[section].lower()}) "
                                    f"finns inte i budgeten för {year}; ändra kontoplanen så att kontona går till "
                                    "budgetens rader, och läs in filen igen.")
        _delete_all(select(LineOutcome).where(LineOutcome.year == year))
        for (section, name), amount in outcome.items():
            db.session.add(LineOutcome(year=year, section=section, name=name, amount=amount))
        lines = len(outcome)
    for report in db.session.scalars(select(FinancialReport).where(
            FinancialReport.year == year, FinancialReport.source == "sie", FinancialReport.period_end == period_end)):
        copy_totals(report, statements(row))
    db.session.flush()
    return ImportResult(import_id=row.id, period_end=period_end, accounts=len(row.balances),
                        verifications=row.verifications, lines=lines, unmapped=unmapped)


def _line_name(rule: Rule, number: str, name: str) -> str:
    """The statement's line for an account: the rule's name, else (a balance-sheet group with no
    name of its own) the account's name from the file, as seed 003's balansräkning lists
    "Kortfristiga placeringar" and "Kassa och bank" under their group."""
    return rule.name or name or f"Konto {number}"


def imports_of(year: int) -> list[BookkeepingImport]:
    return db.session.scalars(select(BookkeepingImport).where(BookkeepingImport.year == year)
                              .order_by(BookkeepingImport.period_end)).all()


def import_for(year: int, period_end: date) -> BookkeepingImport | None:
    return db.session.scalar(select(BookkeepingImport).where(BookkeepingImport.year == year,
                                                             BookkeepingImport.period_end == period_end))


# --- what an import shows -----------------------------------------------------------------

def line_outcomes(row: BookkeepingImport) -> dict[tuple[str, str], int]:
    """(budget section, line name) → the period's outcome in kronor, positive for income received
    and for costs spent (a refund makes a cost negative). Financial items and unmapped accounts
    belong to no budget line."""
    outcome: dict[tuple[str, str], int] = defaultdict(int)
    for balance in row.balances:
        if balance.kind == "result" and balance.target in SECTIONS:
            sign = -1 if balance.target == "income" else 1
            outcome[(balance.target, balance.line)] += sign * balance.amount
    return dict(outcome)


@dataclass(frozen=True)
class StatementRow:
    label: str
    amount: int | None
    opening: int | None = None
    style: str = "line"          # heading | line | sum | total


@dataclass
class Statements:
    """The resultaträkning and balansräkning of an import, with the totals the key figures use."""

    result: list[StatementRow]
    balance: list[StatementRow]
    totals: dict[str, int]
    unmapped: list[AccountBalance]

    @property
    def soliditet(self) -> float | None:
        from finsam_saas.economy.reports import soliditet

        return soliditet(self.totals["equity"], self.totals["total_assets"])

    @property
    def kassalikviditet(self) -> float | None:
        from finsam_saas.economy.reports import kassalikviditet

        return kassalikviditet(self.totals["current_assets"], self.totals["short_term_liabilities"])


def statements(row: BookkeepingImport) -> Statements:
    """The statements in the layout of seed 003's delårsbokslut: income and costs positive and
    negative as the report prints them; equity includes the period's result (not yet booked to
    class 2 until the bokslut)."""
    grouped: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    opening: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    unmapped = [b for b in row.balances if b.target is None]
    for b in row.balances:
        target = b.target or ("unmapped_result" if b.kind == "result" else
                              "unmapped_assets" if b.account[:1] == "1" else "unmapped_liabilities")
        grouped[target][b.line or f"{b.account} {b.name}".strip()] += b.amount
        opening[target][b.line or f"{b.account} {b.name}".strip()] += b.opening

    result_rows: list[StatementRow] = []
    income = -sum(grouped["income"].values())
    result_rows.append(StatementRow("Verksamhetens intäkter", None, style="heading"))
    result_rows += [StatementRow(name, -amount) for name, amount in grouped["income"].items()]
    result_rows.append(StatementRow("Summa verksamhetens intäkter", income, style="sum"))
    result_rows.append(StatementRow("Verksamhetens kostnader", None, style="heading"))
    operating_costs = 0
    for section in ("board", "administration", "operations", "insatser"):
        for name, amount in grouped[section].items():
            result_rows.append(StatementRow(name, -amount))
            operating_costs += amount
    for name, amount in grouped["unmapped_result"].items():
        result_rows.append(StatementRow(f"{name} (ej kopplat i kontoplanen)", -amount))
        operating_costs += amount
    result_rows.append(StatementRow("Summa verksamhetens kostnader", -operating_costs, style="sum"))
    result_rows.append(StatementRow("Verksamhetens resultat", income - operating_costs, style="sum"))
    financial = -sum(grouped["financial"].values())
    if grouped["financial"]:
        result_rows += [StatementRow(name, -amount) for name, amount in grouped["financial"].items()]
    period_result = income - operating_costs + financial
    result_rows.append(StatementRow("Resultat efter finansiella poster", period_result, style="sum"))
    result_rows.append(StatementRow("Periodens resultat", period_result, style="total"))

    def block(target: str, sign: int, label: str, rows: list[StatementRow]) -> tuple[int, int]:
        amount = sign * sum(grouped[target].values())
        before = sign * sum(opening[target].values())
        if not grouped[target]:
            return 0, 0
        rows.append(StatementRow(label, None, style="heading"))
        rows += [StatementRow(name, sign * value, sign * opening[target][name]) for name, value in grouped[target].items()]
        rows.append(StatementRow(f"Summa {label.lower()}", amount, before, style="sum"))
        return amount, before

    balance_rows: list[StatementRow] = [StatementRow("Tillgångar", None, style="heading")]
    fixed, fixed_before = block("fixed_assets", 1, "Anläggningstillgångar", balance_rows)
    current, current_before = block("current_assets", 1, "Omsättningstillgångar", balance_rows)
    other_assets, other_assets_before = block("unmapped_assets", 1, "Tillgångar ej kopplade i kontoplanen", balance_rows)
    total_assets = fixed + current + other_assets
    balance_rows.append(StatementRow("Summa tillgångar", total_assets, fixed_before + current_before + other_assets_before,
                                     style="total"))
    balance_rows.append(StatementRow("Eget kapital, avsättningar och skulder", None, style="heading"))
    balance_rows.append(StatementRow("Eget kapital", None, style="heading"))
    equity_before = -sum(opening["equity"].values())
    balance_rows += [StatementRow(name, -value, -opening["equity"][name]) for name, value in grouped["equity"].items()]
    balance_rows.append(StatementRow("Periodens resultat", period_result, None))
    equity = -sum(grouped["equity"].values()) + period_result
    balance_rows.append(StatementRow("Summa eget kapital", equity, equity_before, style="sum"))
    provisions, provisions_before = block("provisions", -1, "Avsättningar", balance_rows)
    long_term, long_term_before = block("long_term_liabilities", -1, "Långfristiga skulder", balance_rows)
    short_term, short_term_before = block("short_term_liabilities", -1, "Kortfristiga skulder", balance_rows)
    other, other_before = block("unmapped_liabilities", -1, "Skulder ej kopplade i kontoplanen", balance_rows)
    balance_rows.append(StatementRow("Summa eget kapital, avsättningar och skulder",
                                     equity + provisions + long_term + short_term + other,
                                     equity_before + provisions_before + long_term_before + short_term_before + other_before,
                                     style="total"))
    totals = {"income": income, "costs": income - period_result, "result": period_result, "equity": equity,
              "total_assets": total_assets, "current_assets": current, "fixed_assets": fixed,
              "short_term_liabilities": short_term, "long_term_liabilities": long_term, "provisions": provisions}
    return Statements(result_rows, balance_rows, totals, unmapped)


def copy_totals(report: FinancialReport, figures: Statements) -> None:
    """The six totals a report keeps for the later years' four-year overview."""
    for name in ("income", "costs", "equity", "total_assets", "current_assets", "short_term_liabilities"):
        setattr(report, name, figures.totals[name])


def months_elapsed(row: BookkeepingImport) -> int:
    """Whole months from the year's start through the period end (6 for 2021-06-30)."""
    end = row.period_end
    last_day = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    months = (end.year - row.period_start.year) * 12 + end.month - row.period_start.month + (1 if end == last_day else 0)
    return max(0, min(12, months))


def period_budget(amount: int | None, months: int) -> int | None:
    """The linear share of a year's budget for the elapsed months, half up (as förbrukningskvoten's
    base [003]): 2 460 000 for six months is 1 230 000."""
    return None if amount is None else ratio(amount * months, 12)


def budget_lines(year: int) -> dict[tuple[str, str], int]:
    budget = services.current_budget(year)
    lines: dict[tuple[str, str], int] = defaultdict(int)
    for line in budget.lines if budget else []:
        lines[(line.section, line.name)] += line.amount
    return dict(lines)
