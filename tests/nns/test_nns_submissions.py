"""Motions and nominations: deadlines, a förbund acting only for itself, and a
förbund tenant's kansli working from inside its own workspace."""
from datetime import date, timedelta

from sqlalchemy import text

from finsam_saas.extensions import db
from finsam_saas.platform.session import TENANT_TABLES

from nns_support import nns_api
from support import NNS, SKELLEFTEA_MEMBER, TENANT_A, TENANT_B, UMEA_MEMBER, ApiClient, in_tenant, login

FUTURE = date.today() + timedelta(days=60)


def _meeting(app, deadline: date, day: date) -> int:
    answer = nns_api(app).post("/meetings", json={"body": "medlemsmote", "date": day.isoformat(),
                                                  "motion_deadline": deadline.isoformat()})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def test_motion_deadline(any_app):
    past = _meeting(any_app, date(2021, 10, 21), date(2021, 12, 2))
    open_ = _meeting(any_app, FUTURE - timedelta(days=30), FUTURE)
    umea = ApiClient(any_app, "kansli.a@test.se", NNS)
    late = umea.post(f"/meetings/{past}/motions", json={"title": "Sen motion", "text": "För sent."})
    assert late.status_code == 409 and late.json["error"]["code"] == "deadline_passed"
    ok = umea.post(f"/meetings/{open_}/motions", json={"title": "Gemensam statistik", "text": "Vi föreslår …"})
    assert ok.status_code == 201 and ok.json["submitted_by"] == UMEA_MEMBER
    agenda = nns_api(any_app).get(f"/meetings/{open_}").json["items"]
    titles = [i["title"] for i in agenda]
    motion_item = titles.index(f"Motion från {UMEA_MEMBER}: Gemensam statistik")
    assert titles[motion_item - 1].startswith("Behandling av inkomna motioner") and titles[motion_item + 1] == "Övriga ärenden"
    assert nns_api(any_app).get(f"/meetings/{past}/motions").json == []


def test_styrelse_answers_a_motion_and_the_pdf_carries_it(any_app):
    meeting_id = _meeting(any_app, FUTURE - timedelta(days=30), FUTURE)
    umea = ApiClient(any_app, "kansli.a@test.se", NNS)
    motion = umea.post(f"/meetings/{meeting_id}/motions", json={"title": "Analysstöd", "text": "NNS bör ge analysstöd."}).json
    api = nns_api(any_app)
    bad = api.put(f"/meetings/{meeting_id}/motions/{motion['id']}/response", json={"text": "x", "proposal": "kanske"})
    assert bad.status_code == 400 and "proposal" in bad.json["error"]["fields"]
    assert umea.put(f"/meetings/{meeting_id}/motions/{motion['id']}/response",
                    json={"text": "x", "proposal": "bifall"}).status_code == 403
    answer = api.put(f"/meetings/{meeting_id}/motions/{motion['id']}/response",
                     json={"text": "Styrelsen delar motionärens syn.", "proposal": "besvarad"})
    assert answer.status_code == 200 and answer.json["proposal"] == "besvarad"
    pdf = api.get(f"/meetings/{meeting_id}/motions.pdf")
    import io
    from pypdf import PdfReader
    content = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Analysstöd" in content and "Styrelsen delar motionärens syn." in content and "anse motionen besvarad" in content


def test_nomination_deadline_and_acting_only_for_ones_own_forbund(any_app):
    api = ApiClient(any_app, "valberedning.nns@test.se", NNS)
    seats = [{"role": "revisor", "holder": "Johan Fält", "member": "Finsam Göteborg", "term_ends": 2021}]
    # A round cannot be opened with its deadline already past.
    refused = api.post("/nomination-rounds", json={"title": "Inför årsmötet 2021", "deadline": "2021-01-31", "seats": seats})
    assert refused.status_code == 400 and "har redan passerat" in refused.json["error"]["message"]
    from datetime import date
    from finsam_saas.nns import services as nns
    with in_tenant(any_app, NNS):  # one opened back then, before its deadline
        closed_id = nns.open_round(title="Inför årsmötet 2021", deadline=date(2021, 1, 31), seats=seats,
                                   today=date(2020, 12, 1)).id
        db.session.commit()
    open_ = api.post("/nomination-rounds", json={"title": "Inför nästa årsmöte", "deadline": FUTURE.isoformat(),
                                                 "seats": seats}).json
    umea = ApiClient(any_app, "kansli.a@test.se", NNS)
    late = umea.post(f"/nomination-rounds/{closed_id}/nominations", json={"candidate": "Ann Ek", "role": "revisor"})
    assert late.status_code == 409 and late.json["error"]["code"] == "deadline_passed"
    ok = umea.post(f"/nomination-rounds/{open_['id']}/nominations",
                   json={"candidate": "Ann Ek", "role": "revisor", "consent": True})
    assert ok.status_code == 201 and ok.json["nominated_by"] == UMEA_MEMBER
    again = umea.post(f"/nomination-rounds/{open_['id']}/nominations",
                      json={"candidate": "ann ek", "role": "revisor", "consent": True})
    assert again.status_code == 409 and again.json["error"]["code"] == "already_nominated"
    assert "Ann Ek är redan nominerad till revisor" in again.json["error"]["message"]
    skelleftea = ApiClient(any_app, "kansli.b@test.se", NNS)
    posing = skelleftea.post(f"/nomination-rounds/{open_['id']}/nominations",
                             json={"candidate": "Bo Ek", "role": "revisor", "nominated_by": UMEA_MEMBER})
    assert posing.status_code == 403 and posing.json["error"]["code"] == "not_your_forbund"
    skelleftea.post(f"/nomination-rounds/{open_['id']}/nominations", json={"candidate": "Cia Ek", "role": "ledamot"})
    # The valberedning sees every nomination; a förbund only its own.
    assert {n["candidate"] for n in api.get(f"/nomination-rounds/{open_['id']}").json["nominations"]} == {"Ann Ek", "Cia Ek"}
    assert [n["candidate"] for n in skelleftea.get(f"/nomination-rounds/{open_['id']}").json["nominations"]] == ["Cia Ek"]
    # A kansli's reader or a plain board member of a förbund does not act for it in NNS.
    assert ApiClient(any_app, "lasare.a@test.se", NNS).get(f"/nomination-rounds/{open_['id']}").status_code == 404


def test_kansli_submits_a_motion_from_its_own_workspace_and_it_lands_in_nns_only(any_app):
    meeting_id = _meeting(any_app, FUTURE - timedelta(days=30), FUTURE)
    client = any_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    page = client.get(f"/t/{TENANT_A}/nns/")
    assert page.status_code == 200 and UMEA_MEMBER in page.get_data(as_text=True)
    answer = client.post(f"/t/{TENANT_A}/nns/motion", data={"meeting_id": meeting_id, "title": "MOTION-UMEÅ-7Q",
                                                            "text": "Från Umeåregionens eget kansli."},
                         follow_redirects=True)
    assert answer.status_code == 200 and "Motionen är inlämnad" in answer.get_data(as_text=True)
    motions = nns_api(any_app).get(f"/meetings/{meeting_id}/motions").json
    assert [(m["title"], m["submitted_by"]) for m in motions] == [("MOTION-UMEÅ-7Q", UMEA_MEMBER)]
    # Nowhere else: no table row of any förbund tenant holds it.
    for slug in (TENANT_A, TENANT_B):
        with in_tenant(any_app, slug) as tenant:
            for table in TENANT_TABLES:
                rows = db.session.execute(text(f"SELECT * FROM {table} WHERE tenant_id = :t"), {"t": tenant.id}).all()
                assert not any("MOTION-UMEÅ-7Q" in str(row) for row in rows), f"{slug}.{table}"
    other = any_app.test_client()
    login(other, "kansli.b@test.se")
    assert "MOTION-UMEÅ-7Q" not in other.get(f"/t/{TENANT_B}/nns/").get_data(as_text=True)
    assert SKELLEFTEA_MEMBER in other.get(f"/t/{TENANT_B}/nns/").get_data(as_text=True)


def test_förbund_page_is_only_for_kansli_of_member_förbund(any_app):
    reader = any_app.test_client()
    login(reader, "ledamot.a@test.se")
    assert reader.get(f"/t/{TENANT_A}/nns/").status_code == 403
    assert reader.get("/t/nns/forbund").status_code == 404
    assert reader.get("/t/nns/medlemsmoten").status_code == 404
    kansli = any_app.test_client()
    login(kansli, "kansli.a@test.se")
    assert kansli.get("/t/nns/medlemmar").status_code == 403  # NNS's register is NNS's own
    assert kansli.get(f"/t/{TENANT_A}/nns/").status_code == 200


def test_a_forbund_takes_its_nomination_back_until_the_deadline_and_never_anothers(any_app):
    api = ApiClient(any_app, "valberedning.nns@test.se", NNS)
    seats = [{"role": "revisor", "holder": "Johan Fält", "member": "Finsam Göteborg", "term_ends": 2099}]
    round_id = api.post("/nomination-rounds", json={"title": "Inför årsmötet", "deadline": FUTURE.isoformat(),
                                                    "seats": seats}).json["id"]
    umea = ApiClient(any_app, "kansli.a@test.se", NNS)
    nomination = umea.post(f"/nomination-rounds/{round_id}/nominations",
                           json={"candidate": "Ann Ek", "role": "revisor", "consent": True}).json["id"]
    skelleftea = ApiClient(any_app, "kansli.b@test.se", NNS)
    theirs = skelleftea.delete(f"/nomination-rounds/{round_id}/nominations/{nomination}")
    assert theirs.status_code == 409 and theirs.json["error"]["code"] == "not_your_forbund"
    # In the förbund's own workspace: the page offers it, and the nomination goes.
    kansli = any_app.test_client()
    assert login(kansli, "kansli.a@test.se").status_code == 302
    page = kansli.get(f"/t/{TENANT_A}/nns/").get_data(as_text=True)
    assert "Ta tillbaka" in page and "Ann Ek" in page
    done = kansli.post(f"/t/{TENANT_A}/nns/nominering/ta-tillbaka", data={"nomination_id": str(nomination)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Nomineringen av Ann Ek är tagen tillbaka." in done
    assert api.get(f"/nomination-rounds/{round_id}").json["nominations"] == []
    # Nominated again, it can be taken back through the API too; after that it is gone.
    again = umea.post(f"/nomination-rounds/{round_id}/nominations",
                      json={"candidate": "Ann Ek", "role": "revisor", "consent": True}).json["id"]
    assert umea.delete(f"/nomination-rounds/{round_id}/nominations/{again}").status_code == 204
    assert umea.delete(f"/nomination-rounds/{round_id}/nominations/{again}").status_code == 404
    import pytest
    from finsam_saas.nns import services as nns
    from finsam_saas.nns.models import NominationRound
    from finsam_saas.platform.rules import RuleViolation
    late = umea.post(f"/nomination-rounds/{round_id}/nominations",
                     json={"candidate": "Bo Ek", "role": "revisor", "consent": True}).json["id"]
    with in_tenant(any_app, NNS):
        round_ = db.session.get(NominationRound, round_id)
        nomination_row = next(n for n in round_.nominations if n.id == late)
        member = nns.member_named(UMEA_MEMBER, "nominated_by")
        with pytest.raises(RuleViolation, match="ligger kvar hos valberedningen"):
            nns.withdraw_nomination(nomination_row, member, today=FUTURE + timedelta(days=1))


def test_an_ombud_at_nns_start_lands_on_the_forbunds_nns_page_not_a_403(any_app):
    from nns_support import add_forbund, meeting_with_roll
    ombud = add_forbund(any_app, 1, passwords=True)
    meeting_with_roll(any_app, ombud)
    client = any_app.test_client()
    assert login(client, ombud[0][1]).status_code == 302
    answer = client.get("/t/nns/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/t/nns/forbund")
    assert client.get("/t/umearegionen/").status_code == 404  # no door into another tenant


def test_motions_stay_under_behandling_av_inkomna_motioner_whatever_the_agenda(any_app):
    from finsam_saas.nns import services as nns
    with in_tenant(any_app, NNS):
        general = nns.create_general_meeting(
            day=FUTURE + timedelta(days=30), motion_deadline=FUTURE,
            items=[{"title": "Mötets öppnande"}, {"title": "Behandling av inkomna motioner", "kind": "beslut"},
                   {"title": "Val av styrelse", "kind": "beslut"}, {"title": "Medlemsmötets avslutning"}])
        umea = nns.member_named(UMEA_MEMBER, "m")
        for title in ("Gemensam statistik", "Fler ombud"):
            nns.submit_motion(general, member=umea, title=title, text="Text.")
        titles = [i.title for i in sorted(general.meeting.items, key=lambda i: i.number)]
    assert titles == ["Mötets öppnande", "Behandling av inkomna motioner",
                      f"Motion från {UMEA_MEMBER}: Gemensam statistik", f"Motion från {UMEA_MEMBER}: Fler ombud",
                      "Val av styrelse", "Medlemsmötets avslutning"]
