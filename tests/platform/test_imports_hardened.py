"""Every import at its edges (issue 18), on SQLite and PostgreSQL, through the pages as a user
posts the file: the bookkeeping's outcome (CSV and XLSX), SIE 4, the insatser's outcomes and SCB's
helårsekvivalenter.

- An amount 1e400, NaN or Infinity is a Swedish error naming the row and column (was a 500,
  OverflowError), in a CSV cell and as an XLSX number.
- A NUL byte in a CSV cell fails the job with a stored Swedish error naming the row and column,
  tried once (was: the error could not be stored on PostgreSQL, the job was retried and ended as
  "Arbetsprocessen avbröts…"); on a real rq worker too.
- Binary junk as a CSV file is refused in Swedish, never with the codec's English.
- Every import runs as a job, with a row cap (IMPORT_MAX_ROWS) and a size cap (IMPORT_MAX_BYTES):
  a 400 000-row XLSX is refused by the job, and the request only stores it and redirects.
"""
from __future__ import annotations

import html
import importlib.util
import io
import os
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from finsam_saas.economy.models import BookkeepingImport, LineOutcome
from finsam_saas.extensions import db
from finsam_saas.insatser.models import Outcome
from finsam_saas.platform.jobs import ABANDONED, UNEXPECTED
from finsam_saas.platform.models import Job
from finsam_saas.analysis.models import Helarsekvivalent

from support import PROJECT, TENANT_A, in_tenant, login

A = f"/t/{TENANT_A}"
TESTS = Path(__file__).resolve().parent.parent


def _sie_sample() -> str:
    spec = importlib.util.spec_from_file_location("sie_sample", TESTS / "economy" / "test_sie.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.UPPSALA_2021


UPPSALA = _sie_sample()
INSATS_HEADER = ["Insats", "Period", "Kön", "Deltagare", "Nya", "Avslutade", "Arbete", "Studier",
                 "Annan behovsanpassad lösning", "Övriga avbrott", "Kvar"]


class Import:
    """One import: its page, a good file as rows, and where in it an amount goes."""

    def __init__(self, name, url, rows, row, column, heading, table, fields=None):
        self.name, self.url, self.rows, self.row, self.column, self.heading = name, url, rows, row, column, heading
        self.table, self.fields = table, fields or {}

    def with_cell(self, value) -> list[list]:
        rows = [list(r) for r in self.rows]
        rows[self.row - 1][self.column] = value
        return rows


IMPORTS = {
    "utfall": Import("utfall", f"{A}/ekonomi/utfall?ar=2021",
                     [["Sektion", "Rad", "Utfall"], ["Kansli", "Kanslipersonal", "1000"], ["Kansli", "Lokalhyra", "500"]],
                     3, 2, "Utfall", LineOutcome),
    "insatser": Import("insatser", f"{A}/insatser/import",
                       [INSATS_HEADER, ["Ungdomstorget", "2017", "Kvinnor", "157", "57", "65", "15", "16", "12", "22", "92"],
                        ["Ungdomstorget", "2017", "Män", "179", "63", "92", "40", "14", "17", "21", "87"]],
                       3, 4, "Nya", Outcome),
    "helårsekvivalenter": Import("helårsekvivalenter", f"{A}/analys/helarsekvivalenter",
                                 [["region", "ersättningsform", "2019H1", "2019H2"],
                                  ["2480 Umeå", "Sjukpenning", "1 000,5", "2,5"],
                                  ["2480 Umeå", "Ekonomiskt bistånd", "900,0", "880,0"]],
                                 3, 3, "2019H2", Helarsekvivalent),
}
LETTERS = "ABCDEFGHIJKL"


def _csv(rows) -> bytes:
    return "\n".join(";".join(r) for r in rows).encode()


def _xlsx(rows, numbers: dict[str, str] | None = None) -> bytes:
    """An XLSX of `rows`; `numbers` puts a raw number ("1e400", "NaN") as a numeric cell's value in
    the sheet's XML, as a spreadsheet program or an attacker can write it."""
    book = Workbook()
    placeholders = {}
    for r, row in enumerate(rows):
        values = []
        for c, value in enumerate(row):
            if numbers and value in numbers:
                placeholders[value] = 900_000_000 + len(placeholders)
                values.append(placeholders[value])
            else:
                values.append(int(value) if value.isdigit() else value)
        book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    if not placeholders:
        return buffer.getvalue()
    return _rewrite_sheet(buffer.getvalue(), lambda xml: _put_numbers(xml, placeholders, numbers))


def _put_numbers(xml: str, placeholders: dict, numbers: dict) -> str:
    for value, placeholder in placeholders.items():
        assert f"<v>{placeholder}</v>" in xml
        xml = xml.replace(f"<v>{placeholder}</v>", f"<v>{numbers[value]}</v>")
    return xml


def _rewrite_sheet(content: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            target.writestr(item.filename, data)
    return out.getvalue()


@pytest.fixture
def kansli(any_app):
    client = any_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    with in_tenant(any_app, TENANT_A):
        from datetime import date

        from finsam_saas.insatser import services as insatser

        insatser.create_insats(name="Ungdomstorget", owner="Umeå kommun", kind="individ", start=date(2017, 1, 1),
                               end=date(2021, 12, 31))
        db.session.commit()
    return client


def _post(client, url, content: bytes, filename: str, fields=None):
    return client.post(url, data={**(fields or {}), "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def _job(app, answer) -> Job:
    """The job the upload started (its page is where the answer redirects)."""
    assert answer.status_code in (302, 303), answer.status_code
    found = re.search(r"/jobb/(\d+)", answer.headers["Location"])
    assert found, answer.headers["Location"]
    with in_tenant(app, TENANT_A):
        job = db.session.get(Job, int(found.group(1)))
        db.session.expunge(job)
    return job


def _count(app, table) -> int:
    with in_tenant(app, TENANT_A):
        return db.session.scalar(select(func.count()).select_from(table))


def _refused(app, client, url, content, filename, fields=None) -> str:
    """Post the file; the job must have failed once with a Swedish reason of its own: return it."""
    job = _job(app, _post(client, url, content, filename, fields))
    assert job.state == "failed", (job.state, job.result)
    assert job.attempts == 1
    assert job.error and job.error not in (UNEXPECTED, ABANDONED) and "\x00" not in job.error, job.error
    page = html.unescape(client.get(f"{A}/jobb/{job.id}").get_data(as_text=True))
    assert job.error in page  # the page shows what is stored
    return job.error


ENGLISH = ("codec", "decode", "position", "invalid", "Error", "overflow", "could not convert", "nan", "inf")


def _swedish(message: str) -> None:
    assert not [word for word in ENGLISH if re.search(rf"\b{word}\b", message)], message


# --- 1e400, NaN, Infinity -----------------------------------------------------------------------

IMPOSSIBLE = ["1e400", "-1e400", "NaN", "Infinity", "-inf", "1E+999"]


@pytest.mark.parametrize("kind", IMPORTS)
def test_an_impossible_amount_in_a_csv_names_its_row_and_column(any_app, kansli, kind):
    spec = IMPORTS[kind]
    for value in IMPOSSIBLE:
        error = _refused(any_app, kansli, spec.url, _csv(spec.with_cell(value)), f"{kind}.csv")
        assert re.search(rf"[Rr]ad {spec.row}, kolumn \"?{spec.heading}\"?", error), error
        assert f"\"{value}\"" in error, error
        assert _count(any_app, spec.table) == 0  # nothing half-imported


@pytest.mark.parametrize("kind", IMPORTS)
def test_an_impossible_number_in_an_xlsx_names_its_row_and_column(any_app, kansli, kind):
    spec = IMPORTS[kind]
    for raw in ("1e400", "-1E+999", "NaN", "INF", "Infinity"):
        content = _xlsx(spec.with_cell("BAD"), numbers={"BAD": raw})
        error = _refused(any_app, kansli, spec.url, content, f"{kind}.xlsx")
        # "Rad 3, kolumn "Utfall"" from the import, or "rad 3, kolumn C ("Utfall")" where the file stops being read.
        assert (re.search(rf"Rad {spec.row}, kolumn \"?{spec.heading}\"?", error)
                or f"rad {spec.row}, kolumn {LETTERS[spec.column]} (\"{spec.heading}\")" in error), (raw, error)
        _swedish(error.replace("\"inf\"", "").replace("\"nan\"", ""))
        assert _count(any_app, spec.table) == 0


def test_an_impossible_amount_in_a_sie_file_names_its_line(any_app, kansli):
    for value in IMPOSSIBLE:
        text = UPPSALA.replace("#TRANS 4530 {} 865078.00", f"#TRANS 4530 {{}} {value}")
        assert text != UPPSALA
        line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.strip().startswith("#TRANS 4530"))
        error = _refused(any_app, kansli, f"{A}/ekonomi/bokforing?ar=2021", text.replace("\n", "\r\n").encode("cp437"),
                         "uppsala.se", {"year": "2021", "through": "2021-06-30"})
        assert f"Rad {line}: \"{value}\" är inget belopp" in error, error
    text = UPPSALA.replace("#IB 0 1930 3544683.00", "#IB 0 1930 1e400")
    error = _refused(any_app, kansli, f"{A}/ekonomi/bokforing?ar=2021", text.encode("cp437"), "uppsala.se",
                     {"year": "2021", "through": "2021-06-30"})
    assert "\"1e400\" är inget belopp" in error
    assert _count(any_app, BookkeepingImport) == 0 and _count(any_app, LineOutcome) == 0


# --- a NUL byte in a cell -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", IMPORTS)
def test_a_nul_byte_in_a_csv_cell_fails_the_job_with_a_stored_reason(any_app, kansli, kind):
    spec = IMPORTS[kind]
    for row, column in ((2, 1), (spec.row, spec.column)):
        rows = [list(r) for r in spec.rows]
        rows[row - 1][column] = rows[row - 1][column][:2] + "\x00" + rows[row - 1][column][2:]
        error = _refused(any_app, kansli, spec.url, _csv(rows), f"{kind}.csv")
        heading = spec.rows[0][column]
        assert f"rad {row}, kolumn {LETTERS[column]} (\"{heading}\")" in error, error
        assert "styrtecken (<U+0000>)" in error and f"Filen \"{kind}.csv\"" in error, error
    assert _count(any_app, spec.table) == 0


def test_a_nul_byte_in_a_sie_file_is_a_stored_reason(any_app, kansli):
    for old, new in (("#TRANS 4530 {} 865078.00", "#TRANS 4530 {} 8650\x0078.00"),
                     ('#KONTO 4530 "Bryggan, Östhammar"', '#KONTO 4530 "Bryggan,\x00 Östhammar"'),
                     ('#FNAMN "Samordningsförbundet Uppsala län"', '#FNAMN "Samordnings\x00förbundet"')):
        text = UPPSALA.replace(old, new)
        assert text != UPPSALA
        error = _refused(any_app, kansli, f"{A}/ekonomi/bokforing?ar=2021", text.encode("cp437"), "uppsala.se",
                         {"year": "2021", "through": "2021-06-30"})
        line = next(n for n, row in enumerate(text.splitlines(), start=1) if "\x00" in row)
        assert f"Rad {line}" in error and "<U+0000>" in error, error
    assert _count(any_app, BookkeepingImport) == 0


def _worker(app, redis_url):
    env = dict(os.environ)
    env.update({"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_url,
                "RQ_QUEUE": app.config["RQ_QUEUE"], "FILES_DIR": str(app.config["FILES_DIR"]),
                "TENANTS_DIR": str(app.config["TENANTS_DIR"]), "PYTHONPATH": os.pathsep.join([str(TESTS), str(PROJECT)])})
    if app.config.get("MIGRATION_DATABASE_URL"):
        env["MIGRATION_DATABASE_URL"] = app.config["MIGRATION_DATABASE_URL"]
    return subprocess.run([sys.executable, "-m", "flask", "--app", "finsam_saas", "worker", "--burst"], env=env,
                          cwd=PROJECT, capture_output=True, text=True, timeout=300)


def test_a_nul_byte_fails_the_job_once_on_a_real_worker_on_postgres(pg_app, redis_url):
    pg_app.config["REDIS_URL"] = redis_url
    client = pg_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    spec = IMPORTS["utfall"]
    rows = spec.with_cell("10\x0000")
    job = _job(pg_app, _post(client, spec.url, _csv(rows), "utfall.csv"))
    assert job.state == "queued"
    worker = _worker(pg_app, redis_url)
    assert worker.returncode == 0, worker.stderr
    with in_tenant(pg_app, TENANT_A):
        job = db.session.get(Job, job.id)
        assert job.state == "failed" and job.attempts == 1, (job.state, job.attempts, job.error)
        assert job.error.startswith("Filen \"utfall.csv\", rad 3, kolumn C (\"Utfall\"): cellen innehåller ett styrtecken")
    status = client.get(f"{A}/jobb/{job.id}/status").json
    assert status["state"] == "failed" and "rad 3, kolumn C" in status["error"]


# --- binary junk ------------------------------------------------------------------------------------

JUNK = {
    "alla byte": bytes(range(256)) * 16,
    "slumpbyte": random.Random(18).randbytes(20_000),
    "utan NUL": bytes(b for b in random.Random(19).randbytes(20_000) if b),
    "Windows-1252-luckor": b"Sektion;Rad;Utfall\nKansli;Kansli\x81\x8d\x8f\x90\x9d;1000\n",
    "en gammal Excel-fil": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
    "UTF-16 utan slut": b"\xff\xfe" + "Sektion;Rad".encode("utf-16-le") + b"\x00",
    "en trasig zip": b"PK\x03\x04" + random.Random(20).randbytes(3000),
}


@pytest.mark.parametrize("kind", IMPORTS)
def test_binary_junk_as_csv_is_refused_in_swedish(any_app, kansli, kind):
    spec = IMPORTS[kind]
    for what, content in JUNK.items():
        error = _refused(any_app, kansli, spec.url, content, f"{kind}.csv")
        assert error.startswith(f"Filen \"{kind}.csv\""), (what, error)
        _swedish(error)
        assert any(word in error for word in ("inte en CSV-fil", "styrtecken", "kunde inte läsas", "saknar", "går inte")), (what, error)
    error = _refused(any_app, kansli, spec.url, JUNK["slumpbyte"], f"{kind}.xlsx")
    assert "kunde inte läsas som Excel" in error
    _swedish(error)


def test_binary_junk_as_a_sie_file_is_refused_in_swedish(any_app, kansli):
    for what, content in JUNK.items():
        error = _refused(any_app, kansli, f"{A}/ekonomi/bokforing?ar=2021", content, "uppsala.se",
                         {"year": "2021", "through": "2021-06-30"})
        _swedish(error)
        assert "Rad" in error or "SIE" in error, (what, error)


# --- caps, and every import a job --------------------------------------------------------------------

def _big_xlsx(rows: int, first: list[str], row: list) -> bytes:
    """An XLSX of a header and `rows` equal rows, built in a second (openpyxl would take half a minute)."""
    def cell(value):
        return f"<c><v>{value}</v></c>" if isinstance(value, int) else f'<c t="inlineStr"><is><t>{value}</t></is></c>'

    body = "<row>" + "".join(cell(v) for v in row) + "</row>"
    return _rewrite_sheet(_xlsx([first]), lambda xml: xml.replace("</sheetData>", body * rows + "</sheetData>"))


def test_a_400000_row_xlsx_is_refused_by_the_job_not_held_in_the_request(any_app, redis_url):
    any_app.config["REDIS_URL"] = redis_url  # a real queue: the request only stores the file
    client = any_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    content = _big_xlsx(400_000, ["Sektion", "Rad", "Utfall"], ["Kansli", "Kanslipersonal", 1000])
    started = time.monotonic()
    answer = _post(client, f"{A}/ekonomi/utfall?ar=2021", content, "stor.xlsx")
    took = time.monotonic() - started
    job = _job(any_app, answer)
    assert job.state == "queued" and took < 10, took  # the request parsed nothing
    assert job.kind.endswith("economy.jobs:import_outcome")
    worker = _worker(any_app, redis_url)
    assert worker.returncode == 0, worker.stderr
    with in_tenant(any_app, TENANT_A):
        job = db.session.get(Job, job.id)
        assert job.state == "failed" and job.attempts == 1, (job.state, job.error)
        assert job.error == ("Filen \"stor.xlsx\" har fler än 20 000 rader; en import får ha högst 20 000 rader. "
                             "Dela upp filen.")
    assert _count(any_app, LineOutcome) == 0


@pytest.mark.parametrize("kind", IMPORTS)
def test_every_import_is_a_job_with_a_row_cap(any_app, kansli, kind):
    spec = IMPORTS[kind]
    any_app.config["IMPORT_MAX_ROWS"] = 50
    rows = [spec.rows[0]] + [spec.rows[1]] * 51
    for content, name in ((_csv(rows), f"{kind}.csv"), (_xlsx(rows), f"{kind}.xlsx")):
        error = _refused(any_app, kansli, spec.url, content, name)
        assert error == f"Filen \"{name}\" har fler än 50 rader; en import får ha högst 50 rader. Dela upp filen."
    assert _count(any_app, spec.table) == 0
    # At the cap the file is read (and judged by its content, not refused for its size).
    job = _job(any_app, _post(kansli, spec.url, _csv(spec.rows), f"{kind}.csv"))
    assert job.state == "finished", job.error


@pytest.mark.parametrize("kind", [*IMPORTS, "sie"])
def test_a_file_over_the_size_cap_is_refused_before_it_is_stored(any_app, kansli, kind):
    any_app.config["IMPORT_MAX_BYTES"] = 2000
    if kind == "sie":
        url, content, name, fields = f"{A}/ekonomi/bokforing?ar=2021", UPPSALA.encode("cp437"), "uppsala.se", \
            {"year": "2021", "through": "2021-06-30"}
    else:
        url, content, name, fields = IMPORTS[kind].url, _csv(IMPORTS[kind].rows) + b"\n" * 3000, f"{kind}.csv", {}
    assert len(content) > 2000
    answer = _post(kansli, url, content, name, fields)
    assert answer.status_code in (302, 303) and "/jobb/" not in answer.headers["Location"]
    page = html.unescape(kansli.get(answer.headers["Location"]).get_data(as_text=True))
    assert f"Filen \"{name}\" är för stor: en import får vara högst 2 kB." in page
    with in_tenant(any_app, TENANT_A):
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    files = Path(any_app.config["FILES_DIR"])
    assert not [p for p in files.rglob("*") if p.is_file() and "imports" in p.parts]


def test_the_import_errors_quote_no_character_a_database_refuses():
    from finsam_saas.platform.rules import InvalidInput
    from finsam_saas.platform.tables import import_errors, shown

    assert shown("a\x00b\u202ec" + "x" * 100, 10) == "a<U+0000>b<U+202E>cxxxxx…"
    with pytest.raises(InvalidInput) as refused, import_errors("fil\x00.csv"):
        raise InvalidInput("Rad 2: \"\x00\" är inget tal.", {"file": "rad 2"})
    assert refused.value.message == "Filen \"fil<U+0000>.csv\": Rad 2: \"<U+0000>\" är inget tal."
    with pytest.raises(InvalidInput) as refused, import_errors("fil.csv"):
        float("1e400") > 0 and int(float("inf"))  # what a parser may still raise: OverflowError
    assert refused.value.message.startswith("Filen \"fil.csv\" kunde inte läsas")
