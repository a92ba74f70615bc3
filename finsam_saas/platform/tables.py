"""Tables in and out: reading the rows of an uploaded CSV (any of ; , or tab; UTF-8 or
Windows-1252) or XLSX file, and writing an export as CSV or XLSX that no spreadsheet runs.

Every CSV or XLSX the product writes goes through `as_csv` / `as_xlsx` here, so that one rule
(`formula_like`, OWASP's "CSV injection") decides which cells could be taken for a formula: a
text that begins with = + - @, a tab or a carriage return. Such a text is written as text — in a
CSV with an apostrophe before it, in an XLSX as a string cell — and never as a live formula.
Numbers (int, float, Decimal) are written as numbers, a negative amount too.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from finsam_saas.platform.rules import InvalidInput

# What a spreadsheet may read as the start of a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def read_rows(content: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:
            raise InvalidInput(f"Filen kunde inte läsas som Excel: {error}", {"file": "inte XLSX"})
        return [["" if cell is None else str(cell).strip() for cell in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    first_line = text.splitlines()[0] if text.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=";,\t").delimiter
    except csv.Error:  # one column, or no text: nothing to sniff
        delimiter = ";"
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


# --- writing exports ------------------------------------------------------------------------

def formula_like(value) -> bool:
    """True for a text a spreadsheet could run as a formula: it begins with = + - @, a tab or a
    carriage return ("=HYPERLINK(…)", "-2+3", "@SUM(…)"). A number is never formula-like: −1 500
    as an int is an amount, and stays one."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """The one escaping of a CSV cell: a formula-like text gets an apostrophe before it (OWASP),
    which a spreadsheet shows as text; numbers, None and every other text are left as they are."""
    return "'" + value if formula_like(value) else value


def as_csv(rows: list[list], delimiter: str = ";") -> bytes:
    """Rows as a CSV for Swedish Excel: semicolons, UTF-8 with a BOM, every cell through `csv_cell`."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([[csv_cell(value) for value in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, Decimal):
        return float(value) if value % 1 else int(value)
    if isinstance(value, str):
        # Control characters XML cannot hold would make openpyxl refuse the whole file.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def as_xlsx(rows: list[list], title: str) -> bytes:
    """Rows as one sheet of an XLSX workbook. A formula-like text is stored as a string cell
    (data type "s", shown with Excel's text prefix), so no cell holds a live formula; numbers stay
    numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit for a sheet's name
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
