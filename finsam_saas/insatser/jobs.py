"""Background work of the insatser module."""
from flask import render_template

from finsam_saas.extensions import db
from finsam_saas.insatser import followup
from finsam_saas.insatser.models import OUTCOME_FIELDS, OUTCOME_LABELS
from finsam_saas.platform.charts import bar_chart
from finsam_saas.platform.documents import render_pdf
from finsam_saas.platform.files import tenant_dir, job_result_file
from finsam_saas.platform.jobs import report_progress
from finsam_saas.platform.models import Tenant


def render_followup_pm(job, year: int, half: int) -> dict:
    tenant = db.session.get(Tenant, job.tenant_id)
    data = followup.followup(year, half)
    report_progress(job, 30)
    with_ratio = [r for r in data.spend if r.ratio is not None]
    chart = bar_chart(f"Förbrukningskvot {year}", [r.insats.name for r in with_ratio],
                      [("Förbrukningskvot", [r.ratio for r in with_ratio])], unit="%") if with_ratio else None
    html = render_template("pdf/followup_pm.html", tenant=tenant, f=data, questions=followup.QUESTIONS,
                           fields=OUTCOME_FIELDS, labels=OUTCOME_LABELS, chart=chart)
    report_progress(job, 60)
    pdf = render_pdf(html, tenant_files_dir=tenant_dir(tenant.slug))
    relative = f"jobs/{job.id}/uppfoljning-{year}H{half}.pdf"
    return job_result_file(tenant.slug, relative, pdf, f"uppfoljning-insatser-{year}-H{half}.pdf")


def import_outcomes(job, path: str, filename: str) -> dict:
    """Run the import; a bad row fails the job with its reason (naming the file, row and column),
    and nothing is saved."""
    from finsam_saas.insatser.imports import import_outcomes as run_import
    from finsam_saas.platform.files import tenant_file
    from finsam_saas.platform.tables import import_errors

    tenant = db.session.get(Tenant, job.tenant_id)
    content = tenant_file(tenant.slug, path).read_bytes()
    report_progress(job, 10)
    with import_errors(filename):
        result = run_import(content, filename)
    return {"rows": result.rows, "outcomes": result.outcomes, "insatser": result.insatser}
