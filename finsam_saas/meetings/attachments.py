"""Bilagor: PDF uploads, checked by content and size, numbered per meeting."""
from __future__ import annotations

import hashlib
import re

from flask import current_app, g
from werkzeug.datastructures import FileStorage

from finsam_saas.extensions import db
from finsam_saas.meetings.models import Attachment, Meeting
from finsam_saas.platform.files import tenant_file, write_tenant_file
from finsam_saas.platform.rules import InvalidInput

LABEL = re.compile(r"^\d{1,3}(\.\d{1,3})?$")


def max_bytes() -> int:
    return int(current_app.config["MAX_ATTACHMENT_BYTES"])


def max_megabytes() -> int:
    return max_bytes() // (1024 * 1024)


def _next_label(meeting: Meeting, item_number: int | None) -> str:
    labels = [a.label for a in meeting.attachments]
    if item_number is None:
        whole = [int(label) for label in labels if "." not in label]
        return str(max(whole, default=0) + 1)
    sub = [int(label.split(".")[1]) for label in labels if label.startswith(f"{item_number}.")]
    return f"{item_number}.{max(sub, default=0) + 1}"


def add_attachment(meeting: Meeting, upload: FileStorage | None, *, label: str = "", title: str = "",
                   item_number: int | None = None) -> Attachment:
    if upload is None or not upload.filename:
        raise InvalidInput("Välj en PDF-fil att ladda upp.", {"file": "saknas"})
    content = upload.read(max_bytes() + 1)
    if len(content) > max_bytes():
        raise InvalidInput(f"Filen är större än {max_megabytes()} MB.", {"file": "för stor"})
    if not content.startswith(b"%PDF-"):
        raise InvalidInput(f"\"{upload.filename}\" är inte en PDF-fil.", {"file": "inte PDF"})
    if item_number is not None and item_number not in {i.number for i in meeting.items}:
        raise InvalidInput(f"Punkt {item_number} finns inte på dagordningen.", {"item_number": "finns inte"})
    label = label.strip().removeprefix("bilaga").strip() or _next_label(meeting, item_number)
    if not LABEL.match(label):
        raise InvalidInput(f"Bilagans nummer \"{label}\" ska vara som 4 eller 4.1.", {"label": "ogiltigt nummer"})
    if label in {a.label for a in meeting.attachments}:
        raise InvalidInput(f"Bilaga {label} finns redan för mötet.", {"label": "finns redan"})
    digest = hashlib.sha256(content).hexdigest()
    relative = f"meetings/{meeting.id}/{digest}.pdf"
    write_tenant_file(g.tenant.slug, relative, content)
    attachment = Attachment(
        meeting_id=meeting.id, item_number=item_number, label=label, position=len(meeting.attachments),
        title=title.strip() or upload.filename.rsplit(".", 1)[0], filename=upload.filename,
        path=relative, size=len(content), sha256=digest,
    )
    meeting.attachments.append(attachment)
    db.session.flush()
    return attachment


def path_of(attachment: Attachment):
    from finsam_saas.platform.models import Tenant

    tenant = db.session.get(Tenant, attachment.tenant_id)
    return tenant_file(tenant.slug, attachment.path)
