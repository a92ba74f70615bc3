"""Every CSV and XLSX the product writes goes through platform.tables: a text that begins with
= + - @, a tab or a carriage return is written as text (OWASP's CSV injection), read back as
a spreadsheet would; numbers stay numbers, a negative amount too."""
import csv
import io
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
