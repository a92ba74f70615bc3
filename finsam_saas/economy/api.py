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
    """The year's budget lines; equity_start defaults to the previous year's equity_end."""
    data = load(BudgetIn(), request.get_json(silent=True))
    services.put_budget(year, data["lines"], data["equity_start"])
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
