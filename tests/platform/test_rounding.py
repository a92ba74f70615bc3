"""One rounding rule, half away from zero as the board papers and Excel's ROUND, at the halves."""
from fractions import Fraction

import pytest

from finsam_saas.platform.formatting import percent, tkr
from finsam_saas.platform.rounding import kronor_from_text, ratio, round_half_up, share


def test_halves_round_up_where_python_would_round_to_even():
    assert round(6.25, 1) == 6.2 and round_half_up(6.25, 1) == 6.3
    assert round(2.5) == 2 and round_half_up(2.5) == 3
    assert round_half_up(2.675, 2) == 2.68  # the float 2.675 lies below; the typed value is a half
    assert round_half_up(-1.5) == -2 and round_half_up(-0.25, 1) == -0.3
    assert round_half_up(Fraction(1, 3), 1) == 0.3 and round_half_up(Fraction(-5, 2)) == -3


def test_shares_and_ratios_are_computed_exactly_then_rounded_half_up():
    assert share(1, 16) == 6.3  # 6.25 %
    assert share(55, 157) == 35.0  # Ungdomstorget 2017: 55 of 157 ended to work [001]
    assert share(865, 775, 0) == 112  # Bryggan's förbrukningskvot [003]
    assert share(1, 0) is None and ratio(5, 0) is None
    assert ratio(3, 2) == 2 and ratio(5, 2) == 3


def test_amounts_from_a_bookkeeping_file_round_50_ore_up():
    assert kronor_from_text("100 000,50") == 100_001
    assert kronor_from_text("100\u00a0000,49") == 100_000
    assert kronor_from_text("-2,5") == -3
    for bad in ("1e400", "abc", "NaN", "inf", ""):
        with pytest.raises(ValueError):
            kronor_from_text(bad)


def test_the_formatting_rounds_the_same_way():
    assert percent(6.25) == "6,3 %" and percent(0.05, 1) == "0,1 %"
    assert tkr(1_500) == "2" and tkr(2_500) == "3" and tkr(-1_500) == "-2"


def test_no_figure_is_rounded_by_pythons_round():
    """Python's round() takes halves to even; every figure goes through platform/rounding.py."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "finsam_saas"
    found = [f"{path.relative_to(package)}:{node.lineno}" for path in sorted(package.rglob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "round"]
    assert found == []
