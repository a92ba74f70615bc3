"""Background work of the economy module."""
from finsam_saas.economy import reports
from finsam_saas.economy.models import FinancialReport
from finsam_saas.extensions import db
from finsam_saas.platform.documents import render_pdf
from finsam_saas.platform.files import tenant_dir, job_result_file
from finsam_saas.platform.jobs import report_progress
from finsam_saas.platform.models import Tenant


def render_financial_report(job, report_id: int) -> dict:
    tenant = db.session.get(Tenant, job.tenant_id)
    row = db.session.get(FinancialReport, report_id)
    if row is None:
        raise LookupError(f"Rapporten {report_id} finns inte.")
    report_progress(job, 20)
    pdf = render_pdf(reports.render(row, tenant), tenant_files_dir=tenant_dir(tenant.slug), archive=True)
    name = f"{'delarsrapport' if row.kind == 'delar' else 'arsredovisning'}-{row.year}.pdf"
    relative = f"jobs/{job.id}/{name}"
    return job_result_file(tenant.slug, relative, pdf, f"{tenant.slug}-{name}")
