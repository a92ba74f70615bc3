"""One rounding rule for every figure the product shows or stores: half away from zero, as the
board papers and Excel's ROUND do (6,25 % → 6,3 %; 100 000,50 kr → 100 001 kr; −1,5 → −2).

Python's round() rounds halves to even and works on binary floats (round(2.675, 2) == 2.67), so
nothing here goes through it: values are turned into exact Decimals first (a float by its
shortest repr, which is what a person typed or read), and ratios are computed as Fractions.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

Number = int | float | Decimal | Fraction


def _exact(value: Number) -> Decimal | Fraction:
    if isinstance(value, bool):
        raise TypeError("a truth value is no number to round")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


def round_half_up(value: Number, decimals: int = 0) -> int | float:
    """`value` rounded to `decimals` places, halves away from zero. An int for 0 decimals, else a
    float holding the rounded decimal (6.3, never 6.2999…). Raises TypeError for a bool and
    ValueError for NaN or infinity."""
    exact = _exact(value)
    if isinstance(exact, Fraction):
        # Decimal cannot hold a third; round the Fraction itself, exactly.
        scaled = exact * 10 ** decimals
        whole = (abs(scaled.numerator) * 2 + scaled.denominator) // (2 * scaled.denominator)
        whole = -whole if scaled < 0 else whole
        return whole if decimals == 0 else float(Decimal(whole).scaleb(-decimals))
    if not exact.is_finite():
        raise ValueError(f"{value!r} is no finite number")
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else float(rounded)


def share(part: Number, whole: Number, decimals: int = 1) -> float | None:
    """`part` as a percent of `whole`, rounded half up; None when whole is 0 (no share exists)."""
    if not whole:
        return None
    return round_half_up(Fraction(_exact(part)) * 100 / Fraction(_exact(whole)), decimals)


def ratio(part: Number, whole: Number, decimals: int = 0) -> int | float | None:
    """`part / whole` rounded half up (kronor per deltagare, a mean); None when whole is 0."""
    if not whole:
        return None
    return round_half_up(Fraction(_exact(part)) / Fraction(_exact(whole)), decimals)


def kronor_from_text(text: str) -> int:
    """Whole kronor from an amount as a bookkeeping file writes it ("100 000,50", "-1 234.5",
    "1e3"), rounded half up: 50 öre rounds up. Raises ValueError for what is no finite amount."""
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is no amount") from None
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 15:
        raise ValueError(f"{text!r} is no amount a förbund has")
    return round_half_up(amount)
