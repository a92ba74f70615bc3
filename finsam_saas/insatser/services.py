"""The rules of insatser as plain functions: register, decisions, spend and the
consumption ratio, requisitions within the grant, outcomes and their shares,
and who may see which insats."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cache

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import aliased, selectinload

from finsam_saas.platform import clock
from finsam_saas.extensions import db
from finsam_saas.insatser.models import (
    COUNT_DIMENSIONS, DEVIATION_KINDS, FOCUS_MAX, GOAL_MEASURES, KINDS, OUTCOME_FIELDS, PLANNED_PARTICIPANTS_MAX,
    QUALITY_QUESTIONS, REPORT_STATUSES, SEXES, TARGET_GROUP_MAX,
    Application, CountRow, Deviation, Grant, Goal, Insats, InsatsContact, Outcome, QuarterlyReport, Requisition, Spend,
)
from finsam_saas.meetings import services as meetings
from finsam_saas.organisation.models import Member
from finsam_saas.platform.formatting import kronor, tkr
from finsam_saas.platform.models import utcnow
from finsam_saas.platform.rounding import share
from finsam_saas.platform.rules import InvalidInput, RuleViolation

PERIOD = re.compile(r"^(?P<year>\d{4})(?:(?P<half>H[12])|(?P<quarter>Q[1-4]))?$")


# --- who sees what ------------------------------------------------------------

def visible_insatser_query(role: str, user_id: int) -> Select:
    """Everything for the förbund's own people; an insatsansvarig sees only their own insatser."""
    query = select(Insats).order_by(Insats.name)
    if role == "insatsansvarig":
        query = query.join(InsatsContact, InsatsContact.insats_id == Insats.id).where(InsatsContact.user_id == user_id)
    return query


def visible_insatser(role: str, user_id: int, *, with_grants: bool = False) -> list[Insats]:
    """with_grants loads every year's grant with them (ten years of rows each: only when shown)."""
    query = visible_insatser_query(role, user_id)
    return list(db.session.scalars(query.options(selectinload(Insats.grants)) if with_grants else query))


def may_see(insats: Insats, role: str, user_id: int) -> bool:
    if role != "insatsansvarig":
        return True
    return db.session.scalar(
        select(func.count()).select_from(InsatsContact)
        .where(InsatsContact.insats_id == insats.id, InsatsContact.user_id == user_id)
    ) > 0


def add_contact(insats: Insats, user_id: int) -> None:
    exists = db.session.scalar(
        select(InsatsContact).where(InsatsContact.insats_id == insats.id, InsatsContact.user_id == user_id))
    if exists is None:
        db.session.add(InsatsContact(insats_id=insats.id, user_id=user_id))
        db.session.flush()


# --- the register ---------------------------------------------------------------

def _member_named(name: str) -> Member | None:
    return db.session.scalar(select(Member).where(Member.name == name.strip()))


def _check_grants(grants: dict, start: date, end: date, field: str = "grants") -> dict[int, int]:
    checked = {}
    for year, amount in grants.items():
        try:
            year_ = int(year)
        except (TypeError, ValueError):
            raise InvalidInput(f"\"{year}\" är inte ett år.", {f"{field}.{year}": "inte ett år"})
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise InvalidInput(f"Beloppet för {year} ska vara hela kronor, 0 eller mer.", {f"{field}.{year}": "ogiltigt belopp"})
        if not start.year <= year_ <= end.year:
            raise InvalidInput(f"{year} ligger utanför insatsens period {start}–{end}.", {f"{field}.{year}": "utanför perioden"})
        checked[year_] = amount
    return checked


def _check_description(*, name: str | None = None, owner: str | None = None, diarienummer: str | None = None,
                       focus: str | None = None, target_group: str | None = None, planned_participants=None) -> None:
    """The lengths of the texts a column limits (name 300, insatsägare 200, diarienummer 30
    characters), inriktning (at most FOCUS_MAX characters), målgrupp (at most TARGET_GROUP_MAX)
    and the budgeted participants (a whole number 0–PLANNED_PARTICIPANTS_MAX, or None: not
    stated), as Uppföljning Finsam asks for them. Raises InvalidInput naming the field."""
    for field, label, value, limit in (("name", "Namnet", name, 300), ("owner", "Insatsägaren", owner, 200),
                                       ("diarienummer", "Diarienumret", diarienummer, 30),
                                       ("focus", "Inriktningen", focus, FOCUS_MAX),
                                       ("target_group", "Målgruppen", target_group, TARGET_GROUP_MAX)):
        if value is not None and len(value) > limit:
            raise InvalidInput(f"{label} får vara högst {limit} tecken (nu {len(value)}).", {field: f"högst {limit} tecken"})
    if planned_participants is not None and (
            not isinstance(planned_participants, int) or isinstance(planned_participants, bool)
            or not 0 <= planned_participants <= PLANNED_PARTICIPANTS_MAX):
        raise InvalidInput(f"Antal planerade deltagare ska vara ett heltal från 0 till {PLANNED_PARTICIPANTS_MAX}.",
                           {"planned_participants": f"heltal 0–{PLANNED_PARTICIPANTS_MAX}"})


def create_insats(*, name: str, owner: str, kind: str, start: date, end: date, grants: dict | None = None,
                  partners: str = "", target_group: str = "", method: str = "", diarienummer: str | None = None,
                  styrgrupp: str = "", focus: str = "", planned_participants: int | None = None) -> Insats:
    """Register an insats with its grants per year (kronor). focus is its inriktning, target_group
    its målgrupp, planned_participants the budgeted number of participants (Uppföljning Finsam).
    Raises InvalidInput naming the field."""
    if not name.strip():
        raise InvalidInput("Ange insatsens namn.", {"name": "saknas"})
    if not owner.strip():
        raise InvalidInput("Ange insatsägare.", {"owner": "saknas"})
    if kind not in KINDS:
        raise InvalidInput(f"Okänd typ \"{kind}\" (individ, struktur eller ovrig).", {"kind": "okänd typ"})
    if end < start:
        raise InvalidInput(f"Slutdatum {end} är före startdatum {start}.", {"end": "före start"})
    focus, target_group = focus.strip(), target_group.strip()
    _check_description(name=name.strip(), owner=owner.strip(), diarienummer=diarienummer, focus=focus,
                       target_group=target_group, planned_participants=planned_participants)
    if db.session.scalar(select(Insats).where(Insats.name == name.strip())):
        raise InvalidInput(f"Det finns redan en insats som heter \"{name}\".", {"name": "finns redan"})
    checked = _check_grants(grants or {}, start, end)
    member = _member_named(owner)
    insats = Insats(name=name.strip(), owner=owner.strip(), owner_member_id=member.id if member else None,
                    kind=kind, start=start, end=end, partners=partners, target_group=target_group, method=method,
                    diarienummer=diarienummer, styrgrupp=styrgrupp, focus=focus,
                    planned_participants=planned_participants)
    db.session.add(insats)
    db.session.flush()
    for year, amount in sorted(checked.items()):
        insats.grants.append(Grant(insats_id=insats.id, year=year, amount=amount))
    db.session.flush()
    return insats


EDITABLE = ("owner", "kind", "partners", "target_group", "method", "focus", "planned_participants", "diarienummer",
            "styrgrupp")


def update_insats(insats: Insats, **changes) -> Insats:
    """Change what describes an insats (EDITABLE: owner, kind, partners, målgrupp, metod,
    inriktning, planned participants, diarienummer, styrgrupp); a key left out keeps its value.
    The name, period and grants are not changed here: the name links the budget's line, the period
    changes by a förlängning (`extend`) and the grants by the board's decisions. Raises
    InvalidInput naming the field."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"Kan inte ändras här: {', '.join(sorted(unknown))}.", {k: "kan inte ändras" for k in unknown})
    for field in ("owner", "partners", "target_group", "method", "focus", "styrgrupp"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    if "owner" in changes and not changes["owner"]:
        raise InvalidInput("Ange insatsägare.", {"owner": "saknas"})
    if "kind" in changes and changes["kind"] not in KINDS:
        raise InvalidInput(f"Okänd typ \"{changes['kind']}\" (individ, struktur eller ovrig).", {"kind": "okänd typ"})
    if "diarienummer" in changes:
        changes["diarienummer"] = (changes["diarienummer"] or "").strip() or None
    _check_description(owner=changes.get("owner"), diarienummer=changes.get("diarienummer"), focus=changes.get("focus"),
                       target_group=changes.get("target_group"), planned_participants=changes.get("planned_participants"))
    if "owner" in changes:
        member = _member_named(changes["owner"])
        insats.owner_member_id = member.id if member else None
    for field, value in changes.items():
        setattr(insats, field, value)
    db.session.flush()
    return insats


def set_grant(insats: Insats, year: int, amount: int) -> None:
    _check_grants({year: amount}, insats.start, insats.end)
    grant = next((g for g in insats.grants if g.year == year), None)
    if grant is None:
        insats.grants.append(Grant(insats_id=insats.id, year=year, amount=amount))
    else:
        grant.amount = amount
    db.session.flush()


def extend(insats: Insats, new_end: date) -> None:
    """A förlängning: the period runs on to the new end."""
    if new_end <= insats.end:
        raise InvalidInput(f"En förlängning måste sluta efter {insats.end}.", {"end": "inte senare än nu"})
    insats.end = new_end
    db.session.flush()


# --- applications and the board's decision -----------------------------------------

def create_application(*, title: str, applicant: str, amounts: dict, kind: str = "individ", goals: str = "",
                       target_group: str = "", start: date | None = None, end: date | None = None) -> Application:
    if not title.strip():
        raise InvalidInput("Ange ansökans titel.", {"title": "saknas"})
    if not applicant.strip():
        raise InvalidInput("Ange sökande.", {"applicant": "saknas"})
    if not amounts:
        raise InvalidInput("Ange belopp per år.", {"amounts": "saknas"})
    if kind not in KINDS:
        raise InvalidInput(f"Okänd typ \"{kind}\".", {"kind": "okänd typ"})
    # "¹".isdigit() is true but no year: only four ASCII digits make one.
    years = [int(y) for y in amounts] if all(re.fullmatch(r"[12][0-9]{3}", str(y)) for y in amounts) else None
    if years is None:
        raise InvalidInput("Beloppen ska anges per år, t.ex. {\"2021\": 1285000}.", {"amounts": "ogiltiga år"})
    for year in years:  # money of a year whose books are closed can no longer be granted
        _refuse_closed(year, "ansökningar om medel")
    span_start = start or date(min(years), 1, 1)
    span_end = end or date(max(years), 12, 31)
    checked = _check_grants(amounts, span_start, span_end, "amounts")
    member = _member_named(applicant)
    application = Application(title=title.strip(), applicant=applicant.strip(),
                              applicant_member_id=member.id if member else None,
                              amounts={str(y): a for y, a in sorted(checked.items())}, kind=kind, goals=goals,
                              target_group=target_group, start=span_start, end=span_end)
    db.session.add(application)
    db.session.flush()
    return application


def _tkr_list(amounts: dict) -> str:
    """"1 285 tkr för 2018" or "1 285 tkr för 2018 och 1 300 tkr för 2019", as the seeds write them [001]."""
    parts = [f"{tkr(amount)} tkr för {year}" for year, amount in sorted(amounts.items())]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def put_on_agenda(application: Application, meeting, *, recommendation: str = "") -> None:
    """The prepared application goes on a board meeting's agenda as a beslut item, last among
    the matters of the day, with the beredning's recommendation and a förslag till beslut."""
    if application.status != "pending":
        raise RuleViolation("already_decided", "Ansökan är redan beslutad.")
    if application.agenda_item_id is not None:
        raise RuleViolation("already_on_agenda", "Ansökan står redan på en dagordning.")
    application.recommendation = recommendation.strip()
    item = meetings.add_item(meeting, {
        "title": f"Ansökan: {application.title}", "kind": "beslut", "presenter": "",
        "description": f"Sökande: {application.applicant}."
                       + (f" Beredningens rekommendation: {application.recommendation}" if application.recommendation else ""),
        "proposal": f"Styrelsen bifaller äskandet med {_tkr_list(application.amounts)}."})
    application.agenda_item_id = item.id
    db.session.flush()


def _release_application(item) -> None:
    # The item left the agenda before any decision: the application waits for another meeting.
    for application in db.session.scalars(select(Application).where(Application.agenda_item_id == item.id)):
        application.agenda_item_id = None


meetings.register_item_release(_release_application)


def pending_applications() -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.status == "pending").order_by(Application.created_at)))


def decision_sentence(decision: str, amounts: dict) -> str:
    """The § text of a decision in the seeds' words: "Styrelsen biföll äskandet med 2 800 tkr för 2022." [001]."""
    if decision == "avslag":
        return "Styrelsen avslog äskandet."
    return f"Styrelsen biföll äskandet med {_tkr_list(amounts)}."


def decide_application(application: Application, paragraph, *, decision: str,
                       amounts: dict | None = None, extends: Insats | None = None) -> Insats | None:
    """The board's decision in a § of the meeting that had the application on its agenda, before
    justering: bifall (with the amounts applied for or others) makes or extends an insats with
    its grants; avslag closes the application. The decision is written into the § in the seeds'
    words, and the insats and the application link back to the §. Raises RuleViolation
    (`not_on_agenda`, `justerad`, `already_decided`) or InvalidInput."""
    if application.status != "pending":
        raise RuleViolation("already_decided", f"Ansökan är redan beslutad ({application.status_label.lower()}).")
    if decision not in ("bifall", "avslag"):
        raise InvalidInput("Beslutet ska vara bifall eller avslag.", {"decision": "bifall eller avslag"})
    if paragraph is None:
        raise InvalidInput("Ange paragrafen där styrelsen beslutade.", {"paragraph": "saknas"})
    # Years the board did not change are granted as applied for.
    granted = {**application.amounts, **{str(k): v for k, v in (amounts or {}).items()}}
    meetings.record_decision(paragraph, decision_sentence(decision, granted), agenda_item_id=application.agenda_item_id,
                             what=f"Ansökan \"{application.title}\"")
    application.status, application.paragraph_id = decision, paragraph.id
    if decision == "avslag":
        db.session.flush()
        return None
    application.decided_amounts = granted
    if extends is not None:
        insats = extends
        last_year = max(int(y) for y in granted)
        if date(last_year, 12, 31) > insats.end:
            extend(insats, application.end or date(last_year, 12, 31))
        for year, amount in granted.items():
            set_grant(insats, int(year), amount)
    else:
        insats = create_insats(name=application.title, owner=application.applicant, kind=application.kind,
                               start=application.start, end=application.end, grants=granted,
                               target_group=application.target_group)
    insats.decided_paragraph_id = paragraph.id
    application.insats_id = insats.id
    db.session.flush()
    return insats


def _refuse_discard(paragraph_ids: list[int]) -> None:
    decided = db.session.scalar(select(func.count()).select_from(Application).where(Application.paragraph_id.in_(paragraph_ids)))
    if decided:
        raise RuleViolation("has_decisions", "En ansökan är beslutad i protokollet; protokollet kan inte tas bort.")


meetings.register_discard_check(_refuse_discard)


def _undecided(minutes) -> list[str]:
    # An ansökan on the meeting's agenda, still pending, whose § has a beslut written.
    stated = meetings.stated_decisions(minutes)
    pending = db.session.scalars(select(Application).where(Application.agenda_item_id.in_(list(stated)),
                                                           Application.status == "pending")).all() if stated else []
    return [f"ansökan \"{a.title}\" (§ {stated[a.agenda_item_id].number})" for a in pending]


meetings.register_justering_check(_undecided)


# --- spend, consumption ratio and requisitions ---------------------------------------

def whole_months(through: date) -> int:
    """Whole months of the year elapsed on `through` (the 30th of June: 6)."""
    last_day = calendar.monthrange(through.year, through.month)[1]
    return through.month if through.day == last_day else through.month - 1


def consumption_ratio(amount: int, *, budget: int | None = None, grant: int = 0, through: date | None = None) -> float | None:
    """The förbrukningskvot in percent, one decimal rounded half up (platform.rounding): spend
    (kronor) against the budget for the period, or against the year's grant × whole months elapsed
    / 12 (target 100 %; seed 003: Framsteget 1 219 of 1 230 tkr = 99 %). None without a base."""
    # The linear share as an exact fraction: grant × 5 / 12 is no finite decimal, and a float of it
    # could put a ratio that is exactly x,x5 % on the wrong side of the half.
    base = budget if budget is not None else (Fraction(grant * whole_months(through), 12) if through else 0)
    return share(amount, base)


def report_spend(insats: Insats, year: int, *, through: date, amount: int, budget: int | None = None) -> float | None:
    """The insats's spend (utfall, kronor) through a day of `year`, with the budget for the period
    when one is stated; a second report through the same day replaces the first. Answers the
    förbrukningskvot (`consumption_ratio`). Refused once the year's bokslut is made (409
    year_closed): the year's money is settled then [003]. Raises InvalidInput naming the field."""
    if through.year != year:
        raise InvalidInput(f"Datumet {through} ligger inte i {year}.", {"through": "fel år"})
    if not insats.start <= through or not date(year, 1, 1) <= insats.end:
        raise InvalidInput(f"{through} ligger utanför insatsens period {insats.start}–{insats.end}.", {"through": "utanför perioden"})
    for field, value in (("amount", amount), ("budget", budget)):
        if value is not None and value < 0:
            raise InvalidInput(f"{field} kan inte vara negativt.", {field: "negativt"})
    _refuse_closed(year, "utfall")
    row = db.session.scalar(select(Spend).where(Spend.insats_id == insats.id, Spend.year == year, Spend.through == through))
    if row is None:
        row = Spend(insats_id=insats.id, year=year, through=through, amount=amount, budget=budget)
        db.session.add(row)
    else:
        row.amount, row.budget = amount, budget
    db.session.flush()
    return consumption_ratio(amount, budget=budget, grant=insats.grant_for(year), through=through)


@dataclass(frozen=True)
class SpendRow:
    insats: Insats
    year: int
    through: date | None
    amount: int | None
    budget: int | None
    grant: int
    ratio: float | None


@cache
def _no_later_spend_report():
    # Built once: an alias and its correlation cost more to build than the query takes to run.
    newer = aliased(Spend)
    return ~exists().where(newer.insats_id == Spend.insats_id, newer.year == Spend.year, newer.through > Spend.through)


def with_grant_and_latest_spend(query, year: int):
    """`query` on Insats with the year's grant and its latest spend report (amount and budget
    through the latest date) outer-joined, as four more columns: grant, through, amount, budget."""
    return (query.add_columns(Grant.amount, Spend.through, Spend.amount, Spend.budget)
            .outerjoin(Grant, (Grant.insats_id == Insats.id) & (Grant.year == year))
            .outerjoin(Spend, (Spend.insats_id == Insats.id) & (Spend.year == year) & _no_later_spend_report()))


def spend_row(insats: Insats, year: int, grant: int | None, through: date | None, amount: int | None,
              budget: int | None) -> SpendRow:
    ratio = consumption_ratio(amount, budget=budget, grant=grant or 0, through=through) if through else None
    return SpendRow(insats, year, through, amount, budget, grant or 0, ratio)


def running_in(insatser: Select, year: int) -> Select:
    """`insatser` (a query on Insats) narrowed to those whose period touches `year`: started by its
    31 December and not ended before its 1 January. An insats of 2018–2021 is no row of 2024."""
    return insatser.where(Insats.start <= date(year, 12, 31), Insats.end >= date(year, 1, 1))


def spend_table(year: int, insatser: Select) -> list[SpendRow]:
    """The insatser of a query on Insats, each with its latest spend and grant in the year, as seed
    003 table 4 (in the same query)."""
    return [spend_row(insats, year, *spend) for insats, *spend in db.session.execute(
        with_grant_and_latest_spend(insatser, year))]


def _refuse_closed(year: int, what: str) -> None:
    """Raise RuleViolation `year_closed` (409, naming `year`) when the year's bokslut is made: its
    money is settled and its unused money returned. `what` names what is refused, in the plural."""
    if meetings.year_closed(year):
        raise RuleViolation("year_closed", f"Bokslut för {year} är gjort och årets outnyttjade medel är återförda; "
                                           f"{what} för {year} tas inte emot längre.", {"year": "bokslut gjort"})


def _check_requisition_year(insats: Insats, year: int) -> None:
    """A requisition's year: four digits ("21" is no year) and within the insats's period. Raises
    InvalidInput naming `year`."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1000 <= year <= 9999:
        raise InvalidInput(f"Året \"{year}\" ska skrivas med fyra siffror, till exempel {insats.start.year}.",
                           {"year": "fyra siffror"})
    if not insats.start.year <= year <= insats.end.year:
        raise InvalidInput(f"{year} ligger utanför insatsens period {insats.start}–{insats.end}.",
                           {"year": "utanför insatsens period"})


def requisition(insats: Insats, *, year: int, amount: int, requisitioned_on: date | None = None,
                today: date | None = None) -> Requisition:
    """Requisition `amount` kronor of the year's grant. The year is four digits and within the
    insats's period; never more than the year's grant (409 exceeds_grant), and never for a year
    whose bokslut is made (409 year_closed): its unused money is then returned [003]. Until the
    bokslut, a requisition for last year (the Q4 one, in January) is taken. requisitioned_on: the
    day of a requisition registered after the fact, not after today (Stockholm); without it the
    day it is registered counts. Raises InvalidInput naming the field."""
    _check_requisition_year(insats, year)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidInput("Beloppet ska vara hela kronor, större än 0.", {"amount": "inte positivt"})
    today = today or clock.today()
    if requisitioned_on is not None and requisitioned_on > today:
        raise InvalidInput(f"Rekvisitionens datum {requisitioned_on} ligger i framtiden (i dag är det {today}).",
                           {"requisitioned_on": "i framtiden"})
    _refuse_closed(year, "rekvisitioner")
    grant = insats.grant_for(year)
    already = requisitioned(insats, year)
    if already + amount > grant:
        raise RuleViolation(
            "exceeds_grant",
            f"Rekvisitionen på {kronor(amount)} kr skulle ge {kronor(already + amount)} kr för {year}, mer än "
            f"beviljade {kronor(grant)} kr ({kronor(max(grant - already, 0))} kr återstår).",
            {"amount": "över beviljat belopp"})
    row = Requisition(insats_id=insats.id, year=year, amount=amount, requisitioned_on=requisitioned_on)
    db.session.add(row)
    db.session.flush()
    return row


def requisitions_of(insats: Insats) -> list[Requisition]:
    """The insats's requisitions, in the order they were made (their day, then registration)."""
    rows = db.session.scalars(select(Requisition).where(Requisition.insats_id == insats.id)
                              .order_by(Requisition.requested_at)).all()
    return sorted(rows, key=lambda r: r.day)  # stable: same day keeps the order registered


def remove_requisition(row: Requisition) -> None:
    """Take back a requisition entered by mistake; the audit log keeps what it was. Refused once
    its year's bokslut is made (409 year_closed): the year's unused money is settled on it."""
    _refuse_closed(row.year, "ändringar av rekvisitioner")
    db.session.delete(row)
    db.session.flush()


# --- outcomes ---------------------------------------------------------------------------

def period_bounds(period: str) -> tuple[date, date]:
    match = PERIOD.match(period or "")
    if not match:
        raise InvalidInput(f"Perioden \"{period}\" ska skrivas 2021, 2021H1 eller 2021Q2.", {"period": "ogiltig period"})
    year = int(match["year"])
    if match["half"]:
        first_month = 1 if match["half"] == "H1" else 7
        months = 6
    elif match["quarter"]:
        first_month = 3 * (int(match["quarter"][1]) - 1) + 1
        months = 3
    else:
        first_month, months = 1, 12
    last_month = first_month + months - 1
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def _check_counts(sex: str, counts: dict) -> dict:
    clean = {}
    for field in OUTCOME_FIELDS:
        value = counts.get(field)
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidInput(f"{sex}.{field} saknas eller är inte ett heltal.", {f"{sex}.{field}": "inte ett heltal"})
        if value < 0:
            raise InvalidInput(f"{sex}.{field} kan inte vara negativt.", {f"{sex}.{field}": "negativt"})
        clean[field] = value
    reasons = clean["to_work"] + clean["to_studies"] + clean["to_other_solution"] + clean["other_dropouts"]
    if clean["ended"] != reasons:
        raise InvalidInput(
            f"{sex}: avslutade ({clean['ended']}) ska vara summan av avslutsorsakerna ({reasons}).",
            {f"{sex}.ended": "inte summan av avslutsorsakerna"})
    if clean["remaining"] != clean["participants"] - clean["ended"]:
        raise InvalidInput(
            f"{sex}: kvar ({clean['remaining']}) ska vara deltagare minus avslutade ({clean['participants'] - clean['ended']}).",
            {f"{sex}.remaining": "inte deltagare minus avslutade"})
    if clean["new"] > clean["participants"]:
        raise InvalidInput(f"{sex}: fler nya än deltagare.", {f"{sex}.new": "fler än deltagare"})
    return clean


def record_outcome(insats: Insats, period: str, counts: dict) -> dict:
    first, last = period_bounds(period)
    if last < insats.start or first > insats.end:
        raise InvalidInput(f"Perioden {period} ligger utanför insatsens period {insats.start}–{insats.end}.",
                           {"period": "utanför insatsens period"})
    checked = {sex: _check_counts(sex, counts.get(sex) or {}) for sex in SEXES}
    existing = {o.sex: o for o in db.session.scalars(
        select(Outcome).where(Outcome.insats_id == insats.id, Outcome.period == period))}
    for sex, values in checked.items():
        row = existing.get(sex)
        if row is None:
            db.session.add(Outcome(insats_id=insats.id, period=period, sex=sex, **values))
        else:
            for field, value in values.items():
                setattr(row, field, value)
    db.session.flush()
    return outcome_summary(checked)


def _share(part: int, whole: int) -> float | None:
    """part as a percent of whole, one decimal, half up (6,25 % → 6,3 %); None when whole is 0."""
    return share(part, whole)


def outcome_summary(by_sex: dict[str, dict]) -> dict:
    """The counts by sex, their total, and shares of those ended (null when no one ended)."""
    total = {field: sum(by_sex[sex][field] for sex in SEXES) for field in OUTCOME_FIELDS}
    ended = total["ended"]
    shares = {
        "to_work": _share(total["to_work"], ended),
        "to_studies": _share(total["to_studies"], ended),
        "to_other_solution": _share(total["to_other_solution"], ended),
        "other_dropouts": _share(total["other_dropouts"], ended),
        "work_or_studies": _share(total["to_work"] + total["to_studies"], ended),
        "positive": _share(total["to_work"] + total["to_studies"] + total["to_other_solution"], ended),
    }
    return {**{sex: by_sex[sex] for sex in SEXES}, "total": total, "shares": shares}


def outcomes_of(insats: Insats) -> dict[str, dict]:
    return outcomes_for([insats.id]).get(insats.id, {})


@cache
def _outcome_rows() -> Select:
    # Plain rows, not Outcome objects: only their figures are needed, and a row costs a fraction.
    return select(Outcome.insats_id, Outcome.period, Outcome.sex, *(getattr(Outcome, f) for f in OUTCOME_FIELDS))


def outcomes_for(insats_ids: list[int], periods: list[str] | None = None) -> dict[int, dict[str, dict]]:
    """Outcome summaries of many insatser in one query: {insats id: {period: summary}}."""
    query = _outcome_rows().where(Outcome.insats_id.in_(insats_ids)).order_by(Outcome.period)
    if periods is not None:
        query = query.where(Outcome.period.in_(periods))
    found: dict[int, dict[str, dict]] = {}
    for insats_id, period, sex, *figures in db.session.execute(query):
        found.setdefault(insats_id, {}).setdefault(period, {})[sex] = dict(zip(OUTCOME_FIELDS, figures))
    return {insats_id: {period: outcome_summary(values) for period, values in by_period.items() if set(values) == set(SEXES)}
            for insats_id, by_period in found.items()}


# --- kvartalsrapporter -------------------------------------------------------------------

def report_due(year: int, quarter: int) -> date:
    """A month after the quarter: Q1 → 30 April, Q4 → 31 January the year after."""
    month = 3 * quarter + 1
    due_year = year + (1 if month > 12 else 0)
    month = month - 12 if month > 12 else month
    return date(due_year, month, calendar.monthrange(due_year, month)[1])


def is_late(year: int, quarter: int, submitted: date | None, today: date | None = None) -> bool:
    """Was (or, not yet received, is) the report for the quarter late? `submitted` is the Stockholm
    day it was received (`QuarterlyReport.received`: a back-filled report's entered day); without
    one, today counts."""
    return (submitted or today or clock.today()) > report_due(year, quarter)


def check_received_on(year: int, quarter: int, received_on: date, today: date | None = None) -> None:
    """The day a report was received, as the kansli enters it when back-filling a paper report:
    not after today (Stockholm) and not before the quarter's last day. Raises InvalidInput
    naming `received_on`."""
    today = today or clock.today()
    last = period_bounds(f"{year}Q{quarter}")[1]
    if received_on > today:
        raise InvalidInput(f"Mottagningsdagen {received_on} ligger i framtiden (i dag är det {today}).",
                           {"received_on": "i framtiden"})
    if received_on < last:
        raise InvalidInput(f"Mottagningsdagen {received_on} är före kvartalets slut ({last}); en rapport för "
                           f"{year} kvartal {quarter} kan inte ha kommit in då.", {"received_on": "före kvartalets slut"})


def submit_report(insats: Insats, *, year: int, quarter: int, answers: dict, goals_on_track: bool,
                  forecast_met: bool, deviations: str = "", comment: str = "", user_id: int | None = None,
                  received_on: date | None = None, today: date | None = None):
    """The styrgrupp's kvartalsrapport (seed 003 table 5), submitted or replaced until the kansli
    has assessed it (409 report_assessed). received_on: the day the kansli received it on paper,
    when back-filling (`check_received_on`); it is then late or not by that day. A resubmission
    without received_on keeps the day entered before. Raises InvalidInput naming the field."""
    if quarter not in (1, 2, 3, 4):
        raise InvalidInput(f"Kvartal {quarter} finns inte (1–4).", {"quarter": "1–4"})
    first, last = period_bounds(f"{year}Q{quarter}")
    if last < insats.start or first > insats.end:
        raise InvalidInput(f"{year} kvartal {quarter} ligger utanför insatsens period {insats.start}–{insats.end}.",
                           {"quarter": "utanför insatsens period"})
    if received_on is not None:
        check_received_on(year, quarter, received_on, today)
    missing = [key for key, _ in QUALITY_QUESTIONS if not isinstance(answers.get(key), bool)]
    if missing:
        raise InvalidInput("Besvara alla frågor med ja eller nej.", {key: "saknas" for key in missing})
    report = db.session.scalar(select(QuarterlyReport).where(
        QuarterlyReport.insats_id == insats.id, QuarterlyReport.year == year, QuarterlyReport.quarter == quarter))
    if report is not None and report.status is not None:
        raise RuleViolation("report_assessed", "Kansliet har redan bedömt rapporten; den kan inte längre ändras.")
    if report is None:
        report = QuarterlyReport(insats_id=insats.id, year=year, quarter=quarter)
        db.session.add(report)
    report.answers = {key: answers[key] for key, _ in QUALITY_QUESTIONS}
    report.goals_on_track, report.forecast_met = goals_on_track, forecast_met
    report.deviations, report.comment = deviations.strip(), comment.strip()
    report.submitted_by = user_id
    report.submitted_at = utcnow()
    if received_on is not None:
        report.received_on = received_on
    db.session.flush()
    return report


def assess_report(report, status: str, note: str = "") -> None:
    if status not in REPORT_STATUSES:
        raise InvalidInput("Välj grön, gul eller röd.", {"status": "green, yellow eller red"})
    report.status, report.status_note = status, note.strip()
    db.session.flush()


def quarters_of(insats: Insats, up_to: date) -> list[tuple[int, int]]:
    """The quarters the insats has run, up to the one that contains `up_to`."""
    quarters = []
    year, quarter = insats.start.year, (insats.start.month - 1) // 3 + 1
    last = min(insats.end, up_to)
    while date(year, 3 * quarter - 2, 1) <= last:
        quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


# --- avvikelser ------------------------------------------------------------------------------

def file_deviation(insats: Insats, *, kind: str, description: str, amount: int | None = None,
                   from_year: int | None = None, to_year: int | None = None):
    if kind not in DEVIATION_KINDS:
        raise InvalidInput("Välj budget, mål eller målgrupp.", {"kind": "okänd typ"})
    if not description.strip():
        raise InvalidInput("Beskriv avvikelsen.", {"description": "saknas"})
    if kind == "budget":
        for year in (from_year, to_year):
            if year is not None:
                _refuse_closed(year, "avvikelser som flyttar medel")
    if kind == "budget" and amount is not None:
        if from_year is None or to_year is None:
            raise InvalidInput("Ange från vilket år och till vilket år medlen ska flyttas.",
                               {"from_year" if from_year is None else "to_year": "saknas"})
        if to_year != from_year + 1:
            raise InvalidInput("Outnyttjade medel kan flyttas till året efter.", {"to_year": "ska vara året efter"})
        if amount <= 0:
            raise InvalidInput("Beloppet ska vara större än 0.", {"amount": "inte positivt"})
        if to_year > insats.end.year:
            raise InvalidInput(f"Insatsen slutar {insats.end}; förläng den först.", {"to_year": "efter insatsens slut"})
        unused = insats.grant_for(from_year) - requisitioned(insats, from_year)
        if amount > unused:
            raise RuleViolation("exceeds_unused", f"Bara {kronor(unused)} kr av {from_year} års medel är outnyttjade.",
                                {"amount": "mer än outnyttjat"})
    deviation = Deviation(insats_id=insats.id, kind=kind, description=description.strip(), amount=amount,
                          from_year=from_year, to_year=to_year)
    db.session.add(deviation)
    db.session.flush()
    return deviation


def released(insats: Insats, year: int) -> int | None:
    """Unused money returned at the year's bokslut (grant less requisitioned, kronor), or None until
    the bokslut is made."""
    if not meetings.year_closed(year):
        return None
    return max(insats.grant_for(year) - requisitioned(insats, year), 0)


def requisitioned(insats: Insats, year: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(Requisition.amount), 0))
                             .where(Requisition.insats_id == insats.id, Requisition.year == year))


def decide_deviation(deviation, insats: Insats, *, approve: bool, decided_by: str) -> None:
    """The förbundschef's decision; an approved carry-over moves the money to next year's grant."""
    if deviation.status != "pending":
        raise RuleViolation("already_decided", "Avvikelsen är redan beslutad.")
    deviation.status = "approved" if approve else "rejected"
    deviation.decided_by, deviation.decided_at = decided_by, utcnow()
    if approve and deviation.kind == "budget" and deviation.amount:
        for year in (deviation.from_year, deviation.to_year):
            _refuse_closed(year, "beslut om avvikelser som flyttar medel")
        unused = insats.grant_for(deviation.from_year) - requisitioned(insats, deviation.from_year)
        if deviation.amount > unused:
            raise RuleViolation("exceeds_unused", f"Bara {kronor(unused)} kr är outnyttjade nu.",
                                {"amount": "mer än outnyttjat"})
        set_grant(insats, deviation.from_year, insats.grant_for(deviation.from_year) - deviation.amount)
        set_grant(insats, deviation.to_year, insats.grant_for(deviation.to_year) + deviation.amount)
    db.session.flush()


# --- goals -------------------------------------------------------------------------------------

def set_goal(insats: Insats, measure: str, target: float) -> Goal:
    if measure not in GOAL_MEASURES:
        raise InvalidInput("Välj vad målet mäter.", {"measure": "okänt mått"})
    if not 0 < target <= 100:
        raise InvalidInput("Målet anges i procent, över 0 och högst 100.", {"target": "0–100"})
    goal = db.session.scalar(select(Goal).where(Goal.insats_id == insats.id, Goal.measure == measure))
    if goal is None:
        goal = Goal(insats_id=insats.id, measure=measure, target=target)
        db.session.add(goal)
    else:
        goal.target = target
    db.session.flush()
    return goal


def goals_of(insats: Insats) -> list[Goal]:
    return goals_for([insats.id]).get(insats.id, [])


def goals_for(insats_ids: list[int]) -> dict[int, list[Goal]]:
    found: dict[int, list[Goal]] = {}
    for goal in db.session.scalars(select(Goal).where(Goal.insats_id.in_(insats_ids)).order_by(Goal.measure)):
        found.setdefault(goal.insats_id, []).append(goal)
    return found


@dataclass(frozen=True)
class GoalResult:
    goal: Goal
    period: str
    actual: float | None

    @property
    def met(self) -> bool | None:
        """None when no one ended in the period: the goal cannot be judged."""
        return None if self.actual is None else self.actual >= self.goal.target


def check_goals(insats: Insats, period: str, summary: dict | None = None,
                goals: list[Goal] | None = None) -> list[GoalResult]:
    summary = summary or outcomes_of(insats).get(period)
    if summary is None:
        return []
    goals = goals_of(insats) if goals is None else goals
    return [GoalResult(goal, period, summary["shares"][goal.measure]) for goal in goals]


# --- count tables ----------------------------------------------------------------------------

def record_counts(insats: Insats, period: str, dimension: str, rows: dict[str, dict]) -> list[CountRow]:
    """Replace one count table of a period: {category: {"women": n, "men": n}}."""
    if dimension not in COUNT_DIMENSIONS:
        raise InvalidInput(f"Okänd tabell \"{dimension}\".", {"dimension": "okänd"})
    first, last = period_bounds(period)
    if last < insats.start or first > insats.end:
        raise InvalidInput(f"Perioden {period} ligger utanför insatsens period.", {"period": "utanför insatsens period"})
    categories = COUNT_DIMENSIONS[dimension][1]
    clean = {}
    for category, values in rows.items():
        if category not in categories:
            raise InvalidInput(f"\"{category}\" är ingen kategori i {COUNT_DIMENSIONS[dimension][0].lower()}.",
                               {f"{dimension}.{category}": "okänd kategori"})
        for sex in SEXES:
            value = (values or {}).get(sex)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidInput(f"{category}, {'kvinnor' if sex == 'women' else 'män'}: ange ett heltal 0 eller mer.",
                                   {f"{dimension}.{category}.{sex}": "inte ett heltal ≥ 0"})
        clean[category] = values
    existing = {r.category: r for r in db.session.scalars(select(CountRow).where(
        CountRow.insats_id == insats.id, CountRow.period == period, CountRow.dimension == dimension))}
    for category, row in existing.items():
        if category not in clean:
            db.session.delete(row)
    for category, values in clean.items():
        row = existing.get(category)
        if row is None:
            db.session.add(CountRow(insats_id=insats.id, period=period, dimension=dimension, category=category,
                                    women=values["women"], men=values["men"]))
        else:
            row.women, row.men = values["women"], values["men"]
    db.session.flush()
    return count_tables(insats).get(period, {}).get(dimension, [])


def count_tables(insats: Insats) -> dict[str, dict[str, list[CountRow]]]:
    """{period: {dimension: [rows in the category order]}}."""
    tables: dict[str, dict[str, list[CountRow]]] = {}
    for row in db.session.scalars(select(CountRow).where(CountRow.insats_id == insats.id).order_by(CountRow.period)):
        tables.setdefault(row.period, {}).setdefault(row.dimension, []).append(row)
    for dimensions in tables.values():
        for dimension, rows in dimensions.items():
            order = COUNT_DIMENSIONS[dimension][1]
            rows.sort(key=lambda r: order.index(r.category))
    return tables
