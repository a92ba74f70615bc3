"""One beslutsutrymme per year, wherever and however it is shown: seed 003's table for Uppsala
2022–2024 with its pending applications, Umeåregionen's budget 2021–2023 (seed 000) with every
cost section, equity chained whatever the client sends, the bilaga frozen as it was sent, and the
year that closes with its bokslut, not on 1 January."""
import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.economy import demo, services
from finsam_saas.extensions import db
from finsam_saas.meetings.models import Meeting
from finsam_saas.organisation.models import Body
from finsam_saas.platform.formatting import tkr

from support import TENANT_A, TENANT_B, ApiClient, in_tenant, login

UPPSALA_SETTINGS = {"bound_reserve": 1_000_000}


def _client(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _tkr(years, key):
    return {y["year"]: (tkr(y[key]) if y[key] is not None else None) for y in years}


def test_seed_003s_decision_room_for_2022_to_2024(any_app):
    app = any_app
    with in_tenant(app, "uppsala-lan"):
        demo.load_uppsala()
        years = services.decision_room(2022, 2024, UPPSALA_SETTINGS)
    # EKONOMISK INFORMATION, belopp i TSEK [003]: every row of the three budget columns.
    assert _tkr(years, "fees") == {2022: "23 090", 2023: "22 770", 2024: "22 770"}
    assert _tkr(years, "carried") == {2022: "4 123", 2023: "463", 2024: "12 549"}
    assert _tkr(years, "board") == {2022: "700", 2023: "700", 2024: "700"}
    assert _tkr(years, "administration") == {2022: "4 400", 2023: "4 400", 2024: "4 450"}
    assert _tkr(years, "insatser") == {2022: "21 650", 2023: "5 584", 2024: "3 255"}
    # The seed prints 12 087 for 2023 from unrounded kronor; in its own tkr 22 770 − 700 − 4 400 − 5 584
    # = 12 086, and 463 + 12 086 is the 12 549 it prints as the room.
    assert _tkr(years, "result") == {2022: "-3 660", 2023: "12 086", 2024: "14 365"}
    assert _tkr(years, "room") == {2022: "463", 2023: "12 549", 2024: "26 914"}
    # "BESLUTSUTRYMME efter ovanstående ansökningar": 2023's applications are gone from 2024 too.
    assert _tkr(years, "pending") == {2022: "0", 2023: "13 037", 2024: "5 626"}
    assert _tkr(years, "room_after_pending") == {2022: "463", 2023: "-488", 2024: "8 251"}


def test_a_years_room_is_the_same_whichever_years_are_shown(any_app):
    app = any_app
    with in_tenant(app, "uppsala-lan"):
        demo.load_uppsala()
        shown = [services.decision_room(first, last, UPPSALA_SETTINGS)
                 for first, last in ((2021, 2023), (2022, 2024), (2022, 2022), (2020, 2024), (2023, 2024))]
    for year in (2022, 2023, 2024):
        figures = {tuple(sorted(y.items())) for years in shown for y in years if y["year"] == year}
        assert len(figures) == 1, year
    by_year = {y["year"]: y for y in shown[3]}
    # No budget for 2020 or 2021 in the demo: "budget saknas", never a figure counted from zero.
    assert by_year[2021]["budget"] is None and by_year[2021]["room"] is None
    assert by_year[2022]["room"] == 463_000 and by_year[2022]["budget"] == "förslag"


def test_umearegionens_room_counts_every_cost_section_of_its_budget(any_app):
    """Seed 000: eget kapital 2 040 → 894 → 792 → 783 tkr; without grants of their own the room is
    the equity at year end, so the verksamhetsnära costs (485 tkr in 2021) count."""
    app = any_app
    with in_tenant(app, TENANT_A):
        demo.load_umearegionen()
        years = services.decision_room(2021, 2023, {})
        budgets = services.budget_summaries(2021, 2023, {})
    assert _tkr(years, "operations") == {2021: "485", 2022: "450", 2023: "525"}
    assert _tkr(years, "result") == {2021: "-1 146", 2022: "-102", 2023: "-9"}
    assert _tkr(years, "room") == {2021: "894", 2022: "792", 2023: "783"}
    assert [tkr(b["equity_end"]) for b in budgets] == ["894", "792", "783"]


def test_a_year_without_a_budget_says_so_and_breaks_the_chain_until_equity_is_stated(any_app):
    app = any_app
    client_a = _client(app, "kansli.a@test.se")
    with in_tenant(app, TENANT_A):
        demo.load_umearegionen()
        services.put_budget(2025, [{"section": "income", "name": "Avgifter", "amount": 10_000_000},
                                   {"section": "insatser", "name": "Ungdomstorget", "amount": 9_000_000}],
                            equity_start=700_000)
        db.session.commit()
        years = {y["year"]: y for y in services.decision_room(2023, 2025, {})}
    assert years[2024]["budget"] is None and years[2024]["room"] is None
    assert years[2025]["carried"] == 700_000 and years[2025]["room"] == 1_700_000
    page = client_a.get("/t/umearegionen/ekonomi/beslutsutrymme?fran=2023&till=2025").get_data(as_text=True)
    assert "budget saknas" in page and "1 700" in page and "783" in page
    assert "Verksamhetsnära kostnader" in page


def test_a_budget_changed_through_the_api_keeps_its_equity_chain(any_app):
    app = any_app
    api = ApiClient(app)
    lines = [{"section": "income", "name": "Avgifter", "amount": 11_000_000},
             {"section": "administration", "name": "Kansli", "amount": 10_000_000}]
    assert api.put("/budgets/2030", json={"lines": lines, "equity_start": 2_000_000}).status_code == 200
    assert api.put("/budgets/2031", json={"lines": lines}).json["equity_start"] == 3_000_000
    # The client sends 2030 again without equity_start (or with null): the stated 2 000 000 stays.
    for body in ({"lines": lines}, {"lines": lines, "equity_start": None}):
        changed = api.put("/budgets/2030", json=body).json
        assert (changed["equity_start"], changed["equity_end"]) == (2_000_000, 3_000_000)
    later = api.get("/budgets/2031").json
    assert (later["equity_start"], later["equity_end"]) == (3_000_000, 4_000_000)
    assert later["over_ceiling"] is True  # Umeåregionen's fixed ceiling is 1 200 000 kr
    # A year that cannot chain (no 2039 budget) is refused, never stored with an unknown equity.
    refused = api.put("/budgets/2040", json={"lines": lines})
    assert refused.status_code == 400 and "equity_start" in refused.json["error"]["fields"]


def test_unknown_equity_gives_over_ceiling_null(any_app):
    app = any_app
    with in_tenant(app, TENANT_A):
        services.put_budget(2030, [{"section": "income", "name": "Avgifter", "amount": 1}], equity_start=5)
        db.session.commit()
        budget = services.current_budget(2030)
        budget.equity_start = None  # as a chain broken by a deleted year would leave it
        db.session.commit()
        summary = services.budget_summary(2030, {"equity_ceiling": {"rule": "fixed", "amount": 1_200_000}})
    assert summary["equity_start"] is None and summary["over_ceiling"] is None


def test_the_bilaga_of_a_sent_kallelse_reads_as_it_was_sent(any_app):
    app = any_app
    with in_tenant(app, "uppsala-lan"):
        demo.load_uppsala()
        board = db.session.scalar(select(Body).where(Body.slug == "forbundsstyrelse"))
        from finsam_saas.meetings import services as meetings
        meeting = meetings.create_meeting(board, day=date(2022, 3, 24), with_template=False, items=[{"title": "Öppnande"}])
        db.session.commit()
        meeting_id = meeting.id
    app.test_cli_runner().invoke(args=["users", "grant", "kansli.a@test.se", "uppsala-lan", "kansli"])
    client = app.test_client()
    login(client, "kansli.a@test.se")
    link = f"/t/uppsala-lan/moten/{meeting_id}/bilaga/beslutsutrymme"
    before = client.get(link).get_data(as_text=True)
    assert "463" in before and "framtagen ur aktuella uppgifter" in before
    with in_tenant(app, "uppsala-lan"):
        from finsam_saas.meetings import services as meetings
        from finsam_saas.platform.models import utcnow
        meeting = db.session.get(Meeting, meeting_id)
        meetings.freeze_appendices(meeting, "kallelse")  # as the send-out does before it mails
        meeting.notice_sent_at = utcnow()
        db.session.commit()
        # Afterwards the förvaltning's budget for 2022 grows by 1 000 tkr: the room today is 537 below 0.
        lines = [{"section": l.section, "name": l.name, "amount": l.amount + (1_000_000 if l.name == "Förvaltning" else 0)}
                 for l in services.current_budget(2022).lines]
        services.put_budget(2022, lines)
        db.session.commit()
        assert services.decision_room(2022, 2022, UPPSALA_SETTINGS)[0]["room"] == -537_000
    after = client.get(link).get_data(as_text=True)
    assert "463" in after and "-537" not in after and "som den skickades med kallelsen" in after
    with app.test_request_context(), in_tenant(app, "uppsala-lan"):
        from finsam_saas.meetings.documents import notice_pdf
        pdf = notice_pdf(db.session.get(Meeting, meeting_id))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Beslutsutrymme 463" in text and "-537" not in text


def test_the_send_out_stores_the_bilaga_it_mailed(any_app):
    api = ApiClient(any_app)
    with in_tenant(any_app, TENANT_A):
        demo.load_umearegionen()
        db.session.commit()
    meeting = api.post("/meetings", json={"body": "styrelse", "date": "2021-02-19", "template": True,
                                          "items": [{"title": "Verksamhetsplan", "kind": "beslut"}]}).json["id"]
    assert api.post(f"/meetings/{meeting}/notice", json={"confirm": True}).status_code == 202
    with in_tenant(any_app, TENANT_A):
        from finsam_saas.meetings.models import SentAppendix
        stored = db.session.scalars(select(SentAppendix).where(SentAppendix.meeting_id == meeting)).all()
        assert [(s.slug, s.sent_with) for s in stored] == [("beslutsutrymme", "kallelse")]
        assert stored[0].context["years"][0]["room"] == 894_000
        # An application put on the agenda afterwards goes out as an ändring, with the bilaga as it then reads.
        from finsam_saas.insatser import services as insatser
        application = insatser.create_application(title="Vuxentorget förlängning", applicant="Umeå kommun",
                                                  amounts={"2021": 200_000})
        insatser.put_on_agenda(application, db.session.get(Meeting, meeting), recommendation="Bifall")
        db.session.commit()
    assert api.post(f"/meetings/{meeting}/changes/send", json={"confirm": True}).json["state"] == "finished"
    answer = _client(any_app, "kansli.a@test.se").get(f"/t/umearegionen/moten/{meeting}/bilaga/beslutsutrymme")
    page = answer.get_data(as_text=True)
    assert "med ändringen i föredragningslistan" in page and "Vuxentorget förlängning" in page and "694" in page
    with in_tenant(any_app, TENANT_A):
        kinds = db.session.scalars(select(SentAppendix.sent_with).where(SentAppendix.meeting_id == meeting)
                                   .order_by(SentAppendix.id)).all()
        assert kinds[0] == "kallelse" and kinds[1].startswith("andring:") and len(kinds) == 2


def test_a_year_stays_open_until_its_bokslut_and_the_bokslut_returns_unused_money(any_app):
    app = any_app
    client_a = _client(app, "kansli.a@test.se")
    from finsam_saas.insatser import services as insatser
    from finsam_saas.insatser.models import Insats
    with in_tenant(app, TENANT_A):
        insats = insatser.create_insats(name="Vuxentorget", owner="Umeå kommun", kind="individ",
                                        start=date(2024, 1, 1), end=date(2026, 12, 31),
                                        grants={"2025": 2_625_000, "2026": 2_400_000})
        # January: the Q4 requisition and an avvikelse for last year are still taken.
        insatser.requisition(insats, year=2025, amount=2_000_000)
        deviation = insatser.file_deviation(insats, kind="budget", description="Sen rekrytering", amount=100_000,
                                            from_year=2025, to_year=2026)
        db.session.commit()
        insats_id, deviation_id = insats.id, deviation.id
    page = client_a.get("/t/umearegionen/ekonomi/bokslut/2025").get_data(as_text=True)
    assert "väntar på förbundschefens beslut: Vuxentorget" in page and "Gör bokslut för 2025</button>" not in page
    with in_tenant(app, TENANT_A):
        from finsam_saas.insatser.models import Deviation
        insatser.decide_deviation(db.session.get(Deviation, deviation_id), db.session.get(Insats, insats_id),
                                  approve=True, decided_by="chef")
        db.session.commit()
    page = client_a.get("/t/umearegionen/ekonomi/bokslut/2025").get_data(as_text=True)
    assert "Vuxentorget: beviljat 2 525 000 kr, rekvirerat 2 000 000 kr, återförs 525 000 kr." in page
    # Not confirmed: nothing happens.
    assert not client_a.post("/t/umearegionen/ekonomi/bokslut/2025", data={}).status_code == 302
    with in_tenant(app, TENANT_A):
        assert not services.year_closed(2025)
    done = client_a.post("/t/umearegionen/ekonomi/bokslut/2025", data={"confirm": "1"}, follow_redirects=True)
    assert "Bokslut för 2025 är gjort; 525 000 kr återförs." in done.get_data(as_text=True)
    with in_tenant(app, TENANT_A):
        insats = db.session.get(Insats, insats_id)
        assert insatser.released(insats, 2025) == 525_000 and services.year_end(2025).returned == {str(insats_id): 525_000}
        import pytest
        from finsam_saas.platform.rules import RuleViolation
        with pytest.raises(RuleViolation, match="Bokslut för 2025 är gjort"):
            insatser.requisition(insats, year=2025, amount=1)
        with pytest.raises(RuleViolation, match="redan gjort"):
            services.close_year(2025, "x", confirmed=True)
        with pytest.raises(RuleViolation, match="inte slut"):
            services.close_year(date.today().year, "x", confirmed=True)
    # A mistaken bokslut is opened again, confirmed.
    client_a.post("/t/umearegionen/ekonomi/bokslut/2025/oppna", data={"confirm": "1"})
    with in_tenant(app, TENANT_A):
        assert not services.year_closed(2025)
        assert insatser.released(db.session.get(Insats, insats_id), 2025) is None


def test_bokslut_and_the_decision_room_stay_inside_their_tenant(any_app):
    app = any_app
    client_a = _client(app, "kansli.a@test.se")
    client_b = _client(app, "kansli.b@test.se")
    with in_tenant(app, TENANT_A):
        demo.load_umearegionen()
        services.close_year(2021, "kansli.a@test.se", confirmed=True)
        db.session.commit()
    mine = client_a.get("/t/umearegionen/ekonomi/bokslut").get_data(as_text=True)
    assert "Bokslut gjort" in mine and "2021" in mine
    theirs = client_b.get("/t/skelleftea-norsjo/ekonomi/bokslut").get_data(as_text=True)
    assert "Bokslut gjort" not in theirs and "2021" not in theirs
    assert client_b.get("/t/umearegionen/ekonomi/bokslut").status_code == 404
    assert client_b.post("/t/umearegionen/ekonomi/bokslut/2022", data={"confirm": "1"}).status_code == 404
    with in_tenant(app, TENANT_B):
        assert not services.year_closed(2021) and services.decision_room(2021, 2023, {})[0]["budget"] is None
    api_b = ApiClient(app, "kansli.b@test.se", TENANT_B)
    assert api_b.get("/year-ends/2021").json["closed"] is False
    assert api_b.get("/decision-room?from=2021&to=2021").json["years"][0]["room"] is None


def test_after_the_bokslut_no_outcome_is_read_into_the_year(any_app):
    import pytest
    from finsam_saas.economy import outcome
    from finsam_saas.platform.rules import RuleViolation
    csv = "Sektion;Rad;Utfall\nInsatser;Ungdomstorget;3150000\n".encode()
    with in_tenant(any_app, TENANT_A):
        assert outcome.import_outcome(2021, csv, "utfall.csv") == 1  # January: last year's books are open
        services.close_year(2021, "kansli.a@test.se", confirmed=True)
        with pytest.raises(RuleViolation, match="Bokslut för 2021 är gjort; utfall"):
            outcome.import_outcome(2021, csv, "utfall.csv")


def test_the_books_close_in_order_and_not_while_money_is_moving_into_the_year(any_app):
    from finsam_saas.insatser import services as insatser
    with in_tenant(any_app, TENANT_A):
        insats = insatser.create_insats(name="Vuxentorget", owner="Umeå kommun", kind="individ",
                                        start=date(2023, 1, 1), end=date(2025, 12, 31),
                                        grants={"2023": 1_000_000, "2024": 1_000_000, "2025": 1_000_000})
        insatser.file_deviation(insats, kind="budget", description="Sen start", amount=300_000,
                                from_year=2024, to_year=2025)
        _, problems = services.year_end_preview(2025)
        assert "Bokslut för 2023, 2024 är inte gjort; gör det först." in problems
        assert any("från eller till 2025 väntar på förbundschefens beslut: Vuxentorget" in p for p in problems)
        services.close_year(2023, "kansli", confirmed=True)
        _, problems = services.year_end_preview(2024)
        assert problems == ["Avvikelser som flyttar medel från eller till 2024 väntar på förbundschefens beslut: "
                            "Vuxentorget. Besluta dem först."]


def test_the_decision_room_page_names_a_year_that_is_no_year(any_app):
    client = _client(any_app, "kansli.a@test.se")
    base = "/t/umearegionen/ekonomi/beslutsutrymme"
    for query, message in (("fran=abc&till=xyz", "Från år ska vara ett årtal, t.ex. 2022, inte &#34;abc&#34;."),
                           ("fran=2024&till=2022", "Till-året är före från-året."),
                           ("fran=-5&till=9", "Från år ska vara ett årtal"),
                           ("fran=2021&till=99999", "99999 är inget år med förbundets ekonomi")):
        page = client.get(f"{base}?{query}").get_data(as_text=True)
        assert message in page, query
        assert "<h1>Beslutsutrymme</h1>" in page  # no range in the heading for a range that is not shown


def test_a_closed_year_stays_closed_to_money_moved_into_it_and_years_reopen_in_reverse(any_app):
    import pytest
    from finsam_saas.insatser import services as insatser
    from finsam_saas.platform.rules import RuleViolation
    with in_tenant(any_app, TENANT_A):
        insats = insatser.create_insats(name="Vuxentorget", owner="Umeå kommun", kind="individ",
                                        start=date(2023, 1, 1), end=date(2025, 12, 31),
                                        grants={"2023": 1_000_000, "2024": 1_000_000})
        services.close_year(2023, "kansli", confirmed=True)
        services.close_year(2024, "kansli", confirmed=True)
        services.reopen_year(2024, confirmed=True)
        services.close_year(2024, "kansli", confirmed=True)
        with pytest.raises(RuleViolation, match="Bokslut för 2024 är gjort; öppna det först."):
            services.reopen_year(2023, confirmed=True)
        services.reopen_year(2024, confirmed=True)
        services.reopen_year(2023, confirmed=True)
        services.close_year(2023, "kansli", confirmed=True)
        # 2023 closed, 2024 open: no avvikelse may take money out of 2023 into 2024.
        with pytest.raises(RuleViolation, match="Bokslut för 2023 är gjort"):
            insatser.file_deviation(insats, kind="budget", description="Flytta", amount=1, from_year=2023, to_year=2024)
    page = _client(any_app, "kansli.a@test.se").get("/t/umearegionen/ekonomi/bokslut/2022/oppna").get_data(as_text=True)
    assert "2022 har inget bokslut att öppna." in page


def test_the_bilaga_shows_every_year_an_application_on_the_agenda_asks_for(any_app):
    import pytest
    from finsam_saas.insatser import services as insatser
    from finsam_saas.meetings import services as meetings
    from finsam_saas.platform.rules import RuleViolation
    with in_tenant(any_app, "uppsala-lan"):
        demo.load_uppsala()
        board = db.session.scalar(select(Body).where(Body.slug == "forbundsstyrelse"))
        meeting = meetings.create_meeting(board, day=date(2022, 3, 24), with_template=False, items=[{"title": "Öppnande"}])
        application = insatser.create_application(title="Arbetsträning Tierp", applicant="Tierps kommun",
                                                  amounts={"2025": 1_500_000})
        insatser.put_on_agenda(application, meeting, recommendation="Bifall")
        context = services.decision_room_for_meeting(meeting, UPPSALA_SETTINGS)
        assert [y["year"] for y in context["years"]] == [2022, 2023, 2024, 2025]
        assert context["effects"][0]["year"] == 2025 and context["years"][3]["budget"] is None
        # An application for a year whose books are closed is refused: that money can no longer be granted.
        services.close_year(2021, "kansli", confirmed=True)
        with pytest.raises(RuleViolation, match="Bokslut för 2021 är gjort"):
            insatser.create_application(title="Sent", applicant="Heby kommun", amounts={"2021": 1})
