"""The secretary creates a meeting, writes the protokoll and justerar it, all in the browser;
the anslagstavla then shows it to anyone."""
import re

from playwright.sync_api import expect

from support import PASSWORD


def test_create_meeting_write_protokoll_and_justera(live_server, page):
    page.goto(f"{live_server}/logga-in")
    page.get_by_label("E-postadress").fill("kansli.a@test.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    page.get_by_role("link", name="Mötesplan").click()
    page.get_by_role("link", name="Nytt möte").click()
    page.get_by_label("Organ").select_option(label="Styrelse")
    page.get_by_label("Datum (ÅÅÅÅ-MM-DD)").fill("2020-10-30")
    page.get_by_label("Starttid").fill("08:30")
    page.get_by_label("Sluttid").fill("12:00")
    page.get_by_label("Plats").fill("Sveagatan 8 i Umeå")
    page.get_by_label("Tema").fill("Överenskommelsen")
    page.get_by_role("button", name="Skapa mötet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Styrelse 2020-10-30")

    page.get_by_label("Rubrik").fill("Överenskommelse mellan Arbetsförmedlingen och kommunerna")
    page.get_by_label("Typ").select_option("beslut")
    page.get_by_label("Förslag till beslut").fill("Styrelsen beslutar att ingå som part i överenskommelsen.")
    page.get_by_role("button", name="Lägg till punkten").click()
    expect(page.locator(".flashes")).to_contain_text("Punkten är tillagd")

    page.get_by_role("link", name="Skriv protokoll").click()
    for name in ("Peter Vigren", "Harriet Hedlund", "Mikael Broman", "Anders Hahlin", "Christina Lidström"):
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Övriga deltagare, en per rad: Namn, titel").fill("Mikael Holmlund, Förbundschef")
    page.get_by_label("Ordförande").fill("Peter Vigren")
    page.get_by_label("Sekreterare").fill("Johanna Långdal Persson")
    page.get_by_label("Justerare, en per rad").fill("Anders Hahlin")
    page.get_by_role("button", name="Starta protokollet").click()
    expect(page.locator(".flashes")).to_contain_text("Protokollet är påbörjat")

    section = page.locator("section.paragraph", has_text="Överenskommelse mellan")
    number = re.search(r"§ (\d+)", section.get_by_role("heading").inner_text()).group(1)
    section.get_by_label(f"Text i § {number}").fill("Katarina Hansson föredrog förslaget.")
    section.get_by_label(f"Beslut i § {number}").fill("Styrelsen beslutar att ingå som part i överenskommelsen.")
    section.get_by_role("button", name=f"Spara § {number}").click()
    expect(page.locator(".flashes")).to_contain_text(f"§ {number} är sparad")

    section.get_by_role("link", name=f"Votering i § {number}").click()
    page.get_by_label("Ja", exact=True).fill("2")
    page.get_by_label("Nej", exact=True).fill("1")
    page.get_by_role("button", name="Spara voteringen").click()
    expect(page.locator(".flashes")).to_contain_text(f"Voteringen i § {number} är sparad: förslaget är bifallet")
    expect(section).to_contain_text("Styrelsen voterade i frågan med utfallet 2-1. Förslaget bifölls.")

    page.get_by_label("Justeringsdatum").fill("2020-11-26")
    page.get_by_role("button", name="Justera protokollet").click()
    expect(page.locator(".flashes")).to_contain_text("Protokollet är justerat 2020-11-26")
    expect(page.locator("main")).to_contain_text("Protokollet är låst")
    expect(page.get_by_role("button", name=re.compile("Spara §"))).to_have_count(0)

    page.get_by_role("button", name="Logga ut").click()
    page.goto(f"{live_server}/t/umearegionen/anslagstavla")
    expect(page.locator("main")).to_contain_text("2020-11-26")
    expect(page.locator("main")).to_contain_text("2020-11-27")
