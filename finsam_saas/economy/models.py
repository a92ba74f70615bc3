"""Economy: member fees per year, budgets with versions, and what the decision room is made of."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from finsam_saas.extensions import db
from finsam_saas.platform.models import utcnow
from finsam_saas.platform.tenancy import TenantScoped, tenant_fk

SECTIONS = ("income", "board", "administration", "operations", "insatser")
SECTION_LABELS = {
    "income": "Intäkter", "board": "Styrelse (förtroendevalda)", "administration": "Kansli och förvaltning",
    "operations": "Verksamhetsnära kostnader", "insatser": "Insatser",
}


class FeeYear(TenantScoped, db.Model):
    """The year's total and the kommuner's working-age population; the fees follow from them."""

    __tablename__ = "fee_years"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    total: Mapped[int] = mapped_column(BigInteger, nullable=False)
    working_age_population: Mapped[dict] = mapped_column(JSON, nullable=False)  # {kommun name: people}


class Budget(TenantScoped, db.Model):
    """A year's budget; once decided in a § it is locked, and a change is a new version."""

    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "version"), tenant_fk(["decided_paragraph_id"], "paragraphs"),
                      tenant_fk(["agenda_item_id"], "agenda_items"))
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    equity_start: Mapped[int | None] = mapped_column(BigInteger)  # None: the previous year's equity_end
    decided_paragraph_id: Mapped[int | None] = mapped_column(Integer)
    # The board meeting's item where it is to be decided: only a § of that meeting can adopt it.
    agenda_item_id: Mapped[int | None] = mapped_column(Integer)

    lines: Mapped[list["BudgetLine"]] = relationship(order_by="BudgetLine.position", cascade="all, delete-orphan")


class BudgetLine(TenantScoped, db.Model):
    __tablename__ = "budget_lines"
    __table_args__ = (tenant_fk(["budget_id"], "budgets", ondelete="CASCADE"),)
    budget_id: Mapped[int] = mapped_column(Integer, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    section: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)  # positive; income or cost by section


ATTEST_FUNCTIONS = {
    "administrator": "Administratör", "bitradande_forbundschef": "Biträdande förbundschef",
    "forbundschef": "Förbundschef", "ordforande": "Ordförande", "vice_ordforande": "Vice ordförande",
}
INVOICE_KINDS = {"invoice": "Faktura", "payout": "Utbetalning av verksamhets-/projektmedel (utanordning)"}


class Attestant(TenantScoped, db.Model):
    """Which user holds which function in the attestordning."""

    __tablename__ = "attestants"
    __table_args__ = (UniqueConstraint("tenant_id", "function"),)
    function: Mapped[str] = mapped_column(String(30), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


class Invoice(TenantScoped, db.Model):
    """A faktura or utanordning waiting for its mottagnings- and beslutsattest."""

    __tablename__ = "invoices"
    __table_args__ = (tenant_fk(["insats_id"], "insatser"),)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    counterparty: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    cost_of: Mapped[str | None] = mapped_column(String(30))  # forbundschef | ordforande: whose own costs
    insats_id: Mapped[int | None] = mapped_column(Integer)

    attests: Mapped[list["Attest"]] = relationship(order_by="Attest.at", cascade="all, delete-orphan")


class Attest(TenantScoped, db.Model):
    __tablename__ = "attests"
    __table_args__ = (UniqueConstraint("tenant_id", "invoice_id", "step"), tenant_fk(["invoice_id"], "invoices", ondelete="CASCADE"))
    invoice_id: Mapped[int] = mapped_column(Integer, nullable=False)
    step: Mapped[str] = mapped_column(String(12), nullable=False)  # mottagning | beslut
    user_id: Mapped[int] = mapped_column(Integer, nullable=False)
    function: Mapped[str] = mapped_column(String(30), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class LineOutcome(TenantScoped, db.Model):
    """The bookkeeping's outcome for a budget line name in a year, through a date."""

    __tablename__ = "line_outcomes"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "section", "name"),)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    section: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)


CONSEQUENCES = ("Försumbar", "Lindrig", "Kännbar", "Allvarlig", "Mycket allvarlig")
PROBABILITIES = ("Osannolik", "Mindre sannolik", "Möjlig", "Sannolik", "Mycket sannolik")


class Control(TenantScoped, db.Model):
    """A control of the internkontrollplan (seed 004) with its consequence × probability rating."""

    __tablename__ = "controls"
    process: Mapped[str] = mapped_column(String(200), nullable=False)
    control: Mapped[str] = mapped_column(String(300), nullable=False)
    owner: Mapped[str] = mapped_column(String(200), nullable=False)
    method: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    frequency: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    report_to: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    consequence: Mapped[int] = mapped_column(Integer, nullable=False)  # 1–5
    probability: Mapped[int] = mapped_column(Integer, nullable=False)  # 1–5

    @property
    def risk(self) -> int:
        return self.consequence * self.probability

    @property
    def consequence_label(self) -> str:
        return CONSEQUENCES[self.consequence - 1]

    @property
    def probability_label(self) -> str:
        return PROBABILITIES[self.probability - 1]


class ControlFollowUp(TenantScoped, db.Model):
    """The year's follow-up of one control."""

    __tablename__ = "control_follow_ups"
    __table_args__ = (UniqueConstraint("tenant_id", "control_id", "year"), tenant_fk(["control_id"], "controls", ondelete="CASCADE"))
    control_id: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    result: Mapped[str] = mapped_column(String(20), nullable=False)  # utan_anmarkning | med_anmarkning
    note: Mapped[str] = mapped_column(String(1000), nullable=False, default="")


class FinancialReport(TenantScoped, db.Model):
    """A delårsrapport or årsredovisning: the balance figures it needs beside the budget and outcome."""

    __tablename__ = "financial_reports"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "kind"),)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # delar | helar
    income: Mapped[int] = mapped_column(BigInteger, nullable=False)
    costs: Mapped[int] = mapped_column(BigInteger, nullable=False)
    equity: Mapped[int] = mapped_column(BigInteger, nullable=False)
    total_assets: Mapped[int] = mapped_column(BigInteger, nullable=False)
    current_assets: Mapped[int] = mapped_column(BigInteger, nullable=False)
    short_term_liabilities: Mapped[int] = mapped_column(BigInteger, nullable=False)
