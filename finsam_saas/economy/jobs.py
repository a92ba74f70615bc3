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


def render_internal_control_plan(job, year: int) -> dict:
    """The year's internkontrollplan as PDF/A: its state, the risk matrix and every control."""
    from flask import render_template

    from finsam_saas.economy import internal_control

    tenant = db.session.get(Tenant, job.tenant_id)
    context = internal_control.pdf_context(year)
    if not context["controls"]:
        raise LookupError(f"Internkontrollplanen {year} har inga kontroller.")
    report_progress(job, 20)
    html = render_template("pdf/internal_control.html", tenant=tenant, **context)
    pdf = render_pdf(html, tenant_files_dir=tenant_dir(tenant.slug), archive=True)
    name = f"internkontrollplan-{year}.pdf"
    return job_result_file(tenant.slug, f"jobs/{job.id}/{name}", pdf, f"{tenant.slug}-{name}")


def import_sie(job, path: str, filename: str, year: int, through: str | None = None) -> dict:
    """Read the stored SIE 4 file as the bookkeeping of `year` through `through` (ISO date, or None
    for the file's own last month). A bad file fails the job with its reason, naming the line, and
    nothing is saved (the job's transaction is undone whole). Accounts the plan does not map are
    the job's warnings."""
    from datetime import date

    from finsam_saas.economy import bookkeeping
    from finsam_saas.platform.files import tenant_file
    from finsam_saas.platform.tables import import_errors

    tenant = db.session.get(Tenant, job.tenant_id)
    content = tenant_file(tenant.slug, path).read_bytes()
    report_progress(job, 10)
    with import_errors(filename, name_the_file=False):  # a refusal quotes no NUL (PostgreSQL stores none)
        result = bookkeeping.import_sie(year, content, filename, path=path,
                                        through=date.fromisoformat(through) if through else None)
    return {"import_id": result.import_id, "period_end": result.period_end.isoformat(), "accounts": result.accounts,
            "verifications": result.verifications, "lines": result.lines, "warnings": result.unmapped}


def import_outcome(job, path: str, filename: str, year: int) -> dict:
    """Read the stored CSV or XLSX file as the outcome of `year` per budget line (economy/outcome.py),
    replacing the year's outcome. A bad file fails the job with a Swedish reason naming the file,
    row and column, and nothing is saved (the job's transaction is undone whole). Returns
    {"lines": count, "summary": the sentence the job page shows}."""
    from finsam_saas.economy import outcome
    from finsam_saas.platform.files import tenant_file
    from finsam_saas.platform.tables import import_errors

    tenant = db.session.get(Tenant, job.tenant_id)
    content = tenant_file(tenant.slug, path).read_bytes()
    report_progress(job, 10)
    with import_errors(filename):
        count = outcome.import_outcome(year, content, filename)
    return {"lines": count, "summary": f"{count} rader utfall för {year} är inlästa."}
