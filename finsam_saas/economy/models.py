"""Economy: member fees per year, budgets with versions, and what the decision room is made of."""
from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from finsam_saas.extensions import db
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
    __table_args__ = (UniqueConstraint("tenant_id", "year", "version"), tenant_fk(["decided_paragraph_id"], "paragraphs"))
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    equity_start: Mapped[int | None] = mapped_column(BigInteger)  # None: the previous year's equity_end
    decided_paragraph_id: Mapped[int | None] = mapped_column(Integer)

    lines: Mapped[list["BudgetLine"]] = relationship(order_by="BudgetLine.position", cascade="all, delete-orphan")


class BudgetLine(TenantScoped, db.Model):
    __tablename__ = "budget_lines"
    __table_args__ = (tenant_fk(["budget_id"], "budgets", ondelete="CASCADE"),)
    budget_id: Mapped[int] = mapped_column(Integer, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    section: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)  # positive; income or cost by section
