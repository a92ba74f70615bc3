"""An insats's inriktning, målgrupp and budgeted participants (Uppföljning Finsam): set when it is
registered and changed afterwards, through the pages and the API, with Swedish errors that name
the field, and never reachable from another förbund. On SQLite and PostgreSQL."""
import re

import pytest

from support import TENANT_A, TENANT_B, ApiClient, login

A = f"/t/{TENANT_A}"
NEW = {"name": "Ungdomstorget", "owner": "Umeå kommun", "kind": "individ", "start": "2017-01-01", "end": "2021-12-31",
       "focus": "Arbetslivsinriktad rehabilitering", "target_group": "Unga 16–29 år utan arbete eller studier",
       "planned_participants": 150, "grants": {"2021": 3_200_000}}


@pytest.fixture
def api(any_app):
    return ApiClient(any_app)


def test_registered_with_its_followup_fields_and_changed_later(api):
    made = api.post("/insatser", json=NEW)
    assert made.status_code == 201, made.json
    assert (made.json["focus"], made.json["target_group"], made.json["planned_participants"]) == (
        "Arbetslivsinriktad rehabilitering", "Unga 16–29 år utan arbete eller studier", 150)
    changed = api.patch(f"/insatser/{made.json['id']}", json={"planned_participants": 180, "focus": "Förrehabilitering"})
    assert changed.status_code == 200, changed.json
    shown = api.get(f"/insatser/{made.json['id']}").json
    # What was not sent keeps its value; the name, period and grants are not the PATCH's.
    assert (shown["planned_participants"], shown["focus"], shown["target_group"]) == (
        180, "Förrehabilitering", "Unga 16–29 år utan arbete eller studier")
    assert shown["grants"] == {"2021": 3_200_000}
    assert api.patch(f"/insatser/{made.json['id']}", json={"planned_participants": None}).json["planned_participants"] is None
    assert api.patch(f"/insatser/{made.json['id']}", json={"name": "Annat"}).status_code == 400


def test_the_fields_are_optional(api):
    answer = api.post("/insatser", json={k: v for k, v in NEW.items() if k not in ("focus", "target_group",
                                                                                     "planned_participants")})
    assert answer.status_code == 201
    assert (answer.json["focus"], answer.json["target_group"], answer.json["planned_participants"]) == ("", "", None)


@pytest.mark.parametrize("field, value, reason", [
    ("focus", "x" * 201, "högst 200 tecken"),
    ("target_group", "x" * 1001, "högst 1000 tecken"),
    ("planned_participants", -1, "heltal 0–100000"),
    ("planned_participants", "många", "inte ett heltal"),
    ("planned_participants", 12.5, "inte ett heltal"),
])
def test_a_bad_value_is_refused_naming_the_field_in_swedish(api, field, value, reason):
    answer = api.post("/insatser", json={**NEW, field: value})
    assert answer.status_code == 400
    assert answer.json["error"]["fields"] == {field: reason}
    made = api.post("/insatser", json={**NEW, "name": "Bryggan"}).json["id"]
    answer = api.patch(f"/insatser/{made}", json={field: value})
    assert answer.status_code == 400 and answer.json["error"]["fields"] == {field: reason}


def test_pages_register_and_change_the_fields(any_app):
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    form = {**{k: v for k, v in NEW.items() if k != "grants"}, "planned_participants": "1 200", "grant-2021": "3200000"}
    answer = client.post(f"{A}/insatser/ny", data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    insats_url = answer.headers["Location"]
    page = client.get(insats_url).get_data(as_text=True)
    assert "Arbetslivsinriktad rehabilitering" in page and "1 200" in page
    edit_url = re.search(r'href="([^"]+/andra)"', page).group(1)
    edit = client.get(edit_url).get_data(as_text=True)
    assert 'value="1200"' in edit and "Arbetslivsinriktad rehabilitering" in edit
    refused = client.post(edit_url, data={**form, "focus": "x" * 201})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Inriktningen får vara högst 200 tecken (nu 201)." in text
    assert "x" * 201 in text  # what was typed stays in the form
    saved = client.post(edit_url, data={**form, "focus": "Förrehabilitering", "planned_participants": ""})
    assert saved.status_code == 302
    page = client.get(insats_url).get_data(as_text=True)
    assert "Förrehabilitering" in page and "Planerade deltagare" not in page
    bad = client.post(f"{A}/insatser/ny", data={**form, "name": "Bryggan", "planned_participants": "många"})
    assert bad.status_code == 400
    assert "Antal planerade deltagare ska vara ett heltal" in bad.get_data(as_text=True)


def test_another_tenants_insats_is_neither_shown_nor_changed(any_app):
    theirs = ApiClient(any_app, "kansli.b@test.se", TENANT_B)
    made = theirs.post("/insatser", json={**NEW, "owner": "Skellefteå kommun", "focus": "MARKÖR-BBB inriktning"})
    assert made.status_code == 201
    insats_id = made.json["id"]
    ours = ApiClient(any_app)
    assert ours.patch(f"/insatser/{insats_id}", json={"focus": "Intrång"}).status_code == 404
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    for answer in (client.get(f"{A}/insatser/{insats_id}/andra"),
                   client.post(f"{A}/insatser/{insats_id}/andra", data={"owner": "Umeå kommun", "kind": "individ",
                                                                         "focus": "Intrång"})):
        assert answer.status_code == 404 and b"MARK\xc3\x96R-BBB" not in answer.data
    assert "MARKÖR-BBB" not in ours.get("/insatser").get_data(as_text=True)
    assert theirs.get(f"/insatser/{insats_id}").json["focus"] == "MARKÖR-BBB inriktning"
