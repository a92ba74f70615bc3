"""Request shapes of the insatser API (API.md)."""
from marshmallow import Schema, fields, validate

from finsam_saas.insatser.models import KINDS

KIND_NAMES = validate.OneOf(KINDS)


class InsatsIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    owner = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=KIND_NAMES)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    grants = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), load_default=dict)
    partners = fields.String(load_default="")
    target_group = fields.String(load_default="")
    method = fields.String(load_default="")
    diarienummer = fields.String(load_default=None, allow_none=True)
    styrgrupp = fields.String(load_default="")


class SpendIn(Schema):
    through = fields.Date(required=True)
    amount = fields.Integer(required=True, strict=True)
    budget = fields.Integer(load_default=None, allow_none=True, strict=True)


class RequisitionIn(Schema):
    year = fields.Integer(required=True, strict=True)
    amount = fields.Integer(required=True, strict=True)




class ApplicationIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    applicant = fields.String(required=True)
    amounts = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), required=True)
    kind = fields.String(load_default="individ", validate=KIND_NAMES)
    goals = fields.String(load_default="")
    target_group = fields.String(load_default="")
    start = fields.Date(load_default=None, allow_none=True)
    end = fields.Date(load_default=None, allow_none=True)
