"""Ombud find the vote (#17): the förbund's NNS page and the start page of whoever is ombud (or
kansli of a förbund with an ombud) list the coming medlemsmöten — today's included, by Stockholm's
day — with "Rösta" while a poll is open; /t/nns/ lands an ombud or invited contact on their page;
every NNS mail carries an absolute link to the page it is about; the call for nominations names
the member förbund it could not reach."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes, policy
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.platform import clock

from nns_support import add_forbund, nns_api
from support import (
    NNS, PASSWORD, SKELLEFTEA_MEMBER, TENANT_A, TENANT_B, UMEA_MEMBER, in_tenant, login,
)

# 23:30 UTC on 10 March is 00:30 on 11 March in Stockholm: "today" is the 11th, not the server's 10th.
NOW = datetime(2030, 3, 10, 23, 30, tzinfo=timezone.utc)
TODAY, YESTERDAY, IN_TWO_WEEKS = date(2030, 3, 11), date(2030, 3, 10), date(2030, 3, 25)
PUBLIC = "http://127.0.0.1:5000"  # the tests' PUBLIC_URL: config's default


class _Text(HTMLParser):
    """The text a reader sees: no tags, no attribute values, no script or style."""

    def __init__(self):
        super().__init__()
        self.parts, self.links, self._skip, self._href = [], [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a":
            self._href, self._label = dict(attrs).get("href"), []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "a" and self._href is not None:
            self.links.append((" ".join("".join(self._label).split()), self._href))
            self._href = None

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)
            if self._href is not None:
                self._label.append(data)


def _page(response) -> tuple[str, list[tuple[str, str]]]:
    assert response.status_code == 200, response.status_code
    parser = _Text()
    parser.feed(response.get_data(as_text=True))
    return " ".join(" ".join(parser.parts).split()), parser.links


def _mails(app) -> list:
    return [message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(app.config["OUTBOX_DIR"].glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)]


def _body(message) -> str:
    return message.get_body(("plain",)).get_content()


def _links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


@pytest.fixture
def stockholm_night(monkeypatch):
    monkeypatch.setattr(clock, "_utcnow", lambda: NOW)


def _meeting(api, day: date, roll: list[tuple[str, str, str]], *, poll: str | None = None) -> int:
    """A medlemsmöte on `day` with this roll [(förbund, name, email)]; with `poll`, the protokoll
    started, the roll fixed and an open poll of that title."""
    made = api.post("/meetings", json={"body": "medlemsmote", "date": day.isoformat(), "start": "09:00",
                                       "end": "12:00", "place": "Digitalt", "confirm": True})
    assert made.status_code == 201, made.json
    meeting_id = made.json["id"]
    put = api.put(f"/meetings/{meeting_id}/roll", json={"ombud": [{"member": m, "name": n, "email": e}
                                                                  for m, n, e in roll]})
    assert put.status_code == 200, put.json
    if poll:
        minutes = api.post(f"/meetings/{meeting_id}/minutes", json={
            "chair": "Marie Svensson", "secretary": "Charlotte Kardell", "justerare": ["Kenneth Andersson"],
            "attendees": [{"name": "Marie Svensson", "role": "ovrig"}, {"name": "Kenneth Andersson", "role": "ovrig"}]})
        assert minutes.status_code == 201, minutes.json
        assert api.post(f"/meetings/{meeting_id}/roll/fix").status_code == 200
        made_poll = api.post(f"/meetings/{meeting_id}/polls", json={"title": poll, "options": ["Bifall", "Avslag"]})
        assert made_poll.status_code == 201, made_poll.json
        assert api.post(f"/meetings/{meeting_id}/polls/{made_poll.json['id']}/open").status_code == 200
    return meeting_id


def _three_meetings(app):
    """Yesterday's (over), today's with an open poll, and one in two weeks; Umeåregionen's ombud is
    its kansli, Skellefteå–Norsjö's someone else today and nobody in two weeks."""
    api = nns_api(app)
    today = _meeting(api, TODAY, [(UMEA_MEMBER, "Johanna", "kansli.a@test.se"),
                                  (SKELLEFTEA_MEMBER, "Per Persson", "per@skelleftea.test")], poll="Medlemsavgift 2031")
    later = _meeting(api, IN_TWO_WEEKS, [(UMEA_MEMBER, "Johanna", "kansli.a@test.se")])
    _meeting(api, YESTERDAY, [(UMEA_MEMBER, "Johanna", "kansli.a@test.se")])  # after: its protokoll is not written
    return today, later


def _client(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_the_ombud_finds_todays_vote_from_start_and_the_forbunds_page(any_app, stockholm_night):
    today, later = _three_meetings(any_app)
    kansli = _client(any_app, "kansli.a@test.se")
    vote = f"/t/nns/medlemsmoten/{today}/rosta"
    # Start (where the login leads) and the förbund's NNS page, in its own workspace and in NNS.
    assert kansli.get("/").headers["Location"] == f"/t/{TENANT_A}/"
    for path in (f"/t/{TENANT_A}/", f"/t/{TENANT_A}/nns/", "/t/nns/forbund"):
        text, links = _page(kansli.get(path))
        assert "Medlemsmöte 2030-03-11 klockan 09.00, Digitalt" in text, path
        assert "Medlemsmöte 2030-03-25" in text, path
        assert "2030-03-10" not in text, path  # yesterday's is over, though it is still the 10th in UTC
        assert f"Du är ombud för {UMEA_MEMBER}." in text
        assert ("Rösta vid medlemsmöte 2030-03-11", vote) in links, path
        assert "Öppen nu: Medlemsavgift 2031." in text
        assert "Inga öppna omröstningar just nu." in text  # the meeting in two weeks
        assert sum(1 for label, href in links if label.startswith("Rösta")) == 1
    start, _ = _page(kansli.get(f"/t/{TENANT_A}/"))
    assert start.index("Medlemsmöte 2030-03-11") < start.index("Medlemsmöte 2030-03-25")
    # The link leads to the vote.
    assert "Lägg rösten" in _page(kansli.get(vote))[0]


def test_a_forbunds_kansli_who_is_not_its_ombud_sees_who_votes(any_app, stockholm_night):
    _three_meetings(any_app)
    text, links = _page(_client(any_app, "kansli.b@test.se").get(f"/t/{TENANT_B}/"))
    assert f"Ombud för {SKELLEFTEA_MEMBER}: Per Persson." in text
    assert "Omröstning pågår: Medlemsavgift 2031 – ombudet röstar för förbundet." in text
    assert f"{SKELLEFTEA_MEMBER} har inget ombud anmält ännu." in text  # in two weeks
    assert not any(label.startswith("Rösta") for label, _ in links)
    assert (f"{SKELLEFTEA_MEMBER} i NNS", f"/t/{TENANT_B}/nns/") in links


def test_a_board_member_who_is_ombud_finds_the_vote_on_the_forbunds_start(any_app, stockholm_night):
    api = nns_api(any_app)
    today = _meeting(api, TODAY, [(UMEA_MEMBER, "Ledamot A", "ledamot.a@test.se")], poll="Val av revisor")
    text, links = _page(_client(any_app, "ledamot.a@test.se").get(f"/t/{TENANT_A}/"))
    assert f"Du är ombud för {UMEA_MEMBER}." in text
    assert ("Rösta vid medlemsmöte 2030-03-11", f"/t/nns/medlemsmoten/{today}/rosta") in links
    # A member of the förbund who is not its ombud sees nothing of NNS on Start.
    assert "Medlemsmöten i NNS" not in _page(_client(any_app, "lasare.a@test.se").get(f"/t/{TENANT_A}/"))[0]


def test_an_ombud_or_invited_contact_opening_nns_lands_on_their_page_not_a_403(any_app, stockholm_night):
    (member, email), = add_forbund(any_app, 1, passwords=True)
    today = _meeting(nns_api(any_app), TODAY, [(member, "Ombud Noll", email)], poll="Medlemsavgift 2031")
    ombud = _client(any_app, email)
    assert ombud.get("/").headers["Location"] == "/t/nns/forbund"
    answer = ombud.get("/t/nns/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/t/nns/forbund")
    text, links = _page(ombud.get("/t/nns/", follow_redirects=True))
    assert f"{member} i NNS" in text and f"Du är ombud för {member}." in text
    assert ("Rösta vid medlemsmöte 2030-03-11", f"/t/nns/medlemsmoten/{today}/rosta") in links
    # An ombud votes for the förbund; its nominations, motions and ombud are its kansli's or contact's.
    assert "Nominera" not in text and "Anmäl ombud" not in text and "Byt ombud" not in text
    assert ombud.post("/t/nns/forbund/ombud", data={"meeting_id": today, "name": "X", "email": "x@test.se"}).status_code == 403
    assert "inloggad som ombud för medlemsförbund" in text

    with in_tenant(any_app, NNS) as nns:
        from finsam_saas.nns import services
        from finsam_saas.platform.models import User
        contact = services.add_contact(services.member_named("Samordningsförbundet Gotland", "m"), name="Gun",
                                       email="gun@gotland.test")
        services.give_login(contact, nns)
        db.session.scalar(select(User).where(User.email == "gun@gotland.test")).set_password(PASSWORD)
        db.session.commit()
    guest = _client(any_app, "gun@gotland.test")
    answer = guest.get("/t/nns/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/t/nns/forbund")
    text, _ = _page(guest.get("/t/nns/", follow_redirects=True))
    assert "Samordningsförbundet Gotland i NNS" in text and "Rösta vid medlemsmöten" in text


def test_every_nns_mail_carries_an_absolute_link_that_leads_to_its_page(any_app, stockholm_night):
    api = nns_api(any_app)
    later = _meeting(api, IN_TWO_WEEKS, [])
    kansli = _client(any_app, "kansli.a@test.se")
    # The förbund registers its ombud: a new person gets the invitation with the vote's link…
    done = kansli.post(f"/t/{TENANT_A}/nns/ombud", data={"meeting_id": later, "name": "Nya Ombudet",
                                                         "email": "nytt.ombud@test.se"}, follow_redirects=True)
    assert "har fått en inbjudan att logga in, med länken till röstningen" in _page(done)[0]
    invitation = next(m for m in _mails(any_app) if m["To"] == "nytt.ombud@test.se")
    vote = f"{PUBLIC}/t/nns/medlemsmoten/{later}/rosta"
    assert vote in _links(_body(invitation)) and any("/inbjudan/" in link for link in _links(_body(invitation)))
    # … and one with a login, replacing it, gets word with the same link.
    kansli.post(f"/t/{TENANT_A}/nns/ombud", data={"meeting_id": later, "name": "Johanna", "email": "kansli.a@test.se",
                                                  "replace": "on"})
    notice = next(m for m in _mails(any_app) if m["To"] == "kansli.a@test.se")
    assert notice["Subject"] == f"Du är ombud för {UMEA_MEMBER} vid NNS medlemsmöte 2030-03-25"
    assert vote in _links(_body(notice))
    assert f"Du röstar som ombud för {UMEA_MEMBER}" in _page(kansli.get(vote.removeprefix(PUBLIC)))[0]
    # The secretary's send-out of the roll mails nobody twice.
    before = len(_mails(any_app))
    api.put(f"/meetings/{later}/roll", json={"ombud": [{"member": UMEA_MEMBER, "name": "Johanna",
                                                        "email": "kansli.a@test.se"}]})
    assert len(_mails(any_app)) == before

    # The motions with yttranden: the link to the meeting's page.
    with in_tenant(any_app, NNS):
        from finsam_saas.nns import services
        general = services.general_meeting(later)
        general.motion_deadline = TODAY
        motion = services.submit_motion(general, member=services.member_named(UMEA_MEMBER, "m"), title="Analys",
                                        text="Text.")
        services.respond_to_motion(motion, text="Bra.", proposal="bifall")
        db.session.commit()
    secretary = _client(any_app, "sekreterare.nns@test.se")
    assert secretary.post(f"/t/nns/medlemsmoten/{later}/skicka-motioner").status_code == 302
    papers = [m for m in _mails(any_app) if "motioner med yttranden" in m["Subject"]]
    assert papers and all(f"{PUBLIC}/t/nns/medlemsmoten/{later}" in _links(_body(m)) for m in papers)
    assert "Analys" in _page(kansli.get(f"/t/nns/medlemsmoten/{later}"))[0]

    # The call for nominations: each förbund's page, in its own workspace for a tenant's kansli.
    with in_tenant(any_app, NNS):
        from finsam_saas.nns.models import MemberContact
        db.session.add(MemberContact(member_id=services.member_named("Samordningsförbundet Gotland", "m").id,
                                     name="Kontakt Gotland", email="kontakt@gotland.test"))
        db.session.commit()
    valberedning = _client(any_app, "valberedning.nns@test.se")
    round_url = valberedning.post("/t/nns/valberedning", data={"arsmote": "2031", "deadline": "2031-01-31",
                                                               "title": "Inför årsmötet 2031"}).headers["Location"]
    valberedning.post(f"{round_url}/utskick")
    calls = {m["To"]: _body(m) for m in _mails(any_app) if m["Subject"].startswith("Nomineringar till NNS")}
    assert f"{PUBLIC}/t/{TENANT_A}/nns/" in _links(calls["kansli.a@test.se"])
    assert f"{PUBLIC}/t/{TENANT_B}/nns/" in _links(calls["kansli.b@test.se"])
    assert f"{PUBLIC}/t/nns/forbund" in _links(calls["kontakt@gotland.test"])
    assert "Nominera" in _page(kansli.get(f"/t/{TENANT_A}/nns/"))[0]

    # The invitation of a contact person: the link to choose a password and the förbund's page.
    with in_tenant(any_app, NNS):
        gotland = services.member_named("Samordningsförbundet Gotland", "m").id
    secretary.post(f"/t/nns/medlemmar/{gotland}/kontakter", data={"name": "Gun Gotland", "email": "gun@gotland.test",
                                                                    "login": "on"})
    contact = next(m for m in _mails(any_app) if m["To"] == "gun@gotland.test" and m["Subject"] == "Inbjudan till Finsam")
    assert f"{PUBLIC}/t/nns/forbund" in _links(_body(contact))
    for message in _mails(any_app):
        assert _links(_body(message)), message["Subject"]  # no NNS mail without its link


def test_the_call_reaches_every_member_forbund_with_an_address_and_names_the_others(any_app):
    with in_tenant(any_app, NNS):
        from finsam_saas.nns import services
        from finsam_saas.nns.models import MemberContact
        # A contact without a login is an address all the same.
        db.session.add(MemberContact(member_id=services.member_named("Samordningsförbundet Gotland", "m").id,
                                     name="Kontakt Gotland", email="kontakt@gotland.test"))
        members = [m.name for m in services.member_forbund()]
        db.session.commit()
    valberedning = _client(any_app, "valberedning.nns@test.se")
    round_url = valberedning.post("/t/nns/valberedning", data={"arsmote": "2031", "deadline": "2099-01-31",
                                                               "title": "Inför årsmötet 2031"}).headers["Location"]
    before, _ = _page(valberedning.get(round_url))
    # Uppsala län is a tenant too, but the test users have no kansli there.
    unreachable = [m for m in members if m not in (UMEA_MEMBER, SKELLEFTEA_MEMBER, "Samordningsförbundet Gotland")]
    assert "Samordningsförbundet Uppsala län" in unreachable
    assert f"{len(unreachable)} medlemsförbund saknar kontaktadress" in before
    assert "Samordningsförbundet Halland" in before and "Samordningsförbundet Gotland," not in before
    job = valberedning.post(f"{round_url}/utskick", follow_redirects=True)
    text, links = _page(job)
    assert "Klart med avvikelser" in text
    for name in unreachable:
        assert f"{name} fick inget: ingen kontaktadress i medlemsregistret." in text
    assert ("Tillbaka", round_url.removeprefix("http://localhost")) in links
    recipients = {m["To"] for m in _mails(any_app)}
    assert {"kontakt@gotland.test", "kansli.a@test.se", "kansli.b@test.se"} <= recipients
    after, _ = _page(valberedning.get(round_url))
    assert f"Uppmaningen nådde inte {len(unreachable)} medlemsförbund" in after
    for name in unreachable:
        assert name in after
    assert UMEA_MEMBER not in after.split("Uppmaningen nådde inte")[1].split("Skicka uppmaningen")[0]


def test_the_start_box_and_the_forbunds_page_cost_the_same_queries_for_two_meetings_as_for_six(app, stockholm_night):
    from support import counted_queries

    api = nns_api(app)
    kansli = _client(app, "kansli.a@test.se")

    def counts(first_day: date, n: int) -> dict[str, int]:
        for k in range(n):
            _meeting(api, first_day + timedelta(days=k), [(UMEA_MEMBER, "Johanna", "kansli.a@test.se"),
                                                          (SKELLEFTEA_MEMBER, "Per", "per@skelleftea.test")])
        found = {}
        for path in (f"/t/{TENANT_A}/", f"/t/{TENANT_A}/nns/", "/t/nns/forbund"):
            kansli.get(path)
            with counted_queries(app) as statements:
                assert kansli.get(path).status_code == 200
            found[path] = len(statements)
        return found

    assert counts(TODAY + timedelta(days=30), 2) == counts(TODAY + timedelta(days=60), 4)
