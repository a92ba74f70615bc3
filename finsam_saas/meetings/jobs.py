"""Background work of the meetings module: PDFs and the send-out of the kallelse."""
from __future__ import annotations

from finsam_saas.extensions import db
from finsam_saas.meetings import attachments as bilagor, documents
from finsam_saas.meetings.models import Meeting, NoticeDelivery
from finsam_saas.platform.files import write_tenant_file
from finsam_saas.platform.jobs import report_progress
from finsam_saas.platform.mail import Attachment as MailAttachment, send_mail
from finsam_saas.platform.models import Tenant, utcnow


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise LookupError(f"Mötet {meeting_id} finns inte.")
    return meeting


def render_notice(job, meeting_id: int) -> dict:
    meeting = _meeting(meeting_id)
    tenant = db.session.get(Tenant, meeting.tenant_id)
    report_progress(job, 20)
    pdf = documents.notice_pdf(meeting)
    relative = f"jobs/{job.id}/kallelse-{meeting.date}.pdf"
    write_tenant_file(tenant.slug, relative, pdf)
    return {"file": relative, "filename": f"kallelse-{meeting.body.slug}-{meeting.date}.pdf"}


def render_minutes(job, meeting_id: int) -> dict:
    meeting = _meeting(meeting_id)
    if meeting.minutes is None:
        raise LookupError("Mötet har inget protokoll.")
    tenant = db.session.get(Tenant, meeting.tenant_id)
    report_progress(job, 20)
    pdf = documents.minutes_pdf(meeting.minutes)
    relative = f"jobs/{job.id}/protokoll-{meeting.date}.pdf"
    write_tenant_file(tenant.slug, relative, pdf)
    return {"file": relative, "filename": f"protokoll-{meeting.body.slug}-{meeting.date}.pdf"}


def send_notice(job, meeting_id: int) -> dict:
    """Mail the kallelse and its bilagor to every seat of the body that has an e-mail address."""
    meeting = _meeting(meeting_id)
    files = [MailAttachment(f"kallelse-{meeting.date}.pdf", documents.notice_pdf(meeting), "application/pdf")]
    for attachment in meeting.attachments:
        files.append(MailAttachment(f"bilaga {attachment.label} - {attachment.filename}",
                                    bilagor.path_of(attachment).read_bytes(), "application/pdf"))
    seats = [s for s in meeting.body.seats if s.active]
    report_progress(job, 10)
    sent = missing = 0
    subject = f"Kallelse: {meeting.body.name} {meeting.date}"
    body = (f"Välkommen till {meeting.body.name.lower()}s sammanträde {meeting.date}"
            f"{' i ' + meeting.place if meeting.place else ''}.\n\nKallelsen med föredragningslista och "
            f"{len(meeting.attachments)} bilagor finns bifogade.\n")
    names = [f.filename for f in files]
    for index, seat in enumerate(seats, start=1):
        if seat.email:
            message_id = send_mail(seat.email, subject, body, files)
            db.session.add(NoticeDelivery(meeting_id=meeting.id, recipient=seat.person, email=seat.email,
                                          files=names, message_id=message_id, sent_at=utcnow()))
            sent += 1
        else:
            db.session.add(NoticeDelivery(meeting_id=meeting.id, recipient=seat.person, email=None, files=[],
                                          message_id=None, sent_at=None))
            missing += 1
        db.session.commit()
        report_progress(job, 10 + 85 * index // max(len(seats), 1))
    meeting.notice_sent_at = utcnow()
    return {"sent": sent, "without_email": missing}
