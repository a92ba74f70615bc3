"""Every CSV and XLSX the product writes goes through platform.tables: a text that begins with
= + - @, a tab or a carriage return is written as text (OWASP's CSV injection), read back as
a spreadsheet would; numbers stay numbers, a negative amount too."""
import csv
import io
import re
from decimal import Decimal

from openpyxl import load_workbook

from finsam_saas.platform.tables import as_csv, as_xlsx, csv_cell, formula_like

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")']
HARMLESS = ["Framsteget", "1+1", "a=b", " =1", "", "Östhammar, Bryggan"]


def test_the_one_rule():
    assert all(formula_like(v) for v in DANGEROUS)
    assert not any(formula_like(v) for v in [*HARMLESS, -1500, -0.5, Decimal("-2"), None, 0])
    assert csv_cell("=1+1") == "'=1+1" and csv_cell(-1500) == -1500 and csv_cell("Bryggan") == "Bryggan"


def test_csv_writes_formula_texts_with_an_apostrophe_and_numbers_as_they_are():
    content = as_csv([["Text", "Belopp"], *[[v, -1500] for v in DANGEROUS + HARMLESS]])
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    for row, value in zip(rows[1:], DANGEROUS + HARMLESS):
        assert row == [("'" + value) if value in DANGEROUS else value, "-1500"]


def test_xlsx_holds_no_live_formula_and_numbers_as_numbers():
    content = as_xlsx([["Text", "Belopp"], *[[v, -1500] for v in DANGEROUS + HARMLESS], ["Decimal", Decimal("-2.50")],
                       ["Styrtecken\x01", None]], "Ett mycket långt namn på ett blad som Excel kortar")
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert len(sheet.title) <= 31
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    for row, value in zip(list(sheet.iter_rows())[1:], DANGEROUS + HARMLESS):
        text, amount = row
        # The very text, no apostrophe added (XML reads a carriage return back as a line feed).
        assert text.value == (value.replace("\r", "\n") or None)
        assert (amount.value, amount.data_type) == (-1500, "n")
        if value in DANGEROUS:
            assert text.data_type == "s" and text.quotePrefix
    last = list(sheet.iter_rows(values_only=True))[-2:]
    assert last == [("Decimal", -2.5), ("Styrtecken", None)]


# --- through every export the product serves (issue 18) ------------------------------------------

def test_the_only_csv_and_xlsx_answers_are_the_uppfoljning_finsam_export(app):
    """Every export the product makes: the one route that answers with a CSV or XLSX, found in the
    url map and in the code (a new export must be added to the test below)."""
    import re
    from pathlib import Path

    import finsam_saas

    routes = {rule.endpoint for rule in app.url_map.iter_rules()
              if re.search(r"\.(csv|xlsx)\b|<fmt>|export", rule.rule)}
    assert routes == {"economy.finsam_export"}
    writers = set()
    for path in Path(finsam_saas.__file__).parent.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if re.search(r"text/csv|spreadsheetml|csv\.writer|Workbook\(", source):
            writers.add(path.relative_to(Path(finsam_saas.__file__).parent).as_posix())
    # platform/tables.py writes them all; the export's view names the two formats.
    assert writers == {"platform/tables.py", "economy/export_views.py"}, writers


def _stored_dangerously(app):
    """Texts of every kind the export shows, stored as they are (a script, an old row, or the API
    before stripping): a budget line's name, an insats's name, inriktning and målgrupp, and the
    name of a booked outcome without a registered insats; each begins as a formula would."""
    from datetime import date

    from finsam_saas.economy import services as economy
    from finsam_saas.economy.models import LineOutcome
    from finsam_saas.extensions import db
    from finsam_saas.insatser import services as insatser

    from support import TENANT_A, in_tenant

    with in_tenant(app, TENANT_A):
        economy.put_budget(2021, [{"section": "income", "name": "Medlemsavgifter", "amount": 1_000_000},
                                  {"section": "insatser", "name": DANGEROUS[6], "amount": 1_500_000}], equity_start=0)
        insats = insatser.create_insats(name="Bryggan", owner="Umeå kommun", kind="individ", start=date(2021, 1, 1),
                                        end=date(2021, 12, 31), grants={"2021": 1000})
        insats.name, insats.focus, insats.target_group = DANGEROUS[3], DANGEROUS[4], DANGEROUS[5]
        db.session.add(LineOutcome(year=2021, section="insatser", name=DANGEROUS[1], amount=5))
        db.session.add(LineOutcome(year=2021, section="insatser", name=DANGEROUS[2], amount=6))
        db.session.add(LineOutcome(year=2021, section="insatser", name=DANGEROUS[0], amount=7))
        db.session.commit()


def test_the_finsam_export_writes_every_formula_start_as_text(any_app):
    from support import TENANT_A, login

    _stored_dangerously(any_app)
    client = any_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    xlsx = client.get(f"/t/{TENANT_A}/ekonomi/uppfoljning-finsam.xlsx?ar=2021")
    assert xlsx.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_text = {c.value: c for c in cells if isinstance(c.value, str)}
    for value in DANGEROUS:
        cell = by_text.get(value.replace("\r", "\n"))  # XML reads a carriage return back as a line feed
        assert cell is not None, (value, sorted(by_text))
        assert cell.data_type == "s" and cell.quotePrefix, value
    csv_text = client.get(f"/t/{TENANT_A}/ekonomi/uppfoljning-finsam.csv?ar=2021").data.decode("utf-8-sig")
    csv_cells = [cell for row in csv.reader(io.StringIO(csv_text), delimiter=";") for cell in row]
    for value in DANGEROUS:
        assert "'" + value in csv_cells and value not in csv_cells, value
    # No text of the CSV starts as a formula; a negative amount (the equity, −500 000 kr) stays a number.
    assert not [c for c in csv_cells if formula_like(c) and not re.fullmatch(r"-\d+", c)]
