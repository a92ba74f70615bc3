"""The demo's published figures and the seed 004 project; the comparison page's queries
do not grow with the number of förbund and years published."""
from sqlalchemy import select

from finsam_saas.analysis.models import Figure, Project, Publication
from finsam_saas.extensions import db
from finsam_saas.platform.models import Tenant, utcnow

from support import counted_queries, login


def test_demo_publishes_for_the_three_forbund_and_brings_the_project(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # idempotent
    with app.app_context():
        published = {(p.tenant.slug, p.period) for p in db.session.scalars(
            select(Publication).where(Publication.withdrawn_at.is_(None)))}
        assert published == {("umearegionen", "2017"), ("uppsala-lan", "2021"), ("skelleftea-norsjo", "2020")}
        project = db.session.scalar(select(Project))
        assert project.owner.slug == "skelleftea-norsjo" and project.external_funding == 3_554_334
        assert len(project.partners) == 7
        umea = next(p for p in project.partners if p.name == "Samordningsförbundet Umeåregionen")
        assert [(p.year, p.cash) for p in umea.pledges] == [(2024, 150_000), (2025, 150_000)]
        # The five förbund's work in kind adds up to seed 004's 2 383 490 kr (less the öre of the split).
        in_kind = sum(p.in_kind for partner in project.partners for p in partner.pledges)
        assert 2_383_480 <= in_kind <= 2_383_490
    client = app.test_client()
    client.post("/logga-in", data={"email": "kansli@umearegionen.demo", "password": "demo-losen-2026"})
    page = client.get("/t/umearegionen/analys/?matt=andel_arbete_studier&ar=2017").get_data(as_text=True)
    assert "48,1 %" in page  # (79 + 51) of 270 ended in 2017 [001]


def _publish_many(app, first: int, forbund: int, years: int) -> None:
    with app.app_context():
        for n in range(first, first + forbund):
            tenant = Tenant(slug=f"bench-{n:02d}", name=f"Samordningsförbundet Bänk {n:02d}", short_name=f"Bänk {n:02d}",
                            kind="forbund", settings={})
            db.session.add(tenant)
            db.session.flush()
            for year in range(2012, 2012 + years):
                db.session.add(Publication(tenant_id=tenant.id, period=str(year), published_by="bench", published_at=utcnow(),
                                           figures=[Figure(measure="andel_arbete_studier", dimension="alla", value=30 + n % 20),
                                                    Figure(measure="deltagare", dimension="alla", value=100 + n)]))
        db.session.commit()


def _queries(app) -> list[int]:
    client = app.test_client()
    login(client, "kansli.a@test.se")
    counts = []
    for path in ("/t/umearegionen/analys/?matt=andel_arbete_studier&ar=2020",
                 "/t/umearegionen/analys/over-aren?matt=andel_arbete_studier"):
        client.get(path)
        with counted_queries(app) as statements:
            assert client.get(path).status_code == 200
        counts.append(len(statements))
    return counts


def test_comparison_queries_do_not_grow_with_forbund_and_years(app):
    _publish_many(app, 0, 3, 2)
    few = _queries(app)
    _publish_many(app, 3, 40, 9)
    assert _queries(app) == few
