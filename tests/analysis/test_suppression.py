"""Small counts are never published, and never derivable from a total less the published parts."""
import random

from finsam_saas.analysis.suppression import Group, derivable, determined_cells, suppress

THRESHOLD = 5


def _no_small_leak(cells, groups, shown):
    for key, value in shown.items():
        assert value is None or not 0 < value < THRESHOLD, f"{key}={value} published"
    for key, value in derivable(shown, groups).items():
        assert not 0 < value < THRESHOLD, f"{key} derivable as {value}"
    for key in determined_cells(shown, groups):
        assert not 0 < cells[key] < THRESHOLD, f"{key}={cells[key]} follows from the published cells"


def test_a_count_of_three_is_held_back_and_cannot_be_worked_out():
    cells = {"ended": 20, "work": 3, "studies": 7, "other": 5, "dropouts": 5}
    groups = [Group("ended", ("work", "studies", "other", "dropouts"))]
    shown = suppress(cells, groups, THRESHOLD)
    assert shown["work"] is None
    assert shown["ended"] is not None  # the total stays: a second part is held back instead
    assert sum(1 for k in ("work", "studies", "other", "dropouts") if shown[k] is None) >= 2
    _no_small_leak(cells, groups, shown)


def test_total_is_held_back_when_no_part_can_cover():
    cells = {"ended": 7, "work": 3, "studies": 4}
    groups = [Group("ended", ("work", "studies"))]
    shown = suppress(cells, groups, THRESHOLD)
    assert shown == {"ended": 7, "work": None, "studies": None}  # 3 + 4 = 7 held back together is no small count
    cells = {"ended": 9, "work": 3, "studies": 0, "dropouts": 6}
    shown = suppress(cells, [Group("ended", ("work", "studies", "dropouts"))], THRESHOLD)
    assert shown["work"] is None and shown["dropouts"] is None and shown["studies"] == 0


def test_zero_is_not_a_small_count():
    cells = {"ended": 10, "work": 0, "studies": 10}
    assert suppress(cells, [Group("ended", ("work", "studies"))], THRESHOLD) == cells


def test_held_back_across_two_dimensions():
    # Kinds × outcomes: a cell held back for one kind opens the total over kinds.
    cells = {"ended|a": 12, "work|a": 3, "other|a": 9, "ended|b": 40, "work|b": 20, "other|b": 20,
             "ended|all": 52, "work|all": 23, "other|all": 29}
    groups = [Group("ended|a", ("work|a", "other|a")), Group("ended|b", ("work|b", "other|b")),
              Group("ended|all", ("ended|a", "ended|b")), Group("work|all", ("work|a", "work|b")),
              Group("other|all", ("other|a", "other|b"))]
    shown = suppress(cells, groups, THRESHOLD)
    assert shown["work|a"] is None
    _no_small_leak(cells, groups, shown)


def test_random_tables_never_leak():
    rng = random.Random(20261125)
    for _ in range(500):
        kinds = ["a", "b", "c"]
        outcomes = ["w", "s", "o", "d"]
        cells = {}
        for kind in kinds:
            for outcome in outcomes:
                cells[f"{outcome}|{kind}"] = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 30])
            cells[f"ended|{kind}"] = sum(cells[f"{o}|{kind}"] for o in outcomes)
        for name in [*outcomes, "ended"]:
            cells[f"{name}|all"] = sum(cells[f"{name}|{k}"] for k in kinds)
        groups = [Group(f"ended|{k}", tuple(f"{o}|{k}" for o in outcomes)) for k in [*kinds, "all"]]
        groups += [Group(f"{name}|all", tuple(f"{name}|{k}" for k in kinds)) for name in [*outcomes, "ended"]]
        _no_small_leak(cells, groups, suppress(cells, groups, THRESHOLD))


def test_the_leak_check_sees_a_cell_pinned_down_across_two_groups():
    # work|a and other|a held back in their row, but work|all and work|b published: work|a = 23 - 20.
    shown = {"ended|a": 12, "work|a": None, "other|a": None, "work|b": 20, "work|all": 23}
    groups = [Group("ended|a", ("work|a", "other|a")), Group("work|all", ("work|a", "work|b"))]
    assert determined_cells(shown, groups) == {"work|a", "other|a"}
    shown["work|b"] = None
    assert determined_cells(shown, groups) == set()
