"""Job functions for the job tests (importable by a real rq worker via PYTHONPATH)."""
from flask import g, has_request_context
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.organisation.models import Body
from finsam_saas.platform.tenancy import current_actor, current_tenant_id


def record_context(job, note: str) -> dict:
    return {
        "note": note,
        "tenant_id": current_tenant_id(),
        "actor": current_actor().label,
        "has_request": has_request_context(),
        "g_marker": g.get("marker"),
        "bodies": sorted(db.session.scalars(select(Body.name))),
    }


def fail_clearly(job) -> None:
    raise ValueError("Bilaga 3 saknas i underlaget")


def edit_first_paragraph(job, meeting_id: int) -> None:
    """Writes straight to the model, past the services, as a careless job might."""
    from finsam_saas.meetings.models import Meeting

    meeting = db.session.get(Meeting, meeting_id)
    meeting.minutes.paragraphs[0].text = "Ändrad av ett jobb"
    db.session.commit()


def die_midway(job) -> None:
    """Dies as an out-of-memory kill would, halfway through its work."""
    import os
    import signal

    from finsam_saas.platform.jobs import report_progress

    report_progress(job, 50)
    os.kill(os.getpid(), signal.SIGKILL)


def fail_unexpectedly(job) -> None:
    """A programming error deep in a job: the page must not show the library's words."""
    {}["saknas"]
