"""Files of a tenant, kept under FILES_DIR/<tenant slug>/ and never served across tenants.

An uploaded file is checked by what it is, not by what it is called: a PDF is opened with pypdf
(`check_pdf`) before it is kept, and its name is made safe (`safe_filename`: no path, no control or
direction characters, at most MAX_NAME_CHARS characters and MAX_NAME_BYTES bytes, the extension
kept) before it is stored, shown or written into a path (`store_upload`).
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from flask import abort, current_app

from finsam_saas.platform.rules import InvalidInput

# A file name as kept and shown: room for a clear name, and far below the 255 bytes a file system
# allows for a path part (a stored upload is "<sha256>-<name>", 65 bytes before the name).
MAX_NAME_CHARS = 100
MAX_NAME_BYTES = 150
_RESERVED = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')  # Windows refuses these in a name; controls anywhere
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def _visible(char: str) -> bool:
    # Control (Cc), format (Cf: direction marks and overrides, zero-width characters), surrogate
    # (Cs), private use (Co) and unassigned (Cn) characters are dropped from a name.
    return not unicodedata.category(char).startswith("C")


def _cut(text: str, chars: int, size: int) -> str:
    text = text[:chars]
    while len(text.encode("utf-8")) > size:
        text = text[:-1]
    return text


def safe_filename(name: str | None, default: str = "fil") -> str:
    """A name for an uploaded file that is safe to store, to write into a path and to show.

    Only the last part of a path is kept ("C:\\Users\\…\\budget.pdf" → "budget.pdf"); Swedish
    and other letters are kept (composed, NFC), control and direction characters are dropped,
    characters Windows refuses (<>:"|?*) become "_", leading dots and trailing dots and spaces
    go, runs of spaces become one. The name is cut to MAX_NAME_CHARS characters and MAX_NAME_BYTES
    bytes of UTF-8 with its extension kept ("….pdf"). An empty result is `default` with the
    extension. Never raises."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(char for char in text if _visible(char) or char == " ")
    text = _RESERVED.sub("_", " ".join(text.split()))
    text = text.lstrip(". ").rstrip(". ")
    match = _EXTENSION.search(text)
    extension = match.group(0).lower() if match else ""
    stem = text[: match.start()] if match else text
    stem = _cut(stem, MAX_NAME_CHARS - len(extension), MAX_NAME_BYTES - len(extension)).rstrip(". ")
    return (stem or default) + extension


def store_upload(slug: str, folder: str, content: bytes, filename: str) -> str:
    """Keep an uploaded file in the tenant's files under `folder`, named by its sha256 and its safe
    name (`safe_filename`); returns the path relative to the tenant's directory."""
    relative = f"{folder}/{hashlib.sha256(content).hexdigest()}-{safe_filename(filename)}"
    write_tenant_file(slug, relative, content)
    return relative


def check_pdf(content: bytes, filename: str) -> int:
    """Refuse what is not a PDF that opens: the file is parsed with pypdf, each page must be
    readable, and an encrypted file must open without a password (an owner password that only
    restricts printing or editing is fine). Returns the number of pages.

    Raises InvalidInput (field "file") with a Swedish sentence naming the file: not a PDF, damaged
    or unreadable, protected by a password, or without pages."""
    from pypdf import PdfReader

    name = safe_filename(filename)
    if not content.startswith(b"%PDF-"):
        raise InvalidInput(f"\"{name}\" är inte en PDF-fil.", {"file": "inte PDF"})
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # an encryption pypdf cannot open without a library: as a password
                opened = 0
            if not opened:
                raise InvalidInput(f"\"{name}\" är lösenordsskyddad och kan inte öppnas. Spara PDF-filen utan "
                                   "lösenord och ladda upp den igen.", {"file": "lösenordsskyddad"})
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 — reading every page's tree is the check
    except InvalidInput:
        raise
    except Exception:  # pypdf's errors, and what a broken file makes its parser raise
        raise InvalidInput(f"\"{name}\" är ingen PDF-fil som går att öppna: den är skadad eller något annat än en "
                           "PDF. Spara eller exportera dokumentet som PDF igen.", {"file": "skadad PDF"}) from None
    if pages == 0:
        raise InvalidInput(f"\"{name}\" har inga sidor.", {"file": "inga sidor"})
    return pages


def tenant_dir(slug: str) -> Path:
    path = Path(current_app.config["FILES_DIR"]) / slug
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored(slug: str, relative: str) -> Path | None:
    """The tenant's file at `relative`, or None when it is not there (or would lie outside)."""
    base = tenant_dir(slug).resolve()
    path = (base / relative).resolve()
    return path if base in path.parents and path.is_file() else None


def tenant_file(slug: str, relative: str) -> Path:
    path = _stored(slug, relative)
    if path is None:
        abort(404)
    return path


def _check_relative(relative: str) -> None:
    parts = relative.split("/")
    for part in parts:
        if part in ("", ".", "..") or len(part.encode("utf-8")) > 255 or not all(_visible(c) or c == " " for c in part):
            raise ValueError(f"Ogiltig sökväg för en fil: {relative!r} (använd safe_filename för namnet)")


def write_tenant_file(slug: str, relative: str, content: bytes) -> Path:
    """Write atomically: a reader sees the whole file or none, never half of it. `relative` is a
    path of "/"-separated parts, each at most 255 bytes, with no control characters and no "..":
    a name that came from a user goes through `safe_filename` first (ValueError otherwise)."""
    _check_relative(relative)
    target = tenant_dir(slug) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
    return target


class DamagedFile(Exception):
    """A stored file whose content no longer has the sha256 recorded when it was stored."""

    def __init__(self, relative: str, expected: str, found: str | None):
        super().__init__(f"{relative}: sha256 {found or 'saknas'}, väntat {expected}")
        self.relative, self.expected, self.found = relative, expected, found


def file_digest(slug: str, relative: str) -> str | None:
    """The sha256 (hex) of a stored file as it is on disk now; None when it is gone."""
    path = _stored(slug, relative)
    if path is None:
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_verified(slug: str, relative: str, sha256: str) -> bytes:
    """A stored original's bytes, only when they are what was stored (DESIGN: originals are
    write-once and checked when served). Raises DamagedFile, after logging it, when the file is
    gone or its content differs."""
    path = _stored(slug, relative)
    content = path.read_bytes() if path is not None else None
    found = hashlib.sha256(content).hexdigest() if content is not None else None
    if found != sha256:
        current_app.logger.error("Skadad fil i %s: %s (sha256 %s, väntat %s)", slug, relative, found, sha256)
        raise DamagedFile(relative, sha256, found)
    return content


def job_result_file(slug: str, relative: str, content: bytes, filename: str) -> dict:
    """Store a job's file and return the job result that names it, with its sha256, so that the
    file is served only as it was made ({"file", "filename", "sha256"})."""
    write_tenant_file(slug, relative, content)
    return {"file": relative, "filename": filename, "sha256": hashlib.sha256(content).hexdigest()}
