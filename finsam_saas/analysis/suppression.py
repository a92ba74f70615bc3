"""Small counts identify people in small kommuner [000]: a count from 1 up to the
threshold is never published (primary suppression), nor may one be worked out from
what is published (secondary suppression).

A table is a set of cells and a list of groups, each a total and the parts that add
up to it. Whenever a group's total is published, the parts held back add up to a
number anyone can compute (the total less the published parts); that number must be 0
or at least the threshold, so more parts are held back (the smallest first) until it
is, or else the total too. Across groups (kinds × outcomes) the sums can still pin a
held-back cell down, so the published cells are then checked as a system of linear
equations: while a small cell follows from them, one more cell beside it is held back.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

DEFAULT_THRESHOLD = 5


def is_small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


@dataclass(frozen=True)
class Group:
    total: str
    parts: tuple[str, ...]


def suppress(cells: dict[str, int], groups: list[Group], threshold: int = DEFAULT_THRESHOLD) -> dict[str, int | None]:
    """The cells as they may be published: None where a count is held back."""
    shown: dict[str, int | None] = {key: (None if is_small(value, threshold) else value) for key, value in cells.items()}
    while True:
        _cover_group_sums(cells, groups, shown, threshold)
        leaking = sorted(k for k in determined_cells(shown, groups) if is_small(cells[k], threshold))
        if not leaking:
            return shown
        shown[_one_more(cells, groups, shown, leaking[0])] = None


def _one_more(cells: dict[str, int], groups: list[Group], shown: dict[str, int | None], leaking: str) -> str:
    """The published cell to hold back next: the smallest one that frees the leaking cell,
    or else the smallest beside it (and the loop goes on)."""
    candidates = sorted((cells[k], k) for k, v in shown.items() if v is not None and cells[k] > 0)
    for _value, key in candidates:
        trial = {**shown, key: None}
        if leaking not in determined_cells(trial, groups):
            return key
    beside = [(v, k) for v, k in candidates if any(leaking in (g.total, *g.parts) and k in (g.total, *g.parts)
                                                  for g in groups)]
    return (beside or candidates)[0][1]


def _cover_group_sums(cells: dict[str, int], groups: list[Group], shown: dict[str, int | None], threshold: int) -> None:
    changed = True
    while changed:
        changed = False
        for group in groups:
            if shown[group.total] is None:
                continue
            held_back = sum(cells[p] for p in group.parts if shown[p] is None)
            while is_small(held_back, threshold):
                candidates = sorted((cells[p], p) for p in group.parts if shown[p] is not None and cells[p] > 0)
                if not candidates:
                    shown[group.total] = None
                    changed = True
                    break
                value, key = candidates[0]
                shown[key] = None
                held_back += value
                changed = True


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    rank = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank])]
        rank += 1
    return rank


def determined_cells(shown: dict[str, int | None], groups: list[Group]) -> set[str]:
    """The held-back cells whose value follows from the published ones through the groups' sums:
    those whose unit vector lies in the span of the equations over the held-back cells."""
    unknown = sorted(k for k, v in shown.items() if v is None)
    index = {k: i for i, k in enumerate(unknown)}
    equations = []
    for group in groups:
        row = [Fraction(0)] * len(unknown)
        for key, sign in [(group.total, 1), *((p, -1) for p in group.parts)]:
            if key in index:
                row[index[key]] += sign
        if any(row):
            equations.append(row)
    if not equations:
        return set()
    base = _rank(equations)
    return {key for key, i in index.items()
            if _rank(equations + [[Fraction(int(j == i)) for j in range(len(unknown))]]) == base}


def derivable(shown: dict[str, int | None], groups: list[Group]) -> dict[str, int]:
    """What an outsider can compute from the published cells: each group's held-back sum
    where the total is published. Used by the tests to prove nothing small leaks."""
    found = {}
    for group in groups:
        hidden = [p for p in group.parts if shown[p] is None]
        if shown[group.total] is not None and hidden:
            found["+".join(hidden)] = shown[group.total] - sum(shown[p] for p in group.parts if shown[p] is not None)
    return found
