"""The WeasyPrint base: print templates to PDF, PDF/A for archived papers.

Fonts ship in static/fonts; one FontConfiguration serves the whole process, and
one image cache each set of readable directories. The url_fetcher reads only the project's static files and
the directories the caller allows (the current tenant's files): never another
tenant's files, never file:// elsewhere, never the network.

Every document's text passes `printable` first: direction controls (U+202A–U+202E, U+2066–U+2069,
U+200E/F, U+061C), which would turn the rest of a line around, are removed, and so are control
characters; a character none of the PDF's fonts has is written as its name in brackets
("[smiling face with tear]") instead of an empty box. The fonts are the bundled DejaVu Sans and,
for emoji, a monochrome emoji font of the system when there is one (Debian's fonts-symbola,
installed by the Dockerfile, or Noto Emoji); print.css names them in that order.
Without an emoji font, emoji are written by their names.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from finsam_saas.platform.contract import BIDI_CONTROLS

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
ARCHIVE_VARIANT = "pdf/a-3b"

FONTS_DIR = STATIC_DIR / "fonts"
# Monochrome emoji fonts print.css falls back to, by file name, where fontconfig keeps fonts.
EMOJI_FONT_FILES = ("NotoEmoji-Regular.ttf", "NotoEmoji[wght].ttf", "NotoEmoji-VariableFont_wght.ttf",
                    "Symbola_hint.ttf", "Symbola.ttf", "Symbola.otf")
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
                    Path.home() / ".fonts")

_font_config: FontConfiguration | None = None
# WeasyPrint serves a cached image without asking the fetcher again, so one cache per set
# of readable directories: a tenant's document never gets another tenant's cached file.
_image_caches: dict[tuple[str, ...], dict] = {}


def font_config() -> FontConfiguration:
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


# --- text the fonts can print --------------------------------------------------------------

# Direction controls: embeddings and overrides, isolates, marks. Removed, never printed.
_REMOVED = dict.fromkeys(map(ord, "".join(BIDI_CONTROLS) + "".join(map(chr, [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20),
                                                                   0x7f]))))
# Characters every font here has (Latin, with Swedish letters): no lookup needed.
_NEEDS_LOOKUP = re.compile(r"[^\x00-\u02ff]")
# Marks that only change the character before them (skin tones, text or emoji style) and joiners:
# without a glyph they show nothing, so they are dropped rather than named.
_SILENT = {*range(0x1F3FB, 0x1F400), *range(0xFE00, 0xFE10), *range(0xE0020, 0xE0080), 0x200B, 0x200C, 0x200D,
           0x2060, 0xFEFF}


@functools.cache
def emoji_fonts() -> tuple[Path, ...]:
    """The monochrome emoji fonts this machine has (see EMOJI_FONT_FILES), in print.css's order."""
    found = []
    for name in EMOJI_FONT_FILES:
        for directory in SYSTEM_FONT_DIRS:
            if directory.is_dir():
                found.extend(sorted(directory.rglob(name))[:1])
    return tuple(found)


@functools.cache
def covered() -> frozenset[int]:
    """The code points some font of the PDFs has a glyph for: the bundled fonts and `emoji_fonts()`."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in [*sorted(FONTS_DIR.glob("*.ttf")), *emoji_fonts()]:
        try:
            points.update(TTFont(path, lazy=True, fontNumber=0).getBestCmap() or {})
        except Exception:  # an unreadable font file covers nothing; the text is named instead
            continue
    return frozenset(points)


def character_name(char: str) -> str:
    """What a PDF prints for a character its fonts lack: the character's Unicode name in brackets,
    lower case ("[smiling face with tear]"), or its code point ("[U+1FAE8]") when Python's Unicode
    database has no name for it yet."""
    name = unicodedata.name(char, "")
    return f"[{name.lower()}]" if name else f"[U+{ord(char):04X}]"


def printable(text: str) -> str:
    """`text` (a whole document's HTML, or any part of it) as the PDF fonts can print it: direction
    controls and control characters (but tab and line breaks) removed; a character no font has
    replaced by `character_name`; a lone skin tone, style selector or joiner without a glyph dropped."""
    text = text.translate(_REMOVED)
    points = covered()

    def substitute(match: re.Match) -> str:
        char = match.group(0)
        code = ord(char)
        if code in points:
            return char
        # A mark without a glyph would only draw a box on the letter before it.
        return "" if code in _SILENT or unicodedata.category(char) in ("Mn", "Me") else character_name(char)

    return _NEEDS_LOOKUP.sub(substitute, text)


class RefusedURL(ValueError):
    """A document asked for a file or address outside what it may read."""


class SafeURLFetcher(URLFetcher):
    """Serves files under the allowed directories, and data: URLs; refuses the rest."""

    def __init__(self, allowed_dirs: list[Path]):
        super().__init__(allowed_protocols={"file", "data"})
        self.allowed_dirs = [Path(d).resolve() for d in allowed_dirs]

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return path.is_file() and any(path.is_relative_to(d) for d in self.allowed_dirs)

    def fetch(self, url, headers=None):
        if not self._allowed(url):
            raise RefusedURL(f"Adressen är inte tillåten i ett dokument: {url}")
        return super().fetch(url, headers)


def make_url_fetcher(allowed_dirs: list[Path]) -> SafeURLFetcher:
    return SafeURLFetcher([STATIC_DIR, *allowed_dirs])


def render_pdf(html: str, *, tenant_files_dir: Path | None = None, archive: bool = False) -> bytes:
    """The PDF (bytes) of `html`, its text through `printable` first. The document's title and
    language come from its <title> and <html lang>; `archive` makes it PDF/A-3b. A file outside the
    static files and `tenant_files_dir` raises RefusedURL."""
    html = printable(html)
    allowed = [tenant_files_dir] if tenant_files_dir else []
    fetcher = make_url_fetcher(allowed)
    cache = _image_caches.setdefault(tuple(sorted(str(Path(d).resolve()) for d in allowed)), {})
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    options = {"font_config": font_config(), "cache": cache}
    if archive:
        options["pdf_variant"] = ARCHIVE_VARIANT
    return document.write_pdf(**options)


def render_template_pdf(template_name: str, *, tenant_files_dir: Path | None = None, archive: bool = False,
                        **context) -> bytes:
    return render_pdf(render_template(template_name, **context), tenant_files_dir=tenant_files_dir,
                      archive=archive)
