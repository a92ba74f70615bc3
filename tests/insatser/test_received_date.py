"""A kvartalsrapport back-filled by the kansli from paper keeps the day it was received, and is late
or on time by that day (due a month after the quarter, seed 003): not by the day it was typed in.
The day is a Stockholm day, never in the future and never before the quarter ended; only the
kansli enters it. On SQLite and PostgreSQL, and never across förbund."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.insatser.models import QUALITY_QUESTIONS, Insats, QuarterlyReport
from finsam_saas.platform import clock
from finsam_saas.platform.models import Membership, User
from finsam_saas.platform.rules import InvalidInput

from support import TENANT_A, TENANT_B, ApiClient, in_tenant, login

A = f"/t/{TENANT_A}"
ALL_YES = {key: True for key, _ in QUALITY_QUESTIONS}
FORM = {**{key: "ja" for key, _ in QUALITY_QUESTIONS}, "goals_on_track": "ja", "forecast_met": "ja"}


@pytest.fixture
def at(monkeypatch):
    """Stand the clock at a moment (UTC)."""
    def stand(moment: str):
        fixed = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)
        monkeypatch.setattr(clock, "_utcnow", lambda: fixed)
    return stand


def _insats(app, tenant=TENANT_A, name="Framsteget"):
    with in_tenant(app, tenant):
        insats = services.create_insats(name=name, owner="Försäkringskassan", kind="individ", start=date(2021, 1, 1),
                                        end=date(2022, 12, 31), grants={"2021": 2_460_000})
        db.session.commit()
        return insats.id


def test_a_back_filled_report_is_on_time_by_the_day_it_came_in(any_app, at):
    at("2021-09-15T10:00")
    insats_id = _insats(any_app)
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    answer = client.post(f"{A}/insatser/{insats_id}/kvartalsrapport",
                         data={**FORM, "year": "2021", "quarter": "1", "received_on": "2021-04-28"}, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert "Kvartalsrapporten för 2021 kvartal 1 är inlämnad, inkommen 2021-04-28." in text
    row = text[text.index("2021 kvartal 1</td>"):].split("</tr>")[0]
    assert "2021-04-28" in row and "inkom på papper, registrerad 2021-09-15" in row and "class=\"error\"" not in row
    # Typed in the same day without a date, the Q2 report is late (due 31 July).
    late = client.post(f"{A}/insatser/{insats_id}/kvartalsrapport", data={**FORM, "year": "2021", "quarter": "2"},
                       follow_redirects=True).get_data(as_text=True)
    assert "(efter sista dag 2021-07-31)" in late
    listed = {(r["year"], r["quarter"]): r for r in ApiClient(any_app).get(f"/insatser/{insats_id}/quarterly-reports").json}
    assert (listed[(2021, 1)]["received"], listed[(2021, 1)]["late"]) == ("2021-04-28", False)
    assert (listed[(2021, 2)]["received"], listed[(2021, 2)]["late"], listed[(2021, 2)]["received_on"]) == (
        "2021-09-15", True, None)


def test_the_day_cannot_be_in_the_future_nor_before_the_quarter_ended(any_app, at):
    at("2021-05-31T22:30")  # 00:30 on 1 June in Stockholm: 1 June is today there, not the future
    insats_id = _insats(any_app)
    api = ApiClient(any_app)
    body = {"year": 2021, "quarter": 1, "answers": ALL_YES, "goals_on_track": True, "forecast_met": False}
    tomorrow = api.post(f"/insatser/{insats_id}/quarterly-reports", json={**body, "received_on": "2021-06-02"})
    assert tomorrow.status_code == 400 and tomorrow.json["error"]["fields"] == {"received_on": "i framtiden"}
    assert "ligger i framtiden" in tomorrow.json["error"]["message"]
    early = api.post(f"/insatser/{insats_id}/quarterly-reports", json={**body, "received_on": "2021-03-30"})
    assert early.status_code == 400 and early.json["error"]["fields"] == {"received_on": "före kvartalets slut"}
    bad = api.post(f"/insatser/{insats_id}/quarterly-reports", json={**body, "received_on": "30/4"})
    assert bad.status_code == 400 and "received_on" in bad.json["error"]["fields"]
    today = api.post(f"/insatser/{insats_id}/quarterly-reports", json={**body, "received_on": "2021-06-01"})
    assert today.status_code == 201, today.json
    assert (today.json["received"], today.json["late"]) == ("2021-06-01", True)  # due 30 April
    last_day = api.post(f"/insatser/{insats_id}/quarterly-reports", json={**body, "quarter": 2, "received_on": "2021-06-30"})
    assert last_day.status_code == 400  # Q2 ends 30 June: that is still ahead in Stockholm
    with in_tenant(any_app, TENANT_A):
        insats = db.session.get(Insats, insats_id)
        with pytest.raises(InvalidInput, match="före kvartalets slut"):
            services.submit_report(insats, year=2021, quarter=1, answers=ALL_YES, goals_on_track=True,
                                   forecast_met=True, received_on=date(2021, 3, 30))
        # The quarter's last day itself is when it ended: a report dated then is accepted.
        services.check_received_on(2021, 1, date(2021, 3, 31), today=date(2021, 6, 1))


def test_a_resubmission_keeps_the_day_the_kansli_entered(any_app, at):
    at("2021-09-15T10:00")
    insats_id = _insats(any_app)
    api = ApiClient(any_app)
    body = {"year": 2021, "quarter": 1, "answers": ALL_YES, "goals_on_track": True, "forecast_met": True}
    assert api.post(f"/insatser/{insats_id}/quarterly-reports", json={**body, "received_on": "2021-04-20"}).status_code == 201
    again = api.post(f"/insatser/{insats_id}/quarterly-reports", json={**body, "comment": "Rättad"})
    assert (again.json["received"], again.json["late"], again.json["comment"]) == ("2021-04-20", False, "Rättad")


def test_only_the_kansli_enters_the_day(any_app, at):
    at("2021-09-15T10:00")
    insats_id = _insats(any_app)
    with in_tenant(any_app, TENANT_A) as tenant:
        user = db.session.scalar(select(User).where(User.email == "lasare.a@test.se"))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                                Membership.tenant_id == tenant.id))
        membership.role = "insatsansvarig"
        services.add_contact(db.session.get(Insats, insats_id), user.id)
        db.session.commit()
    ansvarig = ApiClient(any_app, "lasare.a@test.se")
    body = {"year": 2021, "quarter": 1, "answers": ALL_YES, "goals_on_track": True, "forecast_met": True}
    assert ansvarig.post(f"/insatser/{insats_id}/quarterly-reports", json={**body, "received_on": "2021-04-20"}).status_code == 403
    own = ansvarig.post(f"/insatser/{insats_id}/quarterly-reports", json=body)
    assert own.status_code == 201 and own.json["late"] is True
    client = any_app.test_client()
    login(client, "lasare.a@test.se")
    page = client.get(f"{A}/insatser/{insats_id}").get_data(as_text=True)
    assert 'name="received_on"' not in page
    assert client.post(f"{A}/insatser/{insats_id}/kvartalsrapport",
                       data={**FORM, "year": "2021", "quarter": "2", "received_on": "2021-07-01"}).status_code == 403


def test_another_tenants_reports_are_out_of_reach(any_app, at):
    at("2021-09-15T10:00")
    theirs = _insats(any_app, TENANT_B, "MARKÖR-BBB insats")
    with in_tenant(any_app, TENANT_B):
        services.submit_report(db.session.get(Insats, theirs), year=2021, quarter=1, answers=ALL_YES,
                               goals_on_track=True, forecast_met=True, comment="MARKÖR-BBB rapport",
                               received_on=date(2021, 4, 2))
        db.session.commit()
    api = ApiClient(any_app)
    body = {"year": 2021, "quarter": 1, "answers": ALL_YES, "goals_on_track": True, "forecast_met": True,
            "received_on": "2021-04-20"}
    for answer in (api.get(f"/insatser/{theirs}/quarterly-reports"),
                   api.post(f"/insatser/{theirs}/quarterly-reports", json=body)):
        assert answer.status_code == 404 and "MARKÖR-BBB" not in answer.get_data(as_text=True)
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    assert client.post(f"{A}/insatser/{theirs}/kvartalsrapport",
                       data={**FORM, "year": "2021", "quarter": "1", "received_on": "2021-04-20"}).status_code == 404
    with in_tenant(any_app, TENANT_B):
        report = db.session.scalar(select(QuarterlyReport))
        assert (report.received_on, report.comment) == (date(2021, 4, 2), "MARKÖR-BBB rapport")
