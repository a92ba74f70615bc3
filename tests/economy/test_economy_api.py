"""Fees split exactly, the budget's equity chain and ceiling, and the decision room, as API.md fixes them."""
import pytest

from finsam_saas.economy.demo import UPPSALA_FEES_2021, umea_budget_lines

from support import ApiClient, TENANT_A, TENANT_B

UPPSALA = "uppsala-lan"


@pytest.fixture
def uppsala(app):
    app.test_cli_runner().invoke(args=["users", "grant", "kansli.a@test.se", UPPSALA, "kansli"])
    return ApiClient(app, "kansli.a@test.se", UPPSALA)


@pytest.fixture
def umea(app):
    return ApiClient(app, "kansli.a@test.se", TENANT_A)


def test_uppsala_2021_fees_match_not_2_exactly(uppsala):
    answer = uppsala.put("/fees/2021", json={"total": 23_090_000, "working_age_population": UPPSALA_FEES_2021})
    assert answer.status_code == 200, answer.json
    fees = {f["member"]: f["amount"] for f in answer.json["fees"]}
    for kommun, amount in UPPSALA_FEES_2021.items():
        assert fees[kommun] == amount
    assert fees["Region Uppsala"] == 5_772_500 and fees["Försäkringskassan/Arbetsförmedlingen"] == 11_545_000
    assert sum(fees.values()) == 23_090_000
    assert uppsala.get("/fees/2021").json == answer.json


def test_rounding_adds_up_exactly(umea):
    answer = umea.put("/fees/2021", json={"total": 11_379_001, "working_age_population": {
        "Umeå kommun": 82_900, "Vännäs kommun": 5_100, "Nordmalings kommun": 4_000, "Vindelns kommun": 2_900,
        "Robertsfors kommun": 3_700, "Bjurholms kommun": 1_400}})
    fees = answer.json["fees"]
    assert sum(f["amount"] for f in fees) == 11_379_001
    assert {f["member"]: f["population_share"] for f in fees}["Umeå kommun"] == 82.9


def test_fee_input_errors_name_the_kommun(umea):
    unknown = umea.put("/fees/2021", json={"total": 100, "working_age_population": {"Malå kommun": 5}})
    assert unknown.status_code == 400 and "working_age_population.Malå kommun" in unknown.json["error"]["fields"]
    missing = umea.put("/fees/2021", json={"total": 100, "working_age_population": {"Umeå kommun": 5}})
    assert missing.status_code == 400 and "saknas" in missing.json["error"]["fields"].values()
    assert umea.get("/fees/2021").status_code == 404


def test_umearegionen_budget_2021_to_2023(umea):
    first = umea.put("/budgets/2021", json={"lines": umea_budget_lines(0), "equity_start": 2_040_000})
    assert first.status_code == 200, first.json
    assert (first.json["income_total"], first.json["cost_total"], first.json["result"]) == (11_489_000, 12_635_000, -1_146_000)
    assert first.json["equity_end"] == 894_000
    assert umea.put("/budgets/2022", json={"lines": umea_budget_lines(1)}).json["equity_end"] == 792_000
    third = umea.put("/budgets/2023", json={"lines": umea_budget_lines(2)}).json
    assert (third["equity_start"], third["equity_end"]) == (792_000, 783_000)
    assert third["equity_ceiling"] == 1_200_000 and third["over_ceiling"] is False


def test_budget_without_a_previous_year_needs_equity_start(umea):
    answer = umea.put("/budgets/2030", json={"lines": [{"section": "income", "name": "Avgifter", "amount": 1}]})
    assert answer.status_code == 400 and "equity_start" in answer.json["error"]["fields"]
    negative = umea.put("/budgets/2030", json={"lines": [{"section": "board", "name": "X", "amount": -5}], "equity_start": 0})
    assert negative.status_code == 400 and "lines[0].amount" in negative.json["error"]["fields"]
    assert umea.get("/budgets/2030").status_code == 404


def test_skelleftea_ceiling_is_ten_percent_of_the_years_fees(app):
    app.test_cli_runner().invoke(args=["users", "grant", "kansli.b@test.se", TENANT_B, "kansli"])
    api = ApiClient(app, "kansli.b@test.se", TENANT_B)
    api.put("/fees/2020", json={"total": 5_847_000, "working_age_population": {"Skellefteå kommun": 45_000, "Norsjö kommun": 2_500}})
    summary = api.put("/budgets/2020", json={"lines": [{"section": "income", "name": "Medlemsavgifter", "amount": 5_847_000},
                                                        {"section": "insatser", "name": "Insatser", "amount": 5_000_000}],
                                              "equity_start": 0}).json
    assert summary["equity_ceiling"] == 584_700 and summary["equity_end"] == 847_000 and summary["over_ceiling"] is True


def test_uppsala_decision_room_2022(app, uppsala):
    from finsam_saas.economy.demo import load_uppsala
    from support import in_tenant
    from finsam_saas.extensions import db

    with in_tenant(app, UPPSALA):
        load_uppsala()
        db.session.commit()
    uppsala.post("/applications", json={"title": "Ny insats", "applicant": "Heby kommun", "amounts": {"2022": 300_000}})
    year = uppsala.get("/decision-room?from=2022&to=2023").json["years"][0]
    assert (year["fees"], year["carried"], year["board"], year["administration"], year["insatser"]) == (
        23_090_000, 4_123_000, 700_000, 4_400_000, 21_650_000)
    assert year["result"] == -3_660_000 and year["room"] == 463_000
    assert year["pending"] == 300_000 and year["room_after_pending"] == 163_000
    bad = uppsala.get("/decision-room?from=2023&to=2022")
    assert bad.status_code == 400


def test_other_tenants_economy_is_404(app, umea):
    umea.put("/budgets/2021", json={"lines": umea_budget_lines(0), "equity_start": 2_040_000})
    other = ApiClient(app, "kansli.b@test.se", TENANT_A)
    assert other.get("/budgets/2021").status_code == 404


def test_insats_lines_drawn_from_grants_are_counted_once_in_the_decision_room(app, umea):
    from datetime import date

    from finsam_saas.economy import services
    from finsam_saas.extensions import db
    from finsam_saas.insatser import services as insatser
    from support import in_tenant

    umea.put("/budgets/2030", json={"lines": [{"section": "income", "name": "Avgifter", "amount": 10_000_000},
                                              {"section": "insatser", "name": "Reserv", "amount": 100_000}],
                                    "equity_start": 1_000_000})
    with in_tenant(app, TENANT_A):
        insatser.create_insats(name="Ungdomstorget", owner="Umeå kommun", kind="individ", start=date(2030, 1, 1),
                               end=date(2030, 12, 31), grants={"2030": 3_000_000})
        before = services.decision_room(2030, 2030, {})[0]["insatser"]
        services.draw_insats_lines(2030)
        db.session.commit()
        after = services.decision_room(2030, 2030, {})[0]["insatser"]
    lines = {l["name"]: l["amount"] for l in umea.get("/budgets/2030").json["lines"]}
    assert lines == {"Avgifter": 10_000_000, "Reserv": 100_000, "Ungdomstorget": 3_000_000}
    assert before == after == 3_100_000
