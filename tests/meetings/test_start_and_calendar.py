"""What waits on the start page, the year a page opens on, time in Europe/Stockholm, Swedish
holidays from the holidays package, the iCalendar feed as RFC 5545, the årshjul per tenant, and
the anslagstavla reached from the start and login pages."""
from datetime import date, datetime, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import select

from finsam_saas.economy import services as economy
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.meetings.calendar import next_working_day, swedish_holidays
from finsam_saas.meetings.models import Task
from finsam_saas.organisation.models import Body
from finsam_saas.platform import clock
from finsam_saas.platform.tenancy import Actor, acting_as

from support import TENANT_A, ApiClient, in_tenant, login

A = f"/t/{TENANT_A}"
BOARD = ["Peter Vigren", "Harriet Hedlund", "Mikael Broman", "Anders Hahlin", "Christina Lidström"]


@pytest.fixture
def at(monkeypatch):
    """Stand the clock at a moment (UTC): at("2021-10-21T22:30")."""
    def stand(moment: str):
        fixed = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)
        monkeypatch.setattr(clock, "_utcnow", lambda: fixed)
    return stand


def test_today_is_the_day_in_stockholm_whatever_the_servers_zone(at):
    at("2021-10-21T22:30")  # 00:30 on 22 October in Stockholm (summer time)
    assert clock.today() == date(2021, 10, 22)
    at("2021-12-31T23:30")  # past midnight in Stockholm: a new year
    assert clock.today() == date(2022, 1, 1)


def test_a_motion_at_half_past_midnight_the_day_after_the_deadline_is_late(app, at):
    from finsam_saas.nns import services as nns

    with in_tenant(app, "nns"), acting_as(Actor(None, "test")):
        general = nns.create_general_meeting(day=date(2021, 12, 2), motion_deadline=date(2021, 10, 21))
        db.session.commit()
        at("2021-10-21T21:59")  # 23:59 on the deadline day in Stockholm: in time
        nns.submit_motion(general, member=None, title="I tid", text="Text", by_email="a@test.se")
        at("2021-10-21T22:30")  # 00:30 the day after: late, though UTC still says the 21st
        with pytest.raises(nns.RuleViolation, match="Sista dag för motioner till mötet var 2021-10-21"):
            nns.submit_motion(general, member=None, title="För sent", text="Text", by_email="a@test.se")


def test_working_days_know_the_swedish_holidays():
    assert {date(2021, 4, 2), date(2021, 4, 5), date(2021, 5, 13), date(2021, 6, 25), date(2021, 12, 24),
            date(2021, 12, 31)} <= swedish_holidays(2021)  # långfredag, annandag påsk, Kristi himmelsfärd, midsommarafton
    assert date(2021, 12, 26) not in {d for d in swedish_holidays(2021) if d.weekday() < 5}  # a Sunday
    assert next_working_day(date(2021, 6, 24)) == date(2021, 6, 28)  # over midsommarafton and the weekend
    assert next_working_day(date(2020, 12, 23)) == date(2020, 12, 28)
    assert next_working_day(date(2020, 11, 26)) == date(2020, 11, 27)  # seed 000 posted on the 30th by choice


def test_the_calendar_feed_is_rfc_5545(client_a, app):
    api = ApiClient(app)
    plain = api.post("/meetings", json={"body": "styrelse", "date": "2021-02-19", "start": "08:30", "end": "12:00",
                                        "place": "Umeå"}).json["id"]
    api.post("/meetings", json={"body": "styrelse", "date": "2021-10-07", "end_date": "2021-10-08", "start": "12:00",
                                "end": "12:00", "theme": "Planering med strategiska gruppen"})
    api.post("/meetings", json={"body": "styrelse", "date": "2021-05-07"})
    api.post(f"/meetings/{plain}/cancel", json={"reason": "Flyttas"})
    with in_tenant(app, TENANT_A):
        body_id = db.session.scalar(select(Body.id).where(Body.slug == "styrelse"))
    feed = app.test_client().get(f"{A}/organ/{body_id}/kalender.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    assert calendar["version"] == "2.0" and calendar["prodid"]
    zones = [z for z in calendar.walk("VTIMEZONE")]
    assert [str(z["tzid"]) for z in zones] == ["Europe/Stockholm"]
    events = {e.decoded("dtstart").isoformat()[:10]: e for e in calendar.walk("VEVENT")}
    assert len({str(e["uid"]) for e in events.values()}) == 3 and all("dtstamp" in e for e in events.values())
    february = events["2021-02-19"]
    assert february.decoded("dtstart").isoformat() == "2021-02-19T08:30:00+01:00"
    assert february["dtstart"].params["TZID"] == "Europe/Stockholm" and str(february["status"]) == "CANCELLED"
    assert events["2021-10-07"].decoded("dtend").isoformat() == "2021-10-08T12:00:00+02:00"  # ends on its second day
    assert events["2021-05-07"].decoded("dtend") == date(2021, 5, 8)  # a whole day, DTEND exclusive


def _kansli_page(client) -> str:
    return client.get(f"{A}/").get_data(as_text=True)


def test_the_start_page_shows_the_next_meetings_and_what_waits(client_a, app, at):
    at("2021-03-10T09:00")
    api = ApiClient(app)
    past = api.post("/meetings", json={"body": "styrelse", "date": "2021-02-19", "items": [{"title": "Budget"}]}).json["id"]
    api.post(f"/meetings/{past}/minutes", json={"chair": "Peter Vigren", "secretary": "S", "justerare": ["Anders Hahlin"],
                                               "attendees": [{"name": n, "role": "ledamot"} for n in BOARD]})
    api.post(f"/meetings/{past}/minutes/paragraphs/1/tasks", json={"assignee": "Kansliet", "description": "Analysen",
                                                                   "due": "2021-03-31"})
    api.post("/meetings", json={"body": "styrelse", "date": "2021-03-18", "start": "08:30", "place": "Umeå"})
    api.post("/meetings", json={"body": "beredningsgrupp", "date": "2021-03-11"})
    api.post("/meetings", json={"body": "presidium", "date": "2021-03-10", "start": "08:00", "end": "09:30"})  # over
    with in_tenant(app, TENANT_A):
        insatser.create_application(title="Ungdomstorget", applicant="Umeå kommun", amounts={"2021": 3_200_000})
        insatser.create_insats(name="Vuxentorget", owner="Umeå kommun", kind="individ", start=date(2020, 1, 1),
                                        end=date(2022, 12, 31), grants={"2021": 1_000_000})
        db.session.commit()
    page = _kansli_page(client_a)
    assert "Styrelse 2021-03-18 klockan 08.30, Umeå" in page and "Beredningsgrupp 2021-03-11" in page
    assert "Presidium 2021-03-10" not in page  # held this morning: no longer the next one
    assert "Skicka kallelsen till Styrelse 2021-03-18" in page
    assert "Justeringen av protokollet från styrelse 2021-02-19 är försenad (senast 2021-03-05)" in page
    assert "Uppdrag till Kansliet: Analysen – senast 2021-03-31" in page
    assert "Ansökan Ungdomstorget väntar på beslut (lägg den på en dagordning)" in page
    assert "Kvartalsrapport 2020 kvartal 4 för Vuxentorget är försenad (skulle in senast 2021-01-31)" in page
    assert page.index("Försenat") < page.index("Skicka kallelsen")  # what is late comes first
    assert f"{A}/anslagstavla" in page
    # the chair sees his board's meeting and the protokoll to approve; not the beredningsgrupp, nor the kansli's list
    from finsam_saas.platform.models import User
    with in_tenant(app, TENANT_A):
        db.session.scalar(select(User).where(User.email == "ledamot.a@test.se")).name = "Peter Vigren"
        db.session.commit()
    chair = app.test_client()
    login(chair, "ledamot.a@test.se")
    page = chair.get(f"{A}/").get_data(as_text=True)
    assert "Styrelse 2021-03-18" in page and "Beredningsgrupp" not in page.split("Nästa möten")[1].split("</section>")[0]
    assert "Godkänn protokollet från styrelse 2021-02-19 som ordförande" in page
    assert "Skicka kallelsen" not in page and "Ansökan Ungdomstorget" not in page
    with in_tenant(app, TENANT_A):
        assert db.session.scalar(select(Task.description)) == "Analysen"


def test_year_pages_open_on_the_year_that_has_the_data(client_a, app, at):
    at("2026-12-03T10:00")
    api = ApiClient(app)
    for day in ("2020-10-30", "2021-02-19", "2021-11-26"):
        api.post("/meetings", json={"body": "styrelse", "date": day})
    plan = client_a.get(f"{A}/moten/").get_data(as_text=True)
    assert "<h1>Mötesplan 2021</h1>" in plan  # the year of the nearest meeting, not an empty 2026
    assert "År med möten:" in plan and ">2020</a>" in plan
    with in_tenant(app, TENANT_A):
        economy.put_budget(2021, [{"section": "income", "name": "Försäkringskassan", "amount": 5_690_000}],
                           equity_start=2_040_000)
        db.session.commit()
    assert "<h1>Budget 2021</h1>" in client_a.get(f"{A}/ekonomi/budget").get_data(as_text=True)
    assert "<h1>Budget 2027</h1>" in client_a.get(f"{A}/ekonomi/budget?ar=2027").get_data(as_text=True)


def test_the_arshjul_is_checked_per_tenant(client_a, app):
    api = ApiClient(app)
    for day in ("2021-02-19", "2021-03-26", "2021-06-04"):  # no meeting in the autumn to adopt the budget
        api.post("/meetings", json={"body": "styrelse", "date": day})
    plan = client_a.get(f"{A}/moten/?ar=2021").get_data(as_text=True)
    assert "Inget styrelsemöte 2021-09-01 – 2021-11-30 för verksamhetsplan och budget" in plan
    assert "för årsredovisning" not in plan  # 2021-03-26 is in time for it
    nns = app.test_client()
    login(nns, "sekreterare.nns@test.se")
    NNS = ApiClient(app, "sekreterare.nns@test.se", "nns")
    NNS.post("/meetings", json={"body": "medlemsmote", "date": "2021-12-02"})
    page = nns.get("/t/nns/moten/?ar=2021").get_data(as_text=True)
    assert "Årsmöte" in page and "Inget medlemsmöte 2021-03-01 – 2021-05-31 för årsmöte" in page
    assert "Verksamhetsplan och budget" not in page  # NNS has its own årshjul


def test_the_anslagstavla_lists_what_is_posted_now_first_then_the_archive(app, at):
    api = ApiClient(app)
    for day, justerad in (("2020-10-30", "2020-11-26"), ("2021-02-19", "2021-02-26")):
        meeting_id = api.post("/meetings", json={"body": "styrelse", "date": day, "items": [{"title": "Ärende"}]}).json["id"]
        api.post(f"/meetings/{meeting_id}/minutes", json={
            "chair": "Peter Vigren", "secretary": "S", "justerare": ["Anders Hahlin"],
            "attendees": [{"name": n, "role": "ledamot"} for n in BOARD]})
        api.post(f"/meetings/{meeting_id}/minutes/justering", json={"date": justerad})
    at("2021-03-05T12:00")
    page = app.test_client().get(f"{A}/anslagstavla").get_data(as_text=True)
    now, archive = page.split("<h2>Arkiv")
    assert "2021-02-19" in now and "2020-10-30" not in now and "2020-10-30" in archive
    login_page = app.test_client().get("/logga-in").get_data(as_text=True)
    assert f'href="{A}/anslagstavla"' in login_page


def test_the_anslag_ends_on_a_working_day():
    from finsam_saas.meetings.calendar import anslag_removed

    assert anslag_removed(date(2020, 11, 30)) == date(2020, 12, 21)  # seed 000
    assert anslag_removed(date(2017, 12, 22)) == date(2018, 1, 12)  # seed 001
    assert anslag_removed(date(2020, 12, 4)) == date(2020, 12, 28)  # juldagen and the weekend after


def test_stored_moments_are_shown_in_stockholm_time():
    from finsam_saas.platform.formatting import sv_datetime

    assert sv_datetime(datetime(2026, 12, 3, 12, 40)) == "2026-12-03 13.40"  # as SQLite gives it back: UTC, no zone
    assert sv_datetime(datetime(2021, 6, 1, 12, 40, tzinfo=timezone.utc)) == "2021-06-01 14.40"
