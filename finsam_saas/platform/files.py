"""Files of a tenant, kept under FILES_DIR/<tenant slug>/ and never served across tenants."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import abort, current_app


def tenant_dir(slug: str) -> Path:
    path = Path(current_app.config["FILES_DIR"]) / slug
    path.mkdir(parents=True, exist_ok=True)
    return path


def tenant_file(slug: str, relative: str) -> Path:
    base = tenant_dir(slug).resolve()
    path = (base / relative).resolve()
    if base not in path.parents or not path.is_file():
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
