"""Outgoing mail: SMTP when SMTP_URL is set, otherwise .eml files in the outbox.

Send-outs call this from jobs, one message per recipient, so that who received
what can be recorded by the caller.
"""
from __future__ import annotations

import mimetypes
import smtplib
import uuid
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


def build_message(to: str, subject: str, body: str, attachments: list[Attachment] = ()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="finsam.local")
    message.set_content(body)
    for attachment in attachments:
        mimetype = attachment.mimetype or mimetypes.guess_type(attachment.filename)[0] or "application/octet-stream"
        maintype, _, subtype = mimetype.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def send_mail(to: str, subject: str, body: str, attachments: list[Attachment] = ()) -> str:
    """Send one message; returns its Message-ID."""
    message = build_message(to, subject, body, attachments)
    smtp_url = current_app.config.get("SMTP_URL")
    if smtp_url:
        _send_smtp(smtp_url, message)
    else:
        outbox = Path(current_app.config["OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        (outbox / name).write_bytes(bytes(message))
    return message["Message-ID"]


def _send_smtp(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)  # smtp://user:password@host:port or smtps://…
    connection_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with connection_class(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25), timeout=30) as smtp:
        if parts.scheme == "smtp+starttls":
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
