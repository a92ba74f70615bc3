"""The ekonom's pages: fees, budget with its ceiling warning and lock, decision room."""
import html

from support import TENANT_A, in_tenant

A = f"/t/{TENANT_A}"


def test_budget_page_chain_lock_and_new_version(client_a, app):
    from finsam_saas.economy.demo import load_umearegionen
    from finsam_saas.extensions import db

    with in_tenant(app, TENANT_A):
        load_umearegionen()
        db.session.commit()
    page = html.unescape(client_a.get(f"{A}/ekonomi/budget?ar=2021").get_data(as_text=True))
    assert "11 489" in page and "-12 635" in page and "-1 146" in page and "894" in page and "783" in page
    assert "<svg" in page
    data = {"rows": "1", "section-0": "income", "name-0": "Medlemsavgifter", "amount-0": "20 000 000",
            "equity_start": "2040000"}
    assert f'href="{A}/ekonomi/budget/andra?ar=2021">Ändra budgeten för 2021</a>' in page
    assert 'name="amount-0"' not in page  # the budget page is for reading; the form has a page of its own
    form_page = html.unescape(client_a.get(f"{A}/ekonomi/budget/andra?ar=2021").get_data(as_text=True))
    assert "<h1>Ändra budgeten för 2021</h1>" in form_page and 'name="amount-0"' in form_page
    saved = html.unescape(client_a.post(f"{A}/ekonomi/budget/andra?ar=2021", data=data, follow_redirects=True).get_data(as_text=True))
    assert "Budgeten för 2021 är sparad" in saved and "är över taket" in saved
    bad = client_a.post(f"{A}/ekonomi/budget/andra?ar=2021", data={"rows": "2", "section-0": "income", "name-0": "X",
                                                                   "amount-0": "mycket", "section-1": "personal",
                                                                   "name-1": "Lokalhyra Nygatan", "amount-1": "900 000"})
    text = html.unescape(bad.get_data(as_text=True))
    # Refused, said why, and nothing the user wrote is lost.
    assert bad.status_code == 400 and "ska vara ett heltal" in text
    assert 'value="mycket"' in text and 'value="Lokalhyra Nygatan"' in text and 'value="900 000"' in text
    saved_page = html.unescape(client_a.get(f"{A}/ekonomi/budget?ar=2021").get_data(as_text=True))
    assert "Lokalhyra Nygatan" not in saved_page and "20 000" in saved_page


def test_fees_page(client_a, app):
    with in_tenant(app, TENANT_A):
        from sqlalchemy import select
        from finsam_saas.extensions import db
        from finsam_saas.organisation.models import Member
        ids = {m.name: m.id for m in db.session.scalars(select(Member).where(Member.kind == "kommun"))}
    data = {"total": "11 379 000", **{f"pop-{i}": "1000" for i in ids.values()}}
    page = html.unescape(client_a.post(f"{A}/ekonomi/avgifter?ar=2021", data=data, follow_redirects=True).get_data(as_text=True))
    assert "Medlemsavgifterna för 2021 är sparade" in page and "Försäkringskassan/Arbetsförmedlingen" in page
    assert "5 689 500" in page and "16,7 % av arb-bef." in page


def test_decision_room_page(client_a):
    page = client_a.get(f"{A}/ekonomi/beslutsutrymme?fran=2022&till=2024").get_data(as_text=True)
    assert "Beslutsutrymme efter ansökningar" in page
    reversed_years = client_a.get(f"{A}/ekonomi/beslutsutrymme?fran=2024&till=2022").get_data(as_text=True)
    assert "Till-året är före från-året" in html.unescape(reversed_years)


def test_lasare_cannot_change_the_budget(app):
    from support import login

    client = app.test_client()
    login(client, "lasare.a@test.se")
    assert client.get(f"{A}/ekonomi/budget").status_code == 200
    assert client.get(f"{A}/ekonomi/budget/andra?ar=2021").status_code == 403
    assert client.post(f"{A}/ekonomi/budget/andra?ar=2021", data={"rows": "0"}).status_code == 403


def test_the_budget_is_put_on_the_agenda_and_decided_in_that_meetings_paragraph(client_a, app):
    from finsam_saas.extensions import db
    from finsam_saas.meetings import services as meetings
    from finsam_saas.meetings.models import Meeting, Paragraph
    from finsam_saas.platform import clock
    from support import ApiClient

    year = clock.today().year + 1
    api = ApiClient(app)
    api.put(f"/budgets/{year}", json={"lines": [{"section": "income", "name": "Försäkringskassan", "amount": 5_690_000}],
                                      "equity_start": 2_040_000})
    meeting_id = api.post("/meetings", json={"body": "styrelse", "date": clock.today().isoformat(),
                                             "template": True}).json["id"]
    page = client_a.get(f"/t/umearegionen/ekonomi/budget?ar={year}").get_data(as_text=True)
    assert "Lägg budgeten på dagordningen för" in page
    client_a.post(f"/t/umearegionen/ekonomi/budget/dagordning?ar={year}", data={"meeting_id": str(meeting_id)})
    titles = [i["title"] for i in api.get(f"/meetings/{meeting_id}").json["items"]]
    assert titles.index(f"Verksamhetsplan och budget {year}–{year + 2}") < titles.index("Övriga frågor")
    with in_tenant(app, "umearegionen"):
        meeting = db.session.get(Meeting, meeting_id)
        minutes = meetings.start_minutes(meeting, chair="Peter Vigren", secretary="S", justerare=["Anders Hahlin"],
                                         attendees=[{"name": n, "role": "ledamot"} for n in
                                                    ("Peter Vigren", "Harriet Hedlund", "Anders Hahlin")])
        own = next(p for p in minutes.paragraphs if p.title.startswith("Verksamhetsplan och budget"))
        other = minutes.paragraphs[0]
        db.session.commit()
        own_id, other_id, number = own.id, other.id, own.number
    page = client_a.get(f"/t/umearegionen/ekonomi/budget?ar={year}").get_data(as_text=True)
    assert f'<option value="{own_id}" selected>' in page
    client_a.post(f"/t/umearegionen/ekonomi/budget/beslut?ar={year}", data={"paragraph_id": str(own_id)})
    with in_tenant(app, "umearegionen"):
        decided = db.session.get(Paragraph, own_id)
        assert decided.decision == f"Styrelsen fastställer budget {year} med plan för {year + 1}–{year + 2} enligt förslag."
        assert db.session.get(Paragraph, other_id).decision == ""
    page = client_a.get(f"/t/umearegionen/ekonomi/budget?ar={year}").get_data(as_text=True)
    assert "beslutad och låst</strong> i <a" in page and f"§ {number} {clock.today().year}" in page


def test_a_row_that_loses_its_name_or_a_huge_amount_is_refused_and_nothing_changes(client_a, app):
    from finsam_saas.economy import services
    from finsam_saas.economy.demo import load_umearegionen
    from finsam_saas.extensions import db

    with in_tenant(app, TENANT_A):
        load_umearegionen()
        db.session.commit()
        before = [(l.name, l.amount) for l in services.current_budget(2022).lines]
    rows = {"rows": "2", "section-0": "income", "name-0": "Försäkringskassan", "amount-0": "5 690 000",
            "section-1": "insatser", "name-1": "Ungdomstorget", "amount-1": "2 800 000"}
    for change, message in (({"name-1": ""}, "Rad 2 har ett belopp men inget namn."),
                            ({"amount-1": "99999999999999999999999"}, "är för stort: högst 999 999 999 999"),
                            ({"equity_start": "99999999999999999999999"}, "är för stort")):
        answer = client_a.post(f"{A}/ekonomi/budget/andra?ar=2022", data={**rows, **change})
        assert answer.status_code == 400 and message in html.unescape(answer.get_data(as_text=True)), change
    with in_tenant(app, TENANT_A):
        assert [(l.name, l.amount) for l in services.current_budget(2022).lines] == before
