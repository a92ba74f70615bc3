"""SCB's helårsekvivalenter: the import in SCB's layout (Swedish headers, decimal commas),
refused whole on bad input, and each kommun's, the förbund's and the nation's share
of the population 20–64 with its change from the year before. SCB's ".." and an empty
cell are missing, never 0: no share and no verdict, and the förbund's figure names the
kommuner it lacks."""
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from finsam_saas.analysis import helars
from finsam_saas.analysis.models import Helarsekvivalent
from finsam_saas.extensions import db
from finsam_saas.platform.models import Job
from finsam_saas.platform.rules import InvalidInput

from support import TENANT_A, TENANT_B, in_tenant, login

SAMPLE = Path(__file__).parent / "data" / "helarsekvivalenter.csv"
# Umeå complete ("-" is SCB's noll); Vännäs ".." and Nordmaling an empty cell in 2020H1; the
# förbund's other kommuner (Vindeln, Robertsfors, Bjurholm) not in the file at all.
GAPS = Path(__file__).parent / "data" / "helarsekvivalenter_luckor.csv"


def _rows(shares, name):
    return {(r.year, r.half): r for r in shares[name]}


def _import(app, path, slug=TENANT_A):
    rows = helars.parse(path.name, path.read_bytes(), today=date(2026, 11, 25))
    with in_tenant(app, slug) as tenant:
        helars.store(rows, tenant_id=tenant.id, filename=path.name, by="kansli@test.se")
        db.session.commit()
    return rows


def _shares(app, slug=TENANT_A):
    with in_tenant(app, slug):
        return helars.shares(helars.own_kommuner())


def test_share_and_change_per_kommun_forbund_and_nation(app):
    rows = _import(app, SAMPLE)
    assert ("2460", 2019, 1, "etableringsersattning", None) in rows  # ".." = not given, kept as missing
    shares = _shares(app)
    umea = _rows(shares, "Umeå")[(2020, 1)]
    assert umea.helarsekv == 4620.0 and umea.population == 75500
    assert umea.share == 6.12 and umea.previous == 5.61 and umea.change == 0.51 and umea.decreased is False
    # Vännäs: etableringsersättning is ".." every half-year, so Vännäs has no share and no verdict.
    vannas = _rows(shares, "Vännäs")[(2020, 1)]
    assert (vannas.share, vannas.previous, vannas.change, vannas.decreased) == (None, None, None, None)
    assert vannas.lacking[0].what == ("Etableringsersättning",)
    # The förbund's figure covers Umeå only, and says so.
    forbund = _rows(shares, "Förbundet")[(2020, 1)]
    assert (forbund.share, forbund.previous) == (6.12, 5.61)
    assert [g.text for g in forbund.lacking] == [
        "Bjurholm (inga uppgifter)", "Nordmaling (inga uppgifter)", "Robertsfors (inga uppgifter)",
        "Vindeln (inga uppgifter)", "Vännäs (etableringsersättning saknas)"]
    nation = _rows(shares, "Riket")[(2020, 1)]
    assert (nation.share, nation.previous, nation.change) == (6.29, 5.1, 1.19)
    assert _rows(shares, "Umeå")[(2019, 1)].change is None  # no year before in the file


def test_missing_values_give_no_share_and_no_verdict(app):
    _import(app, GAPS)
    shares = _shares(app)
    umea = _rows(shares, "Umeå")
    assert (umea[(2019, 1)].share, umea[(2020, 1)].share) == (2.0, 1.99)  # 1 500 of 75 000, 1 500 of 75 500
    assert umea[(2020, 1)].decreased is True and umea[(2020, 1)].complete
    # Vännäs 2020H1: ekonomiskt bistånd "..". Read as 0 it was 90 of 4 790 = 1,88 % and "har minskat".
    vannas = _rows(shares, "Vännäs")
    assert vannas[(2019, 1)].share == 2.92
    gap = vannas[(2020, 1)]
    assert (gap.share, gap.helarsekv, gap.change, gap.decreased) == (None, None, None, None)
    assert gap.population == 4790 and gap.by_benefit == {"sjukpenning": 90.0}
    assert gap.lacking[0].text == "Vännäs (ekonomiskt bistånd saknas)"
    # Nordmaling 2020H1: an empty cell is missing too.
    assert _rows(shares, "Nordmaling")[(2020, 1)].share is None
    assert _rows(shares, "Nordmaling")[(2019, 1)].share == 2.5
    # Kommuner not in the file: a row per half-year that says so, never a share.
    bjurholm = _rows(shares, "Bjurholm")
    assert set(bjurholm) == {(2019, 1), (2020, 1)} and all(r.share is None and r.lacking for r in bjurholm.values())
    forbund = _rows(shares, "Förbundet")
    # 2019H1: Umeå, Vännäs and Nordmaling: 1 740 of 83 800 = 2,076… %; three kommuner lacking.
    assert forbund[(2019, 1)].share == 2.08 and forbund[(2019, 1)].helarsekv == 1740.0
    assert [g.name for g in forbund[(2019, 1)].lacking] == ["Bjurholm", "Robertsfors", "Vindeln"]
    # 2020H1: only Umeå is complete; compared with Umeå alone the year before, like with like.
    latest = forbund[(2020, 1)]
    assert (latest.share, latest.previous, latest.change, latest.decreased) == (1.99, 2.0, -0.01, True)
    assert [g.text for g in latest.lacking] == [
        "Bjurholm (inga uppgifter)", "Nordmaling (sjukpenning och rehabiliteringspenning saknas)",
        "Robertsfors (inga uppgifter)", "Vindeln (inga uppgifter)", "Vännäs (ekonomiskt bistånd saknas)"]


def test_shares_round_half_up_at_the_half(app):
    _import(app, GAPS)
    nation = _rows(_shares(app), "Riket")
    # 362 600 of 5 920 000 is exactly 6,125 %: half up gives 6,13 (round() gave 6,12).
    assert nation[(2020, 1)].share == 6.13
    # 362 000 of 5 900 000 = 6,1355… %: 6,14, so the change is −0,01 and the share has fallen.
    assert (nation[(2019, 1)].share, nation[(2020, 1)].change, nation[(2020, 1)].decreased) == (6.14, -0.01, True)


def test_a_later_file_with_dots_replaces_a_figure_with_missing(app):
    _import(app, SAMPLE)
    content = ('"region";"ersättningsform";"2020H1"\n"2480 Umeå";"Ekonomiskt bistånd";".."\n').encode()
    rows = helars.parse("scb.csv", content + '"2480 Umeå";"Sjukpenning";"1"\n'.encode(), today=date(2026, 11, 25))
    with in_tenant(app, TENANT_A) as tenant:
        helars.store(rows, tenant_id=tenant.id, filename="scb.csv", by="kansli@test.se")
        db.session.commit()
    umea = _rows(_shares(app), "Umeå")[(2020, 1)]
    assert umea.share is None and umea.lacking[0].what == ("Ekonomiskt bistånd",)


def test_only_a_complete_forbund_share_is_published(app):
    complete = ('"region";"ersättningsform";"2021H1";"2021H2"\n'
                '"2482 Skellefteå";"Ekonomiskt bistånd";"1 000";"1 000"\n'
                '"2482 Skellefteå";"Befolkning 20-64 år";"40 000";"40 000"\n'
                '"2417 Norsjö";"Ekonomiskt bistånd";"50";".."\n'
                '"2417 Norsjö";"Befolkning 20-64 år";"2 000";"2 000"\n').encode()
    rows = helars.parse("scb.csv", complete, today=date(2026, 11, 25))
    with in_tenant(app, TENANT_B) as tenant:
        helars.store(rows, tenant_id=tenant.id, filename="scb.csv", by="kansli.b@test.se")
        # 2021H2 lacks Norsjö: the year's figure is 2021H1's, 1 050 of 42 000 = 2,5 %.
        assert helars.forbund_share_of_year(tenant, 2021) == 2.5
        db.session.rollback()
    only_gap = complete.replace(b'"50";".."', b'"..";".."')
    rows = helars.parse("scb.csv", only_gap, today=date(2026, 11, 25))
    with in_tenant(app, TENANT_B) as tenant:
        helars.store(rows, tenant_id=tenant.id, filename="scb.csv", by="kansli.b@test.se")
        assert helars.forbund_share_of_year(tenant, 2021) is None  # never a share of Skellefteå alone


def test_a_file_of_only_dots_is_refused(app):
    content = '"region";"ersättningsform";"2020H1"\n"2480 Umeå";"Sjukpenning";".."\n'.encode()
    with pytest.raises(InvalidInput) as refused:
        helars.parse("scb.csv", content, today=date(2026, 11, 25))
    assert "inga värden" in refused.value.message


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
    assert "+0,51 procentenheter" in page and "Riket" in page and "4 620,0" in page
    # Vännäs lacks etableringsersättning: no share, no verdict; the förbund's figure names it.
    assert "Andelen har minskat" not in page and "Uppgift saknas" in page
    assert "Gäller inte Bjurholm (inga uppgifter)" in page and "Vännäs (etableringsersättning saknas)" in page


def test_the_page_shows_no_verdict_for_a_kommun_without_data(app):
    _import(app, GAPS)
    client = app.test_client()
    login(client, "kansli.a@test.se")
    page = client.get("/t/umearegionen/analys/helarsekvivalenter").get_data(as_text=True)
    vannas = page[page.index("<caption>Vännäs</caption>"):]
    vannas = vannas[:vannas.index("</table>")]
    row_2020 = vannas[vannas.index("2020H1"):]
    assert "Uppgift saknas" in row_2020 and "Andelen har" not in row_2020 and "Ekonomiskt bistånd" in row_2020
