"""Importing participant outcomes from a CSV or XLSX file laid out like the national
follow-up exports: one row per insats, period and sex. The whole file is checked
before anything is saved; the first bad row is named with its column."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.insatser.models import OUTCOME_FIELDS, Insats
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.tables import read_rows, shown

# Swedish column headers (as exported) → our field names; matched without case or spaces.
COLUMNS = {
    "insats": "insats", "period": "period", "kön": "sex",
    "deltagare": "participants", "antal deltagare": "participants", "nya": "new", "varav nya": "new",
    "avslutade": "ended", "totalt antal avslutade": "ended", "arbete": "to_work", "till arbete": "to_work",
    "studier": "to_studies", "till studier": "to_studies", "annan behovsanpassad lösning": "to_other_solution",
    "annan lösning": "to_other_solution", "övriga avbrott": "other_dropouts", "kvar": "remaining",
    "antal kvar": "remaining",
}
SEXES = {"kvinnor": "women", "kvinna": "women", "k": "women", "män": "men", "man": "men", "m": "men"}
REQUIRED = ("insats", "period", "sex", *OUTCOME_FIELDS)


# No insats has a million participants in a period; beyond it a count is a slip (or 1e400).
LARGEST_COUNT = 999_999


def count_of(text: str) -> int:
    """A count as an export writes it: "157", "1 057", "157,0" or "157.0" (an XLSX number). An
    empty cell is 0. Raises ValueError for what is no whole number from 0 to LARGEST_COUNT: a
    fraction, a negative number, NaN, infinity, 1e400."""
    value = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not value:
        return 0
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= LARGEST_COUNT:
        raise ValueError(text)
    return int(number)


@dataclass
class ImportResult:
    rows: int
    outcomes: int
    insatser: list[str]


def _header(row: list[str]) -> dict[str, int]:
    found = {}
    for index, title in enumerate(row):
        key = COLUMNS.get(" ".join(title.lower().split()))
        if key and key not in found:
            found[key] = index
    missing = [key for key in REQUIRED if key not in found]
    if missing:
        names = {v: k for k, v in COLUMNS.items()}
        raise InvalidInput("Rad 1 saknar kolumnerna: " + ", ".join(f"\"{names[m].capitalize()}\"" for m in missing) + ".",
                           {"file": "kolumner saknas"})
    return found


def parse_outcomes(content: bytes, filename: str) -> dict[tuple[str, str], dict]:
    """{(insats name, period): {"women": {...}, "men": {...}}}, or InvalidInput naming row and column."""
    rows = [r for r in read_rows(content, filename) if any(r)]
    if not rows:
        raise InvalidInput("Filen är tom.", {"file": "tom"})
    header, parsed = _header(rows[0]), {}
    titles = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        def cell(key):
            index = header[key]
            return row[index] if index < len(row) else ""

        sex = SEXES.get(cell("sex").lower())
        if sex is None:
            raise InvalidInput(f"Rad {number}, kolumn \"{shown(titles[header['sex']])}\": \"{shown(cell('sex'))}\" ska vara "
                               "Kvinnor eller Män.", {f"row{number}.sex": "okänt kön"})
        counts = {}
        for key in OUTCOME_FIELDS:
            try:
                counts[key] = count_of(cell(key))
            except ValueError:
                raise InvalidInput(f"Rad {number}, kolumn \"{shown(titles[header[key]])}\": \"{shown(cell(key))}\" är inte "
                                   "ett heltal från 0 till 999 999.",
                                   {f"row{number}.{key}": "inte ett heltal"}) from None
        key = (cell("insats"), cell("period").upper())
        if sex in parsed.get(key, {}):
            raise InvalidInput(f"Rad {number}: {shown(key[0])} {shown(key[1])} {shown(cell('sex'))} finns redan i filen.",
                               {f"row{number}": "dubblett"})
        parsed.setdefault(key, {})[sex] = (number, counts)
    return parsed


def import_outcomes(content: bytes, filename: str) -> ImportResult:
    """Check every row against its insats and the rules of outcomes, then save them all."""
    parsed = parse_outcomes(content, filename)
    insatser = {i.name: i for i in db.session.scalars(select(Insats))}
    for (name, period), by_sex in parsed.items():
        first_row = min(number for number, _ in by_sex.values())
        if name not in insatser:
            raise InvalidInput(f"Rad {first_row}, kolumn \"Insats\": \"{shown(name)}\" finns inte i registret.",
                               {f"row{first_row}.insats": "okänd insats"})
        missing = {"women", "men"} - set(by_sex)
        if missing:
            raise InvalidInput(f"Rad {first_row}: {name} {period} saknar rad för {'kvinnor' if 'women' in missing else 'män'}.",
                               {f"row{first_row}.sex": "båda könen krävs"})
        try:
            services.record_outcome(insatser[name], period, {sex: counts for sex, (_, counts) in by_sex.items()})
        except InvalidInput as error:
            raise InvalidInput(f"Rad {first_row} ({name} {period}): {error.message}", error.fields) from error
    return ImportResult(rows=sum(len(v) for v in parsed.values()), outcomes=len(parsed),
                        insatser=sorted({name for name, _ in parsed}))
