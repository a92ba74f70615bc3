"""Which year a year page opens on: not an empty current year when the data lies elsewhere."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from finsam_saas.extensions import db


def data_years(*columns) -> list[int]:
    """The distinct years in these integer year columns (of the current tenant), oldest first."""
    found: set[int] = set()
    for column in columns:
        found.update(y for y in db.session.scalars(select(column).distinct()) if y is not None)
    return sorted(found)


def default_year(natural: int, years: Iterable[int]) -> int:
    """`natural` (this year, or the next for a budget) when it has data or nothing has; otherwise
    the year with data nearest to it, the later on a tie (the latest data)."""
    years = sorted(set(years))
    if not years or natural in years:
        return natural
    return min(years, key=lambda year: (abs(year - natural), -year))


FIRST_YEAR, LAST_YEAR = 1990, 2200  # no förbund's papers lie outside these


def year_arg(name: str = "ar") -> int | None:
    """The year a page is asked for in its query (?ar=2022), or None when none is asked. A value
    that is no year of a förbund ("abc", "20233", "-1") answers 404: there is no such page, and
    nothing may be made for such a year."""
    from flask import abort, request

    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR):
        abort(404)
    return int(value)
