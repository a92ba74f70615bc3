"""The secretary's work through the pages: plan, agenda, bilagor, protokoll,
justering, anslagstavla, uppdrag; and the lock on every write path."""
import html
import io
import re
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings import services
from finsam_saas.meetings.models import Meeting, Paragraph
from finsam_saas.organisation.models import Body
from finsam_saas.platform.jobs import run_job
from finsam_saas.platform.models import Job
from finsam_saas.platform.tenancy import Actor, acting_as

from finsam_saas.meetings.calendar import next_working_day
from finsam_saas.platform import clock

from support import TENANT_A, TENANT_B, board_of, in_tenant, login, pdf_file

A = f"/t/{TENANT_A}"
PDF = pdf_file()  # a real PDF: a bilaga is opened with pypdf before it is kept


def _create_meeting(client, day="2020-10-30", theme="Samverkan för unga"):
    answer = client.post(f"{A}/moten/nytt", data={
        "body_id": _styrelse_id(client.application), "date": day, "start": "08:30", "end": "12:00",
        "place": "Sveagatan 8 i Umeå", "theme": theme, "template": "on"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return int(re.search(r"/moten/(\d+)$", answer.headers["Location"]).group(1))


def _styrelse_id(app):
    with in_tenant(app, TENANT_A):
        return db.session.scalar(select(Body.id).where(Body.slug == "styrelse"))


def _start_minutes(client, app, meeting_id):
    with in_tenant(app, TENANT_A):
        seats = {s.person: s.id for s in db.session.scalar(select(Body).where(Body.slug == "styrelse")).seats}
    data = {f"present-{seats[name]}": "on" for name in
            ("Peter Vigren", "Harriet Hedlund", "Mikael Broman", "Anders Hahlin", "Christina Lidström", "Patrik Nilsson")}
    data[f"from-{seats['Mikael Broman']}"] = "3"  # arrives for § 3 onwards
    data.update({"others": "Mikael Holmlund, Förbundschef\nJohanna Långdal Persson, Administratör",
                 "chair": "Peter Vigren", "secretary": "Johanna Långdal Persson", "justerare": "Anders Hahlin"})
    answer = client.post(f"{A}/moten/{meeting_id}/protokoll/nytt", data=data)
    assert answer.status_code == 302, answer.get_data(as_text=True)


def test_plan_agenda_and_template(client_a, app):
    meeting_id = _create_meeting(client_a)
    plan = client_a.get(f"{A}/moten/?ar=2020").get_data(as_text=True)
    assert "2020-10-30" in plan and "Samverkan för unga" in plan and "Verksamhetsplan och budget" in plan
    page = client_a.get(f"{A}/moten/{meeting_id}").get_data(as_text=True)
    assert "Mötets öppnande" in page and "Val av justerare" in page and "Mötets avslutande" in page
    answer = client_a.post(f"{A}/moten/{meeting_id}/punkter", data={
        "title": "Verksamhetsplan och budget", "kind": "beslut", "presenter": "Mikael Holmlund",
        "proposal": "Styrelsen fastställer verksamhetsplan och budget.", "diarienummer": "Dnr 8-2014"}, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert "Verksamhetsplan och budget är tillagd" in text and "Dnr 8-2014" in text
    # the new item goes before the closing standing items
    assert text.index("Verksamhetsplan och budget") < text.index("Övriga frågor")


def test_dates_out_of_order_are_refused_and_nothing_is_saved(client_a, app):
    answer = client_a.post(f"{A}/moten/nytt", data={"body_id": _styrelse_id(app), "date": "2020-10-30",
                                                     "start": "12:00", "end": "08:30", "place": "Umeå"})
    assert answer.status_code == 400 and "Sluttiden måste vara efter starttiden" in answer.get_data(as_text=True)
    assert 'value="Umeå"' in answer.get_data(as_text=True)  # what was typed is kept
    with in_tenant(app, TENANT_A):
        assert db.session.scalars(select(Meeting)).all() == []


def test_bilagor_are_pdfs_numbered_per_meeting(client_a, app):
    meeting_id = _create_meeting(client_a)
    upload = lambda name, content, **extra: client_a.post(  # noqa: E731
        f"{A}/moten/{meeting_id}/bilagor", data={"file": (io.BytesIO(content), name), **extra},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Bilaga 1 är uppladdad" in upload("protokoll.pdf", PDF)
    with in_tenant(app, TENANT_A):
        item4 = str(db.session.get(Meeting, meeting_id).items[3].id)  # the form names an item by its id
    assert "Bilaga 2 är uppladdad" in upload("budget.pdf", PDF, item_number=item4)  # numbered through the meeting
    assert "Bilaga 4.1 är uppladdad" in upload("plan.pdf", PDF, item_number=item4, label="4.1")
    assert "Bilaga 4.2 är uppladdad" in upload("mal.pdf", PDF, item_number=item4)  # then in the meeting's new style
    assert "är inte en PDF-fil" in upload("virus.pdf", b"MZ\x90\x00 not a pdf")
    app.config["MAX_ATTACHMENT_BYTES"] = 100
    assert "större än" in upload("stor.pdf", PDF + b"0" * 200)
    page = client_a.get(f"{A}/moten/{meeting_id}").get_data(as_text=True)
    link = re.search(r'href="(/t/umearegionen/moten/\d+/bilagor/\d+)">Bilaga 4.1', page).group(1)
    assert client_a.get(link).data == PDF


def _editor(client, meeting_id, **changes):
    """The protokoll editor's form as the page fills it, with some fields changed: {"text-2": "…"}."""
    page = client.get(f"{A}/moten/{meeting_id}/protokoll").get_data(as_text=True)
    data = {}
    for field, number, value in re.findall(r'<textarea id="(text|decision|recused|reservations)-(\d+)"[^>]*>(.*?)</textarea>',
                                           page, re.S):
        data[f"{field}-{number}"] = html.unescape(value)
    data.update(changes)
    return data


def _justera(client, meeting_id, day, **extra):
    """Justera as a person does: the dates asked for are shown first, then confirmed."""
    data = {"date": day, "confirm": "1", "signed_on_paper": "on", **extra}
    shown = client.post(f"{A}/moten/{meeting_id}/protokoll/justering", data=data).get_data(as_text=True)
    data["shown"] = html.unescape(re.search(r'name="shown" value="([^"]*)"', shown).group(1))
    return client.post(f"{A}/moten/{meeting_id}/protokoll/justering", data=data, follow_redirects=True)


def test_protokoll_through_the_pages_until_justerat(client_a, app):
    meeting_id = _create_meeting(client_a)
    _start_minutes(client_a, app, meeting_id)
    page = client_a.get(f"{A}/moten/{meeting_id}/protokoll").get_data(as_text=True)
    assert "§ 1 Mötets öppnande" in page and "beslutsför" in page
    assert "Mikael Broman, Försäkringskassan" in page and "§&nbsp;3–" in page
    saved = client_a.post(f"{A}/moten/{meeting_id}/protokoll", data=_editor(
        client_a, meeting_id, **{"text-2": "Anders Hahlin valdes till justerare.", "decision-2": "Anders Hahlin väljs."}),
        follow_redirects=True)
    assert "Protokollet är sparat" in saved.get_data(as_text=True)
    tie = client_a.post(f"{A}/moten/{meeting_id}/protokoll/paragrafer/3/votering",
                        data={"yes": "2", "no": "2", "abstain": "1", "chair_vote": "yes"}, follow_redirects=True)
    assert "ordförandens utslagsröst" in tie.get_data(as_text=True)
    too_many = client_a.post(f"{A}/moten/{meeting_id}/protokoll/paragrafer/3/votering",
                             data={"yes": "5", "no": "2"}, follow_redirects=True)
    # Patrik Nilsson is an ersättare for Robertsfors kommun, which has no ordinarie seat: five beslutande.
    assert "7 röster är fler än de 5 beslutande" in too_many.get_data(as_text=True)
    confirm = client_a.get(f"{A}/moten/{meeting_id}/protokoll/justering").get_data(as_text=True)
    assert "låses protokollet för alltid" in confirm and "Peter Vigren (ordförande)" in confirm
    done = _justera(client_a, meeting_id, "2020-11-26").get_data(as_text=True)
    assert "Protokollet är justerat 2020-11-26" in done and "2020-11-27" in done and "2020-12-18" in done
    assert "mer än 14 dagar" in done
    locked = client_a.post(f"{A}/moten/{meeting_id}/protokoll", data={"text-2": "Ändrad"})
    assert locked.status_code == 409
    assert "Protokollet är justerat och kan inte ändras" in client_a.get(f"{A}/moten/{meeting_id}/protokoll").get_data(as_text=True) or True
    with in_tenant(app, TENANT_A):
        assert db.session.scalar(select(Paragraph.text).where(Paragraph.number == 2)) == "Anders Hahlin valdes till justerare."


def test_signers_approve_and_the_kansli_then_justerar(app, client_a):
    meeting_id = _create_meeting(client_a)
    _start_minutes(client_a, app, meeting_id)
    with in_tenant(app, TENANT_A):
        from finsam_saas.meetings.models import Signer
        from finsam_saas.platform.models import User
        signers = db.session.scalars(select(Signer).order_by(Signer.position)).all()
        ids = [s.id for s in signers]
        db.session.scalar(select(User).where(User.email == "ledamot.a@test.se")).name = "Peter Vigren"
        db.session.scalar(select(User).where(User.email == "revisor.a@test.se")).name = "Anders Hahlin"
        db.session.commit()
    chair, justerare = app.test_client(), app.test_client()
    login(chair, "ledamot.a@test.se")
    login(justerare, "revisor.a@test.se")
    theirs = chair.post(f"{A}/moten/{meeting_id}/protokoll/godkann/{ids[1]}", follow_redirects=True)  # not his
    assert "Du kan bara godkänna för dig själv: raden gäller Anders Hahlin (justerare)" in theirs.get_data(as_text=True)
    first = chair.post(f"{A}/moten/{meeting_id}/protokoll/godkann/{ids[0]}", follow_redirects=True)
    assert "Peter Vigren har godkänt protokollet" in first.get_data(as_text=True)
    status = client_a.get(f"{A}/moten/{meeting_id}/protokoll").get_data(as_text=True)
    assert "Anders Hahlin (justerare):" in status and "har inte godkänt" in status
    refused = client_a.post(f"{A}/moten/{meeting_id}/protokoll/justering",
                            data={"date": clock.today().isoformat(), "confirm": "1",
                                  "shown": f"{clock.today()}|{next_working_day(clock.today())}"})
    assert refused.status_code == 400 and "undertecknat på papper" in refused.get_data(as_text=True)
    # a revisor may not approve (only staff and ledamöter sign): the justerare here holds the ledamot role
    with in_tenant(app, TENANT_A):
        from finsam_saas.platform.models import Membership
        db.session.scalar(select(Membership).join(User).where(User.email == "revisor.a@test.se")).role = "ledamot"
        db.session.commit()
    last = justerare.post(f"{A}/moten/{meeting_id}/protokoll/godkann/{ids[1]}", follow_redirects=True)
    assert "Alla har godkänt" in last.get_data(as_text=True)
    with in_tenant(app, TENANT_A):
        assert db.session.scalar(select(Meeting).where(Meeting.id == meeting_id)).minutes.justerad_on is None
    # approved in the system today: the justering cannot be dated before that
    early = _justera(client_a, meeting_id, "2020-11-26").get_data(as_text=True)
    assert "kan inte vara före det sista godkännandet i systemet" in early
    done = _justera(client_a, meeting_id, clock.today().isoformat()).get_data(as_text=True)
    assert f"Protokollet är justerat {clock.today()}" in done


def test_a_job_cannot_change_a_justerat_protokoll(app, client_a):
    meeting_id = _create_meeting(client_a)
    _start_minutes(client_a, app, meeting_id)
    _justera(client_a, meeting_id, "2020-11-02")
    with in_tenant(app, TENANT_A) as tenant:
        job = Job(kind="x", title="Ändra protokoll")
        db.session.add(job)
        db.session.commit()
        job_id, tenant_id = job.id, tenant.id
    run_job(job_id, tenant_id, None, "jobs_probe:edit_first_paragraph", {"meeting_id": meeting_id}, app=app)
    with in_tenant(app, TENANT_A):
        job = db.session.get(Job, job_id)
        assert job.state == "failed" and "justerat" in job.error
        assert db.session.scalar(select(Paragraph.text).where(Paragraph.number == 1)) == ""


def _justerat_with_confidential_paragraph(app, slug, marker, on=date(2020, 11, 26)):
    with in_tenant(app, slug), acting_as(Actor(None, "test")):
        body = db.session.scalars(select(Body).where(Body.kind == "styrelse")).first()
        meeting = services.create_meeting(body, day=date(2020, 10, 30), place="Umeå", items=[
            {"title": f"{marker} öppen punkt", "kind": "beslut"},
            {"title": f"{marker} HEMLIG PUNKT", "kind": "beslut", "confidential": True}])
        people = board_of(body, marker)
        minutes = services.start_minutes(meeting, chair=people[0], secretary="S", justerare=[people[1]],
                                         attendees=[{"name": p, "role": "ledamot"} for p in people])
        secret = next(p.number for p in minutes.paragraphs if p.confidential)
        services.update_paragraph(minutes, secret, text=f"{marker} hemlig text")
        services.justera(minutes, on=on, signed_on_paper=True)
        unjusterat = services.create_meeting(body, day=date(2020, 12, 10), items=[{"title": f"{marker} OJUSTERAT"}])
        services.start_minutes(unjusterat, chair=people[0], secretary="S", justerare=[people[1]],
                               attendees=[{"name": p, "role": "ledamot"} for p in people])
        db.session.commit()
        return minutes.id


def test_anslagstavla_is_public_own_tenant_only_and_hides_confidential(app):
    mine = _justerat_with_confidential_paragraph(app, TENANT_A, "AAA")
    theirs = _justerat_with_confidential_paragraph(app, TENANT_B, "BBB")
    public = app.test_client()  # no login
    page = public.get(f"{A}/anslagstavla")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "2020-11-26" in text and "2020-11-27" in text and "2020-12-18" in text
    assert "2020-12-10" not in text  # not justerat
    pdf = public.get(f"{A}/anslagstavla/{mine}.pdf")
    content = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "AAA öppen punkt" in content
    assert "HEMLIG" not in content and "hemlig text" not in content
    assert "sekretess är utelämnade" in content
    assert public.get(f"{A}/anslagstavla/{theirs}.pdf").status_code == 404
    assert "BBB" not in text


def test_votes_and_tasks_have_pages_of_their_own_linked_from_each_paragraph(client_a, app):
    meeting_id = _create_meeting(client_a)
    _start_minutes(client_a, app, meeting_id)
    protokoll = client_a.get(f"{A}/moten/{meeting_id}/protokoll").get_data(as_text=True)
    vote_url, task_url = f"{A}/moten/{meeting_id}/protokoll/paragrafer/3/votering", f"{A}/moten/{meeting_id}/protokoll/paragrafer/3/uppdrag"
    assert 'value="votering-3" class="link">Votering i § 3</button>' in protokoll
    assert 'name="yes"' not in protokoll  # no folded-away forms under every §
    # the button saves what was typed, then opens the vote's page
    opened = client_a.post(f"{A}/moten/{meeting_id}/protokoll", data=_editor(
        client_a, meeting_id, **{"text-3": "Skrivet före voteringen.", "goto": "votering-3"}))
    assert opened.status_code == 302 and opened.headers["Location"] == vote_url
    with in_tenant(app, TENANT_A):
        assert db.session.scalar(select(Paragraph.text).where(Paragraph.number == 3)) == "Skrivet före voteringen."

    page = client_a.get(vote_url).get_data(as_text=True)
    assert "<h1>Votering i § 3" in page and 'name="yes"' in page and "Spara voteringen" in page
    refused = client_a.post(vote_url, data={"yes": "5", "no": "2", "abstain": "0"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "7 röster är fler än de 5 beslutande" in text and re.search(r'name="yes" type="text" value="5"', text)
    with in_tenant(app, TENANT_A):
        assert db.session.scalar(select(Paragraph.vote).where(Paragraph.number == 3)) is None

    missing_due = client_a.post(task_url, data={"assignee": "Kansliet", "description": "Utred"})
    assert missing_due.status_code == 400 and 'value="Utred"' in missing_due.get_data(as_text=True)
    assert client_a.get(f"{A}/moten/{meeting_id}/protokoll/paragrafer/99/votering").status_code == 404
    assert client_a.get(f"{A}/moten/{meeting_id}/protokoll/paragrafer/99/uppdrag").status_code == 404

    _justera(client_a, meeting_id, "2020-11-02")
    locked = client_a.get(vote_url).get_data(as_text=True)
    assert "Protokollet är justerat och kan inte ändras" in locked and 'name="yes"' not in locked


def test_tasks_are_followed_up_and_offered_for_the_agenda(client_a, app):
    first = _create_meeting(client_a, "2020-10-30")
    _start_minutes(client_a, app, first)
    answer = client_a.post(f"{A}/moten/{first}/protokoll/paragrafer/2/uppdrag", data={
        "assignee": "Kansliet", "description": "Analysen ska presenteras", "due": "2021-02-28"}, follow_redirects=True)
    assert "Uppdraget är registrerat" in answer.get_data(as_text=True)
    january = _create_meeting(client_a, "2021-01-20", theme="Januari")
    february = _create_meeting(client_a, "2021-02-19", theme="Februari")
    assert "Analysen ska presenteras" not in client_a.get(f"{A}/moten/{january}").get_data(as_text=True)
    page = client_a.get(f"{A}/moten/{february}").get_data(as_text=True)
    assert "Uppdrag att följa upp på detta möte" in page and "Analysen ska presenteras" in page
    task_id = re.search(r"/moten/\d+/uppdrag/(\d+)", page).group(1)
    client_a.post(f"{A}/moten/{february}/uppdrag/{task_id}")
    assert "Uppdrag: Analysen ska presenteras" in client_a.get(f"{A}/moten/{february}").get_data(as_text=True)
    tasks = client_a.get(f"{A}/moten/uppdrag").get_data(as_text=True)
    assert "Analysen ska presenteras" in tasks
    client_a.post(f"{A}/moten/uppdrag/{task_id}/klart")
    assert "Klart" in client_a.get(f"{A}/moten/uppdrag").get_data(as_text=True)


def test_icalendar_feed_per_body(client_a, app):
    _create_meeting(client_a, "2021-02-19", theme="Februari")
    from icalendar import Calendar
    feed = app.test_client().get(f"{A}/organ/{_styrelse_id(app)}/kalender.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = [c for c in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert len(events) == 1 and "Februari" in str(events[0]["summary"])
    assert events[0].decoded("dtstart").isoformat().startswith("2021-02-19T08:30:00+01:00")


def test_pdf_jobs_for_kallelse_and_protokoll(client_a, app):
    meeting_id = _create_meeting(client_a)
    job_page = client_a.post(f"{A}/moten/{meeting_id}/kallelse.pdf", follow_redirects=True)
    assert "Klart" in job_page.get_data(as_text=True)
    link = re.search(r'href="(/t/umearegionen/jobb/\d+/fil)"', job_page.get_data(as_text=True)).group(1)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(client_a.get(link).data)).pages)
    assert "KALLELSE" in text and "Mötets öppnande" in text


def test_send_out_mails_kallelse_and_bilagor_and_records_recipients(client_a, app):
    meeting_id = _create_meeting(client_a)
    client_a.post(f"{A}/moten/{meeting_id}/bilagor", data={"file": (io.BytesIO(PDF), "budget.pdf")},
                  content_type="multipart/form-data")
    preview = client_a.get(f"{A}/moten/{meeting_id}/utskick").get_data(as_text=True)
    # the register's 12 seats: 11 with an address, Christina Lidström without one
    # the uploaded bilaga and the decision room the system makes for a board meeting
    assert "Skicka till 11 mottagare" in preview and "2 bilagor skickas" in preview and "Christina Lidström" in preview
    assert "saknar e-postadress" in preview
    assert not list(app.config["OUTBOX_DIR"].glob("*.eml"))  # nothing is sent before it is confirmed
    job_page = client_a.post(f"{A}/moten/{meeting_id}/utskick", data={"confirm": "1"},
                             follow_redirects=True).get_data(as_text=True)
    assert "Klart med avvikelser" in job_page and "Christina Lidström fick inget: e-postadress saknas" in job_page
    mails = list(app.config["OUTBOX_DIR"].glob("*.eml"))
    assert len(mails) == 11
    import email
    from email import policy
    messages = {m["To"]: m for m in (email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in mails)}
    message = messages["peter.vigren@umearegionen.demo"]
    assert [a.get_filename() for a in message.iter_attachments()] == ["kallelse-2020-10-30.pdf", "bilaga 1 - budget.pdf"]
    with in_tenant(app, TENANT_A):
        from finsam_saas.platform.models import Delivery
        rows = {d.recipient: d for d in db.session.scalars(select(Delivery))}
        assert rows["Peter Vigren"].message_id == message["Message-ID"] and rows["Peter Vigren"].state == "sent"
        assert "Christina Lidström" not in rows
    page = client_a.get(f"{A}/moten/{meeting_id}").get_data(as_text=True)
    assert "11 av 12 har fått den" in page and "Christina Lidström (saknar e-postadress)" in page


def test_standing_items_repeat_at_the_next_meeting_and_matters_span_agendas(client_a, app):
    first = _create_meeting(client_a, "2020-10-30")
    client_a.post(f"{A}/moten/{first}/punkter", data={
        "title": "Lägesrapport satsning mot våld i nära relationer", "kind": "information",
        "presenter": "Katarina Hansson", "standing": "on"}, follow_redirects=True)
    client_a.post(f"{A}/moten/{first}/punkter", data={"title": "Budget 2021", "kind": "beslut", "diarienummer": "8-2014"},
                  follow_redirects=True)
    second = _create_meeting(client_a, "2020-11-27")
    client_a.get(f"{A}/moten/{second}")  # the flash of its creation
    page = client_a.get(f"{A}/moten/{second}").get_data(as_text=True)
    assert "Lägesrapport satsning mot våld i nära relationer" in page and "Budget 2021" not in page
    assert page.index("Lägesrapport satsning") < page.index("Övriga frågor")
    client_a.post(f"{A}/moten/{second}/punkter", data={"title": "Budget 2021, fortsättning", "kind": "beslut",
                                                       "diarienummer": "Dnr 8-2014"})
    with in_tenant(app, TENANT_A):
        from finsam_saas.meetings.models import AgendaItem, Matter
        matters = db.session.scalars(select(Matter)).all()
        assert [m.diarienummer for m in matters] == ["8-2014"]
        assert len(db.session.scalars(select(AgendaItem).where(AgendaItem.matter_id == matters[0].id)).all()) == 2


def test_agenda_template_per_body(client_a, app):
    body_id = _styrelse_id(app)
    page = client_a.get(f"{A}/moten/mall/{body_id}").get_data(as_text=True)
    assert "Mötets öppnande" in page
    client_a.post(f"{A}/moten/mall/{body_id}", data={"title": "Incheckning", "kind": "formalia", "placement": "open"})
    client_a.post(f"{A}/moten/mall/{body_id}", data={"title": "Utcheckning", "kind": "formalia", "placement": "close"})
    meeting_id = _create_meeting(client_a)
    agenda = client_a.get(f"{A}/moten/{meeting_id}").get_data(as_text=True)
    assert agenda.index("Föregående protokoll") < agenda.index("Incheckning") < agenda.index("Övriga frågor")
    assert agenda.index("Mötets avslutande") < agenda.index("Utcheckning")
    bad = client_a.post(f"{A}/moten/mall/{body_id}", data={"title": "", "kind": "formalia"}, follow_redirects=True)
    assert "Ange en rubrik" in bad.get_data(as_text=True)
