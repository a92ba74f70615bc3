"""Send-outs that say truly what they did: one message per recipient, each recorded.

Every job that mails goes through `send_batch`. Each recipient's delivery moves through states,
each committed on its own before the next step, so a send-out started again — by rq after a worker
died (platform/jobs.py retries it), or by the kansli after fixing an address — continues where the
earlier run stopped and mails nobody twice:

1. *prepared* (with the message's Message-ID) before anything leaves: a run that died here handed
   nothing over, and the next run sends it;
2. *sending* once the mail server is connected, just before the message is handed over;
3. *sent* when the outbox has it written whole, or the SMTP server acknowledged it.

What this guarantees is exactly once per recipient as far as the transport acknowledges. The outbox
is written atomically under a name taken from the Message-ID, so a delivery left *sending* is looked
up there: sent if the file is there, sent again if not — exactly once. Over SMTP a delivery left
*sending* (the worker died between handing the message over and recording the server's answer, a
window of one SMTP exchange) may or may not have arrived: it is not sent again but reported by name
(at most once), since a kallelse twice is worse than one the kansli is told to check. A message the
server refused is *failed* and goes again with the next run (at least once for that one).

Runs of one send-out never mail the same recipient at the same time: a delivery is taken over with
a compare-and-set on its state, and one prepared or being sent by another run that is still alive
is left to that run. A send-out that reached nobody raises `NobodyReached` (the job fails); one that
missed people returns warnings naming them (the job ends *Klart med avvikelser*). A run that
continues its own earlier run counts what that run sent as sent.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from finsam_saas.extensions import db
from finsam_saas.platform import mail
from finsam_saas.platform.jobs import FINISHED_STATES, refresh_from_queue, report_progress
from finsam_saas.platform.mail import Attachment
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
        reasons = " ".join(result.warnings()) or "Det fanns inga mottagare."
        raise NobodyReached(f"{what} nådde ingen. {reasons}")
    return result


# A delivery another run holds is taken over when that run is over: its job ended, or it has held
# it longer than any job may run (rq stops a job after 600 s) or a request may take.
HELD_BY_JOB_AT_MOST = timedelta(minutes=15)
HELD_BY_REQUEST_AT_MOST = timedelta(minutes=2)


def _deliver(job, batch, recipient: Recipient, address: str, record: Delivery | None, compose, result) -> None:
    job_id = job.id if job is not None else None
    if record is not None:
        if record.state == "sent":
            (result.sent if _ours(record, job_id) else result.already).append(recipient)
            return
        if record.state == "sending":
            if not (record.message_id and mail.confirms_delivery()):
                result.uncertain.append(recipient)  # SMTP cannot say whether it arrived: at most once
                return
            if mail.outbox_holds(record.message_id):
                # It went out; only its record was lost with the worker.
                mine = _ours(record, job_id)
                record.state, record.at = "sent", utcnow()
                db.session.commit()
                (result.sent if mine else result.already).append(recipient)
                return
        if record.state in ("prepared", "sending") and not _abandoned(record, job_id):
            result.already.append(recipient)  # another run of this send-out is on it right now
            return
    message = compose(recipient)
    record = _claim(job_id, batch, recipient, address, record, message)
    if record is None:
        result.already.append(recipient)  # another run took it a moment ago: it sends
        return

    def handing_over() -> None:
        record.state = "sending"
        db.session.commit()

    try:
        mail.send_mail(recipient.email.strip(), message.subject, message.body, list(message.attachments),
                       message_id=record.message_id, before_handover=handing_over)
    except Exception as error:  # SMTP refused, connection lost: this one did not go out
        db.session.rollback()
        current_app.logger.warning("Utskick %s: leverans %s misslyckades: %s", batch, record.id, type(error).__name__)
        record.state, record.error = "failed", _reason(error)
        db.session.commit()
        result.failed.append((recipient, record.error))
        return
    record.state, record.at = "sent", utcnow()
    db.session.commit()
    result.sent.append(recipient)


def _ours(record: Delivery, job_id: int | None) -> bool:
    """Did this very job (in this run or an earlier one of it) record the delivery?"""
    return job_id is not None and record.job_id == job_id


def _abandoned(record: Delivery, job_id: int | None) -> bool:
    """Is the run that left the delivery prepared or sending over? An earlier run of this same job
    is (a job runs once at a time: its worker is gone); another job's when that job has ended."""
    if _ours(record, job_id):
        return True
    held = utcnow() - _aware(record.at)
    if record.job_id is None:
        return held > HELD_BY_REQUEST_AT_MOST
    holder = db.session.get(Job, record.job_id)
    if holder is not None and holder.state not in FINISHED_STATES:
        holder = refresh_from_queue(holder)  # a worker that died says so only through the queue
    return holder is None or holder.state in FINISHED_STATES or held > HELD_BY_JOB_AT_MOST


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)  # SQLite keeps no zone


def _claim(job_id, batch, recipient: Recipient, address: str, record: Delivery | None, message: Message):
    """Record the delivery as prepared, with its Message-ID, and commit; None when another run of
    the send-out recorded or took it first (a compare-and-set on its state and time)."""
    values = {"state": "prepared", "error": None, "job_id": job_id, "at": utcnow(), "recipient": recipient.name,
              "message_id": mail.new_message_id(), "files": [a.filename for a in message.attachments]}
    if record is None:
        record = Delivery(batch=batch, address=address, **values)
        db.session.add(record)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return None
        return record
    taken = db.session.execute(
        update(Delivery).where(Delivery.id == record.id, Delivery.state == record.state, Delivery.at == record.at)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    db.session.commit()  # expires the record: it is read again as it now is
    return record if taken == 1 else None


def _reason(error: Exception) -> str:
    import smtplib

    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "e-postservern tog inte emot adressen."
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return "e-postservern svarade inte; försök igen senare."
    return "meddelandet kunde inte skickas."
