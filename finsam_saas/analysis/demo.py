"""Demo analysis: each förbund publishes what its demo data holds (Umeåregionen its 2017
outcomes, Uppsala län its 2021 grants and spend, Skellefteå–Norsjö its 2020 grants),
and the joint ESF analysis project of seed 004 with its partners and pledges. Idempotent."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from finsam_saas.analysis import projects, publishing
from finsam_saas.analysis.models import Project
from finsam_saas.extensions import db
from finsam_saas.platform.models import Tenant

PUBLISH = {"umearegionen": 2017, "uppsala-lan": 2021, "skelleftea-norsjo": 2020}

# Seed 004, bilaga 1 (budgetskiss): 5 454 334 kr from the social fund, of which 3 554 334 kr ESF;
# each of the five förbund 300 000 kr in cash (150 tkr a year, 2024 and 2025), regions 1:1-medel,
# and 2 383 490 kr in kind as logged hours, a fifth per förbund over the two years.
PROJECT = "Lokala analyser i övre Norrland (ESF)"
PARTNERS = ["Samordningsförbundet Södra Lappland", "Samordningsförbundet Södra Norrbotten",
            "Samordningsförbundet Örnsköldsvik", "Region Västerbotten", "Region Norrbotten"]
IN_KIND_PER_FORBUND_YEAR = 2_383_490 // 10
REGION_CASH = {"Region Västerbotten": 300_000, "Region Norrbotten": 100_000}


def _publish(tenant: Tenant) -> None:
    year = PUBLISH.get(tenant.slug)
    if year is None or publishing.active_publications(tenant.id, str(year)):
        return
    publishing.publish(tenant, year, by="demo")


def _project(owner: Tenant, tenants: dict[str, Tenant]) -> None:
    if db.session.scalar(select(Project.id).where(Project.name == PROJECT)) is not None:
        return
    project = projects.create_project(owner, name=PROJECT, start=date(2024, 1, 1), end=date(2025, 12, 31),
                                      budget=5_454_334, external_funding=3_554_334,
                                      description="Öka kapaciteten för lokala analyser i den glesa geografin i övre "
                                                  "Norrland, och ett gemensamt socialt bokslut.")
    projects.add_partner(project, name="", tenant=tenants["umearegionen"])
    for name in PARTNERS:
        projects.add_partner(project, name=name)
    for partner in project.partners:
        for year in (2024, 2025):
            if partner.name in REGION_CASH:
                projects.pledge(project, partner, year=year, cash=REGION_CASH[partner.name] // 2, in_kind=0)
            else:
                projects.pledge(project, partner, year=year, cash=150_000, in_kind=IN_KIND_PER_FORBUND_YEAR)


def _loader(slug: str):
    def load() -> None:
        tenants = {t.slug: t for t in db.session.scalars(select(Tenant))}
        _publish(tenants[slug])
        if slug == "skelleftea-norsjo":
            _project(tenants[slug], tenants)
        db.session.flush()
    return load


LOADERS = {slug: _loader(slug) for slug in PUBLISH}
