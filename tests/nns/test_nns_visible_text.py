"""Nothing an ombud or NNS's secretary sees shows an internal key (#17): with NNS's demo (seeds 000,
003) and a medlemsmöte of today with motions, röstlängd, polls (open, closed, prepared) and a
nomination round, every NNS page they reach is read as text — no tags, no attribute values — and
no raw enum key (`ordforande`, `kassor`, `medlemsmote`, `draft`, `bifall`, …), identifier with an
underscore (`tenant_id`) or model name (`NominationRound`) may stand in it as a word."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from html.parser import HTMLParser

import pytest

from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform.tenancy import Actor, acting_as

from nns_support import add_forbund, nns_api
from support import NNS, SKELLEFTEA_MEMBER, UMEA_MEMBER, ApiClient, in_tenant, login

NOW = datetime(2030, 3, 11, 8, 0, tzinfo=timezone.utc)  # 09.00 in Stockholm, the meeting's morning
TODAY = date(2030, 3, 11)

# The keys the code stores and a reader must never see: roles, kinds, states, proposals.
# (Keys that are Swedish words as their labels print them — ledamot, revisor, valberedning,
# sammankallande, besvarad in "anse motionen besvarad" — cannot be told from the label.)
KEYS = {
    "ordforande", "vice_ordforande", "andre_vice_ordforande", "kassor", "medlemsmote", "arsmote",
    "medlemsforbund", "forbund", "ersattare", "lasare", "ovrig", "association", "draft", "open", "closed",
    "cancelled", "secret", "bifall", "avslag", "None", "True", "False", "null",
}
# Model names that are also Swedish words a page may say ("Budget" in the menu, "Motion" as a heading).
SWEDISH_MODEL_NAMES = {"Attest", "Budget", "Insats", "Motion", "Nomination", "Ombud", "Partner", "Position"}


def _model_names() -> set[str]:
    """Every mapped class's name, but those that are Swedish words a page may well say."""
    return {m.class_.__name__ for m in db.Model.registry.mappers} - SWEDISH_MODEL_NAMES


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _internal_words(text: str, models: set[str]) -> set[str]:
    words = set(re.findall(r"[\wÅÄÖåäö]+", text))
    found = {w for w in words if w in KEYS or w in models}
    found |= set(re.findall(r"\b[A-Za-z]+_[A-Za-z_]+\b", text))  # snake_case: a column or a key
    return found


@pytest.fixture
def demo_like(any_app, monkeypatch):
    """NNS's demo plus today's medlemsmöte with everything on it; returns the ids the pages need."""
    monkeypatch.setattr(clock, "_utcnow", lambda: NOW)
    app = any_app
    (ombud_member, ombud_email), = add_forbund(app, 1, passwords=True)
    from finsam_saas.nns import demo, services
    with in_tenant(app, NNS), acting_as(Actor(None, "test")):
        demo.load()
        db.session.commit()
        general = services.create_general_meeting(day=TODAY, start=time(9), end=time(12), place="Digitalt",
                                                  motion_deadline=TODAY - timedelta(days=40))
        umea, skelleftea = services.member_named(UMEA_MEMBER, "m"), services.member_named(SKELLEFTEA_MEMBER, "m")
        early = TODAY - timedelta(days=45)
        for member, title, proposal in ((umea, "Gemensam statistik för alla förbund", "bifall"),
                                        (skelleftea, "Fler ombud per förbund", "avslag"),
                                        (None, "Serviceavgift 2031", "besvarad")):
            motion = services.submit_motion(general, member=member, title=title, text="Motionens text.", today=early)
            services.respond_to_motion(motion, text="Styrelsens yttrande.", proposal=proposal)
        for member, name, email in ((umea, "Johanna", "kansli.a@test.se"),
                                    (services.member_named(ombud_member, "m"), "Ombud Noll", ombud_email)):
            services.register_ombud(general, member, name=name, email=email)
        round_ = services.open_round(title="Nomineringar inför årsmötet 2031", deadline=TODAY + timedelta(days=30),
                                     seats=services.seats_from_positions(2022), today=TODAY)
        for role, candidate, consent in (("ordforande", "Marie Svensson", True), ("vice_ordforande", "Anna Berg", False),
                                         ("kassor", "Kenneth Andersson", True), ("revisor", "Johan Fält", True)):
            services.nominate(round_, member=umea, role=role, candidate=candidate, consent=consent, today=TODAY)
        meeting_id, round_id = general.meeting_id, round_.id
        db.session.commit()
    api = nns_api(app)
    assert api.post(f"/meetings/{meeting_id}/minutes", json={
        "chair": "Marie Svensson", "secretary": "Charlotte Kardell", "justerare": ["Kenneth Andersson"],
        "attendees": [{"name": "Marie Svensson", "role": "ovrig"}]}).status_code == 201
    assert api.post(f"/meetings/{meeting_id}/roll/fix").status_code == 200
    polls = {}
    for title, options in (("Medlemsavgift 2031", ["Bifall", "Avslag"]), ("Arvoden inom NNS", ["Bifall", "Avslag"]),
                           ("Val av revisor", ["Johan Fält", "Anna Strand"])):
        made = api.post(f"/meetings/{meeting_id}/polls", json={"title": title, "options": options,
                                                               "secret": title.startswith("Val")})
        assert made.status_code == 201, made.json
        polls[title] = made.json["id"]
    for title in ("Medlemsavgift 2031", "Arvoden inom NNS"):
        assert api.post(f"/meetings/{meeting_id}/polls/{polls[title]}/open").status_code == 200
    ombud = ApiClient(app, ombud_email, NNS)
    assert ombud.post(f"/meetings/{meeting_id}/polls/{polls['Medlemsavgift 2031']}/votes",
                      json={"option": "Bifall"}).status_code == 201
    assert api.post(f"/meetings/{meeting_id}/polls/{polls['Medlemsavgift 2031']}/close").status_code == 200
    with in_tenant(app, NNS):
        from finsam_saas.nns.models import GeneralMeeting, NominationRound
        from sqlalchemy import select
        demo_meeting = db.session.scalar(select(GeneralMeeting.meeting_id).where(GeneralMeeting.meeting_id != meeting_id))
        demo_round = db.session.scalar(select(NominationRound.id).where(NominationRound.id != round_id))
    return {"app": app, "ombud": ombud_email, "meeting": meeting_id, "demo_meeting": demo_meeting, "round": round_id,
            "demo_round": demo_round, "closed": polls["Medlemsavgift 2031"], "open": polls["Arvoden inom NNS"],
            "prepared": polls["Val av revisor"]}


def _read(app, email: str, paths: list[str], texts: dict | None = None) -> dict[str, set[str]]:
    """The internal words on each page, by path (pages with none left out); `texts` gets each text."""
    client = app.test_client()
    assert login(client, email).status_code == 302
    found = {}
    with app.app_context():
        models = _model_names()
    for path in paths:
        answer = client.get(path, follow_redirects=True)
        assert answer.status_code == 200, f"{path}: {answer.status_code}"
        text = visible_text(answer.get_data(as_text=True))
        assert len(text) > 200, path
        if texts is not None:
            texts[path] = text
        if words := _internal_words(text, models):
            found[path] = words
    return found


def test_an_ombud_sees_no_internal_key(demo_like):
    d = demo_like
    m = f"/t/nns/medlemsmoten/{d['meeting']}"
    paths = ["/t/nns/", "/t/nns/forbund", "/t/nns/uppdrag", "/t/nns/uppdrag?arsmote=2021", "/t/nns/medlemsmoten", m,
             f"/t/nns/medlemsmoten/{d['demo_meeting']}", f"{m}/rosta", f"{m}/omrostningar/{d['closed']}"]
    texts = {}
    assert _read(d["app"], d["ombud"], paths, texts) == {}
    # The pages said what they are about, in Swedish.
    assert "Rösta vid medlemsmöte 2030-03-11" in texts["/t/nns/forbund"]
    assert "Vice ordförande" in texts["/t/nns/uppdrag"] and "Kassör" in texts["/t/nns/uppdrag"]
    assert "anse motionen besvarad" in texts[m] and "avslå motionen" in texts[m]
    assert "Arvoden inom NNS" in texts[f"{m}/rosta"]


def test_the_nns_secretary_sees_no_internal_key(demo_like):
    d = demo_like
    m = f"/t/nns/medlemsmoten/{d['meeting']}"
    paths = ["/t/nns/", "/t/nns/medlemmar", "/t/nns/uppdrag", "/t/nns/uppdrag?arsmote=2021", "/t/nns/valberedning",
             f"/t/nns/valberedning/{d['round']}", f"/t/nns/valberedning/{d['demo_round']}", "/t/nns/medlemsmoten", m,
             f"/t/nns/medlemsmoten/{d['demo_meeting']}", f"{m}/rosta", f"{m}/omrostningar/{d['closed']}",
             f"{m}/omrostningar/{d['open']}", f"{m}/omrostningar/{d['prepared']}", "/t/nns/forbund"]
    texts = {}
    assert _read(d["app"], "sekreterare.nns@test.se", paths, texts) == {}
    round_page = texts[f"/t/nns/valberedning/{d['round']}"]
    assert "Vice ordförande" in round_page and "Anna Berg" in round_page and "Kassör" in round_page
    assert "Medlemsavgift 2031" in texts[f"{m}/omrostningar/{d['closed']}"]


def test_the_check_itself_catches_a_key_but_not_an_attribute():
    models = {"NominationRound"}
    assert _internal_words(visible_text('<p>Roll: vice_ordforande</p>'), models) == {"vice_ordforande"}
    assert _internal_words(visible_text('<p>NominationRound 3, kassor</p>'), models) == {"NominationRound", "kassor"}
    assert _internal_words(visible_text('<option value="ordforande">Ordförande</option><a href="/medlemsmote">x</a>'),
                           models) == set()
    assert _internal_words(visible_text("<p>Bifall vann. Styrelsen föreslår att bifalla motionen.</p>"), models) == set()
