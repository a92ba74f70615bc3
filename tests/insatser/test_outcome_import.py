"""Outcomes imported from CSV or XLSX: whole file or nothing, bad rows named."""
import html
import io
import re

from openpyxl import Workbook
from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.insatser.models import Outcome

from support import TENANT_A, in_tenant

A = f"/t/{TENANT_A}"
HEADER = "Insats;Period;Kön;Deltagare;Nya;Avslutade;Arbete;Studier;Annan behovsanpassad lösning;Övriga avbrott;Kvar"
GOOD = [HEADER,
        "Ungdomstorget;2017;Kvinnor;157;57;65;15;16;12;22;92",
        "Ungdomstorget;2017;Män;179;63;92;40;14;17;21;87"]


def _insats(client):
    answer = client.post(f"{A}/insatser/ny", data={"name": "Ungdomstorget", "owner": "Umeå kommun", "kind": "individ",
                                                   "start": "2017-01-01", "end": "2021-12-31"})
    assert answer.status_code == 302


def _upload(client, content: bytes, name: str) -> str:
    page = client.post(f"{A}/insatser/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", follow_redirects=True)
    return html.unescape(page.get_data(as_text=True))


def _count(app):
    with in_tenant(app, TENANT_A):
        return db.session.scalar(select(func.count()).select_from(Outcome))


def test_csv_import(client_a, app):
    _insats(client_a)
    page = _upload(client_a, "\n".join(GOOD).encode(), "utfall.csv")
    assert "Klart" in page, page
    assert _count(app) == 2
    # The list of a year shows the insatser running then (this one ran 2017–2021).
    insats_page = client_a.get(f"{A}/insatser/?ar=2017").get_data(as_text=True)
    link = re.search(r'href="(/t/umearegionen/insatser/\d+)"', insats_page).group(1)
    assert "35,0 %" in client_a.get(link).get_data(as_text=True)


def test_xlsx_import(client_a, app):
    _insats(client_a)
    book = Workbook()
    for line in GOOD:
        book.active.append([int(v) if v.isdigit() else v for v in line.split(";")])
    buffer = io.BytesIO()
    book.save(buffer)
    assert "Klart" in _upload(client_a, buffer.getvalue(), "utfall.xlsx")
    assert _count(app) == 2


def test_a_bad_row_rejects_the_whole_file_and_names_row_and_column(client_a, app):
    _insats(client_a)
    rows = GOOD + ["Ungdomstorget;2018;Kvinnor;10;5;4;1;1;1;1;6", "Ungdomstorget;2018;Män;10;5;x;1;1;1;1;6"]
    page = _upload(client_a, "\n".join(rows).encode(), "utfall.csv")
    assert "Misslyckades" in page and "Rad 5, kolumn \"Avslutade\": \"x\" är inte ett heltal" in page
    assert _count(app) == 0
    rows = GOOD + ["Ungdomstorget;2018;Kvinnor;10;5;4;1;1;1;1;6", "Ungdomstorget;2018;Män;10;5;5;1;1;1;1;5"]
    page = _upload(client_a, "\n".join(rows).encode(), "utfall.csv")
    assert "Rad 4 (Ungdomstorget 2018)" in page and "avslutade (5) ska vara summan" in page
    assert _count(app) == 0
    page = _upload(client_a, "\n".join([HEADER, "Okänd insats;2017;Kvinnor;1;1;0;0;0;0;0;1"]).encode(), "utfall.csv")
    assert "\"Okänd insats\" finns inte i registret" in page
    assert "varken CSV eller XLSX" in _upload(client_a, b"MZ", "virus.exe")


def test_a_file_that_is_not_a_table_is_refused_with_a_reason(client_a, app):
    _insats(client_a)
    page = _upload(client_a, "bara en rad utan kolumner".encode(), "utfall.csv")
    assert "Misslyckades" in page and "saknar kolumnerna" in page
    page = _upload(client_a, b"\xff\xfe not excel", "utfall.xlsx")
    assert "kunde inte läsas som Excel" in page
