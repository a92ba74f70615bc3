"""One board cycle as Umeåregionen's kansli, with nothing but the browser (seed 000): a ledamot's
e-mail added to the register, the kallelse of 2020-11-27 built in the seed's order (an item
moved, one removed, bilagor), looked at as PDF and sent to recipients seen before confirming,
the protokoll written in one editor with a 2–2 vote and a jäv, approved by the chair and the
justerare on their own start pages, justerat after a confirmation, on the public anslagstavla,
mailed to the members; and the uppdrag of a § back on the next meeting's agenda."""
import email
import io
import re
from datetime import timedelta
from email import policy

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform.models import Membership, Tenant, User

from support import PASSWORD, TENANT_A, in_tenant

# Items 5–10 of seed 000's föredragningslista, between the opening and the closing ones.
MATTERS = [
    ("Verksamhetsplan och budget", "beslut", "Mikael Holmlund",
     "Styrelsen fastställer verksamhetsplan och budget enligt förslag."),
    ("Förslag till årshjul och mötesplan", "beslut", "Mikael Holmlund",
     "Styrelsen fastställer årshjul för förbundet samt mötesplan för styrelsen."),
    ("Hur kan vi bli bättre på att nyttja EU medel", "diskussion", "Mikael Holmlund", ""),
    ("Rapport från analysarbetet", "information", "", ""),
    ("Nomineringar till Nationella nätverket för samordningsförbund NNS", "beslut", "", ""),
    ("Lägesrapport satsning mot våld i nära relationer", "information", "Katarina Hansson", ""),
]
SEED_ORDER = ["Mötets öppnande", "Val av justerare", "Incheckning", "Föregående protokoll", *[m[0] for m in MATTERS],
              "Övriga frågor", "Utcheckning", "Mötets avslutande"]
BILAGOR = [("1", 4, "Föregående protokoll"), ("2", 5, "Verksamhetsplan och budget 2021–2023"),
           ("3", 6, "Årshjul och mötesplan"), ("4", 9, "Nomineringsanmaning"), ("5", 9, "Valda medlemmar")]


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _people(app):
    """The chair and the justerare have logins of their own (the register knows them by name)."""
    with in_tenant(app, TENANT_A) as tenant:
        db.session.scalar(select(User).where(User.email == "ledamot.a@test.se")).name = "Peter Vigren"
        justerare = User(email="anders.hahlin@test.se", name="Anders Hahlin")
        justerare.set_password(PASSWORD)
        db.session.add(justerare)
        db.session.flush()
        db.session.add(Membership(user_id=justerare.id, tenant_id=tenant.id, role="ledamot"))
        db.session.commit()


def _login(page, base, address):
    page.context.clear_cookies()
    page.goto(f"{base}/logga-in")
    page.get_by_label("E-postadress").fill(address)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def _mails(app) -> list:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(app.config["OUTBOX_DIR"].glob("*.eml"))]


def _new_meeting(page, day, place, theme=""):
    page.get_by_role("link", name="Mötesplan").click()
    page.get_by_role("link", name="Nytt möte").click()
    page.get_by_label("Organ").select_option(label="Styrelse")
    page.get_by_label("Datum (ÅÅÅÅ-MM-DD)").fill(day)
    page.get_by_label("Starttid").fill("08:30")
    page.get_by_label("Sluttid").fill("12:00")
    page.get_by_label("Plats").fill(place)
    page.get_by_label("Tema").fill(theme)
    page.get_by_role("button", name="Skapa mötet").click()


def _add_item(page, title, kind="information", presenter="", proposal="", placement="Ärende", standing=False):
    form = page.locator("form", has=page.get_by_role("button", name="Lägg till punkten"))
    form.get_by_label("Rubrik").fill(title)
    form.get_by_label("Typ").select_option(kind)
    form.get_by_label("Föredragande").fill(presenter)
    form.get_by_label("Förslag till beslut").fill(proposal)
    form.get_by_label("Placering").select_option(label=placement)
    if standing:
        form.get_by_label("Stående punkt (återkommer på varje möte)").check()
    form.get_by_role("button", name="Lägg till punkten").click()
    expect(page.locator(".flashes")).to_contain_text(f"{title} är tillagd")


def _fits(page, width):
    """At phone width nothing makes the page scroll sideways (a wide table scrolls in its own box)."""
    if width < 500:
        # A click returns once the navigation is committed; measure the page with its stylesheet.
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{page.url} is {overflow} px wide at {width} px"


@pytest.mark.parametrize("width", [390, 1366])
def test_a_board_cycle_in_the_browser(app, live_server, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    _people(app)
    today = clock.today()
    later = (today + timedelta(days=30)).isoformat()
    _login(page, live_server, "kansli.a@test.se")

    # 2. The register: Christina Lidström's e-mail address, so that everyone gets the kallelse.
    page.get_by_role("link", name="Medlemmar och organ").click()
    page.get_by_role("link", name="Styrelse", exact=True).click()
    _fits(page, width)
    page.get_by_role("link", name="Ändra Christina Lidström").click()
    page.get_by_label("E-postadress").fill("christina.lidstrom@bjurholm")  # a slip of the hand
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator("main")).to_contain_text("ingen e-postadress")
    page.get_by_label("E-postadress").fill("christina.lidstrom@bjurholm.se")
    page.get_by_label("Telefon").fill("0932-140 00")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator("main")).to_contain_text("christina.lidstrom@bjurholm.se")

    # The next meeting, a month ahead: a ledamot finds it on the start page.
    _new_meeting(page, later, "Umeå", theme="Uppföljning analys")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Styrelse {later}")
    later_url = page.url

    # 3. The kallelse of 2020-11-27 in seed 000's order.
    _new_meeting(page, "2020-11-27", "Distansmöte via Zoom eller Skype", theme="Antagande VP och budget")
    expect(page.get_by_role("heading", level=1)).to_have_text("Styrelse 2020-11-27")
    meeting_url = page.url
    page.get_by_role("link", name="Ta bort punkt 3 Godkännande av dagordning").click()
    expect(page.locator("main")).to_contain_text("punkterna efter den flyttas upp")
    page.get_by_role("button", name="Ta bort punkten").click()
    _add_item(page, "Incheckning", "formalia", placement="Inledande punkt")
    page.get_by_role("button", name="Upp: punkt 4 Incheckning").click()
    for title, kind, presenter, proposal in MATTERS:
        _add_item(page, title, kind, presenter, proposal, standing=title.startswith("Lägesrapport"))
    _add_item(page, "Utcheckning", "formalia", placement="Avslutande punkt")
    page.get_by_role("button", name="Upp: punkt 13 Utcheckning").focus()
    page.keyboard.press("Enter")  # the buttons work from the keyboard
    expect(page.locator(".flashes")).to_contain_text("Utcheckning är nu punkt 12")
    agenda = page.locator("ol.agenda > li > strong:first-child").all_inner_texts()
    assert agenda == SEED_ORDER
    _fits(page, width)
    upload = page.locator("form", has=page.get_by_role("button", name="Ladda upp"))
    pdf = _pdf()
    for label, item, title in BILAGOR:
        upload.get_by_label("PDF-fil").set_input_files({"name": f"bilaga{label}.pdf", "mimeType": "application/pdf",
                                                        "buffer": pdf})
        upload.get_by_label("Hör till punkt").select_option(label=f"{item}. {SEED_ORDER[item - 1]}")
        upload.get_by_label("Bilagans nummer (tomt: nästa lediga)").fill(label)
        upload.get_by_label("Titel").fill(title)
        upload.get_by_role("button", name="Ladda upp").click()
        expect(page.locator(".flashes")).to_contain_text(f"Bilaga {label} är uppladdad")

    # 4. The kallelse as PDF, then the send-out: recipients shown, confirmed, everyone reached.
    page.get_by_role("button", name="Kallelse som PDF").click()
    expect(page.locator("#jobb-status")).to_have_text("Klart", timeout=30000)
    href = page.get_by_role("link", name=re.compile("Öppna kallelse")).get_attribute("href")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(page.request.get(live_server + href).body())).pages).split())
    positions = [text.index(f"{n}. {title}") for n, title in enumerate(SEED_ORDER, start=1)]
    assert positions == sorted(positions) and "(bilaga 4 - 5)" in text
    page.goto(meeting_url)
    page.get_by_role("link", name="Skicka kallelsen").click()
    recipients = page.locator("table").inner_text()
    assert "Christina Lidström" in recipients and "Patrik Nilsson" in recipients
    assert not _mails(app)
    page.get_by_role("button", name="Skicka till 12 mottagare").click()
    expect(page.locator("#jobb-status")).to_have_text("Klart", timeout=30000)
    mails = _mails(app)
    assert len(mails) == 12 and {m["To"] for m in mails} >= {"christina.lidstrom@bjurholm.se"}
    assert len(list(mails[0].iter_attachments())) == 6  # the kallelse and bilagor 1–5
    page.get_by_role("link", name="Tillbaka").click()
    expect(page.locator("main")).to_contain_text("Alla 12 mottagare har fått den.")

    # 5. At the meeting: attendance (Mikael Broman from § 8), the §§ in one editor, a 2–2 vote, a jäv.
    page.get_by_role("link", name="Skriv protokoll").click()
    _fits(page, width)
    page.get_by_label("Patrik Nilsson", exact=True).check()
    page.get_by_label("Mikael Broman närvarande från §").fill("8")
    page.get_by_label("Justerare, en per rad").fill("Anders Hahlin")
    page.get_by_role("button", name="Starta protokollet").click()
    expect(page.locator(".flashes")).to_contain_text("Protokollet är påbörjat")
    _fits(page, width)
    expect(page.get_by_label("Beslut i § 5")).to_have_value(MATTERS[0][3])  # from the förslag till beslut
    page.get_by_label("Text i § 5").fill("Mikael Holmlund föredrog förslaget till verksamhetsplan och budget.")
    page.get_by_label("Text i § 7").fill("Styrelsen diskuterade ett ökat nyttjande av ESF-medel.")
    page.get_by_label("Jäv: lämnade under § 9 (en per rad)").fill("Harriet Hedlund")
    page.get_by_label("Beslut i § 9").fill("Styrelsen nominerar Peter Vigren till NNS styrelse.")
    page.get_by_role("button", name="Spara protokollet", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("Protokollet är sparat")
    expect(page.get_by_label("Text i § 5")).to_have_value(re.compile("föredrog förslaget"))
    expect(page.get_by_label("Text i § 7")).to_have_value(re.compile("ESF-medel"))  # nothing lost
    page.get_by_label("Text i § 8").fill("Styrelsen konstaterar att för få avslutas till studier.")
    page.get_by_role("button", name="Votering i § 5").click()  # saves what was typed, then opens the vote
    page.get_by_label("Ja", exact=True).fill("3")
    page.get_by_label("Nej", exact=True).fill("2")
    page.get_by_role("button", name="Spara voteringen").click()
    expect(page.locator(".flashes")).to_contain_text("5 röster är fler än de 4 beslutande")
    expect(page.get_by_label("Ja", exact=True)).to_have_value("3")  # what was typed is kept
    page.get_by_label("Ja", exact=True).fill("2")
    page.get_by_label("Ordförandens röst vid lika").select_option(label="Ja")
    page.get_by_role("button", name="Spara voteringen").click()
    expect(page.locator(".flashes")).to_contain_text("genom ordförandens utslagsröst")
    expect(page.locator("#p5")).to_contain_text("Styrelsen voterade i frågan med utfallet 2-2. "
                                                "Ordförandes utslagsröst gjorde att förslaget bifölls.")
    expect(page.get_by_label("Text i § 8")).to_have_value(re.compile("för få avslutas"))
    page.get_by_role("button", name="Uppdrag från § 8").click()
    page.get_by_label("Till", exact=True).fill("Kansliet")
    page.get_by_label("Uppdrag", exact=True).fill("Analys av orsaken till att så få avslutas till studier")
    page.get_by_label("Klart senast").fill((today + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Registrera uppdraget").click()
    expect(page.locator(".flashes")).to_contain_text("Uppdraget är registrerat")

    # 6. The chair and the justerare approve from their own start pages; the kansli justerar.
    for address, role in (("ledamot.a@test.se", "ordförande"), ("anders.hahlin@test.se", "justerare")):
        _login(page, live_server, address)
        expect(page.locator("main")).to_contain_text(f"{later}")  # the next meeting of their board
        page.get_by_role("link", name=f"Godkänn protokollet från styrelse 2020-11-27 som {role}").click()
        page.get_by_role("button", name="Godkänn protokollet som det lyder nu").click()
        expect(page.locator(".flashes")).to_contain_text("har godkänt protokollet")
    _login(page, live_server, "kansli.a@test.se")
    page.get_by_role("link", name=re.compile("Alla har godkänt protokollet från styrelse 2020-11-27")).click()
    page.get_by_role("link", name="Justera protokollet …").click()
    expect(page.locator("main")).to_contain_text("låses protokollet för alltid")
    page.get_by_label("Anslaget sätts upp (tomt: nästa arbetsdag)").fill(today.isoformat())
    page.get_by_role("button", name="Justera och lås protokollet").click()
    # a date other than the one shown: what it means is shown first, nothing is locked yet
    expect(page.locator(".flashes")).to_contain_text("Datumen är ändrade")
    expect(page.locator("main")).to_contain_text(f"anslås på anslagstavlan {today}")
    page.get_by_role("button", name="Justera och lås protokollet").click()
    expect(page.locator(".flashes")).to_contain_text(f"Protokollet är justerat {today}")
    expect(page.get_by_role("button", name=re.compile("Spara protokollet"))).to_have_count(0)

    # The public anslagstavla, reached from the login page, posted now.
    page.context.clear_cookies()
    page.goto(f"{live_server}/logga-in")
    with in_tenant(app, TENANT_A):
        name = db.session.scalar(select(Tenant.name).where(Tenant.slug == TENANT_A))
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("table", name=re.compile("anslagna i dag"))).to_contain_text("2020-11-27")
    _fits(page, width)
    assert page.get_by_role("link", name="Protokoll styrelse 2020-11-27 (PDF)").count() == 1

    # Mailed to the members for their anslag, and to the revisorer.
    _login(page, live_server, "kansli.a@test.se")
    page.goto(meeting_url + "/protokoll")
    page.get_by_role("link", name="Skicka protokollet till medlemmarna och revisorerna").click()
    page.get_by_role("button", name="Skicka protokollet").click()
    expect(page.locator("#jobb-status")).to_have_text("Klart", timeout=30000)
    sent = [m for m in _mails(app) if "protokoll" in m["Subject"].lower()]
    assert {m["To"] for m in sent} >= {"registrator@umea.demo", "mats.henriksson@umearegionen.demo"}
    assert len(sent) == 11  # nine members and two revisorer

    # 7. The uppdrag comes back on the agenda of the meeting before it is due.
    page.goto(later_url)
    expect(page.locator("main")).to_contain_text("Uppdrag att följa upp på detta möte")
    page.get_by_role("button", name=re.compile("Lägg på dagordningen: Analys av orsaken")).click()
    agenda = page.locator("ol.agenda > li > strong:first-child").all_inner_texts()
    assert agenda.index("Uppdrag: Analys av orsaken till att så få avslutas till studier") < agenda.index("Övriga frågor")
