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
