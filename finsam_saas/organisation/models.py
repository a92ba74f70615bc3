"""A tenant's organisation as its tenant file describes it: members, bodies, seats, kansli."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from finsam_saas.extensions import db
from finsam_saas.platform.tenancy import TenantScoped, tenant_fk

MEMBER_KINDS = ("state", "region", "kommun", "forbund")
MEMBER_KIND_LABELS = {"state": "Staten", "region": "Region", "kommun": "Kommun", "forbund": "Förbund"}

BODY_KINDS = (
    "styrelse", "au", "beredningsgrupp", "strategisk_grupp", "presidium",
    "medlemssamrad", "medlemsmote", "valberedning", "revisorer", "annat",
)
SEAT_KINDS = ("ordinarie", "ersattare")
SEAT_LABELS = {"ordinarie": "Ordinarie ledamot", "ersattare": "Ersättare"}
POSITIONS = ("ordforande", "vice_ordforande", "andre_vice_ordforande", "kassor", "sammankallande", "ledamot")
POSITION_LABELS = {
    "ordforande": "ordförande",
    "vice_ordforande": "vice ordförande",
    "andre_vice_ordforande": "andre vice ordförande",
    "kassor": "kassör",
    "sammankallande": "sammankallande",
    "ledamot": "ledamot",
}
KANSLI_ROLES = (
    "forbundschef", "bitradande_forbundschef", "administrator",
    "verksamhetsutvecklare", "ekonom", "sekreterare", "annat",
)
KANSLI_ROLE_LABELS = {
    "forbundschef": "Förbundschef", "bitradande_forbundschef": "Biträdande förbundschef",
    "administrator": "Administratör", "verksamhetsutvecklare": "Verksamhetsutvecklare", "ekonom": "Ekonom",
    "sekreterare": "Sekreterare", "annat": "Annan roll",
}


class Member(TenantScoped, db.Model):
    """An owner of the förbund (state, region, kommun), or for NNS a member förbund."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    # For an NNS member förbund that is also a tenant here (a platform table).
    linked_tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    # Where the member receives the justerat protokoll for its anslag (its registrator).
    email: Mapped[str | None] = mapped_column(String(254))
    # Set when the kansli changed the row in the web: a tenant sync then keeps it and reports the difference.
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def kind_label(self) -> str:
        return MEMBER_KIND_LABELS.get(self.kind, self.kind)


class Body(TenantScoped, db.Model):
    """A meeting body: styrelse, AU, beredningsgrupp …"""

    __tablename__ = "bodies"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)
    slug: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    ordinarie_seats: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)

    seats: Mapped[list["Seat"]] = relationship(
        back_populates="body", order_by="(Seat.seat.desc(), Seat.substitute_order, Seat.position)",
        overlaps="seats",
    )

    @property
    def quorum(self) -> int:
        """More than half of the ordinarie seats (kommunallagen 6 kap. 27 §)."""
        return self.ordinarie_seats // 2 + 1


class Seat(TenantScoped, db.Model):
    """A person's seat in a body, appointed by a member, for a term (from–to).

    An ersättare's `substitute_order` is their turn among the ersättare of the same member:
    the first present steps in for an absent ordinarie ledamot of that member (seed 000).
    """

    __tablename__ = "seats"
    __table_args__ = (
        UniqueConstraint("tenant_id", "body_id", "person"),
        tenant_fk(["body_id"], "bodies"),
        tenant_fk(["appointed_by_id"], "members"),
    )
    body_id: Mapped[int] = mapped_column(Integer, nullable=False)
    person: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    seat: Mapped[str] = mapped_column(String(20), nullable=False)
    appointed_by_id: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(30))
    substitute_order: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    body: Mapped[Body] = relationship(back_populates="seats", overlaps="appointed_by")
    appointed_by: Mapped[Member | None] = relationship(overlaps="body,seats")

    @property
    def role_label(self) -> str:
        return POSITION_LABELS.get(self.role or "", "")

    @property
    def seat_label(self) -> str:
        return SEAT_LABELS.get(self.seat, self.seat)

    def serves_on(self, day: date) -> bool:
        """Holds the seat on this day: active, and the day within the term (open ends count)."""
        return self.active and (self.term_start is None or self.term_start <= day) and (
            self.term_end is None or day <= self.term_end)


class KansliPerson(TenantScoped, db.Model):
    """Someone on the förbund's staff (förbundschef, administratör …)."""

    __tablename__ = "kansli"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def role_label(self) -> str:
        return KANSLI_ROLE_LABELS.get(self.role, self.role)
