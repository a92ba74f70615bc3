"""The kallelse and the protokoll as PDF, laid out like the seed papers."""
from __future__ import annotations

from flask import render_template

from finsam_saas.extensions import db
from finsam_saas.meetings import attachments as bilagor, attendance, services
from finsam_saas.meetings.models import Meeting, Minutes
from finsam_saas.platform import clock
from finsam_saas.platform.documents import render_pdf
from finsam_saas.platform.files import tenant_dir
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.rules import RuleViolation


def _tenant(tenant_id: int) -> Tenant:
    return db.session.get(Tenant, tenant_id)


def notice_pdf(meeting: Meeting) -> bytes:
    tenant = _tenant(meeting.tenant_id)
    html = render_template("pdf/notice.html", tenant=tenant, meeting=meeting,
                           appendices=services.notice_appendices(meeting), labels_text=bilagor.labels_text,
                           issued=clock.local_date(meeting.notice_sent_at) if meeting.notice_sent_at else clock.today())
    return render_pdf(html, tenant_files_dir=tenant_dir(tenant.slug))


def minutes_html(minutes: Minutes, *, public: bool = False, names: dict | None = None) -> str:
    """The protokoll's print HTML. The public copy leaves out confidential §§. An approval is
    printed only while it holds for the text as it reads. `names`: the förbund's, the body's and
    the members' names to print (`services.printed_names`; those stored at justering for a
    justerat protokoll), today's when None. At a meeting with a roll (`attendance.Roll`) the
    beslutande are the ombud present, with how many of the roll's that is and who was absent."""
    tenant = _tenant(minutes.tenant_id)
    paragraphs = [p for p in minutes.paragraphs if not (public and p.confidential)]
    numbers = [p.number for p in minutes.paragraphs]
    tasks = services.tasks_of(minutes)
    text_hash = services.content_hash(minutes, with_justering=False, tasks=tasks)
    roll = attendance.roll_of(minutes.meeting)
    return render_template(
        "pdf/minutes.html", tenant=tenant, minutes=minutes, meeting=minutes.meeting, paragraphs=paragraphs,
        roll=roll, on_roll=attendance.roll_attendance(minutes, roll),
        public=public, quorum_at=services.quorum_at, vote_sentence=services.vote_sentence, numbers=numbers,
        service=attendance.service(minutes, numbers), instead=attendance.instead_of_javiga(minutes), tasks=tasks,
        names=names or services.printed_names(minutes),
        approved={s.id: services.approval_valid(minutes, s, text_hash) for s in minutes.signers},
    )


def render_minutes_pdf(minutes: Minutes, *, public: bool = False, names: dict | None = None) -> bytes:
    """The protokoll rendered now from its rows: PDF/A once justerat (`minutes_html`). Only
    `meetings.archive` renders a justerat one, once, to store it; everyone else gets that file."""
    tenant = _tenant(minutes.tenant_id)
    return render_pdf(minutes_html(minutes, public=public, names=names), tenant_files_dir=tenant_dir(tenant.slug),
                      archive=minutes.justerad)


def minutes_pdf(minutes: Minutes, *, public: bool = False) -> bytes:
    """A protokoll not yet justerat, as PDF; a justerat one is served from its stored original
    (`meetings.archive.minutes_pdf`). Raises RuleViolation `justerad` for a justerat protokoll."""
    if minutes.justerad:
        raise RuleViolation("justerad", "Ett justerat protokoll hämtas som sitt sparade original.")
    return render_minutes_pdf(minutes, public=public)
