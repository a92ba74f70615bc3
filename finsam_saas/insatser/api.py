"""The insatser API (API.md): register, spend and consumption ratio, requisitions,
outcomes, applications. An insatsansvarig reaches only their own insatser."""

from flask import abort, g, jsonify, request

from finsam_saas.platform import clock
from finsam_saas.extensions import db
from finsam_saas.insatser import followup, permissions, services  # noqa: F401
from finsam_saas.insatser.models import Insats
from finsam_saas.insatser.schemas import ApplicationIn, InsatsIn, RequisitionIn, SpendIn
from finsam_saas.platform.schemas import load
from finsam_saas.platform.auth import requires
from finsam_saas.platform.openapi import documented
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.web import api_blueprint, get_or_404

blueprint = api_blueprint("insatser_api", __name__)


def _visible(insats_id: int) -> Insats:
    insats = get_or_404(Insats, insats_id)
    if not services.may_see(insats, g.membership.role, g.api_user.id):
        abort(404)
    return insats


def insats_json(insats: Insats) -> dict:
    return {**_insats_fields(insats), "grants": {str(g_.year): g_.amount for g_ in insats.grants}}


def _insats_fields(insats: Insats) -> dict:
    return {
        "id": insats.id, "name": insats.name, "owner": insats.owner, "kind": insats.kind,
        "start": insats.start.isoformat(), "end": insats.end.isoformat(), "partners": insats.partners,
        "target_group": insats.target_group, "method": insats.method, "diarienummer": insats.diarienummer,
    }


@blueprint.post("/insatser")
@requires("insatser.edit")
@documented(requestBody=InsatsIn)
def create_insats():
    """Register an insats with its grants per year."""
    data = load(InsatsIn(), request.get_json(silent=True))
    insats = services.create_insats(**data)
    db.session.commit()
    return jsonify(insats_json(insats)), 201


@blueprint.get("/insatser")
@requires("insatser.view")
def list_insatser():
    """The insatser the caller may see."""
    return jsonify([insats_json(i) for i in services.visible_insatser(g.membership.role, g.api_user.id, with_grants=True)])


@blueprint.get("/insatser/<int:insats_id>")
@requires("insatser.view")
def get_insats(insats_id: int):
    return jsonify(insats_json(_visible(insats_id)))


@blueprint.get("/followup")
@requires("insatser.view")
def followup_data():
    """The half-year follow-up PM's data (?year=2021&half=1): insatser, spend, outcomes, goals, reports."""
    year = request.args.get("year", type=int) or clock.today().year
    half = request.args.get("half", type=int) or (1 if clock.today().month <= 6 else 2)
    if not 2000 <= year <= 2100:
        raise InvalidInput(f"Året {year} är inte rimligt.", {"year": "utanför 2000–2100"})
    data = followup.followup(year, half)
    spend = {row.insats.id: row for row in data.spend}
    return jsonify({
        "year": data.year, "half": data.half, "summary": data.summary,
        "insatser": [{
            **_insats_fields(i),
            "grant": spend[i.id].grant,  # the year's: the PM follows one year
            "spend": ({"through": spend[i.id].through.isoformat(), "amount": spend[i.id].amount,
                       "consumption_ratio": spend[i.id].ratio} if spend[i.id].through else None),
            "outcome": data.outcomes.get(i.id),
            "goals": [{"measure": res.goal.measure, "target": res.goal.target, "actual": res.actual, "met": res.met}
                      for res in data.goal_results.get(i.id, [])],
            "report": ({"quarter": data.reports[i.id].quarter, "status": data.reports[i.id].status}
                       if i.id in data.reports else None),
        } for i in data.insatser],
    })


@blueprint.put("/insatser/<int:insats_id>/spend/<int:year>")
@requires("insatser.report")
@documented(requestBody=SpendIn)
def put_spend(insats_id: int, year: int):
    """Spend through a date; answers the consumption ratio."""
    insats = _visible(insats_id)
    data = load(SpendIn(), request.get_json(silent=True))
    ratio = services.report_spend(insats, year, **data)
    db.session.commit()
    return jsonify({"consumption_ratio": ratio})


@blueprint.post("/insatser/<int:insats_id>/requisitions")
@requires("insatser.report")
@documented(requestBody=RequisitionIn)
def post_requisition(insats_id: int):
    """Requisition granted money; 409 exceeds_grant past the year's grant."""
    insats = _visible(insats_id)
    data = load(RequisitionIn(), request.get_json(silent=True))
    row = services.requisition(insats, **data)
    db.session.commit()
    return jsonify({"id": row.id, "year": row.year, "amount": row.amount}), 201


@blueprint.put("/insatser/<int:insats_id>/outcomes/<period>")
@requires("insatser.report")
def put_outcome(insats_id: int, period: str):
    """Participant counts by sex for a period (2021, 2021H1, 2021Q2)."""
    insats = _visible(insats_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("Begäran ska vara ett JSON-objekt med women och men.", {"body": "inte ett JSON-objekt"})
    summary = services.record_outcome(insats, period, body)
    db.session.commit()
    return jsonify({"period": period, **summary, "goals": _goals(insats, period, summary)})


def _goals(insats: Insats, period: str, summary: dict) -> list[dict]:
    return [{"measure": r.goal.measure, "target": r.goal.target, "actual": r.actual, "met": r.met}
            for r in services.check_goals(insats, period, summary)]


@blueprint.get("/insatser/<int:insats_id>/outcomes/<period>")
@requires("insatser.view")
def get_outcome(insats_id: int, period: str):
    insats = _visible(insats_id)
    services.period_bounds(period)
    summary = services.outcomes_of(insats).get(period)
    if summary is None:
        abort(404)
    return jsonify({"period": period, **summary, "goals": _goals(insats, period, summary)})


@blueprint.post("/applications")
@requires("applications.create")
@documented(requestBody=ApplicationIn)
def post_application():
    """File an ansökan with amounts per year; it waits for the board's decision."""
    data = load(ApplicationIn(), request.get_json(silent=True))
    application = services.create_application(**data)
    db.session.commit()
    return jsonify({"id": application.id, "status": application.status}), 201
