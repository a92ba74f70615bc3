"""Exact sums and means for analysis figures, rounded by the platform's one rule (half away from
zero, as the board papers and Excel round; finsam_saas/platform/rounding.py).

Floats from the database are taken by their shortest repr (what was typed or imported), so a
sum of 6,2 and 6,3 is exactly 12,5 and its mean rounds to 6,3, never 6,2 as round() gives.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Iterable

from finsam_saas.platform.formatting import DASH
from finsam_saas.platform.rounding import ratio, round_half_up


Number = int | float | Decimal | Fraction


def exact(value: Number) -> Fraction:
    """The value as an exact Fraction (a float by its shortest repr)."""
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


def exact_sum(values: Iterable[Number]) -> Fraction:
    return sum((exact(v) for v in values), Fraction(0))


def mean(values: Iterable[Number], decimals: int = 1) -> float | int | None:
    """The mean of the values rounded half up to `decimals`; None for no values."""
    values = list(values)
    return ratio(exact_sum(values), len(values), decimals) if values else None


def times(amount: Number, rate: int) -> int:
    """amount × rate in whole kronor, rounded half up (0,5 h × 1 kr = 1 kr)."""
    return round_half_up(exact(amount) * rate)


def decimal_sv(value: Number | None, decimals: int = 1) -> str:
    """A number as the papers write it: space between thousands, decimal comma ("4 620,5")."""
    if value is None:
        return DASH
    rounded = Decimal(repr(round_half_up(exact(value), decimals)))
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):.{decimals}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    return sign + grouped + ("," + fraction if decimals else "")
