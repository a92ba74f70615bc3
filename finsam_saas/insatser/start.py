"""What the insatser module puts on a member's start page: kvartalsrapporter due within a month
or late (a month after the quarter, seed 003), for the kansli every insats and for an
insatsansvarig their own; and for the kansli the applications waiting for a decision."""
from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.insatser.models import Application, Insats, QuarterlyReport
from finsam_saas.platform import clock
from finsam_saas.platform.auth import STAFF, can
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


def start_items(user, membership) -> list[StartItem]:
    if not can("insatser.report"):
        return []
    today = clock.today()
    query = services.visible_insatser_query(membership.role, user.id).where(
        Insats.end >= today - timedelta(days=200), Insats.start <= today)
    insatser = db.session.scalars(query).all()
    reported = {(r.insats_id, r.year, r.quarter) for r in db.session.scalars(
        select(QuarterlyReport).where(QuarterlyReport.insats_id.in_([i.id for i in insatser])))} if insatser else set()
    items = []
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
