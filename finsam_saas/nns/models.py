"""NNS: the association's member register, its elected positions, the
valberedning's nomination rounds, motions, and the medlemsmöte's röstlängd and polls.

All of it lives in the NNS tenant. A member förbund is an organisation.Member of
kind "forbund" there; when it is also a tenant, `Member.linked_tenant_id` says which.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from finsam_saas.extensions import db
from finsam_saas.meetings.models import Meeting
from finsam_saas.organisation.models import Member
from finsam_saas.platform.models import utcnow
from finsam_saas.platform.tenancy import TenantScoped, tenant_fk

POSITION_ROLES = ("ordforande", "vice_ordforande", "kassor", "ledamot", "revisor", "valberedning")
POSITION_ROLE_LABELS = {
    "ordforande": "Ordförande", "vice_ordforande": "Vice ordförande", "kassor": "Kassör",
    "ledamot": "Ledamot i styrelsen", "revisor": "Revisor", "valberedning": "Ledamot i valberedning",
}
TERM_YEARS = 2  # NNS stadgar: every position is elected for two years [000]
MEETING_KINDS = ("medlemsmote", "arsmote")
MEETING_KIND_LABELS = {"medlemsmote": "Medlemsmöte", "arsmote": "Årsmöte"}
MOTION_PROPOSALS = ("bifall", "avslag", "besvarad")
MOTION_PROPOSAL_LABELS = {"bifall": "bifalla motionen", "avslag": "avslå motionen",
                          "besvarad": "anse motionen besvarad"}
POLL_STATE_LABELS = {"draft": "Förberedd", "open": "Öppen", "closed": "Stängd", "cancelled": "Avbruten"}
PAPERS_WEEKS_BEFORE = 2  # motions with yttrande go out at least two weeks before the meeting [003]


class MemberContact(TenantScoped, db.Model):
    """A contact person of a member förbund; with a login, they act for it in NNS."""

    __tablename__ = "nns_contacts"
    __table_args__ = (tenant_fk(["member_id"], "members"), UniqueConstraint("tenant_id", "email"))
    member_id: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    member: Mapped[Member] = relationship()


class MemberFee(TenantScoped, db.Model):
    """The membership fee a member förbund pays NNS for a year."""

    __tablename__ = "nns_member_fees"
    __table_args__ = (tenant_fk(["member_id"], "members"), UniqueConstraint("tenant_id", "member_id", "year"))
    member_id: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    paid_on: Mapped[date | None] = mapped_column(Date)


class Position(TenantScoped, db.Model):
    """An elected position: who holds it, for which förbund, elected until which årsmöte."""

    __tablename__ = "nns_positions"
    __table_args__ = (tenant_fk(["member_id"], "members"),)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    holder: Mapped[str] = mapped_column(String(200), nullable=False)
    member_id: Mapped[int | None] = mapped_column(Integer)
    elected_year: Mapped[int | None] = mapped_column(Integer)
    term_ends: Mapped[int] = mapped_column(Integer, nullable=False)  # the year of the årsmöte the term ends at
    note: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # "omval", "nyval"
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    member: Mapped[Member | None] = relationship()

    @property
    def role_label(self) -> str:
        return POSITION_ROLE_LABELS.get(self.role, self.role)


class GeneralMeeting(TenantScoped, db.Model):
    """What NNS adds to a meeting of the meetings module: a medlemsmöte or årsmöte."""

    __tablename__ = "nns_general_meetings"
    __table_args__ = (tenant_fk(["meeting_id"], "meetings"), UniqueConstraint("tenant_id", "meeting_id"))
    meeting_id: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="medlemsmote")
    motion_deadline: Mapped[date | None] = mapped_column(Date)
    papers_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    roll_fixed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    roll_paragraph: Mapped[int | None] = mapped_column(Integer)
    # E-mail addresses of the presiding chair and the rösträknare: they see a poll's live result.
    officials: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # Whom the meeting elected (agenda items 3 and 4 [003]), any person: they are its protokoll's
    # ordförande, sekreterare and justerare (nns.minutes). Locked once the protokoll is justerat.
    presiding_chair: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    meeting_secretary: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    justerare: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    vote_counters: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # rösträknare
    elected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: not entered yet

    meeting: Mapped[Meeting] = relationship()

    @property
    def kind_label(self) -> str:
        return MEETING_KIND_LABELS.get(self.kind, self.kind)

    @property
    def elected(self) -> bool:
        return self.elected_at is not None


class Motion(TenantScoped, db.Model):
    """A motion by a member förbund, or a proposal by the NNS styrelse (member_id empty)."""

    __tablename__ = "nns_motions"
    __table_args__ = (tenant_fk(["meeting_id"], "meetings"), tenant_fk(["member_id"], "members"),
                      tenant_fk(["item_id"], "agenda_items"))
    meeting_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    member_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False, info={"max_length": 20000})
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    submitted_by_email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    response: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 20000})
    proposal: Mapped[str | None] = mapped_column(String(10))
    item_id: Mapped[int | None] = mapped_column(Integer)

    member: Mapped[Member | None] = relationship()

    @property
    def submitter(self) -> str:
        return self.member.name if self.member else "NNS styrelse"

    @property
    def proposal_label(self) -> str:
        return MOTION_PROPOSAL_LABELS.get(self.proposal or "", "")


class Ombud(TenantScoped, db.Model):
    """The one person who votes for a member förbund at a meeting."""

    __tablename__ = "nns_ombud"
    __table_args__ = (
        tenant_fk(["meeting_id"], "meetings"), tenant_fk(["member_id"], "members"),
        UniqueConstraint("tenant_id", "meeting_id", "member_id"),
        UniqueConstraint("tenant_id", "meeting_id", "email"),
    )
    meeting_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    member_id: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(254), nullable=False)

    member: Mapped[Member] = relationship()


class Poll(TenantScoped, db.Model):
    """A vote on an item of a medlemsmöte: open (who voted what is shown) or closed ballot."""

    __tablename__ = "nns_polls"
    __table_args__ = (tenant_fk(["meeting_id"], "meetings"),)
    meeting_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    item_number: Mapped[int | None] = mapped_column(Integer)  # the agenda item, and so the §, it decides
    secret: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    options: Mapped[list] = mapped_column(JSON, nullable=False)
    chair_preference: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    result: Mapped[dict | None] = mapped_column(JSON)
    # A closed ballot's public key (base64), made when it opens; its private half is never stored.
    ballot_public_key: Mapped[str | None] = mapped_column(String(64))

    @property
    def status_label(self) -> str:
        return POLL_STATE_LABELS.get(self.status, self.status)


class PollVoter(TenantScoped, db.Model):
    """That a member förbund took part in a poll (public, as the röstlängd is ticked on paper).
    Its option only in an open poll: in a closed ballot the choice is sealed in a SealedBallot."""

    __tablename__ = "nns_poll_voters"
    __table_args__ = (tenant_fk(["poll_id"], "nns_polls"), tenant_fk(["member_id"], "members"),
                      UniqueConstraint("tenant_id", "poll_id", "member_id"))
    poll_id: Mapped[int] = mapped_column(Integer, nullable=False)
    member_id: Mapped[int] = mapped_column(Integer, nullable=False)
    option: Mapped[str | None] = mapped_column(String(200))

    member: Mapped[Member] = relationship()


class SealedBallot(TenantScoped, db.Model):
    """One ballot of a closed poll, sealed to the poll's public key (voting.py says why and how).

    It is written with the förbund's PollVoter row, so the two share a transaction: what the
    ballot holds can only be read with the rösträkningsnyckel, which nothing stores. No voter,
    no time, equal length for every option. Deleted when the poll is counted. Not audited.
    """

    __tablename__ = "nns_sealed_ballots"
    __audited__ = False
    __table_args__ = (tenant_fk(["poll_id"], "nns_polls"),)
    poll_id: Mapped[int] = mapped_column(Integer, nullable=False)
    sealed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class NominationRound(TenantScoped, db.Model):
    """The valberedning's call for nominations before an årsmöte."""

    __tablename__ = "nns_nomination_rounds"
    __table_args__ = (tenant_fk(["meeting_id"], "meetings"),)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    deadline: Mapped[date] = mapped_column(Date, nullable=False)
    meeting_id: Mapped[int | None] = mapped_column(Integer)
    call_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    proposal_text: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 20000})

    seats: Mapped[list["RoundSeat"]] = relationship(order_by="RoundSeat.position", cascade="all, delete-orphan")
    nominations: Mapped[list["Nomination"]] = relationship(order_by="Nomination.id", cascade="all, delete-orphan",
                                                           overlaps="seats")


class RoundSeat(TenantScoped, db.Model):
    """A seat up for election in a round, and the valberedning's proposal for it."""

    __tablename__ = "nns_round_seats"
    __table_args__ = (tenant_fk(["round_id"], "nns_nomination_rounds"),)
    round_id: Mapped[int] = mapped_column(Integer, nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    holder: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    member: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    term_ends: Mapped[int | None] = mapped_column(Integer)
    proposed: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    proposed_member: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    @property
    def role_label(self) -> str:
        return POSITION_ROLE_LABELS.get(self.role, self.role)


class Nomination(TenantScoped, db.Model):
    """A candidate a member förbund puts forward for a role, with the candidate's consent."""

    __tablename__ = "nns_nominations"
    __table_args__ = (tenant_fk(["round_id"], "nns_nomination_rounds"), tenant_fk(["member_id"], "members"))
    round_id: Mapped[int] = mapped_column(Integer, nullable=False)
    member_id: Mapped[int | None] = mapped_column(Integer)  # the nominating förbund; empty for the valberedning's own
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    candidate: Mapped[str] = mapped_column(String(200), nullable=False)
    candidate_forbund: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    consent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    motivation: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 4000})
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    submitted_by_email: Mapped[str] = mapped_column(String(254), nullable=False, default="")

    member: Mapped[Member | None] = relationship(overlaps="nominations")

    @property
    def role_label(self) -> str:
        return POSITION_ROLE_LABELS.get(self.role, self.role)
