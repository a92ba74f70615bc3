"""Every board meeting's kallelse carries the decision room, with each application on its agenda."""
import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.economy.demo import load_uppsala
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.meetings import services as meetings
from finsam_saas.meetings.documents import notice_pdf
from finsam_saas.organisation.models import Body

from support import in_tenant


def test_decision_room_bilaga_with_the_applications_on_the_agenda(app):
    app.test_cli_runner().invoke(args=["users", "grant", "kansli.a@test.se", "uppsala-lan", "kansli"])
    with in_tenant(app, "uppsala-lan"):
        load_uppsala()
        fs = db.session.scalar(select(Body).where(Body.slug == "forbundsstyrelse"))
        meeting = meetings.create_meeting(fs, day=date(2022, 3, 24), with_template=False, items=[{"title": "Öppnande"}])
        application = insatser.create_application(title="Heby, ny plattform", applicant="Heby kommun",
                                                  amounts={"2022": 300_000})
        insatser.put_on_agenda(application, meeting, recommendation="Bifall")
        db.session.commit()
        meeting_id = meeting.id
    client = app.test_client()
    from support import login
    login(client, "kansli.a@test.se")
    page = client.get(f"/t/uppsala-lan/moten/{meeting_id}").get_data(as_text=True)
    link = f"/t/uppsala-lan/moten/{meeting_id}/bilaga/beslutsutrymme"
    assert f'href="{link}">Ekonomisk information: beslutsutrymme</a>' in page
    bilaga = client.get(link).get_data(as_text=True)
    assert "Ekonomisk information: beslutsutrymme" in bilaga and "Heby, ny plattform" in bilaga
    assert "463" in bilaga and "163" in bilaga  # room 463 tkr, 163 tkr after the application
    assert client.get(f"/t/uppsala-lan/moten/{meeting_id}/bilaga/okand").status_code == 404
    with app.test_request_context(), in_tenant(app, "uppsala-lan"):  # as a job renders it: no g.tenant
        from finsam_saas.meetings.models import Meeting
        pdf = notice_pdf(db.session.get(Meeting, meeting_id))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Beslutsutrymme efter ansökningar" in text and "Heby, ny plattform" in text


def test_decision_room_bilaga_only_for_board_meetings_and_only_in_its_tenant(app):
    app.test_cli_runner().invoke(args=["users", "grant", "kansli.a@test.se", "uppsala-lan", "kansli"])
    with in_tenant(app, "uppsala-lan"):
        load_uppsala()
        board = db.session.scalar(select(Body).where(Body.slug == "forbundsstyrelse"))
        other = db.session.scalar(select(Body).where(Body.kind != "styrelse"))
        board_meeting = meetings.create_meeting(board, day=date(2022, 5, 5), with_template=False, items=[{"title": "Öppnande"}])
        other_meeting = meetings.create_meeting(other, day=date(2022, 5, 6), with_template=False, items=[{"title": "Öppnande"}])
        db.session.commit()
        board_id, other_id = board_meeting.id, other_meeting.id
    from support import login
    uppsala, skelleftea = app.test_client(), app.test_client()
    login(uppsala, "kansli.a@test.se")
    login(skelleftea, "kansli.b@test.se")
    other_page = uppsala.get(f"/t/uppsala-lan/moten/{other_id}").get_data(as_text=True)
    assert "/bilaga/beslutsutrymme" not in other_page
    assert uppsala.get(f"/t/uppsala-lan/moten/{other_id}/bilaga/beslutsutrymme").status_code == 404
    assert uppsala.get(f"/t/uppsala-lan/moten/{board_id}/bilaga/beslutsutrymme").status_code == 200
    # Another förbund's kansli finds neither the meeting nor its bilaga, under either tenant's address.
    assert skelleftea.get(f"/t/uppsala-lan/moten/{board_id}/bilaga/beslutsutrymme").status_code == 404
    assert skelleftea.get(f"/t/skelleftea-norsjo/moten/{board_id}/bilaga/beslutsutrymme").status_code == 404
