"""axe-core in headless Chromium over the main pages: no serious or critical violation (WCAG 2.1 AA)."""
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe

from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.meetings import services as meetings
from finsam_saas.organisation.models import Body
from sqlalchemy import select

from nns_support import add_forbund, meeting_with_roll
from support import PASSWORD, TENANT_A, in_tenant

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}


def _data(app) -> dict:
    with in_tenant(app, TENANT_A):
        body = db.session.scalars(select(Body).where(Body.kind == "styrelse")).first()
        meeting = meetings.create_meeting(body, day=date(2021, 3, 5), place="Umeå",
                                          items=[{"title": "Budget 2022", "kind": "beslut"}])
        meetings.start_minutes(meeting, chair="Peter Vigren", secretary="Sekreterare", justerare=["Anders Hahlin"],
                               attendees=[{"name": name, "role": "ledamot"} for name in
                                          ("Peter Vigren", "Harriet Hedlund", "Anders Hahlin")])
        upcoming = meetings.create_meeting(body, day=date(2021, 4, 9), place="Umeå",
                                           items=[{"title": "Verksamhetsplan", "kind": "beslut"}])
        insats = insatser.create_insats(name="Ungdomstorget", owner="Umeå kommun", kind="individ",
                                        start=date(2021, 1, 1), end=date(2021, 12, 31), grants={"2021": 500_000})
        db.session.commit()
        ids = {"meeting": meeting.id, "insats": insats.id, "paragraph": meeting.minutes.paragraphs[0].number,
               "upcoming": upcoming.id, "body": body.id, "seat": body.seats[0].id}
    ombud = add_forbund(app, 2, passwords=True)
    ids["general"] = meeting_with_roll(app, ombud)
    ids["ombud"] = ombud[0][1]
    return ids


def _login(page, base, email):
    page.goto(f"{base}/logga-in")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def _serious(page) -> list[str]:
    results = Axe().run(page, options=WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.browser
def test_main_pages_have_no_serious_accessibility_violations(app, live_server, page):
    ids = _data(app)
    page.goto(f"{live_server}/logga-in")
    found = {"/logga-in": _serious(page)}
    _login(page, live_server, "admin.a@test.se")
    for path in ("/t/umearegionen/", "/t/umearegionen/moten/", f"/t/umearegionen/moten/{ids['meeting']}",
                 f"/t/umearegionen/moten/{ids['meeting']}/protokoll",
                 f"/t/umearegionen/moten/{ids['meeting']}/protokoll/paragrafer/{ids['paragraph']}/votering",
                 f"/t/umearegionen/moten/{ids['meeting']}/protokoll/paragrafer/{ids['paragraph']}/uppdrag",
                 f"/t/umearegionen/moten/{ids['meeting']}/bilaga/beslutsutrymme",
                 f"/t/umearegionen/moten/{ids['meeting']}/protokoll/justering",
                 f"/t/umearegionen/moten/{ids['meeting']}/protokoll/narvaro",
                 f"/t/umearegionen/moten/{ids['upcoming']}", f"/t/umearegionen/moten/{ids['upcoming']}/utskick",
                 f"/t/umearegionen/moten/{ids['upcoming']}/andra", f"/t/umearegionen/moten/{ids['upcoming']}/punkter/3",
                 f"/t/umearegionen/moten/{ids['upcoming']}/protokoll/nytt", "/t/umearegionen/moten/uppdrag",
                 "/t/umearegionen/moten/nytt", f"/t/umearegionen/organisation/organ/{ids['body']}",
                 f"/t/umearegionen/organisation/platser/{ids['seat']}", "/t/umearegionen/anslagstavla",
                 "/t/umearegionen/insatser/", f"/t/umearegionen/insatser/{ids['insats']}",
                 "/t/umearegionen/insatser/ny", f"/t/umearegionen/insatser/{ids['insats']}/andra",
                 "/t/umearegionen/ekonomi/budget", "/t/umearegionen/ekonomi/budget/andra",
                 "/t/umearegionen/analys/", "/t/umearegionen/analys/over-aren",
                 "/t/umearegionen/analys/publicera",
                 "/t/umearegionen/organisation/"):
        assert page.goto(live_server + path).status == 200, path
        found[path] = _serious(page)
    page.context.clear_cookies()
    _login(page, live_server, "sekreterare.nns@test.se")
    for path in (f"/t/nns/medlemsmoten/{ids['general']}", "/t/nns/uppdrag", "/t/nns/medlemmar"):
        assert page.goto(live_server + path).status == 200, path
        found[path] = _serious(page)
    page.context.clear_cookies()
    _login(page, live_server, ids["ombud"])
    assert page.goto(f"{live_server}/t/nns/medlemsmoten/{ids['general']}/rosta").status == 200
    found["rösta"] = _serious(page)
    assert {path: v for path, v in found.items() if v} == {}
