"""The protokoll's rules: §§ in meeting order through the year; one editor that saves every § or
none; beslut from the förslag; ersättare in the register's order for an absent or jävig ledamot
of their member; attendance correctable until justering; a protokoll started by mistake removed;
the approvals bound to the text; justering only approved or signed on paper. SQLite and PostgreSQL."""
import email
import io
from email import policy

from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.organisation import services as organisation
from finsam_saas.organisation.models import Body, Member

from support import TENANT_A, ApiClient, in_tenant, login

A = f"/t/{TENANT_A}"
BOARD = ["Peter Vigren", "Harriet Hedlund", "Mikael Broman", "Anders Hahlin", "Christina Lidström"]


def _meeting(api, day, items=2):
    answer = api.post("/meetings", json={"body": "styrelse", "date": day, "items": [
        {"title": f"Ärende {n}", "kind": "beslut", "proposal": f"Styrelsen beslutar i ärende {n}."}
        for n in range(1, items + 1)]})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def _start(api, meeting_id, attendees=None, justerare="Anders Hahlin"):
    return api.post(f"/meetings/{meeting_id}/minutes", json={
        "chair": "Peter Vigren", "secretary": "Johanna Långdal Persson", "justerare": [justerare],
        "attendees": attendees or [{"name": n, "role": "ledamot"} for n in BOARD]})


def test_paragraphs_run_in_meeting_order_through_the_year(any_app):
    api = ApiClient(any_app)
    february, march, april = _meeting(api, "2021-02-19"), _meeting(api, "2021-03-26"), _meeting(api, "2021-05-07")
    early = _start(api, march)
    assert early.status_code == 409 and early.json["error"]["code"] == "earlier_meeting_without_minutes"
    assert "Mötet 2021-02-19 (styrelse) har inget protokoll ännu" in early.json["error"]["message"]
    assert api.get(f"/meetings/{march}").json["minutes"] is None
    # a meeting that was not held is cancelled, and no longer holds the numbers back
    api.post(f"/meetings/{february}/cancel", json={"reason": "Inställt"})
    assert [p["number"] for p in _start(api, march).json["paragraphs"]] == [1, 2]
    assert [p["number"] for p in _start(api, april).json["paragraphs"]] == [3, 4]
    # reinstated, February would get higher §§ than the later meetings: refused
    api.post(f"/meetings/{february}/reinstate")
    late = _start(api, february)
    assert late.status_code == 409 and late.json["error"]["code"] == "later_meeting_has_minutes"


def test_beslut_is_prefilled_from_the_forslag_till_beslut(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api, "2021-02-19")
    _start(api, meeting_id)
    decisions = [p["decision"] for p in api.get(f"/meetings/{meeting_id}").json["minutes"]["paragraphs"]]
    assert decisions == ["Styrelsen beslutar i ärende 1.", "Styrelsen beslutar i ärende 2."]


def test_the_editor_saves_every_paragraph_or_none_and_keeps_what_was_typed(client_a, app):
    meeting_id = _meeting(ApiClient(app), "2021-02-19", items=3)
    _start(ApiClient(app), meeting_id)
    data = {f"text-{n}": f"Text {n}" for n in (1, 2, 3)}
    data.update({f"decision-{n}": "" for n in (1, 2, 3)})
    data["reservations-3"] = "Mikael Holmlund"  # not among the attendees
    refused = client_a.post(f"{A}/moten/{meeting_id}/protokoll", data=data)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Mikael Holmlund (§ 3) finns inte bland deltagarna" in page
    assert ">Text 1</textarea>" in page and ">Text 2</textarea>" in page  # every § as typed
    assert 'id="reservations-3-fel"' in page and 'aria-invalid="true"' in page
    api = ApiClient(app)
    assert [p["text"] for p in api.get(f"/meetings/{meeting_id}").json["minutes"]["paragraphs"]] == ["", "", ""]
    data["reservations-3"] = "Harriet Hedlund"
    data["decision-3"] = "Styrelsen bifaller."
    assert client_a.post(f"{A}/moten/{meeting_id}/protokoll", data=data).status_code == 302
    paragraphs = api.get(f"/meetings/{meeting_id}").json["minutes"]["paragraphs"]
    assert [p["text"] for p in paragraphs] == ["Text 1", "Text 2", "Text 3"]
    assert paragraphs[2]["reservations"] == ["Harriet Hedlund"]


def _second_ersattare(app):
    """Försäkringskassan's ersättare in the register's order: Per-Erik Björk first, then Lena Lund."""
    with in_tenant(app, TENANT_A):
        body = db.session.scalar(select(Body).where(Body.slug == "styrelse"))
        fk = db.session.scalar(select(Member).where(Member.name == "Försäkringskassan"))
        first = next(s for s in body.seats if s.person == "Per-Erik Björk")
        organisation.update_seat(first, person=first.person, seat="ersattare", appointed_by=fk, email=first.email,
                                 phone=None, role=None, substitute_order=1, term_start=None, term_end=None)
        organisation.add_seat(body, person="Lena Lund", seat="ersattare", appointed_by=fk, email=None, phone=None,
                              role=None, substitute_order=2, term_start=None, term_end=None)
        db.session.commit()


def test_ersattare_serve_in_the_registers_order_for_an_absent_or_jaevig_ledamot(any_app):
    _second_ersattare(any_app)
    api = ApiClient(any_app)
    meeting_id = _meeting(api, "2021-02-19", items=3)
    others = [n for n in BOARD if n != "Mikael Broman"]
    asked = _start(api, meeting_id, attendees=[{"name": n, "role": "ledamot"} for n in others] + [
        {"name": "Lena Lund", "role": "ersattare", "serving": True},
        {"name": "Per-Erik Björk", "role": "ersattare"}])
    assert asked.status_code == 400
    assert "Lena Lund kan inte tjänstgöra: Per-Erik Björk går före i ersättarordningen" in asked.json["error"]["message"]
    # Broman is there from § 2: Björk serves for him at § 1 only
    started = _start(api, meeting_id, attendees=[{"name": n, "role": "ledamot"} for n in others] + [
        {"name": "Mikael Broman", "role": "ledamot", "from": 2},
        {"name": "Per-Erik Björk", "role": "ersattare"}, {"name": "Lena Lund", "role": "ersattare"}])
    assert started.status_code == 201, started.json
    paragraphs = api.get(f"/meetings/{meeting_id}").json["minutes"]["paragraphs"]
    assert [p["deciding"] for p in paragraphs] == [5, 5, 5]
    # Broman jävig at § 3: his ersättare takes the seat for that §
    api.patch(f"/meetings/{meeting_id}/minutes/paragraphs/3", json={"recused": ["Mikael Broman"]})
    assert api.get(f"/meetings/{meeting_id}").json["minutes"]["paragraphs"][2]["deciding"] == 5
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    page = client.get(f"{A}/moten/{meeting_id}/protokoll").get_data(as_text=True)
    assert "Per-Erik Björk, Försäkringskassan" in page and "tjänstgörande ersättare för Mikael Broman" in page
    pdf = api.get(f"/meetings/{meeting_id}/minutes.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "Per-Erik Björk, Försäkringskassan (tjänstgörande ersättare för Mikael Broman)" in text
    # The § of the jäv says who served in his place there.
    served = "I stället tjänstgjorde Per-Erik Björk (ersättare för Mikael Broman)."
    assert "På grund av jäv deltog inte Mikael Broman i handläggningen av ärendet. " + served in text
    assert served in page


def test_attendance_is_corrected_until_justering(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api, "2021-02-19")
    _start(api, meeting_id)
    fixed = api.put(f"/meetings/{meeting_id}/minutes/attendance", json={
        "chair": "Peter Vigren", "secretary": "Johanna Långdal Persson", "justerare": ["Harriet Hedlund"],
        "attendees": [{"name": n, "role": "ledamot"} for n in BOARD[:4]]})
    assert fixed.status_code == 200, fixed.json
    assert fixed.json["justerare"] == ["Harriet Hedlund"] and len(fixed.json["attendees"]) == 4
    api.patch(f"/meetings/{meeting_id}/minutes/paragraphs/1", json={"recused": ["Anders Hahlin"]})
    dropped = api.put(f"/meetings/{meeting_id}/minutes/attendance", json={
        "chair": "Peter Vigren", "secretary": "S", "justerare": ["Harriet Hedlund"],
        "attendees": [{"name": n, "role": "ledamot"} for n in BOARD[:3]]})
    assert dropped.status_code == 400 and "Anders Hahlin står i § 1" in dropped.json["error"]["message"]
    api.post(f"/meetings/{meeting_id}/minutes/justering", json={"date": "2021-02-26"})
    assert api.put(f"/meetings/{meeting_id}/minutes/attendance", json={
        "chair": "Peter Vigren", "secretary": "S", "justerare": ["Harriet Hedlund"],
        "attendees": [{"name": n, "role": "ledamot"} for n in BOARD]}).status_code == 409


def test_a_protokoll_started_by_mistake_is_removed(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api, "2021-02-19")
    _start(api, meeting_id)
    assert api.delete(f"/meetings/{meeting_id}/minutes").status_code == 204
    assert api.get(f"/meetings/{meeting_id}").json["minutes"] is None
    assert api.post(f"/meetings/{meeting_id}/items", json={"title": "Glömt ärende"}).status_code == 201
    _start(api, meeting_id)
    api.post(f"/meetings/{meeting_id}/minutes/paragraphs/1/tasks",
             json={"assignee": "Kansliet", "description": "Utred", "due": "2021-05-01"})
    held = api.delete(f"/meetings/{meeting_id}/minutes")
    assert held.status_code == 409 and held.json["error"]["code"] == "has_tasks"


def _signers(api, meeting_id):
    return {s["name"]: s for s in api.get(f"/meetings/{meeting_id}").json["minutes"]["signers"]}


def _name_users(app):
    from finsam_saas.platform.models import User

    with in_tenant(app, TENANT_A):
        db.session.scalar(select(User).where(User.email == "ledamot.a@test.se")).name = "Peter Vigren"
        db.session.commit()


def test_an_approval_holds_for_the_text_it_approved_only(any_app):
    _name_users(any_app)
    api, chair = ApiClient(any_app), ApiClient(any_app, "ledamot.a@test.se")
    meeting_id = _meeting(api, "2021-02-19")
    _start(api, meeting_id)
    signers = _signers(api, meeting_id)
    stranger = chair.post(f"/meetings/{meeting_id}/minutes/signers/{signers['Anders Hahlin']['id']}/approve")
    assert stranger.status_code == 409 and stranger.json["error"]["code"] == "not_the_signer"
    approved = chair.post(f"/meetings/{meeting_id}/minutes/signers/{signers['Peter Vigren']['id']}/approve")
    assert approved.status_code == 200 and approved.json["everyone_approved"] is False
    assert _signers(api, meeting_id)["Peter Vigren"]["approved"]
    before = set(any_app.config["OUTBOX_DIR"].glob("*.eml"))
    api.patch(f"/meetings/{meeting_id}/minutes/paragraphs/2", json={"text": "Ett tillägg efter godkännandet."})
    assert _signers(api, meeting_id)["Peter Vigren"]["approved"] is None  # the text changed: withdrawn
    told = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in set(any_app.config["OUTBOX_DIR"].glob("*.eml")) - before]
    assert [m["To"] for m in told] == ["peter.vigren@umearegionen.demo"]  # and told, whatever path changed it
    before |= set(any_app.config["OUTBOX_DIR"].glob("*.eml"))
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    chair.post(f"/meetings/{meeting_id}/minutes/signers/{signers['Peter Vigren']['id']}/approve")
    form = {f"{field}-{n}": "" for field in ("text", "decision") for n in (1, 2)}
    form["text-2"] = "Ett tillägg efter godkännandet, rättat."
    saved = client.post(f"{A}/moten/{meeting_id}/protokoll", data=form, follow_redirects=True).get_data(as_text=True)
    assert "1 godkännande av den tidigare texten gäller inte längre" in saved
    told = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in set(any_app.config["OUTBOX_DIR"].glob("*.eml")) - before]
    assert [m["To"] for m in told] == ["peter.vigren@umearegionen.demo"]
    assert "ditt godkännande gäller inte längre" in told[0].get_body(("plain",)).get_content()
    assert "godkännandet drogs tillbaka" in client.get(f"{A}/moten/{meeting_id}/protokoll").get_data(as_text=True)
    pdf = api.get(f"/meetings/{meeting_id}/minutes.pdf")
    assert "godkänt i systemet" not in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)


def test_justering_needs_every_approval_or_the_paper_signing(any_app):
    _name_users(any_app)
    api = ApiClient(any_app)
    meeting_id = _meeting(api, "2021-02-19")
    _start(api, meeting_id)
    refused = api.post(f"/meetings/{meeting_id}/minutes/justering", json={"date": "2021-02-26", "signed_on_paper": False})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "not_approved"
    assert "Peter Vigren (ordförande), Anders Hahlin (justerare)" in refused.json["error"]["message"]
    future = api.post(f"/meetings/{meeting_id}/minutes/justering", json={"date": "2099-01-01"})
    assert future.status_code == 400 and "i framtiden" in future.json["error"]["message"]
    paper = api.post(f"/meetings/{meeting_id}/minutes/justering", json={"date": "2021-02-26"})
    assert paper.status_code == 200 and paper.json["signed_on_paper"] is True


def test_the_justering_page_says_what_happens_before_it_locks(client_a, app):
    meeting_id = _meeting(ApiClient(app), "2021-02-19")
    _start(ApiClient(app), meeting_id)
    asked = client_a.post(f"{A}/moten/{meeting_id}/protokoll/justering", data={"date": "2021-02-26", "posted": ""})
    page = asked.get_data(as_text=True)
    assert "låses protokollet för alltid" in page and "anslås på anslagstavlan 2021-03-01 och tas ned 2021-03-22" in page
    assert ApiClient(app).get(f"/meetings/{meeting_id}").json["minutes"]["justerad"] is None  # only asked
    # other dates than those shown are shown first, not locked
    moved = client_a.post(f"{A}/moten/{meeting_id}/protokoll/justering", data={
        "date": "2021-03-05", "confirm": "1", "signed_on_paper": "on", "shown": "2021-02-26|2021-03-01"})
    assert "Datumen är ändrade" in moved.get_data(as_text=True) and "anslås på anslagstavlan 2021-03-08" in moved.get_data(as_text=True)
    assert ApiClient(app).get(f"/meetings/{meeting_id}").json["minutes"]["justerad"] is None
    done = client_a.post(f"{A}/moten/{meeting_id}/protokoll/justering", data={
        "date": "2021-02-26", "confirm": "1", "signed_on_paper": "on", "shown": "2021-02-26|2021-03-01"},
        follow_redirects=True)
    assert "Protokollet är justerat 2021-02-26" in done.get_data(as_text=True)



def test_attendance_names_a_paragraph_outside_the_protokoll(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api, "2021-02-19", items=3)
    outside = _start(api, meeting_id, attendees=[{"name": n, "role": "ledamot"} for n in BOARD[:4]]
                     + [{"name": "Christina Lidström", "role": "ledamot", "from": 6}])
    assert outside.status_code == 400
    assert "Christina Lidström: § 6 finns inte i protokollet, som har §§ 1–3" in outside.json["error"]["message"]
    assert outside.json["error"]["fields"] == {"attendees[4].from": "§ 1–3"}


def test_a_jaevig_chair_has_no_casting_vote(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api, "2021-02-19")
    _start(api, meeting_id)
    api.patch(f"/meetings/{meeting_id}/minutes/paragraphs/1", json={"recused": ["Peter Vigren"]})
    refused = api.post(f"/meetings/{meeting_id}/minutes/paragraphs/1/vote", json={"yes": 2, "no": 2, "chair_vote": "yes"})
    assert refused.status_code == 400 and "Peter Vigren anmälde jäv och kan inte avgöra § 1" in refused.json["error"]["message"]
    presided = api.post(f"/meetings/{meeting_id}/minutes/paragraphs/1/vote",
                        json={"yes": 2, "no": 2, "chair_vote": "no", "presiding": "Harriet Hedlund"})
    assert presided.status_code == 200 and presided.json == {"outcome": "no", "casting_vote": True}
    assert api.get(f"/meetings/{meeting_id}").json["minutes"]["paragraphs"][0]["vote"]["presiding"] == "Harriet Hedlund"


def _editor_form(client, meeting_id) -> dict:
    """The editor's form as the page fills it (textareas and the seen-markers), like an open tab."""
    import html
    import re

    page = client.get(f"{A}/moten/{meeting_id}/protokoll").get_data(as_text=True)
    data = {f"{field}-{n}": html.unescape(value) for field, n, value in re.findall(
        r'<textarea id="(text|decision|recused|reservations)-(\d+)"[^>]*>(.*?)</textarea>', page, re.S)}
    data.update({f"seen-{n}": value for n, value in re.findall(r'name="seen-(\d+)" value="([^"]*)"', page)})
    return data


def test_two_open_editors_never_silently_undo_each_other(client_a, app):
    meeting_id = _meeting(ApiClient(app), "2021-02-19", items=3)
    _start(ApiClient(app), meeting_id)
    tab_a, tab_b = _editor_form(client_a, meeting_id), _editor_form(client_a, meeting_id)
    assert client_a.post(f"{A}/moten/{meeting_id}/protokoll", data={**tab_a, "text-1": "Skrivet i flik A."}).status_code == 302
    # tab B, opened before, writes § 2 only: § 1 keeps what tab A saved
    assert client_a.post(f"{A}/moten/{meeting_id}/protokoll", data={**tab_b, "text-2": "Skrivet i flik B."}).status_code == 302
    texts = [p["text"] for p in ApiClient(app).get(f"/meetings/{meeting_id}").json["minutes"]["paragraphs"]]
    assert texts[:2] == ["Skrivet i flik A.", "Skrivet i flik B."]
    # tab B writes § 1 as well, over what it never saw: refused, its text kept, the current text shown
    clash = client_a.post(f"{A}/moten/{meeting_id}/protokoll", data={**tab_b, "text-1": "Flik B:s version."})
    page = clash.get_data(as_text=True)
    assert clash.status_code == 409 and "§ 1 har ändrats av någon annan" in page
    assert ">Flik B:s version.</textarea>" in page and "<p>Skrivet i flik A.</p>" in page
    assert ApiClient(app).get(f"/meetings/{meeting_id}").json["minutes"]["paragraphs"][0]["text"] == "Skrivet i flik A."
    # saved again from the page that showed the clash, the person's version counts
    again = _editor_form_from(page)
    assert client_a.post(f"{A}/moten/{meeting_id}/protokoll", data={**again, "text-1": "Flik B:s version."}).status_code == 302
    assert ApiClient(app).get(f"/meetings/{meeting_id}").json["minutes"]["paragraphs"][0]["text"] == "Flik B:s version."


def _editor_form_from(page: str) -> dict:
    import html
    import re

    data = {f"{field}-{n}": html.unescape(value) for field, n, value in re.findall(
        r'<textarea id="(text|decision|recused|reservations)-(\d+)"[^>]*>(.*?)</textarea>', page, re.S)}
    data.update({f"seen-{n}": value for n, value in re.findall(r'name="seen-(\d+)" value="([^"]*)"', page)})
    return data


def test_an_approval_from_a_page_shown_before_a_change_is_refused(app):
    _name_users(app)
    api = ApiClient(app)
    meeting_id = _meeting(api, "2021-02-19")
    _start(api, meeting_id)
    chair = app.test_client()
    login(chair, "ledamot.a@test.se")
    import re

    page = chair.get(f"{A}/moten/{meeting_id}/protokoll").get_data(as_text=True)
    action, seen = re.search(r'action="([^"]*/godkann/\d+)"[^>]*>\s*<input[^>]*csrf_token[^>]*>'
                             r'<input type="hidden" name="text_hash" value="([0-9a-f]+)"', page).groups()
    api.patch(f"/meetings/{meeting_id}/minutes/paragraphs/2", json={"text": "Arvodet höjs till 5 000 kr."})
    refused = chair.post(action, data={"text_hash": seen}, follow_redirects=True).get_data(as_text=True)
    assert "Protokollet har ändrats sedan du öppnade sidan" in refused
    assert _signers(api, meeting_id)["Peter Vigren"]["approved"] is None


def test_correcting_attendance_withdraws_approvals_and_tells_the_signer(app):
    _name_users(app)
    api, chair = ApiClient(app), ApiClient(app, "ledamot.a@test.se")
    meeting_id = _meeting(api, "2021-02-19")
    _start(api, meeting_id)
    signer_id = _signers(api, meeting_id)["Peter Vigren"]["id"]
    chair.post(f"/meetings/{meeting_id}/minutes/signers/{signer_id}/approve")
    before = set(app.config["OUTBOX_DIR"].glob("*.eml"))
    api.put(f"/meetings/{meeting_id}/minutes/attendance", json={
        "chair": "Peter Vigren", "secretary": "Johanna Långdal Persson", "justerare": ["Anders Hahlin"],
        "attendees": [{"name": n, "role": "ledamot"} for n in BOARD[:4]]})
    signers = _signers(api, meeting_id)
    assert signers["Peter Vigren"]["id"] == signer_id and signers["Peter Vigren"]["approved"] is None  # same row
    told = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in set(app.config["OUTBOX_DIR"].glob("*.eml")) - before]
    assert [m["To"] for m in told] == ["peter.vigren@umearegionen.demo"]


def test_a_protokoll_is_not_written_before_the_meeting(app):
    from finsam_saas.platform import clock

    api = ApiClient(app)
    meeting_id = _meeting(api, (clock.today().replace(year=clock.today().year + 1)).isoformat())
    early = _start(api, meeting_id)
    assert early.status_code == 409 and early.json["error"]["code"] == "not_held"


def test_names_of_chair_and_justerare_are_read_as_the_attendees_they_mean(app):
    api = ApiClient(app)
    meeting_id = _meeting(api, "2021-02-19")
    answer = _start(api, meeting_id, justerare="anders  hahlin ")
    assert answer.status_code == 201, answer.json
    assert api.get(f"/meetings/{meeting_id}").json["minutes"]["justerare"] == ["Anders Hahlin"]


def test_a_change_committed_after_leaving_the_tenant_still_withdraws_approvals(app):
    from finsam_saas.meetings import services
    from finsam_saas.meetings.models import Meeting
    from finsam_saas.platform.tenancy import tenant_context

    _name_users(app)
    api, chair = ApiClient(app), ApiClient(app, "ledamot.a@test.se")
    meeting_id = _meeting(api, "2021-02-19")
    _start(api, meeting_id)
    chair.post(f"/meetings/{meeting_id}/minutes/signers/{_signers(api, meeting_id)['Peter Vigren']['id']}/approve")
    with app.app_context():
        from finsam_saas.platform.models import Tenant

        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == TENANT_A))
        with tenant_context(tenant_id):
            minutes = db.session.get(Meeting, meeting_id).minutes
            services.update_paragraph(minutes, minutes.paragraphs[0].number, text="Ändrat av ett skript.")
        db.session.commit()  # as a CLI or a data load may: outside the tenant's context
        db.session.remove()
    assert _signers(api, meeting_id)["Peter Vigren"]["approved"] is None


def test_the_justering_page_points_at_a_beslutsarende_without_beslut(client_a, app):
    api = ApiClient(app)
    meeting_id = _meeting(api, "2021-02-19")
    _start(api, meeting_id)
    paragraphs = api.get(f"/meetings/{meeting_id}").json["minutes"]["paragraphs"]
    emptied = next(p for p in paragraphs if p["title"] == "Ärende 2")
    api.patch(f"/meetings/{meeting_id}/minutes/paragraphs/{emptied['number']}", json={"decision": ""})
    page = client_a.get(f"{A}/moten/{meeting_id}/protokoll/justering").get_data(as_text=True)
    assert f"§ {emptied['number']} Ärende 2 är ett beslutsärende utan beslut" in page
    assert "Ärende 1 är" not in page
