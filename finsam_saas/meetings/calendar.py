"""Working days and the anslag dates, as kommunallagen and the seeds use them."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

ANSLAG_DAYS = 21  # the appeal time: three weeks from the announcement
JUSTERING_DAYS = 14  # justering within 14 days of the meeting


@lru_cache(maxsize=64)
def swedish_holidays(year: int) -> frozenset[date]:
    """Public holidays and the eves an office is closed on (midsommar-, jul-, nyårsafton):
    the `holidays` package's public and de facto days for Sweden, without its Sundays
    (a weekend is never a working day anyway)."""
    days = holidays.Sweden(years=year, categories=("public", "de_facto"), include_sundays=False)
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in swedish_holidays(day.year)


def next_working_day(after: date) -> date:
    day = after + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def anslag_removed(posted: date) -> date:
    """Three weeks after the anslag went up; a last day that is no working day moves to the next
    working day (lag 1930:173 om beräkning av lagstadgad tid) [000: 2020-11-30 → 2020-12-21]."""
    day = posted + timedelta(days=ANSLAG_DAYS)
    return day if is_working_day(day) else next_working_day(day)
