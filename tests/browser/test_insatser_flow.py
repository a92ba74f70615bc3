"""An insatsansvarig logs in, sees only their own insats, and files a kvartalsrapport;
the kansli then sees it and assesses it."""
import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.platform.models import Membership, User

from support import PASSWORD, TENANT_A, in_tenant


def _setup(app):
    with in_tenant(app, TENANT_A) as tenant:
        own = services.create_insats(name="Framsteget", owner="Umeå kommun", kind="individ",
                                     start=date(2021, 1, 1), end=date(2030, 12, 31))
        services.create_insats(name="Bryggan", owner="Vännäs kommun", kind="individ",
                               start=date(2021, 1, 1), end=date(2030, 12, 31))
        user = db.session.scalar(select(User).where(User.email == "lasare.a@test.se"))
        db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                   Membership.tenant_id == tenant.id)).role = "insatsansvarig"
        services.add_contact(own, user.id)
        db.session.commit()


def _login(page, live_server, email):
    page.goto(f"{live_server}/logga-in")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_insatsansvarig_files_a_kvartalsrapport(app, live_server, page):
    _setup(app)
    _login(page, live_server, "lasare.a@test.se")
    page.goto(f"{live_server}/t/{TENANT_A}/insatser/")
    expect(page.locator("main")).to_contain_text("Framsteget")
    expect(page.locator("main")).not_to_contain_text("Bryggan")
    page.get_by_role("link", name="Framsteget").click()
    page.get_by_text("Lämna kvartalsrapport").click()
    page.get_by_label("Rapportens år").fill("2021")
    page.get_by_label("Rapportens kvartal").select_option("2")
    for fieldset in page.locator("fieldset.yesno").all():
        fieldset.get_by_label("Ja").check()
    page.get_by_label("Avvikelser").fill("Inga")
    page.get_by_role("button", name="Lämna rapporten").click()
    expect(page.locator(".flashes")).to_contain_text("Kvartalsrapporten för 2021 kvartal 2 är inlämnad")
    row = page.locator("tr", has_text="2021 kvartal 2")
    expect(row).to_contain_text("Inte bedömd")
    page.get_by_role("button", name="Logga ut").click()

    _login(page, live_server, "kansli.a@test.se")
    page.goto(f"{live_server}/t/{TENANT_A}/insatser/")
    page.get_by_role("link", name="Framsteget").click()
    page.get_by_label("Bedömning 2021 kvartal 2").select_option("green")
    page.get_by_role("button", name=re.compile("Bedöm 2021 kvartal 2")).click()
    expect(page.locator(".flashes")).to_contain_text("grön – i fas")
