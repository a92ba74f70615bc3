"""The analysis API: joint projects as their owner and partners see them, the owner's edits,
and pledges. The same rules as the pages: a förbund outside a project gets 404, a partner
that is not the owner 403 for an edit; hours without a rate are `hours_value: null`
(ej värderade), never 0."""

from flask import abort, g, jsonify, request

from finsam_saas.analysis import projects, views  # noqa: F401  (views registers the permissions)
from finsam_saas.analysis.models import Project
from finsam_saas.analysis.schemas import PledgeIn, ProjectPatch
from finsam_saas.extensions import db
from finsam_saas.platform.auth import requires
from finsam_saas.platform.openapi import documented
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.schemas import load
from finsam_saas.platform.web import api_blueprint

blueprint = api_blueprint("analysis_api", __name__)


def _visible(project_id: int) -> Project:
    project = projects.project_for(g.tenant.id, project_id)
    if project is None:
        abort(404)
    return project


def _row_json(row) -> dict:
    return {"partner_id": row.partner.id, "partner": row.partner.name, "cash_pledged": row.cash_pledged,
            "cash_given": row.cash_given, "in_kind_pledged": row.in_kind_pledged, "hours": row.hours,
            "hours_value": row.hours_value, "hours_valued": row.hours_value is not None or not row.hours,
            "given": row.given, "share_given": row.share_given}


def project_json(project: Project, year: int | None = None, *, with_report: bool = True) -> dict:
    data = {"id": project.id, "name": project.name, "description": project.description,
            "owner": project.owner.name, "is_owner": project.owner_tenant_id == g.tenant.id,
            "start": project.start.isoformat(), "end": project.end.isoformat(), "budget": project.budget,
            "external_funding": project.external_funding, "hour_value": project.rate,
            "partners": [{"id": p.id, "name": p.name, "is_tenant": p.tenant_id is not None,
                          "pledges": [{"year": pl.year, "cash": pl.cash, "in_kind": pl.in_kind} for pl in p.pledges]}
                         for p in project.partners]}
    if with_report:
        rows = projects.report(project, year)
        totals = projects.totals(rows)
        data["report"] = {"year": year, "partners": [_row_json(r) for r in rows],
                          "totals": {"cash_pledged": totals.cash_pledged, "cash_given": totals.cash_given,
                                     "in_kind_pledged": totals.in_kind_pledged, "hours": totals.hours,
                                     "hours_value": totals.hours_value}}
    return data


@blueprint.get("/projects")
@requires("analysis.view")
def list_projects():
    """The joint projects this förbund owns or is a partner in."""
    return jsonify([project_json(p, with_report=False) for p in projects.visible_projects(g.tenant.id)])


@blueprint.get("/projects/<int:project_id>")
@requires("analysis.view")
def get_project(project_id: int):
    """A project with its co-financing per partner (?year=Y for one year); hours_value null: ej värderade."""
    year = request.args.get("year")
    if year is not None and not (year.isdigit() and len(year) == 4):
        raise InvalidInput(f"year ska vara ett år, t.ex. 2024, inte \"{year}\".", {"year": "inte ett år"})
    return jsonify(project_json(_visible(project_id), int(year) if year else None))


@blueprint.patch("/projects/<int:project_id>")
@requires("analysis.projects")
@documented(requestBody=ProjectPatch)
def patch_project(project_id: int):
    """The owner changes the project's fields (all checked first; nothing is written on an error)."""
    project = _visible(project_id)
    projects.require_owner(project, g.tenant.id)
    data = load(ProjectPatch(), request.get_json(silent=True))
    projects.update_project(project, g.tenant.id, **data)
    db.session.commit()
    return jsonify(project_json(project))


@blueprint.put("/projects/<int:project_id>/pledges")
@requires("analysis.projects")
@documented(requestBody=PledgeIn)
def put_pledge(project_id: int):
    """A partner's pledge for a year (the partner itself, or the owner for any partner); replaces an earlier one."""
    project = _visible(project_id)
    data = load(PledgeIn(), request.get_json(silent=True))
    partner = projects.partner_in(project, data["partner_id"])
    if not projects.may_pledge_for(project, partner, g.tenant.id):
        projects.require_owner(project, g.tenant.id)
    projects.pledge(project, partner, year=data["year"], cash=data["cash"], in_kind=data["in_kind"])
    db.session.commit()
    return jsonify(project_json(project))
