"""Request shapes of the analysis API: joint projects."""
from marshmallow import fields

from finsam_saas.analysis.models import Project
from finsam_saas.platform.schemas import Schema, text_field


class ProjectPatch(Schema):
    """Any subset of a project's fields; hour_value null removes the rate (hours ej värderade)."""
    name = text_field(Project.name, least=1)
    description = text_field(Project.description)
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
