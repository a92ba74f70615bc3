"""The decision flow and reporting through the pages."""
from datetime import date, timedelta

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser.models import Application, Insats
from finsam_saas.meetings import services as meetings
from finsam_saas.meetings import models as meetings_models
from finsam_saas.meetings.models import Paragraph
from finsam_saas.organisation.models import Body

from support import TENANT_A, in_tenant

A = f"/t/{TENANT_A}"


BOARD = ["Peter Vigren", "Harriet Hedlund", "Mikael Broman", "Anders Hahlin", "Christina Lidström"]


def _meeting(app, day: date) -> int:
    with in_tenant(app, TENANT_A):
        body = db.session.scalar(select(Body).where(Body.slug == "styrelse"))
        meeting = meetings.create_meeting(body, day=day, items=[{"title": "Information", "kind": "information"}])
        db.session.commit()
        return meeting.id


def _start(app, meeting_id: int) -> list[Paragraph]:
    with in_tenant(app, TENANT_A):
        meeting = db.session.get(meetings_models.Meeting, meeting_id)
        minutes = meetings.start_minutes(meeting, chair=BOARD[0], secretary="S", justerare=[BOARD[1]],
                                         attendees=[{"name": p, "role": "ledamot"} for p in BOARD])
        db.session.commit()
        return {p.title: (p.id, p.number) for p in minutes.paragraphs}


def test_application_decided_in_a_paragraph_becomes_an_insats(client_a, app):
    year = date.today().year
    answer = client_a.post(f"{A}/insatser/ansokningar", data={
        "title": "Vuxentorget", "applicant": "Umeå kommun", "kind": "individ", "start": f"{year}-01-01",
        "end": f"{year + 1}-12-31", f"amount-{year}": "1 285 000", f"amount-{year + 1}": "1 300 000"}, follow_redirects=True)
    assert "väntar på beslut" in answer.get_data(as_text=True)
    with in_tenant(app, TENANT_A):
        application_id = db.session.scalar(select(Application.id))
    other, meeting_id = _meeting(app, date.today() - timedelta(days=14)), _meeting(app, date.today() - timedelta(days=7))
    client_a.post(f"{A}/insatser/ansokningar/{application_id}/dagordning", data={"meeting_id": str(meeting_id)})
    elsewhere = _start(app, other)["Information"][0]
    paragraphs = _start(app, meeting_id)
    paragraph_id, number = paragraphs["Ansökan: Vuxentorget"]
    # a § of another meeting, which did not have the application on its agenda, is refused
    wrong = client_a.post(f"{A}/insatser/ansokningar/{application_id}/beslut", data={
        "decision": "bifall", "paragraph_id": str(elsewhere)}, follow_redirects=True).get_data(as_text=True)
    assert "står på dagordningen för mötet" in wrong
    with in_tenant(app, TENANT_A):
        minutes = db.session.get(meetings_models.Meeting, meeting_id).minutes
        meetings.record_vote(minutes, number, yes=2, no=2, chair_vote="yes")
        db.session.commit()
    decided = client_a.post(f"{A}/insatser/ansokningar/{application_id}/beslut", data={
        "decision": "bifall", "paragraph_id": str(paragraph_id), f"decided-{year + 1}": "1000000"}, follow_redirects=True)
    text = decided.get_data(as_text=True)
    assert "Ansökan är beviljad" in text and "Vuxentorget" in text
    with in_tenant(app, TENANT_A):
        insats = db.session.scalar(select(Insats).where(Insats.name == "Vuxentorget"))
        application = db.session.get(Application, application_id)
        assert {g.year: g.amount for g in insats.grants} == {year: 1_285_000, year + 1: 1_000_000}
        assert insats.decided_paragraph_id == paragraph_id == application.paragraph_id
        assert application.insats_id == insats.id and application.status == "bifall"
        paragraph = db.session.get(Paragraph, paragraph_id)
        assert paragraph.vote["casting_vote"] is True
        # in the seeds' words, in place of the förslag till beslut the § was started with [001 § 78]
        assert paragraph.decision == f"Styrelsen biföll äskandet med 1 285 tkr för {year} och 1 000 tkr för {year + 1}."
        assert db.session.get(Paragraph, elsewhere).decision == ""
    again = client_a.post(f"{A}/insatser/ansokningar/{application_id}/beslut", data={
        "decision": "avslag", "paragraph_id": str(paragraph_id)}, follow_redirects=True)
    assert "redan beslutad" in again.get_data(as_text=True)


def test_outcome_and_spend_reported_on_the_insats_page(client_a, app):
    answer = client_a.post(f"{A}/insatser/ny", data={
        "name": "Framsteget", "owner": "Håbo kommun", "kind": "individ", "start": "2018-01-01", "end": "2021-12-31",
        "grant-2021": "2460000"})
    assert answer.status_code == 302
    path = answer.headers["Location"]
    counts = {"participants": 20, "new": 8, "ended": 10, "to_work": 4, "to_studies": 3, "to_other_solution": 1,
              "other_dropouts": 2, "remaining": 10}
    data = {"period": "2021H1", **{f"{sex}-{k}": str(v) for sex in ("women", "men") for k, v in counts.items()}}
    saved = client_a.post(f"{path}/utfall", data=data, follow_redirects=True).get_data(as_text=True)
    assert "70,0 % till arbete eller studier" in saved
    assert "Resultat på individnivå 2021H1" in saved
    bad = dict(data, **{"men-ended": "11"})
    refused = client_a.post(f"{path}/utfall", data=bad, follow_redirects=True).get_data(as_text=True)
    assert "avslutade (11) ska vara summan av avslutsorsakerna (10)" in refused
    spend = client_a.post(f"{path}/forbrukning", data={"through": "2021-06-30", "amount": "1219000"},
                          follow_redirects=True).get_data(as_text=True)
    assert "förbrukningskvot 99,1 %" in spend
    listing = client_a.get(f"{A}/insatser/?ar=2021").get_data(as_text=True)
    assert "Framsteget" in listing and "99 %" in listing and "<svg" in listing


def test_demo_insatser_from_the_seeds(app):
    from finsam_saas.insatser import services

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    with in_tenant(app, "uppsala-lan"):
        assert len(db.session.scalars(select(Insats)).all()) == 21  # 16 running in 2021, 5 decided for 2022 [003]
        rows = {r.insats.name: r for r in services.spend_table(2021, select(Insats))}
        assert rows["Håbo, Framsteget"].ratio == 99.1
        # Every insats of 2021 has the grant seed 003 states; Ung Intro spent all of its 829 tkr.
        assert rows["Uppsala, Ung Intro"].grant == 829_000 and rows["Uppsala, Ung Intro"].ratio == 100.0
        assert rows["Östhammar, Bryggan"].grant == 1_627_000 and rows["Östhammar, Bryggan"].ratio == 111.6
        assert (rows["Älvkarleby, Lokussamordnare"].grant, rows["Älvkarleby, Lokussamordnare, förlängning"].grant) == (
            35_000, 119_000)
        assert not [name for name, row in rows.items() if row.insats.start.year <= 2021 and not row.grant]
        # Nothing is returned before the bokslut of 2021; what was spent was requisitioned.
        bryggan = rows["Östhammar, Bryggan"].insats
        assert services.released(bryggan, 2021) is None and services.requisitioned(bryggan, 2021) == 865_000
        assert rows["Östhammar, Bryggan"].ratio == 111.6
        # The requisitions carry the delårsrapport's day, not the day the demo was loaded.
        assert {r.day for r in services.requisitions_of(bryggan)} == {date(2021, 6, 30)}
        # The list of 2024 holds only the insatser running then: Heby's plattform, not Ung Intro (2018–2021).
        running = {i.name for i in db.session.scalars(services.running_in(select(Insats), 2024))}
        assert running == {"Heby, Plattform för individstöd i samverkan"}
    with in_tenant(app, "umearegionen"):
        ungdomstorget = db.session.scalar(select(Insats).where(Insats.name == "Ungdomstorget"))
        shares = services.outcomes_of(ungdomstorget)["2017"]["shares"]
        assert (shares["to_work"], shares["to_studies"], shares["positive"]) == (35.0, 19.1, 72.6)
        # The 2021 grants of the insatser that are lines of the budget 2021 (seed 000), once after two runs.
        rows = {r.insats.name: r for r in services.spend_table(2021, select(Insats))}
        assert (rows["Ungdomstorget"].grant, rows["Vuxentorget"].grant) == (3_200_000, 2_625_000)
        assert len(ungdomstorget.grants) == 1


def test_goal_set_and_judged_on_the_page(client_a, app):
    answer = client_a.post(f"{A}/insatser/ny", data={"name": "Ungdomstorget", "owner": "Umeå kommun", "kind": "individ",
                                                     "start": "2017-01-01", "end": "2021-12-31"})
    path = answer.headers["Location"]
    assert "minst 35 % till arbete" in client_a.post(f"{path}/mal", data={"measure": "to_work", "target": "35"},
                                                     follow_redirects=True).get_data(as_text=True)
    bad = client_a.post(f"{path}/mal", data={"measure": "to_work", "target": "många"}, follow_redirects=True)
    assert "ska vara ett tal i procent" in bad.get_data(as_text=True)
    women = {"participants": 157, "new": 57, "ended": 65, "to_work": 15, "to_studies": 16, "to_other_solution": 12,
             "other_dropouts": 22, "remaining": 92}
    men = {"participants": 179, "new": 63, "ended": 92, "to_work": 40, "to_studies": 14, "to_other_solution": 17,
           "other_dropouts": 21, "remaining": 87}
    data = {"period": "2017", **{f"women-{k}": str(v) for k, v in women.items()}, **{f"men-{k}": str(v) for k, v in men.items()}}
    page = client_a.post(f"{path}/utfall", data=data, follow_redirects=True).get_data(as_text=True)
    assert "uppnått (35,0 %)" in page


def test_count_tables_for_age_and_anonymous_registrations(client_a, app):
    answer = client_a.post(f"{A}/insatser/ny", data={"name": "Ung Intro", "owner": "Uppsala kommun", "kind": "individ",
                                                     "start": "2018-05-21", "end": "2021-08-31"})
    path = answer.headers["Location"]
    saved = client_a.post(f"{path}/tabeller", data={"dimension": "age", "period": "2021H1", "age-0-women": "3",
                                                    "age-0-men": "5", "age-1-women": "7", "age-1-men": "2"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Tabellen ålder för 2021H1 är sparad" in saved and "Ålder 2021H1" in saved and "16–19 år" in saved
    client_a.post(f"{path}/tabeller", data={"dimension": "anonymous", "period": "2021H1", "anonymous-0-women": "4",
                                            "anonymous-0-men": "1"})
    with in_tenant(app, TENANT_A):
        from finsam_saas.insatser import services
        insats = db.session.scalar(select(Insats).where(Insats.name == "Ung Intro"))
        tables = services.count_tables(insats)["2021H1"]
        assert [(r.category, r.women, r.men) for r in tables["age"]] == [("16–19 år", 3, 5), ("20–24 år", 7, 2)]
        assert (tables["anonymous"][0].women, tables["anonymous"][0].men) == (4, 1)
    bad = client_a.post(f"{path}/tabeller", data={"dimension": "age", "period": "2022", "age-0-women": "1"},
                        follow_redirects=True).get_data(as_text=True)
    assert "utanför insatsens period" in bad
    negative = client_a.post(f"{path}/tabeller", data={"dimension": "age", "period": "2021", "age-0-women": "-1"},
                             follow_redirects=True).get_data(as_text=True)
    assert "kan inte vara negativt" in negative


def test_application_goes_on_the_agenda_and_the_paragraph_links_to_the_insats(client_a, app):
    year = date.today().year
    client_a.post(f"{A}/insatser/ansokningar", data={
        "title": "Vuxentorget", "applicant": "Umeå kommun", "kind": "individ", "start": f"{year}-01-01",
        "end": f"{year}-12-31", f"amount-{year}": "1285000"})
    meeting_id = _meeting(app, date.today())
    with in_tenant(app, TENANT_A):
        application_id = db.session.scalar(select(Application.id))
    answer = client_a.post(f"{A}/insatser/ansokningar/{application_id}/dagordning",
                           data={"meeting_id": str(meeting_id), "recommendation": "Bifall"}, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "Ansökan: Vuxentorget" in page and f"Styrelsen bifaller äskandet med 1 285 tkr för {year}" in page
    assert "Beredningens rekommendation: Bifall" in page
    # after the opening items, before övriga frågor and the closing
    assert page.index("Val av justerare") < page.index("Ansökan: Vuxentorget") < page.index("Övriga frågor")
    paragraph_id = _start(app, meeting_id)["Ansökan: Vuxentorget"][0]
    listing = client_a.get(f"{A}/insatser/ansokningar").get_data(as_text=True)
    assert f'<option value="{paragraph_id}" selected>' in listing  # its own item's § is offered first
    client_a.post(f"{A}/insatser/ansokningar/{application_id}/beslut",
                  data={"decision": "bifall", "paragraph_id": str(paragraph_id)})
    protokoll = client_a.get(f"/t/{TENANT_A}/moten/{meeting_id}/protokoll").get_data(as_text=True)
    assert "Beslut om ansökan Vuxentorget: bifall – till insatsen" in protokoll
    assert f"Styrelsen biföll äskandet med 1 285 tkr för {year}." in protokoll
    with in_tenant(app, TENANT_A):
        insats_id = db.session.scalar(select(Insats.id).where(Insats.name == "Vuxentorget"))
        number = db.session.get(Paragraph, paragraph_id).number
    insats_page = client_a.get(f"{A}/insatser/{insats_id}").get_data(as_text=True)
    assert f'/moten/{meeting_id}/protokoll#p{number}">§&nbsp;{number} {year}</a>' in insats_page  # and back
