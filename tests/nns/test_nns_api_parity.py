"""API parity (#17): a förbund's kansli or admin acts for its own förbund in NNS through the API
as through its NNS page, whatever role the same person also holds in NNS; what they submit is
the förbund's. Naming nothing when both the förbund and NNS could be meant is a 400 that says to
name either; naming another förbund is 403; an ombud only votes."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform.models import Membership, Tenant, User

from nns_support import add_forbund, nns_api
from support import NNS, SKELLEFTEA_MEMBER, TENANT_A, UMEA_MEMBER, ApiClient, in_tenant, login

FUTURE = clock.today() + timedelta(days=60)


def _also_in_nns(app, email: str, role: str) -> None:
    """Give a förbund user a role of NNS's own as well (the admin who sits on NNS's styrelse)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        nns = db.session.scalar(select(Tenant).where(Tenant.slug == NNS))
        db.session.add(Membership(user_id=user.id, tenant_id=nns.id, role=role))
        db.session.commit()
        db.session.remove()


def _meeting_and_round(app) -> tuple[int, int]:
    meeting = nns_api(app).post("/meetings", json={"body": "medlemsmote", "date": FUTURE.isoformat(),
                                                   "motion_deadline": (FUTURE - timedelta(days=30)).isoformat()})
    assert meeting.status_code == 201, meeting.json
    round_ = ApiClient(app, "valberedning.nns@test.se", NNS).post("/nomination-rounds", json={
        "title": "Inför årsmötet", "deadline": (FUTURE - timedelta(days=10)).isoformat(),
        "seats": [{"role": "revisor", "holder": "Johan Fält", "member": "Finsam Göteborg", "term_ends": 2031}]})
    assert round_.status_code == 201, round_.json
    return meeting.json["id"], round_.json["id"]


def _motions(app, meeting_id: int) -> dict[str, int | None]:
    """The meeting's motions by title, with the member id each is recorded for."""
    from finsam_saas.nns.models import Motion
    with in_tenant(app, NNS):
        return {m.title: m.member_id for m in db.session.scalars(select(Motion).where(Motion.meeting_id == meeting_id))}


def _member_id(app, name: str) -> int:
    from finsam_saas.nns import services
    with in_tenant(app, NNS):
        return services.member_named(name, "m").id


@pytest.mark.parametrize("nns_role", ["ledamot", "lasare"])
def test_a_forbund_admin_with_a_role_in_nns_acts_for_the_forbund_in_the_api(any_app, nns_role):
    meeting_id, round_id = _meeting_and_round(any_app)
    _also_in_nns(any_app, "admin.a@test.se", nns_role)
    admin = ApiClient(any_app, "admin.a@test.se", NNS)
    umea = _member_id(any_app, UMEA_MEMBER)

    # Nominating and registering the ombud: his NNS role alone may do neither, so it is the förbund's.
    nomination = admin.post(f"/nomination-rounds/{round_id}/nominations",
                            json={"candidate": "Ann Ek", "role": "revisor", "consent": True})
    assert nomination.status_code == 201, nomination.json
    assert nomination.json["nominated_by"] == UMEA_MEMBER
    named = admin.post(f"/nomination-rounds/{round_id}/nominations",
                       json={"candidate": "Bo Ek", "role": "revisor", "nominated_by": UMEA_MEMBER})
    assert named.status_code == 201 and named.json["nominated_by"] == UMEA_MEMBER
    ombud = admin.post(f"/meetings/{meeting_id}/roll/ombud", json={"name": "Johanna", "email": "kansli.a@test.se"})
    assert ombud.status_code == 201, ombud.json
    assert ombud.json["member"] == UMEA_MEMBER
    roll = nns_api(any_app).get(f"/meetings/{meeting_id}/roll").json["ombud"]
    assert [(o["member"], o["email"]) for o in roll] == [(UMEA_MEMBER, "kansli.a@test.se")]

    # Never for another förbund, nor for NNS where his role does not reach.
    other = admin.post(f"/nomination-rounds/{round_id}/nominations",
                       json={"candidate": "Cia Ek", "role": "revisor", "nominated_by": SKELLEFTEA_MEMBER})
    assert other.status_code == 403 and other.json["error"]["code"] == "not_your_forbund"
    as_nns = admin.post(f"/nomination-rounds/{round_id}/nominations",
                        json={"candidate": "Cia Ek", "role": "revisor", "nominated_by": "NNS styrelse"})
    assert as_nns.status_code == 403 and as_nns.json["error"]["code"] == "not_your_forbund"
    elsewhere = admin.post(f"/meetings/{meeting_id}/roll/ombud",
                           json={"name": "X", "email": "x@test.se", "member": SKELLEFTEA_MEMBER})
    assert elsewhere.status_code == 403

    # Taking the nomination back needs nothing named: it is the förbund's.
    assert admin.delete(f"/nomination-rounds/{round_id}/nominations/{named.json['id']}").status_code == 204

    # A motion: a ledamot of NNS could mean the styrelse, so he must say which.
    unnamed = admin.post(f"/meetings/{meeting_id}/motions", json={"title": "Gemensam statistik", "text": "Text."})
    if nns_role == "ledamot":
        assert unnamed.status_code == 400
        error = unnamed.json["error"]
        assert "submitted_by" in error["fields"]
        assert UMEA_MEMBER in error["message"] and "\"NNS styrelse\"" in error["message"]
        assert _motions(any_app, meeting_id) == {}
        ours = admin.post(f"/meetings/{meeting_id}/motions",
                          json={"title": "Förbundets motion", "text": "Text.", "submitted_by": UMEA_MEMBER})
        assert ours.status_code == 201 and ours.json["submitted_by"] == UMEA_MEMBER
        styrelse = admin.post(f"/meetings/{meeting_id}/motions",
                              json={"title": "Styrelsens förslag", "text": "Text.", "submitted_by": "NNS styrelse"})
        assert styrelse.status_code == 201 and styrelse.json["submitted_by"] == "NNS styrelse"
        assert _motions(any_app, meeting_id) == {"Förbundets motion": umea, "Styrelsens förslag": None}
    else:  # a läsare of NNS submits nothing for NNS: the motion is the förbund's
        assert unnamed.status_code == 201 and unnamed.json["submitted_by"] == UMEA_MEMBER
        assert _motions(any_app, meeting_id) == {"Gemensam statistik": umea}


def test_the_same_admin_does_the_same_on_the_forbunds_nns_pages(any_app):
    meeting_id, round_id = _meeting_and_round(any_app)
    _also_in_nns(any_app, "admin.a@test.se", "ledamot")
    client = any_app.test_client()
    assert login(client, "admin.a@test.se").status_code == 302
    for page in (f"/t/{TENANT_A}/nns/", "/t/nns/forbund"):
        answer = client.get(page)
        assert answer.status_code == 200 and f"{UMEA_MEMBER} i NNS" in answer.get_data(as_text=True), page
    done = client.post("/t/nns/forbund/nominering", data={"round_id": round_id, "role": "revisor",
                                                          "candidate": "Dan Ek", "consent": "on"}, follow_redirects=True)
    assert "Nomineringen är skickad" in done.get_data(as_text=True)
    done = client.post(f"/t/{TENANT_A}/nns/motion", data={"meeting_id": meeting_id, "title": "Från sidan",
                                                          "text": "Text."}, follow_redirects=True)
    assert "Motionen är inlämnad" in done.get_data(as_text=True)
    assert _motions(any_app, meeting_id) == {"Från sidan": _member_id(any_app, UMEA_MEMBER)}
    nominations = ApiClient(any_app, "valberedning.nns@test.se", NNS).get(f"/nomination-rounds/{round_id}").json
    assert [(n["candidate"], n["nominated_by"]) for n in nominations["nominations"]] == [("Dan Ek", UMEA_MEMBER)]


def test_nns_secretary_who_is_also_a_forbunds_kansli_names_whom_she_acts_for(any_app):
    meeting_id, round_id = _meeting_and_round(any_app)
    _also_in_nns(any_app, "kansli.b@test.se", "kansli")
    both = ApiClient(any_app, "kansli.b@test.se", NNS)
    unnamed = both.post(f"/nomination-rounds/{round_id}/nominations", json={"candidate": "Eva Ek", "role": "revisor"})
    assert unnamed.status_code == 400 and "nominated_by" in unnamed.json["error"]["fields"]
    assert "\"NNS styrelse\"" in unnamed.json["error"]["message"]
    ours = both.post(f"/nomination-rounds/{round_id}/nominations",
                     json={"candidate": "Eva Ek", "role": "revisor", "nominated_by": SKELLEFTEA_MEMBER})
    assert ours.status_code == 201 and ours.json["nominated_by"] == SKELLEFTEA_MEMBER
    # As NNS's kansli she may still register another förbund's ombud when she names it; an ombud is
    # always a förbund's, so naming nothing means her own.
    own = both.post(f"/meetings/{meeting_id}/roll/ombud", json={"name": "Per", "email": "per@skelleftea.test"})
    assert own.status_code == 201 and own.json["member"] == SKELLEFTEA_MEMBER
    theirs = both.post(f"/meetings/{meeting_id}/roll/ombud",
                       json={"name": "Gun", "email": "gun@gotland.test", "member": "Samordningsförbundet Gotland"})
    assert theirs.status_code == 201 and theirs.json["member"] == "Samordningsförbundet Gotland"


def test_one_who_is_kansli_of_two_forbund_names_which(any_app):
    meeting_id, round_id = _meeting_and_round(any_app)
    two = ApiClient(any_app, "flera@test.se", NNS)
    unnamed = two.post(f"/meetings/{meeting_id}/motions", json={"title": "Vems?", "text": "Text."})
    assert unnamed.status_code == 400 and "submitted_by" in unnamed.json["error"]["fields"]
    assert UMEA_MEMBER in unnamed.json["error"]["message"] and SKELLEFTEA_MEMBER in unnamed.json["error"]["message"]
    named = two.post(f"/meetings/{meeting_id}/motions", json={"title": "Umeås", "text": "Text.",
                                                              "submitted_by": UMEA_MEMBER})
    assert named.status_code == 201 and named.json["submitted_by"] == UMEA_MEMBER


def test_an_ombud_only_votes_and_submits_nothing_for_the_forbund(any_app):
    meeting_id, round_id = _meeting_and_round(any_app)
    (member, email), = add_forbund(any_app, 1)
    assert nns_api(any_app).put(f"/meetings/{meeting_id}/roll",
                                json={"ombud": [{"member": member, "email": email}]}).status_code == 200
    ombud = ApiClient(any_app, email, NNS)
    assert ombud.get(f"/meetings/{meeting_id}/roll").status_code == 200
    for answer in (ombud.post(f"/nomination-rounds/{round_id}/nominations", json={"candidate": "F", "role": "revisor"}),
                   ombud.post(f"/meetings/{meeting_id}/motions", json={"title": "M", "text": "T"}),
                   ombud.post(f"/meetings/{meeting_id}/roll/ombud", json={"name": "N", "email": "n@test.se", "replace": True})):
        assert answer.status_code == 403
    assert _motions(any_app, meeting_id) == {}
