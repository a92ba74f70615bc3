"""Joint projects of several förbund (seed 004: Skellefteå–Norsjö owns an ESF project
with Umeåregionen, Södra Lappland, Södra Norrbotten and Örnsköldsvik). Each partner
pledges cash per year and work in kind, logged as hours per person and month and
valued at the project's rate; the report sets what each partner gave against its pledge.
Hours of a project without a rate are *ej värderade* (None), never 0 kr.

A project is seen by its owner and its partners that are tenants here, and by no one
else (404); the owner keeps the records of partners that are not tenants. Only the owner
edits the project itself (its fields, rate, partners and every partner's pledge): a partner
that is not the owner is refused (403, `NotOwner`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from finsam_saas.analysis.numbers import exact_sum, times
from finsam_saas.platform import clock
from finsam_saas.analysis.models import CashContribution, HoursLogged, Partner, Pledge, Project, SharedRecommendation
from finsam_saas.extensions import db
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.formatting import kronor
from finsam_saas.platform.rounding import share
from finsam_saas.platform.rules import DomainError, InvalidInput, RuleViolation

MAX_HOURS_A_MONTH = 744  # 31 days × 24 hours: more cannot be one person's month


def visible_projects(tenant_id: int) -> list[Project]:
    partner_of = select(Partner.project_id).where(Partner.tenant_id == tenant_id)
    return list(db.session.scalars(select(Project).where(
        or_(Project.owner_tenant_id == tenant_id, Project.id.in_(partner_of))).order_by(Project.start.desc())))


def project_for(tenant_id: int, project_id: int) -> Project | None:
    """The project if this förbund owns it or is a partner; None (so 404) otherwise."""
    project = db.session.get(Project, project_id)
    if project is None:
        return None
    if project.owner_tenant_id == tenant_id or any(p.tenant_id == tenant_id for p in project.partners):
        return project
    return None


class NotOwner(DomainError):
    """A partner that is not the project's owner tried to change the project (403, code `not_owner`)."""
    status = 403

    def __init__(self, project: Project):
        super().__init__(f"Bara ägaren ({project.owner.name}) kan ändra projektet.", code="not_owner")


def require_owner(project: Project, tenant_id: int) -> None:
    """NotOwner unless `tenant_id` owns the project (call after project_for, which gives 404 to outsiders)."""
    if project.owner_tenant_id != tenant_id:
        raise NotOwner(project)


# The fields of a project and how the errors name them.
FIELD_LABELS = {"name": "namn", "description": "beskrivning", "start": "start", "end": "slut", "budget": "budget",
                "external_funding": "externt stöd", "hour_value": "värde per timme"}


def _checked(fields: dict) -> dict:
    """The project's fields as they will be stored, or InvalidInput naming every wrong field.

    `fields`: name (text), description (text), start and end (dates), budget and external_funding
    (whole kronor, ≥ 0, external ≤ budget: it is "varav"), hour_value (kronor per hour > 0, or None
    for no rate)."""
    errors, messages = {}, []

    def refuse(key: str, code: str, message: str) -> None:
        errors[key] = code
        messages.append(message)

    name = (fields.get("name") or "").strip()
    if not name:
        refuse("name", "saknas", "Ange projektets namn.")
    elif len(name) > 300:
        refuse("name", "för långt", "Projektets namn får vara högst 300 tecken.")
    start, end = fields.get("start"), fields.get("end")
    if start and end and end < start:
        refuse("end", "före start", "Projektet slutar före det börjar (slut före start).")
    for key in ("budget", "external_funding"):
        if fields.get(key) is not None and fields[key] < 0:
            refuse(key, "negativt", f"{FIELD_LABELS[key].capitalize()} kan inte vara negativ{'t' if key == 'external_funding' else ''}.")
    budget, external = fields.get("budget") or 0, fields.get("external_funding") or 0
    if not errors.keys() & {"budget", "external_funding"} and external > budget:
        refuse("external_funding", "större än budgeten",
               f"Externt stöd ({kronor(external)} kr) kan inte vara större än budgeten ({kronor(budget)} kr).")
    rate = fields.get("hour_value")
    if rate is not None and rate <= 0:
        refuse("hour_value", "inte positivt",
               "Värde per timme måste vara större än 0 kr; lämna fältet tomt om timmarna inte ska värderas.")
    if errors:
        raise InvalidInput(" ".join(messages), errors)
    return {"name": name, "description": (fields.get("description") or "").strip(), "start": start, "end": end,
            "budget": budget, "external_funding": external, "hour_value": rate or 0}


def create_project(owner: Tenant, *, name: str, start: date, end: date, budget: int = 0, external_funding: int = 0,
                   hour_value: int | None = None, description: str = "") -> Project:
    """A new project owned by `owner`, which is also its first partner. hour_value None: no rate."""
    values = _checked({"name": name, "start": start, "end": end, "budget": budget,
                       "external_funding": external_funding, "hour_value": hour_value, "description": description})
    project = Project(owner_tenant_id=owner.id, **values)
    db.session.add(project)
    db.session.flush()
    project.partners.append(Partner(project_id=project.id, tenant_id=owner.id, name=owner.name))
    db.session.flush()
    return project


def _recorded_periods(project: Project) -> tuple[set[int], set[date]]:
    """The years that pledges and cash are recorded for, and the months that hours are logged for."""
    ids = [p.id for p in project.partners]
    years = {p.year for partner in project.partners for p in partner.pledges if p.cash or p.in_kind}
    years |= set(db.session.scalars(select(CashContribution.year).where(CashContribution.partner_id.in_(ids)).distinct()))
    months = set(db.session.scalars(select(HoursLogged.month).where(HoursLogged.partner_id.in_(ids)).distinct()))
    return years, months


def update_project(project: Project, tenant_id: int, **changes) -> Project:
    """The owner changes the project's fields (FIELD_LABELS; any subset; hour_value None removes the
    rate). All are checked before any is written: InvalidInput names each wrong field, NotOwner for
    another förbund, and a period that would leave recorded pledges, cash or hours outside it is
    refused (RuleViolation `records_outside`), naming the first year or month."""
    require_owner(project, tenant_id)
    unknown = set(changes) - set(FIELD_LABELS)
    if unknown:
        raise InvalidInput(f"Okänt fält: {', '.join(sorted(unknown))}.", {k: "okänt fält" for k in sorted(unknown)})
    current = {key: getattr(project, key) for key in FIELD_LABELS}
    current["hour_value"] = project.rate
    for key in ("name", "start", "end"):
        if key in changes and changes[key] is None:
            raise InvalidInput(f"Ange {FIELD_LABELS[key]}.", {key: "saknas"})
    values = _checked({**current, **changes})
    years, months = _recorded_periods(project)
    outside_years = sorted(y for y in years if not values["start"].year <= y <= values["end"].year)
    outside_months = sorted(m for m in months if not values["start"].replace(day=1) <= m <= values["end"])
    if outside_years or outside_months:
        what = (f"det finns åtaganden eller inbetalningar för {outside_years[0]}" if outside_years
                else f"det finns loggade timmar för {outside_months[0]:%Y-%m}")
        field = "start" if (outside_years and outside_years[0] < values["start"].year) or (
            not outside_years and outside_months[0] < values["start"]) else "end"
        raise RuleViolation("records_outside", f"Projektet kan inte gälla {values['start']}–{values['end']}: {what}.",
                            {field: "utesluter registrerade uppgifter"})
    for key, value in values.items():
        setattr(project, key, value)
    db.session.flush()
    return project


def add_partner(project: Project, *, name: str, tenant: Tenant | None = None) -> Partner:
    name = (tenant.name if tenant else name).strip()
    if not name:
        raise InvalidInput("Ange partnerns namn.", {"name": "saknas"})
    if any(p.name == name or (tenant and p.tenant_id == tenant.id) for p in project.partners):
        raise RuleViolation("partner_exists", f"{name} är redan partner i projektet.")
    partner = Partner(project_id=project.id, tenant_id=tenant.id if tenant else None, name=name)
    project.partners.append(partner)
    db.session.flush()
    return partner


def rename_partner(project: Project, partner: Partner, name: str) -> Partner:
    """The owner renames a partner that is not a tenant (a tenant's name is its own)."""
    name = name.strip()
    if partner.tenant_id is not None:
        raise RuleViolation("partner_is_tenant", f"{partner.name} heter som förbundet självt; namnet kan inte ändras här.",
                            {"name": "förbund i Finsam"})
    if not name:
        raise InvalidInput("Ange partnerns namn.", {"name": "saknas"})
    if len(name) > 200:
        raise InvalidInput("Partnerns namn får vara högst 200 tecken.", {"name": "för långt"})
    if any(p.name == name and p.id != partner.id for p in project.partners):
        raise RuleViolation("partner_exists", f"{name} är redan partner i projektet.", {"name": "finns redan"})
    partner.name = name
    db.session.flush()
    return partner


def remove_partner(project: Project, partner: Partner) -> None:
    """The owner takes a partner out of the project, with its pledges. Refused for the owner itself and for
    a partner with cash or hours recorded (RuleViolation `partner_has_records`): what it gave stays on record."""
    if partner.tenant_id == project.owner_tenant_id:
        raise RuleViolation("owner_partner", "Ägaren kan inte tas bort ur sitt eget projekt.", {"partner_id": "ägaren"})
    has_cash = db.session.scalar(select(func.count(CashContribution.id)).where(CashContribution.partner_id == partner.id))
    has_hours = db.session.scalar(select(func.count(HoursLogged.id)).where(HoursLogged.partner_id == partner.id))
    if has_cash or has_hours:
        raise RuleViolation("partner_has_records",
                            f"{partner.name} har registrerade {'pengar' if has_cash else 'timmar'} i projektet och kan inte tas bort.",
                            {"partner_id": "har registreringar"})
    project.partners.remove(partner)
    db.session.flush()


def partner_in(project: Project, partner_id: int) -> Partner:
    """A partner of this project; a partner of another project is refused as not in it."""
    partner = next((p for p in project.partners if p.id == partner_id), None)
    if partner is None:
        raise RuleViolation("not_partner", "Partnern finns inte i projektet.", {"partner_id": "inte i projektet"})
    return partner


def may_record_for(project: Project, partner: Partner, tenant_id: int) -> bool:
    """A partner records its own cash and hours; the owner records for partners that are not tenants."""
    return partner.tenant_id == tenant_id or (project.owner_tenant_id == tenant_id and partner.tenant_id is None)


def may_pledge_for(project: Project, partner: Partner, tenant_id: int) -> bool:
    """A partner sets its own pledge; the owner, who keeps the project's budget, sets every partner's."""
    return partner.tenant_id == tenant_id or project.owner_tenant_id == tenant_id


def _year_in(project: Project, year: int) -> None:
    if not project.start.year <= year <= project.end.year:
        raise InvalidInput(f"{year} ligger utanför projektet ({project.start.year}–{project.end.year}).",
                           {"year": "utanför projektet"})


def pledge(project: Project, partner: Partner, *, year: int, cash: int, in_kind: int) -> Pledge:
    _year_in(project, year)
    if cash < 0 or in_kind < 0:
        field = "cash" if cash < 0 else "in_kind"
        label = "kontant" if cash < 0 else "i annat än pengar"
        raise InvalidInput(f"Åtagandet {label} kan inte vara negativt.", {field: "negativt"})
    found = next((p for p in partner.pledges if p.year == year), None)
    if found is None:
        found = Pledge(partner_id=partner.id, year=year)
        partner.pledges.append(found)
    found.cash, found.in_kind = cash, in_kind
    db.session.flush()
    return found


def record_cash(project: Project, partner: Partner, *, year: int, amount: int, note: str, by: str) -> CashContribution:
    _year_in(project, year)
    if amount <= 0:
        raise InvalidInput("Beloppet måste vara större än noll.", {"amount": "inte positivt"})
    contribution = CashContribution(partner_id=partner.id, year=year, amount=amount, note=note.strip(), recorded_by=by)
    db.session.add(contribution)
    db.session.flush()
    return contribution


def log_hours(project: Project, partner: Partner, *, person: str, month: date, hours: float, by: str,
              today: date | None = None) -> HoursLogged:
    """Hours for a month that has begun, inside the project; a second entry for the month replaces the first."""
    month = month.replace(day=1)
    today = today or clock.today()
    if not person.strip():
        raise InvalidInput("Ange vem som arbetat.", {"person": "saknas"})
    if month > today.replace(day=1):
        raise InvalidInput(f"{month:%Y-%m} har inte börjat: timmar loggas för månader som varit.", {"month": "i framtiden"})
    if not project.start.replace(day=1) <= month <= project.end:
        raise InvalidInput(f"{month:%Y-%m} ligger utanför projektet.", {"month": "utanför projektet"})
    if not 0 < hours <= MAX_HOURS_A_MONTH:
        raise InvalidInput(f"Timmarna måste vara fler än 0 och högst {MAX_HOURS_A_MONTH} i månaden.", {"hours": "orimligt"})
    entry = db.session.scalar(select(HoursLogged).where(HoursLogged.partner_id == partner.id,
                                                         HoursLogged.person == person.strip(), HoursLogged.month == month))
    if entry is None:
        entry = HoursLogged(partner_id=partner.id, person=person.strip(), month=month, hours=hours, logged_by=by)
        db.session.add(entry)
    entry.hours, entry.logged_by = hours, by
    db.session.flush()
    return entry


@dataclass(frozen=True)
class PartnerReport:
    """A partner's co-financing: kronor, and hours with their value (None: ej värderade, the project has no rate)."""
    partner: Partner
    cash_pledged: int
    cash_given: int
    in_kind_pledged: int
    hours: float
    hours_value: int | None

    @property
    def given(self) -> int | None:
        """Cash and valued hours; None while logged hours are not valued (the sum is then unknown)."""
        return None if self.hours_value is None else self.cash_given + self.hours_value

    @property
    def pledged(self) -> int:
        return self.cash_pledged + self.in_kind_pledged

    @property
    def share_given(self) -> float | None:
        """Percent of the pledge given, one decimal, half up; None without a pledge or with unvalued hours."""
        return None if self.given is None else share(self.given, self.pledged)


@dataclass(frozen=True)
class ReportTotals:
    cash_pledged: int
    cash_given: int
    in_kind_pledged: int
    hours: float
    hours_value: int | None   # None when any partner's hours are ej värderade


def totals(rows: list[PartnerReport]) -> ReportTotals:
    values = [r.hours_value for r in rows]
    return ReportTotals(sum(r.cash_pledged for r in rows), sum(r.cash_given for r in rows),
                        sum(r.in_kind_pledged for r in rows), float(exact_sum(r.hours for r in rows)),
                        None if None in values else sum(values))


def report(project: Project, year: int | None = None) -> list[PartnerReport]:
    """Co-financing per partner against its pledge (for one year, or the whole project).

    Hours are summed exactly and valued at the project's rate, half up to whole kronor; without a
    rate, logged hours have hours_value None (ej värderade), no hours 0."""
    ids = [p.id for p in project.partners]
    cash_query = select(CashContribution.partner_id, func.sum(CashContribution.amount)).where(
        CashContribution.partner_id.in_(ids))
    if year:
        cash_query = cash_query.where(CashContribution.year == year)
    cash = dict(db.session.execute(cash_query.group_by(CashContribution.partner_id)).all())
    hours_query = select(HoursLogged.partner_id, HoursLogged.hours).where(HoursLogged.partner_id.in_(ids))
    if year:
        hours_query = hours_query.where(HoursLogged.month >= date(year, 1, 1), HoursLogged.month <= date(year, 12, 31))
    logged: dict[int, list[float]] = {}
    for partner_id, hours in db.session.execute(hours_query):
        logged.setdefault(partner_id, []).append(hours)
    rows = []
    for partner in project.partners:
        pledges = [p for p in partner.pledges if year is None or p.year == year]
        hours = exact_sum(logged.get(partner.id, []))
        if not hours:
            value = 0
        elif project.rate is None:
            value = None
        else:
            value = times(hours, project.rate)
        rows.append(PartnerReport(partner, sum(p.cash for p in pledges), int(cash.get(partner.id) or 0),
                                  sum(p.in_kind for p in pledges), float(hours), value))
    return rows


def hours_of(project: Project) -> list[HoursLogged]:
    ids = [p.id for p in project.partners]
    return list(db.session.scalars(select(HoursLogged).where(HoursLogged.partner_id.in_(ids))
                                   .order_by(HoursLogged.month.desc(), HoursLogged.person)))


def share_recommendation(project: Project, tenant_id: int, recommendation) -> SharedRecommendation:
    """Copy one of the förbund's own analysgrupp recommendations into the project's shared space."""
    if project_for(tenant_id, project.id) is None:
        raise RuleViolation("not_partner", "Förbundet är inte med i projektet.")
    existing = db.session.scalar(select(SharedRecommendation).where(
        SharedRecommendation.project_id == project.id, SharedRecommendation.tenant_id == tenant_id,
        SharedRecommendation.source_id == recommendation.id))
    if existing is None:
        existing = SharedRecommendation(project_id=project.id, tenant_id=tenant_id, source_id=recommendation.id,
                                        year=recommendation.year, text=recommendation.text)
        db.session.add(existing)
    existing.text, existing.follow_up = recommendation.text, recommendation.follow_up or ""
    db.session.flush()
    return existing


def shared_recommendations(project: Project) -> list[SharedRecommendation]:
    return list(db.session.scalars(select(SharedRecommendation).where(SharedRecommendation.project_id == project.id)
                                   .order_by(SharedRecommendation.year.desc(), SharedRecommendation.tenant_id)))


def partner_tenant_ids(project: Project) -> list[int]:
    return [p.tenant_id for p in project.partners if p.tenant_id]
