"""Bilagor: PDF uploads, checked by content (opened with pypdf) and size, their names made safe,
numbered per meeting ("bilaga 1", "bilaga 4.1"). They can be replaced or removed until the
kallelse is sent; one added after it is an ändring i föredragningslistan; none is added once the
protokoll is justerat."""
from __future__ import annotations

import hashlib
import re

from flask import current_app, g
from werkzeug.datastructures import FileStorage

from finsam_saas.extensions import db
from finsam_saas.meetings.models import AgendaChange, Attachment, Meeting
from finsam_saas.platform.files import check_pdf, safe_filename, write_tenant_file
from finsam_saas.platform.models import utcnow
from finsam_saas.platform.rules import InvalidInput, RuleViolation

LABEL = re.compile(r"^\d{1,3}(\.\d{1,3})?$")


def max_bytes() -> int:
    return int(current_app.config["MAX_ATTACHMENT_BYTES"])


def max_megabytes() -> int:
    return max_bytes() // (1024 * 1024)


def _next_label(meeting: Meeting, item_number: int | None) -> str:
    """The next free number in the meeting's own style: bilaga 1, 2, 3 … through the meeting
    (seed 000), or 4.1, 4.2 per item once the meeting numbers that way (seed 003)."""
    labels = [a.label for a in meeting.attachments]
    per_item = item_number is not None and any("." in label for label in labels)
    if not per_item:
        whole = [int(label.split(".")[0]) for label in labels if "." not in label]
        return str(max(whole, default=0) + 1)
    sub = [int(label.split(".")[1]) for label in labels if label.startswith(f"{item_number}.")]
    return f"{item_number}.{max(sub, default=0) + 1}"


def labels_text(labels: list[str]) -> str:
    """Bilaga numbers as the kallelse prints them: runs as "4 - 5" (seed 000), the rest by commas."""
    parts, run = [], []
    for label in labels:
        if run and label.isdigit() and run[-1].isdigit() and int(label) == int(run[-1]) + 1:
            run.append(label)
            continue
        if run:
            parts.append(run[0] if len(run) == 1 else f"{run[0]} - {run[-1]}")
        run = [label]
    if run:
        parts.append(run[0] if len(run) == 1 else f"{run[0]} - {run[-1]}")
    return ", ".join(parts)


def _read_pdf(upload: FileStorage | None) -> tuple[bytes, str]:
    """The uploaded bilaga's bytes and its safe name, once pypdf has opened it (files.check_pdf)."""
    if upload is None or not upload.filename:
        raise InvalidInput("Välj en PDF-fil att ladda upp.", {"file": "saknas"})
    name = safe_filename(upload.filename)
    content = upload.read(max_bytes() + 1)
    if len(content) > max_bytes():
        raise InvalidInput(f"\"{name}\" är större än {max_megabytes()} MB.", {"file": "för stor"})
    check_pdf(content, name)
    return content, name


def _store(meeting: Meeting, content: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(content).hexdigest()
    relative = f"meetings/{meeting.id}/{digest}.pdf"
    write_tenant_file(g.tenant.slug, relative, content)
    return relative, digest


def _ensure_open(meeting: Meeting) -> None:
    if meeting.minutes is not None and meeting.minutes.justerad:
        raise RuleViolation("justerad", "Protokollet är justerat; mötets bilagor kan inte längre ändras.")


def _ensure_not_sent(meeting: Meeting, what: str) -> None:
    _ensure_open(meeting)
    if meeting.notice_sent:
        raise RuleViolation("notice_sent", f"Kallelsen är skickad; bilagan kan inte {what}. Ladda upp en ny bilaga i "
                                           "stället och skicka ändringen till mottagarna.")


def _check_item(meeting: Meeting, item_number: int | None) -> None:
    if item_number is not None and item_number not in {i.number for i in meeting.items}:
        raise InvalidInput(f"Punkt {item_number} finns inte på dagordningen.", {"item_number": "finns inte"})


def add_attachment(meeting: Meeting, upload: FileStorage | None, *, label: str = "", title: str = "",
                   item_number: int | None = None) -> Attachment:
    """Upload a bilaga. Raises InvalidInput for a file that is no PDF pypdf can open (or one that
    needs a password) or too large, an unknown
    item, a label that is not like 4 or 4.1 or is taken; RuleViolation once justerat."""
    _ensure_open(meeting)
    content, filename = _read_pdf(upload)
    _check_item(meeting, item_number)
    label = label.strip().removeprefix("bilaga").removeprefix("Bilaga").strip() or _next_label(meeting, item_number)
    if not LABEL.match(label):
        raise InvalidInput(f"Bilagans nummer \"{label}\" ska vara som 4 eller 4.1.", {"label": "ogiltigt nummer"})
    if label in {a.label for a in meeting.attachments}:
        raise InvalidInput(f"Bilaga {label} finns redan för mötet.", {"label": "finns redan"})
    relative, digest = _store(meeting, content)
    attachment = Attachment(
        meeting_id=meeting.id, item_number=item_number, label=label, position=len(meeting.attachments),
        title=title.strip() or filename.rsplit(".", 1)[0], filename=filename,
        path=relative, size=len(content), sha256=digest,
    )
    meeting.attachments.append(attachment)
    if meeting.notice_sent:
        meeting.changes.append(AgendaChange(meeting_id=meeting.id, at=utcnow(),
                                            description=f"Ny bilaga {label}: {attachment.title}."))
    db.session.flush()
    return attachment


def update_attachment(attachment: Attachment, *, title: str, label: str, item_number: int | None) -> Attachment:
    """Change a bilaga's title, number or item before the kallelse is sent."""
    meeting = attachment.meeting
    _ensure_not_sent(meeting, "ändras")
    _check_item(meeting, item_number)
    label = label.strip().removeprefix("bilaga").removeprefix("Bilaga").strip() or attachment.label
    if not LABEL.match(label):
        raise InvalidInput(f"Bilagans nummer \"{label}\" ska vara som 4 eller 4.1.", {"label": "ogiltigt nummer"})
    if label in {a.label for a in meeting.attachments if a is not attachment}:
        raise InvalidInput(f"Bilaga {label} finns redan för mötet.", {"label": "finns redan"})
    if not title.strip():
        raise InvalidInput("Ange bilagans titel.", {"title": "saknas"})
    attachment.title, attachment.label, attachment.item_number = title.strip(), label, item_number
    db.session.flush()
    return attachment


def replace_attachment(attachment: Attachment, upload: FileStorage | None) -> Attachment:
    """A new file for the bilaga (same number and title), before the kallelse is sent."""
    meeting = attachment.meeting
    _ensure_not_sent(meeting, "bytas")
    content, filename = _read_pdf(upload)
    attachment.path, attachment.sha256 = _store(meeting, content)
    attachment.filename, attachment.size = filename, len(content)
    db.session.flush()
    return attachment


def remove_attachment(attachment: Attachment) -> None:
    """Take a bilaga away before the kallelse is sent (the file stays stored: it may be referred to)."""
    meeting = attachment.meeting
    _ensure_not_sent(meeting, "tas bort")
    meeting.attachments.remove(attachment)
    db.session.flush()

