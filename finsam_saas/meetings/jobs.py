"""Background work of the meetings module: PDFs, and the send-outs — the kallelse, an
ändring i föredragningslistan, a cancellation, the justerat protokoll for the members'
anslag, and word to a signer whose approval a change withdrew. Every send-out goes through
`platform.dispatch`: each recipient once, and a send-out that missed people says whom."""
from __future__ import annotations

from flask import current_app, url_for

from finsam_saas.extensions import db
from finsam_saas.meetings import archive, documents, recipients
from finsam_saas.meetings.agenda import held
from finsam_saas.meetings.models import Meeting, Signer
from finsam_saas.platform.dispatch import Message, Recipient, send_batch
from finsam_saas.platform.files import job_result_file
from finsam_saas.platform.jobs import report_progress
from finsam_saas.platform.mail import Attachment as MailAttachment
from finsam_saas.platform.models import Tenant, utcnow


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise LookupError(f"Mötet {meeting_id} finns inte.")
    return meeting


def _link(endpoint: str, tenant: Tenant, **values) -> str:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, tenant=tenant.slug, _external=True, **values)


def render_notice(job, meeting_id: int) -> dict:
    meeting = _meeting(meeting_id)
    tenant = db.session.get(Tenant, meeting.tenant_id)
    report_progress(job, 20)
    pdf = documents.notice_pdf(meeting)
    relative = f"jobs/{job.id}/kallelse-{meeting.date}.pdf"
    return job_result_file(tenant.slug, relative, pdf, f"kallelse-{meeting.body.slug}-{meeting.date}.pdf")


def render_minutes(job, meeting_id: int) -> dict:
    meeting = _meeting(meeting_id)
    if meeting.minutes is None:
        raise LookupError("Mötet har inget protokoll.")
    tenant = db.session.get(Tenant, meeting.tenant_id)
    report_progress(job, 20)
    pdf = archive.minutes_pdf(meeting.minutes)
    relative = f"jobs/{job.id}/protokoll-{meeting.date}.pdf"
    return job_result_file(tenant.slug, relative, pdf, archive.file_name(meeting.minutes))


def _notice_files(meeting: Meeting) -> tuple[MailAttachment, ...]:
    files = [MailAttachment(f"kallelse-{meeting.date}.pdf", documents.notice_pdf(meeting), "application/pdf")]
    for attachment in meeting.bilagor:
        files.append(MailAttachment(f"bilaga {attachment.label} - {attachment.filename}",
                                    archive.attachment_pdf(attachment), "application/pdf"))
    return tuple(files)


def _greeting(meeting: Meeting) -> str:
    """"sammanträdet 2020-11-27 (Styrelse, Distansmöte via Zoom)": names the body without a genitive."""
    return f"sammanträdet {meeting.date} ({meeting.body.name}{', ' + meeting.place if meeting.place else ''})"


def send_notice(job, meeting_id: int) -> dict:
    """Mail the kallelse and its bilagor to every member of the body on the meeting's day.

    Ends Klart only when everyone got it; fails when nobody did; names whoever it missed."""
    meeting = _meeting(meeting_id)
    if meeting.cancelled:
        raise ValueError(f"Mötet {meeting.date} är inställt; kallelsen skickas inte.")
    if reason := held(meeting):
        raise ValueError(f"{reason}; kallelsen skickas inte längre.")
    from finsam_saas.meetings import services
    from finsam_saas.meetings.services import freeze_appendices

    tenant = db.session.get(Tenant, meeting.tenant_id)
    freeze_appendices(meeting, "kallelse")
    db.session.commit()
    files = _notice_files(meeting)
    report_progress(job, 10)
    link = _link("meetings.meeting", tenant, meeting_id=meeting.id)
    subject = f"Kallelse: {meeting.body.name} {meeting.date}"
    bilagor_text = services.bilagor_text(meeting)
    body = (f"Välkommen till {_greeting(meeting)}.\n\n"
            f"Kallelsen med föredragningslista och {bilagor_text} finns bifogade, och i Finsam:\n{link}\n")
    result = send_batch(job, recipients.notice_batch(meeting), recipients.notice_recipients(meeting),
                        lambda r: Message(subject, body, files), what="Kallelsen")
    if meeting.notice_sent_at is None:
        meeting.notice_sent_at = utcnow()
    db.session.commit()
    return result.as_result()


def send_supplement(job, meeting_id: int) -> dict:
    """Mail the ändringar i föredragningslistan made since the kallelse, with the kallelse as it
    now reads, to the kallelse's recipients; the changes are then marked sent."""
    from finsam_saas.meetings.services import freeze_appendices, unsent_changes

    meeting = _meeting(meeting_id)
    if reason := held(meeting):
        raise ValueError(f"{reason}; ändringarna skickas inte längre.")
    changes = unsent_changes(meeting)
    if not changes:
        raise ValueError("Det finns inga ändringar att skicka.")
    tenant = db.session.get(Tenant, meeting.tenant_id)
    freeze_appendices(meeting, f"andring:{changes[0].id}")
    db.session.commit()
    files = _notice_files(meeting)
    listing = "\n".join(f"- {c.description}" for c in changes)
    subject = f"Ändring i föredragningslistan: {meeting.body.name} {meeting.date}"
    body = (f"Föredragningslistan till {_greeting(meeting)} är ändrad:\n\n{listing}\n\n"
            f"Kallelsen som den nu lyder finns bifogad, och i Finsam:\n"
            f"{_link('meetings.meeting', tenant, meeting_id=meeting.id)}\n")
    result = send_batch(job, f"meeting:{meeting.id}:andring:{changes[0].id}", recipients.notice_recipients(meeting),
                        lambda r: Message(subject, body, files), what="Ändringen i föredragningslistan")
    for change in changes:
        change.sent_at = utcnow()
    db.session.commit()
    return result.as_result()


def send_cancellation(job, meeting_id: int) -> dict:
    """Tell those who got the kallelse that the meeting is cancelled, with any change not yet sent
    (a move they never heard of is named as such); the changes are then marked sent."""
    from finsam_saas.meetings.services import unsent_changes

    meeting = _meeting(meeting_id)
    if not meeting.cancelled:
        raise ValueError(f"Mötet {meeting.date} är inte inställt.")
    earlier = [c for c in unsent_changes(meeting) if not c.description.startswith("Mötet är inställt")]
    subject = f"Inställt: {meeting.body.name} {meeting.date}"
    body = f"S{_greeting(meeting)[1:]} är inställt."
    if meeting.cancel_reason:
        body += f"\n\n{meeting.cancel_reason}"
    if earlier:
        body += "\n\nÄndringar sedan kallelsen, som ni inte har fått besked om:\n" + "\n".join(
            f"- {c.description}" for c in earlier)
    result = send_batch(job, f"meeting:{meeting.id}:installt", recipients.notice_recipients(meeting),
                        lambda r: Message(subject, body + "\n"), what="Beskedet om inställt möte")
    for change in unsent_changes(meeting):
        change.sent_at = utcnow()
    db.session.commit()
    return result.as_result()


def send_justerat_protokoll(job, meeting_id: int) -> dict:
    """Mail the justerat protokoll to each member for its anslag (seed 000's bevis names their
    notice boards) and to the revisorer. Members get the public copy (no confidential §§)."""
    meeting = _meeting(meeting_id)
    minutes = meeting.minutes
    if minutes is None or not minutes.justerad:
        raise ValueError("Protokollet är inte justerat än.")
    tenant = db.session.get(Tenant, meeting.tenant_id)
    public = MailAttachment(archive.file_name(minutes),
                            archive.minutes_pdf(minutes, public=True), "application/pdf")
    report_progress(job, 15)
    whole = MailAttachment(public.filename, archive.minutes_pdf(minutes), "application/pdf")
    report_progress(job, 30)
    board = _link("public_meetings.anslagstavla", tenant)
    dates = (f"Justeringsdatum {minutes.justerad_on}. Anslaget sätts upp {minutes.anslag_posted} och tas ned "
             f"{minutes.anslag_removed}.")

    def compose(recipient: Recipient) -> Message:
        if recipient.why == "revisor":
            return Message(f"Justerat protokoll: {meeting.body.name} {meeting.date}",
                           f"Till revisorerna: här är det justerade protokollet från {_greeting(meeting)}.\n\n{dates}\n",
                           (whole,))
        return Message(f"Anslag av justerat protokoll: {meeting.body.name} {meeting.date}",
                       f"Hej,\n\n{tenant.name} ber er anslå justeringen av protokollet från {_greeting(meeting)} "
                       f"på er anslagstavla.\n\n{dates}\n\nProtokollet finns bifogat och på förbundets "
                       f"anslagstavla:\n{board}\n", (public,))

    result = send_batch(job, recipients.protokoll_batch(minutes), recipients.protokoll_recipients(), compose,
                        what="Utskicket av protokollet", progress=(30, 99))
    return result.as_result()


def notify_withdrawn(job, signer_ids: list[int]) -> dict:
    """Tell each signer whose approval a change withdrew that the protokoll needs their look again."""
    signers = [s for s in (db.session.get(Signer, i) for i in signer_ids) if s is not None and s.approved_at is None]
    if not signers:
        return {"sent": 0, "warnings": []}
    minutes = signers[0].minutes
    meeting = minutes.meeting
    tenant = db.session.get(Tenant, meeting.tenant_id)
    link = _link("meetings.minutes", tenant, meeting_id=meeting.id)
    subject = f"Protokollet har ändrats: {meeting.body.name} {meeting.date}"
    body = (f"Protokollet från {_greeting(meeting)} har ändrats efter att du godkände det, så ditt godkännande "
            f"gäller inte längre. Läs det igen och godkänn det på nytt:\n{link}\n")
    people = [recipients.signer_recipient(meeting, s) for s in signers]
    # One batch per withdrawal (this job): a retry of it mails nobody twice, a later change mails again.
    result = send_batch(job, f"minutes:{minutes.id}:andrat:{job.id}", people, lambda r: Message(subject, body),
                        what="Beskedet om det ändrade protokollet")
    return result.as_result()


def ask_for_approval(job, meeting_id: int) -> dict:
    """Ask each signer who has not approved the protokoll as it reads to read and approve it."""
    from finsam_saas.meetings.services import missing_approvals

    meeting = _meeting(meeting_id)
    minutes = meeting.minutes
    if minutes is None or minutes.justerad:
        raise ValueError("Protokollet finns inte eller är redan justerat.")
    tenant = db.session.get(Tenant, meeting.tenant_id)
    link = _link("meetings.minutes", tenant, meeting_id=meeting.id)
    waiting = missing_approvals(minutes)
    if not waiting:
        return {"sent": 0, "warnings": []}
    subject = f"Protokoll att godkänna: {meeting.body.name} {meeting.date}"

    def compose(recipient: Recipient) -> Message:
        return Message(subject, f"Hej {recipient.name},\n\nProtokollet från {_greeting(meeting)} är klart att läsa. "
                                f"Du är {recipient.why} och ombeds godkänna det i Finsam:\n{link}\n")

    result = send_batch(job, f"minutes:{minutes.id}:godkann:{job.id}",
                        [recipients.signer_recipient(meeting, s) for s in waiting], compose,
                        what="Begäran om godkännande")
    return result.as_result()


def check_archive(job) -> dict:
    """Every justerat protokoll of the tenant checked against its stored original and hashes
    (`meetings.archive.check`); each that fails is a warning, so the job ends "Klart med avvikelser"."""
    checks = archive.check_archive()
    report_progress(job, 90)
    failed = [{"meeting_id": c.minutes.meeting_id, "label": f"{c.minutes.meeting.body.name} {c.minutes.meeting.date}",
               "problems": list(c.problems)} for c in checks if not c.ok]
    return {"checked": len(checks), "failed": failed, "backfilled": sum(c.backfilled for c in checks),
            "warnings": [f"Protokollet från {f['label']}: {' '.join(f['problems'])}" for f in failed]}
