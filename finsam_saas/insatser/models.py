"""Insatser: the register, applications and the board's decisions, grants, spend,
requisitions and participant outcomes (counts only, never people)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from finsam_saas.extensions import db
from finsam_saas.meetings.models import Paragraph
from finsam_saas.platform.clock import local_date
from finsam_saas.platform.models import utcnow
from finsam_saas.platform.tenancy import TenantScoped, tenant_fk

KINDS = ("individ", "struktur", "ovrig")
KIND_LABELS = {"individ": "Individinsats", "struktur": "Strukturinsats", "ovrig": "Övrig/kompetenshöjande"}
OUTCOME_FIELDS = ("participants", "new", "ended", "to_work", "to_studies", "to_other_solution", "other_dropouts",
                  "remaining")
OUTCOME_LABELS = {
    "participants": "Antal deltagare totalt", "new": "varav nya under perioden", "ended": "Totalt antal avslutade",
    "to_work": "varav till arbete", "to_studies": "varav till studier",
    "to_other_solution": "varav annan behovsanpassad lösning", "other_dropouts": "Övriga avbrott",
    "remaining": "Antal kvar i verksamheten",
}
SEXES = ("women", "men")
# Length limits of an insats's describing texts (characters), checked with a Swedish error.
FOCUS_MAX = 200
TARGET_GROUP_MAX = 1000
PLANNED_PARTICIPANTS_MAX = 100_000  # no insats of a förbund comes near it: a larger figure is a typo


class Insats(TenantScoped, db.Model):
    __tablename__ = "insatser"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        tenant_fk(["owner_member_id"], "members"),
        tenant_fk(["decided_paragraph_id"], "paragraphs"),
    )
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    owner: Mapped[str] = mapped_column(String(200), nullable=False)
    owner_member_id: Mapped[int | None] = mapped_column(Integer)
    partners: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 2000})
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    target_group: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": TARGET_GROUP_MAX})  # målgrupp
    method: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 4000})
    # Uppföljning Finsam asks, per insats and year, for its inriktning and its budgeted participants.
    focus: Mapped[str] = mapped_column(String(FOCUS_MAX), nullable=False, default="", server_default="")  # inriktning
    planned_participants: Mapped[int | None] = mapped_column(Integer)  # antal planerade deltagare; None: not stated
    start: Mapped[date] = mapped_column(Date, nullable=False)
    end: Mapped[date] = mapped_column(Date, nullable=False)
    diarienummer: Mapped[str | None] = mapped_column(String(30))
    styrgrupp: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 2000})
    decided_paragraph_id: Mapped[int | None] = mapped_column(Integer)

    grants: Mapped[list["Grant"]] = relationship(back_populates="insats", order_by="Grant.year",
                                                 cascade="all, delete-orphan", overlaps="insats")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def grant_for(self, year: int) -> int:
        return next((g.amount for g in self.grants if g.year == year), 0)


class Grant(TenantScoped, db.Model):
    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("tenant_id", "insats_id", "year"), tenant_fk(["insats_id"], "insatser", ondelete="CASCADE"))
    insats_id: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)

    insats: Mapped[Insats] = relationship(back_populates="grants")


class InsatsContact(TenantScoped, db.Model):
    """A user with role insatsansvarig who sees and reports for this insats only."""

    __tablename__ = "insats_contacts"
    __table_args__ = (UniqueConstraint("tenant_id", "insats_id", "user_id"), tenant_fk(["insats_id"], "insatser", ondelete="CASCADE"))
    insats_id: Mapped[int] = mapped_column(Integer, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


class Spend(TenantScoped, db.Model):
    """Spend so far in a year, as reported through a date; the latest date counts."""

    __tablename__ = "spend"
    __table_args__ = (UniqueConstraint("tenant_id", "insats_id", "year", "through"), tenant_fk(["insats_id"], "insatser", ondelete="CASCADE"))
    insats_id: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    through: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    budget: Mapped[int | None] = mapped_column(Integer)


class Requisition(TenantScoped, db.Model):
    __tablename__ = "requisitions"
    __table_args__ = (tenant_fk(["insats_id"], "insatser", ondelete="CASCADE"),)
    insats_id: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    # The day on the requisition itself, when it is registered after the fact (a paper requisition,
    # the demo's of 30 June 2021); None: it was made the day it was registered here.
    requisitioned_on: Mapped[date | None] = mapped_column(Date)

    @property
    def day(self) -> date:
        """The Stockholm day of the requisition: the entered date, else the day it was registered."""
        return self.requisitioned_on or local_date(self.requested_at)


class Outcome(TenantScoped, db.Model):
    """Participant counts for one sex in one period ("2021", "2021H1", "2021Q2")."""

    __tablename__ = "outcomes"
    __table_args__ = (UniqueConstraint("tenant_id", "insats_id", "period", "sex"), tenant_fk(["insats_id"], "insatser", ondelete="CASCADE"))
    insats_id: Mapped[int] = mapped_column(Integer, nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    sex: Mapped[str] = mapped_column(String(5), nullable=False)
    participants: Mapped[int] = mapped_column(Integer, nullable=False)
    new: Mapped[int] = mapped_column(Integer, nullable=False)
    ended: Mapped[int] = mapped_column(Integer, nullable=False)
    to_work: Mapped[int] = mapped_column(Integer, nullable=False)
    to_studies: Mapped[int] = mapped_column(Integer, nullable=False)
    to_other_solution: Mapped[int] = mapped_column(Integer, nullable=False)
    other_dropouts: Mapped[int] = mapped_column(Integer, nullable=False)
    remaining: Mapped[int] = mapped_column(Integer, nullable=False)


APPLICATION_STATUSES = ("pending", "bifall", "avslag")
APPLICATION_STATUS_LABELS = {"pending": "Väntar på beslut", "bifall": "Bifall", "avslag": "Avslag"}


class Application(TenantScoped, db.Model):
    """An ansökan (äskande): amounts per year, decided by the board in a §."""

    __tablename__ = "applications"
    __table_args__ = (
        tenant_fk(["applicant_member_id"], "members"),
        tenant_fk(["paragraph_id"], "paragraphs"),
        tenant_fk(["insats_id"], "insatser"),
        tenant_fk(["agenda_item_id"], "agenda_items"),
    )
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    applicant: Mapped[str] = mapped_column(String(200), nullable=False)
    applicant_member_id: Mapped[int | None] = mapped_column(Integer)
    amounts: Mapped[dict] = mapped_column(JSON, nullable=False)  # {"2021": 1285000}
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="individ")
    goals: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 4000})
    target_group: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": TARGET_GROUP_MAX})
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    recommendation: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="", info={"max_length": 4000})  # the beredning's or AU's
    agenda_item_id: Mapped[int | None] = mapped_column(Integer)
    decided_amounts: Mapped[dict | None] = mapped_column(JSON)
    paragraph_id: Mapped[int | None] = mapped_column(Integer)
    insats_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    # Read only, for the protokoll: the applications each § decided come loaded with its §§.
    paragraph: Mapped[Paragraph | None] = relationship(
        viewonly=True, backref=backref("decided_applications", viewonly=True, order_by="Application.id"))

    @property
    def status_label(self) -> str:
        return APPLICATION_STATUS_LABELS.get(self.status, self.status)

    @property
    def total(self) -> int:
        return sum(self.amounts.values())


QUALITY_QUESTIONS = (
    ("styrgrupp_as_agreed", "Styrgruppsmöten har hållits enligt överenskommelse"),
    ("all_present", "Samtliga ordinarie representanter har deltagit"),
    ("follow_up_as_agreed", "Uppföljning sker enligt överenskommelse"),
    ("target_group_checked", "Målgruppen har stämts av"),
    ("method_checked", "Metoden har stämts av"),
    ("equality_discussed", "Jämlikhet och jämställdhet har diskuterats"),
)
REPORT_STATUSES = ("green", "yellow", "red")
REPORT_STATUS_LABELS = {"green": "Grön – i fas", "yellow": "Gul – hålls under uppsikt", "red": "Röd – åtgärd eller avvikelse"}


class QuarterlyReport(TenantScoped, db.Model):
    """The styrgrupp's kvartalsrapport (seed 003 table 5), due a month after the quarter."""

    __tablename__ = "quarterly_reports"
    __table_args__ = (UniqueConstraint("tenant_id", "insats_id", "year", "quarter"),
                      tenant_fk(["insats_id"], "insatser", ondelete="CASCADE"))
    insats_id: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    quarter: Mapped[int] = mapped_column(Integer, nullable=False)
    answers: Mapped[dict] = mapped_column(JSON, nullable=False)  # question key -> bool
    goals_on_track: Mapped[bool] = mapped_column(nullable=False)
    forecast_met: Mapped[bool] = mapped_column(nullable=False)
    deviations: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 5000})
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 5000})
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    submitted_by: Mapped[int | None] = mapped_column(Integer)
    # The day the kansli received a report on paper, entered when back-filling it; None: received
    # when it was submitted here.
    received_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(10))
    status_note: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 2000})

    @property
    def received(self) -> date:
        """The Stockholm day the report came in: the entered date, else the day it was submitted."""
        return self.received_on or local_date(self.submitted_at)

    @property
    def status_label(self) -> str:
        return REPORT_STATUS_LABELS.get(self.status or "", "Inte bedömd")


DEVIATION_KINDS = {"budget": "Budget", "goal": "Mål", "target_group": "Målgrupp"}
DEVIATION_STATUS_LABELS = {"pending": "Väntar på förbundschefens beslut", "approved": "Godkänd", "rejected": "Avslagen"}


class Deviation(TenantScoped, db.Model):
    """An avvikelse filed by the styrgrupp, decided by the förbundschef."""

    __tablename__ = "deviations"
    __table_args__ = (tenant_fk(["insats_id"], "insatser", ondelete="CASCADE"),)
    insats_id: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, info={"max_length": 4000})
    amount: Mapped[int | None] = mapped_column(Integer)  # budget: unused money to carry over
    from_year: Mapped[int | None] = mapped_column(Integer)
    to_year: Mapped[int | None] = mapped_column(Integer)
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def kind_label(self) -> str:
        return DEVIATION_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return DEVIATION_STATUS_LABELS.get(self.status, self.status)


GOAL_MEASURES = {
    "to_work": "till arbete",
    "to_studies": "till studier",
    "work_or_studies": "till arbete eller studier",
    "positive": "till positivt avslut (arbete, studier eller annan lösning)",
}


class Goal(TenantScoped, db.Model):
    """A goal of an insats measured on its outcomes, e.g. 35 % of those ended go to work."""

    __tablename__ = "goals"
    __table_args__ = (UniqueConstraint("tenant_id", "insats_id", "measure"), tenant_fk(["insats_id"], "insatser", ondelete="CASCADE"))
    insats_id: Mapped[int] = mapped_column(Integer, nullable=False)
    measure: Mapped[str] = mapped_column(String(20), nullable=False)
    target: Mapped[float] = mapped_column(nullable=False)  # percent of those ended

    @property
    def label(self) -> str:
        return f"minst {str(self.target).rstrip('0').rstrip('.').replace('.', ',')} % {GOAL_MEASURES.get(self.measure, self.measure)}"


# Count tables beside the outcomes (seed 003): categories as the national follow-up uses them.
COUNT_DIMENSIONS = {
    "anonymous": ("Anonymt registrerade deltagare", ("Anonymt registrerade",)),
    "age": ("Ålder", ("16–19 år", "20–24 år", "25–29 år", "30–39 år", "40–49 år", "50–64 år")),
    "support_time": ("Tid i offentlig försörjning", ("Mindre än 1 år", "1–2 år", "3–4 år", "5 år eller mer", "Okänd")),
    "education": ("Utbildningsnivå", ("Förgymnasial", "Gymnasial", "Eftergymnasial", "Okänd")),
}


class CountRow(TenantScoped, db.Model):
    """One category of a count table: women and men in a period (counts, never people)."""

    __tablename__ = "count_rows"
    __table_args__ = (UniqueConstraint("tenant_id", "insats_id", "period", "dimension", "category"),
                      tenant_fk(["insats_id"], "insatser", ondelete="CASCADE"))
    insats_id: Mapped[int] = mapped_column(Integer, nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    dimension: Mapped[str] = mapped_column(String(20), nullable=False)
    category: Mapped[str] = mapped_column(String(60), nullable=False)
    women: Mapped[int] = mapped_column(Integer, nullable=False)
    men: Mapped[int] = mapped_column(Integer, nullable=False)


# Socialt bokslut (seeds 000 bilaga 1–2, 004): goal areas weighted by index points.
DEFAULT_GOAL_AREAS = (
    ("Samhälls- & medborgarnytta", 100),
    ("God samordning & medlemsnytta", 50),
    ("Jämlik samverkan", 50),
    ("Deltagarnöjdhet", 25),
    ("Medarbetarnöjdhet", 25),
)
FULFILMENT_SCALE = {1: "Inte alls", 2: "Till liten del", 3: "Till stor del", 4: "Till mycket stor del", 5: "Helt och hållet"}


class SocialReport(TenantScoped, db.Model):
    """One socialt bokslut per platform (insats) and year."""

    __tablename__ = "social_reports"
    __table_args__ = (UniqueConstraint("tenant_id", "insats_id", "year"), tenant_fk(["insats_id"], "insatser", ondelete="CASCADE"))
    insats_id: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)

    insats: Mapped[Insats] = relationship()
    areas: Mapped[list["GoalArea"]] = relationship(order_by="GoalArea.position", cascade="all, delete-orphan",
                                                   overlaps="insats")


class GoalArea(TenantScoped, db.Model):
    __tablename__ = "goal_areas"
    __table_args__ = (tenant_fk(["report_id"], "social_reports", ondelete="CASCADE"),)
    report_id: Mapped[int] = mapped_column(Integer, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    index_points: Mapped[int] = mapped_column(Integer, nullable=False)
    assessed_step: Mapped[int | None] = mapped_column(Integer)  # the board's judgement, 1–5

    questions: Mapped[list["SurveyQuestion"]] = relationship(order_by="SurveyQuestion.code", cascade="all, delete-orphan")


class SurveyQuestion(TenantScoped, db.Model):
    """A question's result: how many answered, how many were asked, how many chose the top three steps."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("tenant_id", "area_id", "code", "respondents"),
                      tenant_fk(["area_id"], "goal_areas", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(Integer, nullable=False)
    code: Mapped[str] = mapped_column(String(10), nullable=False)
    text: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    respondents: Mapped[str] = mapped_column(String(30), nullable=False)  # deltagare, medarbetare, chefer …
    asked: Mapped[int] = mapped_column(Integer, nullable=False)
    answered: Mapped[int] = mapped_column(Integer, nullable=False)
    top_three: Mapped[int] = mapped_column(Integer, nullable=False)


class Recommendation(TenantScoped, db.Model):
    """An analysgrupp recommendation (May/June), followed up by the board in February."""

    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "number"),)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False, info={"max_length": 4000})
    addressed_to: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    follow_up: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 4000})
    followed_up_on: Mapped[date | None] = mapped_column(Date)
