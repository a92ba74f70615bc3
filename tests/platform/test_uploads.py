"""Uploads are checked by what they are (issue 18): a bilaga is a PDF that pypdf opens, not a file
that merely starts with %PDF-; every uploaded file's name is cut to a safe length with its
extension kept (a 300-character name gave a 500), on the bilaga upload and replacement and on
every import upload; and what one tenant uploaded is never reachable from another. On SQLite and
PostgreSQL."""
from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings.models import Attachment
from finsam_saas.platform.files import MAX_NAME_BYTES, MAX_NAME_CHARS, check_pdf, safe_filename
from finsam_saas.platform.models import Job
from finsam_saas.platform.rules import InvalidInput

from support import ApiClient, TENANT_A, TENANT_B, in_tenant, login, pdf_file

A, B = f"/t/{TENANT_A}", f"/t/{TENANT_B}"
LONG_NAME = "Budgetunderlag för samordningsförbundet " * 8  # 320 characters before the extension


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>inte en pdf</w:document>")
    return buffer.getvalue()


# A zip after the prefix (what the attacker sent), a truncated file, and junk.
NOT_PDFS = {
    "zip efter prefixet": b"%PDF-1.7\n" + _zip(),
    "bara prefixet": b"%PDF-",
    "avhuggen": pdf_file()[:200],
    "skräp": b"%PDF-1.4\n" + bytes(range(256)) * 8,
}


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="hemligt", owner_password="hemligt", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _text(answer) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True))).split())


@pytest.fixture
def kansli(any_app):
    client = any_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    return client


def _meeting(app) -> int:
    api = ApiClient(app)
    answer = api.post("/meetings", json={"body": "styrelse", "date": "2031-10-30", "start": "08:30", "end": "12:00",
                                         "place": "Sveagatan 8", "items": [{"title": "Budget", "kind": "beslut"}]})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def _upload(client, meeting_id: int, content: bytes, name: str, title: str = ""):
    return client.post(f"{A}/moten/{meeting_id}/bilagor", data={"title": title, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _attachments(app) -> list[Attachment]:
    with in_tenant(app, TENANT_A):
        rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
        db.session.expunge_all()
        return rows


def _files(app) -> list[Path]:
    root = Path(app.config["FILES_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- a bilaga is a PDF that opens -----------------------------------------------------------

def test_check_pdf_opens_the_file_and_refuses_what_only_looks_like_one():
    assert check_pdf(pdf_file(3), "budget.pdf") == 3
    for what, content in NOT_PDFS.items():
        with pytest.raises(InvalidInput) as refused:
            check_pdf(content, "budget.pdf")
        assert "\"budget.pdf\"" in refused.value.message and "PDF" in refused.value.message, what
        assert refused.value.fields == {"file": "skadad PDF"}, what
    with pytest.raises(InvalidInput, match="är inte en PDF-fil"):
        check_pdf(_zip(), "budget.pdf")
    with pytest.raises(InvalidInput, match="lösenordsskyddad"):
        check_pdf(_encrypted_pdf(), "hemlig.pdf")


def test_a_file_that_merely_starts_with_pdf_is_refused_as_a_bilaga_in_swedish(any_app, kansli):
    meeting = _meeting(any_app)
    before = _files(any_app)
    for what, content in NOT_PDFS.items():
        answer = _upload(kansli, meeting, content, "bilaga.pdf")
        assert answer.status_code == 400, (what, answer.status_code)
        assert "\"bilaga.pdf\" är ingen PDF-fil som går att öppna" in _text(answer), what
    answer = _upload(kansli, meeting, _encrypted_pdf(), "hemlig.pdf")
    assert answer.status_code == 400 and "\"hemlig.pdf\" är lösenordsskyddad" in _text(answer)
    assert _attachments(any_app) == [] and _files(any_app) == before  # nothing kept, not even the file
    accepted = _upload(kansli, meeting, pdf_file(2), "bilaga.pdf", title="Budget 2032")
    assert accepted.status_code == 302, _text(accepted)
    [attachment] = _attachments(any_app)
    assert (attachment.title, attachment.filename) == ("Budget 2032", "bilaga.pdf")
    served = kansli.get(f"{A}/moten/{meeting}/bilagor/{attachment.id}")
    assert served.status_code == 200 and served.data == pdf_file(2)


def test_a_replacement_is_checked_the_same_way(any_app, kansli):
    meeting = _meeting(any_app)
    assert _upload(kansli, meeting, pdf_file(), "budget.pdf").status_code == 302
    [attachment] = _attachments(any_app)
    url = f"{A}/moten/{meeting}/bilagor/{attachment.id}/andra"
    refused = kansli.post(url, data={"title": "Budget", "label": "1", "file": (io.BytesIO(NOT_PDFS["zip efter prefixet"]),
                                                                              "ny.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and "\"ny.pdf\" är ingen PDF-fil som går att öppna" in _text(refused)
    assert _attachments(any_app)[0].sha256 == attachment.sha256  # the old file stays
    replaced = kansli.post(url, data={"title": "Budget", "label": "1", "file": (io.BytesIO(pdf_file(4)), LONG_NAME + ".PDF")},
                           content_type="multipart/form-data")
    assert replaced.status_code == 302, _text(replaced)
    [now] = _attachments(any_app)
    assert now.sha256 != attachment.sha256 and now.filename.endswith(".pdf") and len(now.filename) <= MAX_NAME_CHARS


# --- file names cut safely -------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "a" * 296 + ".pdf",                                   # 300 characters: was a 500 (OSError)
    "å" * 300 + ".pdf",                                   # 600 bytes of UTF-8
    "😀" * 80 + ".pdf",                                   # 4 bytes a character
    "C:\\Users\\kansli\\Skrivbord\\" + "x" * 290 + ".pdf",  # a Windows path, as old browsers send it
    "../../" + "y" * 300 + ".pdf",
])
def test_safe_filename_keeps_the_extension_within_the_bounds(name):
    safe = safe_filename(name)
    assert safe.endswith(".pdf") and len(safe) <= MAX_NAME_CHARS and len(safe.encode()) <= MAX_NAME_BYTES
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".")


def test_safe_filename_drops_direction_and_control_characters():
    assert safe_filename("faktura\u202eFDP.exe") == "fakturaFDP.exe"
    assert safe_filename("bud\x00get\n.pdf") == "budget.pdf"
    assert safe_filename('a<b>c:"d|e?f*.csv') == "a_b_c__d_e_f_.csv"
    assert safe_filename("   ") == "fil" and safe_filename(".pdf") == "pdf" and safe_filename(None) == "fil"
    assert safe_filename("Utfall 2021 – Umeå.XLSX") == "Utfall 2021 – Umeå.xlsx"


def test_a_300_character_bilaga_name_is_cut_with_its_extension(any_app, kansli):
    meeting = _meeting(any_app)
    for name in ("a" * 296 + ".pdf", "Överenskommelse " * 20 + ".pdf"):
        answer = _upload(kansli, meeting, pdf_file(), name)
        assert answer.status_code == 302, (name, _text(answer))
    first, second = _attachments(any_app)
    for attachment in (first, second):
        assert attachment.filename.endswith(".pdf") and len(attachment.filename) <= MAX_NAME_CHARS
        assert len(attachment.title) <= MAX_NAME_CHARS  # the title taken from the name
        served = kansli.get(f"{A}/moten/{meeting}/bilagor/{attachment.id}")
        assert served.status_code == 200 and served.data.startswith(b"%PDF-")
    assert first.filename == "a" * (MAX_NAME_CHARS - 4) + ".pdf"
    assert second.filename.startswith("Överenskommelse Överenskommelse")


SIE = ('#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#RAR 0 20210101 20211231\n#KONTO 3010 "Avgifter"\n'
       '#VER A 1 20210115 "Avgift"\n{\n#TRANS 1930 {} 1000.00\n#TRANS 3010 {} -1000.00\n}\n').encode()
IMPORTS = {  # the page, the form's other fields, a file it reads, the name's extension
    "utfall": (f"{A}/ekonomi/utfall?ar=2021", {}, "Sektion;Rad;Utfall\nKansli;Kanslipersonal;1000\n".encode(), ".csv"),
    "insatser": (f"{A}/insatser/import", {}, "Insats;Period;Kön\n".encode(), ".xlsx"),
    "helårsekvivalenter": (f"{A}/analys/helarsekvivalenter", {}, b"Region;Ersattning;2020H1\n", ".csv"),
    "sie": (f"{A}/ekonomi/bokforing?ar=2021", {"year": "2021", "through": "2021-06-30"}, SIE, ".se"),
}


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_300_character_import_name_is_cut_and_the_job_runs(any_app, kansli, kind):
    url, fields, content, extension = IMPORTS[kind]
    name = LONG_NAME[:300 - len(extension)] + extension
    answer = kansli.post(url, data={**fields, "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert answer.status_code in (302, 303), (kind, answer.status_code, _text(answer))
    assert "/jobb/" in answer.headers["Location"], kind
    with in_tenant(any_app, TENANT_A):
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert job.state in ("finished", "failed") and job.attempts == 1, (kind, job.state, job.error)
        assert job.error is None or "oväntat fel" not in job.error, (kind, job.error)
        assert len(job.title) <= 200
    stored = [p for p in _files(any_app) if "imports" in p.parts]
    assert stored, kind
    for path in stored:
        assert len(path.name.encode()) <= 255 and path.name.endswith(extension.lower()), path.name
    page = _text(kansli.get(answer.headers["Location"]))
    assert "Budgetunderlag för samordningsförbundet" in page and LONG_NAME[:300] not in page


def test_a_name_with_a_path_and_direction_override_is_stored_as_its_last_part(any_app, kansli):
    name = "../../skelleftea-norsjo/utfall\u202evsc.xlsx"
    url, fields, content, _ = IMPORTS["utfall"]
    answer = kansli.post(url, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert answer.status_code == 302
    assert "varken CSV eller XLSX" not in _text(kansli.get(answer.headers["Location"]))
    [stored] = [p for p in _files(any_app) if "imports" in p.parts]
    assert stored.name.endswith("-utfallvsc.xlsx") and "\u202e" not in stored.name and stored.parent.name == "imports"
    assert stored.parent.parent.name == TENANT_A


# --- one tenant's uploads are never another's -------------------------------------------------

def test_an_upload_and_its_import_job_are_not_reachable_from_another_tenant(any_app, kansli):
    meeting = _meeting(any_app)
    assert _upload(kansli, meeting, pdf_file(), "hemlig.pdf").status_code == 302
    [attachment] = _attachments(any_app)
    url, fields, content, _ = IMPORTS["utfall"]
    job_page = kansli.post(url, data={"file": (io.BytesIO(content), "hemligt-utfall.csv")},
                           content_type="multipart/form-data").headers["Location"]
    job_id = int(re.search(r"/jobb/(\d+)", job_page).group(1))
    other = any_app.test_client()
    assert login(other, "kansli.b@test.se").status_code == 302
    # B's own URLs with A's ids: 404, as if they did not exist.
    for path in (f"/jobb/{job_id}", f"/jobb/{job_id}/status", f"/jobb/{job_id}/fil", f"/moten/{meeting}/bilagor/{attachment.id}",
                 f"/moten/{meeting}/bilagor/{attachment.id}/andra"):
        answer = other.get(B + path)
        assert answer.status_code == 404, (path, answer.status_code)
    # A's URLs: B is no member there.
    for path in (f"/jobb/{job_id}", f"/moten/{meeting}/bilagor/{attachment.id}"):
        assert other.get(A + path).status_code in (403, 404), path
    # A job of B that names A's stored file reads nothing of it.
    from finsam_saas.economy import jobs as economy_jobs
    from finsam_saas.platform.files import tenant_file
    from werkzeug.exceptions import NotFound

    [stored] = [p for p in _files(any_app) if "imports" in p.parts]
    relative = f"imports/{stored.name}"
    with in_tenant(any_app, TENANT_A):
        assert tenant_file(TENANT_A, relative).read_bytes() == content
    with in_tenant(any_app, TENANT_B):
        for forged in (relative, f"../{TENANT_A}/{relative}", str(stored)):
            with pytest.raises(NotFound):
                tenant_file(TENANT_B, forged)
    with in_tenant(any_app, TENANT_B) as tenant_b:
        fake = type("FakeJob", (), {"tenant_id": tenant_b.id, "id": 0})()
        with pytest.raises(NotFound):
            economy_jobs.import_outcome(fake, path=f"../{TENANT_A}/{relative}", filename="x.csv", year=2021)
