"""NNS's own routes (/t/nns/…, /api/v1/nns/…): nobody without a standing in NNS
gets anything but 404; a member förbund's representative gets its own part and
none of NNS's internal papers or of other förbund's nominations."""
import pytest

from nns_support import add_forbund, meeting_with_roll, nns_api
from support import NNS, ApiClient, login

NNS_PREFIXES = ("/t/nns/", "/api/v1/nns/")


def _nns_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(NNS_PREFIXES) and "<tenant>" not in r.rule]


def _objects(app):
    ombud = add_forbund(app, 2)
    meeting_id = meeting_with_roll(app, ombud)
    api = nns_api(app)
    poll = api.post(f"/meetings/{meeting_id}/polls", json={"title": "Fråga", "options": ["Ja", "Nej"]}).json
    round_ = api.post("/nomination-rounds", json={"title": "Runda", "deadline": "2099-01-31"}).json
    nomination = ApiClient(app, "kansli.a@test.se", NNS).post(
        f"/nomination-rounds/{round_['id']}/nominations", json={"candidate": "HEMLIG-KANDIDAT-UMEÅ", "role": "ledamot"})
    assert nomination.status_code == 201
    return {"meeting_id": meeting_id, "poll_id": poll["id"], "round_id": round_["id"], "motion_id": 1,
            "member_id": 1, "contact_id": 1, "ombud_id": 1, "step": "oppna", "nomination_id": nomination.json["id"]}


def _urls(app, values):
    for rule in _nns_rules(app):
        yield rule, rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]


@pytest.mark.parametrize("email", ["ledamot.a@test.se", "lasare.a@test.se", "revisor.a@test.se"])
def test_people_without_standing_in_nns_find_nothing(any_app, email):
    values = _objects(any_app)
    html = any_app.test_client()
    login(html, email)
    api = ApiClient(any_app, email, NNS)
    rules = list(_urls(any_app, values))
    assert len(rules) > 20
    for rule, url in rules:
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if url.startswith("/api/"):
                answer = api.client.open(url, method=method, headers=api.headers, json={})
            else:
                answer = html.open(url, method=method)
            assert answer.status_code == 404, f"{method} {url}: {answer.status_code}"


def test_a_representative_sees_its_own_part_only(any_app):
    values = _objects(any_app)
    html = any_app.test_client()
    login(html, "kansli.b@test.se")  # Skellefteå–Norsjö's kansli
    for path in ("/t/nns/medlemmar", "/t/nns/valberedning", f"/t/nns/valberedning/{values['round_id']}",
                 f"/t/nns/valberedning/{values['round_id']}/forslag.pdf", f"/t/nns/medlemsmoten/{values['meeting_id']}/omrostningar/{values['poll_id']}"):
        assert html.get(path).status_code == 403, path
    api = ApiClient(any_app, "kansli.b@test.se", NNS)
    assert "HEMLIG-KANDIDAT-UMEÅ" not in api.get(f"/nomination-rounds/{values['round_id']}").get_data(as_text=True)
    assert "HEMLIG-KANDIDAT-UMEÅ" not in html.get("/t/nns/forbund").get_data(as_text=True)
    assert "HEMLIG-KANDIDAT-UMEÅ" not in html.get("/t/skelleftea-norsjo/nns/").get_data(as_text=True)
    for call in (lambda: api.post(f"/meetings/{values['meeting_id']}/polls", json={"title": "x", "options": ["a", "b"]}),
                 lambda: api.post(f"/meetings/{values['meeting_id']}/polls/{values['poll_id']}/open"),
                 lambda: api.put(f"/meetings/{values['meeting_id']}/roll", json={"ombud": []})):
        assert call().status_code == 403
    # Nor does it reach NNS's board meetings through the meetings module.
    assert html.get("/t/nns/moten/").status_code == 403
    assert api.get("/meetings").status_code == 403
