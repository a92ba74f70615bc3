"""Reading the rows of an uploaded CSV (any of ; , or tab; UTF-8 or Windows-1252) or XLSX file."""
from __future__ import annotations

import csv
import io

from finsam_saas.platform.rules import InvalidInput


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
