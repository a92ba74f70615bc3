"""Swedish formats as the board papers write them: tkr with a space between
thousands, ISO dates, times as 08.30, percent with a decimal comma."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from finsam_saas.platform.contract import BIDI_CONTROLS
from finsam_saas.platform.rounding import round_half_up

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
DASH = "–"


def _grouped(number: int) -> str:
    sign = "-" if number < 0 else ""
    return sign + f"{abs(number):,}".replace(",", " ")


def kronor(amount: int | None) -> str:
    return DASH if amount is None else _grouped(int(amount))


def kronor_ore(amount: Decimal | Fraction | int | None) -> str:
    """Kronor with öre, as a bookkeeping amount reads in a message: a space between thousands and a
    decimal comma, always two öre digits (Decimal("-1000.5") → "-1 000,50"); halves of an öre round
    away from zero. A float is taken by its shortest repr. None gives the dash."""
    if amount is None:
        return DASH
    exact = Decimal(repr(amount)) if isinstance(amount, float) else amount
    ore = round_half_up(Fraction(exact) * 100)  # exact: a Decimal or Fraction converts without loss
    whole, part = divmod(abs(ore), 100)
    return ("-" if ore < 0 else "") + f"{_grouped(whole)},{part:02d}"


def tkr(amount: int | None) -> str:
    if amount is None:
        return DASH
    return _grouped(round_half_up(Fraction(int(amount), 1000)))


def percent(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return DASH
    return f"{round_half_up(value, decimals):.{decimals}f}".replace(".", ",") + " %"


def figure(value: float | None, unit: str) -> str:
    """A published figure in its unit: procent, kr, or a count (a filter: the comparison tables have
    hundreds of cells, and a filter costs a fraction of a template macro)."""
    if value is None:
        return DASH
    if unit == "procent":
        return percent(value)
    if unit == "kr":
        return kronor(value) + " kr"
    return str(round_half_up(value))


def _local(value):
    """A stored moment in Stockholm time. A naive one is UTC, as the databases hand back what was
    stored aware (SQLite keeps no zone)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(STOCKHOLM)
    return value


def _as_date(value):
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return _local(value)


def sv_date(value: date | datetime | str | None) -> str:
    if value is None:
        return ""
    value = _as_date(value)
    return value.strftime("%Y-%m-%d")


def sv_date_long(value: date | datetime | str | None) -> str:
    if value is None:
        return ""
    value = _as_date(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def sv_weekday(value: date | datetime | str | None) -> str:
    return "" if value is None else WEEKDAYS[_as_date(value).weekday()]


def sv_time(value: time | datetime | None) -> str:
    if value is None:
        return ""
    value = _local(value)
    return f"{value.hour:02d}.{value.minute:02d}"


def sv_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    value = _local(value)
    return f"{sv_date(value)} {sv_time(value)}"


def plural(count: int, singular: str, plural_form: str) -> str:
    """"1 bilaga", "3 bilagor": the count with the noun in the form Swedish gives it."""
    return f"{count} {singular if count == 1 else plural_form}"


# Direction controls (embeddings, overrides, isolates, marks): a stored U+202E would turn the rest
# of a line around on the page ("fdp.exe" for "exe.pdf").
_DIRECTION_CONTROLS = dict.fromkeys(map(ord, BIDI_CONTROLS))


def no_bidi(value):
    """A value as a page prints it, without direction control characters (U+202A–U+202E,
    U+2066–U+2069, U+200E/F, U+061C); anything but text, and Markup's safety, as it was. The app
    applies it to every {{ … }} of every template (`finalize`); as a filter it is `|no_bidi`."""
    if isinstance(value, str) and not value.isascii():
        return value.translate(_DIRECTION_CONTROLS)
    return value


FILTERS = {f.__name__: f for f in (kronor, tkr, percent, figure, sv_date, sv_date_long, sv_weekday, sv_time, sv_datetime,
                                   plural, no_bidi)}


def register_filters(app) -> None:
    app.jinja_env.filters.update(FILTERS)
    # Text stored before the input refused direction controls is shown without them everywhere.
    app.jinja_env.finalize = no_bidi
