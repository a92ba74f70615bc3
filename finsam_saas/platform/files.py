"""Files of a tenant, kept under FILES_DIR/<tenant slug>/ and never served across tenants."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import abort, current_app


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


def write_tenant_file(slug: str, relative: str, content: bytes) -> Path:
    """Write atomically: a reader sees the whole file or none, never half of it."""
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
