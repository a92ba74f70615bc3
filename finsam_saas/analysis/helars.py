"""SCB's helårsekvivalenter: people aged 20–64 supported by sickness benefit,
activity/sickness compensation, unemployment benefit, financial aid and establishment
benefit, in full-year persons, per kommun and half-year [000].

The import takes SCB's table layout (a CSV or XLSX export from the Statistikdatabasen):
one row per region and benefit, one column per half-year ("2020H1", "2020 H1" or
"2020 halvår 1"), numbers with decimal commas and spaces between thousands. SCB's
teckenförklaring: ".." (and "." or an empty cell) is a figure SCB does not give, and is
*missing*, never 0; "-" or "–" is noll. The population 20–64 comes in the same layout, as the
benefit "Befolkning 20–64 år". A file with an unknown kommun code, a half-year out of
range or a non-number is refused whole, naming the row and column.

A share is only computed from complete figures: where a kommun's half-year has a missing
figure, that kommun has no share and no verdict for it, and the förbund's figure covers
the other kommuner and names the ones it lacks (missing figures, or none at all).

The effect goal of seed 000: "andelen ... har minskat i förhållande till föregående år",
measured as helårsekvivalenter per population 20–64 per kommun.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select, tuple_

from finsam_saas.platform import clock
from finsam_saas.analysis.kommuner import KOMMUNER, RIKET
from finsam_saas.analysis.models import Helarsekvivalent, StatisticsImport
from finsam_saas.extensions import db
from finsam_saas.organisation.models import Member
from finsam_saas.platform.rounding import round_half_up, share as percent_of
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.tables import read_rows, shown

POPULATION = "befolkning"
POPULATION_LABEL = "Befolkning 20–64 år"
BENEFITS = {
    "sjukpenning": "Sjukpenning och rehabiliteringspenning",
    "sjuk_aktivitetsersattning": "Sjuk- och aktivitetsersättning",
    "arbetsloshet": "Arbetslöshetsersättning och aktivitetsstöd",
    "ekonomiskt_bistand": "Ekonomiskt bistånd",
    "etableringsersattning": "Etableringsersättning",
}
# Words that name each benefit in SCB's labels, lower case.
_BENEFIT_WORDS = (
    ("befolkning", POPULATION),
    ("sjuk- och aktivitet", "sjuk_aktivitetsersattning"), ("sjukersättning", "sjuk_aktivitetsersattning"),
    ("aktivitetsersättning", "sjuk_aktivitetsersattning"),
    ("sjukpenning", "sjukpenning"), ("rehabiliteringspenning", "sjukpenning"),
    ("arbetslös", "arbetsloshet"), ("a-kassa", "arbetsloshet"), ("aktivitetsstöd", "arbetsloshet"),
    ("ekonomiskt bistånd", "ekonomiskt_bistand"), ("försörjningsstöd", "ekonomiskt_bistand"),
    ("etablering", "etableringsersattning"),
)
_HALF = re.compile(r"^\s*(\d{4})\s*(?:h|halvår|halvar)\s*(\d)\s*$", re.IGNORECASE)
_REGION_HEADERS = ("region", "kommun", "område")
_BENEFIT_HEADERS = ("ersättningsform", "ersättning", "ersattningsform", "tabellinnehåll", "förmån", "ersättningstyp")
FIRST_YEAR = 1990  # SCB has the nation from 1990, kommuner from 2014 [000]


def _benefit(label: str) -> str | None:
    text = label.strip().lower()
    return next((key for word, key in _BENEFIT_WORDS if word in text), None)


MISSING_MARKS = ("..", ".", "")   # SCB: "uppgift inte tillgänglig", "kan inte förekomma", or nothing written
ZERO_MARKS = ("-", "–", "—")      # SCB: "noll"


def _number(value) -> float | None:
    """A cell as a number, None when SCB gives none (missing); ValueError for what is no number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value if value is not None else "").strip().replace("\u00a0", "").replace(" ", "")
        if text in MISSING_MARKS:
            return None
        if text in ZERO_MARKS:
            return 0.0
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(value) from None
    # NaN, infinity and 1e400 (read as infinity) are no figure; no count of people nears 10^12.
    if not math.isfinite(number) or abs(number) >= 1e12:
        raise ValueError(value)
    return number


def _region(value: str) -> str | None:
    text = str(value or "").strip()
    code = text.split(" ", 1)[0]
    if code in ("00", "0000") or text.lower() in ("riket", "hela riket"):
        return RIKET
    return code if code in KOMMUNER else None


def parse(filename: str, content: bytes, today: date | None = None) -> list[tuple[str, int, int, str, float | None]]:
    """Rows (kommun_code, year, half, benefit, value) of an SCB file, value None where SCB gives no figure
    (".." or an empty cell: missing, not 0). Raises InvalidInput naming row and column for a bad cell, and
    when the file holds no figure at all."""
    table = read_rows(content, filename)
    if not table:
        raise InvalidInput("Filen är tom.", {"file": "tom"})
    header, rows = table[0], table[1:]
    lowered = [str(h or "").strip().lower() for h in header]
    region_col = next((i for i, h in enumerate(lowered) if h in _REGION_HEADERS), None)
    benefit_col = next((i for i, h in enumerate(lowered) if h in _BENEFIT_HEADERS), None)
    if region_col is None or benefit_col is None:
        raise InvalidInput("Filen saknar kolumnerna region och ersättningsform (rad 1).", {"file": "rubriker saknas"})
    last_year = (today or clock.today()).year
    halves = {}
    for index, name in enumerate(header):
        if index in (region_col, benefit_col):
            continue
        match = _HALF.match(str(name or ""))
        if not match:
            raise InvalidInput(f"Kolumnen \"{shown(name)}\" (rad 1) är inget halvår; skriv t.ex. 2020H1.", {"file": f"kolumn {name}"})
        year, half = int(match.group(1)), int(match.group(2))
        if half not in (1, 2) or not FIRST_YEAR <= year <= last_year:
            raise InvalidInput(f"Kolumnen \"{name}\" (rad 1): halvåret finns inte ({FIRST_YEAR}H1–{last_year}H2).",
                               {"file": f"kolumn {name}"})
        halves[index] = (year, half)
    if not halves:
        raise InvalidInput("Filen har inga kolumner för halvår.", {"file": "halvår saknas"})
    found = []
    for line, row in enumerate(rows, start=2):
        if not any(str(v or "").strip() for v in row):
            continue
        region = _region(row[region_col] if region_col < len(row) else "")
        if region is None:
            raise InvalidInput(f"Rad {line}, kolumn {header[region_col]}: okänd kommunkod \"{shown(row[region_col])}\".",
                               {"file": f"rad {line}"})
        label = str(row[benefit_col] if benefit_col < len(row) else "")
        benefit = _benefit(label)
        if benefit is None:
            raise InvalidInput(f"Rad {line}, kolumn {header[benefit_col]}: okänd ersättningsform \"{shown(label)}\".",
                               {"file": f"rad {line}"})
        for index, (year, half) in halves.items():
            raw = row[index] if index < len(row) else ""
            try:
                value = _number(raw)
            except ValueError:
                raise InvalidInput(f"Rad {line}, kolumn {header[index]}: \"{shown(raw)}\" är inget tal.",
                                   {"file": f"rad {line}, kolumn {header[index]}"}) from None
            if value is not None and value < 0:
                raise InvalidInput(f"Rad {line}, kolumn {header[index]}: talet kan inte vara negativt.",
                                   {"file": f"rad {line}, kolumn {header[index]}"})
            found.append((region, year, half, benefit, value))
    if not any(r[4] is not None for r in found):
        raise InvalidInput("Filen innehåller inga värden (bara \"..\" eller tomma celler).", {"file": "inga värden"})
    return found


def store(rows: list[tuple[str, int, int, str, float | None]], *, tenant_id: int, filename: str, by: str) -> int:
    """Replace the stored figures the file covers, all in the caller's transaction. A missing figure
    (value None) is stored as missing, so a newer file's ".." replaces an older figure too."""
    keys = {(r[0], r[1], r[2], r[3]) for r in rows}
    for chunk in _chunks(sorted(keys), 500):
        db.session.execute(delete(Helarsekvivalent).where(
            tuple_(Helarsekvivalent.kommun_code, Helarsekvivalent.year, Helarsekvivalent.half,
                   Helarsekvivalent.benefit).in_(chunk)))
    db.session.add_all(Helarsekvivalent(kommun_code=k, year=y, half=h, benefit=b, value=v or 0.0, missing=v is None)
                       for k, y, h, b, v in rows)
    db.session.add(StatisticsImport(tenant_id=tenant_id, filename=filename, rows=len(rows), imported_by=by))
    db.session.flush()
    return len(rows)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- shares and their change ----------------------------------------------------------------

_CODE_OF = {name: code for code, name in KOMMUNER.items()}


def kommun_code_of(member_name: str) -> str | None:
    """The kommunkod of a kommun member as tenant files name them ("Nordmalings kommun")."""
    name = member_name.strip().removesuffix(" kommun").strip()
    return _CODE_OF.get(name) or (_CODE_OF.get(name[:-1]) if name.endswith("s") else None)


def own_kommuner() -> dict[str, str]:
    """The current förbund's kommuner: {code: name} (read from its own members)."""
    found = {}
    for member in db.session.scalars(select(Member).where(Member.kind == "kommun", Member.active.is_(True))):
        code = kommun_code_of(member.name)
        if code:
            found[code] = KOMMUNER[code]
    return found


def label_of(benefit: str) -> str:
    return POPULATION_LABEL if benefit == POPULATION else BENEFITS.get(benefit, benefit)


@dataclass(frozen=True)
class Gap:
    """A kommun whose half-year is not complete: `what` names the missing figures (benefit
    labels); empty when there is no figure for it at all (not in the file)."""
    name: str
    what: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        if not self.what:
            return f"{self.name} (inga uppgifter)"
        return f"{self.name} ({', '.join(w[:1].lower() + w[1:] for w in self.what)} saknas)"


@dataclass(frozen=True)
class ShareRow:
    """One half-year of a kommun, the förbund or the nation. A figure that cannot be computed from
    complete data is None; `lacking` names the kommuner the row's figures do not cover."""
    label: str
    year: int
    half: int
    helarsekv: float | None      # full-year persons, one decimal; None where a benefit's figure is missing
    population: float | None     # 20–64 år; None where missing
    share: float | None          # percent of the population 20–64, two decimals
    previous: float | None       # the same half-year a year earlier, over the same kommuner
    by_benefit: dict[str, float]
    lacking: tuple[Gap, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return not self.lacking

    @property
    def change(self) -> float | None:
        """Percentage points since the year before, from the shares as shown (two decimals)."""
        if self.share is None or self.previous is None:
            return None
        return round_half_up(Decimal(repr(self.share)) - Decimal(repr(self.previous)), 2)

    @property
    def decreased(self) -> bool | None:
        """Seed 000's effect goal: the share has fallen from the year before; None when either is unknown."""
        return None if self.change is None else self.change < 0


Data = dict[tuple[str, int, int], dict[str, Decimal | None]]


def _load(codes: set[str] | None) -> Data:
    """(code, year, half) -> {benefit: exact value, or None where SCB gave none}."""
    query = select(Helarsekvivalent)
    if codes is not None:
        query = query.where(Helarsekvivalent.kommun_code.in_(codes))
    data: Data = {}
    for row in db.session.scalars(query):
        data.setdefault((row.kommun_code, row.year, row.half), {})[row.benefit] = (
            None if row.missing else Decimal(repr(float(row.value))))
    return data


def _gap(name: str, values: dict[str, Decimal | None] | None) -> Gap | None:
    """What keeps this kommun's half-year from a share, or None when it is complete."""
    if not values:
        return Gap(name)
    missing = [label_of(b) for b in (*BENEFITS, POPULATION) if b in values and values[b] is None]
    if POPULATION not in values:
        missing.append(POPULATION_LABEL)
    if not any(b != POPULATION for b in values):
        missing.append("Ersättningar")
    return Gap(name, tuple(missing)) if missing else None


def _group_share(codes: list[str], year: int, half: int, data: Data) -> float | None:
    """The share over exactly these kommuner, or None unless each of them is complete."""
    if not codes:
        return None
    helarsekv = population = Decimal(0)
    for code in codes:
        values = data.get((code, year, half))
        if _gap(code, values) is not None:
            return None
        population += values[POPULATION]
        helarsekv += sum(v for b, v in values.items() if b != POPULATION)
    return percent_of(helarsekv, population, 2)


def _row(label: str, names: dict[str, str], year: int, half: int, data: Data) -> ShareRow:
    """The half-year over the kommuner `names` ({code: name}) that have complete figures."""
    covered, gaps = [], []
    for code, name in sorted(names.items(), key=lambda kv: kv[1]):
        gap = _gap(name, data.get((code, year, half)))
        (gaps.append(gap) if gap else covered.append(code))
    benefits: dict[str, Decimal] = {}
    population = Decimal(0)
    for code in covered:
        for key, value in data[(code, year, half)].items():
            if key == POPULATION:
                population += value
            else:
                benefits[key] = benefits.get(key, Decimal(0)) + value
    if len(names) == 1 and gaps:
        # One kommun with a gap: show what SCB did give, no share and no verdict.
        values = data.get((next(iter(names)), year, half)) or {}
        known = {b: v for b, v in values.items() if b != POPULATION and v is not None}
        all_benefits_known = bool(known) and all(v is not None for b, v in values.items() if b != POPULATION)
        helarsekv = round_half_up(sum(known.values()), 1) if all_benefits_known else None
        pop = values.get(POPULATION)
        return ShareRow(label, year, half, helarsekv, float(pop) if pop is not None else None, None, None,
                        {b: float(v) for b, v in known.items()}, tuple(gaps))
    if not covered:
        return ShareRow(label, year, half, None, None, None, None, {}, tuple(gaps))
    helarsekv = sum(benefits.values(), Decimal(0))
    return ShareRow(label, year, half, round_half_up(helarsekv, 1), float(population), percent_of(helarsekv, population, 2),
                    _group_share(covered, year - 1, half, data), {b: float(v) for b, v in benefits.items()},
                    tuple(gaps))


def _rows_for(label: str, names: dict[str, str], data: Data, periods: list[tuple[int, int]] | None = None) -> list[ShareRow]:
    if periods is None:
        periods = sorted({(y, h) for (c, y, h) in data if c in names})
    return [_row(label, names, year, half, data) for year, half in periods]


def shares(kommuner: dict[str, str]) -> dict[str, list[ShareRow]]:
    """Per kommun, for the förbund (its kommuner together) and for the nation, each half-year.

    Every half-year that any of the förbund's kommuner has figures for is shown for each of them,
    so a kommun missing from a file shows as lacking there instead of silently absent."""
    data = _load(set(kommuner) | {RIKET})
    periods = sorted({(y, h) for (c, y, h) in data if c in kommuner})
    result = {name: _rows_for(name, {code: name}, data, periods)
              for code, name in sorted(kommuner.items(), key=lambda kv: kv[1])}
    if kommuner:
        result["Förbundet"] = _rows_for("Förbundet", kommuner, data, periods)
    result["Riket"] = _rows_for("Riket", {RIKET: "Riket"}, data)
    return result


def forbund_share_of_year(tenant, year: int) -> float | None:
    """The förbund's share for the year's latest half-year, for its publication (public SCB data).

    Only a complete figure is published: a share that lacks one of the förbund's kommuner would
    be compared by other förbund as if it were the whole förbund."""
    kommuner = own_kommuner()
    if not kommuner:
        return None
    rows = [r for r in _rows_for("Förbundet", kommuner, _load(set(kommuner)))
            if r.year == year and r.complete and r.share is not None]
    return max(rows, key=lambda r: r.half).share if rows else None
