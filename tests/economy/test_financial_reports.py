"""Delårsrapport and årsredovisning: key figures computed, PDF/A rendered as a job."""
import html
import io
import re

import pytest
from pypdf import PdfReader

from finsam_saas.economy import reports
from finsam_saas.platform.rules import InvalidInput

from support import TENANT_A, in_tenant

A = f"/t/{TENANT_A}"


def test_key_figures():
    assert reports.soliditet(4_142_000, 10_400_000) == 39.8
    assert reports.kassalikviditet(10_106_000, 6_052_267) == 167.0
    assert reports.soliditet(1, 0) is None


def test_impossible_balance_is_refused(app):
    with in_tenant(app, TENANT_A):
        with pytest.raises(InvalidInput, match="Omsättningstillgångarna"):
            reports.save_report(year=2017, kind="helar", income=1, costs=1, equity=1, total_assets=10,
                                current_assets=11, short_term_liabilities=1)


def test_annual_report_pdf_a_with_figures(client_a):
    answer = client_a.post(f"{A}/ekonomi/rapporter", data={
        "kind": "helar", "year": "2017", "income": "12 543 000", "costs": "11 676 000", "equity": "4 142 000",
        "total_assets": "10 400 000", "current_assets": "10 106 000", "short_term_liabilities": "6 052 267"},
        follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "Klart" in page, page
    link = re.search(r'href="(/t/umearegionen/jobb/\d+/fil)"', page).group(1)
    reader = PdfReader(io.BytesIO(client_a.get(link).data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Årsredovisning 2017" in text and "867 tkr" in text and "39,8 %" in text and "167,0 %" in text
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    listing = html.unescape(client_a.get(f"{A}/ekonomi/rapporter").get_data(as_text=True))
    assert "Årsredovisning 2017" in listing and "39,8 %" in listing


# --- built from the bookkeeping (SIE 4) -------------------------------------------------------

from datetime import date  # noqa: E402

from sqlalchemy import select  # noqa: E402

from finsam_saas.extensions import db  # noqa: E402

from support import TENANT_B, login  # noqa: E402
from test_bookkeeping import text_of, upload  # noqa: E402
from test_sie import uppsala_sie  # noqa: E402


def _uppsala_year(app):
    """Seed 003's 2021: the budget lines of the report's driftsredovisning, two insatser (one with a
    budget line, one with a grant only), the plan naming their accounts, and the delårsrapport of
    2020 (2020-06-30) typed by hand, since that year has no SIE file here."""
    from finsam_saas.economy import bookkeeping, services
    from finsam_saas.insatser import services as insatser

    with in_tenant(app, TENANT_A):
        services.put_budget(2021, [
            {"section": "income", "name": "Medlemsavgifter", "amount": 23_090_000},
            {"section": "board", "name": "Arvoden till förtroendevalda", "amount": 800_000},
            {"section": "administration", "name": "Kansli, personal", "amount": 4_956_000},
            {"section": "administration", "name": "Kansli, lokaler och övrigt", "amount": 944_000},
            {"section": "insatser", "name": "Framsteget, Håbo", "amount": 2_460_000},
        ], equity_start=6_123_972)
        insatser.create_insats(name="Framsteget, Håbo", owner="Håbo kommun", kind="individ", start=date(2021, 1, 1),
                               end=date(2021, 12, 31), grants={"2021": 2_000_000})
        insatser.create_insats(name="Bryggan, Östhammar", owner="Östhammars kommun", kind="individ",
                               start=date(2021, 1, 1), end=date(2021, 12, 31), grants={"2021": 1_550_000})
        bookkeeping.save_plan([*bookkeeping.DEFAULT_PLAN,
                               bookkeeping.Rule("4510", "4510", "insatser", "Framsteget, Håbo"),
                               bookkeeping.Rule("4530", "4530", "insatser", "Bryggan, Östhammar")])
        reports.save_report(year=2020, kind="delar", income=11_000_000, costs=12_601_601, equity=5_582_076,
                            total_assets=16_321_466, current_assets=16_301_762, short_term_liabilities=10_739_390,
                            period_end=date(2020, 6, 30))
        # An årsredovisning is no delårsrapport: it stays out of the delårsrapport's overview.
        reports.save_report(year=2020, kind="helar", income=22_000_000, costs=23_059_705, equity=6_123_972,
                            total_assets=11_471_299, current_assets=11_460_732, short_term_liabilities=5_347_327)
        db.session.commit()


def _pdf_text(client, page) -> str:
    link = re.search(r'href="(/t/umearegionen/jobb/\d+/fil)"', page).group(1)
    reader = PdfReader(io.BytesIO(client.get(link).data))
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_a_sie_file_of_the_year_gives_the_delarsrapport_pdf_with_no_typed_totals(any_app):
    from finsam_saas.economy.models import BookkeepingImport, FinancialReport

    client = any_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    _uppsala_year(any_app)
    assert "Klart" in upload(client, uppsala_sie())
    with in_tenant(any_app, TENANT_A):
        import_id = db.session.scalar(select(BookkeepingImport.id))
    answer = client.post(f"{A}/ekonomi/rapporter", data={"import_id": str(import_id), "kind": "delar"}, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "Klart" in page, page
    text = _pdf_text(client, page)
    assert "Delårsrapport 2021" in text and "Perioden 2021-01-01–2021-06-30" in text
    # The four-year overview, newest first as seed 003 prints it, with the hand-typed 2020 delår.
    assert "2021-06-30 2020-06-30 2019 2018" in text
    assert "Intäkter 11 545 11 000" in text and "Kostnader -10 763 -12 602" in text and "Resultat 782 -1 602" in text
    assert "Eget kapital 6 906 5 582" in text
    assert "Soliditet 38,6 % 34,2 %" in text and "Kassalikviditet 162,9 % 151,8 %" in text
    # Resultat- och balansräkning from the file's verifications through 2021-06-30.
    assert "Summa verksamhetens intäkter 11 545" in text and "Periodens resultat 782" in text
    assert "Summa tillgångar 17 874 11 471" in text and "Summa kortfristiga skulder 10 968 5 347" in text
    # Budget (the year's, and six twelfths of it) against the outcome per line and per insats.
    assert "Medlemsavgifter 23 090 11 545 11 545 0" in text
    assert "Kansli, personal 4 956 2 478 2 293 -185" in text
    assert "Plusgirokonto 12 009 3 545" in text  # a balance account under its own name
    assert "Bunden reservfond 1 000 1 000" in text and "Redovisat resultat fg år -1 060 -1 060" in text
    assert "Framsteget, Håbo 2 460 1 230 1 219 99 %" in text   # seed 003: 1 219 of 1 230 = 99 %
    assert "Bryggan, Östhammar 1 550 775 865 112 %" in text    # no budget line: its grant; 865 of 775 = 112 %
    with in_tenant(any_app, TENANT_A):
        row = db.session.scalar(select(FinancialReport).where(FinancialReport.year == 2021))
        assert (row.source, row.period_end, row.income, row.costs, row.equity) == (
            "sie", date(2021, 6, 30), 11_545_002, 10_762_622, 6_906_352)
    # Figures typed by hand for a year whose bookkeeping is imported are refused: one set of figures a year.
    typed = client.post(f"{A}/ekonomi/rapporter", data={
        "kind": "delar", "year": "2021", "income": "1", "costs": "1", "equity": "1", "total_assets": "1",
        "current_assets": "1", "short_term_liabilities": "1"}, follow_redirects=True)
    assert "Bokföringen för 2021 är inläst från SIE" in text_of(typed)
    listing = text_of(client.get(f"{A}/ekonomi/rapporter"))
    assert "Delårsrapport 2021 Bokföringen (SIE) t.o.m. 2021-06-30 782 6 906 38,6 % 162,9 %" in listing
    # A corrected file of the same period replaces the import, and the report follows it.
    corrected = uppsala_sie().replace(b"#TRANS 6110 {} 111842.00", b"#TRANS 6110 {} 112842.00").replace(
        b"#TRANS 2440 {} -382825.00", b"#TRANS 2440 {} -383825.00").replace(
        b"#RES 0 6110 111842.00", b"#RES 0 6110 112842.00").replace(b"#UB 0 2440 -4337341.00", b"#UB 0 2440 -4338341.00")
    assert "Klart" in upload(client, corrected)
    with in_tenant(any_app, TENANT_A):
        assert db.session.scalar(select(FinancialReport.costs).where(FinancialReport.year == 2021)) == 10_763_622


def test_an_arsredovisning_needs_the_whole_year(any_app):
    from finsam_saas.economy.models import BookkeepingImport

    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    assert "Klart" in upload(client, uppsala_sie())
    with in_tenant(any_app, TENANT_A):
        import_id = db.session.scalar(select(BookkeepingImport.id))
    page = text_of(client.post(f"{A}/ekonomi/rapporter", data={"import_id": str(import_id), "kind": "helar"},
                               follow_redirects=True))
    assert ("En årsredovisning bygger på hela året, men bokföringen är inläst till och med 2021-06-30. "
            "Läs in SIE-filen för hela 2021.") in page


def test_another_tenants_report_is_never_rendered_or_listed(any_app):
    from finsam_saas.economy import jobs
    from finsam_saas.platform.jobs import enqueue_for_tenant

    with in_tenant(any_app, TENANT_B):
        theirs = reports.save_report(year=2020, kind="helar", income=1, costs=1, equity=1, total_assets=10,
                                     current_assets=5, short_term_liabilities=2).id
        db.session.commit()
    with in_tenant(any_app, TENANT_A):
        job = enqueue_for_tenant(jobs.render_financial_report, title="Försök", report_id=theirs)
        assert job.state == "failed" and job.error == f"Rapporten {theirs} finns inte."
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    assert "Årsredovisning 2020" not in text_of(client.get(f"{A}/ekonomi/rapporter"))


def test_a_made_report_is_printed_again_from_the_list_by_a_reader(any_app):
    from finsam_saas.economy import reports as report_rules
    with in_tenant(any_app, TENANT_A):
        row = report_rules.save_report(year=2020, kind="helar", income=22_000_000, costs=23_059_705, equity=6_123_972,
                                       total_assets=11_471_299, current_assets=11_460_732,
                                       short_term_liabilities=5_347_327)
        db.session.commit()
        report_id = row.id
    revisor = any_app.test_client()
    assert login(revisor, "revisor.a@test.se").status_code == 302
    listing = revisor.get(f"{A}/ekonomi/rapporter").get_data(as_text=True)
    assert f'action="{A}/ekonomi/rapporter/{report_id}/pdf"' in listing
    page = revisor.post(f"{A}/ekonomi/rapporter/{report_id}/pdf", follow_redirects=True).get_data(as_text=True)
    assert "Klart" in page and "Årsredovisning 2020" in _pdf_text(revisor, page)
    other = any_app.test_client()
    assert login(other, "kansli.b@test.se").status_code == 302
    assert other.post(f"/t/{TENANT_A}/ekonomi/rapporter/{report_id}/pdf").status_code == 404
    assert other.post(f"/t/skelleftea-norsjo/ekonomi/rapporter/{report_id}/pdf").status_code == 404
