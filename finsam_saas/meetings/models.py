"""Meetings: the plan, the kallelse with its agenda and bilagor, the protokoll
with its §§, attendance, votes and justering, and the tasks decisions give."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from finsam_saas.extensions import db
from finsam_saas.organisation.models import Body, Member
from finsam_saas.platform.models import utcnow
from finsam_saas.platform.tenancy import TenantScoped, tenant_fk

ITEM_KINDS = ("beslut", "information", "diskussion", "formalia")
# Where an item sits: among the opening standing items, the matters of the day, or the closing ones.
PLACEMENTS = ("open", "main", "close")
PLACEMENT_LABELS = {"open": "Inledande punkt", "main": "Ärende", "close": "Avslutande punkt"}
ITEM_KIND_LABELS = {"beslut": "Beslut", "information": "Information", "diskussion": "Diskussion",
                    "formalia": "Formalia"}
# An ombud decides for the member that sent them, at a meeting whose beslutande are a roll of
# ombud rather than a body's seats (NNS's medlemsmöte: `meetings.attendance.register_roll`).
ATTENDEE_ROLES = ("ledamot", "ersattare", "ombud", "ovrig")
SIGNER_ROLES = ("ordforande", "justerare")


class Matter(TenantScoped, db.Model):
    """An ärende with its diarienummer ("Dnr 8-2014"), which may be on several agendas."""

    __tablename__ = "matters"
    __table_args__ = (UniqueConstraint("tenant_id", "diarienummer"),)
    diarienummer: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)


class Meeting(TenantScoped, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        tenant_fk(["body_id"], "bodies"),
        tenant_fk(["prepares_id"], "meetings"),
    )
    body_id: Mapped[int] = mapped_column(Integer, nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    start: Mapped[time | None] = mapped_column(Time)
    end: Mapped[time | None] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    theme: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # An AU meeting prepares the FS meeting it is paired with.
    prepares_id: Mapped[int | None] = mapped_column(Integer)
    notice_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A meeting over two days ("2021-10-07 -- 2021-10-08 12.00-12.00", seed 000) ends on this day.
    end_date: Mapped[date | None] = mapped_column(Date)
    # A cancelled meeting stays on the plan, marked, with the reason.
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str] = mapped_column(String(300), nullable=False, default="")

    body: Mapped[Body] = relationship(overlaps="prepares,prepared_by")
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", order_by="AgendaItem.number", cascade="all, delete-orphan", overlaps="body"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="meeting", order_by="Attachment.position", cascade="all, delete-orphan", overlaps="body,items"
    )
    minutes: Mapped["Minutes | None"] = relationship(back_populates="meeting", uselist=False, overlaps="body,items")
    prepares: Mapped["Meeting | None"] = relationship(
        remote_side="[Meeting.tenant_id, Meeting.id]", foreign_keys="[Meeting.tenant_id, Meeting.prepares_id]",
        overlaps="body,items,minutes,attachments",
    )
    changes: Mapped[list["AgendaChange"]] = relationship(
        order_by="AgendaChange.id", cascade="all, delete-orphan", overlaps="body,items,minutes,attachments,prepares",
    )

    @property
    def cancelled(self) -> bool:
        return self.cancelled_on is not None

    @property
    def last_day(self) -> date:
        return self.end_date or self.date

    @property
    def notice_sent(self) -> bool:
        return self.notice_sent_at is not None

    @property
    def bilagor(self) -> list["Attachment"]:
        """The bilagor in their numbers' order (1, 2, 4.1, 4.2, 10), however they were uploaded."""
        return sorted(self.attachments, key=lambda a: tuple(int(part) for part in a.label.split(".")))


class AgendaItem(TenantScoped, db.Model):
    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "number"),
        tenant_fk(["meeting_id"], "meetings", ondelete="CASCADE"),
        tenant_fk(["matter_id"], "matters"),
    )
    meeting_id: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="information")
    presenter: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 20000})
    proposal: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 20000})
    standing: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    confidential: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    matter_id: Mapped[int | None] = mapped_column(Integer)
    placement: Mapped[str] = mapped_column(String(10), nullable=False, default="main")
    # Taken off an agenda already sent ("punkten utgår"): it keeps its number and becomes no §.
    withdrawn: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="items", overlaps="matter")
    matter: Mapped[Matter | None] = relationship(overlaps="meeting,items", lazy="selectin")

    @property
    def kind_label(self) -> str:
        return ITEM_KIND_LABELS.get(self.kind, self.kind)


class AgendaChange(TenantScoped, db.Model):
    """An ändring i föredragningslistan made after the kallelse was sent, until it goes out as a supplement."""

    __tablename__ = "agenda_changes"
    __table_args__ = (tenant_fk(["meeting_id"], "meetings", ondelete="CASCADE"),)
    meeting_id: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    description: Mapped[str] = mapped_column(Text, nullable=False, info={"max_length": 4000})
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Attachment(TenantScoped, db.Model):
    """A bilaga: a PDF numbered per meeting ("bilaga 1", "bilaga 4.1")."""

    __tablename__ = "attachments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "label"),
        tenant_fk(["meeting_id"], "meetings", ondelete="CASCADE"),
    )
    meeting_id: Mapped[int] = mapped_column(Integer, nullable=False)
    item_number: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(20), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    filename: Mapped[str] = mapped_column(String(300), nullable=False)
    path: Mapped[str] = mapped_column(String(500), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)

    meeting: Mapped[Meeting] = relationship(back_populates="attachments")


class StandingItem(TenantScoped, db.Model):
    """The template of a body's agenda: items that open and close every meeting."""

    __tablename__ = "standing_items"
    __table_args__ = (tenant_fk(["body_id"], "bodies"),)
    body_id: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="formalia")
    placement: Mapped[str] = mapped_column(String(10), nullable=False, default="open")  # open | close
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Minutes(TenantScoped, db.Model):
    """A meeting's protokoll. Locked for ever once justerat."""

    __tablename__ = "minutes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id"),
        tenant_fk(["meeting_id"], "meetings"),
    )
    meeting_id: Mapped[int] = mapped_column(Integer, nullable=False)
    chair: Mapped[str] = mapped_column(String(200), nullable=False)
    secretary: Mapped[str] = mapped_column(String(200), nullable=False)
    justerad_on: Mapped[date | None] = mapped_column(Date)
    anslag_posted: Mapped[date | None] = mapped_column(Date)
    anslag_removed: Mapped[date | None] = mapped_column(Date)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Justerat by signatures on paper, which the kansli recorded with their date.
    signed_on_paper: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The body's ordinarie ledamöter on the meeting's day, from the register: [[name, member id]].
    # Who may serve for whom is decided from this, so a later change of the register changes
    # no protokoll. None: the body has no register, and attendance counts as it was written.
    ordinarie: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    meeting: Mapped[Meeting] = relationship(back_populates="minutes")
    attendees: Mapped[list["Attendee"]] = relationship(
        back_populates="minutes", order_by="Attendee.position", cascade="all, delete-orphan", overlaps="meeting"
    )
    paragraphs: Mapped[list["Paragraph"]] = relationship(
        back_populates="minutes", order_by="Paragraph.number", cascade="all, delete-orphan",
        overlaps="meeting,attendees",
    )
    signers: Mapped[list["Signer"]] = relationship(
        back_populates="minutes", order_by="Signer.position", cascade="all, delete-orphan",
        overlaps="meeting,attendees,paragraphs",
    )
    corrections: Mapped[list["Correction"]] = relationship(
        back_populates="minutes", order_by="Correction.id", overlaps="meeting,attendees,paragraphs,signers",
    )
    originals: Mapped[list["MinutesOriginal"]] = relationship(
        viewonly=True, overlaps="meeting,attendees,paragraphs,signers,corrections")

    @property
    def justerad(self) -> bool:
        return self.justerad_on is not None


class MinutesOriginal(TenantScoped, db.Model):
    """The stored original of a justerat protokoll (meetings.archive): the PDF/A as justerat, or
    its public copy without confidential §§, with its sha256 and the names printed on it as they
    were that day ({"tenant", "short_name", "body", "anslag_places", "members": {id: name}}).
    Written once, never changed (a database trigger refuses it)."""

    __tablename__ = "minutes_originals"
    __table_args__ = (UniqueConstraint("tenant_id", "minutes_id", "public"), tenant_fk(["minutes_id"], "minutes"))
    minutes_id: Mapped[int] = mapped_column(Integer, nullable=False)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    path: Mapped[str] = mapped_column(String(500), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    printed_names: Mapped[dict] = mapped_column(JSON, nullable=False)
    # Stored after the fact for a protokoll justerat before originals were kept: from its rows as
    # they stand (locked since justering), with today's names.
    backfilled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Correction(TenantScoped, db.Model):
    """A rättelse of a justerat protokoll: a dated, signed note shown beside the original, which
    it never changes (an obvious slip; a decision is changed only by a new decision)."""

    __tablename__ = "corrections"
    __table_args__ = (tenant_fk(["minutes_id"], "minutes"),)
    minutes_id: Mapped[int] = mapped_column(Integer, nullable=False)
    paragraph_number: Mapped[int | None] = mapped_column(Integer)  # the § it concerns, if one
    made_on: Mapped[date] = mapped_column(Date, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False, info={"max_length": 10000})
    signed_by: Mapped[str] = mapped_column(String(300), nullable=False)  # who signed the rättelse
    user_id: Mapped[int | None] = mapped_column(Integer)  # who recorded it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    minutes: Mapped[Minutes] = relationship(back_populates="corrections")


class Attendee(TenantScoped, db.Model):
    __tablename__ = "attendees"
    __table_args__ = (
        UniqueConstraint("tenant_id", "minutes_id", "name"),
        tenant_fk(["minutes_id"], "minutes", ondelete="CASCADE"),
        tenant_fk(["member_id"], "members"),
    )
    minutes_id: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)  # ledamot | ersattare | ombud | ovrig
    member_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    serving: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # tjänstgörande ersättare
    replaces: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # the absent ledamot served for
    from_number: Mapped[int | None] = mapped_column(Integer)
    to_number: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    minutes: Mapped[Minutes] = relationship(back_populates="attendees", overlaps="member")
    member: Mapped[Member | None] = relationship(overlaps="minutes,attendees")

    @property
    def decides(self) -> bool:
        """May decide as written: a ledamot, an ombud on a meeting's roll, or an ersättare who may
        serve. Whether an ersättare serves at a § depends on who is absent there (`meetings.attendance`)."""
        return self.role in ("ledamot", "ombud") or (self.role == "ersattare" and self.serving)

    def present_at(self, number: int) -> bool:
        return (self.from_number is None or number >= self.from_number) and (
            self.to_number is None or number <= self.to_number)


class Paragraph(TenantScoped, db.Model):
    """A § of the protokoll, numbered on through the calendar year per body."""

    __tablename__ = "paragraphs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "body_id", "year", "number"),
        tenant_fk(["minutes_id"], "minutes", ondelete="CASCADE"),
        tenant_fk(["body_id"], "bodies"),
    )
    minutes_id: Mapped[int] = mapped_column(Integer, nullable=False)
    body_id: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    item_number: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="information")
    text: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 50000})
    decision: Mapped[str] = mapped_column(Text, nullable=False, default="", info={"max_length": 20000})
    confidential: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    recused: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # jäv: who left for this §
    reservations: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    vote: Mapped[dict | None] = mapped_column(JSON)  # yes, no, abstain, chair_vote, outcome, casting_vote

    minutes: Mapped[Minutes] = relationship(back_populates="paragraphs", overlaps="body")
    # Read only, for pages that load the uppdrag with their §§; an uppdrag is written through Task.paragraph.
    tasks: Mapped[list["Task"]] = relationship(viewonly=True, order_by="Task.id")


class Signer(TenantScoped, db.Model):
    """Who must approve the protokoll (the chair and the justerare), and when they did."""

    __tablename__ = "signers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "minutes_id", "name"),
        tenant_fk(["minutes_id"], "minutes", ondelete="CASCADE"),
    )
    minutes_id: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)  # ordforande | justerare
    user_id: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The content hash of the text approved: an approval holds for that text only.
    approved_hash: Mapped[str | None] = mapped_column(String(64))
    # When a change after the approval withdrew it (the signer is told and approves again).
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    minutes: Mapped[Minutes] = relationship(back_populates="signers")

    @property
    def role_label(self) -> str:
        return "ordförande" if self.role == "ordforande" else "justerare"


class Task(TenantScoped, db.Model):
    """An uppdrag given by a beslut: to whom, what, by when; followed up until done."""

    __tablename__ = "tasks"
    __table_args__ = (tenant_fk(["paragraph_id"], "paragraphs"), tenant_fk(["agenda_item_id"], "agenda_items"))
    paragraph_id: Mapped[int | None] = mapped_column(Integer)
    # The item of the later meeting where the uppdrag is reported back.
    agenda_item_id: Mapped[int | None] = mapped_column(Integer)
    assignee: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, info={"max_length": 4000})
    due: Mapped[date] = mapped_column(Date, nullable=False)
    done_on: Mapped[date | None] = mapped_column(Date)

    paragraph: Mapped[Paragraph | None] = relationship()


class SentAppendix(TenantScoped, db.Model):
    """A generated bilaga (the economy's decision room) as it was sent, with the kallelse or with an
    ändring i föredragningslistan: an old kallelse reads afterwards as it read when it went out."""

    __tablename__ = "sent_appendices"
    __table_args__ = (UniqueConstraint("tenant_id", "meeting_id", "slug", "sent_with"),
                      tenant_fk(["meeting_id"], "meetings"))
    meeting_id: Mapped[int] = mapped_column(Integer, nullable=False)
    slug: Mapped[str] = mapped_column(String(40), nullable=False)
    sent_with: Mapped[str] = mapped_column(String(40), nullable=False)  # kallelse | andring:<first change id>
    made_on: Mapped[date] = mapped_column(Date, nullable=False)  # the day its figures are of (Stockholm)
    context: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
