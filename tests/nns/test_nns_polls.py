"""Polls at NNS's medlemsmöte: one vote per förbund by its ombud on the fixed roll,
the chair's preference on a tie, and closed ballots that link no förbund to its choice."""
from finsam_saas.extensions import db

from nns_support import add_forbund, meeting_with_roll, nns_api, tokens
from support import NNS, in_tenant


def _vote(client, meeting_id, poll_id, token, option):
    return client.post(f"/api/v1/nns/meetings/{meeting_id}/polls/{poll_id}/votes", json={"option": option},
                       headers={"Authorization": f"Bearer {token}"})


BALLOT_KEYS: dict[int, str] = {}  # what each closed ballot's open answered, as a tool would keep it


def _poll(api, meeting_id, **body):
    answer = api.post(f"/meetings/{meeting_id}/polls", json=body)
    assert answer.status_code == 201, answer.json
    poll_id = answer.json["id"]
    opened = api.post(f"/meetings/{meeting_id}/polls/{poll_id}/open")
    assert opened.status_code == 200
    assert ("ballot_key" in opened.json) == bool(body.get("secret"))
    if body.get("secret"):
        BALLOT_KEYS[poll_id] = opened.json["ballot_key"]
    return poll_id


def _close(api, meeting_id, poll_id):
    answer = api.post(f"/meetings/{meeting_id}/polls/{poll_id}/close", json={"ballot_key": BALLOT_KEYS.get(poll_id)})
    assert answer.status_code == 200, answer.json
    return answer


def test_open_poll_tied_two_two_goes_to_the_chairs_choice(any_app):
    ombud = add_forbund(any_app, 4)
    meeting_id = meeting_with_roll(any_app, ombud)
    api = nns_api(any_app)
    poll_id = _poll(api, meeting_id, title="Motion om gemensam statistik", options=["Bifall", "Avslag"],
                    chair_preference="Bifall", item_number=10)
    keys = tokens(any_app, [email for _, email in ombud])
    client = any_app.test_client()
    for (member, email), option in zip(ombud, ["Bifall", "Avslag", "Bifall", "Avslag"]):
        assert _vote(client, meeting_id, poll_id, keys[email], option).status_code == 201

    live = api.get(f"/meetings/{meeting_id}/polls/{poll_id}").json
    assert live["status"] == "open" and live["counts"] == {"Bifall": 2, "Avslag": 2}
    assert {"member": ombud[1][0], "option": "Avslag"} in live["votes"]  # open voting: who voted what is shown

    closed = _close(api, meeting_id, poll_id).json
    assert closed["winner"] == "Bifall" and closed["decided_by_chair"] is True
    assert closed["counts"] == {"Bifall": 2, "Avslag": 2}
    assert sorted(closed["voters"]) == sorted(m for m, _ in ombud)
    minutes = api.get(f"/meetings/{meeting_id}").json["minutes"]
    paragraph = next(p for p in minutes["paragraphs"] if "motioner" in p["title"].lower())
    assert "Lika röstetal; Bifall vann som det förslag ordföranden biträdde" in paragraph["text"]


def test_the_chairs_preference_is_fixed_when_the_poll_opens_and_a_tie_without_one_decides_nothing(any_app):
    import pytest
    from finsam_saas.nns import voting
    from finsam_saas.nns.models import Poll
    from finsam_saas.platform.rules import RuleViolation
    ombud = add_forbund(any_app, 2)
    meeting_id = meeting_with_roll(any_app, ombud)
    api = nns_api(any_app)
    poll_id = _poll(api, meeting_id, title="Arvoden", options=["Ja", "Nej"], item_number=10)
    keys = tokens(any_app, [e for _, e in ombud])
    client = any_app.test_client()
    _vote(client, meeting_id, poll_id, keys[ombud[0][1]], "Ja")
    _vote(client, meeting_id, poll_id, keys[ombud[1][1]], "Nej")
    with in_tenant(any_app, NNS):
        # A tie shows: the chair can no longer pick the winner.
        with pytest.raises(RuleViolation, match="låses när omröstningen öppnas"):
            voting.set_chair_preference(db.session.get(Poll, poll_id), "Ja")
    closed = _close(api, meeting_id, poll_id).json
    assert closed["status"] == "closed" and closed["winner"] is None and closed["decided_by_chair"] is False
    minutes = api.get(f"/meetings/{meeting_id}").json["minutes"]
    paragraph = next(p for p in minutes["paragraphs"] if "motioner" in p["title"].lower())
    assert "Lika röstetal, och ordföranden hade inte angett något förslag" in paragraph["text"]
    assert "vann" not in paragraph["text"]


def test_a_poll_without_votes_or_with_only_abstentions_has_no_winner(any_app):
    ombud = add_forbund(any_app, 2)
    meeting_id = meeting_with_roll(any_app, ombud)
    api = nns_api(any_app)
    keys = tokens(any_app, [e for _, e in ombud])
    client = any_app.test_client()
    empty = _poll(api, meeting_id, title="Ingen röstade", options=["Bifall", "Avslag"], chair_preference="Bifall",
                  item_number=10)
    closed = _close(api, meeting_id, empty).json
    assert closed["winner"] is None and closed["counts"] == {"Bifall": 0, "Avslag": 0}
    minutes = api.get(f"/meetings/{meeting_id}").json["minutes"]
    paragraph = next(p for p in minutes["paragraphs"] if "motioner" in p["title"].lower())
    assert "Inga röster avgavs; frågan är inte avgjord." in paragraph["text"] and "vann" not in paragraph["text"]
    abstained = _poll(api, meeting_id, title="Alla avstod", options=["Bifall", "Avslag", "Avstår"], secret=True,
                      chair_preference="Bifall")
    from support import login
    secretary = any_app.test_client()
    assert login(secretary, "sekreterare.nns@test.se").status_code == 302
    assert _vote(client, meeting_id, abstained, keys[ombud[0][1]], "Avstår").status_code == 201
    live = secretary.get(f"/t/nns/medlemsmoten/{meeting_id}/omrostningar/{abstained}").get_data(as_text=True)
    # The chair sees who is left to vote (participation is public; the choice is not).
    assert f"Har inte röstat</h2>\n<p>{ombud[1][0]}</p>" in live
    assert _vote(client, meeting_id, abstained, keys[ombud[1][1]], "Avstår").status_code == 201
    closed = _close(api, meeting_id, abstained).json
    assert closed["winner"] is None and closed["counts"]["Avstår"] == 2
    page = secretary.get(f"/t/nns/medlemsmoten/{meeting_id}/omrostningar/{abstained}").get_data(as_text=True)
    assert "Alla röstande avstod" in page and "– vann" not in page


def test_bad_votes_are_refused_and_change_nothing(any_app):
    ombud = add_forbund(any_app, 3)
    meeting_id = meeting_with_roll(any_app, ombud[:2])  # the third förbund has no ombud on the roll
    api = nns_api(any_app)
    poll_id = _poll(api, meeting_id, title="Medlemsavgift 2022", options=["Bifall", "Avslag"])
    keys = tokens(any_app, [e for _, e in ombud] + ["kansli.b@test.se"])
    client = any_app.test_client()
    assert _vote(client, meeting_id, poll_id, keys[ombud[0][1]], "Bifall").status_code == 201

    second = _vote(client, meeting_id, poll_id, keys[ombud[0][1]], "Avslag")
    assert second.status_code == 409 and second.json["error"]["code"] == "already_voted"
    outsider = _vote(client, meeting_id, poll_id, keys[ombud[2][1]], "Avslag")
    assert outsider.status_code in (403, 404)  # not on the roll: never a vote
    kansli_not_ombud = _vote(client, meeting_id, poll_id, keys["kansli.b@test.se"], "Avslag")
    assert kansli_not_ombud.status_code == 403
    unknown = _vote(client, meeting_id, poll_id, keys[ombud[1][1]], "Kanske")
    assert unknown.status_code == 400 and "option" in unknown.json["error"]["fields"]

    assert api.get(f"/meetings/{meeting_id}/polls/{poll_id}").json["counts"] == {"Bifall": 1, "Avslag": 0}
    _close(api, meeting_id, poll_id)
    late = _vote(client, meeting_id, poll_id, keys[ombud[1][1]], "Avslag")
    assert late.status_code == 409 and late.json["error"]["code"] == "poll_closed"
    final = api.get(f"/meetings/{meeting_id}/polls/{poll_id}").json
    assert final["counts"] == {"Bifall": 1, "Avslag": 0} and final["voters"] == [ombud[0][0]]


def test_roll_refuses_two_ombud_for_one_forbund_and_non_members(any_app):
    ombud = add_forbund(any_app, 2)
    meeting_id = meeting_with_roll(any_app, ombud, start_minutes=False)
    api = nns_api(any_app)
    twice = api.put(f"/meetings/{meeting_id}/roll", json={"ombud": [
        {"member": ombud[0][0], "email": "a@test.se"}, {"member": ombud[0][0], "email": "b@test.se"}]})
    assert twice.status_code == 400 and "ombud[1].member" in twice.json["error"]["fields"]
    stranger = api.put(f"/meetings/{meeting_id}/roll", json={"ombud": [{"member": "Bolaget AB", "email": "c@test.se"}]})
    assert stranger.status_code == 400 and "inte ett medlemsförbund" in stranger.json["error"]["message"]
    # Nothing of the registered roll was lost by the refused writes.
    roll = api.get(f"/meetings/{meeting_id}/roll").json["ombud"]
    assert sorted(o["member"] for o in roll) == sorted(m for m, _ in ombud)
    # A förbund's second ombud is refused unless it replaces the first, before the roll is fixed.
    second = api.post(f"/meetings/{meeting_id}/roll/ombud", json={"member": ombud[0][0], "name": "Ny", "email": "ny@test.se"})
    assert second.status_code == 409 and second.json["error"]["code"] == "ombud_exists"
    substitute = api.post(f"/meetings/{meeting_id}/roll/ombud",
                          json={"member": ombud[0][0], "name": "Ersättare", "email": "ny@test.se", "replace": True})
    assert substitute.status_code == 201


def test_poll_needs_a_fixed_roll(any_app):
    ombud = add_forbund(any_app, 2)
    meeting_id = meeting_with_roll(any_app, ombud, start_minutes=False)
    api = nns_api(any_app)
    poll = api.post(f"/meetings/{meeting_id}/polls", json={"title": "Fråga", "options": ["Ja", "Nej"]}).json
    refused = api.post(f"/meetings/{meeting_id}/polls/{poll['id']}/open")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "roll_not_fixed"
    fix = api.post(f"/meetings/{meeting_id}/roll/fix")
    assert fix.status_code == 409 and fix.json["error"]["code"] == "minutes_not_started"


def test_roll_is_fixed_as_a_paragraph_with_the_list(any_app):
    ombud = add_forbund(any_app, 3)
    meeting_id = meeting_with_roll(any_app, ombud)
    api = nns_api(any_app)
    minutes = api.get(f"/meetings/{meeting_id}").json["minutes"]
    roll_paragraph = next(p for p in minutes["paragraphs"] if "röstlängd" in p["title"].lower())
    assert roll_paragraph["decision"].startswith("att fastställa röstlängden till 3 röstberättigade ombud")
    for member, _ in ombud:
        assert member in roll_paragraph["text"]
    late = api.post(f"/meetings/{meeting_id}/roll/ombud", json={"member": ombud[0][0], "name": "X", "email": "x@test.se",
                                                               "replace": True})
    assert late.status_code == 409 and late.json["error"]["code"] == "roll_fixed"
