"""What the insatser module puts on a member's start page: kvartalsrapporter due within a month
or late (a month after the quarter, seed 003), for the kansli every insats and for an
insatsansvarig their own; for the kansli the applications waiting for a decision; and for the
förbundschef (who may decide them, `deviations.decide`) the avvikelser waiting for that decision."""
from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.insatser.models import DEVIATION_KINDS, Application, Deviation, Insats, QuarterlyReport
from finsam_saas.platform import clock
from finsam_saas.platform.clock import local_date
from finsam_saas.platform.auth import STAFF, can
from finsam_saas.platform.formatting import kronor
from finsam_saas.platform.web import StartItem, register_start_items

SOON = timedelta(days=31)
LOOK_BACK_QUARTERS = 4


def _quarters_ended(today: date, insats: Insats) -> list[tuple[int, int]]:
    """The last few quarters that have ended, within the insats's period."""
    found, year, quarter = [], today.year, (today.month - 1) // 3 + 1
    for _ in range(LOOK_BACK_QUARTERS):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        first = date(year, 3 * quarter - 2, 1)
        if insats.start <= date(year, 3 * quarter, 28) and first <= insats.end:
            found.append((year, quarter))
    return found


def pending_deviations() -> list[StartItem]:
    """The avvikelser filed and not yet decided, oldest first, each a link to its insats's
    avvikelser: one query whatever their number (the insats's name comes in the same row)."""
    rows = db.session.execute(
        select(Deviation.insats_id, Deviation.kind, Deviation.amount, Deviation.from_year, Deviation.to_year,
               Deviation.filed_at, Insats.name)
        .join(Insats, Insats.id == Deviation.insats_id)
        .where(Deviation.status == "pending").order_by(Deviation.filed_at, Deviation.id))
    items = []
    for insats_id, kind, amount, from_year, to_year, filed_at, name in rows:
        filed = local_date(filed_at)
        what = DEVIATION_KINDS.get(kind, kind).lower()
        if kind == "budget" and amount:
            what += f", {kronor(amount)} kr från {from_year} till {to_year}"
        items.append(StartItem(f"Avvikelse ({what}) för {name} väntar på ditt beslut (inlämnad {filed})",
                               url_for("insatser.insats", insats_id=insats_id, _anchor="avvikelser"), "todo", (filed,)))
    return items


def start_items(user, membership) -> list[StartItem]:
    # The förbundschef decides the avvikelser the kansli and the insatser file.
    items = pending_deviations() if can("deviations.decide") else []
    if not can("insatser.report"):
        return items
    today = clock.today()
    query = services.visible_insatser_query(membership.role, user.id).where(
        Insats.end >= today - timedelta(days=200), Insats.start <= today)
    insatser = db.session.scalars(query).all()
    reported = {(r.insats_id, r.year, r.quarter) for r in db.session.scalars(
        select(QuarterlyReport).where(QuarterlyReport.insats_id.in_([i.id for i in insatser])))} if insatser else set()
    for insats in insatser:
        for year, quarter in _quarters_ended(today, insats):
            if (insats.id, year, quarter) in reported:
                continue
            due = services.report_due(year, quarter)
            url = url_for("insatser.insats", insats_id=insats.id, _anchor="kvartalsrapporter")
            if due < today:
                items.append(StartItem(f"Kvartalsrapport {year} kvartal {quarter} för {insats.name} är försenad "
                                       f"(skulle in senast {due})", url, "late", (due,)))
            elif due - today <= SOON:
                items.append(StartItem(f"Kvartalsrapport {year} kvartal {quarter} för {insats.name} ska in senast {due}",
                                       url, "todo", (due,)))
    if membership.role in STAFF:
        pending = db.session.scalars(select(Application).where(Application.status == "pending")
                                     .order_by(Application.created_at)).all()
        for application in pending:
            where = "står på en dagordning" if application.agenda_item_id else "lägg den på en dagordning"
            items.append(StartItem(f"Ansökan {application.title} väntar på beslut ({where})",
                                   url_for("insatser.applications"), "todo", (today,)))
    return items


register_start_items(start_items)
