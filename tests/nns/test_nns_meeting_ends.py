"""A medlemsmöte decides with the ombud present, and ends when its protokoll is justerat.

Found by a new user: an open poll went on after justering (its result never reached the locked
§), an ombud marked absent could still vote and was counted on the röstlängd, and a poll's
winner never became the §'s beslut. Stadgar § 12 [003]: the ombud present vote."""
from nns_support import add_forbund, meeting_with_roll, nns_api, tokens
from support import NNS

from test_nns_general_meeting_minutes import OMBUD_NAMES, _medlemsmote, _secretary, _start
from test_nns_polls import _close, _poll, _vote


def _justera(api, meeting_id):
    return api.post(f"/meetings/{meeting_id}/minutes/justering", json={"date": "2021-12-10", "signed_on_paper": True})


def test_an_open_poll_holds_the_justering_and_a_justerat_protokoll_takes_no_more_polls(any_app):
    ombud = add_forbund(any_app, 3)
    meeting_id = meeting_with_roll(any_app, ombud)
    api = nns_api(any_app)
    poll_id = _poll(api, meeting_id, title="Val av revisor", options=["Anna", "Bo"], secret=True, item_number=10)

    refused = _justera(api, meeting_id)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "still_running"
    assert "\"Val av revisor\" är öppen: stäng eller avbryt den" in refused.json["error"]["message"]
    client = _secretary(any_app)
    page = client.get(f"/t/nns/moten/{meeting_id}/protokoll/justering").get_data(as_text=True)
    assert "Protokollet kan inte justeras än." in page and "Val av revisor" in page

    keys = tokens(any_app, [email for _, email in ombud])
    assert _vote(any_app.test_client(), meeting_id, poll_id, keys[ombud[0][1]], "Anna").status_code == 201
    _close(api, meeting_id, poll_id)
    assert _justera(api, meeting_id).status_code == 200

    later = api.post(f"/meetings/{meeting_id}/polls", json={"title": "Övrigt", "options": ["Ja", "Nej"]})
    assert later.status_code == 409 and later.json["error"]["code"] == "justerad"
    assert "inga fler omröstningar" in later.json["error"]["message"]


def test_a_draft_poll_cannot_open_once_the_protokoll_is_justerat(any_app):
    ombud = add_forbund(any_app, 2)
    meeting_id = meeting_with_roll(any_app, ombud)
    api = nns_api(any_app)
    draft = api.post(f"/meetings/{meeting_id}/polls", json={"title": "Förberedd", "options": ["Ja", "Nej"]})
    assert draft.status_code == 201
    assert _justera(api, meeting_id).status_code == 200
    opened = api.post(f"/meetings/{meeting_id}/polls/{draft.json['id']}/open")
    assert opened.status_code == 409 and opened.json["error"]["code"] == "justerad"


def test_the_roll_is_the_ombud_present_and_an_absent_ombud_cannot_vote(any_app):
    meeting_id, roll = _medlemsmote(any_app)
    client = _secretary(any_app)
    assert _start(client, any_app, meeting_id, OMBUD_NAMES[:3], justerare="Kenneth Andersson",
                  others="Kenneth Andersson, ledamot").status_code == 302  # David Dahl is not there
    api = nns_api(any_app)
    fixed = api.post(f"/meetings/{meeting_id}/roll/fix")
    assert fixed.status_code == 200, fixed.json
    minutes = api.get(f"/meetings/{meeting_id}").json["minutes"]
    paragraph = next(p for p in minutes["paragraphs"] if p["number"] == fixed.json["paragraph"])
    assert paragraph["decision"] == "att fastställa röstlängden till 3 röstberättigade ombud enligt förteckningen"
    assert f"Anmälda men inte närvarande: {roll[3][0]} (David Dahl)" in paragraph["text"]

    poll_id = _poll(api, meeting_id, title="Medlemsavgift 2022", options=["Bifall", "Avslag"], item_number=7)
    keys = tokens(any_app, [email for _, _, email in roll])
    voter = any_app.test_client()
    absent = _vote(voter, meeting_id, poll_id, keys[roll[3][2]], "Avslag")
    assert absent.status_code == 403 and absent.json["error"]["code"] == "not_on_roll"
    assert "inte ombudet för" in absent.json["error"]["message"] and "närvarande" in absent.json["error"]["message"]
    for _, _, email in roll[:2]:
        assert _vote(voter, meeting_id, poll_id, keys[email], "Bifall").status_code == 201

    page = client.get(f"/t/nns/medlemsmoten/{meeting_id}/omrostningar/{poll_id}").get_data(as_text=True)
    assert "2 av 3 ombud har röstat." in page  # the absent one is not waited for
    waiting = page.split("<h2>Har inte röstat</h2>")[1].split("</p>")[0]
    assert roll[2][0] in waiting and roll[3][0] not in waiting

    closed = _close(api, meeting_id, poll_id).json
    assert closed["counts"] == {"Bifall": 2, "Avslag": 0} and closed["winner"] == "Bifall"
    minutes = api.get(f"/meetings/{meeting_id}").json["minutes"]
    paragraph = next(p for p in minutes["paragraphs"] if "Medlemsavgift 2022" in p["text"])
    assert "Medlemsavgift 2022: öppen omröstning med 2 röstande ombud" in paragraph["text"]
    assert paragraph["decision"] == "att besluta i enlighet med ”Bifall” efter omröstning"


def test_a_poll_that_decides_nothing_leaves_the_beslut_to_the_secretary(any_app):
    ombud = add_forbund(any_app, 2)
    meeting_id = meeting_with_roll(any_app, ombud)
    api = nns_api(any_app)
    poll_id = _poll(api, meeting_id, title="Motion om statistik", options=["Bifall", "Avslag"], item_number=10)
    _close(api, meeting_id, poll_id)
    minutes = api.get(f"/meetings/{meeting_id}").json["minutes"]
    paragraph = next(p for p in minutes["paragraphs"] if "Motion om statistik" in p["text"])
    assert "Inga röster avgavs; frågan är inte avgjord." in paragraph["text"]
    assert "efter omröstning" not in paragraph["decision"]


def test_the_approval_request_reaches_an_elected_justerare_by_the_rolls_address(any_app):
    from sqlalchemy import select

    from finsam_saas.extensions import db
    from finsam_saas.platform.models import Job
    from support import in_tenant
    from test_nns_general_meeting_minutes import _elect

    meeting_id, roll = _medlemsmote(any_app)
    client = _secretary(any_app)
    assert _start(client, any_app, meeting_id, OMBUD_NAMES).status_code == 302
    assert _elect(client, meeting_id).status_code == 302  # justerare: the ombud Anna Andersson and Hanna Holm
    asked = client.post(f"/t/nns/moten/{meeting_id}/protokoll/be-om-godkannande", data={}, follow_redirects=True)
    assert asked.status_code == 200
    with in_tenant(any_app, NNS):
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        warnings = job.warnings or []
        assert job.state == "finished", (job.state, job.error, warnings)
    assert not any("Anna Andersson" in w for w in warnings), warnings  # her address is on the röstlängd
    assert any(w.startswith("Hanna Holm fick inget: e-postadress saknas") for w in warnings)
