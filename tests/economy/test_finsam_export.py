"""The yearly export for Uppföljning Finsam, from the förbund's own data only: per insats the
budget from the budget's line of its name and the outcome from the bookkeeping (the grant and the
insats's own spend report where there is none), its budgeted participants, inriktning and
målgrupp; no cell a live formula; on SQLite and PostgreSQL, never another förbund's figures."""
import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from finsam_saas.economy import outcome, services as economy
from finsam_saas.economy.demo import UMEA_LINES, load_umearegionen, load_uppsala
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.insatser.demo import load_umearegionen as load_umea_insatser, load_uppsala as load_insatser
from finsam_saas.insatser.models import Insats

from support import TENANT_A, TENANT_B, in_tenant, login


def test_export_holds_funds_equity_and_insatser(app):
    app.test_cli_runner().invoke(args=["users", "grant", "kansli.a@test.se", "uppsala-lan", "kansli"])
    with in_tenant(app, "uppsala-lan"):
        load_uppsala()
        load_insatser()
        db.session.commit()
    client = app.test_client()
    login(client, "kansli.a@test.se")
    answer = client.get("/t/uppsala-lan/ekonomi/uppfoljning-finsam.xlsx?ar=2021")
    assert answer.status_code == 200
    rows = [list(r) for r in load_workbook(io.BytesIO(answer.data)).active.iter_rows(values_only=True)]
    assert rows[1][:3] == ["Tilldelade medel", None, 23_090_000]
    framsteget = next(r for r in rows if r[1] == "Håbo, Framsteget")
    assert framsteget[2:4] == [2_460_000, 1_219_000]
    csv_text = client.get("/t/uppsala-lan/ekonomi/uppfoljning-finsam.csv?ar=2021").data.decode("utf-8-sig")
    assert "Östhammar, Bryggan;1627000;865000" in csv_text
    assert client.get("/t/umearegionen/ekonomi/uppfoljning-finsam.csv?ar=2021").data.decode("utf-8-sig").count("Bryggan") == 0


# --- per insats from the budget's lines and the bookkeeping (issue 16) ----------------------

COLUMNS = ["Uppgift", "Insats", "Budget (kr)", "Utfall (kr)", "Kvinnor", "Män", "Totalt", "Planerade deltagare",
           "Inriktning", "Målgrupp", "Budget enligt", "Utfall enligt"]


def _export(app, email: str, tenant: str, year: int = 2021) -> tuple[list, list, list]:
    """The export as a user downloads it: XLSX rows as values, the XLSX cells, and the CSV rows."""
    client = app.test_client()
    login(client, email)
    xlsx = client.get(f"/t/{tenant}/ekonomi/uppfoljning-finsam.xlsx?ar={year}")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    text = client.get(f"/t/{tenant}/ekonomi/uppfoljning-finsam.csv?ar={year}").data.decode("utf-8-sig")
    return ([[c.value for c in row] for row in sheet.iter_rows()], [c for row in sheet.iter_rows() for c in row],
            list(csv.reader(io.StringIO(text), delimiter=";")))


def _by_name(rows: list, name: str) -> dict:
    found = [r for r in rows if r[1] == name]
    assert len(found) == 1, (name, found)
    return dict(zip(COLUMNS, found[0]))


def test_ungdomstorget_2021_takes_budget_and_outcome_from_the_budget_line_and_the_bookkeeping(any_app):
    with in_tenant(any_app, TENANT_A):
        load_umearegionen()  # the budget 2021 of seed 000: Ungdomstorget 3 200 tkr
        load_umea_insatser()
        ungdomstorget = db.session.scalar(select(Insats).where(Insats.name == "Ungdomstorget"))
        insatser.update_insats(ungdomstorget, focus="Arbetslivsinriktad rehabilitering", planned_participants=340,
                               target_group="Unga 16–29 år")
        insatser.report_spend(ungdomstorget, 2021, through=date(2021, 6, 30), amount=1_500_000)
        # An insats with a grant and no budget line of its name, and its own spend report.
        framsteget = insatser.create_insats(name="Framsteget", owner="Umeå kommun", kind="individ",
                                            start=date(2021, 1, 1), end=date(2021, 12, 31), grants={"2021": 800_000})
        insatser.report_spend(framsteget, 2021, through=date(2021, 6, 30), amount=350_000)
        outcome.import_outcome(2021, "Sektion;Rad;Utfall\ninsatser;Ungdomstorget;3 150 000\n".encode(), "utfall.csv")
        db.session.commit()
    rows, _, csv_rows = _export(any_app, "kansli.a@test.se", TENANT_A)
    assert rows[0] == COLUMNS and csv_rows[0] == COLUMNS
    # Every cost of the budget has its row: the verksamhetsnära costs of seed 000's 2021 are 485 tkr.
    operations = next(r for r in rows if r[0] == "Verksamhetsnära kostnader")
    administration = next(r for r in rows if r[0] == "Administration (styrelse och kansli)")
    assert (operations[2], administration[2]) == (485_000, 2_520_000)
    row = _by_name(rows, "Ungdomstorget")
    assert (row["Budget (kr)"], row["Utfall (kr)"]) == (3_200_000, 3_150_000)  # not the grant 0, not the spend
    assert (row["Budget enligt"], row["Utfall enligt"]) == ("budgetrad", "bokföring")
    assert (row["Planerade deltagare"], row["Inriktning"], row["Målgrupp"]) == (340, "Arbetslivsinriktad rehabilitering",
                                                                              "Unga 16–29 år")
    row = _by_name(rows, "Framsteget")
    assert (row["Budget (kr)"], row["Utfall (kr)"], row["Budget enligt"], row["Utfall enligt"]) == (
        800_000, 350_000, "beviljat belopp", "rapporterat t.o.m. 2021-06-30")
    assert row["Planerade deltagare"] is None and row["Inriktning"] is None  # empty cells, not 0
    # The budget's other insatser lines are there too, so the export holds the whole budget.
    row = _by_name(rows, "Vuxentorget")
    assert (row["Budget (kr)"], row["Budget enligt"]) == (2_625_000, "budgetrad")
    assert _by_name(rows, "Vännäs")["Budget enligt"] == "budgetrad (ingen registrerad insats)"
    insats_rows = [r for r in rows if r[0] == "Insats"]
    lines = sum(amount for section, _, amount, *_ in UMEA_LINES if section == "insatser") * 1000
    assert sum(r[2] for r in insats_rows if r[10].startswith("budgetrad")) == lines
    assert "Ungdomstorget;3200000;3150000" in ";".join(csv_rows[[r[1] for r in csv_rows].index("Ungdomstorget")])


# What a user can type into the texts the export shows (names and texts are stripped, so a leading tab or
# carriage return cannot reach it; platform tables' own test covers those).
DANGEROUS = ['=HYPERLINK("http://example.com","Klicka")', "+SUM(A1:A9)", "-2+3", "@SUM(1+1)", "=1+1", "-Inriktning"]


def test_a_text_that_looks_like_a_formula_is_text_and_a_negative_amount_a_number(any_app):
    with in_tenant(any_app, TENANT_A):
        # Costs over income from an equity of 0: the year ends at −500 000 kr, a real negative amount.
        economy.put_budget(2021, [{"section": "income", "name": "Medlemsavgifter", "amount": 1_000_000},
                                  {"section": "insatser", "name": DANGEROUS[0], "amount": 1_500_000}], equity_start=0)
        insatser.create_insats(name=DANGEROUS[1], owner="Umeå kommun", kind="individ", start=date(2021, 1, 1),
                               end=date(2021, 12, 31), focus=DANGEROUS[2], target_group=DANGEROUS[3],
                               grants={"2021": 1000})
        insatser.create_insats(name=DANGEROUS[4], owner="Umeå kommun", kind="struktur", start=date(2021, 1, 1),
                               end=date(2021, 12, 31), focus=DANGEROUS[5])
        db.session.commit()
    rows, cells, csv_rows = _export(any_app, "kansli.a@test.se", TENANT_A)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    for value in DANGEROUS:
        assert value in texts, value  # the very text, as a string cell
        assert texts[value].data_type == "s"
    equity = next(r for r in rows if r[0] == "Eget kapital vid årets slut")
    equity_cell = next(c for c in cells if c.row == rows.index(equity) + 1 and c.column == 3)
    assert (equity_cell.value, equity_cell.data_type) == (-500_000, "n")
    csv_cells = [cell for row in csv_rows for cell in row]
    for value in DANGEROUS:
        assert "'" + value in csv_cells and value not in csv_cells, value
    assert next(r for r in csv_rows if r[0] == "Eget kapital vid årets slut")[2] == "-500000"  # a number, no apostrophe


def test_the_export_of_a_never_shows_b(any_app):
    """Both förbund run an insats of the same name with their own budget line and bookkeeping."""
    for tenant, budget, booked, marker in ((TENANT_A, 3_200_000, 3_150_000, "AAA"), (TENANT_B, 9_999_000, 8_888_000, "BBB")):
        with in_tenant(any_app, tenant):
            economy.put_budget(2021, [{"section": "income", "name": "Medlemsavgifter", "amount": 10_000_000},
                                      {"section": "insatser", "name": "Ungdomstorget", "amount": budget},
                                      {"section": "insatser", "name": f"MARKÖR-{marker} rad", "amount": 1}],
                               equity_start=0)
            insatser.create_insats(name="Ungdomstorget", owner="Försäkringskassan", kind="individ",
                                   start=date(2021, 1, 1), end=date(2021, 12, 31), focus=f"MARKÖR-{marker} inriktning",
                                   planned_participants=budget // 1000)
            insatser.create_insats(name=f"MARKÖR-{marker} insats", owner="Försäkringskassan", kind="individ",
                                   start=date(2021, 1, 1), end=date(2021, 12, 31), grants={"2021": 5})
            outcome.import_outcome(2021, f"Sektion;Rad;Utfall\ninsatser;Ungdomstorget;{booked}\n"
                                         f"insatser;MARKÖR-{marker} bokförd;7\n".encode(), "utfall.csv")
            db.session.commit()
    rows, _, csv_rows = _export(any_app, "kansli.a@test.se", TENANT_A)
    row = _by_name(rows, "Ungdomstorget")
    assert (row["Budget (kr)"], row["Utfall (kr)"], row["Planerade deltagare"], row["Inriktning"]) == (
        3_200_000, 3_150_000, 3200, "MARKÖR-AAA inriktning")
    shown = repr(rows) + repr(csv_rows)
    assert "MARKÖR-AAA rad" in shown and "MARKÖR-AAA insats" in shown and "MARKÖR-AAA bokförd" in shown
    assert "BBB" not in shown and "9999000" not in shown and "8888000" not in shown
    # B's own user sees B's figures; A's user asking for B's export gets nothing of it.
    rows_b, _, _ = _export(any_app, "kansli.b@test.se", TENANT_B)
    assert _by_name(rows_b, "Ungdomstorget")["Budget (kr)"] == 9_999_000 and "AAA" not in repr(rows_b)
    client = any_app.test_client()
    login(client, "kansli.a@test.se")
    for fmt in ("csv", "xlsx"):
        answer = client.get(f"/t/{TENANT_B}/ekonomi/uppfoljning-finsam.{fmt}?ar=2021")
        assert answer.status_code == 404 and b"BBB" not in answer.data
