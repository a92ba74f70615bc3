"""A digital medlemsmöte: the chair opens a closed ballot, three ombud each find it from their own
start page on their phones and vote, the chair watches who has voted, closes, and the § shows the
counts — and no page shows who chose what (issue 17)."""
from finsam_saas.platform import clock

from nns_support import add_forbund, meeting_with_roll, nns_api
from support import PASSWORD

from conftest import person

CHOICES = ["Johan Fält", "Anna Strand", "Johan Fält"]


def _login(page, live_server, email):
    page.goto(f"{live_server}/logga-in")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def test_three_ombud_vote_secretly_from_their_start_pages_while_the_chair_watches(app, live_server, chromium):
    ombud = add_forbund(app, 3, passwords=True)
    with app.app_context():
        today = clock.today().isoformat()
    meeting_id = meeting_with_roll(app, ombud, day=today)
    api = nns_api(app)
    poll = api.post(f"/meetings/{meeting_id}/polls", json={"title": "Val av revisor", "secret": True, "item_number": 4,
                                                           "options": ["Johan Fält", "Anna Strand"]}).json
    poll_url = f"{live_server}/t/nns/medlemsmoten/{meeting_id}/omrostningar/{poll['id']}"

    chair = person(chromium, width=1366, height=900)
    _login(chair, live_server, "sekreterare.nns@test.se")
    chair.goto(poll_url)
    chair.get_by_role("button", name="Öppna omröstningen").click()
    assert "Omröstningen är öppnad" in chair.locator("main").inner_text()
    assert "Rösträkningsnyckeln finns i den här webbläsaren" in chair.locator("main").inner_text()

    for n, ((member, email), choice) in enumerate(zip(ombud, CHOICES), start=1):
        phone = person(chromium)
        _login(phone, live_server, email)
        # Her start page, where she landed, says where to vote.
        assert "Du är ombud för " + member in phone.locator("main").inner_text()
        phone.get_by_role("link", name="Rösta").first.click()
        assert f"ombud för {member}" in phone.locator("main").inner_text()
        phone.get_by_label(choice).check()
        phone.get_by_role("button", name="Lägg rösten").click()
        text = phone.locator("main").inner_text()
        assert "Din röst är registrerad" in text and "utan koppling till förbundet" in text
        assert phone.get_by_role("button", name="Lägg rösten").count() == 0
        phone.context.close()

        chair.goto(poll_url)
        watched = chair.locator("main").inner_text()
        assert f"{n} av 3 ombud har röstat" in watched
        assert member in watched.split("Har röstat")[1].split("Har inte röstat")[0]
        assert "Röster per alternativ" not in watched  # nothing is counted while the poll is open
        if n < 3:
            waiting = watched.split("Har inte röstat")[1]
            assert ombud[n][0] in waiting and member not in waiting

    chair.get_by_label("Jag vill stänga omröstningen nu").check()
    chair.get_by_role("button", name="Stäng och räkna").click()
    closed = chair.locator("main").inner_text()
    assert "Omröstningen är stängd och räknad" in closed
    assert "sluten omröstning med 3 röstande ombud. Utfall: Johan Fält 2, Anna Strand 1. Johan Fält vann." in closed
    for member, _ in ombud:
        for line in closed.splitlines():
            assert not (member in line and ("Johan Fält" in line or "Anna Strand" in line)), line

    chair.goto(f"{live_server}/t/nns/moten/{meeting_id}/protokoll")
    # The protokoll's editor holds each § in a text field.
    minutes = "\n".join(chair.locator("main textarea").evaluate_all("fields => fields.map(f => f.value)"))
    assert "Val av revisor: sluten omröstning med 3 röstande ombud. Utfall: Johan Fält 2, Anna Strand 1." in minutes
    chair.context.close()
