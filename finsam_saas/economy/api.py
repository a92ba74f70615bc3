"""The economy API (API.md): fees, budgets, decision room."""

from flask import abort, g, jsonify, request

from finsam_saas.platform import clock
from finsam_saas.economy import permissions, services  # noqa: F401
from finsam_saas.economy.schemas import BudgetIn, FeesIn
from finsam_saas.extensions import db
from finsam_saas.platform.auth import requires
from finsam_saas.platform.openapi import documented
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.schemas import load
from finsam_saas.platform.web import api_blueprint

blueprint = api_blueprint("economy_api", __name__)


def _fees_json(year: int):
    found = services.fees_of(year)
    if found is None:
        abort(404)
    row, fees = found
    return {"year": year, "total": row.total,
            "fees": [{"member": f.member, "kind": f.kind, "amount": f.amount, "population_share": f.population_share}
                     for f in fees]}


@blueprint.put("/fees/<int:year>")
@requires("economy.edit")
@documented(requestBody=FeesIn)
def put_fees(year: int):
    """The year's fee total and working-age populations; answers each member's fee."""
    data = load(FeesIn(), request.get_json(silent=True))
    services.set_fees(year, data["total"], data["working_age_population"])
    db.session.commit()
    return jsonify(_fees_json(year))


@blueprint.get("/fees/<int:year>")
@requires("economy.view")
def get_fees(year: int):
    return jsonify(_fees_json(year))


@blueprint.put("/budgets/<int:year>")
@requires("economy.edit")
@documented(requestBody=BudgetIn)
def put_budget(year: int):
    """The year's budget lines. Without equity_start (or with null) a new budget starts from the
    previous year's equity_end and a changed one keeps the equity its current version has."""
    data = load(BudgetIn(), request.get_json(silent=True))
    services.put_budget(year, data["lines"], services.KEEP if data["equity_start"] is None else data["equity_start"])
    db.session.commit()
    return jsonify(services.budget_summary(year, g.tenant.settings))


@blueprint.get("/budgets/<int:year>")
@requires("economy.view")
def get_budget(year: int):
    summary = services.budget_summary(year, g.tenant.settings)
    if summary is None:
        abort(404)
    return jsonify(summary)


@blueprint.get("/decision-room")
@requires("economy.view")
def decision_room():
    """Beslutsutrymme per year: fees, carried, costs, result, room, pending, room after pending.

    Without from/to: this year and the two after it."""
    try:
        first = int(request.args.get("from", clock.today().year))
        last = int(request.args.get("to", first + 2))
    except ValueError:
        raise InvalidInput("Ange from och to som år, t.ex. ?from=2021&to=2023.", {"from": "år", "to": "år"})
    return jsonify({"years": services.decision_room(first, last, g.tenant.settings)})


def _year_end_json(year: int) -> dict:
    row = services.year_end(year)
    rows, _ = services.year_end_preview(year)
    return {"year": year, "closed": row is not None, "closed_at": row.closed_at.isoformat() if row else None,
            "closed_by": row.closed_by if row else None,
            "returned": [{"insats_id": r.insats_id, "name": r.name, "granted": r.granted,
                          "requisitioned": r.requisitioned, "returned": r.returned} for r in rows]}


@blueprint.get("/year-ends/<int:year>")
@requires("economy.view")
def get_year_end(year: int):
    """The year's bokslut: closed or not, and what the insatser's unused money is (kronor)."""
    return jsonify(_year_end_json(year))


@blueprint.post("/year-ends/<int:year>")
@requires("economy.edit")
def close_year(year: int):
    """Make the year's bokslut; body {"confirm": true}. 409 cannot_close names what stops it."""
    body = request.get_json(silent=True) or {}
    services.close_year(year, g.api_user.name or g.api_user.email, confirmed=body.get("confirm") is True)
    db.session.commit()
    return jsonify(_year_end_json(year)), 201
