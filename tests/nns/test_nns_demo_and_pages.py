"""NNS's pages as its secretary, valberedning and member förbund use them, and the
demo from seeds 000 and 003."""
import io
from datetime import date, timedelta
from email import message_from_bytes as _parse, policy

from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.nns.models import GeneralMeeting, MemberContact

from nns_support import nns_api
from support import NNS, PASSWORD, TENANT_A, UMEA_MEMBER, ApiClient, in_tenant, login


def message_from_bytes(raw: bytes):
    return _parse(raw, policy=policy.default)


def _text(response) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)


def test_demo_brings_the_2021_positions_and_the_medlemsmote(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # idempotent
    client = app.test_client()
    assert client.post("/logga-in", data={"email": "sekreterare@nns.demo", "password": "demo-losen-2026"}).status_code == 302
    positions = client.get("/t/nns/uppdrag?arsmote=2021").get_data(as_text=True)
    # Up for election at årsmötet 2021: in italics with an asterisk, as the valberedning wrote it.
    assert "<em>Anne-Marie Larsson*</em>" in positions and "<em>Johan Fält*</em>" in positions
    assert "Marie Svensson" in positions and "<em>Marie Svensson*</em>" not in positions
    with in_tenant(app, NNS):
        general = db.session.scalar(select(GeneralMeeting))
        meeting = general.meeting
        assert meeting.date == date(2021, 12, 2) and general.motion_deadline == date(2021, 10, 21)
        titles = [i.title for i in meeting.items]
        assert titles[1] == "Fastställande av röstlängd" and titles[-1] == "Medlemsmötets avslutning" and len(titles) == 12
        meeting_id = meeting.id
    page = client.get(f"/t/nns/medlemsmoten/{meeting_id}").get_data(as_text=True)
    assert "Samordningsförbundet Umeåregionen" in page and "Röstlängd" in page
    contact = app.test_client()
    assert contact.post("/logga-in", data={"email": "kontakt@sodertalje.demo", "password": "demo-losen-2026"}).status_code == 302
    assert contact.get("/").headers["Location"] == "/t/nns/forbund"  # an invited contact lands on its förbund's page
    assert "Samordningsförbundet Södertälje i NNS" in contact.get("/t/nns/forbund").get_data(as_text=True)


def test_secretary_runs_a_medlemsmote_from_the_pages(app):
    client = app.test_client()
    login(client, "sekreterare.nns@test.se")
    day = date.today() + timedelta(days=10)  # papers were due four days ago
    answer = client.post("/t/nns/medlemsmoten", data={"kind": "medlemsmote", "date": day.isoformat(), "start": "09.00",
                                                      "end": "12.00", "place": "Digitalt",
                                                      "motion_deadline": (day - timedelta(days=40)).isoformat()})
    assert answer.status_code == 302
    meeting_url = answer.headers["Location"]
    meeting_id = int(meeting_url.rstrip("/").split("/")[-1])
    bad = client.post("/t/nns/medlemsmoten", data={"date": "2.12.2021"}, follow_redirects=True)
    assert "ÅÅÅÅ-MM-DD" in bad.get_data(as_text=True)
    with in_tenant(app, NNS):
        general = db.session.scalar(select(GeneralMeeting).where(GeneralMeeting.meeting_id == meeting_id))
        from finsam_saas.nns import services
        services.submit_motion(general, member=services.member_named(UMEA_MEMBER, "m"), title="Analys",
                               text="Text.", today=day - timedelta(days=45))
        db.session.commit()
    page = client.get(meeting_url).get_data(as_text=True)
    assert "Varning" in page and "inte utskickade" in page
    refused = client.post(f"{meeting_url}/skicka-motioner", follow_redirects=True).get_data(as_text=True)
    assert "inte yttrat sig" in refused
    with in_tenant(app, NNS):
        motion = services.motions_of(services.general_meeting(meeting_id))[0]
        motion_id = motion.id
    client.post(f"{meeting_url}/motioner/{motion_id}/yttrande", data={"text": "Bra förslag.", "proposal": "bifall"})
    sent = client.post(f"{meeting_url}/skicka-motioner", follow_redirects=True)
    assert "Klart" in sent.get_data(as_text=True)
    mails = [message_from_bytes(p.read_bytes()) for p in app.config["OUTBOX_DIR"].glob("*.eml")]
    papers = [m for m in mails if "motioner med yttranden" in m["Subject"]]
    assert {m["To"] for m in papers} >= {"kansli.a@test.se", "kansli.b@test.se"}
    attachment = next(part for part in papers[0].iter_attachments())
    assert "Bra förslag." in _text(type("R", (), {"data": attachment.get_payload(decode=True)}))
    assert "Varning" not in client.get(meeting_url).get_data(as_text=True)
    with in_tenant(app, NNS):
        members = {m.name: m.id for m in services.member_forbund()}
    ok = client.post(f"{meeting_url}/ombud", data={"member_id": members[UMEA_MEMBER], "name": "Johanna",
                                                   "email": "kansli.a@test.se"}, follow_redirects=True)
    assert "Ombudet är anmält" in ok.get_data(as_text=True)
    gotland = client.post(f"{meeting_url}/ombud", data={"member_id": members["Samordningsförbundet Gotland"],
                                                        "name": "Gun", "email": "gun@gotland.test"})
    assert gotland.status_code == 302
    invitations = [message_from_bytes(p.read_bytes()) for p in app.config["OUTBOX_DIR"].glob("*.eml")]
    assert [m["To"] for m in invitations if m["Subject"] == "Inbjudan till Finsam"] == ["gun@gotland.test"]
    twice = client.post(f"{meeting_url}/ombud", data={"member_id": members[UMEA_MEMBER], "name": "Någon annan",
                                                      "email": "annan@test.se"}, follow_redirects=True)
    assert "endast ett ombud per förbund" in twice.get_data(as_text=True)
    roll = client.get(f"{meeting_url}/rostlangd.pdf")
    assert "Samordningsförbundet Umeåregionen" in _text(roll) and "Johanna" in _text(roll)


def test_valberedning_sends_the_call_and_writes_its_proposal(app):
    with in_tenant(app, NNS):
        from finsam_saas.nns import services
        db.session.add(MemberContact(member_id=services.member_named("Samordningsförbundet Gotland", "m").id,
                                     name="Kontakt Gotland", email="kontakt@gotland.test"))
        services.add_position(role="revisor", holder="Johan Fält", member=services.member_named("Finsam Göteborg", "m"),
                              term_ends=2021)
        db.session.commit()
    client = app.test_client()
    login(client, "valberedning.nns@test.se")
    answer = client.post("/t/nns/valberedning", data={"arsmote": "2021", "deadline": "2099-01-31",
                                                      "title": "Inför årsmötet 2021"})
    assert answer.status_code == 302
    round_url = answer.headers["Location"]
    round_id = int(round_url.split("/")[-1])
    job = client.post(f"{round_url}/utskick", follow_redirects=True)
    assert job.status_code == 200
    outbox = list((app.config["OUTBOX_DIR"]).glob("*.eml"))
    recipients = {message_from_bytes(p.read_bytes())["To"] for p in outbox}
    # Contacts of förbund that are not tenants, and the kansli of those that are.
    assert "kontakt@gotland.test" in recipients and "kansli.a@test.se" in recipients and "kansli.b@test.se" in recipients
    body = message_from_bytes(outbox[0].read_bytes()).get_body(("plain",)).get_content()
    assert "Johan Fält" in body and "2099-01-31" in body
    umea = nns_api(app).__class__(app, "kansli.a@test.se", NNS)
    umea.post(f"/nomination-rounds/{round_id}/nominations", json={"candidate": "Ann Ek", "role": "revisor", "consent": True})
    page = client.get(round_url).get_data(as_text=True)
    assert "Ann Ek" in page and UMEA_MEMBER in page
    with in_tenant(app, NNS):
        from finsam_saas.nns.models import NominationRound
        seat_id = db.session.get(NominationRound, round_id).seats[0].id
    client.post(f"{round_url}/forslag", data={f"proposed_{seat_id}": "Ann Ek", f"proposed_member_{seat_id}": UMEA_MEMBER,
                                              "text": "Valberedningen föreslår omval av ingen."})
    pdf = _text(client.get(f"{round_url}/forslag.pdf"))
    assert "Valberedningens förslag" in pdf and "Ann Ek" in pdf and "Johan Fält" in pdf


def test_invited_contact_chooses_a_password_and_acts_only_for_its_forbund(app):
    client = app.test_client()
    login(client, "sekreterare.nns@test.se")
    with in_tenant(app, NNS):
        from finsam_saas.nns import services
        gotland = services.member_named("Samordningsförbundet Gotland", "m").id
    client.post(f"/t/nns/medlemmar/{gotland}/kontakter", data={"name": "Gun Gotland", "email": "gun@gotland.test",
                                                                 "login": "on"})
    mail = [message_from_bytes(p.read_bytes()) for p in app.config["OUTBOX_DIR"].glob("*.eml")]
    invitation = next(m for m in mail if m["To"] == "gun@gotland.test").get_body(("plain",)).get_content()
    link = next(line for line in invitation.splitlines() if "/inbjudan/" in line)
    path = link[link.index("/inbjudan/"):]
    guest = app.test_client()
    short = guest.post(path, data={"password": "kort", "password_again": "kort"})
    assert short.status_code == 400 and "minst 10 tecken" in short.get_data(as_text=True)
    done = guest.post(path, data={"password": PASSWORD, "password_again": PASSWORD})
    assert done.status_code == 302
    assert guest.get(path, follow_redirects=True).get_data(as_text=True).count("ogiltig, redan använd") == 1
    assert "Samordningsförbundet Gotland i NNS" in guest.get("/t/nns/forbund").get_data(as_text=True)
    assert guest.get("/t/nns/medlemmar").status_code == 403
    assert guest.get("/t/nns/moten/").status_code == 403  # NNS's board papers are not theirs
    assert guest.get(f"/t/{TENANT_A}/").status_code == 404


def test_the_proposal_joins_the_arsmotes_papers_once_written(app):
    meeting_id = nns_api(app).post("/meetings", json={"body": "medlemsmote", "kind": "arsmote", "date": "2099-04-20",
                                                      "motion_deadline": "2099-03-01"}).json["id"]
    round_ = ApiClient(app, "valberedning.nns@test.se", NNS).post("/nomination-rounds", json={
        "title": "Inför årsmötet 2099", "deadline": "2099-01-31", "meeting_id": meeting_id,
        "seats": [{"role": "revisor", "holder": "Johan Fält", "term_ends": 2099}]}).json
    member = app.test_client()
    login(member, "kansli.a@test.se")
    pdf_path = f"/t/nns/valberedning/{round_['id']}/forslag.pdf"
    assert member.get(pdf_path).status_code == 403  # the valberedning's own until it proposes
    assert "Valberedningens förslag (PDF)" not in member.get(f"/t/nns/medlemsmoten/{meeting_id}").get_data(as_text=True)
    valberedning = app.test_client()
    login(valberedning, "valberedning.nns@test.se")
    proposal = {f"proposed_{round_['seats'][0]['id']}": "Ann Ek", "text": "Valberedningen föreslår Ann Ek."}
    # Nobody nominated Ann Ek with her consent: proposed only once the valberedning confirms it has it.
    refused = valberedning.post(f"/t/nns/valberedning/{round_['id']}/forslag", data=proposal, follow_redirects=True)
    assert "Samtycke saknas i nomineringarna för Ann Ek" in refused.get_data(as_text=True)
    assert "Valberedningens förslag (PDF)" not in member.get(f"/t/nns/medlemsmoten/{meeting_id}").get_data(as_text=True)
    valberedning.post(f"/t/nns/valberedning/{round_['id']}/forslag", data={**proposal, "confirm_consent": "on"})
    assert "Valberedningens förslag (PDF)" in member.get(f"/t/nns/medlemsmoten/{meeting_id}").get_data(as_text=True)
    assert "Ann Ek" in _text(member.get(pdf_path))
