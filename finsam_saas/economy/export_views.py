"""The Uppföljning Finsam export."""
from __future__ import annotations

from flask import Response, abort, g, request

from finsam_saas.economy.views import blueprint
from finsam_saas.platform import clock
from finsam_saas.platform.auth import requires
from finsam_saas.platform.years import data_years, default_year, year_arg
from finsam_saas.economy import export
from finsam_saas.economy.models import Budget
from finsam_saas.insatser.models import Grant


@blueprint.route("/uppfoljning-finsam.<fmt>")
@requires("economy.view")
def finsam_export(fmt: str):
    year = year_arg() or default_year(clock.today().year - 1, data_years(Budget.year, Grant.year))
    rows = export.finsam_rows(year, g.tenant.settings)
    if fmt == "xlsx":
        content, mimetype = export.as_xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        content, mimetype = export.as_csv(rows), "text/csv"
    else:
        abort(404)
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="uppfoljning-finsam-{g.tenant.slug}-{year}.{fmt}"'})
