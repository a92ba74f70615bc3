"""The WeasyPrint base: print templates to PDF, PDF/A for archived papers.

Fonts ship in static/fonts; one FontConfiguration serves the whole process, and
one image cache each set of readable directories. The url_fetcher reads only the project's static files and
the directories the caller allows (the current tenant's files): never another
tenant's files, never file:// elsewhere, never the network.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
ARCHIVE_VARIANT = "pdf/a-3b"

_font_config: FontConfiguration | None = None
# WeasyPrint serves a cached image without asking the fetcher again, so one cache per set
# of readable directories: a tenant's document never gets another tenant's cached file.
_image_caches: dict[tuple[str, ...], dict] = {}


def font_config() -> FontConfiguration:
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


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
    """The document's title and language come from its <title> and <html lang>."""
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
