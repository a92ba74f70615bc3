"""Request shapes of the economy API (API.md)."""
from marshmallow import fields, validate

from finsam_saas.economy.models import SECTIONS, BudgetLine
from finsam_saas.platform.schemas import Schema, text_field


class FeesIn(Schema):
    total = fields.Integer(required=True, strict=True)
    working_age_population = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), required=True)


class LineIn(Schema):
    section = fields.String(required=True, validate=validate.OneOf(SECTIONS))
    name = text_field(BudgetLine.name, least=1, required=True)
    amount = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


class BudgetIn(Schema):
    lines = fields.List(fields.Nested(LineIn), required=True)
    equity_start = fields.Integer(load_default=None, allow_none=True, strict=True)
