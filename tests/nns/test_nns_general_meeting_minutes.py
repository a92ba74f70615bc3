"""The medlemsmöte as its own meeting: its beslutande are the ombud on the röstlängd (one per
förbund, stadgar § 12 [003]), never a board's seats, and it elects its own ordförande,
sekreterare, justerare and rösträknare (agenda items 3 and 4 of the kallelse of 2021-12-02 [003]),
who become the protokoll's. What a user sees: the protokoll's page, its PDF, the medlemsmöte's page."""
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from finsam_saas.extensions import db
from finsam_saas.platform.models import Job
from finsam_saas.platform.rules import RuleViolation

from nns_support import add_forbund, nns_api
from support import NNS, TENANT_A, ApiClient, in_tenant, login

OMBUD_NAMES = ["Anna Andersson", "Bo Berg", "Cecilia Ek", "David Dahl"]
SECRETARY = "sekreterare.nns@test.se"


def _medlemsmote(app, count: int = 4) -> tuple[int, list[tuple[str, str, str]]]:
    """A medlemsmöte on 2021-12-02 with NNS's agenda and `count` named ombud on its roll:
    (meeting id, [(förbund, ombud, e-mail)])."""
    forbund = add_forbund(app, count)
    api = nns_api(app)
    made = api.post("/meetings", json={"body": "medlemsmote", "date": "2021-12-02", "start": "09:00", "end": "12:00",
                                       "place": "Digitalt", "motion_deadline": "2021-10-21", "confirm": True})
    assert made.status_code == 201, made.json
    roll = [(member, name, email) for (member, email), name in zip(forbund, OMBUD_NAMES)]
    put = api.put(f"/meetings/{made.json['id']}/roll",
                  json={"ombud": [{"member": m, "name": n, "email": e} for m, n, e in roll]})
    assert put.status_code == 200, put.json
    return made.json["id"], roll


def _secretary(app):
    client = app.test_client()
    assert login(client, SECRETARY).status_code == 302
    return client


def _ombud_ids(app, meeting_id) -> dict[str, int]:
    from finsam_saas.nns.models import Ombud
    with in_tenant(app, NNS):
        return {o.name: o.id for o in db.session.scalars(select(Ombud).where(Ombud.meeting_id == meeting_id))}


def _start(client, app, meeting_id, present: list[str], **fields):
    ids = _ombud_ids(app, meeting_id)
    data = {f"present-ombud-{ids[name]}": "on" for name in present}
    data.update({"chair": "Marie Svensson", "secretary": "Charlotte Kardell", "justerare": "",
                 "others": "Marie Svensson, ordförande i NNS styrelse\nCharlotte Kardell, Sekreterare"})
    data.update(fields)
    return client.post(f"/t/nns/moten/{meeting_id}/protokoll/nytt", data=data)


def _elect(client, meeting_id, **fields):
    data = {"chair": "Gunnar Gäst", "secretary": "Charlotte Kardell", "justerare[0]": "anna andersson",
            "justerare[1]": "Hanna Holm", "counters_same": "on"}
    data.update(fields)
    return client.post(f"/t/nns/medlemsmoten/{meeting_id}/val", data={k: v for k, v in data.items() if v is not None})


def _pdf_text(client, meeting_id) -> str:
    page = client.post(f"/t/nns/moten/{meeting_id}/protokoll.pdf", follow_redirects=True).get_data(as_text=True)
    link = re.search(r'href="(/t/nns/jobb/\d+/fil)"', page)
    assert link, page
    return _text(client.get(link.group(1)).data)


def _text(pdf: bytes) -> str:
    """The PDF's text with its lines joined: a sentence may wrap."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _paragraph(minutes_json, word):
    return next(p for p in minutes_json["paragraphs"] if word in p["title"].lower())


def test_the_ombud_present_are_the_beslutande_and_the_elected_are_the_protokolls(any_app):
    meeting_id, roll = _medlemsmote(any_app)
    client = _secretary(any_app)

    # The start page lists the röstlängd, every ombud ticked, not the (empty) seats of a board.
    form = client.get(f"/t/nns/moten/{meeting_id}/protokoll/nytt").get_data(as_text=True)
    assert "Närvarande ombud enligt röstlängden" in form and "Närvarande ledamöter" not in form
    for member, name, _ in roll:
        assert name in form and member in form
    assert form.count('name="present-ombud-') == 4 and form.count("checked") >= 4

    # David Dahl is not there; Gunnar Gäst (to be elected chair) and Hanna Holm are typed in nowhere.
    started = _start(client, any_app, meeting_id, OMBUD_NAMES[:3])
    assert started.status_code == 302, started.get_data(as_text=True)
    page = client.get(f"/t/nns/moten/{meeting_id}/protokoll").get_data(as_text=True)
    paragraphs = page.count('class="paragraph"')
    assert paragraphs == 12
    assert page.count("Beslutande närvarande: 3.") == paragraphs and "Beslutande närvarande: 0" not in page
    assert "3 av 4 ombud på röstlängden är närvarande" in page
    assert re.search(r"<td>[^<]*Testförbundet \d\d</td><td>David Dahl</td>\s*<td>Nej</td>", page)
    assert "Mötets val av ordförande, sekreterare och justerare är inte införda än" in page

    # The meeting's elections, entered on the medlemsmöte's page.
    elected = _elect(client, meeting_id)
    assert elected.status_code == 302, elected.get_data(as_text=True)
    shown = client.get(elected.headers["Location"]).get_data(as_text=True)
    assert "Mötets val är sparade och införda i protokollet (§ 3 och § 4)" in shown
    assert "<dd>Gunnar Gäst</dd>" in shown and "<dd>Anna Andersson och Hanna Holm</dd>" in shown

    page = client.get(f"/t/nns/moten/{meeting_id}/protokoll").get_data(as_text=True)
    assert "Ordförande Gunnar Gäst, sekreterare Charlotte Kardell, justerare Anna Andersson och Hanna Holm." in page
    assert "Medlemsmötet valde Gunnar Gäst till ordförande för mötet." in page
    assert "Medlemsmötet valde Charlotte Kardell till sekreterare för mötet." in page
    assert "Medlemsmötet valde Anna Andersson och Hanna Holm till justerare och rösträknare." in page
    assert page.count("Beslutande närvarande: 3.") == paragraphs  # electing changes no one's presence
    assert "Anna Andersson (justerare)" in page and "Hanna Holm (justerare)" in page  # the signers to approve
    assert "Gunnar Gäst (ordförande)" in page

    api = nns_api(any_app).get(f"/meetings/{meeting_id}").json["minutes"]
    assert api["chair"] == "Gunnar Gäst" and api["justerare"] == ["Anna Andersson", "Hanna Holm"]
    assert {p["deciding"] for p in api["paragraphs"]} == {3}
    assert sorted(a["name"] for a in api["attendees"] if a["role"] == "ombud") == OMBUD_NAMES[:3]
    assert _paragraph(api, "ordförande")["decision"].startswith("Medlemsmötet valde Gunnar Gäst till ordförande")

    pdf = _pdf_text(client, meeting_id)
    assert "3 av 4 ombud på röstlängden" in pdf
    for member, name, _ in roll[:3]:
        assert f"{name}, ombud för {member}" in pdf
    assert "Ej närvarande ombud" in pdf and f"David Dahl, ombud för {roll[3][0]}" in pdf
    assert re.search(r"Ordförande \.+ Gunnar Gäst", pdf)
    assert re.search(r"Justerare \.+ Anna Andersson", pdf) and re.search(r"Justerare \.+ Hanna Holm", pdf)
    assert re.search(r"Sekreterare \.+ Charlotte Kardell", pdf)
    assert "Medlemsmötet valde Anna Andersson och Hanna Holm till justerare och rösträknare." in pdf


def test_an_ombud_who_leaves_counts_only_at_the_paragraphs_they_were_present(any_app):
    meeting_id, _ = _medlemsmote(any_app, 3)
    client = _secretary(any_app)
    ids = _ombud_ids(any_app, meeting_id)
    numbers = [p["number"] for p in nns_api(any_app).get(f"/meetings/{meeting_id}").json["items"]]
    assert numbers  # the agenda's items, and so the §§ 1–12 of this first meeting of the year
    assert _start(client, any_app, meeting_id, OMBUD_NAMES[:3], **{f"to-ombud-{ids['Cecilia Ek']}": "6"}).status_code == 302
    page = client.get(f"/t/nns/moten/{meeting_id}/protokoll").get_data(as_text=True)
    assert page.count("Beslutande närvarande: 3.") == 6 and page.count("Beslutande närvarande: 2.") == 6
    assert "Ja, beslutande §&nbsp;1–6" in page


def test_elections_before_the_protokoll_are_its_functionaries_when_it_starts(any_app):
    meeting_id, _ = _medlemsmote(any_app)
    client = _secretary(any_app)
    assert _elect(client, meeting_id, **{"counters_same": None, "counters[0]": "Ivar Ivarsson"}).status_code == 302
    shown = client.get(f"/t/nns/medlemsmoten/{meeting_id}").get_data(as_text=True)
    assert "Mötets val är sparade. De blir protokollets ordförande, sekreterare och justerare när protokollet startas." in shown
    assert "<dd>Ivar Ivarsson</dd>" in shown

    form = client.get(f"/t/nns/moten/{meeting_id}/protokoll/nytt").get_data(as_text=True)
    assert "Mötet valde Gunnar Gäst till ordförande, Charlotte Kardell till sekreterare och Anna Andersson och " \
           "Hanna Holm till justerare" in form
    assert 'name="chair"' not in form  # not typed again: the meeting elected them
    assert _start(client, any_app, meeting_id, OMBUD_NAMES, chair="", secretary="").status_code == 302
    api = nns_api(any_app).get(f"/meetings/{meeting_id}").json["minutes"]
    assert api["chair"] == "Gunnar Gäst" and api["secretary"] == "Charlotte Kardell"
    assert api["justerare"] == ["Anna Andersson", "Hanna Holm"]
    assert {p["deciding"] for p in api["paragraphs"]} == {4}
    justerare = _paragraph(api, "justerare")["decision"].split("\n")
    assert justerare == ["Medlemsmötet valde Anna Andersson och Hanna Holm till justerare.",
                         "Medlemsmötet valde Ivar Ivarsson till rösträknare."]

    # Through the API too the protokoll's chair is the one the meeting elected.
    refused = nns_api(any_app).put(f"/meetings/{meeting_id}/minutes/attendance", json={
        "chair": "Marie Svensson", "secretary": "Charlotte Kardell", "justerare": [],
        "attendees": [{"name": "Anna Andersson", "role": "ombud"}]})
    assert refused.status_code == 400
    assert "Mötet valde Gunnar Gäst till ordförande, inte Marie Svensson" in refused.json["error"]["message"]
    assert refused.json["error"]["fields"] == {"chair": "vald av mötet"}


def test_attendance_is_checked_against_the_roll(any_app):
    meeting_id, roll = _medlemsmote(any_app, 2)
    api = nns_api(any_app)
    base = {"chair": "Marie Svensson", "secretary": "Charlotte Kardell", "justerare": []}
    stranger = api.post(f"/meetings/{meeting_id}/minutes", json={
        **base, "attendees": [{"name": "Okänd Person", "role": "ombud"}]})
    assert stranger.status_code == 400 and "Okänd Person är inte ombud på röstlängden" in stranger.json["error"]["message"]
    assert stranger.json["error"]["fields"] == {"attendees[0].name": "inte ombud"}
    wrong = api.post(f"/meetings/{meeting_id}/minutes", json={
        **base, "attendees": [{"name": "Anna Andersson", "role": "ombud", "member": roll[1][0]}]})
    assert wrong.status_code == 400 and f"Anna Andersson är ombud för {roll[0][0]}, inte {roll[1][0]}" in wrong.json["error"]["message"]
    seat = api.post(f"/meetings/{meeting_id}/minutes", json={**base, "attendees": [{"name": "Bo Berg", "role": "ledamot"}]})
    assert seat.status_code == 400 and "mötet har inga ledamöter eller ersättare" in seat.json["error"]["message"]
    twice = api.post(f"/meetings/{meeting_id}/minutes", json={**base, "attendees": [
        {"name": "Bo Berg", "role": "ombud"}, {"name": "bo berg", "role": "ombud"}]})
    assert twice.status_code == 400 and "Bo Berg står två gånger bland deltagarna" in twice.json["error"]["message"]
    # A board has no roll: an ombud there is refused, naming the row.
    board = ApiClient(any_app, "kansli.a@test.se", TENANT_A)
    made = board.post("/meetings", json={"body": "styrelse", "date": "2021-03-05", "items": [{"title": "Ärende"}]})
    assert made.status_code == 201, made.json
    refused = board.post(f"/meetings/{made.json['id']}/minutes", json={
        **base, "attendees": [{"name": "Anna Andersson", "role": "ombud"}]})
    assert refused.status_code == 400 and refused.json["error"]["fields"] == {"attendees[0].role": "ingen röstlängd"}


def test_election_errors_name_the_field_and_keep_what_was_typed(any_app):
    meeting_id, _ = _medlemsmote(any_app)
    client = _secretary(any_app)
    answer = _elect(client, meeting_id, chair="", **{"justerare[0]": "Charlotte Kardell", "justerare[1]": "Bo Berg",
                                                   "counters_same": None})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert ("Mötets val kunde inte sparas: Ordförande för mötet: saknas; Justerare 1: sekreteraren skriver protokollet "
            "och kan inte också justera det; Rösträknare 1: saknas") in page
    assert re.search(r'id="f-chair-fel">saknas</p>', page)
    assert 'value="Bo Berg"' in page  # as typed
    assert 'id="f-justerare[0]-fel">sekreteraren skriver protokollet' in page
    same = _elect(client, meeting_id, chair="Bo Berg", **{"justerare[0]": "Bo Berg", "justerare[1]": "bo  berg"})
    assert same.status_code == 400
    assert "Justerare 1: ordföranden justerar redan protokollet" in same.get_data(as_text=True)
    assert "Justerare 2: Bo Berg står redan som justerare" in same.get_data(as_text=True)
    none = _elect(client, meeting_id, **{"justerare[0]": "", "justerare[1]": ""})
    assert "Justerare 1: saknas: mötet väljer minst en justerare" in none.get_data(as_text=True)
    from finsam_saas.nns.models import GeneralMeeting
    with in_tenant(any_app, NNS):
        general = db.session.scalar(select(GeneralMeeting).where(GeneralMeeting.meeting_id == meeting_id))
        assert general.elected_at is None and general.presiding_chair == ""


def test_the_elected_chair_and_rosträknare_follow_the_count_where_their_address_is_known(any_app):
    meeting_id, roll = _medlemsmote(any_app)
    client = _secretary(any_app)
    assert client.post(f"/t/nns/medlemsmoten/{meeting_id}/funktionarer",
                       data={"officials": "extra@test.se"}).status_code == 302
    assert _elect(client, meeting_id, chair="Bo Berg", **{"counters_same": None, "counters[0]": "Cecilia Ek",
                                                          "counters[1]": "Gunnar Gäst"}).status_code == 302
    from finsam_saas.nns.models import GeneralMeeting
    with in_tenant(any_app, NNS):
        general = db.session.scalar(select(GeneralMeeting).where(GeneralMeeting.meeting_id == meeting_id))
        # Bo Berg and Cecilia Ek are ombud (their addresses known); Gunnar Gäst is nobody NNS knows.
        assert general.officials == sorted([roll[1][2], roll[2][2]]) + ["extra@test.se"]
    assert _elect(client, meeting_id, chair="Gunnar Gäst").status_code == 302  # the justerare count
    with in_tenant(any_app, NNS):
        general = db.session.scalar(select(GeneralMeeting).where(GeneralMeeting.meeting_id == meeting_id))
        assert general.officials == [roll[0][2], "extra@test.se"]  # Anna Andersson's; the typed one stays


def test_a_justerat_protokoll_keeps_its_elections_and_roll_on_every_path(any_app):
    meeting_id, _ = _medlemsmote(any_app)
    client = _secretary(any_app)
    assert _start(client, any_app, meeting_id, OMBUD_NAMES[:3]).status_code == 302
    # No justering before the meeting has its justerare.
    api = nns_api(any_app)
    early = api.post(f"/meetings/{meeting_id}/minutes/justering", json={"date": "2021-12-10", "signed_on_paper": True})
    assert early.status_code == 409 and early.json["error"]["code"] == "no_justerare", early.json
    assert _elect(client, meeting_id).status_code == 302
    done = api.post(f"/meetings/{meeting_id}/minutes/justering", json={"date": "2021-12-10", "signed_on_paper": True})
    assert done.status_code == 200, done.json

    page = client.get(f"/t/nns/medlemsmoten/{meeting_id}").get_data(as_text=True)
    assert "Protokollet justerades 2021-12-10: mötets val står i det och kan inte längre ändras." in page
    assert 'action="/t/nns/medlemsmoten/%d/val"' % meeting_id not in page
    refused = _elect(client, meeting_id, chair="Någon Annan")
    assert refused.status_code == 409
    assert "Protokollet justerades 2021-12-10. Mötets val av ordförande, sekreterare, justerare och rösträknare står i " \
           "det och kan inte längre ändras" in refused.get_data(as_text=True)

    from finsam_saas.nns import minutes, services
    from finsam_saas.nns.models import GeneralMeeting, Ombud
    from finsam_saas.organisation.models import Member
    with in_tenant(any_app, NNS):
        general = db.session.scalar(select(GeneralMeeting).where(GeneralMeeting.meeting_id == meeting_id))
        with pytest.raises(RuleViolation, match="justerades 2021-12-10"):
            minutes.elect_functionaries(general, chair="X", secretary="Y", justerare=["Z"], counters=None)
        db.session.rollback()
        general = db.session.scalar(select(GeneralMeeting).where(GeneralMeeting.meeting_id == meeting_id))
        member = db.session.scalar(select(Member).where(Member.name.like("Testförbundet %")))
        with pytest.raises(RuleViolation, match="röstlängden som dess närvaro bygger på"):
            services.register_ombud(general, member, name="Ny", email="ny@test.se", replace=True)
        db.session.rollback()
        ombud_id = db.session.scalar(select(Ombud.id).where(Ombud.meeting_id == meeting_id))
        # Past the app's rules, the database refuses the same (migration 0026).
        for statement in (f"UPDATE nns_general_meetings SET presiding_chair = 'Någon Annan' WHERE meeting_id = {meeting_id}",
                          f"UPDATE nns_general_meetings SET justerare = '[\"X\"]' WHERE meeting_id = {meeting_id}",
                          f"UPDATE nns_ombud SET name = 'Någon Annan' WHERE id = {ombud_id}",
                          f"DELETE FROM nns_ombud WHERE id = {ombud_id}"):
            with pytest.raises(RuleViolation) as error:
                db.session.execute(text(statement))
            assert error.value.code == "justerad"
            db.session.rollback()
        # What the protokoll does not print still changes.
        db.session.execute(text(f"UPDATE nns_general_meetings SET officials = '[]' WHERE meeting_id = {meeting_id}"))
        db.session.commit()

    original = client.get(f"/t/nns/moten/{meeting_id}/protokoll/original.pdf")
    assert original.status_code == 200
    pdf = _text(original.data)
    assert re.search(r"Ordförande \.+ Gunnar Gäst", pdf) and re.search(r"Justerare \.+ Hanna Holm", pdf)
    assert "3 av 4 ombud på röstlängden" in pdf
    page = client.get(f"/t/nns/moten/{meeting_id}/protokoll").get_data(as_text=True)
    assert "Ordförande Gunnar Gäst, sekreterare Charlotte Kardell, justerare Anna Andersson och Hanna Holm." in page
    with in_tenant(any_app, NNS):
        assert db.session.scalar(select(Job.id).where(Job.state == "failed")) is None


def test_the_new_route_is_behind_the_tenant_wall(any_app):
    meeting_id, _ = _medlemsmote(any_app)
    with in_tenant(any_app, TENANT_A):
        from finsam_saas.meetings.models import Meeting
        umea_meeting = db.session.scalar(select(Meeting.id))
    for email in ("ledamot.a@test.se", "lasare.a@test.se", "revisor.a@test.se", "kansli.b@test.se"):
        client = any_app.test_client()
        assert login(client, email).status_code == 302
        answer = _elect(client, meeting_id)
        # No standing in NNS: as if the meeting did not exist. A member förbund's kansli has
        # standing (its NNS page) but may not run the meeting.
        assert answer.status_code == (403 if email == "kansli.b@test.se" else 404), email
        assert b"Gunnar" not in answer.data
    secretary = _secretary(any_app)
    # Another tenant's meeting is no medlemsmöte of NNS's.
    assert _elect(secretary, umea_meeting or 987654).status_code == 404
    assert _elect(secretary, 987654).status_code == 404
    from finsam_saas.nns.models import GeneralMeeting
    with in_tenant(any_app, NNS):
        general = db.session.scalar(select(GeneralMeeting).where(GeneralMeeting.meeting_id == meeting_id))
        assert general.elected_at is None
