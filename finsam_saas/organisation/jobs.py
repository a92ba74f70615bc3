"""Background work of the organisation module."""
from flask import render_template

from finsam_saas.extensions import db
from finsam_saas.organisation import services
from finsam_saas.platform.documents import render_pdf
from finsam_saas.platform.files import tenant_dir, job_result_file
from finsam_saas.platform.jobs import report_progress
from finsam_saas.platform.models import Tenant


def render_overview_pdf(job) -> dict:
    tenant = db.session.get(Tenant, job.tenant_id)
    report_progress(job, 10)
    html = render_template(
        "pdf/organisation.html", tenant=tenant,
        members=services.members_of(), bodies=services.bodies(), kansli=services.kansli(),
    )
    report_progress(job, 40)
    pdf = render_pdf(html, tenant_files_dir=tenant_dir(tenant.slug))
    relative = f"jobs/{job.id}/organisation.pdf"
    return job_result_file(tenant.slug, relative, pdf, f"organisation-{tenant.slug}.pdf")
