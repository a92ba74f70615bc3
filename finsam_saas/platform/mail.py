"""Outgoing mail: SMTP when SMTP_URL is set, otherwise .eml files in the outbox.

Send-outs call this from jobs, one message per recipient, so that who received
what can be recorded by the caller (platform/dispatch.py). A caller that records its
messages gives each its Message-ID before sending (`new_message_id`) and is told, through
`before_handover`, the moment the message is about to leave: up to then nothing has gone out
and sending again is safe. The outbox is written atomically under a name taken from the
Message-ID, so `outbox_holds` says for certain whether a message went out; SMTP cannot say
(`confirms_delivery`).
"""
from __future__ import annotations

import hashlib
import mimetypes
import os
import smtplib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

from finsam_saas.platform.models import utcnow


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str | None = None


def new_message_id() -> str:
    return make_msgid(domain="finsam.local")


def build_message(to: str, subject: str, body: str, attachments: list[Attachment] = (), *,
                  message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id or new_message_id()
    message.set_content(body)
    for attachment in attachments:
        mimetype = attachment.mimetype or mimetypes.guess_type(attachment.filename)[0] or "application/octet-stream"
        maintype, _, subtype = mimetype.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def send_mail(to: str, subject: str, body: str, attachments: list[Attachment] = (), *, message_id: str | None = None,
              before_handover: Callable[[], None] | None = None) -> str:
    """Send one message; returns its Message-ID.

    `before_handover` is called once the mail server is connected (or the outbox is ready) and
    just before the message is handed over; an exception from it stops the send."""
    message = build_message(to, subject, body, attachments, message_id=message_id)
    delay = float(current_app.config.get("MAIL_DELAY_SECONDS") or 0)
    smtp_url = current_app.config.get("SMTP_URL")
    if smtp_url:
        _send_smtp(smtp_url, message, delay, before_handover)
    else:
        outbox = Path(current_app.config["OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        if delay:
            time.sleep(delay)
        if before_handover is not None:
            before_handover()
        _write_outbox(outbox, f"{utcnow():%Y%m%dT%H%M%S}-{_outbox_key(message['Message-ID'])}.eml", bytes(message))
    return message["Message-ID"]


def confirms_delivery() -> bool:
    """Can `outbox_holds` tell whether a message went out? True for the outbox, False for SMTP."""
    return not current_app.config.get("SMTP_URL")


def outbox_holds(message_id: str) -> bool:
    """Is the message with this Message-ID in the outbox (written whole)?"""
    outbox = Path(current_app.config["OUTBOX_DIR"])
    return outbox.is_dir() and any(outbox.glob(f"*-{_outbox_key(message_id)}.eml"))


def _outbox_key(message_id: str) -> str:
    return hashlib.sha256(message_id.encode()).hexdigest()[:20]


def _write_outbox(outbox: Path, name: str, content: bytes) -> None:
    # Whole or not at all: a worker killed while writing leaves no .eml, only a stray .part file.
    fd, tmp = tempfile.mkstemp(dir=outbox, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, outbox / name)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _send_smtp(url: str, message: EmailMessage, delay: float, before_handover) -> None:
    parts = urlsplit(url)  # smtp://user:password@host:port or smtps://…
    connection_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with connection_class(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25), timeout=30) as smtp:
        if parts.scheme == "smtp+starttls":
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        if delay:
            time.sleep(delay)
        if before_handover is not None:
            before_handover()
        smtp.send_message(message)
