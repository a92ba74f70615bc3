"""The WeasyPrint base: bundled fonts, Swedish text read back, PDF/A, and a url_fetcher
that never reads outside the project's static files and the current tenant's files."""
import io

from pypdf import PdfReader

from finsam_saas.platform.documents import render_pdf

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


HTML = ('<html lang="sv"><head><link rel="stylesheet" href="css/print.css"><title>Protokoll</title></head>'
        '<body><h1>Protokoll § 47 Årsredovisning för Skellefteå–Norsjö</h1><p>Överenskommelse: 11 489 tkr</p></body></html>')


def test_swedish_text_in_the_bundled_font():
    pdf = render_pdf(HTML)
    text = _text(pdf)
    assert "Protokoll § 47 Årsredovisning för Skellefteå–Norsjö" in text and "11 489 tkr" in text
    assert any("Finsam-Sans" in name for name in _fonts(pdf))  # the @font-face of the bundled DejaVu files
    assert "Sida 1 av 1" in text


def test_archive_copy_is_pdf_a():
    reader = PdfReader(io.BytesIO(render_pdf(HTML, archive=True)))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata


def test_url_fetcher_serves_the_tenants_files_and_nothing_else(tmp_path):
    mine = tmp_path / "files" / "umearegionen"
    other = tmp_path / "files" / "uppsala-lan"
    mine.mkdir(parents=True)
    other.mkdir(parents=True)
    (mine / "logga.png").write_bytes(PNG)
    (other / "hemlig.png").write_bytes(PNG)
    (other / "hemlig.css").write_text("h1::after { content: 'HEMLIGT FRÅN ANNAN'; }")
    html = (f'<html><head><link rel="stylesheet" href="{(other / "hemlig.css").as_uri()}"></head><body><h1>Rubrik</h1>'
            f'<img src="{(mine / "logga.png").as_uri()}" alt="">'
            f'<img src="{(other / "hemlig.png").as_uri()}" alt="">'
            f'<img src="file:///etc/passwd" alt=""><img src="http://127.0.0.1:9/x.png" alt=""></body></html>')
    pdf = render_pdf(html, tenant_files_dir=mine)
    assert "HEMLIGT" not in _text(pdf)
    images = sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert images == 1  # only the tenant's own logo
    escaped = f'<img src="{mine.as_uri()}/../uppsala-lan/hemlig.png" alt="">'
    pdf = render_pdf(f"<html><body>{escaped}</body></html>", tenant_files_dir=mine)
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages) == 0


def test_an_image_cached_for_one_tenant_is_not_served_to_another(tmp_path):
    mine = tmp_path / "files" / "umearegionen"
    other = tmp_path / "files" / "uppsala-lan"
    mine.mkdir(parents=True)
    other.mkdir(parents=True)
    (mine / "logga.png").write_bytes(PNG)
    html = f'<html><body><img src="{(mine / "logga.png").as_uri()}" alt=""></body></html>'
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(render_pdf(html, tenant_files_dir=mine))).pages) == 1
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(render_pdf(html, tenant_files_dir=other))).pages) == 0
