"""One rounding rule in insatser and the charts: half away from zero, as the board papers and
Excel round (platform.rounding), tested where Python's round() would go the other way: at an
exact half (12,25 % → 12,3 %, round() gives 12,2) and at a half a float cannot hold (0,15 %)."""
from datetime import date

import pytest

from finsam_saas.extensions import db
from finsam_saas.insatser import services, social
from finsam_saas.insatser.models import SocialReport
from finsam_saas.platform.charts import bar_chart

from support import TENANT_A, ApiClient, in_tenant


def test_consumption_ratio_rounds_its_half_up():
    assert round(1225 * 100 / 10_000, 1) == 12.2  # what the built-in did
    assert services.consumption_ratio(1225, budget=10_000) == 12.3
    assert round(3 * 100 / 2000, 1) == 0.1  # 0.15 as a float is 0.1499…
    assert services.consumption_ratio(3, budget=2000) == 0.2
    # Against the grant: 120 000 kr × 5 whole months / 12 = 50 000 kr for the period, 6 125 kr spent.
    assert services.consumption_ratio(6_125, grant=120_000, through=date(2021, 5, 31)) == 12.3
    assert services.consumption_ratio(100, grant=0, through=date(2021, 5, 31)) is None


def test_the_api_answers_the_ratio_and_the_shares_rounded_half_up(app):
    api = ApiClient(app)
    insats = api.post("/insatser", json={"name": "Framsteget", "owner": "Håbo kommun", "kind": "individ",
                                         "start": "2021-01-01", "end": "2021-12-31", "grants": {"2021": 120_000}}).json["id"]
    spend = api.put(f"/insatser/{insats}/spend/2021", json={"through": "2021-05-31", "amount": 6_125})
    assert spend.json == {"consumption_ratio": 12.3}
    # 16 ended, 1 to work: 6,25 % (API.md: 6.25 → 6.3); 15 other drop-outs: 93,75 % → 93,8 %.
    women = {"participants": 10, "new": 0, "ended": 8, "to_work": 1, "to_studies": 0, "to_other_solution": 0,
             "other_dropouts": 7, "remaining": 2}
    men = {**women, "to_work": 0, "other_dropouts": 8}
    shares = api.put(f"/insatser/{insats}/outcomes/2021", json={"women": women, "men": men}).json["shares"]
    assert (shares["to_work"], shares["other_dropouts"], shares["positive"]) == (6.3, 93.8, 6.3)


def test_social_report_rates_weights_and_fulfilment_round_half_up(app):
    with in_tenant(app, TENANT_A):
        insats = services.create_insats(name="Ungdomstorget", owner="Umeå kommun", kind="individ",
                                        start=date(2017, 1, 1), end=date(2023, 12, 31))
        report = social.create_report(insats, 2022)
        question = social.add_question(report.areas[3], code="1.4", text="Bemötande", respondents="deltagare",
                                       asked=16, answered=13, top_three=13)
        result = social.judge(question)
        assert (result.response_rate, result.top_three_share) == (81.3, 100.0)  # 13 of 16 = 81,25 %
        for area, points in zip(report.areas, (1, 3, 4, 4, 4)):  # of 16 points: 6,25 % and 18,75 %
            social.set_area(area, index_points=points)
        areas, _ = social.report_results(db.session.get(SocialReport, report.id))
        assert [a.weight for a in areas] == [6.3, 18.8, 25.0, 25.0, 25.0]
        for area, points in zip(report.areas, (1, 15, 50, 25, 25)):
            social.set_area(area, index_points=points)
        for area in report.areas[2:]:
            area.questions.clear()
        social.set_area(report.areas[0], assessed_step=2)
        social.set_area(report.areas[1], assessed_step=1)
        db.session.flush()
        # (1 · 2/5 + 15 · 1/5) / 16 = 21,25 %
        _, total = social.report_results(db.session.get(SocialReport, report.id))
        assert total == 21.3


@pytest.mark.parametrize("value, shown", [(2.5, "3 tkr"), (0.5, "1 tkr"), (-2.5, "-3 tkr"), (1219.4, "1 219 tkr")])
def test_chart_labels_round_half_up(value, shown):
    chart = str(bar_chart("Utfall", ["Framsteget"], [("Utfall", [value])], unit="tkr"))
    assert f"Framsteget {shown}" in chart
