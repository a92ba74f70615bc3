"""Tables in and out: reading the rows of an uploaded CSV (any of ; , or tab; UTF-8, UTF-16 with
its mark, or Windows-1252) or XLSX file, and writing an export as CSV or XLSX that no spreadsheet runs.

Reading is bounded before anything is parsed: a file larger than IMPORT_MAX_BYTES (5 MB), an
XLSX that unpacks to more than IMPORT_MAX_UNPACKED_BYTES, more than IMPORT_MAX_ROWS rows (20 000,
counted while the rows stream from openpyxl's read-only reader or the CSV reader), more than
IMPORT_MAX_COLUMNS columns or IMPORT_MAX_CELLS cells is refused, each a setting of the app's config
with these defaults. Every refusal is an InvalidInput whose Swedish message names the file and,
for a cell, its row and column; a cell holding a control character (NUL, which PostgreSQL cannot
store, and the rest of C0 but tab and line breaks) is refused by its row and column, and a cell
quoted in a message is shown through `shown`, so that no message holds a character a database
refuses. An XLSX number that is none (1e400 reads as infinity, NaN) is refused by its row and column,
and so is a numeric cell openpyxl cannot read ("NaN", "INF" in the sheet's XML). `import_errors(filename)` wraps an import job so that every refusal names the file.

Every CSV or XLSX the product writes goes through `as_csv` / `as_xlsx` here, so that one rule
(`formula_like`, OWASP's "CSV injection") decides which cells could be taken for a formula: a
text that begins with = + - @, a tab or a carriage return. Such a text is written as text — in a
CSV with an apostrophe before it, in an XLSX as a string cell — and never as a live formula.
Numbers (int, float, Decimal) are written as numbers, a negative amount too.
"""
from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from contextlib import contextmanager
from decimal import Decimal

from flask import current_app, has_app_context

from finsam_saas.platform.rules import DomainError, InvalidInput

# What a spreadsheet may read as the start of a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The bounds of an import, each overridable in the app's config under the same name.
IMPORT_LIMITS = {
    "IMPORT_MAX_BYTES": 5 * 1024 * 1024,
    "IMPORT_MAX_UNPACKED_BYTES": 60 * 1024 * 1024,  # all parts of an XLSX, as its zip directory states them
    "IMPORT_MAX_ROWS": 20_000,
    "IMPORT_MAX_COLUMNS": 200,
    "IMPORT_MAX_CELLS": 1_000_000,
}
# Characters no cell may hold: C0 controls but tab, line feed and carriage return (NUL among
# them, which PostgreSQL cannot store in text), DEL, and lone surrogates.
_REFUSED_IN_CELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# What a message shows instead of an invisible or refused character.
_NOT_SHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
BINARY_MAGIC = {
    b"\xd0\xcf\x11\xe0": "en äldre Excel-fil (.xls) eller ett annat Office-dokument",
    b"%PDF-": "en PDF-fil",
    b"MZ": "ett program",
    b"\x89PNG": "en bild",
    b"\xff\xd8\xff": "en bild",
    b"\x1f\x8b": "en komprimerad fil",
    b"7z\xbc\xaf": "en komprimerad fil",
    b"Rar!": "en komprimerad fil",
}


def import_limit(name: str) -> int:
    """The bound `name` of IMPORT_LIMITS: the app's config when it sets one, else the default."""
    if has_app_context() and current_app.config.get(name) is not None:
        return int(current_app.config[name])
    return IMPORT_LIMITS[name]


def shown(value, limit: int = 60) -> str:
    """A cell's text as a message may quote it: every control, direction or other invisible
    character (NUL among them) as a visible "<U+0000>", and cut to `limit` characters with "…"."""
    text = "" if value is None else str(value)
    cut = len(text) > limit
    text = _NOT_SHOWN.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text[:limit])
    return text + ("…" if cut else "")


def column_letter(index: int) -> str:
    """The spreadsheet's name of a column from its index (0 → "A", 26 → "AA")."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:  # a small bound of a setting: "högst 2 kB", not "högst 0 MB"
        return f"{max(1, (size + 512) // 1024)} kB"  # to the nearest kB, half up
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0") + " MB"


def check_import_size(content: bytes, filename: str) -> None:
    """Refuse a file larger than IMPORT_MAX_BYTES, before it is stored or read (InvalidInput)."""
    largest = import_limit("IMPORT_MAX_BYTES")
    if len(content) > largest:
        raise InvalidInput(f"Filen \"{shown(filename)}\" är för stor: en import får vara högst {_megabytes(largest)}.",
                           {"file": "för stor"})


def read_rows(content: bytes, filename: str) -> list[list[str]]:
    """The rows of a CSV or XLSX file, each a list of its cells as stripped text ("" for an empty
    cell; a number as Python writes it, 3150000 or 1738000.5). An XLSX is known by what it is (a zip
    file), whatever its name; anything else named .xlsx is refused. Raises InvalidInput naming the
    file (and the row and column of a cell) for a file too large, not readable, with too many rows,
    columns or cells, or with a cell holding a control character."""
    check_import_size(content, filename)
    if content.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(content, filename)
    elif filename.lower().endswith(".xlsx"):
        raise InvalidInput(f"Filen \"{shown(filename)}\" kunde inte läsas som Excel: den är ingen XLSX-fil. "
                           "Spara den som Excel-arbetsbok (.xlsx) eller CSV och försök igen.", {"file": "inte XLSX"})
    else:
        rows = _csv_rows(_decode(content, filename), filename)
    return _checked(rows, filename)


class _Counter:
    """Counts rows and cells as they stream, and refuses past the bounds."""

    def __init__(self, filename: str):
        self.filename = filename
        self.rows = self.filled = self.cells = 0
        self.max_rows = import_limit("IMPORT_MAX_ROWS")
        self.max_columns = import_limit("IMPORT_MAX_COLUMNS")
        self.max_cells = import_limit("IMPORT_MAX_CELLS")

    def take(self, row: list) -> list:
        while row and (row[-1] is None or row[-1] == ""):
            row = row[:-1]
        self.rows += 1
        if row:
            self.filled += 1
        name = shown(self.filename)
        # Empty rows cost nothing to keep but time to stream: a bound of their own.
        if self.filled > self.max_rows or self.rows > 5 * self.max_rows:
            raise InvalidInput(f"Filen \"{name}\" har fler än {_grouped(self.max_rows)} rader; en import får ha högst "
                               f"{_grouped(self.max_rows)} rader. Dela upp filen.", {"file": "för många rader"})
        if len(row) > self.max_columns:
            raise InvalidInput(f"Filen \"{name}\", rad {self.rows}: raden har {len(row)} kolumner (till kolumn "
                               f"{column_letter(len(row) - 1)}); en import får ha högst {self.max_columns}.",
                               {"file": f"rad {self.rows}"})
        self.cells += len(row)
        if self.cells > self.max_cells:
            raise InvalidInput(f"Filen \"{name}\" har fler än {_grouped(self.max_cells)} celler; en import får ha högst "
                               f"{_grouped(self.max_cells)}. Dela upp filen.", {"file": "för många celler"})
        return row


def _xlsx_rows(content: bytes, filename: str) -> list[list]:
    from openpyxl import load_workbook

    name = shown(filename)
    refused = InvalidInput(f"Filen \"{name}\" kunde inte läsas som Excel: den är skadad eller ingen XLSX-fil. Spara "
                           "den som Excel-arbetsbok (.xlsx) eller CSV och försök igen.", {"file": "inte XLSX"})
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise refused from None
    if len(parts) > 10_000 or sum(p.file_size for p in parts) > import_limit("IMPORT_MAX_UNPACKED_BYTES"):
        raise InvalidInput(f"Filen \"{name}\" packas upp till mer än {_megabytes(import_limit('IMPORT_MAX_UNPACKED_BYTES'))}; "
                           "en import får inte vara så stor. Dela upp filen.", {"file": "för stor"})
    counter, rows, sheet_path = _Counter(filename), [], None
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.active
            sheet_path = getattr(sheet, "_worksheet_path", None)
            # The sheet's stated size may be wrong or huge: read the rows as they are.
            sheet.reset_dimensions()
            for row in sheet.iter_rows(values_only=True):
                rows.append(counter.take(list(row)))
        finally:
            book.close()
    except DomainError:
        raise
    except Exception:  # openpyxl's and the XML parser's errors for a broken workbook
        bad = _unreadable_number(content, sheet_path, rows[0] if rows else None) if sheet_path else None
        if bad is not None:
            where, value = bad
            raise InvalidInput(f"Filen \"{name}\", {where}: cellen är ett tal som inte går att läsa (\"{shown(value)}\"). "
                               "Skriv ett tal eller en text i cellen och försök igen.",
                               {"file": where.split(" (")[0]}) from None
        raise refused from None
    return rows


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _unreadable_number(content: bytes, sheet_path: str, header: list | None) -> tuple[str, str] | None:
    """Where openpyxl stopped reading a sheet: the first numeric cell whose value is no number
    openpyxl reads ("NaN", "INF", "12,5"), as (cell_name, its text); None when no such cell is found
    (the workbook is broken some other way)."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
    from openpyxl.worksheet._reader import _cast_number

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(sheet_path.lstrip("/")) as source:
            number = 0
            for _, element in iterparse(source):
                if element.tag != _SHEET_NS + "row":
                    continue
                number = int(element.get("r") or number + 1)
                for position, cell in enumerate(element.iter(_SHEET_NS + "c")):
                    value = cell.findtext(_SHEET_NS + "v")
                    if cell.get("t", "n") != "n" or value is None:
                        continue
                    try:
                        _cast_number(value)
                    except ValueError:
                        index = (column_index_from_string(coordinate_from_string(cell.get("r"))[0]) - 1
                                 if cell.get("r") else position)
                        return cell_name(number, index, header), value
                element.clear()
    except Exception:  # a sheet that does not even parse as XML: no cell to name
        return None
    return None


def _decode(content: bytes, filename: str) -> str:
    name = shown(filename)
    for magic, what in BINARY_MAGIC.items():
        if content.startswith(magic):
            raise InvalidInput(f"Filen \"{name}\" är inte en CSV-fil i UTF-8 eller Windows-1252: den ser ut att vara "
                               f"{what}. Spara tabellen som CSV eller Excel-arbetsbok (.xlsx) och försök igen.",
                               {"file": "inte CSV"})
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise InvalidInput(f"Filen \"{name}\" är inte en CSV-fil i UTF-8 eller Windows-1252: rad {line} har ett tecken "
                           f"som inte går att läsa (byte 0x{content[error.start]:02X}). Spara tabellen som \"CSV UTF-8\" "
                           "eller Excel-arbetsbok (.xlsx) och försök igen.", {"file": "inte CSV"}) from None


def _csv_rows(text: str, filename: str) -> list[list]:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0][:4096] if text.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=";,\t").delimiter
    except csv.Error:  # one column, or no text: nothing to sniff
        delimiter = ";"
    counter, rows = _Counter(filename), []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(counter.take(row))
    except csv.Error:
        raise InvalidInput(f"Filen \"{shown(filename)}\", rad {reader.line_num}: raden går inte att läsa som CSV (ett "
                           "citattecken som aldrig stängs, eller en cell på mer än 128 000 tecken).",
                           {"file": f"rad {reader.line_num}"}) from None
    return rows


def _checked(rows: list[list], filename: str) -> list[list[str]]:
    header = rows[0] if rows else []
    result = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, float) and not math.isfinite(value):
                # An XLSX number beyond a double (1e400 reads as infinity) or NaN: no figure at all.
                raise InvalidInput(f"Filen \"{shown(filename)}\", {cell_name(number, index, header)}: talet i cellen är "
                                   "för stort eller inget tal. Skriv ett tal och försök igen.",
                                   {"file": f"rad {number}, kolumn {column_letter(index)}"})
            text = "" if value is None else str(value).strip()
            bad = _REFUSED_IN_CELL.search(text)
            if bad:
                raise InvalidInput(f"Filen \"{shown(filename)}\", {cell_name(number, index, header)}: cellen innehåller "
                                   f"ett styrtecken ({shown(bad.group(0))}) som inte kan sparas. Ta bort det och "
                                   "försök igen.", {"file": f"rad {number}, kolumn {column_letter(index)}"})
            cells.append(text)
        result.append(cells)
    return result


def cell_name(number: int, index: int, header: list | None = None) -> str:
    """"rad 3, kolumn B ("Rad")": a cell by its row number (from 1), its column's letter and, below
    the first row, the column's heading when it has one."""
    title = header[index] if header and number > 1 and index < len(header) else None
    title = "" if title is None else str(title).strip()
    heading = f" (\"{shown(title, 40)}\")" if title and not _REFUSED_IN_CELL.search(title) else ""
    return f"rad {number}, kolumn {column_letter(index)}{heading}"


def _named(message: str, filename: str) -> str:
    name = shown(filename)
    if f"\"{name}\"" in message:
        return message
    if message.startswith("Filen "):
        return f"Filen \"{name}\" " + message.removeprefix("Filen ")
    return f"Filen \"{name}\": {message}"


@contextmanager
def import_errors(filename: str, *, name_the_file: bool = True):
    """Around the reading and saving of an imported file in a job: every refusal (DomainError) is
    raised again with a message that names the file (unless `name_the_file` is false: the SIE import
    names its lines its own way) and holds no character a database refuses, so the job can store it;
    an arithmetic or codec fault in a parser becomes a Swedish refusal of the file instead of a stack
    trace."""
    def message(text: str) -> str:
        return shown(_named(text, filename) if name_the_file else text, 2000)

    try:
        yield
    except InvalidInput as error:
        raise InvalidInput(message(error.message), error.fields) from error
    except DomainError as error:
        error.message = message(error.message)
        error.args = (error.message,)
        raise
    except (ArithmeticError, UnicodeError, csv.Error) as error:
        raise InvalidInput(f"Filen \"{shown(filename)}\" kunde inte läsas: ett värde i den går inte att tolka som "
                           "text eller tal.", {"file": "oläslig"}) from error


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
