"""Send-outs that tell the truth: Klart only when everyone got it, Klart med avvikelser naming whom
it missed, failed when it reached nobody; started again it mails nobody twice (one left "sending"
by a dead worker is reported, not resent; one the mail server refused is sent again). The
justerat protokoll goes to the members for their anslag and to the revisorer."""
import email
import io
from datetime import date
from email import policy

from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings.models import Meeting
from finsam_saas.organisation.models import Body
from finsam_saas.platform.models import Delivery

from support import TENANT_A, TENANT_B, ApiClient, in_tenant, login

BOARD = ["Peter Vigren", "Harriet Hedlund", "Mikael Broman", "Anders Hahlin", "Christina Lidström"]


def _mails(app) -> list:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in app.config["OUTBOX_DIR"].glob("*.eml")]


def _meeting(api, day="2021-02-19", items=None):
    answer = api.post("/meetings", json={"body": "styrelse", "date": day, "template": True,
                                         "items": items or [{"title": "Verksamhetsplan", "kind": "beslut"}]})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def _send(api, meeting_id):
    answer = api.post(f"/meetings/{meeting_id}/notice", json={"confirm": True})
    assert answer.status_code == 202, answer.json
    return answer.json


def test_a_send_out_that_missed_people_names_them_and_one_started_again_mails_nobody_twice(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api)
    first = _send(api, meeting_id)
    assert (first["state"], first["label"]) == ("finished", "Klart med avvikelser")
    assert first["warnings"] == ["Christina Lidström fick inget: e-postadress saknas."]
    assert len(_mails(any_app)) == 11
    recipients = {r["name"]: r for r in api.get(f"/meetings/{meeting_id}/recipients").json}
    assert recipients["Christina Lidström"]["state"] == "no_address" and recipients["Peter Vigren"]["delivered"]
    # the kansli adds her address and sends again: only she gets it
    seats = api.get(f"/bodies/{_styrelse(any_app)}").json["seats"]
    seat_id = next(s["id"] for s in seats if s["person"] == "Christina Lidström")
    api.patch(f"/seats/{seat_id}", json={"email": "christina.lidstrom@bjurholm.se"})
    again = _send(api, meeting_id)
    assert (again["label"], again["result"]["sent"], again["result"]["already"]) == ("Klart", 1, 11)
    mails = _mails(any_app)
    assert len(mails) == 12 and len({m["To"] for m in mails}) == 12  # each address exactly once


def _styrelse(app, slug=TENANT_A) -> int:
    with in_tenant(app, slug):
        return db.session.scalar(select(Body.id).where(Body.slug == "styrelse"))


def test_a_send_out_that_reached_nobody_fails_and_says_why(any_app):
    api = ApiClient(any_app, "kansli.b@test.se", TENANT_B)  # Skellefteå–Norsjö's register has no address
    meeting_id = _meeting(api)
    job = _send(api, meeting_id)
    assert job["state"] == "failed" and job["label"] == "Misslyckades"
    assert job["error"] == "Kallelsen nådde ingen. Kenneth Andersson fick inget: e-postadress saknas."
    assert _mails(any_app) == []
    assert api.get(f"/meetings/{meeting_id}").json["notice_sent"] is None  # not marked as sent


def test_a_mail_server_that_refuses_is_tried_again_and_a_dead_workers_last_mail_is_not(app):
    api = ApiClient(app)
    meeting_id = _meeting(api)
    with in_tenant(app, TENANT_A):
        # a worker died right after sending to Peter Vigren, before recording it: he may have it
        db.session.add(Delivery(batch=f"meeting:{meeting_id}:kallelse", address="peter.vigren@umearegionen.demo",
                                recipient="Peter Vigren", state="sending"))
        db.session.commit()
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # nothing listens: every message is refused
    refused = _send(api, meeting_id)
    assert refused["state"] == "failed" and "e-postservern svarade inte" in refused["error"]
    app.config["SMTP_URL"] = None  # the server is back (here: the outbox)
    done = _send(api, meeting_id)
    assert done["result"]["sent"] == 10 and done["result"]["uncertain"] == 1
    assert ("Peter Vigren (peter.vigren@umearegionen.demo) kan ha fått det innan jobbet avbröts; skickas inte igen. "
            "Kontrollera med mottagaren.") in done["warnings"]
    assert "peter.vigren@umearegionen.demo" not in {m["To"] for m in _mails(app)}
    page = app.test_client()
    login(page, "kansli.a@test.se")
    text = page.get(f"/t/{TENANT_A}/moten/{meeting_id}").get_data(as_text=True)
    assert "10 av 12 har fått den" in text and "Peter Vigren (oklart om den kom fram)" in text


def test_the_justerat_protokoll_goes_to_the_members_and_the_revisorer(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api, items=[{"title": "Öppen fråga", "kind": "beslut"},
                                      {"title": "Personalärende", "kind": "beslut", "confidential": True}])
    api.post(f"/meetings/{meeting_id}/minutes", json={
        "chair": "Peter Vigren", "secretary": "Johanna Långdal Persson", "justerare": ["Anders Hahlin"],
        "attendees": [{"name": n, "role": "ledamot"} for n in BOARD]})
    early = api.post(f"/meetings/{meeting_id}/minutes/send", json={"confirm": True})
    assert early.status_code == 409 and early.json["error"]["code"] == "not_justerad"
    api.post(f"/meetings/{meeting_id}/minutes/justering", json={"date": "2021-02-26"})
    job = api.post(f"/meetings/{meeting_id}/minutes/send", json={"confirm": True}).json
    assert job["state"] == "finished" and job["result"]["sent"] == 11, job  # nine members, two revisorer
    by_address = {m["To"]: m for m in _mails(any_app)}
    member, revisor = by_address["registrator@umea.demo"], by_address["mats.henriksson@umearegionen.demo"]
    assert "anslå justeringen" in member.get_body(("plain",)).get_content()
    assert "Anslaget sätts upp 2021-03-01 och tas ned 2021-03-22" in member.get_body(("plain",)).get_content()

    def text(message):
        pdf = next(message.iter_attachments()).get_content()
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    assert "Personalärende" not in text(member) and "Personalärende" in text(revisor)
    again = api.post(f"/meetings/{meeting_id}/minutes/send", json={"confirm": True}).json
    assert again["result"]["sent"] == 0 and again["result"]["already"] == 11


def test_the_nomination_call_mails_each_address_once_however_often_it_runs(app):
    from finsam_saas.nns import jobs as nns_jobs
    from finsam_saas.nns.models import NominationRound
    from finsam_saas.platform.jobs import enqueue_for_tenant
    from finsam_saas.platform.tenancy import Actor, acting_as

    with in_tenant(app, "nns"), acting_as(Actor(None, "test")):
        round_ = NominationRound(title="Årsmötet 2022", deadline=date(2099, 1, 31))
        db.session.add(round_)
        db.session.commit()
        first = enqueue_for_tenant(nns_jobs.send_nomination_call, title="Nomineringar", round_id=round_.id)
        second = enqueue_for_tenant(nns_jobs.send_nomination_call, title="Nomineringar", round_id=round_.id)
        db.session.refresh(first)
        db.session.refresh(second)
        assert first.state == "finished" and first.result["sent"] >= 1
        assert second.result["sent"] == 0 and second.result["already"] == first.result["sent"]
        assert any("ingen kontaktadress" in w for w in first.warnings or [])
    assert len(_mails(app)) == first.result["sent"]


def test_the_send_out_page_shows_recipients_and_needs_confirming(client_a, app):
    meeting_id = _meeting(ApiClient(app))
    page = client_a.get(f"/t/{TENANT_A}/moten/{meeting_id}/utskick").get_data(as_text=True)
    assert "Mottagare enligt registret" in page and "ordinarie ledamot, Umeå kommun" in page
    assert "Christina Lidström" in page and "saknar e-postadress – får ingen kallelse" in page
    assert client_a.post(f"/t/{TENANT_A}/moten/{meeting_id}/utskick").status_code == 200  # no confirm: the page again
    assert _mails(app) == []
    with in_tenant(app, TENANT_A):
        assert db.session.get(Meeting, meeting_id).notice_sent_at is None
