"""Kvartalsrapporter (due a month after the quarter, late ones flagged, assessed
green/yellow/red) and avvikelser decided by the förbundschef."""
from datetime import date

import pytest
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.insatser.models import QUALITY_QUESTIONS, Insats
from finsam_saas.platform.rules import InvalidInput, RuleViolation

from support import TENANT_A, in_tenant, login

A = f"/t/{TENANT_A}"
ALL_YES = {key: True for key, _ in QUALITY_QUESTIONS}


def _insats(app, **grants):
    with in_tenant(app, TENANT_A):
        insats = services.create_insats(name="Framsteget", owner="Umeå kommun", kind="individ",
                                        start=date(2021, 1, 1), end=date(2023, 12, 31),
                                        grants=grants or {"2021": 2_460_000, "2022": 2_000_000})
        db.session.commit()
        return insats.id


def test_due_dates_and_lateness():
    assert services.report_due(2021, 1) == date(2021, 4, 30)
    assert services.report_due(2021, 2) == date(2021, 7, 31)
    assert services.report_due(2021, 4) == date(2022, 1, 31)
    assert not services.is_late(2021, 1, date(2021, 4, 30))
    assert services.is_late(2021, 1, date(2021, 5, 1))
    assert services.is_late(2021, 1, None, today=date(2021, 5, 2))


def test_report_rules(app):
    insats_id = _insats(app)
    with in_tenant(app, TENANT_A):
        insats = db.session.get(Insats, insats_id)
        with pytest.raises(InvalidInput, match="utanför insatsens period"):
            services.submit_report(insats, year=2020, quarter=4, answers=ALL_YES, goals_on_track=True, forecast_met=True)
        with pytest.raises(InvalidInput, match="Besvara alla frågor"):
            services.submit_report(insats, year=2021, quarter=1, answers={}, goals_on_track=True, forecast_met=True)
        report = services.submit_report(insats, year=2021, quarter=1, answers=ALL_YES, goals_on_track=False,
                                        forecast_met=True, deviations="Färre deltagare än planerat")
        services.assess_report(report, "yellow", "Följs upp i maj")
        with pytest.raises(RuleViolation):
            services.submit_report(insats, year=2021, quarter=1, answers=ALL_YES, goals_on_track=True, forecast_met=True)


def test_budget_deviation_carries_unused_money_into_next_year(app):
    insats_id = _insats(app)
    with in_tenant(app, TENANT_A):
        insats = db.session.get(Insats, insats_id)
        services.requisition(insats, year=2021, amount=2_000_000)
        with pytest.raises(RuleViolation, match="Bara 460 000 kr av 2021 års medel"):
            services.file_deviation(insats, kind="budget", description="Flytta", amount=500_000, from_year=2021, to_year=2022)
        deviation = services.file_deviation(insats, kind="budget", description="Rekryteringen blev sen",
                                            amount=400_000, from_year=2021, to_year=2022)
        db.session.commit()
        deviation_id = deviation.id
    kansli = app.test_client()
    login(kansli, "kansli.a@test.se")
    assert kansli.post(f"{A}/insatser/{insats_id}/avvikelser/{deviation_id}/beslut", data={"decision": "approve"}).status_code == 403
    chief = app.test_client()
    login(chief, "admin.a@test.se")
    answer = chief.post(f"{A}/insatser/{insats_id}/avvikelser/{deviation_id}/beslut", data={"decision": "approve"},
                        follow_redirects=True)
    assert "Avvikelsen är godkänd" in answer.get_data(as_text=True)
    with in_tenant(app, TENANT_A):
        insats = db.session.get(Insats, insats_id)
        assert (insats.grant_for(2021), insats.grant_for(2022)) == (2_060_000, 2_400_000)
        # Nothing is returned until the bokslut; then the rest of 2021 is: the carried 400 000 kr live on in 2022.
        assert services.released(insats, 2021) is None
        from finsam_saas.economy import services as economy
        economy.close_year(2021, "kansli.a@test.se", confirmed=True)
        assert services.released(insats, 2021) == 60_000
        assert services.released(insats, 2022) is None


def test_report_through_the_page_with_late_flag_and_assessment(app, client_a):
    insats_id = _insats(app)
    data = {"year": "2021", "quarter": "1", **{key: "ja" for key, _ in QUALITY_QUESTIONS},
            "goals_on_track": "ja", "forecast_met": "nej", "comment": "Bra start"}
    answer = client_a.post(f"{A}/insatser/{insats_id}/kvartalsrapport", data=data, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert "Kvartalsrapporten för 2021 kvartal 1 är inlämnad (efter sista dag 2021-04-30)" in text
    assert "sen" in text and "saknas, försenad" in text  # Q1 late, the later quarters missing
    missing = client_a.post(f"{A}/insatser/{insats_id}/kvartalsrapport", data={"year": "2021", "quarter": "2"},
                            follow_redirects=True)
    assert "Svara ja eller nej" in missing.get_data(as_text=True)
    with in_tenant(app, TENANT_A):
        from finsam_saas.insatser.models import QuarterlyReport
        report_id = db.session.scalar(select(QuarterlyReport.id))
    assessed = client_a.post(f"{A}/insatser/{insats_id}/kvartalsrapport/{report_id}/bedomning",
                             data={"status": "green"}, follow_redirects=True)
    assert "Grön – i fas" in assessed.get_data(as_text=True)


def test_followup_pm_renders_the_period_from_the_data(app, client_a):
    import io
    import re

    from pypdf import PdfReader

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    client = app.test_client()
    login(client, "kansli.a@test.se")
    # the demo's Uppsala insatser belong to uppsala-lan; make a user there
    from finsam_saas.platform.models import Membership, Tenant, User
    from finsam_saas.platform.tenancy import tenant_context
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "uppsala-lan"))
        user = db.session.scalar(select(User).where(User.email == "kansli.a@test.se"))
        with tenant_context(tenant.id):
            db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, role="kansli"))
            db.session.commit()
    with in_tenant(app, "uppsala-lan"):
        framsteget = db.session.scalar(select(Insats).where(Insats.name == "Håbo, Framsteget"))
        report = services.submit_report(framsteget, year=2021, quarter=2, answers=ALL_YES, goals_on_track=True,
                                        forecast_met=True)
        services.assess_report(report, "green")
        db.session.commit()
    with app.app_context():
        from finsam_saas.platform.auth import issue_token
        token = issue_token(db.session.scalar(select(User).where(User.email == "kansli.a@test.se")), "test")
        db.session.commit()
    data = client.get("/api/v1/uppsala-lan/followup?year=2021&half=1", headers={"Authorization": f"Bearer {token}"}).json
    entry = next(i for i in data["insatser"] if i["name"] == "Håbo, Framsteget")
    assert entry["report"] == {"quarter": 2, "status": "green"} and entry["grant"] > 0 and "grants" not in entry
    assert all(i["spend"] is None or i["spend"]["through"] for i in data["insatser"])
    page = client.post("/t/uppsala-lan/insatser/uppfoljning", data={"year": "2021", "half": "1"}, follow_redirects=True)
    assert "Klart" in page.get_data(as_text=True)
    link = re.search(r'href="(/t/uppsala-lan/jobb/\d+/fil)"', page.get_data(as_text=True)).group(1)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(link).data)).pages).split())
    assert "Uppföljning av insatser kvartal 1 och 2 år 2021" in text
    assert "pågick 16 insatser: 7 individinsatser, 9 strukturinsatser och 0 övriga" in text
    assert "Håbo, Framsteget" in text and "99 %" in text and "112 %" in text
    assert "Östhammar, Bryggan" in text and "Över 110 % av budget för perioden: Östhammar, Bryggan" in text
    assert "Grön – i fas" in text
