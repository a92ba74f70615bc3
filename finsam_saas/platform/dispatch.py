"""Send-outs that say truly what they did: one message per recipient, each recorded.

Every job that mails goes through `send_batch`. It records a recipient as *sending* (and
commits) before the message leaves, and as *sent* after, so that a send-out started again —
by rq after a worker died, or by the kansli after fixing an address — skips everyone who
already has it and never mails anyone twice; one left *sending* may have got it and is
reported, not mailed again. A send-out that reached nobody raises `NobodyReached` (the job
fails); one that missed people returns warnings naming them (the job ends *Klart med
avvikelser*).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from finsam_saas.extensions import db
from finsam_saas.platform.jobs import report_progress
from finsam_saas.platform.mail import Attachment, send_mail
from finsam_saas.platform.models import Delivery, Job, utcnow
from finsam_saas.platform.rules import RuleViolation


@dataclass(frozen=True)
class Recipient:
    """Who a send-out is for: a name, an e-mail address or None, and why they get it."""

    name: str
    email: str | None
    why: str = ""

    @property
    def address(self) -> str | None:
        return self.email.strip().lower() if self.email and self.email.strip() else None


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


class NobodyReached(RuleViolation):
    """The send-out reached no one: the job fails with this message."""

    def __init__(self, message: str):
        super().__init__("nobody_reached", message)


@dataclass
class DispatchResult:
    sent: list[Recipient] = field(default_factory=list)
    already: list[Recipient] = field(default_factory=list)
    without_address: list[Recipient] = field(default_factory=list)
    failed: list[tuple[Recipient, str]] = field(default_factory=list)
    uncertain: list[Recipient] = field(default_factory=list)

    @property
    def reached(self) -> int:
        return len(self.sent) + len(self.already)

    def warnings(self) -> list[str]:
        """One Swedish sentence per recipient who did not get it, naming them."""
        lines = [f"{r.name} fick inget: e-postadress saknas." for r in self.without_address]
        lines += [f"{r.name} ({r.address}) fick inget: {error}" for r, error in self.failed]
        lines += [f"{r.name} ({r.address}) kan ha fått det innan jobbet avbröts; skickas inte igen. Kontrollera med mottagaren."
                  for r in self.uncertain]
        return lines

    def as_result(self) -> dict:
        """The job's result: counts, and the warnings that make it "Klart med avvikelser"."""
        return {"sent": len(self.sent), "already": len(self.already), "without_address": len(self.without_address),
                "failed": len(self.failed), "uncertain": len(self.uncertain), "warnings": self.warnings()}


def delivered(batch: str) -> dict[str, Delivery]:
    """The recorded deliveries of a send-out by address."""
    return {d.address: d for d in db.session.scalars(select(Delivery).where(Delivery.batch == batch))}


def send_batch(job: Job | None, batch: str, recipients: Iterable[Recipient], compose: Callable[[Recipient], Message],
               *, what: str, progress: tuple[int, int] = (10, 99)) -> DispatchResult:
    """Mail `compose(recipient)` to each recipient with an address, once per address in `batch`.

    `what` names the send-out in the error when nobody was reached ("Kallelsen"). Progress is
    reported on `job` between the two percentages. Raises NobodyReached when no recipient has
    or had it. Each recipient's record is committed on its own, so a crash loses nothing.
    """
    recipients = list(recipients)
    seen: set[str] = set()
    result = DispatchResult()
    known = delivered(batch)
    start, end = progress
    for index, recipient in enumerate(recipients, start=1):
        address = recipient.address
        if address is None:
            result.without_address.append(recipient)
        elif address in seen:
            pass  # the same address twice in one send-out (one person in two roles) gets one message
        else:
            seen.add(address)
            _deliver(job, batch, recipient, address, known.get(address), compose, result)
        if job is not None:
            report_progress(job, start + (end - start) * index // max(len(recipients), 1))
    if not result.reached:
        reasons = "; ".join(result.warnings()) or "det fanns inga mottagare"
        raise NobodyReached(f"{what} nådde ingen. {reasons}")
    return result


def _deliver(job, batch, recipient: Recipient, address: str, record: Delivery | None, compose, result) -> None:
    if record is not None and record.state == "sent":
        result.already.append(recipient)
        return
    if record is not None and record.state == "sending":
        result.uncertain.append(recipient)
        return
    message = compose(recipient)
    if record is None:
        record = Delivery(batch=batch, address=address, recipient=recipient.name)
        db.session.add(record)
    record.state, record.error, record.job_id, record.at = "sending", None, job.id if job else None, utcnow()
    record.files = [a.filename for a in message.attachments]
    try:
        db.session.commit()
    except IntegrityError:
        # Another run of the same send-out (a double click) recorded this address a moment ago: it sends.
        db.session.rollback()
        result.already.append(recipient)
        return
    try:
        record.message_id = send_mail(recipient.email.strip(), message.subject, message.body, list(message.attachments))
    except Exception as error:  # SMTP refused, connection lost: this one did not go out
        current_app.logger.warning("Utskick %s till %s misslyckades: %s", batch, address, error)
        record.state, record.error = "failed", _reason(error)
        db.session.commit()
        result.failed.append((recipient, record.error))
        return
    record.state, record.at = "sent", utcnow()
    db.session.commit()
    result.sent.append(recipient)


def _reason(error: Exception) -> str:
    import smtplib

    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "e-postservern tog inte emot adressen."
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return "e-postservern svarade inte; försök igen senare."
    return "meddelandet kunde inte skickas."
