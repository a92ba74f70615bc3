"""The shared analysis store: what förbund have chosen to publish, SCB's public
helårsekvivalenter, and joint projects across förbund.

These tables belong to no tenant (like the platform's own): every förbund reads
them. Nothing reaches them except by an explicit act of a förbund's kansli
(publishing, an import of public statistics, a project's own records), and
analysis never reads another tenant's tables.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from finsam_saas.extensions import db
from finsam_saas.platform.models import Tenant, utcnow


class Publication(db.Model):
    """One act of publishing: a förbund's figures for a period, until withdrawn."""

    __tablename__ = "analysis_publications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(254), nullable=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(254))

    tenant: Mapped[Tenant] = relationship(lazy="joined")
    figures: Mapped[list["Figure"]] = relationship(back_populates="publication", cascade="all, delete-orphan",
                                                   order_by="Figure.id")

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Figure(db.Model):
    """One published number: a measure, for a dimension (an insats kind, or "alla")."""

    __tablename__ = "analysis_figures"
    __table_args__ = (UniqueConstraint("publication_id", "measure", "dimension"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("analysis_publications.id", ondelete="CASCADE"),
                                                nullable=False)
    measure: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    dimension: Mapped[str] = mapped_column(String(40), nullable=False, default="alla")
    value: Mapped[float] = mapped_column(Float, nullable=False)

    publication: Mapped[Publication] = relationship(back_populates="figures")


class Helarsekvivalent(db.Model):
    """SCB: full-year equivalents aged 20–64 supported by one kind of benefit, per kommun and half-year.

    `missing` is SCB's ".." (or an empty cell): the figure is not given. The row is kept so the
    gap is known (a share over a gap is no share); its `value` is then 0 and never read."""

    __tablename__ = "analysis_helarsekvivalenter"
    __table_args__ = (UniqueConstraint("kommun_code", "year", "half", "benefit"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), nullable=False, index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    half: Mapped[int] = mapped_column(Integer, nullable=False)
    benefit: Mapped[str] = mapped_column(String(30), nullable=False)  # BENEFITS, or "befolkning" (20–64 år)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    missing: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())


class StatisticsImport(db.Model):
    """Who imported which public statistics file, when."""

    __tablename__ = "analysis_imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False)
    filename: Mapped[str] = mapped_column(String(300), nullable=False)
    rows: Mapped[int] = mapped_column(Integer, nullable=False)
    imported_by: Mapped[str] = mapped_column(String(254), nullable=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


class Project(db.Model):
    """A joint project of several förbund, run by its owner (seed 004: the ESF analysis project)."""

    __tablename__ = "analysis_projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False,
                                                 index=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 4000})
    start: Mapped[date] = mapped_column(Date, nullable=False)
    end: Mapped[date] = mapped_column(Date, nullable=False)
    budget: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    external_funding: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # e.g. ESF
    # Kronor per logged hour; 0 is "no rate": the hours are then not valued (ej värderade), never 0 kr.
    # A rate of 0 kr is refused on input, so 0 can only mean that none is set.
    hour_value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    owner: Mapped[Tenant] = relationship(lazy="joined")

    @property
    def rate(self) -> int | None:
        """Kronor per logged hour, or None when the project has no rate (hours not valued)."""
        return self.hour_value or None
    partners: Mapped[list["Partner"]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                     order_by="Partner.name")


class Partner(db.Model):
    """A förbund (or region) in a project: a tenant here, or only a name."""

    __tablename__ = "analysis_partners"
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("analysis_projects.id", ondelete="CASCADE"), nullable=False)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), nullable=False)

    project: Mapped[Project] = relationship(back_populates="partners")
    pledges: Mapped[list["Pledge"]] = relationship(cascade="all, delete-orphan", order_by="Pledge.year")


class Pledge(db.Model):
    """What a partner promised for a year: cash, and work in kind valued in kronor."""

    __tablename__ = "analysis_pledges"
    __table_args__ = (UniqueConstraint("partner_id", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("analysis_partners.id", ondelete="CASCADE"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    cash: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    in_kind: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class CashContribution(db.Model):
    """Cash a partner has put in (or had settled) for a year."""

    __tablename__ = "analysis_cash"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("analysis_partners.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(254), nullable=False)


class HoursLogged(db.Model):
    """Hours one person of a partner worked for the project in a month (co-financing in kind)."""

    __tablename__ = "analysis_hours"
    __table_args__ = (UniqueConstraint("partner_id", "person", "month"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("analysis_partners.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    person: Mapped[str] = mapped_column(String(200), nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)  # the first of the month
    hours: Mapped[float] = mapped_column(Float, nullable=False)
    logged_by: Mapped[str] = mapped_column(String(254), nullable=False)


class SharedRecommendation(db.Model):
    """An analysgrupp recommendation a förbund chose to share with a project (a copy as shared)."""

    __tablename__ = "analysis_shared_recommendations"
    __table_args__ = (UniqueConstraint("project_id", "tenant_id", "source_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("analysis_projects.id", ondelete="CASCADE"), nullable=False)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False)
    source_id: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False, info={"max_length": 4000})
    follow_up: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 4000})
    shared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    tenant: Mapped[Tenant] = relationship(lazy="joined")
