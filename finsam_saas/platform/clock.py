"""Today and now, in Europe/Stockholm whatever the server's time zone.

Every deadline of the domain is a Swedish calendar day: a motion sent at 00:30 on
the day after the deadline is late, though the server's clock (UTC) still shows the
deadline's date. No module calls `date.today()`; they call `today()` here.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from finsam_saas.platform.formatting import STOCKHOLM


def _utcnow() -> datetime:
    # The one reading of the system clock; tests replace it to stand at a given moment.
    return datetime.now(timezone.utc)


def now() -> datetime:
    """The current moment as an aware datetime in Europe/Stockholm."""
    return _utcnow().astimezone(STOCKHOLM)


def today() -> date:
    """Today's date in Stockholm (kommunallagen's days, the anslag, every deadline)."""
    return now().date()


def local_date(moment: datetime) -> date:
    """The Stockholm calendar day of an aware moment (a naive one is taken as UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(STOCKHOLM).date()
