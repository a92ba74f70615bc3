"""A kansli user in two förbund logs in, switches tenant, sees each start page
with only that förbund's data, prints the organisation as a job, and logs out."""
import re

from playwright.sync_api import expect

from support import PASSWORD


def test_login_switch_tenant_and_logout(live_server, page):
    page.goto(f"{live_server}/t/umearegionen/")
    expect(page).to_have_url(re.compile(r"/logga-in"))
    page.get_by_label("E-postadress").fill("flera@test.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"/t/umearegionen/$"))
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Samordningsförbundet Umeåregionen")
    expect(main).to_contain_text("Vännäs kommun")
    expect(main).not_to_contain_text("Norsjö kommun")

    page.get_by_label("Organisation").select_option("skelleftea-norsjo")
    page.get_by_role("button", name="Byt").click()
    expect(page).to_have_url(re.compile(r"/t/skelleftea-norsjo/$"))
    expect(main.get_by_role("heading", level=1)).to_contain_text("Skellefteå")
    expect(main).to_contain_text("Norsjö kommun")
    expect(main).not_to_contain_text("Vännäs kommun")

    page.get_by_role("link", name="Medlemmar och organ").click()
    page.get_by_role("button", name="Skriv ut som PDF").click()
    expect(page.locator("#jobb-status")).to_have_text("Klart")
    expect(page.get_by_role("link", name=re.compile(r"Öppna organisation-skelleftea-norsjo\.pdf"))).to_be_visible()

    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/logga-in"))
    page.goto(f"{live_server}/t/skelleftea-norsjo/")
    expect(page).to_have_url(re.compile(r"/logga-in"))


def test_keyboard_user_can_skip_to_content(live_server, page):
    page.goto(f"{live_server}/logga-in")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
