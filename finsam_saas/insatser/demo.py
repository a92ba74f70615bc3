"""Demo insatser from the seed papers: Uppsala län's 15 insatser of 2021 with grants and
spend through 2021-06-30 (seed 003 tables 1 and 4, ekonomisk information), and
Umeåregionen's 2017 outcome tables (seed 001 bilaga 1), and Skellefteå–Norsjö's
Arbetsmarknadstorget with its budget 2020–2022 (seed 002, övergripande planering). Idempotent."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.insatser.models import Insats

# name, owner, kind, start, end, grant 2021 (kr), spend through 2021-06-30 (kr), budget for H1 (kr)
UPPSALA_2021 = [
    ("Enköping, Jobbcentrum - Ung, Jobbcentrum – Rehab", "Enköpings kommun", "individ", "2018-02-01", "2021-12-31", 2_020_000, 915_000, None),
    ("Håbo, Framsteget", "Håbo kommun", "individ", "2018-01-01", "2021-12-31", 2_460_000, 1_219_000, None),
    ("Knivsta, En väg in – flera vägar ut", "Knivsta kommun", "individ", "2018-01-01", "2021-12-31", 1_455_000, 633_000, None),
    ("Östhammar, Bryggan", "Östhammars kommun", "individ", "2018-03-01", "2023-08-31", 1_627_000, 865_000, 775_000),
    ("Tierp, Växtverket", "Tierps kommun", "individ", "2019-09-01", "2021-12-31", 0, None, None),
    ("Heby, Plattform för individstöd i samverkan", "Heby kommun", "individ", "2021-01-01", "2024-12-31", 0, None, None),
    ("Studie REKO Ortopedmottagningen", "Region Uppsala", "struktur", "2019-07-01", "2021-09-30", 0, None, None),
    ("Älvkarleby, Lokussamordnare", "Älvkarleby kommun", "struktur", "2018-04-01", "2023-03-31", 119_000, 29_000, None),
    ("Uppsala, Lokussamordnare", "Uppsala kommun", "struktur", "2020-01-01", "2022-12-31", 0, None, None),
    ("Uppsala, Implementering av ”rutin för flerpartssamverkan”", "Uppsala kommun", "struktur", "2020-01-01", "2021-12-31", 0, None, None),
    ("Nya vägar för samverkan", "Försäkringskassan", "struktur", "2020-10-01", "2021-12-31", 0, None, None),
    ("Reg.Ex.Pro", "Region Uppsala", "struktur", "2020-10-01", "2023-09-30", 0, None, None),
    ("Uppsala, Digital plattform för stöd i studier och digitaliserad samhällsorientering", "Uppsala kommun", "struktur", "2021-01-01", "2022-07-01", 0, None, None),
    ("Älvkarleby, Samverkan-implementering av flerpartsrutin", "Älvkarleby kommun", "struktur", "2021-04-01", "2021-12-31", 0, None, None),
    ("Uppsala, Ung Intro", "Uppsala kommun", "individ", "2018-05-21", "2021-08-31", 0, 829_000, 829_000),
]


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
    for name, owner, kind, start, end, grant, spend, budget in UPPSALA_2021:
        if _exists(name):
            continue
        insats = services.create_insats(name=name, owner=owner, kind=kind, start=date.fromisoformat(start),
                                        end=date.fromisoformat(end), grants={"2021": grant} if grant else {})
        if spend is not None:
            services.report_spend(insats, 2021, through=date(2021, 6, 30), amount=spend, budget=budget)


def load_umearegionen() -> None:
    for name, kind, dnr, women, men in UMEA_2017:
        if _exists(name):
            continue
        insats = services.create_insats(name=name, owner="Umeå kommun", kind=kind, start=date(2017, 1, 1),
                                        end=date(2021, 12, 31), diarienummer=dnr.removeprefix("Dnr ") if dnr else None)
        services.record_outcome(insats, "2017", {"women": women, "men": men})


def load_skelleftea() -> None:
    # "Arbetsmarknadstorget 2145 1900 1800 3 355 3 355 3 355" tkr, budget 2020 and plan 2021–2022 [002]
    if not _exists("Arbetsmarknadstorget"):
        services.create_insats(name="Arbetsmarknadstorget", owner="Skellefteå kommun", kind="individ",
                               start=date(2020, 1, 1), end=date(2022, 12, 31),
                               grants={"2020": 3_355_000, "2021": 3_355_000, "2022": 3_355_000})


LOADERS = {"uppsala-lan": load_uppsala, "umearegionen": load_umearegionen, "skelleftea-norsjo": load_skelleftea}
