"""Background work of analysis: importing SCB's file, and the medlemssamråd PDF."""
from __future__ import annotations

from finsam_saas.analysis import documents, helars
from finsam_saas.extensions import db
from finsam_saas.platform.files import tenant_file, job_result_file
from finsam_saas.platform.jobs import report_progress
from finsam_saas.platform.models import Tenant, User


def import_helarsekvivalenter(job, path: str, filename: str) -> dict:
    """The whole file or nothing: a bad row fails the job with its reason (naming the file, row and
    column)."""
    from finsam_saas.platform.tables import import_errors

    tenant = db.session.get(Tenant, job.tenant_id)
    user = db.session.get(User, job.actor_id)
    with import_errors(filename):
        rows = helars.parse(filename, tenant_file(tenant.slug, path).read_bytes())
        report_progress(job, 50)
        stored = helars.store(rows, tenant_id=tenant.id, filename=filename, by=user.email if user else "")
    kommuner = sorted({r[0] for r in rows})
    return {"rows": stored, "kommuner": len(kommuner), "halvar": len({(r[1], r[2]) for r in rows})}


def render_member_report(job, period: str) -> dict:
    tenant = db.session.get(Tenant, job.tenant_id)
    report_progress(job, 20)
    pdf = documents.member_report_pdf(tenant, period)
    relative = f"jobs/{job.id}/medlemssamrad-{period}.pdf"
    return job_result_file(tenant.slug, relative, pdf, f"{tenant.slug}-medlemssamrad-{period}.pdf")
