"""The medlemssamråd's paper: the förbund against the others, measure by measure, with charts."""
from __future__ import annotations

from flask import render_template

from finsam_saas.analysis import compare
from finsam_saas.platform.charts import bar_chart
from finsam_saas.platform.documents import render_pdf
from finsam_saas.platform.files import tenant_dir
from finsam_saas.platform.models import Tenant

UNIT_SUFFIX = {"procent": "%", "kr": "kr", "antal": "st"}


def chart_of(comparison: compare.Comparison):
    """Bars of every förbund that published the measure."""
    names = [e.name for e in comparison.entries]
    return bar_chart(f"{comparison.label} ({comparison.dimension_label.lower()}) {comparison.period}", names,
                     [(comparison.label, [e.value for e in comparison.entries])], unit=UNIT_SUFFIX[comparison.unit])


def member_report_context(tenant: Tenant, period: str) -> dict:
    rows = [(c, own, chart_of(c) if c.unit != "antal" and len(c.entries) > 1 else None)
            for c, own in compare.profile(tenant.id, period)]
    return {"tenant": tenant, "period": period, "rows": rows}


def member_report_pdf(tenant: Tenant, period: str) -> bytes:
    html = render_template("pdf/analysis_member_report.html", **member_report_context(tenant, period))
    return render_pdf(html, tenant_files_dir=tenant_dir(tenant.slug))
