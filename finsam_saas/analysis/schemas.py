"""Request shapes of the analysis API: joint projects."""
from marshmallow import Schema, fields, validate


class ProjectPatch(Schema):
    """Any subset of a project's fields; hour_value null removes the rate (hours ej värderade)."""
    name = fields.String(validate=validate.Length(min=1, max=300))
    description = fields.String()
    start = fields.Date()
    end = fields.Date()
    budget = fields.Integer(strict=True)
    external_funding = fields.Integer(strict=True)
    hour_value = fields.Integer(strict=True, allow_none=True)


class PledgeIn(Schema):
    partner_id = fields.Integer(required=True, strict=True)
    year = fields.Integer(required=True, strict=True)
    cash = fields.Integer(required=True, strict=True)
    in_kind = fields.Integer(required=True, strict=True)
