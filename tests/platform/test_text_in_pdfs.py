"""What users type, on pages and in PDFs (issue 18), on SQLite and PostgreSQL.

- A U+202E (right-to-left override) stored in a title reversed the rest of its line: no page shows
  a direction control (the templates' `finalize`), and no PDF holds one (`documents.printable`),
  read back with pypdf.
- Emoji printed as empty boxes: a character that some font of the PDFs has prints as itself (an
  emoji font of the system when there is one: fonts-symbola or Noto Emoji), any other as its
  name in brackets ("[grinning face]"). Passes with or without an emoji font on the machine: what
  is expected is worked out from the fonts there are (`documents.covered`), and one test takes the
  emoji fonts away.
"""
from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings.models import AgendaItem, Meeting
from finsam_saas.platform import documents
from finsam_saas.platform.documents import character_name, printable, render_pdf
from finsam_saas.platform.formatting import no_bidi

from support import ApiClient, TENANT_A, in_tenant, login

A = f"/t/{TENANT_A}"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
OVERRIDDEN = "Avtal \u202efdp.exe\u202c med \u2067Region\u2069 2031"
CLEAN = "Avtal fdp.exe med Region 2031"
EMOJI = ["😀", "🎉", "👍", "❤", "🫠"]  # grinning face … melting face (Unicode 14: in no Symbola)
BOARD = [{"name": n, "role": "ledamot"} for n in ("Peter Vigren", "Harriet Hedlund", "Mikael Broman", "Anders Hahlin")]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _expected(char: str) -> str:
    """What the PDF must print for `char` on this machine: the glyph when a font has it, else its name."""
    return char if ord(char) in documents.covered() else character_name(char)


def _no_box(text: str) -> None:
    """Every character the PDF's text holds is one a font of the PDF has a glyph for."""
    missing = {c for c in text if not c.isspace() and ord(c) > 0x7F and ord(c) not in documents.covered()}
    assert not missing, [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing]


@pytest.fixture
def meeting(any_app):
    api = ApiClient(any_app)
    answer = api.post("/meetings", json={"body": "styrelse", "date": "2020-10-30", "start": "08:30", "end": "12:00",
                                         "place": "Sveagatan 8", "items": [{"title": "Budget", "kind": "beslut"},
                                                                          {"title": "Övrigt", "kind": "information"}]})
    assert answer.status_code == 201, answer.json
    meeting_id = answer.json["id"]
    # Stored as text was before the input removed direction controls (or as a script writes it).
    with in_tenant(any_app, TENANT_A):
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, AgendaItem.number == 1))
        item.title = OVERRIDDEN
        db.session.get(Meeting, meeting_id).theme = OVERRIDDEN
        db.session.commit()
    return api, meeting_id


# --- direction controls --------------------------------------------------------------------------

def test_printable_and_no_bidi_remove_every_direction_control():
    assert printable(f"a{BIDI}b") == "ab" and no_bidi(f"a{BIDI}b") == "ab"
    assert printable("Rad\tett\nRad två\r\n\x00\x07") == "Rad\tett\nRad två\r\n"  # controls but tab and breaks go
    assert no_bidi(5) == 5 and no_bidi(None) is None


def test_no_page_shows_a_direction_control(any_app, meeting):
    _, meeting_id = meeting
    client = any_app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    for url in (f"{A}/moten/{meeting_id}", f"{A}/moten/"):
        page = client.get(url).get_data(as_text=True)
        assert not [c for c in page if c in BIDI], url
    page = client.get(f"{A}/moten/{meeting_id}").get_data(as_text=True)
    assert CLEAN in page


def test_no_pdf_holds_a_direction_control(any_app, meeting):
    api, meeting_id = meeting
    notice = api.get(f"/meetings/{meeting_id}/notice.pdf")
    assert notice.status_code == 200
    text = _text(notice.data)
    assert not [c for c in text if c in BIDI] and CLEAN in _flat(text)
    numbers = [p["number"] for p in api.post(f"/meetings/{meeting_id}/minutes", json={
        "chair": "Peter Vigren", "secretary": "Johanna Långdal Persson", "justerare": ["Anders Hahlin"],
        "attendees": BOARD}).json["paragraphs"]]
    minutes = api.get(f"/meetings/{meeting_id}/minutes.pdf")
    assert minutes.status_code == 200
    text = _text(minutes.data)
    assert not [c for c in text if c in BIDI] and CLEAN in _flat(text), numbers
    reader = PdfReader(io.BytesIO(minutes.data))
    assert not [c for c in str(reader.metadata.title or "") if c in BIDI]


def test_render_pdf_strips_direction_controls_from_text_and_title():
    pdf = render_pdf(f'<html lang="sv"><head><link rel="stylesheet" href="css/print.css"><title>{OVERRIDDEN}</title></head>'
                     f"<body><h1>{OVERRIDDEN}</h1><p>\u2068Isolerad\u2069 text</p></body></html>")
    text = _text(pdf)
    assert CLEAN in _flat(text) and "Isolerad text" in text and not [c for c in text if c in BIDI]
    assert PdfReader(io.BytesIO(pdf)).metadata.title == CLEAN


# --- emoji ---------------------------------------------------------------------------------------

def test_an_emoji_in_a_protokoll_paragraph_prints_as_its_glyph_or_its_name(any_app, meeting):
    api, meeting_id = meeting
    numbers = [p["number"] for p in api.post(f"/meetings/{meeting_id}/minutes", json={
        "chair": "Peter Vigren", "secretary": "Johanna Långdal Persson", "justerare": ["Anders Hahlin"],
        "attendees": BOARD}).json["paragraphs"]]
    text = "Tack för ett bra år " + " ".join(EMOJI) + " och ✓ klart."
    answer = api.patch(f"/meetings/{meeting_id}/minutes/paragraphs/{numbers[0]}",
                       json={"text": text, "decision": "Styrelsen beslutar 🎉 att godkänna."})
    assert answer.status_code == 200, answer.json
    pdf = api.get(f"/meetings/{meeting_id}/minutes.pdf")
    assert pdf.status_code == 200
    printed = _flat(_text(pdf.data))
    for char in EMOJI:
        assert _expected(char) in printed, (char, printed)
    assert "[melting face]" in printed or ord("🫠") in documents.covered()
    assert "✓ klart." in printed  # DejaVu Sans has it: no name
    assert "Styrelsen beslutar " + _expected("🎉") + " att godkänna." in printed
    _no_box(printed)


def test_without_an_emoji_font_every_emoji_is_named(monkeypatch):
    from fontTools.ttLib import TTFont

    bundled = set()
    for path in sorted(documents.FONTS_DIR.glob("*.ttf")):
        bundled.update(TTFont(path, lazy=True).getBestCmap())
    monkeypatch.setattr(documents, "covered", lambda: frozenset(bundled))
    html = ('<html lang="sv"><head><link rel="stylesheet" href="css/print.css"><title>Emoji</title></head><body>'
            "<p>Bra jobbat 🎉 👍🏽 och ❤️ och 👨‍👩‍👧 i § 4.</p></body></html>")
    # DejaVu Sans has a few: the heart, and the emoticons from U+1F600 (grinning face) on.
    assert printable("😀") == "😀" and printable("❤️").rstrip("\ufe0f") == "❤"  # DejaVu maps the style selector too
    assert printable("🎉") == "[party popper]" and printable("👍🏽") == "[thumbs up sign]"  # no box for the skin tone
    assert printable("\U0001fae8") in ("[shaking face]", "[U+1FAE8]")  # newer than Python's Unicode database, perhaps
    printed = _flat(_text(render_pdf(html))).replace("\ufe0f", "")
    assert "Bra jobbat [party popper] [thumbs up sign] och ❤ och [man][woman][girl] i § 4." in printed, printed
    for char in printed:
        assert char.isspace() or ord(char) < 0x80 or ord(char) in bundled, f"U+{ord(char):04X}"


def test_an_emoji_font_on_the_machine_is_used_when_there_is_one():
    fonts = documents.emoji_fonts()
    if not fonts:
        # This machine has none (fonts-symbola, fonts-noto-color-emoji's monochrome sibling): every emoji
        # is named, as the test above shows; nothing more to check here.
        assert ord("🎉") not in documents.covered() and printable("🎉") == "[party popper]"
        return
    printed = _flat(_text(render_pdf('<html><head><link rel="stylesheet" href="css/print.css"></head>'
                                     "<body><p>Glad 🎉</p></body></html>")))
    assert f"Glad {_expected('🎉')}" in printed
    _no_box(printed)
