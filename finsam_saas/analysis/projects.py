"""Joint projects of several förbund (seed 004: Skellefteå–Norsjö owns an ESF project
with Umeåregionen, Södra Lappland, Södra Norrbotten and Örnsköldsvik). Each partner
pledges cash per year and work in kind, logged as hours per person and month and
valued at the project's rate; the report sets what each partner gave against its pledge.

A project is seen by its owner and its partners that are tenants here, and by no one
else; the owner keeps the records of partners that are not tenants.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from finsam_saas.platform import clock
from finsam_saas.analysis.models import CashContribution, HoursLogged, Partner, Pledge, Project, SharedRecommendation
from finsam_saas.extensions import db
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.rules import InvalidInput, RuleViolation

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


def create_project(owner: Tenant, *, name: str, start: date, end: date, budget: int = 0, external_funding: int = 0,
                   hour_value: int = 0, description: str = "") -> Project:
    if not name.strip():
        raise InvalidInput("Ange projektets namn.", {"name": "saknas"})
    if end < start:
        raise InvalidInput("Projektet slutar före det börjar.", {"end": "före start"})
    for field, value in (("budget", budget), ("external_funding", external_funding), ("hour_value", hour_value)):
        if value < 0:
            raise InvalidInput("Beloppet kan inte vara negativt.", {field: "negativt"})
    project = Project(owner_tenant_id=owner.id, name=name.strip(), start=start, end=end, budget=budget,
                      external_funding=external_funding, hour_value=hour_value, description=description.strip())
    db.session.add(project)
    db.session.flush()
    project.partners.append(Partner(project_id=project.id, tenant_id=owner.id, name=owner.name))
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


def partner_in(project: Project, partner_id: int) -> Partner:
    """A partner of this project; a partner of another project is refused as not in it."""
    partner = next((p for p in project.partners if p.id == partner_id), None)
    if partner is None:
        raise RuleViolation("not_partner", "Partnern finns inte i projektet.", {"partner_id": "inte i projektet"})
    return partner


def may_record_for(project: Project, partner: Partner, tenant_id: int) -> bool:
    """A partner records its own pledges and hours; the owner records for partners that are not tenants."""
    return partner.tenant_id == tenant_id or (project.owner_tenant_id == tenant_id and partner.tenant_id is None)


def _year_in(project: Project, year: int) -> None:
    if not project.start.year <= year <= project.end.year:
        raise InvalidInput(f"{year} ligger utanför projektet ({project.start.year}–{project.end.year}).",
                           {"year": "utanför projektet"})


def pledge(project: Project, partner: Partner, *, year: int, cash: int, in_kind: int) -> Pledge:
    _year_in(project, year)
    if cash < 0 or in_kind < 0:
        raise InvalidInput("Ett åtagande kan inte vara negativt.", {"cash" if cash < 0 else "in_kind": "negativt"})
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
    partner: Partner
    cash_pledged: int
    cash_given: int
    in_kind_pledged: int
    hours: float
    hours_value: int

    @property
    def given(self) -> int:
        return self.cash_given + self.hours_value

    @property
    def pledged(self) -> int:
        return self.cash_pledged + self.in_kind_pledged

    @property
    def share_given(self) -> float | None:
        return round(self.given * 100 / self.pledged, 1) if self.pledged else None


def report(project: Project, year: int | None = None) -> list[PartnerReport]:
    """Co-financing per partner against its pledge (for one year, or the whole project)."""
    ids = [p.id for p in project.partners]
    cash_query = select(CashContribution.partner_id, func.sum(CashContribution.amount)).where(
        CashContribution.partner_id.in_(ids))
    if year:
        cash_query = cash_query.where(CashContribution.year == year)
    cash = dict(db.session.execute(cash_query.group_by(CashContribution.partner_id)).all())
    hours_query = select(HoursLogged.partner_id, func.sum(HoursLogged.hours)).where(HoursLogged.partner_id.in_(ids))
    if year:
        hours_query = hours_query.where(HoursLogged.month >= date(year, 1, 1), HoursLogged.month <= date(year, 12, 31))
    hours = dict(db.session.execute(hours_query.group_by(HoursLogged.partner_id)).all())
    rows = []
    for partner in project.partners:
        pledges = [p for p in partner.pledges if year is None or p.year == year]
        logged = float(hours.get(partner.id) or 0)
        rows.append(PartnerReport(partner, sum(p.cash for p in pledges), int(cash.get(partner.id) or 0),
                                  sum(p.in_kind for p in pledges), logged, round(logged * project.hour_value)))
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
