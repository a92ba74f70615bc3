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


from datetime import date as _date  # noqa: E402  (the internkontrollplan's own imports, kept beside it)

from sqlalchemy import Date, Index  # noqa: E402


class ControlPlan(TenantScoped, db.Model):
    """One year's internkontrollplan (seed 004: "Fastställdes av styrelsen 2023-03-17").

    A plan is an utkast until the board adopts it (adopted_on); from then its controls stand as
    adopted. When the year's follow-up is reported to the board (reported_on) the follow-ups stand
    too. A plan started from an earlier year's names it (copied_from_year); its controls are copies.
    """

    __tablename__ = "control_plans"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    copied_from_year: Mapped[int | None] = mapped_column(Integer)
    adopted_on: Mapped[_date | None] = mapped_column(Date)
    adopted_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # "Styrelsen § 12"
    reported_on: Mapped[_date | None] = mapped_column(Date)
    reported_to: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class Control(TenantScoped, db.Model):
    """A control of one year's internkontrollplan (seed 004) with its consequence × probability rating.

    `number` is the control's number in its year's plan (the risk matrix places it by number)."""

    __tablename__ = "controls"
    # The plan of `year` is made by the rules with its first control (no reference in the database:
    # SQLite cannot add a composite foreign key to an existing table without rebuilding it).
    __table_args__ = (Index("ix_controls_tenant_id_year_number", "tenant_id", "year", "number", unique=True),)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
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


from datetime import date as _report_date  # noqa: E402  (the reports' own imports, kept beside them)

from sqlalchemy import Date as _ReportDate  # noqa: E402


class FinancialReport(TenantScoped, db.Model):
    """A delårsrapport or årsredovisning. Built from the bookkeeping's SIE import of the period
    (source "sie", period_end naming the import of the year): the six totals below are then copied
    from that import's statements, and kept for the later reports' four-year overview. Typed by
    hand (source "hand") only for an earlier year that has no SIE file."""

    __tablename__ = "financial_reports"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "kind"),)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # delar | helar
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="hand", server_default="hand")  # sie | hand
    period_end: Mapped[_report_date | None] = mapped_column(_ReportDate)
    income: Mapped[int] = mapped_column(BigInteger, nullable=False)
    costs: Mapped[int] = mapped_column(BigInteger, nullable=False)
    equity: Mapped[int] = mapped_column(BigInteger, nullable=False)
    total_assets: Mapped[int] = mapped_column(BigInteger, nullable=False)
    current_assets: Mapped[int] = mapped_column(BigInteger, nullable=False)
    short_term_liabilities: Mapped[int] = mapped_column(BigInteger, nullable=False)


class YearEnd(TenantScoped, db.Model):
    """The bokslut of a year: made by the kansli when the year's books are closed, not on 1 January.
    Until then requisitions, outcomes and avvikelser for the year are accepted; from then the
    insatser's unused money of the year is returned [003]."""

    __tablename__ = "year_ends"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    closed_by: Mapped[str] = mapped_column(String(200), nullable=False)
    # What was returned at closing, per insats: {"<insats id>": kronor}, as the page showed it.
    returned: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


# --- bookkeeping in SIE 4 (economy/sie.py, economy/bookkeeping.py) ------------------------------

class AccountMapping(TenantScoped, db.Model):
    """One rule of the tenant's account plan: the accounts first–last (compared on as many leading
    digits as `first` has, so 5010–5019 also takes 50101) belong to a budget line (target a budget
    section or "financial", with the line's name) or to a group of the balance sheet (target
    fixed_assets, current_assets, equity, provisions, long_term_liabilities or
    short_term_liabilities). The narrowest rule that holds an account wins. A tenant without rows
    uses the default for the kommunal BAS plan (bookkeeping.DEFAULT_PLAN)."""

    __tablename__ = "account_mappings"
    __table_args__ = (UniqueConstraint("tenant_id", "first_account", "last_account"),)
    first_account: Mapped[str] = mapped_column(String(10), nullable=False)
    last_account: Mapped[str] = mapped_column(String(10), nullable=False)
    target: Mapped[str] = mapped_column(String(30), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class BookkeepingImport(TenantScoped, db.Model):
    """A SIE 4 file of the year read for the period start–period_end: one per tenant, year and
    period end (a new file for the same period replaces it, whole)."""

    __tablename__ = "bookkeeping_imports"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "period_end"),)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    period_start: Mapped[_report_date] = mapped_column(_ReportDate, nullable=False)
    period_end: Mapped[_report_date] = mapped_column(_ReportDate, nullable=False)
    filename: Mapped[str] = mapped_column(String(300), nullable=False)
    path: Mapped[str] = mapped_column(String(500), nullable=False)  # the stored file, under the tenant's files
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    program: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    company: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    org_nr: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    verifications: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    imported_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    balances: Mapped[list["AccountBalance"]] = relationship(order_by="AccountBalance.account",
                                                            cascade="all, delete-orphan", passive_deletes=True)


class AccountBalance(TenantScoped, db.Model):
    """One account of an import, whole kronor, signed as SIE (debit positive): a balance account's
    opening (IB) and closing balance at the period end, a result account's sum over the period
    (opening 0). target and line are the account plan's rule as it was at the import (None:
    the account was not mapped, and is listed so)."""

    __tablename__ = "account_balances"
    __table_args__ = (UniqueConstraint("tenant_id", "import_id", "account"),
                      tenant_fk(["import_id"], "bookkeeping_imports", ondelete="CASCADE"))
    import_id: Mapped[int] = mapped_column(Integer, nullable=False)
    account: Mapped[str] = mapped_column(String(10), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # balance | result
    opening: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    target: Mapped[str | None] = mapped_column(String(30))
    line: Mapped[str | None] = mapped_column(String(200))
