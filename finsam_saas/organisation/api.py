"""JSON endpoints of the organisation (API.md: GET /api/v1/<tenant>/members)."""
from flask import jsonify
from marshmallow import Schema, fields

from finsam_saas.organisation import services
from finsam_saas.organisation.models import Body
from finsam_saas.platform.auth import requires
from finsam_saas.platform.web import api_blueprint, get_or_404

blueprint = api_blueprint("organisation_api", __name__)


class MemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()


class SeatSchema(Schema):
    person = fields.String()
    seat = fields.String()
    role = fields.String(allow_none=True)
    substitute_order = fields.Integer(allow_none=True)
    appointed_by = fields.Function(lambda s: s.appointed_by.name if s.appointed_by else None)


class BodySchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    ordinarie_seats = fields.Integer()
    quorum = fields.Integer()


class BodyDetailSchema(BodySchema):
    seats = fields.Function(lambda b: SeatSchema(many=True).dump([s for s in b.seats if s.active]))


@blueprint.get("/members")
@requires("organisation.view")
def members():
    """The tenant's members: state, region and kommuner (for nns: the member förbund)."""
    return jsonify(MemberSchema(many=True).dump(services.members_of()))


@blueprint.get("/bodies")
@requires("organisation.view")
def bodies():
    return jsonify(BodySchema(many=True).dump(services.bodies()))


@blueprint.get("/bodies/<int:body_id>")
@requires("organisation.view")
def body(body_id: int):
    return jsonify(BodyDetailSchema().dump(get_or_404(Body, body_id)))
