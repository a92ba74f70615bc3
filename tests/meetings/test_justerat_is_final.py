"""Justerat means final (issue 15): every path that once changed a justerat protokoll is refused
— pages, ORM bulk statements, plain SQL as the app role and as the superuser — the stored
PDF/A is served as justerat whatever changes later, a tampered file is never served, the
archive check finds it, and a rättelse is noted beside the original without changing it."""
from __future__ import annotations

import hashlib
import io
from datetime import date, time

import psycopg
import pytest
from pypdf import PdfReader
from sqlalchemy import select, text, update
from werkzeug.datastructures import FileStorage

from finsam_saas.economy import services as economy
from finsam_saas.economy.models import Budget
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.insatser.models import Application
from finsam_saas.meetings import archive, attachments as bilagor, services
from finsam_saas.meetings.models import Attachment, Meeting, Minutes, MinutesOriginal, Paragraph, Task
from finsam_saas.organisation.models import Body
from finsam_saas.platform import clock
from finsam_saas.platform.documents import render_pdf
from finsam_saas.platform.files import tenant_dir
from finsam_saas.platform.rules import RuleViolation
from finsam_saas.platform.tenancy import Actor, acting_as

from support import PG_HOST, PG_PORT, PG_SUPERUSER, TENANT_A, TENANT_B, ApiClient, board_of, in_tenant, login

A = f"/t/{TENANT_A}"
BOARD = ["Peter Vigren", "Harriet Hedlund", "Mikael Broman", "Anders Hahlin", "Christina Lidström"]


def _justerat(app, slug=TENANT_A, marker="Vuxentorget") -> dict:
    """A protokoll justerat 2020-11-05 with an uppdrag, a bilaga, an ansökan and a budget on its
    agenda (both still undecided), and a confidential §; the ids of what hangs on it."""
    from flask import g

    with in_tenant(app, slug) as tenant, acting_as(Actor(None, "test")):
        g.tenant = tenant
        body = db.session.scalar(select(Body).where(Body.slug == "styrelse"))
        meeting = services.create_meeting(body, day=date(2020, 10, 30), start=time(9), end=time(12), place="Umeå",
                                          items=[{"title": "Information", "kind": "information"},
                                                 {"title": "Personalärende", "kind": "beslut", "confidential": True}])
        application = insatser.create_application(title=marker, applicant="Umeå kommun", amounts={"2021": 100_000})
        insatser.put_on_agenda(application, meeting)
        budget = economy.put_budget(2021, [{"section": "income", "name": "Försäkringskassan", "amount": 5_690_000}],
                                    equity_start=2_040_000)
        economy.put_budget_on_agenda(budget, meeting)
        pdf = render_pdf("<html lang='sv'><title>Bilaga</title><p>Budgetunderlag</p></html>")
        attachment = bilagor.add_attachment(meeting, FileStorage(io.BytesIO(pdf), filename="budget.pdf"),
                                            title="Budgetunderlag")
        board = BOARD if slug == TENANT_A else board_of(body, marker)
        minutes = services.start_minutes(meeting, chair=board[0], secretary="S", justerare=[board[1]],
                                         attendees=[{"name": p, "role": "ledamot"} for p in board])
        info = next(p for p in minutes.paragraphs if p.title == "Information")
        # The board postponed the ansökan and the budget: their §§ decide nothing (justering
        # refuses a § that says "bifaller" while the decision is not registered).
        for p in minutes.paragraphs:
            if p.title.startswith(("Ansökan", "Verksamhetsplan")):
                services.update_paragraph(minutes, p.number, text="Ärendet bordläggs.", decision="")
        services.update_paragraph(minutes, info.number, text=f"{marker}: information om läget.")
        task = services.add_task(minutes, info.number, assignee="Kansliet", description="Återrapportera",
                                 due=date(2021, 3, 1))
        services.justera(minutes, on=date(2020, 11, 5), signed_on_paper=True)
        db.session.commit()
        return {"meeting": meeting.id, "minutes": minutes.id, "paragraph": info.id, "number": info.number,
                "opening": minutes.paragraphs[0].id, "task": task.id, "attachment": attachment.id,
                "application": application.id, "budget": budget.id,
                "own": next(p.id for p in minutes.paragraphs if p.title.startswith("Ansökan")),
                "budget_paragraph": next(p.id for p in minutes.paragraphs if p.title.startswith("Verksamhetsplan"))}


def _snapshot(app, ids, slug=TENANT_A) -> tuple:
    """What the justerat protokoll says and hangs on, to compare before and after an attempt."""
    with in_tenant(app, slug):
        minutes = db.session.get(Minutes, ids["minutes"])
        meeting = minutes.meeting
        task = db.session.get(Task, ids["task"])
        application = db.session.get(Application, ids["application"])
        budget = db.session.get(Budget, ids["budget"])
        return (services.content_hash(minutes), minutes.justerad_on, meeting.place, meeting.start, meeting.date,
                [(p.number, p.text, p.decision) for p in minutes.paragraphs], task.description, task.due,
                [(a.label, a.title, a.sha256) for a in meeting.attachments], application.status,
                application.paragraph_id, budget.decided_paragraph_id, len(minutes.signers), len(minutes.attendees))


# --- pages: decisions, bilagor, the meeting, uppdrag -----------------------------------------

def test_no_page_changes_a_justerat_protokoll_or_what_hangs_on_it(client_a, app):
    ids = _justerat(app)
    before = _snapshot(app, ids)
    attempts = [
        # an ansökan decided in a § of the justerat protokoll (its own, and "§ Mötets öppnande")
        (f"{A}/insatser/ansokningar/{ids['application']}/beslut",
         {"data": {"decision": "bifall", "paragraph_id": str(ids["own"])}}),
        (f"{A}/insatser/ansokningar/{ids['application']}/beslut",
         {"data": {"decision": "bifall", "paragraph_id": str(ids["opening"])}}),
        # the budget adopted in a § of it
        (f"{A}/ekonomi/budget/beslut?ar=2021", {"data": {"paragraph_id": str(ids["budget_paragraph"])}}),
        # a new bilaga to the meeting
        (f"{A}/moten/{ids['meeting']}/bilagor", {"data": {"title": "Sen bilaga", "file": (io.BytesIO(b"%PDF-1.4 sen"), "sen.pdf")},
                                                 "content_type": "multipart/form-data"}),
        # the bilaga's title
        (f"{A}/moten/{ids['meeting']}/bilagor/{ids['attachment']}/andra", {"data": {"title": "Ny titel", "label": "1"}}),
        # the meeting's place and start time
        (f"{A}/moten/{ids['meeting']}/andra", {"data": {"date": "2020-10-30", "start": "10:00", "end": "12:00",
                                                        "place": "Skellefteå", "theme": "", "confirm": "on"}}),
        # the uppdrag's text, and taking it away
        (f"{A}/moten/uppdrag/{ids['task']}", {"data": {"assignee": "Kansliet", "description": "Något annat",
                                                       "due": "2021-03-01"}}),
        (f"{A}/moten/uppdrag/{ids['task']}", {"data": {"remove": "1", "confirm": "1"}}),
    ]
    for url, kwargs in attempts:
        answer = client_a.post(url, follow_redirects=True, **kwargs)
        shown = answer.get_data(as_text=True)
        assert answer.status_code in (200, 400, 409), (url, answer.status_code)
        assert "justerat" in shown or "skickad" in shown, (url, shown[shown.find("<main"):][:1500])
    assert _snapshot(app, ids) == before


def test_the_api_refuses_the_same_with_409_justerad(app):
    ids = _justerat(app)
    before = _snapshot(app, ids)
    api = ApiClient(app)
    moved = api.patch(f"/meetings/{ids['meeting']}", json={"place": "Skellefteå"})
    edited = api.patch(f"/meetings/{ids['meeting']}/minutes/paragraphs/{ids['number']}", json={"text": "Ny text"})
    for answer in (moved, edited):
        assert answer.status_code == 409 and answer.json["error"]["code"] == "justerad", answer.json
    assert _snapshot(app, ids) == before


# --- bulk ORM statements and plain SQL, through the app and around it ------------------------

STATEMENTS = [
    "UPDATE paragraphs SET text = 'ändrad i efterhand' WHERE id = {paragraph}",
    "DELETE FROM paragraphs WHERE id = {paragraph}",
    "UPDATE minutes SET justerad_on = NULL WHERE id = {minutes}",
    "UPDATE minutes SET chair = 'Någon annan' WHERE id = {minutes}",
    "UPDATE meetings SET place = 'Skellefteå' WHERE id = {meeting}",
    "UPDATE meetings SET start = '10:00:00' WHERE id = {meeting}",
    "UPDATE tasks SET description = 'Något annat' WHERE id = {task}",
    "DELETE FROM tasks WHERE id = {task}",
    "UPDATE attachments SET title = 'Ny titel' WHERE id = {attachment}",
    "UPDATE attachments SET sha256 = 'ff' WHERE id = {attachment}",
    "UPDATE attendees SET name = 'Någon annan' WHERE minutes_id = {minutes}",
    "DELETE FROM signers WHERE minutes_id = {minutes}",
    "UPDATE applications SET status = 'bifall', paragraph_id = {own} WHERE id = {application}",
    "UPDATE budgets SET decided_paragraph_id = {budget_paragraph} WHERE id = {budget}",
    "UPDATE minutes_originals SET sha256 = 'ff' WHERE minutes_id = {minutes}",
]


def test_bulk_and_plain_sql_through_the_app_are_refused_by_the_database(any_app):
    ids = _justerat(any_app)
    before = _snapshot(any_app, ids)
    with in_tenant(any_app, TENANT_A):
        for statement in STATEMENTS:
            with pytest.raises(RuleViolation) as refused:
                db.session.execute(text(statement.format(**ids)))
            assert refused.value.code == "justerad"
            db.session.rollback()
        for bulk in (update(Paragraph).where(Paragraph.id == ids["paragraph"]).values(decision="ändrad"),
                     update(Minutes).where(Minutes.id == ids["minutes"]).values(justerad_on=None),
                     update(Meeting).where(Meeting.id == ids["meeting"]).values(place="Skellefteå")):
            with pytest.raises(RuleViolation):
                db.session.execute(bulk)
            db.session.rollback()
        # What is not printed still changes: an uppdrag is followed up after justering.
        db.session.execute(text(f"UPDATE tasks SET done_on = '2021-02-01' WHERE id = {ids['task']}"))
        db.session.commit()
    assert _snapshot(any_app, ids) == before


def test_plain_sql_as_the_app_role_and_as_the_superuser_is_refused_on_postgresql(pg_app, postgres):
    ids = _justerat(pg_app)
    before = _snapshot(pg_app, ids)
    with in_tenant(pg_app, TENANT_A) as tenant:
        tenant_id = tenant.id
    database = pg_app.config["PG_DATABASE"]
    for user in (postgres.role, PG_SUPERUSER):
        with psycopg.connect(f"postgresql://{user}@{PG_HOST}:{PG_PORT}/{database}", autocommit=True) as conn:
            for statement in STATEMENTS:
                with conn.transaction():
                    conn.execute(f"SET LOCAL app.tenant_id = '{tenant_id}'")
                    with pytest.raises(psycopg.errors.RaiseException, match="justerad"):
                        with conn.transaction():
                            conn.execute(statement.format(**ids))
    assert _snapshot(pg_app, ids) == before


# --- the stored original ---------------------------------------------------------------------

def _stored(app, ids, public=False) -> MinutesOriginal:
    with in_tenant(app, TENANT_A):
        row = db.session.scalar(select(MinutesOriginal).where(MinutesOriginal.minutes_id == ids["minutes"],
                                                              MinutesOriginal.public.is_(public)))
        db.session.expunge(row)
        return row


def test_the_original_is_stored_at_justering_and_served_unchanged_after_a_rename(client_a, app, tmp_path):
    ids = _justerat(app)
    original, public = _stored(app, ids), _stored(app, ids, public=True)
    assert original.sha256 != public.sha256 and original.printed_names["tenant"] == "Samordningsförbundet Umeåregionen"
    first = client_a.get(f"{A}/moten/{ids['meeting']}/protokoll/original.pdf").data
    assert hashlib.sha256(first).hexdigest() == original.sha256
    reader = PdfReader(io.BytesIO(first))
    assert "Samordningsförbundet Umeåregionen" in reader.pages[0].extract_text()
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    anslag = app.test_client().get(f"{A}/anslagstavla/{ids['minutes']}.pdf").data
    assert hashlib.sha256(anslag).hexdigest() == public.sha256
    assert "Personalärende" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(anslag)).pages)
    # The förbund is renamed and its anslag text changed by a tenants sync.
    source = (app.config["TENANTS_DIR"] / f"{TENANT_A}.toml").read_text()
    renamed = tmp_path / "tenants"
    renamed.mkdir()
    for path in app.config["TENANTS_DIR"].glob("*.toml"):
        (renamed / path.name).write_text(path.read_text())
    (renamed / f"{TENANT_A}.toml").write_text(
        source.replace('name = "Samordningsförbundet Umeåregionen"', 'name = "Finsam Umeå med omnejd"', 1))
    from finsam_saas.organisation.services import load_tenant_files, sync_tenants
    with app.app_context():
        sync_tenants(load_tenant_files(renamed))
        db.session.commit()
    with in_tenant(app, TENANT_A) as tenant:
        assert tenant.name == "Finsam Umeå med omnejd"
    assert client_a.get(f"{A}/moten/{ids['meeting']}/protokoll/original.pdf").data == first
    assert app.test_client().get(f"{A}/anslagstavla/{ids['minutes']}.pdf").data == anslag
    assert ApiClient(app).get(f"/meetings/{ids['meeting']}/minutes.pdf").data == first
    page = client_a.get(f"{A}/moten/{ids['meeting']}/protokoll").get_data(as_text=True)
    assert "Det justerade protokollet (PDF/A)" in page


def test_a_tampered_file_is_never_served_and_the_archive_check_finds_it(client_a, app):
    ids = _justerat(app)
    assert client_a.get(f"{A}/moten/{ids['meeting']}/bilagor/{ids['attachment']}").status_code == 200
    with in_tenant(app, TENANT_A) as tenant:
        assert all(c.ok for c in archive.check_archive())
        files = tenant_dir(tenant.slug)
        attachment_path = files / db.session.get(Attachment, ids["attachment"]).path
    original = _stored(app, ids)
    (files / original.path).write_bytes(b"%PDF-1.7 ett annat protokoll")
    attachment_path.write_bytes(b"%PDF-1.7 en annan bilaga")
    for url in (f"{A}/moten/{ids['meeting']}/protokoll/original.pdf",
                f"{A}/moten/{ids['meeting']}/bilagor/{ids['attachment']}"):
        answer = client_a.get(url)
        assert answer.status_code == 500 and "Filen är skadad" in answer.get_data(as_text=True)
        assert b"ett annat" not in answer.data and b"en annan" not in answer.data
    api = ApiClient(app).get(f"/meetings/{ids['meeting']}/minutes.pdf")
    assert api.status_code == 500 and api.json["error"]["code"] == "damaged_file"
    # The check, as a job from the page, and from the command line.
    login(client_a, "revisor.a@test.se")
    started = client_a.post(f"{A}/moten/arkivkontroll", follow_redirects=True)
    assert started.status_code == 200
    page = client_a.get(f"{A}/moten/arkivkontroll").get_data(as_text=True)
    assert "1 stämmer inte" in page and "Filen för originalet har ändrats" in page and "Bilaga 1 (budget.pdf)" in page
    result = app.test_cli_runner().invoke(args=["verify-archive", "--tenant", TENANT_A])
    assert result.exit_code == 1 and "1 stämmer inte" in result.output
    assert "Filen för originalet har ändrats" in result.output


def test_a_job_file_changed_on_disk_is_refused(client_a, app):
    meeting_id = ApiClient(app).post("/meetings", json={"body": "styrelse", "date": "2031-03-01",
                                                        "template": True}).json["id"]
    job_page = client_a.post(f"{A}/moten/{meeting_id}/kallelse.pdf", follow_redirects=True)
    assert job_page.status_code == 200
    from finsam_saas.platform.models import Job
    with in_tenant(app, TENANT_A) as tenant:
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert job.state == "finished" and job.result["sha256"]
        path = tenant_dir(tenant.slug) / job.result["file"]
        job_id = job.id
    assert client_a.get(f"{A}/jobb/{job_id}/fil").status_code == 200
    path.write_bytes(b"%PDF-1.7 annat")
    assert client_a.get(f"{A}/jobb/{job_id}/fil").status_code == 500


def test_the_archive_of_one_tenant_is_not_another_tenants(app, client_a):
    ids_b = _justerat(app, TENANT_B, marker="Skellefteåtorget")
    _justerat(app)
    with in_tenant(app, TENANT_A):
        checked = archive.check_archive()
        assert len(checked) == 1 and checked[0].minutes.id != ids_b["minutes"]
    assert client_a.get(f"{A}/moten/{ids_b['meeting']}/protokoll/original.pdf").status_code == 404
    assert client_a.get(f"{A}/moten/{ids_b['meeting']}/protokoll/rattelse").status_code == 404
    result = app.test_cli_runner().invoke(args=["verify-archive"])
    assert result.exit_code == 0 and "0 stämmer inte" in result.output


def test_a_protokoll_justerat_before_originals_were_kept_gets_one_from_its_locked_rows(app, client_a):
    ids = _justerat(app)
    with in_tenant(app, TENANT_A):
        # As a database migrated from before 0018 has it: justerat, nothing stored.
        db.session.execute(text("DROP TRIGGER IF EXISTS refuse_justerad_minutes_originals_delete"))
        db.session.execute(text(f"DELETE FROM minutes_originals WHERE minutes_id = {ids['minutes']}"))
        db.session.commit()
    pdf = client_a.get(f"{A}/moten/{ids['meeting']}/protokoll/original.pdf")
    assert pdf.status_code == 200
    stored = _stored(app, ids)
    assert stored.backfilled and hashlib.sha256(pdf.data).hexdigest() == stored.sha256
    assert client_a.get(f"{A}/moten/{ids['meeting']}/protokoll/original.pdf").data == pdf.data


# --- rättelse --------------------------------------------------------------------------------

def test_a_rattelse_is_noted_beside_the_original_and_never_changed(client_a, app):
    ids = _justerat(app)
    original = _stored(app, ids)
    url = f"{A}/moten/{ids['meeting']}/protokoll/rattelse"
    form = client_a.get(url).get_data(as_text=True)
    assert "ändras aldrig" in form and "Peter Vigren, Harriet Hedlund" in form
    unconfirmed = client_a.post(url, data={"text": "Namnet ska vara Anna Lindberg.", "signed_by": "Peter Vigren",
                                           "made_on": "2020-11-10", "paragraph_number": str(ids["number"])})
    assert unconfirmed.status_code == 400 and "kryssa i att du vet" in unconfirmed.get_data(as_text=True)
    assert "Namnet ska vara Anna Lindberg." in unconfirmed.get_data(as_text=True)  # what was typed is kept
    wrong = client_a.post(url, data={"text": "", "signed_by": "Peter Vigren, asdf", "made_on": "2020-11-01",
                                     "paragraph_number": "999"})
    shown = wrong.get_data(as_text=True)
    # Every mistake at once, each named.
    assert wrong.status_code == 400 and "Rättelsens text: saknas" in shown and "kryssa i att du vet" in shown
    assert "§ 999 finns inte" in shown and "före justeringen 2020-11-05" in shown
    assert "asdf har inte justerat protokollet" in shown
    saved = client_a.post(url, data={"text": "Namnet ska vara Anna Lindberg.", "signed_by": "Peter Vigren",
                                     "made_on": "2020-11-10", "paragraph_number": str(ids["number"]), "confirm": "on"},
                          follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "Rättelsen är sparad" in page and f"Rättelse 2020-11-10, § {ids['number']}:" in page
    twice = client_a.post(url, data={"text": "Namnet ska vara Anna Lindberg.", "signed_by": "Peter Vigren",
                                     "made_on": "2020-11-10", "paragraph_number": str(ids["number"]), "confirm": "on"})
    assert twice.status_code == 409 and "redan antecknad" in twice.get_data(as_text=True)
    board = app.test_client().get(f"{A}/anslagstavla").get_data(as_text=True)
    assert "Rättelse 2020-11-10" in board and "Anna Lindberg" in board
    api = ApiClient(app)
    assert api.get(f"/meetings/{ids['meeting']}").json["minutes"]["corrections"][0]["signed_by"] == "Peter Vigren"
    body = {"text": "Datumet i § 1 ska vara 2020-10-30.", "signed_by": "Peter Vigren, S"}
    assert api.post(f"/meetings/{ids['meeting']}/minutes/corrections", json=body).status_code == 400
    added = api.post(f"/meetings/{ids['meeting']}/minutes/corrections", json={**body, "confirm": True})
    assert added.status_code == 201 and added.json["made_on"] == clock.today().isoformat()
    assert len(api.get(f"/meetings/{ids['meeting']}").json["minutes"]["corrections"]) == 2
    assert _stored(app, ids).sha256 == original.sha256
    with in_tenant(app, TENANT_A):
        for statement in ("UPDATE corrections SET text = 'annat'", "DELETE FROM corrections"):
            with pytest.raises(RuleViolation):
                db.session.execute(text(statement))
            db.session.rollback()
    login(client_a, "ledamot.a@test.se")
    assert client_a.get(url).status_code == 403


def test_a_rattelse_is_refused_before_justering(app):
    with in_tenant(app, TENANT_A), acting_as(Actor(None, "test")):
        body = db.session.scalar(select(Body).where(Body.slug == "styrelse"))
        meeting = services.create_meeting(body, day=date(2020, 10, 30), items=[{"title": "Information"}])
        minutes = services.start_minutes(meeting, chair=BOARD[0], secretary="S", justerare=[BOARD[1]],
                                         attendees=[{"name": p, "role": "ledamot"} for p in BOARD])
        with pytest.raises(RuleViolation) as refused:
            services.add_correction(minutes, text="x", signed_by="y")
        assert refused.value.code == "not_justerad"


def test_justering_is_refused_while_a_decision_the_protokoll_states_is_not_registered(app):
    with in_tenant(app, TENANT_A), acting_as(Actor(None, "test")):
        body = db.session.scalar(select(Body).where(Body.slug == "styrelse"))
        meeting = services.create_meeting(body, day=date(2020, 10, 30), items=[{"title": "Information"}])
        application = insatser.create_application(title="Vuxentorget", applicant="Umeå kommun",
                                                  amounts={"2021": 100_000})
        insatser.put_on_agenda(application, meeting)
        minutes = services.start_minutes(meeting, chair=BOARD[0], secretary="S", justerare=[BOARD[1]],
                                         attendees=[{"name": p, "role": "ledamot"} for p in BOARD])
        own = next(p for p in minutes.paragraphs if p.title.startswith("Ansökan"))
        assert own.decision  # the förslag till beslut, prefilled
        with pytest.raises(RuleViolation) as refused:
            services.justera(minutes, on=date(2020, 11, 5), signed_on_paper=True)
        assert refused.value.code == "undecided" and f'ansökan "Vuxentorget" (§ {own.number})' in refused.value.message
        insatser.decide_application(application, own, decision="avslag")
        services.justera(minutes, on=date(2020, 11, 5), signed_on_paper=True)


def test_a_held_meeting_sends_no_kallelse_and_its_locked_pages_are_not_offered(client_a, app):
    ids = _justerat(app)
    page = client_a.get(f"{A}/moten/{ids['meeting']}/utskick").get_data(as_text=True)
    assert "protokollet är justerat; kallelsen skickas inte längre" in page
    sent = client_a.post(f"{A}/moten/{ids['meeting']}/utskick", data={"confirm": "1"}, follow_redirects=True)
    assert "kallelsen skickas inte längre" in sent.get_data(as_text=True)
    for url in (f"{A}/moten/{ids['meeting']}/andra", f"{A}/moten/{ids['meeting']}/bilagor/{ids['attachment']}/andra",
                f"{A}/moten/uppdrag/{ids['task']}"):
        answer = client_a.get(url, follow_redirects=True)
        assert answer.request.path != url.split("?")[0] and "justera" in answer.get_data(as_text=True)
    with in_tenant(app, TENANT_A):
        meeting = db.session.get(Meeting, ids["meeting"])
        assert meeting.notice_sent_at is None
        with pytest.raises(RuleViolation) as refused:
            services.move_meeting(meeting, day=meeting.date, start=meeting.start, end=meeting.end, place=meeting.place,
                                  theme="Nytt tema")
        assert refused.value.code == "justerad"


def test_a_kallelse_to_a_meeting_already_held_says_so_before_it_is_sent(client_a, app):
    meeting_id = ApiClient(app).post("/meetings", json={"body": "styrelse", "date": "2020-11-27",
                                                        "template": True}).json["id"]
    page = client_a.get(f"{A}/moten/{meeting_id}/utskick").get_data(as_text=True)
    assert "Observera: mötet 2020-11-27 har redan varit, för" in page and "dagar sedan" in page
