"""Money of a closed year, requisitions and their removal, amounts in messages, the year's list of
insatser, and the avvikelser waiting for the förbundschef on the start page."""
import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from finsam_saas.economy import services as economy
from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.insatser.models import Insats, Requisition
from finsam_saas.platform.rules import InvalidInput, RuleViolation

from support import TENANT_A, ApiClient, counted_queries, in_tenant, login

A = f"/t/{TENANT_A}"
COUNTS = {"participants": 10, "new": 5, "ended": 4, "to_work": 2, "to_studies": 1, "to_other_solution": 1,
          "other_dropouts": 0, "remaining": 6}


def _insats(app, name="Bryggan", start=date(2022, 1, 1), end=date(2023, 8, 31), grants=None) -> int:
    with in_tenant(app, TENANT_A):
        insats = services.create_insats(name=name, owner="Östhammars kommun", kind="individ", start=start, end=end,
                                        grants=grants if grants is not None else {"2022": 1_780_000, "2023": 1_187_000})
        db.session.commit()
        return insats.id


def _close(app, year: int) -> None:
    with in_tenant(app, TENANT_A):
        economy.close_year(year, "kansli.a@test.se", confirmed=True)
        db.session.commit()


def _client(app, email="kansli.a@test.se"):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _text(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


# --- 1. spend of a closed year ----------------------------------------------------------------

def test_spend_of_a_closed_year_is_refused_and_participant_outcomes_stay_open(any_app):
    app = any_app
    insats_id = _insats(app)
    client, api = _client(app), ApiClient(app)
    before = client.post(f"{A}/insatser/{insats_id}/forbrukning", data={"through": "2022-06-30", "amount": "400000"},
                         follow_redirects=True)
    assert "Utfallet är sparat" in _text(before)
    _close(app, 2022)
    page = client.post(f"{A}/insatser/{insats_id}/forbrukning", data={"through": "2022-12-31", "amount": "400000"},
                       follow_redirects=True)
    text = _text(page)
    assert "Utfallet är sparat" not in text
    assert "Bokslut för 2022 är gjort" in text and "utfall för 2022 tas inte emot längre" in text
    answer = api.put(f"/insatser/{insats_id}/spend/2022", json={"through": "2022-12-31", "amount": 400_000})
    assert answer.status_code == 409 and answer.json["error"]["code"] == "year_closed"
    assert answer.json["error"]["fields"] == {"year": "bokslut gjort"}
    # An earlier report of the year is not replaced either.
    again = api.put(f"/insatser/{insats_id}/spend/2022", json={"through": "2022-06-30", "amount": 1})
    assert again.status_code == 409
    with in_tenant(app, TENANT_A):
        spend = services.spend_table(2022, select(Insats).where(Insats.id == insats_id))[0]
        assert (spend.through, spend.amount) == (date(2022, 6, 30), 400_000)
    # The next year is open, and SUS counts are no money: they are taken for the closed year.
    assert api.put(f"/insatser/{insats_id}/spend/2023", json={"through": "2023-03-31", "amount": 5}).status_code == 200
    outcome = api.put(f"/insatser/{insats_id}/outcomes/2022", json={"women": COUNTS, "men": COUNTS})
    assert outcome.status_code == 200, outcome.json


# --- 2. amounts in messages ---------------------------------------------------------------------

def test_the_messages_write_amounts_as_swedish_kronor(app):
    # Östhammar, Bryggan 2021 [003]: 1 627 tkr granted, 865 tkr requisitioned.
    insats_id = _insats(app, start=date(2018, 3, 1), grants={"2021": 1_627_000, "2022": 1_780_000})
    with in_tenant(app, TENANT_A):
        insats = db.session.get(Insats, insats_id)
        services.requisition(insats, year=2021, amount=865_000)
        with pytest.raises(RuleViolation) as caught:
            services.requisition(insats, year=2021, amount=2_000_000)
        assert caught.value.message == ("Rekvisitionen på 2 000 000 kr skulle ge 2 865 000 kr för 2021, mer än "
                                        "beviljade 1 627 000 kr (762 000 kr återstår).")
        with pytest.raises(RuleViolation) as caught:
            services.file_deviation(insats, kind="budget", description="Flytta", amount=800_000, from_year=2021,
                                    to_year=2022)
        assert caught.value.message == "Bara 762 000 kr av 2021 års medel är outnyttjade."
        deviation = services.file_deviation(insats, kind="budget", description="Flytta", amount=700_000,
                                            from_year=2021, to_year=2022)
        services.requisition(insats, year=2021, amount=500_000)
        with pytest.raises(RuleViolation) as caught:
            services.decide_deviation(deviation, insats, approve=True, decided_by="chef")
        assert caught.value.message == "Bara 262 000 kr är outnyttjade nu."


def test_no_message_of_insatser_writes_an_amount_unformatted():
    """A guard over the sources: an amount in a message goes through kronor() or tkr()."""
    from pathlib import Path

    import finsam_saas.insatser as package

    bare = re.compile(r"\{(?!kronor\(|tkr\()[^{}]*\} (?:kr|tkr)\b")
    found = [f"{path.name}: {line.strip()}" for path in Path(package.__file__).parent.glob("*.py")
             for line in path.read_text(encoding="utf-8").splitlines() if bare.search(line)]
    assert found == []


# --- 3. requisitions: the year, the day, removal ---------------------------------------------------

def test_a_requisition_year_is_four_digits_within_the_period(app):
    insats_id = _insats(app)
    client, api = _client(app), ApiClient(app)
    page = _text(client.post(f"{A}/insatser/{insats_id}/rekvisitioner", data={"year": "21", "amount": "1000"},
                             follow_redirects=True))
    assert "Året \"21\" ska skrivas med fyra siffror" in page and "mer än beviljade" not in page
    answer = api.post(f"/insatser/{insats_id}/requisitions", json={"year": 21, "amount": 1000})
    assert answer.status_code == 400 and answer.json["error"]["fields"] == {"year": "fyra siffror"}
    outside = api.post(f"/insatser/{insats_id}/requisitions", json={"year": 2021, "amount": 1000})
    assert outside.status_code == 400 and outside.json["error"]["fields"] == {"year": "utanför insatsens period"}
    assert "2021 ligger utanför insatsens period 2022-01-01–2023-08-31" in outside.json["error"]["message"]
    with in_tenant(app, TENANT_A):
        assert db.session.scalars(select(Requisition)).all() == []


def test_a_requisition_keeps_its_day_and_can_be_removed_until_the_bokslut(any_app):
    app = any_app
    insats_id = _insats(app)
    client, api = _client(app), ApiClient(app)
    made = client.post(f"{A}/insatser/{insats_id}/rekvisitioner",
                       data={"year": "2022", "amount": "890000", "requisitioned_on": "2022-06-30"}, follow_redirects=True)
    assert "Rekvisitionen på 890 000 kr för 2022 är registrerad." in _text(made)
    future = api.post(f"/insatser/{insats_id}/requisitions",
                      json={"year": 2022, "amount": 1, "requisitioned_on": "2999-01-01"})
    assert future.status_code == 400 and future.json["error"]["fields"] == {"requisitioned_on": "i framtiden"}
    wrong = api.post(f"/insatser/{insats_id}/requisitions", json={"year": 2022, "amount": 500_000})
    assert wrong.status_code == 201 and wrong.json["requisitioned_on"] is None
    listed = api.get(f"/insatser/{insats_id}/requisitions").json
    assert [(r["year"], r["amount"], r["requisitioned_on"]) for r in listed] == [
        (2022, 890_000, "2022-06-30"), (2022, 500_000, None)]
    first_id, wrong_id = listed[0]["id"], wrong.json["id"]
    page = _text(client.get(f"{A}/insatser/{insats_id}"))
    assert "2022-06-30" in page and "890 000" in page
    remove = f"{A}/insatser/{insats_id}/rekvisitioner/{first_id}/ta-bort"
    assert remove in page  # a "Ta bort" per row

    # The web asks first, and only a confirmed POST removes.
    confirm = _text(client.get(remove))
    assert "Ta bort rekvisitionen?" in confirm and "Rekvisitionen för 2022 på 890 000 kr den 2022-06-30" in confirm
    assert client.post(remove).status_code == 200  # no confirm: the question again
    done = _text(client.post(remove, data={"confirm": "1"}, follow_redirects=True))
    assert "Rekvisitionen för 2022 på 890 000 kr den 2022-06-30 är borttagen." in done
    # The API removes the other; a second DELETE, or one under another insats, is 404.
    other_id = _insats(app, name="Reg.Ex.Pro")
    assert api.delete(f"/insatser/{other_id}/requisitions/{wrong_id}").status_code == 404
    assert api.delete(f"/insatser/{insats_id}/requisitions/{wrong_id}").status_code == 204
    assert api.delete(f"/insatser/{insats_id}/requisitions/{wrong_id}").status_code == 404
    with in_tenant(app, TENANT_A):
        assert services.requisitioned(db.session.get(Insats, insats_id), 2022) == 0

    # After the bokslut the year's requisitions stand.
    kept = api.post(f"/insatser/{insats_id}/requisitions", json={"year": 2022, "amount": 1_000_000}).json["id"]
    _close(app, 2022)
    refused = api.delete(f"/insatser/{insats_id}/requisitions/{kept}")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "year_closed"
    kept_url = f"{A}/insatser/{insats_id}/rekvisitioner/{kept}/ta-bort"
    assert kept_url not in _text(client.get(f"{A}/insatser/{insats_id}"))
    assert "Bokslut för 2022 är gjort; rekvisitionen står kvar." in _text(client.get(kept_url))
    posted = _text(client.post(kept_url, data={"confirm": "1"}, follow_redirects=True))
    assert "Bokslut för 2022 är gjort" in posted
    with in_tenant(app, TENANT_A):
        assert services.requisitioned(db.session.get(Insats, insats_id), 2022) == 1_000_000


def test_only_the_kansli_and_the_insats_remove_requisitions(app):
    insats_id = _insats(app)
    with in_tenant(app, TENANT_A):
        row = services.requisition(db.session.get(Insats, insats_id), year=2022, amount=1000)
        db.session.commit()
        row_id = row.id
    reader = _client(app, "lasare.a@test.se")
    assert reader.post(f"{A}/insatser/{insats_id}/rekvisitioner/{row_id}/ta-bort", data={"confirm": "1"}).status_code == 403
    assert ApiClient(app, "lasare.a@test.se").delete(f"/insatser/{insats_id}/requisitions/{row_id}").status_code == 403
    with in_tenant(app, TENANT_A):
        assert db.session.get(Requisition, row_id) is not None


def test_removal_stands_in_the_audit_log(app):
    from finsam_saas.platform.models import AuditEntry

    insats_id = _insats(app)
    with in_tenant(app, TENANT_A):
        row = services.requisition(db.session.get(Insats, insats_id), year=2022, amount=1000)
        db.session.commit()
        row_id = row.id
    assert ApiClient(app).delete(f"/insatser/{insats_id}/requisitions/{row_id}").status_code == 204
    with in_tenant(app, TENANT_A):
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "delete", AuditEntry.object_type == "Requisition", AuditEntry.object_id == str(row_id)))
        assert entry is not None and entry.before["amount"] == 1000


# --- 4. the year's list ----------------------------------------------------------------------------

def test_the_list_of_a_year_shows_only_the_insatser_running_then(app):
    _insats(app, name="Uppsala, Ung Intro", start=date(2018, 5, 21), end=date(2021, 8, 31), grants={"2021": 829_000})
    _insats(app, name="Heby, Plattform", start=date(2021, 1, 1), end=date(2024, 12, 31),
            grants={"2021": 2_121_000, "2024": 2_245_000})
    _insats(app, name="Börjar i december", start=date(2024, 12, 1), end=date(2025, 12, 31), grants={})
    client = _client(app)
    listing = _text(client.get(f"{A}/insatser/?ar=2024"))
    assert "Heby, Plattform" in listing and "Börjar i december" in listing
    assert "Ung Intro" not in listing
    assert "Ung Intro" in _text(client.get(f"{A}/insatser/?ar=2018"))
    assert "Inga insatser pågår under 2030." in _text(client.get(f"{A}/insatser/?ar=2030"))


# --- 5. the förbundschef's start page ----------------------------------------------------------------

def _deviation(app, insats_id: int, **values):
    with in_tenant(app, TENANT_A):
        row = services.file_deviation(db.session.get(Insats, insats_id), **values)
        db.session.commit()
        return row.id


def test_the_forbundschef_is_told_an_avvikelse_waits(app):
    insats_id = _insats(app)
    deviation_id = _deviation(app, insats_id, kind="budget", description="Rekryteringen blev sen", amount=400_000,
                              from_year=2022, to_year=2023)
    chief = _client(app, "admin.a@test.se")
    start = _text(chief.get(f"{A}/"))
    waiting = start.split("Väntar på dig", 1)[1].split("</section>", 1)[0]
    assert "Avvikelse (budget, 400 000 kr från 2022 till 2023) för Bryggan väntar på ditt beslut" in waiting
    assert f"{A}/insatser/{insats_id}#avvikelser" in waiting
    # The kansli files them but does not decide them: not on its list.
    assert "väntar på ditt beslut" not in _text(_client(app).get(f"{A}/"))
    chief.post(f"{A}/insatser/{insats_id}/avvikelser/{deviation_id}/beslut", data={"decision": "reject"})
    assert "Avvikelse (budget" not in _text(chief.get(f"{A}/"))


def test_the_start_page_costs_the_same_queries_whatever_the_number_of_avvikelser(app):
    chief = _client(app, "admin.a@test.se")

    def grow(first: int, n: int) -> int:
        for i in range(first, first + n):
            insats_id = _insats(app, name=f"Insats {i:03d}")
            _deviation(app, insats_id, kind="goal", description=f"Avvikelse {i}")
        assert chief.get(f"{A}/").status_code == 200
        with counted_queries(app) as statements:
            page = _text(chief.get(f"{A}/"))
        assert page.count("väntar på ditt beslut") == first + n
        return len(statements)

    assert grow(0, 2) == grow(2, 10)


# --- 6. the demo -------------------------------------------------------------------------------------

def test_umearegionens_demo_grants_2021_follow_its_budget_and_the_room_holds(any_app):
    from finsam_saas.economy import demo as economy_demo
    from finsam_saas.insatser import demo

    app = any_app
    with in_tenant(app, TENANT_A):
        economy_demo.load_umearegionen()
        demo.load_umearegionen()
        db.session.commit()
        demo.load_umearegionen()  # idempotent
        db.session.commit()
        grants = {i.name: {g.year: g.amount for g in i.grants} for i in db.session.scalars(select(Insats))}
        assert grants["Ungdomstorget"] == {2021: 3_200_000} and grants["Vuxentorget"] == {2021: 2_625_000}
        assert grants["Våga växa"] == {}
        rooms = {y["year"]: y["room"] for y in economy.decision_room(2021, 2023, {})}
    # Seed 000: the room 894 → 792 → 783 tkr; a granted insats that is a budget line counts once.
    assert {year: round(room / 1000) for year, room in rooms.items()} == {2021: 894, 2022: 792, 2023: 783}
