"""The meetings API as API.md fixes it, with the protokoll's rules."""
import io

import pytest
from pypdf import PdfReader

from support import ApiClient, TENANT_A, TENANT_B

BOARD = [
    {"name": "Peter Vigren", "member": "Umeå kommun", "role": "ledamot"},
    {"name": "Harriet Hedlund", "member": "Region Västerbotten", "role": "ledamot"},
    {"name": "Mikael Broman", "member": "Försäkringskassan", "role": "ledamot"},
    {"name": "Anders Hahlin", "member": "Arbetsförmedlingen", "role": "ledamot"},
    {"name": "Christina Lidström", "member": "Bjurholms kommun", "role": "ledamot"},
    {"name": "Mikael Holmlund", "role": "ovrig", "title": "Förbundschef"},
]


def _meeting(api, day="2020-10-30", items=3, body="styrelse"):
    answer = api.post("/meetings", json={
        "body": body, "date": day, "start": "08:30", "end": "12:00", "place": "Sveagatan 8 i Umeå",
        "items": [{"title": f"Punkt {n}", "kind": "beslut", "presenter": "Mikael Holmlund",
                   "proposal": f"Styrelsen beslutar {n}"} for n in range(1, items + 1)],
    })
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def _minutes(api, meeting_id, attendees=BOARD, justerare=("Anders Hahlin",)):
    answer = api.post(f"/meetings/{meeting_id}/minutes", json={
        "chair": "Peter Vigren", "secretary": "Johanna Långdal Persson", "justerare": list(justerare),
        "attendees": attendees})
    assert answer.status_code == 201, answer.json
    return [p["number"] for p in answer.json["paragraphs"]]


@pytest.fixture
def api(app):
    return ApiClient(app)


def test_paragraphs_run_on_through_the_year_and_restart_in_january(api):
    first = _minutes(api, _meeting(api, "2020-09-25", items=46))
    assert first == list(range(1, 47))
    assert _minutes(api, _meeting(api, "2020-10-30", items=12)) == list(range(47, 59))  # §§ 47–58 as in seed 000
    assert _minutes(api, _meeting(api, "2021-01-29", items=2)) == [1, 2]


def test_numbering_is_per_body(app, api):
    _minutes(api, _meeting(api, "2020-10-30", items=3))
    meeting = _meeting(api, "2020-11-05", items=2, body="beredningsgrupp")
    assert _minutes(api, meeting, attendees=[{"name": "Peter Vigren", "role": "ledamot"},
                                             {"name": "Anders Hahlin", "role": "ledamot"}]) == [1, 2]


def test_tie_is_decided_by_the_chairs_casting_vote(api):
    meeting = _meeting(api)
    number = _minutes(api, meeting)[0]
    answer = api.post(f"/meetings/{meeting}/minutes/paragraphs/{number}/vote",
                      json={"yes": 2, "no": 2, "abstain": 1, "chair_vote": "yes"})
    assert answer.status_code == 200 and answer.json == {"outcome": "yes", "casting_vote": True}
    plain = api.post(f"/meetings/{meeting}/minutes/paragraphs/{number + 1}/vote", json={"yes": 1, "no": 3})
    assert plain.json == {"outcome": "no", "casting_vote": False}
    pdf = api.get(f"/meetings/{meeting}/minutes.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).replace("\n", " ")
    assert "utfallet 2-2" in text and "Ordförandes utslagsröst gjorde att förslaget bifölls" in text


def test_tie_without_the_chairs_vote_is_refused(api):
    meeting = _meeting(api)
    number = _minutes(api, meeting)[0]
    answer = api.post(f"/meetings/{meeting}/minutes/paragraphs/{number}/vote", json={"yes": 2, "no": 2})
    assert answer.status_code == 400 and "chair_vote" in answer.json["error"]["fields"]


def test_more_votes_than_deciding_members_is_refused(api):
    meeting = _meeting(api)
    number = _minutes(api, meeting)[0]
    answer = api.post(f"/meetings/{meeting}/minutes/paragraphs/{number}/vote", json={"yes": 4, "no": 2})
    assert answer.status_code == 400
    assert "fler än de 5 beslutande" in answer.json["error"]["message"]
    assert api.get(f"/meetings/{meeting}").json["minutes"]["paragraphs"][0]["vote"] is None


def test_no_decision_without_quorum(api):
    meeting = _meeting(api)
    two = BOARD[:2] + [{"name": "Anders Hahlin", "member": "Arbetsförmedlingen", "role": "ledamot", "to": 1}]
    number = _minutes(api, meeting, attendees=two)[0]
    # § 1: three of five seats filled (quorum 3): decided. § 2: Hahlin has left, two remain: not.
    ok = api.patch(f"/meetings/{meeting}/minutes/paragraphs/{number}", json={"decision": "Bifall"})
    assert ok.status_code == 200
    refused = api.patch(f"/meetings/{meeting}/minutes/paragraphs/{number + 1}", json={"decision": "Bifall"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "no_quorum"
    assert "2 beslutande närvarande, 3 krävs" in refused.json["error"]["message"]


def test_serving_ersattare_count_for_quorum_and_recused_do_not(api):
    meeting = _meeting(api)
    # Mikael Broman (Försäkringskassan) is away: his ersättare Per-Erik Björk serves in his place.
    people = BOARD[:2] + [{"name": "Per-Erik Björk", "member": "Försäkringskassan", "role": "ersattare"}]
    number = _minutes(api, meeting, attendees=people, justerare=("Harriet Hedlund",))[0]
    assert api.patch(f"/meetings/{meeting}/minutes/paragraphs/{number}", json={"decision": "Bifall"}).status_code == 200
    assert api.get(f"/meetings/{meeting}").json["minutes"]["paragraphs"][0]["deciding"] == 3
    recused = api.patch(f"/meetings/{meeting}/minutes/paragraphs/{number + 1}",
                        json={"recused": ["Per-Erik Björk"], "decision": "Bifall"})
    assert recused.status_code == 409 and recused.json["error"]["code"] == "no_quorum"


def test_an_ersattare_serves_only_for_an_absent_ledamot_of_the_same_member(api):
    meeting = _meeting(api)
    # Robertsfors kommun has no ordinarie seat in the board: its ersättare never serves (seed 000 lists
    # Patrik Nilsson among the övriga deltagare); asked to, the answer names him and why.
    asked = api.post(f"/meetings/{meeting}/minutes", json={
        "chair": "Peter Vigren", "secretary": "S", "justerare": ["Harriet Hedlund"],
        "attendees": BOARD[:2] + [{"name": "Patrik Nilsson", "role": "ersattare", "serving": True}]})
    assert asked.status_code == 400
    assert "Patrik Nilsson kan inte tjänstgöra" in asked.json["error"]["message"]
    assert "ingen ordinarie plats" in asked.json["error"]["message"]
    # With every ordinarie ledamot there, no ersättare decides: beslutande never exceed the five seats.
    _minutes(api, meeting, attendees=BOARD + [{"name": "Per-Erik Björk", "role": "ersattare"},
                                              {"name": "Patrik Nilsson", "role": "ersattare"}])
    paragraphs = api.get(f"/meetings/{meeting}").json["minutes"]["paragraphs"]
    assert {p["deciding"] for p in paragraphs} == {5}
    vote = api.post(f"/meetings/{meeting}/minutes/paragraphs/{paragraphs[0]['number']}/vote", json={"yes": 4, "no": 3})
    assert vote.status_code == 400 and "7 röster är fler än de 5 beslutande" in vote.json["error"]["message"]


def test_someone_not_in_the_register_is_named(api):
    meeting = _meeting(api)
    answer = api.post(f"/meetings/{meeting}/minutes", json={
        "chair": "Peter Vigren", "secretary": "S", "justerare": ["Harriet Hedlund"],
        "attendees": BOARD[:2] + [{"name": "Okänd Person", "role": "ledamot"}]})
    assert answer.status_code == 400
    assert "Okänd Person är inte ordinarie ledamot i styrelse 2020-10-30" in answer.json["error"]["message"]
    assert answer.json["error"]["fields"] == {"attendees[2].name": "inte ordinarie ledamot"}
    assert api.get(f"/meetings/{meeting}").json["minutes"] is None


def test_justering_sets_the_anslag_dates(api):
    meeting = _meeting(api)
    _minutes(api, meeting)
    answer = api.post(f"/meetings/{meeting}/minutes/justering", json={"date": "2020-11-26"})
    assert answer.status_code == 200, answer.json
    assert answer.json["justerad"] == "2020-11-26"
    assert answer.json["anslag_posted"] == "2020-11-27"  # the next working day
    assert answer.json["anslag_removed"] == "2020-12-18"
    assert answer.json["late"] is True  # 27 days after the meeting


def test_justering_with_a_given_posting_date(api):
    meeting = _meeting(api)
    _minutes(api, meeting)
    answer = api.post(f"/meetings/{meeting}/minutes/justering", json={"date": "2020-11-26", "posted": "2020-11-30"})
    assert answer.json["anslag_posted"] == "2020-11-30" and answer.json["anslag_removed"] == "2020-12-21"


def test_justerat_protokoll_refuses_every_change(api):
    meeting = _meeting(api)
    number = _minutes(api, meeting)[0]
    assert api.post(f"/meetings/{meeting}/minutes/justering", json={"date": "2020-11-02"}).status_code == 200
    attempts = [
        api.patch(f"/meetings/{meeting}/minutes/paragraphs/{number}", json={"text": "Ändrad"}),
        api.post(f"/meetings/{meeting}/minutes/paragraphs/{number}/vote", json={"yes": 3, "no": 1}),
        api.post(f"/meetings/{meeting}/minutes/paragraphs/{number}/tasks",
                 json={"assignee": "Kansliet", "description": "X", "due": "2021-02-01"}),
        api.post(f"/meetings/{meeting}/minutes/justering", json={"date": "2020-11-03"}),
    ]
    for answer in attempts:
        assert answer.status_code == 409 and answer.json["error"]["code"] == "justerad", answer.json
    assert api.get(f"/meetings/{meeting}").json["minutes"]["paragraphs"][0]["text"] == ""


def test_bad_input_names_the_field_and_saves_nothing(api):
    bad_time = api.post("/meetings", json={"body": "styrelse", "date": "2020-10-30", "start": "12:00", "end": "08:30"})
    assert bad_time.status_code == 400 and "end" in bad_time.json["error"]["fields"]
    bad_kind = api.post("/meetings", json={"body": "styrelse", "date": "2020-10-30", "items": [{"title": "X", "kind": "fika"}]})
    assert bad_kind.status_code == 400 and "items[0].kind" in bad_kind.json["error"]["fields"]
    bad_body = api.post("/meetings", json={"body": "kommunfullmäktige", "date": "2020-10-30"})
    assert bad_body.status_code == 400 and "body" in bad_body.json["error"]["fields"]
    assert api.get("/meetings").json == []
    meeting = _meeting(api)
    absent = api.post(f"/meetings/{meeting}/minutes", json={
        "chair": "Peter Vigren", "secretary": "X", "justerare": ["Någon Annan"], "attendees": BOARD})
    assert absent.status_code == 400 and "justerare[0]" in absent.json["error"]["fields"]
    assert api.get(f"/meetings/{meeting}").json["minutes"] is None
    _minutes(api, meeting)
    missing = api.patch(f"/meetings/{meeting}/minutes/paragraphs/99", json={"text": "X"})
    assert missing.status_code == 400 and missing.json["error"]["fields"] == {"number": "finns inte"}
    early = api.post(f"/meetings/{meeting}/minutes/justering", json={"date": "2020-10-01"})
    assert early.status_code == 400 and "date" in early.json["error"]["fields"]


def test_notice_pdf_has_the_agenda(api):
    meeting = _meeting(api)
    pdf = api.get(f"/meetings/{meeting}/notice.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "KALLELSE" in text and "1. Punkt 1" in text and "Förslag till beslut: Styrelsen beslutar 1" in text


def test_minutes_pdf_has_paragraphs_beslut_and_bevis_dates(api):
    meeting = _meeting(api)
    numbers = _minutes(api, meeting)
    api.patch(f"/meetings/{meeting}/minutes/paragraphs/{numbers[1]}",
              json={"text": "Katarina Hansson föredrog.", "decision": "Styrelsen beslutar att ingå som part i överenskommelsen."})
    api.post(f"/meetings/{meeting}/minutes/justering", json={"date": "2020-11-26", "posted": "2020-11-30"})
    pdf = api.get(f"/meetings/{meeting}/minutes.pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "§ 1 Punkt 1" in text and "§ 2 Punkt 2" in text
    assert "Styrelsen beslutar att ingå som part i överenskommelsen." in text
    assert "Justeringsdatum: 2020-11-26" in text
    assert "Datum för anslags uppsättande: 2020-11-30" in text and "nedtagande: 2020-12-21" in text
    hash_ = api.get(f"/meetings/{meeting}").json["minutes"]["content_hash"]
    assert hash_ in text.replace(" ", "")
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata  # a justerat protokoll is archived as PDF/A


def test_other_tenants_meeting_is_404(app, api):
    meeting = _meeting(api)
    other = ApiClient(app, "kansli.b@test.se", TENANT_B)
    assert other.get(f"/meetings/{meeting}").status_code == 404
    assert other.post(f"/meetings/{meeting}/minutes", json={}).status_code == 404
    assert ApiClient(app, "kansli.b@test.se", TENANT_A).get("/meetings").status_code == 404


def test_lasare_reads_but_cannot_write(app, api):
    meeting = _meeting(api)
    reader = ApiClient(app, "lasare.a@test.se")
    assert reader.get(f"/meetings/{meeting}").status_code == 200
    assert reader.post("/meetings", json={"body": "styrelse", "date": "2021-01-01"}).status_code == 403


def test_meetings_listed_by_year(any_app):
    api = ApiClient(any_app)
    _meeting(api, "2020-10-30")
    _meeting(api, "2021-02-19")
    assert [m["date"] for m in api.get("/meetings?year=2021").json] == ["2021-02-19"]
