"""An ombud at a digital medlemsmöte logs in, finds the open poll and casts the förbund's vote."""
from nns_support import add_forbund, meeting_with_roll, nns_api
from support import PASSWORD


def test_ombud_casts_a_vote(app, live_server, page):
    ombud = add_forbund(app, 2, passwords=True)
    meeting_id = meeting_with_roll(app, ombud)
    api = nns_api(app)
    poll = api.post(f"/meetings/{meeting_id}/polls", json={"title": "Medlemsavgift 2022", "options": ["Bifall", "Avslag"]}).json
    api.post(f"/meetings/{meeting_id}/polls/{poll['id']}/open")
    member, email = ombud[0]

    page.goto(f"{live_server}/logga-in")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server}/t/nns/forbund")
    assert member in page.locator("h1").inner_text()

    page.goto(f"{live_server}/t/nns/medlemsmoten/{meeting_id}/rosta")
    assert f"ombud för {member}" in page.locator("main").inner_text()
    page.get_by_label("Bifall").check()
    page.get_by_role("button", name="Lägg rösten").click()
    assert "Din röst är registrerad" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Lägg rösten").count() == 0  # one vote per förbund

    result = api.get(f"/meetings/{meeting_id}/polls/{poll['id']}").json
    assert result["counts"] == {"Bifall": 1, "Avslag": 0} and result["voters"] == [member]
