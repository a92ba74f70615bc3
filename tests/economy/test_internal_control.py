"""The internkontrollplan: controls rated on seed 004's scales, followed up each year."""
import html

import pytest

from finsam_saas.economy import internal_control
from finsam_saas.platform.rules import InvalidInput

from support import TENANT_A

A = f"/t/{TENANT_A}"


def test_risk_levels():
    assert [internal_control.risk_level(v) for v in (1, 4, 6, 12, 25)] == ["låg", "låg", "måttlig", "hög", "mycket hög"]


def test_control_rated_and_followed_up(client_a, app):
    client_a.post(f"{A}/ekonomi/internkontroll?ar=2023", data={
        "process": "Styrelsens interna kontroll", "control": "Förbundets styrdokument är aktuella",
        "owner": "Förbundschef", "method": "Genomgång av styrdokument", "frequency": "1 ggr/år",
        "report_to": "Vid delårs- och årsrapport", "consequence": "2", "probability": "2"})
    client_a.post(f"{A}/ekonomi/internkontroll?ar=2023", data={
        "process": "Ekonomi", "control": "Attest enligt attestordningen", "owner": "Förbundschef",
        "consequence": "4", "probability": "3"})
    page = html.unescape(client_a.get(f"{A}/ekonomi/internkontroll?ar=2023").get_data(as_text=True))
    assert "Lindrig × mindre sannolik = 4 (låg)" in page and "Allvarlig × möjlig = 12 (hög)" in page
    assert page.index("Attest enligt attestordningen") < page.index("Förbundets styrdokument")  # highest risk first
    import re
    control_id = re.search(r"/ekonomi/internkontroll/(\d+)/uppfoljning", page).group(1)
    missing = client_a.post(f"{A}/ekonomi/internkontroll/{control_id}/uppfoljning",
                            data={"year": "2023", "result": "med_anmarkning"}, follow_redirects=True)
    assert "Beskriv anmärkningen" in html.unescape(missing.get_data(as_text=True))
    done = client_a.post(f"{A}/ekonomi/internkontroll/{control_id}/uppfoljning",
                         data={"year": "2023", "result": "med_anmarkning", "note": "Två fakturor saknade beslutsattest"},
                         follow_redirects=True)
    assert "Med anmärkning: Två fakturor saknade beslutsattest" in html.unescape(done.get_data(as_text=True))


def test_scale_outside_one_to_five_is_refused(app):
    from support import in_tenant

    with in_tenant(app, TENANT_A):
        with pytest.raises(InvalidInput, match="1–5"):
            internal_control.add_control(process="P", control="C", owner="O", consequence=6, probability=1)
