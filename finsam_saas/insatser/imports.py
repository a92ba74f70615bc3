"""Importing participant outcomes from a CSV or XLSX file laid out like the national
follow-up exports: one row per insats, period and sex. The whole file is checked
before anything is saved; the first bad row is named with its column."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.insatser.models import OUTCOME_FIELDS, Insats
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.tables import read_rows

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
            raise InvalidInput(f"Rad {number}, kolumn \"{titles[header['sex']]}\": \"{cell('sex')}\" ska vara Kvinnor eller Män.",
                               {f"row{number}.sex": "okänt kön"})
        counts = {}
        for key in OUTCOME_FIELDS:
            value = cell(key).replace(" ", "").replace("\u00a0", "")
            try:
                counts[key] = int(float(value.replace(",", "."))) if value else 0
                if value and float(value.replace(",", ".")) != counts[key]:
                    raise ValueError
            except ValueError:
                raise InvalidInput(f"Rad {number}, kolumn \"{titles[header[key]]}\": \"{cell(key)}\" är inte ett heltal.",
                                   {f"row{number}.{key}": "inte ett heltal"})
        key = (cell("insats"), cell("period").upper())
        if sex in parsed.get(key, {}):
            raise InvalidInput(f"Rad {number}: {key[0]} {key[1]} {cell('sex')} finns redan i filen.",
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
            raise InvalidInput(f"Rad {first_row}, kolumn \"Insats\": \"{name}\" finns inte i registret.",
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
