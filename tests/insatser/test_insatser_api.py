"""Insatser through the API: outcomes and shares, spend and the consumption ratio,
requisitions within the grant, the decision flow, and the insatsansvarig's view."""
from datetime import date

import pytest

from finsam_saas.extensions import db
from finsam_saas.platform.models import Membership, Tenant, User
from finsam_saas.platform.tenancy import tenant_context
from sqlalchemy import select

from support import ApiClient, TENANT_A

# Ungdomstorget 2017, seed 001 table 1
UNGDOMSTORGET = {
    "women": {"participants": 157, "new": 57, "ended": 65, "to_work": 15, "to_studies": 16, "to_other_solution": 12,
              "other_dropouts": 22, "remaining": 92},
    "men": {"participants": 179, "new": 63, "ended": 92, "to_work": 40, "to_studies": 14, "to_other_solution": 17,
            "other_dropouts": 21, "remaining": 87},
}


@pytest.fixture
def api(app):
    return ApiClient(app)


def _insats(api, name="Ungdomstorget", start="2017-01-01", end="2021-12-31", grants=None, owner="Umeå kommun"):
    answer = api.post("/insatser", json={"name": name, "owner": owner, "kind": "individ", "start": start, "end": end,
                                         "grants": grants or {"2017": 2_700_000, "2021": 2_460_000}})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def test_ungdomstorget_2017_shares(api):
    insats = _insats(api)
    answer = api.put(f"/insatser/{insats}/outcomes/2017", json=UNGDOMSTORGET)
    assert answer.status_code == 200, answer.json
    assert answer.json["total"]["ended"] == 157 and answer.json["total"]["participants"] == 336
    shares = answer.json["shares"]
    assert shares["to_work"] == 35.0 and shares["to_studies"] == 19.1 and shares["positive"] == 72.6
    assert shares["work_or_studies"] == 54.1
    again = api.get(f"/insatser/{insats}/outcomes/2017")
    assert again.status_code == 200 and again.json["shares"] == shares


def test_no_one_ended_gives_null_shares(api):
    insats = _insats(api)
    nobody = {"participants": 5, "new": 5, "ended": 0, "to_work": 0, "to_studies": 0, "to_other_solution": 0,
              "other_dropouts": 0, "remaining": 5}
    answer = api.put(f"/insatser/{insats}/outcomes/2021Q1", json={"women": nobody, "men": nobody})
    assert answer.status_code == 200
    assert set(answer.json["shares"].values()) == {None}


@pytest.mark.parametrize("change, field", [
    ({"ended": 66}, "women.ended"),
    ({"remaining": 90}, "women.remaining"),
    ({"to_work": -1, "to_studies": 32}, "women.to_work"),
    ({"participants": "många"}, "women.participants"),
])
def test_counts_that_do_not_add_up_are_refused(api, change, field):
    insats = _insats(api)
    women = {**UNGDOMSTORGET["women"], **change}
    answer = api.put(f"/insatser/{insats}/outcomes/2017", json={"women": women, "men": UNGDOMSTORGET["men"]})
    assert answer.status_code == 400 and field in answer.json["error"]["fields"], answer.json
    assert api.get(f"/insatser/{insats}/outcomes/2017").status_code == 404  # nothing half-saved


def test_period_outside_the_insats_is_refused(api):
    insats = _insats(api, start="2018-01-01", grants={"2021": 100})
    answer = api.put(f"/insatser/{insats}/outcomes/2017H2", json=UNGDOMSTORGET)
    assert answer.status_code == 400 and answer.json["error"]["fields"] == {"period": "utanför insatsens period"}
    bad = api.put(f"/insatser/{insats}/outcomes/2021H3", json=UNGDOMSTORGET)
    assert bad.status_code == 400 and "period" in bad.json["error"]["fields"]


def test_framsteget_consumption_ratio(api):
    insats = _insats(api, name="Framsteget", owner="Håbo kommun", start="2018-01-01", grants={"2021": 2_460_000})
    answer = api.put(f"/insatser/{insats}/spend/2021", json={"through": "2021-06-30", "amount": 1_219_000})
    assert answer.status_code == 200 and answer.json == {"consumption_ratio": 99.1}
    bryggan = api.put(f"/insatser/{insats}/spend/2021", json={"through": "2021-06-29", "amount": 865_000, "budget": 775_000})
    assert bryggan.json == {"consumption_ratio": 111.6}
    wrong_year = api.put(f"/insatser/{insats}/spend/2021", json={"through": "2020-06-30", "amount": 1})
    assert wrong_year.status_code == 400 and "through" in wrong_year.json["error"]["fields"]
    assert api.put(f"/insatser/{insats}/spend/2020", json={"through": "2020-12-31", "amount": 5}).status_code == 200
    # The follow-up takes the year's latest report (30 June), not an earlier one of 2021 or any of 2020.
    followup = api.get("/followup?year=2021&half=1").json
    framsteget = next(i for i in followup["insatser"] if i["id"] == insats)
    assert framsteget["grant"] == 2_460_000
    assert framsteget["spend"] == {"through": "2021-06-30", "amount": 1_219_000, "consumption_ratio": 99.1}


def test_requisitions_never_pass_the_grant(api, app):
    year = date.today().year
    insats = _insats(api, start=f"{year - 1}-01-01", end=f"{year + 1}-12-31",
                     grants={str(year - 1): 1_000_000, str(year): 2_460_000})
    assert api.post(f"/insatser/{insats}/requisitions", json={"year": year, "amount": 1_230_000}).status_code == 201
    assert api.post(f"/insatser/{insats}/requisitions", json={"year": year, "amount": 1_230_000}).status_code == 201
    refused = api.post(f"/insatser/{insats}/requisitions", json={"year": year, "amount": 1})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "exceeds_grant"
    none_granted = api.post(f"/insatser/{insats}/requisitions", json={"year": year + 1, "amount": 1})
    assert none_granted.status_code == 409 and none_granted.json["error"]["code"] == "exceeds_grant"
    # Last year takes its Q4 requisition in January: the year is open until its bokslut is made.
    assert api.post(f"/insatser/{insats}/requisitions", json={"year": year - 1, "amount": 1}).status_code == 201
    from finsam_saas.economy import services as economy
    from support import in_tenant
    with in_tenant(app, TENANT_A):
        economy.close_year(year - 1, "kansli.a@test.se", confirmed=True)
        db.session.commit()
    closed = api.post(f"/insatser/{insats}/requisitions", json={"year": year - 1, "amount": 1})
    assert closed.status_code == 409 and closed.json["error"]["code"] == "year_closed"
    assert "Bokslut för" in closed.json["error"]["message"]


def test_application_is_pending(api):
    answer = api.post("/applications", json={"title": "Vuxentorget", "applicant": "Umeå kommun",
                                             "amounts": {"2018": 1_285_000}})
    assert answer.status_code == 201 and answer.json["status"] == "pending"
    bad = api.post("/applications", json={"title": "X", "applicant": "Umeå kommun", "amounts": {"2018": -5}})
    assert bad.status_code == 400


def test_insatsansvarig_sees_and_reports_only_their_own_insats(app, api):
    own, other = _insats(api, name="Framsteget"), _insats(api, name="Bryggan")
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT_A))
        user = db.session.scalar(select(User).where(User.email == "lasare.a@test.se"))
        with tenant_context(tenant.id):
            membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                                    Membership.tenant_id == tenant.id))
            membership.role = "insatsansvarig"
            from finsam_saas.insatser import services
            from finsam_saas.insatser.models import Insats
            services.add_contact(db.session.get(Insats, own), user.id)
            db.session.commit()
    ansvarig = ApiClient(app, "lasare.a@test.se")
    assert [i["name"] for i in ansvarig.get("/insatser").json] == ["Framsteget"]
    assert ansvarig.get(f"/insatser/{other}").status_code == 404
    assert ansvarig.put(f"/insatser/{other}/outcomes/2021", json=UNGDOMSTORGET).status_code == 404
    assert ansvarig.put(f"/insatser/{own}/spend/2021", json={"through": "2021-03-31", "amount": 100}).status_code == 200
    assert ansvarig.post("/insatser", json={}).status_code == 403
    assert ansvarig.get("/meetings").status_code == 403  # the board's papers are not theirs


def test_goals_are_checked_against_the_outcome(app, api):
    insats = _insats(api)
    with app.app_context():
        from finsam_saas.insatser import services
        from finsam_saas.insatser.models import Insats
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == TENANT_A))
        with tenant_context(tenant.id):
            row = db.session.get(Insats, insats)
            services.set_goal(row, "to_work", 35.0)
            services.set_goal(row, "to_studies", 25.0)
            db.session.commit()
    answer = api.put(f"/insatser/{insats}/outcomes/2017", json=UNGDOMSTORGET)
    goals = {g["measure"]: g for g in answer.json["goals"]}
    assert goals["to_work"]["met"] is True and goals["to_work"]["actual"] == 35.0
    assert goals["to_studies"]["met"] is False and goals["to_studies"]["actual"] == 19.1


def test_missing_and_unknown_keys_are_named_in_swedish(api):
    answer = api.post("/insatser", json={"owner": "Umeå kommun", "kind": "individ", "start": "2021-01-01",
                                         "end": "2021-12-31", "grants": {"2021": 1000}, "färg": "blå"})
    assert answer.status_code == 400
    assert answer.json["error"]["fields"] == {"name": "saknas", "färg": "okänd nyckel"}
