"""The insatser API (API.md): register and its changes, spend and consumption ratio, requisitions,
outcomes, kvartalsrapporter, applications. An insatsansvarig reaches only their own insatser."""

from flask import abort, g, jsonify, request
from sqlalchemy import select

from finsam_saas.platform import clock
from finsam_saas.extensions import db
from finsam_saas.insatser import followup, permissions, services  # noqa: F401
from finsam_saas.insatser.models import QUALITY_QUESTIONS, Insats, QuarterlyReport, Requisition
from finsam_saas.insatser.schemas import ApplicationIn, InsatsChange, InsatsIn, QuarterlyReportIn, RequisitionIn, SpendIn
from finsam_saas.platform.schemas import load
from finsam_saas.platform.auth import can, requires
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
        "focus": insats.focus, "planned_participants": insats.planned_participants,
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


@blueprint.patch("/insatser/<int:insats_id>")
@requires("insatser.edit")
@documented(requestBody=InsatsChange)
def patch_insats(insats_id: int):
    """Change what describes an insats (owner, kind, målgrupp, inriktning, planned participants, …)."""
    insats = _visible(insats_id)
    changes = load(InsatsChange(), request.get_json(silent=True))
    services.update_insats(insats, **changes)
    db.session.commit()
    return jsonify(insats_json(insats))


def report_json(report: QuarterlyReport) -> dict:
    return {
        "id": report.id, "year": report.year, "quarter": report.quarter,
        "due": services.report_due(report.year, report.quarter).isoformat(),
        "received": report.received.isoformat(), "received_on": report.received_on.isoformat() if report.received_on else None,
        "submitted_at": report.submitted_at.isoformat(),
        "late": services.is_late(report.year, report.quarter, report.received),
        "answers": report.answers, "goals_on_track": report.goals_on_track, "forecast_met": report.forecast_met,
        "deviations": report.deviations, "comment": report.comment,
        "status": report.status, "status_note": report.status_note,
    }


@blueprint.get("/insatser/<int:insats_id>/quarterly-reports")
@requires("insatser.view")
def list_quarterly_reports(insats_id: int):
    """The insats's kvartalsrapporter with their due day, the day received and whether they were late."""
    insats = _visible(insats_id)
    reports = db.session.scalars(select(QuarterlyReport).where(QuarterlyReport.insats_id == insats.id)
                                 .order_by(QuarterlyReport.year, QuarterlyReport.quarter))
    return jsonify([report_json(r) for r in reports])


@blueprint.post("/insatser/<int:insats_id>/quarterly-reports")
@requires("insatser.report")
@documented(requestBody=QuarterlyReportIn)
def post_quarterly_report(insats_id: int):
    """Submit (or, before the kansli's assessment, replace) a kvartalsrapport; received_on for the kansli only."""
    insats = _visible(insats_id)
    data = load(QuarterlyReportIn(), request.get_json(silent=True))
    if data["received_on"] is not None and not can("reports.backfill"):
        abort(403, "Bara kansliet kan ange dagen en rapport kom in.")
    unknown = set(data["answers"]) - {key for key, _ in QUALITY_QUESTIONS}
    if unknown:
        raise InvalidInput(f"Okända frågor: {', '.join(sorted(unknown))}.", {f"answers.{k}": "okänd fråga" for k in unknown})
    report = services.submit_report(insats, user_id=g.api_user.id, **data)
    db.session.commit()
    return jsonify(report_json(report)), 201


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
    """Spend through a date; answers the consumption ratio. 409 year_closed after the year's bokslut."""
    insats = _visible(insats_id)
    data = load(SpendIn(), request.get_json(silent=True))
    ratio = services.report_spend(insats, year, **data)
    db.session.commit()
    return jsonify({"consumption_ratio": ratio})


def requisition_json(row: Requisition) -> dict:
    return {"id": row.id, "year": row.year, "amount": row.amount, "day": row.day.isoformat(),
            "requisitioned_on": row.requisitioned_on.isoformat() if row.requisitioned_on else None}


@blueprint.post("/insatser/<int:insats_id>/requisitions")
@requires("insatser.report")
@documented(requestBody=RequisitionIn)
def post_requisition(insats_id: int):
    """Requisition granted money: the year four digits within the insats's period; 409
    exceeds_grant past the year's grant, 409 year_closed after the year's bokslut."""
    insats = _visible(insats_id)
    data = load(RequisitionIn(), request.get_json(silent=True))
    row = services.requisition(insats, **data)
    db.session.commit()
    return jsonify(requisition_json(row)), 201


@blueprint.get("/insatser/<int:insats_id>/requisitions")
@requires("insatser.view")
def list_requisitions(insats_id: int):
    """The insats's requisitions, in the order they were made."""
    return jsonify([requisition_json(r) for r in services.requisitions_of(_visible(insats_id))])


@blueprint.delete("/insatser/<int:insats_id>/requisitions/<int:requisition_id>")
@requires("insatser.report")
def delete_requisition(insats_id: int, requisition_id: int):
    """Take back a requisition entered by mistake; 409 year_closed after the year's bokslut."""
    insats = _visible(insats_id)
    row = get_or_404(Requisition, requisition_id)
    if row.insats_id != insats.id:
        abort(404)
    services.remove_requisition(row)
    db.session.commit()
    return "", 204


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
