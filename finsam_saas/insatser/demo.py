"""Demo insatser from the seed papers: Uppsala län's insatser of 2021–2024 with their grants and
spend through 2021-06-30 and the applications waiting (seed 003), and
Umeåregionen's 2017 outcome tables (seed 001 bilaga 1), and Skellefteå–Norsjö's
Arbetsmarknadstorget with its budget 2020–2022 (seed 002, övergripande planering). Idempotent."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.insatser.models import Application, Insats

# Uppsala län's insatser as seed 003 states them: name and period (Tabell 1), the decided money
# per year in tkr (Ekonomisk information 2021-10-21, the budget columns), and the spend and the
# budget for the period through 2021-06-30 in tkr (delårsrapport, Kostnader samverkansinsatser).
# (name, owner, kind, start, end, {year: grant}, spend H1 2021, budget H1 2021)
UPPSALA = [
    ("Enköping, Jobbcentrum - Ung, Jobbcentrum – Rehab", "Enköpings kommun", "individ", "2018-02-01", "2021-12-31",
     {2021: 2020}, 915, 1010),
    ("Håbo, Framsteget", "Håbo kommun", "individ", "2018-01-01", "2021-12-31", {2021: 2460}, 1219, None),
    ("Knivsta, En väg in – flera vägar ut", "Knivsta kommun", "individ", "2018-01-01", "2021-12-31", {2021: 1864}, 633, 932),
    ("Östhammar, Bryggan", "Östhammars kommun", "individ", "2018-03-01", "2023-08-31",
     {2021: 1627, 2022: 1780, 2023: 1187}, 865, 775),
    ("Tierp, Växtverket", "Tierps kommun", "individ", "2019-09-01", "2021-12-31", {2021: 1939}, 784, 970),
    ("Heby, Plattform för individstöd i samverkan", "Heby kommun", "individ", "2021-01-01", "2024-12-31",
     {2021: 2121, 2022: 2161, 2023: 2202, 2024: 2245}, 637, 1061),
    ("Studie REKO Ortopedmottagningen", "Region Uppsala", "struktur", "2019-07-01", "2021-09-30", {2021: 308}, 221, 205),
    # The seed's two Älvkarleby rows: the first period's last months, and the förlängning from April.
    ("Älvkarleby, Lokussamordnare", "Älvkarleby kommun", "struktur", "2018-04-01", "2021-03-31", {2021: 35}, 41, 35),
    ("Älvkarleby, Lokussamordnare, förlängning", "Älvkarleby kommun", "struktur", "2021-04-01", "2023-03-31",
     {2021: 119, 2022: 158, 2023: 40}, 29, 30),
    ("Uppsala, Lokussamordnare", "Uppsala kommun", "struktur", "2020-01-01", "2022-12-31", {2021: 360, 2022: 360}, 185, 180),
    ("Uppsala, Implementering av ”rutin för flerpartssamverkan”", "Uppsala kommun", "struktur", "2020-01-01",
     "2021-12-31", {2021: 1050}, 490, 525),
    ("Nya vägar för samverkan", "Försäkringskassan", "struktur", "2020-10-01", "2021-12-31", {2021: 770}, 281, 385),
    ("Reg.Ex.Pro", "Region Uppsala", "struktur", "2020-10-01", "2023-09-30", {2021: 1417, 2022: 1200, 2023: 1145}, 436, 709),
    ("Uppsala, Digital plattform för stöd i studier och digitaliserad samhällsorientering", "Uppsala kommun",
     "struktur", "2021-01-01", "2022-07-01", {2021: 1317, 2022: 566}, 267, 659),
    ("Älvkarleby, Samverkan-implementering av flerpartsrutin", "Älvkarleby kommun", "struktur", "2021-04-01",
     "2021-12-31", {2021: 355}, 122, 89),
    ("Uppsala, Ung Intro", "Uppsala kommun", "individ", "2018-05-21", "2021-08-31", {2021: 829}, 829, 829),
    # Decided for 2022 (the decision room's 2022 column), starting then.
    ("Håbo, Framsteget 2.0", "Håbo kommun", "individ", "2022-01-01", "2022-12-31", {2022: 3597}, None, None),
    ("Knivsta, En väg in – steget vidare", "Knivsta kommun", "individ", "2022-01-01", "2022-12-31", {2022: 1965}, None, None),
    ("Enköping, Jobbcentrum – Din väg framåt", "Enköpings kommun", "individ", "2022-01-01", "2022-12-31",
     {2022: 2675}, None, None),
    ("Tierp, Ung Framtid", "Tierps kommun", "individ", "2022-01-01", "2022-12-31", {2022: 2803}, None, None),
    ("Uppsala, Arbetslivsintro", "Uppsala kommun", "individ", "2022-01-01", "2022-12-31", {2022: 3375}, None, None),
]

# "Ansökningar som skall uppdateras, ej beviljade" of the decision room, tkr per year [003].
UPPSALA_PENDING = {2023: 13_037, 2024: 5_626}


def _counts(*values: int) -> dict:
    keys = ("participants", "new", "ended", "to_work", "to_studies", "to_other_solution", "other_dropouts", "remaining")
    return dict(zip(keys, values))


# (women, men) per insats, 2017 [001 bilaga 1, tabell 1–7]
UMEA_2017 = [
    ("Ungdomstorget", "individ", "Dnr 8-2014", _counts(157, 57, 65, 15, 16, 12, 22, 92), _counts(179, 63, 92, 40, 14, 17, 21, 87)),
    ("Våga växa", "individ", None, _counts(29, 19, 20, 2, 4, 9, 5, 9), _counts(30, 16, 20, 2, 6, 10, 2, 10)),
    ("Mellansteget", "individ", None, _counts(9, 3, 6, 0, 0, 6, 0, 3), _counts(12, 5, 7, 2, 0, 5, 0, 5)),
    ("Hikikomori", "individ", None, _counts(14, 6, 7, 1, 3, 3, 0, 7), _counts(19, 8, 5, 0, 3, 2, 0, 14)),
    ("Steget vidare", "individ", None, _counts(72, 9, 23, 8, 1, 14, 0, 49), _counts(49, 7, 15, 5, 3, 7, 0, 34)),
    ("Vuxentorget", "individ", None, _counts(86, 86, 0, 0, 0, 0, 0, 86), _counts(116, 116, 0, 0, 0, 0, 0, 116)),
    ("Samverkan i Vindeln (BEAS)", "individ", None, _counts(13, 11, 4, 2, 0, 1, 1, 9), _counts(16, 14, 6, 2, 1, 1, 2, 10)),
]


def _exists(name: str) -> bool:
    return db.session.scalar(select(Insats.id).where(Insats.name == name)) is not None


def load_uppsala() -> None:
    for name, owner, kind, start, end, grants, spend, budget in UPPSALA:
        if _exists(name):
            continue
        insats = services.create_insats(name=name, owner=owner, kind=kind, start=date.fromisoformat(start),
                                        end=date.fromisoformat(end),
                                        grants={str(year): tkr * 1000 for year, tkr in grants.items()})
        if spend is not None:
            services.report_spend(insats, 2021, through=date(2021, 6, 30), amount=spend * 1000,
                                  budget=budget * 1000 if budget is not None else None)
            # What was spent was requisitioned, up to the grant, with the delårsrapport's day: the
            # requisitions were made then, not the day the demo is loaded.
            services.requisition(insats, year=2021, amount=min(spend, grants[2021]) * 1000,
                                 requisitioned_on=date(2021, 6, 30))
    title = "Ansökningar som ska uppdateras, ej beviljade"
    if db.session.scalar(select(Application.id).where(Application.title == title)) is None:
        services.create_application(title=title, applicant="Flera parter",
                                    amounts={str(year): tkr * 1000 for year, tkr in UPPSALA_PENDING.items()})


# The grants 2021 of the insatser that are lines of Umeåregionen's budget 2021 (seed 000, as the
# economy's demo UMEA_LINES has them: Ungdomstorget 3 200 tkr, Vuxentorget 2 625 tkr), in kronor.
# The decision room counts such an insats once, at its grant. (Stated here: insatser does not
# import economy.)
UMEA_GRANTS_2021 = {"Ungdomstorget": 3_200_000, "Vuxentorget": 2_625_000}


def load_umearegionen() -> None:
    for name, kind, dnr, women, men in UMEA_2017:
        insats = db.session.scalar(select(Insats).where(Insats.name == name))
        if insats is None:
            insats = services.create_insats(name=name, owner="Umeå kommun", kind=kind, start=date(2017, 1, 1),
                                            end=date(2021, 12, 31),
                                            diarienummer=dnr.removeprefix("Dnr ") if dnr else None)
            services.record_outcome(insats, "2017", {"women": women, "men": men})
        # A demo loaded before the grants were stated gets them too; a grant already there stays.
        if name in UMEA_GRANTS_2021 and not any(g.year == 2021 for g in insats.grants):
            services.set_grant(insats, 2021, UMEA_GRANTS_2021[name])


def load_skelleftea() -> None:
    # "Arbetsmarknadstorget 2145 1900 1800 3 355 3 355 3 355" tkr, budget 2020 and plan 2021–2022 [002]
    if not _exists("Arbetsmarknadstorget"):
        services.create_insats(name="Arbetsmarknadstorget", owner="Skellefteå kommun", kind="individ",
                               start=date(2020, 1, 1), end=date(2022, 12, 31),
                               grants={"2020": 3_355_000, "2021": 3_355_000, "2022": 3_355_000})


LOADERS = {"uppsala-lan": load_uppsala, "umearegionen": load_umearegionen, "skelleftea-norsjo": load_skelleftea}
