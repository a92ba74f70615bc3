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
    assert "Ekonomisk information: beslutsutrymme" in page and "Heby, ny plattform" in page
    assert "463" in page and "163" in page  # room 463 tkr, 163 tkr after the application
    with app.test_request_context(), in_tenant(app, "uppsala-lan"):  # as a job renders it: no g.tenant
        from finsam_saas.meetings.models import Meeting
        pdf = notice_pdf(db.session.get(Meeting, meeting_id))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Beslutsutrymme efter ansökningar" in text and "Heby, ny plattform" in text
