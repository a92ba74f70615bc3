"""SCB's helårsekvivalenter: people aged 20–64 supported by sickness benefit,
activity/sickness compensation, unemployment benefit, financial aid and establishment
benefit, in full-year persons, per kommun and half-year [000].

The import takes SCB's table layout (a CSV or XLSX export from the Statistikdatabasen):
one row per region and benefit, one column per half-year ("2020H1", "2020 H1" or
"2020 halvår 1"), numbers with decimal commas and spaces between thousands, ".." for
a figure SCB does not give. The population 20–64 comes in the same layout, as the
benefit "Befolkning 20–64 år". A file with an unknown kommun code, a half-year out of
range or a non-number is refused whole, naming the row and column.

The effect goal of seed 000: "andelen ... har minskat i förhållande till föregående år",
measured as helårsekvivalenter per population 20–64 per kommun.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select, tuple_

from finsam_saas.platform import clock
from finsam_saas.analysis.kommuner import KOMMUNER, RIKET
from finsam_saas.analysis.models import Helarsekvivalent, StatisticsImport
from finsam_saas.extensions import db
from finsam_saas.organisation.models import Member
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.tables import read_rows

POPULATION = "befolkning"
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


def _number(value) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value or "").strip().replace("\u00a0", "").replace(" ", "")
    if text in ("..", "-", ""):
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise ValueError(value) from None


def _region(value: str) -> str | None:
    text = str(value or "").strip()
    code = text.split(" ", 1)[0]
    if code in ("00", "0000") or text.lower() in ("riket", "hela riket"):
        return RIKET
    return code if code in KOMMUNER else None


def parse(filename: str, content: bytes, today: date | None = None) -> list[tuple[str, int, int, str, float]]:
    """Rows (kommun_code, year, half, benefit, value) of an SCB file, or InvalidInput naming row and column."""
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
            raise InvalidInput(f"Kolumnen \"{name}\" (rad 1) är inget halvår; skriv t.ex. 2020H1.", {"file": f"kolumn {name}"})
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
            raise InvalidInput(f"Rad {line}, kolumn {header[region_col]}: okänd kommunkod \"{row[region_col]}\".",
                               {"file": f"rad {line}"})
        label = str(row[benefit_col] if benefit_col < len(row) else "")
        benefit = _benefit(label)
        if benefit is None:
            raise InvalidInput(f"Rad {line}, kolumn {header[benefit_col]}: okänd ersättningsform \"{label}\".",
                               {"file": f"rad {line}"})
        for index, (year, half) in halves.items():
            raw = row[index] if index < len(row) else ""
            try:
                value = _number(raw)
            except ValueError:
                raise InvalidInput(f"Rad {line}, kolumn {header[index]}: \"{raw}\" är inget tal.",
                                   {"file": f"rad {line}, kolumn {header[index]}"}) from None
            if value is not None:
                if value < 0:
                    raise InvalidInput(f"Rad {line}, kolumn {header[index]}: talet kan inte vara negativt.",
                                       {"file": f"rad {line}, kolumn {header[index]}"})
                found.append((region, year, half, benefit, value))
    if not found:
        raise InvalidInput("Filen innehåller inga värden.", {"file": "tom"})
    return found


def store(rows: list[tuple[str, int, int, str, float]], *, tenant_id: int, filename: str, by: str) -> int:
    """Replace the stored figures the file covers, all in the caller's transaction."""
    keys = {(r[0], r[1], r[2], r[3]) for r in rows}
    for chunk in _chunks(sorted(keys), 500):
        db.session.execute(delete(Helarsekvivalent).where(
            tuple_(Helarsekvivalent.kommun_code, Helarsekvivalent.year, Helarsekvivalent.half,
                   Helarsekvivalent.benefit).in_(chunk)))
    db.session.add_all(Helarsekvivalent(kommun_code=k, year=y, half=h, benefit=b, value=v) for k, y, h, b, v in rows)
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


@dataclass(frozen=True)
class ShareRow:
    label: str
    year: int
    half: int
    helarsekv: float
    population: float
    share: float | None          # percent of the population 20–64
    previous: float | None       # the same half-year a year earlier
    by_benefit: dict[str, float]

    @property
    def change(self) -> float | None:
        if self.share is None or self.previous is None:
            return None
        return round(self.share - self.previous, 2)

    @property
    def decreased(self) -> bool | None:
        """Seed 000's effect goal: the share has fallen from the year before."""
        return None if self.change is None else self.change < 0


def _load(codes: set[str] | None) -> dict[tuple[str, int, int], dict[str, float]]:
    query = select(Helarsekvivalent)
    if codes is not None:
        query = query.where(Helarsekvivalent.kommun_code.in_(codes))
    data: dict[tuple[str, int, int], dict[str, float]] = {}
    for row in db.session.scalars(query):
        data.setdefault((row.kommun_code, row.year, row.half), {})[row.benefit] = row.value
    return data


def _share(helarsekv: float, population: float) -> float | None:
    return round(helarsekv * 100 / population, 2) if population else None


def _rows_for(label: str, codes: set[str], data) -> list[ShareRow]:
    periods = sorted({(y, h) for (c, y, h) in data if c in codes})
    totals = {}
    for year, half in periods:
        benefits: dict[str, float] = {}
        population = 0.0
        for code in codes:
            values = data.get((code, year, half), {})
            population += values.get(POPULATION, 0.0)
            for key, value in values.items():
                if key != POPULATION:
                    benefits[key] = benefits.get(key, 0.0) + value
        totals[(year, half)] = (sum(benefits.values()), population, benefits)
    rows = []
    for (year, half), (helarsekv, population, benefits) in totals.items():
        before = totals.get((year - 1, half))
        rows.append(ShareRow(label, year, half, round(helarsekv, 1), population, _share(helarsekv, population),
                             _share(before[0], before[1]) if before else None, benefits))
    return rows


def shares(kommuner: dict[str, str]) -> dict[str, list[ShareRow]]:
    """Per kommun, for the förbund (its kommuner together) and for the nation, each half-year."""
    data = _load(set(kommuner) | {RIKET})
    result = {name: _rows_for(name, {code}, data) for code, name in sorted(kommuner.items(), key=lambda kv: kv[1])}
    if kommuner:
        result["Förbundet"] = _rows_for("Förbundet", set(kommuner), data)
    result["Riket"] = _rows_for("Riket", {RIKET}, data)
    return result


def forbund_share_of_year(tenant, year: int) -> float | None:
    """The förbund's share for the year's latest half-year, for its publication (public SCB data)."""
    kommuner = own_kommuner()
    if not kommuner:
        return None
    rows = [r for r in _rows_for("Förbundet", set(kommuner), _load(set(kommuner))) if r.year == year and r.share is not None]
    return max(rows, key=lambda r: r.half).share if rows else None
