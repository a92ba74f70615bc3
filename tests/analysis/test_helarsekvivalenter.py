"""SCB's helårsekvivalenter: the import in SCB's layout (Swedish headers, decimal commas),
refused whole on bad input, and each kommun's, the förbund's and the nation's share
of the population 20–64 with its change from the year before."""
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from finsam_saas.analysis import helars
from finsam_saas.analysis.models import Helarsekvivalent
from finsam_saas.extensions import db
from finsam_saas.platform.models import Job
from finsam_saas.platform.rules import InvalidInput

from support import TENANT_A, in_tenant, login

SAMPLE = Path(__file__).parent / "data" / "helarsekvivalenter.csv"


def _rows(shares, name):
    return {(r.year, r.half): r for r in shares[name]}


def test_share_and_change_per_kommun_forbund_and_nation(app):
    rows = helars.parse(SAMPLE.name, SAMPLE.read_bytes(), today=date(2026, 11, 25))
    assert ("2460", 2019, 1, "etableringsersattning") not in {r[:4] for r in rows}  # ".." = not given
    with in_tenant(app, TENANT_A) as tenant:
        helars.store(rows, tenant_id=tenant.id, filename=SAMPLE.name, by="kansli.a@test.se")
        shares = helars.shares(helars.own_kommuner())
    umea = _rows(shares, "Umeå")[(2020, 1)]
    assert umea.helarsekv == 4620.0 and umea.population == 75500
    assert umea.share == 6.12 and umea.previous == 5.61 and umea.change == 0.51 and umea.decreased is False
    vannas = _rows(shares, "Vännäs")[(2020, 1)]
    assert (vannas.share, vannas.previous, vannas.change, vannas.decreased) == (3.03, 3.33, -0.3, True)
    forbund = _rows(shares, "Förbundet")[(2020, 1)]
    assert (forbund.share, forbund.previous) == (5.93, 5.48)  # Umeå and Vännäs together: 4 765 of 80 290
    nation = _rows(shares, "Riket")[(2020, 1)]
    assert (nation.share, nation.previous, nation.change) == (6.29, 5.1, 1.19)
    assert _rows(shares, "Umeå")[(2019, 1)].change is None  # no year before in the file


@pytest.mark.parametrize("line, expected", [
    ('"9999 Atlantis";"Ekonomiskt bistånd";"1";"2";"3"', "Rad 3, kolumn region: okänd kommunkod \"9999 Atlantis\""),
    ('"2480 Umeå";"Ekonomiskt bistånd";"1";"två";"3"', "Rad 3, kolumn 2019H2: \"två\" är inget tal"),
    ('"2480 Umeå";"Glädjepeng";"1";"2";"3"', "Rad 3, kolumn ersättningsform: okänd ersättningsform"),
])
def test_a_bad_row_refuses_the_whole_file(app, line, expected):
    good = '"2480 Umeå";"Sjukpenning";"1 000,5";"2,5";"3"'
    content = f'"region";"ersättningsform";"2019H1";"2019H2";"2020H1"\n{good}\n{line}\n'.encode()
    with pytest.raises(InvalidInput) as refused:
        helars.parse("scb.csv", content, today=date(2026, 11, 25))
    assert expected in refused.value.message


def test_a_half_year_out_of_range_is_refused(app):
    for header in ("2020H3", "1989H1", "2031H1"):
        content = f'"region";"ersättningsform";"{header}"\n"2480 Umeå";"Sjukpenning";"1"\n'.encode()
        with pytest.raises(InvalidInput) as refused:
            helars.parse("scb.csv", content, today=date(2026, 11, 25))
        assert header in refused.value.message


def test_import_through_the_page_is_a_job_and_all_or_nothing(app):
    client = app.test_client()
    login(client, "kansli.a@test.se")
    bad = SAMPLE.read_text(encoding="utf-8") + '"2480 Umeå";"Sjukpenning";"x";"1";"1"\n'
    client.post("/t/umearegionen/analys/helarsekvivalenter",
                data={"file": (__import__("io").BytesIO(bad.encode()), "scb.csv")}, content_type="multipart/form-data")
    with in_tenant(app, TENANT_A):
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert job.state == "failed" and "Rad 13, kolumn 2019H1" in job.error
        assert db.session.scalar(select(func.count(Helarsekvivalent.id))) == 0  # nothing half-written
    client.post("/t/umearegionen/analys/helarsekvivalenter",
                data={"file": (SAMPLE.open("rb"), "helarsekvivalenter.csv")}, content_type="multipart/form-data")
    page = client.get("/t/umearegionen/analys/helarsekvivalenter").get_data(as_text=True)
    assert "Andelen har minskat" in page and "+0,51 procentenheter" in page and "Riket" in page
