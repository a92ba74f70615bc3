"""The föredragningslista until and after the kallelse: items in three parts, added, changed, moved
and removed; changes after the send-out kept and sent as a supplement; meetings moved, cancelled
and confirmed when unusual; bilagor replaced or removed until sent. On SQLite and PostgreSQL."""
import email
import io
import re
from datetime import date
from email import policy

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.meetings import services
from finsam_saas.meetings.models import Meeting, Task
from finsam_saas.organisation.models import Body

from support import TENANT_A, ApiClient, in_tenant, login, pdf_file

A = f"/t/{TENANT_A}"
PDF = pdf_file()  # a real PDF: a bilaga is opened with pypdf before it is kept
# Seed 000's kallelse of 2020-11-27 as an outside tool sends it: no placements, only kinds.
SEED_000 = [("Mötets öppnande", "formalia"), ("Val av justerare", "formalia"), ("Incheckning", "formalia"),
            ("Föregående protokoll", "formalia"), ("Verksamhetsplan och budget", "beslut"),
            ("Lägesrapport satsning mot våld i nära relationer", "information"), ("Övriga frågor", "formalia"),
            ("Utcheckning", "formalia"), ("Mötets avslutande", "formalia")]


def _titles(api, meeting_id):
    return [i["title"] for i in api.get(f"/meetings/{meeting_id}").json["items"]]


def _meeting(api, day="2020-11-27", **extra):
    answer = api.post("/meetings", json={"body": "styrelse", "date": day, "start": "08:30", "end": "12:00",
                                         "items": [{"title": t, "kind": k} for t, k in SEED_000], **extra})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def test_new_items_go_after_the_opening_and_before_the_closing_items(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api)
    placements = [i["placement"] for i in api.get(f"/meetings/{meeting_id}").json["items"]]
    assert placements == ["open"] * 4 + ["main"] * 2 + ["close"] * 3
    added = api.post(f"/meetings/{meeting_id}/items", json={"title": "Rapport från analysarbetet"})
    assert added.status_code == 201 and added.json["number"] == 7
    opening = api.post(f"/meetings/{meeting_id}/items", json={"title": "Godkännande av dagordning", "kind": "formalia",
                                                              "placement": "open"})
    assert opening.json["number"] == 5
    # an uppdrag and an ansökan put on the agenda land there too, never after Mötets avslutande
    with in_tenant(any_app, TENANT_A):
        meeting = db.session.get(Meeting, meeting_id)
        task = Task(assignee="Kansliet", description="Analys av studieavbrotten", due=date(2021, 2, 28))
        db.session.add(task)
        db.session.flush()
        services.put_task_on_agenda(task, meeting)
        application = insatser.create_application(title="Ungdomstorget", applicant="Umeå kommun",
                                                  amounts={"2021": 3_200_000})
        insatser.put_on_agenda(application, meeting)
        db.session.commit()
    titles = _titles(api, meeting_id)
    assert titles[-4:] == ["Ansökan: Ungdomstorget", "Övriga frågor", "Utcheckning", "Mötets avslutande"]
    assert titles[:5] == ["Mötets öppnande", "Val av justerare", "Incheckning", "Föregående protokoll",
                          "Godkännande av dagordning"]
    assert titles.index("Uppdrag: Analys av studieavbrotten") == titles.index("Ansökan: Ungdomstorget") - 1


def test_items_are_changed_moved_and_removed_until_the_kallelse_is_sent(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api)
    changed = api.patch(f"/meetings/{meeting_id}/items/5", json={"proposal": "Styrelsen fastställer budgeten.",
                                                                 "presenter": "Mikael Holmlund", "kind": "beslut"})
    assert changed.status_code == 200 and changed.json["proposal"] == "Styrelsen fastställer budgeten."
    moved = api.post(f"/meetings/{meeting_id}/items/6/move", json={"direction": "up"})
    assert moved.status_code == 200 and moved.json["number"] == 5
    assert _titles(api, meeting_id)[4:6] == ["Lägesrapport satsning mot våld i nära relationer",
                                            "Verksamhetsplan och budget"]
    # a matter never moves above Val av justerare by a step: it stays among the matters
    edge = api.post(f"/meetings/{meeting_id}/items/5/move", json={"direction": "up"})
    assert edge.status_code == 409 and edge.json["error"]["code"] == "cannot_move"
    assert api.post(f"/meetings/{meeting_id}/items/5/move", json={"direction": "sideways"}).status_code == 400
    bad = api.patch(f"/meetings/{meeting_id}/items/5", json={"title": ""})
    assert bad.status_code == 400 and "title" in bad.json["error"]["fields"]
    assert api.delete(f"/meetings/{meeting_id}/items/3").status_code == 204  # Incheckning goes
    items = api.get(f"/meetings/{meeting_id}").json["items"]
    assert [i["number"] for i in items] == list(range(1, 9)) and "Incheckning" not in [i["title"] for i in items]
    assert api.delete(f"/meetings/{meeting_id}/items/42").status_code == 400
    other = ApiClient(any_app, "kansli.b@test.se", "skelleftea-norsjo")
    assert other.delete(f"/meetings/{meeting_id}/items/1").status_code == 404


def test_bilagor_follow_their_item_and_block_its_removal(client_a, app):
    api = ApiClient(app)
    meeting_id = _meeting(api)
    item5 = next(i["id"] for i in api.get(f"/meetings/{meeting_id}").json["items"] if i["number"] == 5)
    client_a.post(f"{A}/moten/{meeting_id}/bilagor", data={"file": (io.BytesIO(PDF), "budget.pdf"),
                                                          "item_number": str(item5), "label": "2"},
                  content_type="multipart/form-data")
    api.post(f"/meetings/{meeting_id}/items/6/move", json={"direction": "up"})
    attachment = api.get(f"/meetings/{meeting_id}").json["attachments"][0]
    assert attachment["item_number"] == 6  # Verksamhetsplan och budget is now item 6, its bilaga with it
    refused = api.delete(f"/meetings/{meeting_id}/items/6")
    assert refused.status_code == 409 and "bilaga 2" in refused.json["error"]["message"]


def _send(app, meeting_id):
    answer = ApiClient(app).post(f"/meetings/{meeting_id}/notice", json={"confirm": True})
    assert answer.status_code == 202, answer.json
    return answer.json


def test_after_the_kallelse_a_change_is_noted_and_sent_as_a_supplement(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api)
    assert api.post(f"/meetings/{meeting_id}/notice", json={}).status_code == 400  # not without confirming
    sent = _send(any_app, meeting_id)
    assert sent["state"] == "finished" and sent["result"]["sent"] == 11
    before = set(any_app.config["OUTBOX_DIR"].glob("*.eml"))
    api.post(f"/meetings/{meeting_id}/items", json={"title": "Nomineringar till NNS", "kind": "beslut"})
    withdrawn = api.delete(f"/meetings/{meeting_id}/items/3")
    assert withdrawn.status_code == 200 and withdrawn.json["withdrawn"] is True  # keeps its number: "utgår"
    api.patch(f"/meetings/{meeting_id}", json={"place": "Sveagatan 8 i Umeå"})
    meeting = api.get(f"/meetings/{meeting_id}").json
    assert [c["description"] for c in meeting["changes"]] == [
        "Ny punkt 7: Nomineringar till NNS.", "Punkt 3 Incheckning utgår.",
        "Ny plats: Sveagatan 8 i Umeå (tidigare ej angiven)."]
    supplement = api.post(f"/meetings/{meeting_id}/changes/send", json={"confirm": True})
    assert supplement.status_code == 202 and supplement.json["state"] == "finished", supplement.json
    mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in set(any_app.config["OUTBOX_DIR"].glob("*.eml")) - before]
    assert len(mails) == 11
    assert mails[0]["Subject"] == "Ändring i föredragningslistan: Styrelse 2020-11-27"
    body = mails[0].get_body(("plain",)).get_content()
    assert "- Punkt 3 Incheckning utgår." in body and "- Ny punkt 7: Nomineringar till NNS." in body
    assert all(c["sent"] for c in api.get(f"/meetings/{meeting_id}").json["changes"])
    nothing = api.post(f"/meetings/{meeting_id}/changes/send", json={"confirm": True})
    assert nothing.status_code == 409 and nothing.json["error"]["code"] == "no_changes"
    # the item that utgår becomes no §
    started = api.post(f"/meetings/{meeting_id}/minutes", json={
        "chair": "Peter Vigren", "secretary": "S", "justerare": ["Anders Hahlin"],
        "attendees": [{"name": n, "role": "ledamot"} for n in ("Peter Vigren", "Harriet Hedlund", "Anders Hahlin")]})
    assert "Incheckning" not in [p["title"] for p in started.json["paragraphs"]]


def test_meetings_are_moved_cancelled_and_confirmed_when_unusual(any_app):
    api = ApiClient(any_app)
    meeting_id = _meeting(api, "2021-02-19")
    twice = api.post("/meetings", json={"body": "styrelse", "date": "2021-02-19"})
    assert twice.status_code == 409 and twice.json["error"]["code"] == "needs_confirmation"
    assert "har redan ett möte 2021-02-19 klockan 08.30" in twice.json["error"]["message"]
    assert len(api.get("/meetings?year=2021").json) == 1
    assert api.post("/meetings", json={"body": "styrelse", "date": "2021-02-19", "confirm": True}).status_code == 201
    moved = api.patch(f"/meetings/{meeting_id}", json={"date": "2021-02-26", "start": "09:00"})
    assert moved.status_code == 200 and (moved.json["date"], moved.json["start"]) == ("2021-02-26", "09:00")
    two_days = api.patch(f"/meetings/{meeting_id}", json={"end_date": "2021-02-27", "end": "12:00"})
    assert two_days.json["end_date"] == "2021-02-27"
    backwards = api.patch(f"/meetings/{meeting_id}", json={"end_date": "2021-02-01"})
    assert backwards.status_code == 400 and "end_date" in backwards.json["error"]["fields"]
    cancelled = api.post(f"/meetings/{meeting_id}/cancel", json={"reason": "Flyttas till mars."})
    assert cancelled.status_code == 200 and cancelled.json["cancelled"]
    listed = {m["date"]: m for m in api.get("/meetings?year=2021").json}
    assert listed["2021-02-26"]["cancelled"]  # stays on the plan, marked
    no_minutes = api.post(f"/meetings/{meeting_id}/minutes", json={
        "chair": "Peter Vigren", "secretary": "S", "justerare": ["Anders Hahlin"],
        "attendees": [{"name": "Peter Vigren"}, {"name": "Anders Hahlin"}]})
    assert no_minutes.status_code == 409 and no_minutes.json["error"]["code"] == "cancelled"
    assert api.post(f"/meetings/{meeting_id}/reinstate").json["cancelled"] is None
    # a day in a year closed by its bokslut asks for confirmation
    from finsam_saas.economy import services as economy
    with in_tenant(any_app, TENANT_A):
        economy.close_year(2019, "kansli.a@test.se", confirmed=True)
        db.session.commit()
    closed = api.post("/meetings", json={"body": "styrelse", "date": "2019-12-20"})
    assert closed.status_code == 409 and "avslutat med bokslut" in closed.json["error"]["message"]


def test_the_meeting_page_moves_and_cancels_with_a_confirmation(client_a, app):
    meeting_id = _meeting(ApiClient(app), "2021-02-19")
    _meeting(ApiClient(app), "2021-03-26")
    twice = client_a.post(f"{A}/moten/{meeting_id}/andra", data={"date": "2021-03-26", "start": "08:30", "end": "12:00",
                                                                 "place": "Umeå", "theme": ""})
    assert twice.status_code == 409
    page = twice.get_data(as_text=True)
    assert "Bekräfta" in page and 'value="2021-03-26"' in page and "Ja, jag menar det" in page
    confirmed = client_a.post(f"{A}/moten/{meeting_id}/andra", data={"date": "2021-03-26", "start": "13:00",
                                                                     "end": "15:00", "place": "Umeå", "confirm": "on"})
    assert confirmed.status_code == 302
    ask = client_a.get(f"{A}/moten/{meeting_id}/installa").get_data(as_text=True)
    assert "står kvar på mötesplanen" in ask
    client_a.post(f"{A}/moten/{meeting_id}/installa", data={"confirm": "1", "reason": "Inget att besluta."})
    plan = client_a.get(f"{A}/moten/?ar=2021").get_data(as_text=True)
    assert "Inställt" in plan and "Inget att besluta." in plan


def test_bilagor_are_replaced_or_removed_until_the_kallelse_is_sent(client_a, app):
    api = ApiClient(app)
    meeting_id = _meeting(api)
    client_a.post(f"{A}/moten/{meeting_id}/bilagor", data={"file": (io.BytesIO(PDF), "budget.pdf"), "title": "Budget"},
                  content_type="multipart/form-data")
    attachment_id = api.get(f"/meetings/{meeting_id}").json["attachments"][0]["id"]
    newer = pdf_file(2)
    item5 = next(i["id"] for i in api.get(f"/meetings/{meeting_id}").json["items"] if i["number"] == 5)
    replaced = client_a.post(f"{A}/moten/{meeting_id}/bilagor/{attachment_id}/andra", data={
        "title": "Budget 2021–2023", "label": "1", "item_number": str(item5),
        "file": (io.BytesIO(newer), "budget-v2.pdf")},
        content_type="multipart/form-data")
    assert replaced.status_code == 302
    assert client_a.get(f"{A}/moten/{meeting_id}/bilagor/{attachment_id}").data == newer
    assert api.get(f"/meetings/{meeting_id}").json["attachments"][0]["title"] == "Budget 2021–2023"
    _send(app, meeting_id)
    late = client_a.post(f"{A}/moten/{meeting_id}/bilagor/{attachment_id}/ta-bort", data={"confirm": "1"},
                         follow_redirects=True)
    assert "Kallelsen är skickad; bilagan kan inte tas bort" in late.get_data(as_text=True)
    assert len(api.get(f"/meetings/{meeting_id}").json["attachments"]) == 1
    added = client_a.post(f"{A}/moten/{meeting_id}/bilagor", data={"file": (io.BytesIO(PDF), "extra.pdf")},
                          content_type="multipart/form-data")
    assert added.status_code == 302  # a bilaga after the kallelse is an ändring to send
    assert "Ny bilaga 2: extra." in [c["description"] for c in api.get(f"/meetings/{meeting_id}").json["changes"]]


def test_agenda_of_a_started_protokoll_is_fixed(app):
    api = ApiClient(app)
    meeting_id = _meeting(api)
    api.post(f"/meetings/{meeting_id}/minutes", json={
        "chair": "Peter Vigren", "secretary": "S", "justerare": ["Anders Hahlin"],
        "attendees": [{"name": n, "role": "ledamot"} for n in ("Peter Vigren", "Harriet Hedlund", "Anders Hahlin")]})
    for answer in (api.post(f"/meetings/{meeting_id}/items", json={"title": "Sent"}),
                   api.delete(f"/meetings/{meeting_id}/items/2"),
                   api.patch(f"/meetings/{meeting_id}", json={"date": "2020-11-30"})):
        assert answer.status_code == 409 and answer.json["error"]["code"] == "minutes_started", answer.json
    assert api.patch(f"/meetings/{meeting_id}", json={"place": "Umeå"}).status_code == 200  # a place can be corrected


def test_the_agenda_page_shows_no_move_past_its_part(client_a, app):
    meeting_id = _meeting(ApiClient(app))
    page = client_a.get(f"{A}/moten/{meeting_id}").get_data(as_text=True)
    assert 'aria-label="Upp: punkt 5 Verksamhetsplan och budget"' not in page  # first of the matters
    assert 'aria-label="Ned: punkt 5 Verksamhetsplan och budget"' in page
    assert 'aria-label="Ned: punkt 6 Lägesrapport satsning mot våld i nära relationer"' not in page
    with in_tenant(app, TENANT_A):
        body = db.session.scalar(select(Body).where(Body.slug == "styrelse"))
        assert body.name == "Styrelse"
    reader = app.test_client()
    login(reader, "lasare.a@test.se")
    assert "Lägg till punkten" not in reader.get(f"{A}/moten/{meeting_id}").get_data(as_text=True)


def test_a_step_from_a_page_shown_before_the_agenda_changed_is_refused(client_a, app):
    api = ApiClient(app)
    meeting_id = _meeting(api)
    lagesrapport = next(i for i in api.get(f"/meetings/{meeting_id}").json["items"] if i["number"] == 6)
    page = client_a.get(f"{A}/moten/{meeting_id}/punkter/6/ta-bort").get_data(as_text=True)
    item_id = int(re.search(r'name="item_id" value="(\d+)"', page).group(1))
    api.post(f"/meetings/{meeting_id}/items/6/move", json={"direction": "up"})  # meanwhile, in another tab
    stale = client_a.post(f"{A}/moten/{meeting_id}/punkter/6/ta-bort", data={"confirm": "1", "item_id": str(item_id)},
                          follow_redirects=True).get_data(as_text=True)
    assert f"punkten {lagesrapport['title']} är nu punkt 5" in stale and "Inget är ändrat" in stale
    assert len(api.get(f"/meetings/{meeting_id}").json["items"]) == len(SEED_000)
    edit = client_a.post(f"{A}/moten/{meeting_id}/punkter/6", data={"item_id": str(item_id), "title": "Överskriven",
                                                                    "kind": "information"}, follow_redirects=True)
    assert "Föredragningslistan har ändrats" in edit.get_data(as_text=True)
    assert "Överskriven" not in _titles(api, meeting_id)


def test_standing_items_come_back_in_their_part_of_the_agenda(app):
    api = ApiClient(app)
    first = api.post("/meetings", json={"body": "styrelse", "date": "2021-02-19", "template": True}).json["id"]
    api.post(f"/meetings/{first}/items", json={"title": "Incheckning", "kind": "formalia", "placement": "open",
                                               "standing": True})
    api.post(f"/meetings/{first}/items", json={"title": "Utcheckning", "kind": "formalia", "placement": "close",
                                               "standing": True})
    second = api.post("/meetings", json={"body": "styrelse", "date": "2021-03-26", "template": True}).json["id"]
    items = {i["title"]: i["placement"] for i in api.get(f"/meetings/{second}").json["items"]}
    assert items["Incheckning"] == "open" and items["Utcheckning"] == "close"


def test_an_uppdrag_on_the_agenda_says_where_it_came_from(app):
    api = ApiClient(app)
    first = api.post("/meetings", json={"body": "styrelse", "date": "2020-10-30", "items": [{"title": "Rapport"}]}).json["id"]
    api.post(f"/meetings/{first}/minutes", json={
        "chair": "Peter Vigren", "secretary": "S", "justerare": ["Anders Hahlin"],
        "attendees": [{"name": n, "role": "ledamot"} for n in ("Peter Vigren", "Harriet Hedlund", "Anders Hahlin")]})
    task = api.post(f"/meetings/{first}/minutes/paragraphs/1/tasks", json={
        "assignee": "Kansliet", "description": "Analys av studieavbrotten", "due": "2021-02-28"}).json
    later = _meeting(api, "2021-02-19")
    with in_tenant(app, TENANT_A):
        services.put_task_on_agenda(db.session.get(Task, task["id"]), db.session.get(Meeting, later))
        db.session.commit()
    item = next(i for i in api.get(f"/meetings/{later}").json["items"] if i["title"].startswith("Uppdrag:"))
    assert item["description"] == "Uppdrag från § 1 2020 (mötet 2020-10-30), klart senast 2021-02-28."


def test_a_remove_page_reached_again_by_the_back_button_refuses(client_a, app):
    api = ApiClient(app)
    meeting_id = _meeting(api)
    item_id = next(i["id"] for i in api.get(f"/meetings/{meeting_id}").json["items"] if i["number"] == 6)
    client_a.post(f"{A}/moten/{meeting_id}/punkter/6/ta-bort", data={"confirm": "1", "item_id": str(item_id)})
    back = client_a.get(f"{A}/moten/{meeting_id}/punkter/6/ta-bort?punkt={item_id}", follow_redirects=True)
    assert "punkten finns inte längre" in back.get_data(as_text=True)
    assert len(api.get(f"/meetings/{meeting_id}").json["items"]) == len(SEED_000) - 1


def test_a_cancellation_tells_what_the_recipients_never_heard(app):
    api = ApiClient(app)
    meeting_id = _meeting(api, "2021-02-19")
    _send(app, meeting_id)
    api.patch(f"/meetings/{meeting_id}", json={"date": "2021-02-26"})  # moved, not yet told
    api.post(f"/meetings/{meeting_id}/cancel", json={"reason": "Inget att besluta."})
    before = set(app.config["OUTBOX_DIR"].glob("*.eml"))
    client = app.test_client()
    login(client, "kansli.a@test.se")
    client.post(f"{A}/moten/{meeting_id}/installt/besked")
    mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in set(app.config["OUTBOX_DIR"].glob("*.eml")) - before]
    body = mails[0].get_body(("plain",)).get_content()
    assert len(mails) == 11 and "är inställt" in body and "Mötet är flyttat från 2021-02-19" in body
    assert all(c["sent"] for c in api.get(f"/meetings/{meeting_id}").json["changes"])


def test_bilagor_are_listed_in_their_numbers_order(client_a, app):
    api = ApiClient(app)
    meeting_id = _meeting(api)
    for label in ("2", "10", "1"):
        client_a.post(f"{A}/moten/{meeting_id}/bilagor", data={"file": (io.BytesIO(PDF), f"b{label}.pdf"),
                                                              "label": label, "title": f"Bilagan {label}"},
                      content_type="multipart/form-data")
    page = client_a.get(f"{A}/moten/{meeting_id}").get_data(as_text=True)
    assert page.index("Bilaga 1: Bilagan 1") < page.index("Bilaga 2: Bilagan 2") < page.index("Bilaga 10: Bilagan 10")
