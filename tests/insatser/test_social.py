"""Socialt bokslut by the seed's rules, and the analysgrupp's recommendations followed up in February."""
from datetime import date

import html

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services, social
from finsam_saas.insatser.models import SocialReport

from support import TENANT_A, in_tenant

A = f"/t/{TENANT_A}"


def _report(app):
    with in_tenant(app, TENANT_A):
        insats = services.create_insats(name="Ungdomstorget", owner="Umeå kommun", kind="individ",
                                        start=date(2017, 1, 1), end=date(2023, 12, 31))
        report = social.create_report(insats, 2022)
        db.session.commit()
        return report.id


def test_weights_follow_the_index_points(app):
    report_id = _report(app)
    with in_tenant(app, TENANT_A):
        areas, total = social.report_results(db.session.get(SocialReport, report_id))
        assert [a.weight for a in areas] == [40.0, 20.0, 20.0, 10.0, 10.0]
        assert total is None  # nothing judged yet


def test_question_rules_top_three_tolerance_and_response_floor(app):
    report_id = _report(app)
    with in_tenant(app, TENANT_A):
        report = db.session.get(SocialReport, report_id)
        participants = report.areas[3]
        met = social.add_question(participants, code="1.4", text="Bemötande", respondents="deltagare",
                                  asked=100, answered=60, top_three=48)        # 80 %: met
        within = social.add_question(participants, code="1.5", text="Delaktighet", respondents="deltagare",
                                     asked=100, answered=60, top_three=43)     # 71.7 %: within the 10 points
        below = social.add_question(participants, code="1.6", text="Stöd", respondents="deltagare",
                                    asked=100, answered=60, top_three=41)      # 68.3 %: not met
        too_few = social.add_question(participants, code="1.7", text="Framtid", respondents="deltagare",
                                      asked=100, answered=49, top_three=49)    # 49 % answered: not judged
        results = {r.question.code: r for r in (social.judge(q) for q in (met, within, below, too_few))}
        assert results["1.4"].met is True and results["1.5"].met is True and results["1.6"].met is False
        assert results["1.7"].judged is False and results["1.7"].met is None
        areas, total = social.report_results(report)
        assert areas[3].suggested == 3  # two of three judged questions met
        social.set_area(report.areas[0], assessed_step=5)
        areas, total = social.report_results(report)
        # (100·5/5 + 25·3/5) / 125
        assert total == 92.0


def test_impossible_counts_are_refused(app):
    import pytest

    from finsam_saas.platform.rules import InvalidInput

    report_id = _report(app)
    with in_tenant(app, TENANT_A):
        area = db.session.get(SocialReport, report_id).areas[4]
        with pytest.raises(InvalidInput, match="Fler svar"):
            social.add_question(area, code="4.5", text="", respondents="medarbetare", asked=5, answered=6, top_three=1)
        with pytest.raises(InvalidInput, match="tre översta"):
            social.add_question(area, code="4.5", text="", respondents="medarbetare", asked=6, answered=5, top_three=6)


def test_social_report_page_and_second_report_refused(app, client_a):
    report_id = _report(app)
    with in_tenant(app, TENANT_A):
        area_id = db.session.get(SocialReport, report_id).areas[3].id
        insats_id = db.session.get(SocialReport, report_id).insats_id
    client_a.post(f"{A}/insatser/socialt-bokslut/{report_id}/omraden/{area_id}", data={
        "code": "1.4", "text": "Bemötande", "respondents": "deltagare", "asked": "100", "answered": "60", "top_three": "48"})
    page = html.unescape(client_a.get(f"{A}/insatser/socialt-bokslut/{report_id}").get_data(as_text=True))
    assert "Samhälls- & medborgarnytta" in page and "40 %" in page and "Uppfyllt" in page
    again = client_a.post(f"{A}/insatser/socialt-bokslut", data={"insats_id": str(insats_id), "year": "2022"},
                          follow_redirects=True)
    assert "har redan ett socialt bokslut för 2022" in html.unescape(again.get_data(as_text=True))


def test_recommendations_are_followed_up_in_february(client_a, app):
    client_a.post(f"{A}/insatser/rekommendationer", data={"year": "2020", "text": "Utred varför så få går till studier",
                                                           "addressed_to": "Kansliet"})
    page = client_a.get(f"{A}/insatser/rekommendationer").get_data(as_text=True)
    assert "Ska följas upp senast 2021-02-28" in page and "försenad" in page
    with in_tenant(app, TENANT_A):
        from finsam_saas.insatser.models import Recommendation
        row_id = db.session.scalar(select(Recommendation.id))
    client_a.post(f"{A}/insatser/rekommendationer/{row_id}/uppfoljning",
                  data={"follow_up": "Analysen presenterades.", "on": "2021-02-19"})
    page = client_a.get(f"{A}/insatser/rekommendationer").get_data(as_text=True)
    assert "2021-02-19: Analysen presenterades." in page and "försenad" not in page
